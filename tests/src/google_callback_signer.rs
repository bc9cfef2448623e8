//! Google's side of Wallet's save and delete callbacks, made with the openssl CLI (code nobody
//! here wrote): a root key pair (published as Google publishes its keys), an intermediate key
//! the root signs, and messages the intermediate signs, laid out as Google's
//! `ECv2SigningOnly` protocol lays them out.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::{Value, json};

const SENDER: &str = "GooglePayPasses";
const PROTOCOL: &str = "ECv2SigningOnly";

pub struct GoogleSigner {
    dir: tempfile::TempDir,
    root: PathBuf,
    intermediate: PathBuf,
}

fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Each part after its length, 4 bytes little-endian (Google's signed strings).
fn signed_string(parts: &[&str]) -> Vec<u8> {
    parts.iter().flat_map(|p| (p.len() as u32).to_le_bytes().into_iter().chain(p.bytes())).collect()
}

impl GoogleSigner {
    pub fn generate() -> GoogleSigner {
        let dir = tempfile::tempdir().unwrap();
        let key = |name: &str| {
            let path = dir.path().join(name);
            openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path.to_str().unwrap()]);
            path
        };
        let (root, intermediate) = (key("root.pem"), key("intermediate.pem"));
        GoogleSigner { dir, root, intermediate }
    }

    /// A key's public half as X.509 SubjectPublicKeyInfo, base64 (Google's `keyValue`).
    fn public(key: &Path) -> String {
        b64(&openssl(&["pkey", "-in", key.to_str().unwrap(), "-pubout", "-outform", "DER"]))
    }

    /// An ECDSA P-256 SHA-256 signature, DER, base64.
    fn sign(&self, key: &Path, data: &[u8]) -> String {
        let input = self.dir.path().join("to-sign");
        std::fs::write(&input, data).unwrap();
        b64(&openssl(&["dgst", "-sha256", "-sign", key.to_str().unwrap(), input.to_str().unwrap()]))
    }

    /// The keys document, as Google serves it.
    pub fn keys(&self) -> Value {
        json!({"keys": [{"keyValue": Self::public(&self.root), "protocolVersion": PROTOCOL}]})
    }

    /// A callback to `recipient` (the issuer id) saying `event` (`save` or `del`) of the
    /// object, expiring at `expires_ms`; the intermediate key expires at `key_expires_ms`.
    pub fn callback(&self, recipient: &str, message: &Value, key_expires_ms: i64) -> Value {
        let signed_key =
            json!({"keyValue": Self::public(&self.intermediate), "keyExpiration": key_expires_ms.to_string()})
                .to_string();
        let key_signature = self.sign(&self.root, &signed_string(&[SENDER, PROTOCOL, &signed_key]));
        let signed_message = message.to_string();
        let signature = self.sign(&self.intermediate, &signed_string(&[SENDER, recipient, PROTOCOL, &signed_message]));
        json!({
            "protocolVersion": PROTOCOL,
            "signature": signature,
            "intermediateSigningKey": {"signedKey": signed_key, "signatures": [key_signature]},
            "signedMessage": signed_message,
        })
    }
}

/// Google's message about an object.
pub fn message(class_id: &str, object_id: &str, event: &str, expires_ms: i64, nonce: &str) -> Value {
    json!({"classId": class_id, "objectId": object_id, "expTimeMillis": expires_ms, "eventType": event, "nonce": nonce})
}
