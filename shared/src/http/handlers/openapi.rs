//! `GET /openapi.json`: the API's OpenAPI 3.1 document (infra/openapi.yaml, built in).

use std::sync::OnceLock;

use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};

use crate::http::{ApiError, ok_json};
use crate::service::App;

pub const OPENAPI_YAML: &str = include_str!("../../../../infra/openapi.yaml");

/// The document as JSON, parsed once per process.
pub fn openapi_json() -> Result<&'static serde_json::Value, ApiError> {
    static DOCUMENT: OnceLock<Option<serde_json::Value>> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_norway::from_str(OPENAPI_YAML).ok()).as_ref().ok_or_else(|| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the OpenAPI document does not parse")
    })
}

pub async fn document(_app: &App, _request: Request) -> Result<Response<Body>, ApiError> {
    ok_json(openapi_json()?)
}
