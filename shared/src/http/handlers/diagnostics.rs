//! `GET /v1/pass/{id}/diagnostics`: where the pass's updates stopped on their way to phones.

use lambda_http::{Body, Request, Response};

use super::passes::pass_id;
use crate::http::diagnostics_views;
use crate::http::{ApiError, ok_json};
use crate::service::{App, diagnostics};

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let report = diagnostics::diagnose(app, pass_id(app, &request).await?).await?;
    ok_json(&diagnostics_views::diagnostics(&report))
}
