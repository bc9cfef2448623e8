//! API keys: `Authorization: Basic base64(keyId:secret)` or `Bearer keyId:secret`. Only a
//! SHA-256 of each secret is stored; comparison is constant-time.

use base64::Engine;
use lambda_http::Request;
use openssl::sha::sha256;

use super::error::ApiError;
use crate::app::App;
use crate::model::records::ApiKey;
use crate::pkpass::assets::hex;

pub fn hash_secret(secret: &str) -> String {
    hex(&sha256(secret.as_bytes()))
}

fn credentials(request: &Request) -> Option<(String, String)> {
    let header = request.headers().get("authorization")?.to_str().ok()?.trim();
    let (scheme, value) = header.split_once(' ')?;
    let pair = if scheme.eq_ignore_ascii_case("basic") {
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?).ok()?
    } else if scheme.eq_ignore_ascii_case("bearer") {
        value.trim().to_string()
    } else {
        return None;
    };
    let (id, secret) = pair.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// The API key the request presents, or 401. The secret is never logged or echoed.
pub async fn authenticate(app: &App, request: &Request) -> Result<ApiKey, ApiError> {
    let (key_id, secret) = credentials(request).ok_or_else(ApiError::unauthorized)?;
    let presented = hash_secret(&secret);
    let stored =
        app.store.get_api_key(&key_id).await.map_err(|e| ApiError::from(crate::service::ServiceError::from(e)))?;
    // Compare against something of the same length even for unknown keys, so timing does
    // not tell which key ids exist.
    let expected = stored.as_ref().map(|k| k.secret_hash.clone()).unwrap_or_else(|| "0".repeat(presented.len()));
    let equal = expected.len() == presented.len() && openssl::memcmp::eq(expected.as_bytes(), presented.as_bytes());
    match stored {
        Some(key) if equal => Ok(key),
        _ => Err(ApiError::unauthorized()),
    }
}
