//! Every failure becomes `{"error": {"code", "message", "field"?}}` with a fitting status.

use lambda_http::Body;
use lambda_http::http::{Response, StatusCode};
use serde_json::json;

use crate::service::{LinkRefusal, ServiceError};

/// How long a caller is asked to wait after a 503 (storage unavailable).
const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// More about the error, under `error` beside code and message (say, the passes a
    /// template change would break).
    pub details: Option<Box<(&'static str, serde_json::Value)>>,
    /// Sent as `Retry-After` (429, 503).
    pub retry_after_seconds: Option<u64>,
    /// Why a link gave no pass, for the page a browser gets instead of this JSON.
    pub link_refusal: Option<LinkRefusal>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            details: None,
            retry_after_seconds: None,
            link_refusal: None,
        }
    }

    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { field: Some(field.into()), ..ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message) }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API key is required (Authorization: Basic or Bearer)",
        )
    }

    /// What goes under `error`: code, message, and the field and details when known.
    pub fn error_json(&self) -> serde_json::Value {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(field) = &self.field {
            error["field"] = json!(field);
        }
        if let Some(details) = &self.details {
            let (key, value) = &**details;
            error[*key] = value.clone();
        }
        error
    }

    pub fn into_response(self) -> Response<Body> {
        let mut response = super::json_response(self.status, &json!({ "error": self.error_json() }));
        if let Some(seconds) = self.retry_after_seconds {
            response.headers_mut().insert("retry-after", lambda_http::http::HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert("www-authenticate", lambda_http::http::HeaderValue::from_static("Basic realm=\"tessera\""));
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(problems) => {
                let message =
                    problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; ");
                ApiError {
                    field: problems.first().map(|p| p.field.clone()),
                    ..ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message)
                }
            }
            ServiceError::NotFound(what) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
            }
            ServiceError::Unauthorized => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "missing or wrong ApplePass/AndroidPass token")
            }
            ServiceError::Conflict(message) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            ServiceError::Gone(message) => ApiError::new(StatusCode::GONE, "gone", message),
            ServiceError::LinkRefused(refusal) => ApiError {
                link_refusal: Some(refusal),
                ..match refusal {
                    LinkRefusal::Unknown => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such link"),
                    LinkRefusal::Used => {
                        ApiError::new(StatusCode::GONE, "link_used", "this single-use link has already been used")
                    }
                    LinkRefusal::Expired => ApiError::new(StatusCode::GONE, "link_expired", "this link has expired"),
                    LinkRefusal::Exhausted => {
                        ApiError::new(StatusCode::GONE, "link_exhausted", "this link has given all the passes it may")
                    }
                }
            },
            ServiceError::BreaksPasses { count, first } => {
                let passes: Vec<_> = first
                    .iter()
                    .map(|broken| {
                        let problems: Vec<_> =
                            broken.problems.iter().map(|p| json!({"field": p.field, "message": p.message})).collect();
                        json!({"passId": broken.pass_id, "problems": problems})
                    })
                    .collect();
                let named = first.iter().map(|b| b.pass_id.to_string()).collect::<Vec<_>>().join(", ");
                let message = format!(
                    "the change would leave {count} passes of this template unable to render (first: {named}); \
                     change or remove their overrides first (PUT /v1/pass/{{id}} with null removes one)"
                );
                ApiError {
                    details: Some(Box::new(("passes", json!(passes)))),
                    ..ApiError::new(StatusCode::CONFLICT, "breaks_passes", message)
                }
            }
            ServiceError::NotConfigured(message) => ApiError::new(StatusCode::CONFLICT, "not_configured", message),
            ServiceError::Upstream(message) => ApiError::new(StatusCode::BAD_GATEWAY, "upstream_error", message),
            e @ ServiceError::RateLimited(seconds) => ApiError {
                retry_after_seconds: Some(seconds),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", e.to_string())
            },
            ServiceError::Unavailable(detail) => {
                tracing::warn!(%detail, "a backing service is unavailable");
                ApiError {
                    retry_after_seconds: Some(UNAVAILABLE_RETRY_AFTER_SECONDS),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "Tessera's storage did not answer in time; try again shortly",
                    )
                }
            }
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}
