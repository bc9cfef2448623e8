//! `POST /v1/doctor`: the body is a .pkpass (or .pkpasses); the answer is its diagnosis
//! (200 whatever it finds: the findings are the answer).

use lambda_http::{Body, Request, Response};

use crate::http::request::body_bytes;
use crate::http::{ApiError, ok_json};
use crate::service::App;

pub async fn diagnose(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let report = crate::service::doctor::diagnose(app, body_bytes(&request))?;
    // A report of strings and numbers always serializes.
    ok_json(&serde_json::to_value(&report).unwrap_or_default())
}
