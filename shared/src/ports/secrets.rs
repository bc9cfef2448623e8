use async_trait::async_trait;

use crate::pkpass::{IdentityError, SigningIdentity};

/// A signing identity as kept in a secret store: three PEM documents.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredIdentity {
    pub certificate_pem: String,
    pub private_key_pem: String,
    pub wwdr_pem: String,
}

impl std::fmt::Debug for StoredIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredIdentity").field("private_key_pem", &"<redacted>").finish_non_exhaustive()
    }
}

impl StoredIdentity {
    pub fn from_identity(identity: &SigningIdentity) -> Result<StoredIdentity, IdentityError> {
        let [certificate_pem, private_key_pem, wwdr_pem] = identity.to_pem();
        Ok(StoredIdentity { certificate_pem, private_key_pem, wwdr_pem })
    }

    pub fn load(&self) -> Result<SigningIdentity, IdentityError> {
        SigningIdentity::from_pem(
            self.certificate_pem.as_bytes(),
            self.private_key_pem.as_bytes(),
            self.wwdr_pem.as_bytes(),
        )
    }
}

/// A Google Wallet issuer's credentials: the issuer id (from the Google Pay & Wallet console)
/// and the service account's JSON key, as Google's console downloads it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredGoogleAccount {
    pub issuer_id: String,
    pub service_account: serde_json::Value,
}

impl std::fmt::Debug for StoredGoogleAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredGoogleAccount").field("issuer_id", &self.issuer_id).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("invalid pass type identifier `{0}`")]
    InvalidName(String),
    #[error("stored signing identity for `{0}` is unreadable")]
    Corrupt(String),
    #[error("secret store error: {0}")]
    Backend(String),
    /// No answer in time, or busy: the same call may work in a moment.
    #[error("secret store unavailable: {0}")]
    Unavailable(String),
}

/// Signing identities by pass type identifier.
#[async_trait]
pub trait Secrets: Send + Sync {
    async fn signing_identity(&self, pass_type_id: &str) -> Result<Option<StoredIdentity>, SecretError>;
    /// Stores or replaces (renews) the identity of a pass type.
    async fn put_signing_identity(&self, pass_type_id: &str, identity: &StoredIdentity) -> Result<(), SecretError>;
    /// The Google Wallet issuer account, if one was imported.
    async fn google_account(&self) -> Result<Option<StoredGoogleAccount>, SecretError>;
    async fn put_google_account(&self, account: &StoredGoogleAccount) -> Result<(), SecretError>;
    /// Deletes the identity of a pass type, key material included, for good (nothing to
    /// delete is no error).
    async fn delete_signing_identity(&self, pass_type_id: &str) -> Result<(), SecretError>;
    async fn delete_google_account(&self) -> Result<(), SecretError>;
}

/// Pass type identifiers name files and secrets: one plain segment, like `pass.com.example`.
pub fn check_pass_type_id(pass_type_id: &str) -> Result<(), SecretError> {
    let ok = pass_type_id.len() <= 255
        && pass_type_id.starts_with("pass.")
        && pass_type_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !pass_type_id.contains("..");
    if ok { Ok(()) } else { Err(SecretError::InvalidName(pass_type_id.chars().take(80).collect())) }
}
