//! Google Wallet's save and delete callbacks: a class's `callbackOptions.url` receives a
//! message signed as Google Pay signs (`ECv2SigningOnly`), checked here as Tink's
//! `PaymentMethodTokenRecipient` checks it:
//!
//! 1. one of Google's root signing keys (published at `pay.google.com/gp/m/issuer/keys`)
//!    signed the intermediate key, over `GooglePayPasses`, the protocol and the key;
//! 2. the intermediate key has not expired;
//! 3. it signed the message, over `GooglePayPasses`, the recipient (the issuer id), the
//!    protocol and the message;
//! 4. the message has not expired.
//!
//! Each signed string is its parts, each preceded by its length in 4 bytes little-endian;
//! signatures are ECDSA P-256 SHA-256, DER; keys are X.509 SubjectPublicKeyInfo, base64.

use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use base64::Engine;
use serde_json::Value;

pub const SENDER_ID: &str = "GooglePayPasses";
pub const PROTOCOL: &str = "ECv2SigningOnly";
/// Where Google publishes its root signing keys.
pub const KEYS_URL: &str = "https://pay.google.com/gp/m/issuer/keys";

/// What the holder did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletEvent {
    Save,
    Delete,
}

/// A checked message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackMessage {
    pub class_id: String,
    pub object_id: String,
    pub event: WalletEvent,
    /// Google's id for de-duplicating its retries.
    pub nonce: String,
    pub expires_at: i64,
}

/// Why a message was refused (phrased for the sender; nothing secret in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the callback is not a signed message ({0})")]
    Malformed(&'static str),
    #[error("the protocol is not ECv2SigningOnly")]
    Protocol,
    #[error("no Google root key signed the intermediate signing key")]
    IntermediateSignature,
    #[error("the intermediate signing key has expired")]
    IntermediateExpired,
    #[error("the intermediate key did not sign this message for this issuer")]
    MessageSignature,
    #[error("the message has expired")]
    Expired,
}

/// Checks `body` (the POSTed JSON) against Google's root keys (the keys document), for the
/// issuer `recipient_id`, at `now_ms`.
pub fn verify(body: &[u8], root_keys: &Value, recipient_id: &str, now_ms: i64) -> Result<CallbackMessage, Refusal> {
    let envelope: Value = serde_json::from_slice(body).map_err(|_| Refusal::Malformed("not JSON"))?;
    let text = |value: &Value, what: &'static str| value.as_str().map(str::to_string).ok_or(Refusal::Malformed(what));
    if envelope["protocolVersion"].as_str() != Some(PROTOCOL) {
        return Err(Refusal::Protocol);
    }
    let intermediate = &envelope["intermediateSigningKey"];
    let signed_key = text(&intermediate["signedKey"], "intermediateSigningKey.signedKey")?;
    let key_signatures: Vec<Vec<u8>> = intermediate["signatures"]
        .as_array()
        .ok_or(Refusal::Malformed("intermediateSigningKey.signatures"))?
        .iter()
        .filter_map(|s| s.as_str().and_then(decode))
        .collect();
    let roots: Vec<Vec<u8>> = root_keys["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| k["protocolVersion"].as_str() == Some(PROTOCOL))
        .filter(|k| expiration(&k["keyExpiration"]).is_none_or(|at| at > now_ms))
        .filter_map(|k| k["keyValue"].as_str().and_then(decode))
        .collect();
    let key_bytes = length_prefixed(&[SENDER_ID.as_bytes(), PROTOCOL.as_bytes(), signed_key.as_bytes()]);
    let vouched = roots.iter().any(|root| key_signatures.iter().any(|s| ecdsa_verifies(root, &key_bytes, s)));
    if !vouched {
        return Err(Refusal::IntermediateSignature);
    }
    let key: Value = serde_json::from_str(&signed_key).map_err(|_| Refusal::Malformed("signedKey"))?;
    if expiration(&key["keyExpiration"]).is_none_or(|at| at <= now_ms) {
        return Err(Refusal::IntermediateExpired);
    }
    let intermediate_key = key["keyValue"].as_str().and_then(decode).ok_or(Refusal::Malformed("signedKey.keyValue"))?;
    let message = text(&envelope["signedMessage"], "signedMessage")?;
    let signature = envelope["signature"].as_str().and_then(decode).ok_or(Refusal::Malformed("signature"))?;
    let message_bytes =
        length_prefixed(&[SENDER_ID.as_bytes(), recipient_id.as_bytes(), PROTOCOL.as_bytes(), message.as_bytes()]);
    if !ecdsa_verifies(&intermediate_key, &message_bytes, &signature) {
        return Err(Refusal::MessageSignature);
    }
    let message: Value = serde_json::from_str(&message).map_err(|_| Refusal::Malformed("signedMessage"))?;
    let expires_at = expiration(&message["expTimeMillis"]).ok_or(Refusal::Malformed("expTimeMillis"))?;
    if expires_at <= now_ms {
        return Err(Refusal::Expired);
    }
    let event = match message["eventType"].as_str() {
        Some("save") => WalletEvent::Save,
        Some("del") => WalletEvent::Delete,
        _ => return Err(Refusal::Malformed("eventType")),
    };
    Ok(CallbackMessage {
        class_id: text(&message["classId"], "classId")?,
        object_id: text(&message["objectId"], "objectId")?,
        event,
        nonce: message["nonce"].as_str().unwrap_or_default().to_string(),
        expires_at,
    })
}

/// Milliseconds given as a number or a string of digits (Google writes both).
fn expiration(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

fn decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// Each part preceded by its length, 4 bytes little-endian.
pub fn length_prefixed(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 4).sum());
    for part in parts {
        out.extend_from_slice(&(part.len() as u32).to_le_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// The DER header of a P-256 SubjectPublicKeyInfo, before its 65-byte uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

fn ecdsa_verifies(spki: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Some(point) = spki.strip_prefix(&P256_SPKI_PREFIX[..]).filter(|p| p.len() == 65) else { return false };
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point).verify(message, signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_prefixed_with_little_endian_lengths() {
        assert_eq!(length_prefixed(&[b"ab", b""]), [2, 0, 0, 0, b'a', b'b', 0, 0, 0, 0]);
    }

    #[test]
    fn messages_that_are_not_signed_envelopes_are_refused_before_any_crypto() {
        let keys = serde_json::json!({"keys": []});
        assert_eq!(verify(b"nope", &keys, "1", 0), Err(Refusal::Malformed("not JSON")));
        assert_eq!(verify(br#"{"protocolVersion": "ECv1"}"#, &keys, "1", 0), Err(Refusal::Protocol));
        let envelope = br#"{"protocolVersion": "ECv2SigningOnly", "intermediateSigningKey": {"signedKey": "{}", "signatures": ["AA=="]}}"#;
        assert_eq!(verify(envelope, &keys, "1", 0), Err(Refusal::IntermediateSignature));
    }
}
