//! RS256 JSON Web Tokens, and the claims of a save-to-wallet link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::pkpass::key::SigningKey;

/// Where a save JWT goes: opening this URL adds the passes in the token.
pub const SAVE_URL_PREFIX: &str = "https://pay.google.com/gp/v/save/";

/// Above this length a save link is unreliable in SMS and email (Google's guidance).
pub const MAX_SAVE_URL_LEN: usize = 1800;

/// A JWT of `claims` signed with `key`: RS256 for an RSA key (the only kind Google's service
/// accounts have; the account refuses others).
pub fn sign_rs256(
    key: &SigningKey,
    key_id: Option<&str>,
    claims: &Value,
) -> Result<String, aws_lc_rs::error::Unspecified> {
    let mut header = json!({"alg": "RS256", "typ": "JWT"});
    if let Some(kid) = key_id {
        header["kid"] = json!(kid);
    }
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = key.sign(signing_input.as_bytes())?;
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// The claims of a save link. Save JWTs carry no `exp`: Google never expires them.
pub fn save_claims(service_account_email: &str, origins: &[String], payload: Value, issued_at: i64) -> Value {
    json!({
        "iss": service_account_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": issued_at,
        "origins": origins,
        "payload": payload,
    })
}
