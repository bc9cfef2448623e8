//! Audiences: the passes a bulk change is for (a tag's, a segment's), walked by id from a
//! cursor so the walk stays true while passes come and go.

use super::error::ServiceError;
use super::segments::{self, Members};
use crate::model::records::{Audience, PassFilter};
use crate::service::App;

/// The audience's passes with ids above `after`, at most `limit`.
pub async fn members_after(app: &App, audience: &Audience, after: u64, limit: usize) -> Result<Members, ServiceError> {
    match audience {
        Audience::Tag(tag) => {
            let passes = app.store.passes_after(&PassFilter::Tag(tag.clone()), after, limit).await?;
            let next = (passes.len() >= limit).then(|| passes.last().map_or(after, |p| p.id));
            Ok(Members { passes, next })
        }
        Audience::Segment(id) => segments::members(app, *id, after, limit).await,
    }
}

/// How many passes the audience has, where that is cheap to know (a tag's count); `None`
/// for a segment, whose members are only known by walking them.
pub async fn known_size(app: &App, audience: &Audience) -> Result<Option<u64>, ServiceError> {
    match audience {
        Audience::Tag(tag) => Ok(Some(app.store.count_passes_with_tag(tag).await?)),
        Audience::Segment(_) => Ok(None),
    }
}
