//! API keys: `Authorization: Basic base64(keyId:secret)`, `Bearer keyId:secret`, or an opaque
//! token, `Bearer tess_…`. Only a SHA-256 of each secret is stored; comparison is
//! constant-time.

use base64::Engine;
use lambda_http::Request;

use super::error::ApiError;
use crate::model::records::ApiKey;
use crate::service::App;
use crate::service::{ServiceError, api_keys};

fn credentials(request: &Request) -> Option<(String, String)> {
    let header = request.headers().get("authorization")?.to_str().ok()?.trim();
    let (scheme, value) = header.split_once(' ')?;
    let pair = if scheme.eq_ignore_ascii_case("basic") {
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?).ok()?
    } else if scheme.eq_ignore_ascii_case("bearer") {
        let value = value.trim();
        if let Some((id, secret)) = api_keys::split_token(value) {
            return Some((id.to_string(), secret.to_string()));
        }
        value.to_string()
    } else {
        return None;
    };
    let (id, secret) = pair.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// The API key the request presents, or 401. The secret is never logged or echoed.
pub async fn authenticate(app: &App, request: &Request) -> Result<ApiKey, ApiError> {
    let (key_id, secret) = credentials(request).ok_or_else(ApiError::unauthorized)?;
    match api_keys::authenticate(app, &key_id, &secret).await {
        Ok(key) => Ok(key),
        Err(ServiceError::Unauthorized) => Err(ApiError::unauthorized()),
        Err(other) => Err(other.into()),
    }
}
