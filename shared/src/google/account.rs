//! The issuer's service account: its email, its RSA key, and the issuer id it acts for.

use crate::pkpass::key::SigningKey;
use serde_json::Value;

use super::GoogleError;
use super::jwt::sign_rs256;
use crate::ports::StoredGoogleAccount;

pub struct GoogleAccount {
    pub issuer_id: String,
    pub client_email: String,
    key_id: Option<String>,
    key: SigningKey,
}

impl std::fmt::Debug for GoogleAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleAccount")
            .field("issuer_id", &self.issuer_id)
            .field("client_email", &self.client_email)
            .finish_non_exhaustive()
    }
}

impl GoogleAccount {
    /// Checks and loads a stored account: a numeric issuer id, and a service-account key with
    /// `client_email` and an RSA `private_key` (PEM).
    pub fn load(stored: &StoredGoogleAccount) -> Result<GoogleAccount, GoogleError> {
        let invalid = |m: &str| GoogleError::InvalidAccount(m.to_string());
        let issuer_id = stored.issuer_id.trim();
        if issuer_id.is_empty() || issuer_id.len() > 32 || !issuer_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("the issuer id must be the digits shown in the Google Pay & Wallet console"));
        }
        let key_json = &stored.service_account;
        if let Some(kind) = key_json["type"].as_str()
            && kind != "service_account"
        {
            return Err(invalid("the key file is not a service account key (type must be service_account)"));
        }
        let client_email = key_json["client_email"]
            .as_str()
            .filter(|e| e.contains('@'))
            .ok_or_else(|| invalid("the key file has no client_email"))?;
        let pem = key_json["private_key"].as_str().ok_or_else(|| invalid("the key file has no private_key"))?;
        let key = SigningKey::from_pem(pem.as_bytes())
            .map(|(key, _)| key)
            .filter(|k| matches!(k, SigningKey::Rsa(_)))
            .ok_or_else(|| invalid("the key file's private_key is not an RSA private key in PEM"))?;
        Ok(GoogleAccount {
            issuer_id: issuer_id.to_string(),
            client_email: client_email.to_string(),
            key_id: key_json["private_key_id"].as_str().map(str::to_string),
            key,
        })
    }

    /// A JWT of these claims, signed with the account's key (RS256, `kid` = the key id).
    pub fn sign(&self, claims: &Value) -> Result<String, GoogleError> {
        sign_rs256(&self.key, self.key_id.as_deref(), claims)
            .map_err(|_| GoogleError::InvalidAccount("the key refused to sign".into()))
    }

    /// A Google id for this issuer: `<issuerId>.<suffix>`.
    pub fn id(&self, suffix: &str) -> String {
        format!("{}.{suffix}", self.issuer_id)
    }
}
