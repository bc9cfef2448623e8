//! API keys: the first one is created on first run (or taken from TESSERA_API_KEY).

use super::error::ServiceError;
use crate::service::App;
use openssl::sha::sha256;

use crate::model::records::ApiKey;
use crate::pkpass::assets::hex;

/// Credentials to show the operator once.
pub struct NewCredentials {
    pub key_id: String,
    pub secret: String,
}

/// With `configured` (`keyId:secret`), makes sure that key exists; otherwise, on an empty
/// store, creates a random key and returns it so it can be printed once.
pub async fn ensure_initial_key(app: &App, configured: Option<&str>) -> Result<Option<NewCredentials>, ServiceError> {
    if let Some(configured) = configured {
        let (key_id, secret) = configured
            .split_once(':')
            .filter(|(id, secret)| !id.is_empty() && secret.len() >= 16)
            .ok_or_else(|| {
            ServiceError::invalid("TESSERA_API_KEY", "must be <keyId>:<secret> with a secret of at least 16 characters")
        })?;
        match app.store.get_api_key(key_id).await? {
            Some(existing) if existing.secret_hash == hash_secret(secret) => return Ok(None),
            Some(_) => {
                return Err(ServiceError::invalid(
                    "TESSERA_API_KEY",
                    format!("key `{key_id}` already exists with another secret"),
                ));
            }
            None => {
                let key = ApiKey {
                    key_id: key_id.into(),
                    secret_hash: hash_secret(secret),
                    name: "TESSERA_API_KEY".into(),
                    created_at: app.now(),
                };
                app.store.create_api_key(&key).await?;
                return Ok(None);
            }
        }
    }
    if !app.store.list_api_keys().await?.is_empty() {
        return Ok(None);
    }
    let key_id = format!("tk_{}", random_hex(8));
    let secret = random_hex(32);
    let key = ApiKey {
        key_id: key_id.clone(),
        secret_hash: hash_secret(&secret),
        name: "first run".into(),
        created_at: app.now(),
    };
    app.store.create_api_key(&key).await?;
    Ok(Some(NewCredentials { key_id, secret }))
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // OpenSSL's CSPRNG; it only fails if the OS has no entropy source at all.
    openssl::rand::rand_bytes(&mut buf).unwrap_or_else(|_| buf.iter_mut().for_each(|b| *b = rand::random()));
    crate::pkpass::assets::hex(&buf)
}

/// How a secret is kept: hex SHA-256 (secrets are 256-bit random, so no slow hash is needed).
pub fn hash_secret(secret: &str) -> String {
    hex(&sha256(secret.as_bytes()))
}

/// The API key with this id and secret, or `Unauthorized`. The comparison takes the same time
/// whether the key exists or not, and whatever the secret; the secret is never logged.
pub async fn authenticate(app: &App, key_id: &str, secret: &str) -> Result<ApiKey, ServiceError> {
    let presented = hash_secret(secret);
    let stored = app.store.get_api_key(key_id).await?;
    let expected = stored.as_ref().map(|k| k.secret_hash.clone()).unwrap_or_else(|| "0".repeat(presented.len()));
    let equal = expected.len() == presented.len() && openssl::memcmp::eq(expected.as_bytes(), presented.as_bytes());
    match stored {
        Some(key) if equal => Ok(key),
        _ => Err(ServiceError::Unauthorized),
    }
}
