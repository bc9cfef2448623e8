//! Many passes of one template in one call (`POST /v1/pass/batch`): each made exactly as
//! `POST /v1/pass/{templateId}` makes it, a few at a time, each with its own outcome; one
//! item's failure changes nothing for the others.

use std::collections::HashMap;

use futures_util::stream::{self, StreamExt};

use super::error::ServiceError;
use super::passes::{self, Issued, PassRequest, SignedCopy};
use super::templates;
use crate::service::App;

/// The passes one call may make: well under a second of signing on one core, so a batch
/// answers far inside its function's timeout even when storage is slow.
pub const MAX_PASSES: usize = 100;

/// Passes of a batch in the making at once: signing runs on the blocking pool, so this many
/// sign in parallel while the others wait on storage.
const AT_ONCE: usize = 8;

/// Makes each request's pass from the template; answers one outcome per request, in order.
/// An unknown template refuses the whole batch; an external id repeated within the batch
/// refuses each later use of it without trying (which item would win is not left to timing).
pub async fn create(
    app: &App,
    template_id: u64,
    requests: Vec<PassRequest>,
) -> Result<Vec<Result<Issued, ServiceError>>, ServiceError> {
    templates::get(app, template_id).await?;
    let mut first_with: HashMap<String, usize> = HashMap::new();
    let repeats: Vec<Option<ServiceError>> = requests
        .iter()
        .enumerate()
        .map(|(index, request)| {
            let external_id = request.external_id.as_ref().or(request.ext_id.as_ref())?;
            let first = *first_with.entry(external_id.clone()).or_insert(index);
            (first != index).then(|| {
                ServiceError::Conflict(format!("externalId {external_id:?} is item {first}'s too in this batch"))
            })
        })
        .collect();
    let outcomes = stream::iter(requests.into_iter().zip(repeats))
        .map(|(request, repeat)| async move {
            match repeat {
                Some(refusal) => Err(refusal),
                None => passes::create_keeping(app, template_id, request, None, None, SignedCopy::NotKept).await,
            }
        })
        .buffered(AT_ONCE)
        .collect()
        .await;
    Ok(outcomes)
}
