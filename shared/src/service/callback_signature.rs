//! How a callback delivery is signed, and how a receiver checks it.
//!
//! Header `Tessera-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`, each `v1` being
//! HMAC-SHA256 with a project's signing secret over `<t>.<body>` (the timestamp, a full stop,
//! then the raw body). While a rotated secret is in its grace period, a second `v1` signs
//! with the previous one, so receivers can switch over without losing a delivery. Receivers
//! compare in constant time and refuse timestamps too far from their clock (replays).

use aws_lc_rs::{constant_time, hmac};

pub const HEADER: &str = "Tessera-Signature";

/// The header's value for `body` sent at `at_seconds`, signed with each secret.
pub fn sign(secrets: &[&[u8]], at_seconds: i64, body: &[u8]) -> String {
    let mut value = format!("t={at_seconds}");
    for secret in secrets {
        value.push_str(",v1=");
        value.push_str(&hex(&mac(secret, at_seconds, body)));
    }
    value
}

fn mac(secret: &[u8], at_seconds: i64, body: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let mut context = hmac::Context::with_key(&key);
    context.update(at_seconds.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    context.sign().as_ref().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is too far from now")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// What a receiver does: checks `header` against `body` with its secret, at `now_seconds`,
/// allowing `tolerance_seconds` of clock difference.
pub fn verify(
    header: &str,
    body: &[u8],
    secret: &[u8],
    now_seconds: i64,
    tolerance_seconds: i64,
) -> Result<(), SignatureError> {
    let mut at = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => at = Some(value.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let at = at.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now_seconds - at).abs() > tolerance_seconds {
        return Err(SignatureError::Stale);
    }
    let expected = hex(&mac(secret, at, body));
    let matched =
        signatures.iter().any(|s| constant_time::verify_slices_are_equal(expected.as_bytes(), s.as_bytes()).is_ok());
    if matched { Ok(()) } else { Err(SignatureError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receivers_accept_either_secret_during_a_rotation() {
        let body = br#"{"passId":1}"#;
        let header = sign(&[b"new-secret", b"old-secret"], 1_800_000_000, body);
        assert!(header.starts_with("t=1800000000,v1="));
        assert_eq!(verify(&header, body, b"new-secret", 1_800_000_010, 300), Ok(()));
        assert_eq!(verify(&header, body, b"old-secret", 1_800_000_010, 300), Ok(()));
        assert_eq!(verify(&header, body, b"other", 1_800_000_010, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify(&header, b"{}", b"new-secret", 1_800_000_010, 300), Err(SignatureError::Mismatch));
        assert_eq!(verify(&header, body, b"new-secret", 1_800_001_000, 300), Err(SignatureError::Stale));
        assert_eq!(verify("v1=00", body, b"new-secret", 0, 300), Err(SignatureError::Malformed));
    }

    #[test]
    fn the_mac_is_hmac_sha256_over_timestamp_dot_body() {
        // The documented message, signed in one go: HMAC(key, "12.ab").
        let header = sign(&[b"key"], 12, b"ab");
        let direct = {
            let key = hmac::Key::new(hmac::HMAC_SHA256, b"key");
            hex(hmac::sign(&key, b"12.ab").as_ref())
        };
        assert_eq!(header, format!("t=12,v1={direct}"));
    }
}
