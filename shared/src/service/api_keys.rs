//! API keys: the first one is created on first run (or taken from TESSERA_API_KEY); opaque
//! API tokens (`Authorization: Bearer tess_…`, PassEntry's way) are created and revoked by the
//! operator. Both keep only a SHA-256 of their secret.

use super::error::ServiceError;
use crate::service::App;

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
    // AWS-LC's CSPRNG; it only fails if the OS has no entropy source at all.
    aws_lc_rs::rand::fill(&mut buf).unwrap_or_else(|_| buf.iter_mut().for_each(|b| *b = rand::random()));
    crate::pkpass::assets::hex(&buf)
}

/// How a secret is kept: hex SHA-256 (secrets are 256-bit random, so no slow hash is needed).
pub fn hash_secret(secret: &str) -> String {
    hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, secret.as_bytes()).as_ref())
}

/// The API key with this id and secret, or `Unauthorized`. The comparison takes the same time
/// whether the key exists or not, and whatever the secret; the secret is never logged.
pub async fn authenticate(app: &App, key_id: &str, secret: &str) -> Result<ApiKey, ServiceError> {
    let presented = hash_secret(secret);
    let stored = app.store.get_api_key(key_id).await?;
    let expected = stored.as_ref().map(|k| k.secret_hash.clone()).unwrap_or_else(|| "0".repeat(presented.len()));
    let equal = aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), presented.as_bytes()).is_ok();
    match stored {
        Some(key) if equal => Ok(key),
        _ => Err(ServiceError::Unauthorized),
    }
}

/// Opaque API tokens start with this; the rest is the key id's random part and the secret.
pub const TOKEN_PREFIX: &str = "tess_";

/// A new token: the stored key (its id names it) and the token, to show once.
pub struct NewToken {
    pub key: ApiKey,
    pub token: String,
}

/// Creates an opaque API token named `name` (what it is for).
pub async fn create_token(app: &App, name: &str) -> Result<NewToken, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid("name", "must be 1 to 100 characters"));
    }
    let key_id = format!("{TOKEN_PREFIX}{}", random_hex(8));
    let secret = random_hex(32);
    let key =
        ApiKey { key_id: key_id.clone(), secret_hash: hash_secret(&secret), name: name.into(), created_at: app.now() };
    app.store.create_api_key(&key).await?;
    Ok(NewToken { key, token: format!("{key_id}_{secret}") })
}

/// How a credential is presented: `bearer` (an opaque token) or `basic` (`keyId:secret`).
pub fn kind(key: &ApiKey) -> &'static str {
    if key.key_id.starts_with(TOKEN_PREFIX) { "bearer" } else { "basic" }
}

/// An opaque token's key id and secret (`tess_<id>_<secret>`).
pub fn split_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    Some((&token[..TOKEN_PREFIX.len() + id.len()], secret))
}

/// Every API key and token (their secrets are not kept, so not shown).
pub async fn list(app: &App) -> Result<Vec<ApiKey>, ServiceError> {
    Ok(app.store.list_api_keys().await?)
}

/// Revokes a key or token; the last one is kept, so the API never locks its operator out.
pub async fn revoke(app: &App, key_id: &str) -> Result<(), ServiceError> {
    let keys = app.store.list_api_keys().await?;
    if !keys.iter().any(|k| k.key_id == key_id) {
        return Err(ServiceError::NotFound("API token"));
    }
    if keys.len() == 1 {
        return Err(ServiceError::Conflict("the last API key or token cannot be revoked: create another first".into()));
    }
    Ok(app.store.delete_api_key(key_id).await?)
}

#[cfg(test)]
mod tests {
    use super::split_token;

    #[test]
    fn tokens_split_into_their_key_id_and_secret() {
        assert_eq!(split_token("tess_0123abcd_s3cr3t"), Some(("tess_0123abcd", "s3cr3t")));
        assert_eq!(split_token("tk_1:secret"), None);
        assert_eq!(split_token("tess_nosecret"), None);
    }
}
