//! The embedded `Secrets`: identity folders `<root>/<passTypeId>/` holding certificate.pem,
//! private-key.pem (mode 0600) and wwdr.pem — the layout `tessera sign --identity` reads.
//! The Google Wallet account is `<root>/google-account.json` (mode 0600).

use std::path::{Path, PathBuf};

use async_trait::async_trait;

use super::dev_pki::write_file_atomically;
use crate::ports::secrets::check_pass_type_id;
use crate::ports::{SecretError, Secrets, StoredGoogleAccount, StoredIdentity};

#[derive(Debug, Clone)]
pub struct FileSecrets {
    root: PathBuf,
    /// An identity is three files: writes (and deletes) in this process take turns, so racing
    /// uploads never leave one's certificate beside another's key.
    writing: std::sync::Arc<std::sync::Mutex<()>>,
}

impl FileSecrets {
    pub fn new(root: &Path) -> FileSecrets {
        FileSecrets { root: root.to_path_buf(), writing: Default::default() }
    }

    fn turn(&self) -> Result<std::sync::MutexGuard<'_, ()>, SecretError> {
        self.writing.lock().map_err(|_| SecretError::Backend("the identity writer lock is poisoned".into()))
    }
}

#[async_trait]
impl Secrets for FileSecrets {
    async fn signing_identity(&self, pass_type_id: &str) -> Result<Option<StoredIdentity>, SecretError> {
        check_pass_type_id(pass_type_id)?;
        let dir = self.root.join(pass_type_id);
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        match (read("certificate.pem"), read("private-key.pem"), read("wwdr.pem")) {
            (Ok(certificate_pem), Ok(private_key_pem), Ok(wwdr_pem)) => {
                Ok(Some(StoredIdentity { certificate_pem, private_key_pem, wwdr_pem }))
            }
            (Err(e), _, _) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            _ => Err(SecretError::Corrupt(pass_type_id.to_string())),
        }
    }

    async fn put_signing_identity(&self, pass_type_id: &str, identity: &StoredIdentity) -> Result<(), SecretError> {
        check_pass_type_id(pass_type_id)?;
        let _turn = self.turn()?;
        let dir = self.root.join(pass_type_id);
        std::fs::create_dir_all(&dir).map_err(|e| SecretError::Backend(e.to_string()))?;
        let write = |name: &str, text: &str, mode| {
            write_file_atomically(&dir.join(name), text.as_bytes(), mode)
                .map_err(|e| SecretError::Backend(e.to_string()))
        };
        write("private-key.pem", &identity.private_key_pem, 0o600)?;
        write("wwdr.pem", &identity.wwdr_pem, 0o644)?;
        write("certificate.pem", &identity.certificate_pem, 0o644)
    }

    async fn google_account(&self) -> Result<Option<StoredGoogleAccount>, SecretError> {
        match std::fs::read(self.root.join(GOOGLE_ACCOUNT_FILE)) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map(Some).map_err(|_| SecretError::Corrupt("google account".into()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SecretError::Backend(e.to_string())),
        }
    }

    async fn put_google_account(&self, account: &StoredGoogleAccount) -> Result<(), SecretError> {
        let _turn = self.turn()?;
        std::fs::create_dir_all(&self.root).map_err(|e| SecretError::Backend(e.to_string()))?;
        let bytes = serde_json::to_vec(account).map_err(|e| SecretError::Backend(e.to_string()))?;
        write_file_atomically(&self.root.join(GOOGLE_ACCOUNT_FILE), &bytes, 0o600)
            .map_err(|e| SecretError::Backend(e.to_string()))
    }

    async fn delete_signing_identity(&self, pass_type_id: &str) -> Result<(), SecretError> {
        check_pass_type_id(pass_type_id)?;
        let _turn = self.turn()?;
        match std::fs::remove_dir_all(self.root.join(pass_type_id)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SecretError::Backend(e.to_string())),
        }
    }

    async fn delete_google_account(&self) -> Result<(), SecretError> {
        match std::fs::remove_file(self.root.join(GOOGLE_ACCOUNT_FILE)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SecretError::Backend(e.to_string())),
        }
    }
}

const GOOGLE_ACCOUNT_FILE: &str = "google-account.json";
