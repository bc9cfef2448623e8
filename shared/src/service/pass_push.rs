//! `PUT /v1/pass/{id}/push`: tell every device holding the pass to fetch it again, now, and
//! say how many were reached. Unlike change notifications (sent in the background, or by the
//! stream-fed dispatcher on AWS), this push runs in the request.

use super::error::ServiceError;
use super::push::{Change, DispatchReport};
use crate::service::App;

pub async fn push(app: &App, id: u64) -> Result<DispatchReport, ServiceError> {
    app.store.get_pass(id).await?.ok_or(ServiceError::NotFound("pass"))?;
    let dispatcher = app
        .dispatcher()
        .ok_or_else(|| ServiceError::NotConfigured("this process sends no pushes (its app has no pusher)".into()))?;
    Ok(dispatcher.dispatch(Change::Pass(id)).await?)
}
