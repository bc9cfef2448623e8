//! `Secrets` on AWS Secrets Manager: one secret per pass type, named
//! `<prefix>/pass-type/<passTypeId>`, whose value is the identity's PEM documents as JSON
//! (`certificatePem`, `privateKeyPem`, `wwdrPem`). The Google Wallet account is
//! `<prefix>/google/account` (`issuerId`, `serviceAccount`).

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::ports::secrets::check_pass_type_id;
use crate::ports::{SecretError, Secrets, StoredGoogleAccount, StoredIdentity};

#[derive(Clone)]
pub struct SecretsManagerSecrets {
    client: Client,
    prefix: String,
}

impl SecretsManagerSecrets {
    pub fn new(client: Client, prefix: impl Into<String>) -> SecretsManagerSecrets {
        SecretsManagerSecrets { client, prefix: prefix.into() }
    }

    /// The secret holding a pass type's signing identity.
    pub fn secret_name(&self, pass_type_id: &str) -> String {
        format!("{}/pass-type/{pass_type_id}", self.prefix)
    }

    fn google_secret_name(&self) -> String {
        format!("{}/google/account", self.prefix)
    }

    /// A secret's text, `None` when the secret does not exist.
    async fn read(&self, name: &str, what: &str) -> Result<Option<String>, SecretError> {
        let out = match self.client.get_secret_value().secret_id(name).send().await {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => return Ok(None),
            Err(e) => return Err(backend(e)),
        };
        out.secret_string().map(|s| Some(s.to_string())).ok_or_else(|| SecretError::Corrupt(what.to_string()))
    }

    /// Writes a new version of a secret, creating it on first use.
    async fn write(&self, name: &str, value: String, description: String) -> Result<(), SecretError> {
        match self.client.put_secret_value().secret_id(name).secret_string(&value).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
                let created =
                    self.client.create_secret().name(name).description(description).secret_string(&value).send().await;
                match created {
                    Ok(_) => Ok(()),
                    // Another writer created it first: write this value as its next version.
                    Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_exists_exception()) => {
                        self.client
                            .put_secret_value()
                            .secret_id(name)
                            .secret_string(value)
                            .send()
                            .await
                            .map_err(backend)?;
                        Ok(())
                    }
                    Err(e) => Err(backend(e)),
                }
            }
            Err(e) => Err(backend(e)),
        }
    }

    /// Deletes a secret at once, without Secrets Manager's recovery window (a certificate
    /// deleted through the API is gone, and its pass type may be uploaded again right away).
    /// Secrets Manager answers success for a secret that does not exist.
    async fn delete(&self, name: &str) -> Result<(), SecretError> {
        let deleted = self.client.delete_secret().secret_id(name).force_delete_without_recovery(true).send().await;
        match deleted {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }
}

fn backend<E>(e: SdkError<E, aws_smithy_runtime_api::http::Response>) -> SecretError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let message = DisplayErrorContext(&e).to_string();
    if super::transient::is_transient(&e) { SecretError::Unavailable(message) } else { SecretError::Backend(message) }
}

#[async_trait]
impl Secrets for SecretsManagerSecrets {
    async fn signing_identity(&self, pass_type_id: &str) -> Result<Option<StoredIdentity>, SecretError> {
        check_pass_type_id(pass_type_id)?;
        let Some(text) = self.read(&self.secret_name(pass_type_id), pass_type_id).await? else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(|_| SecretError::Corrupt(pass_type_id.to_string()))
    }

    async fn put_signing_identity(&self, pass_type_id: &str, identity: &StoredIdentity) -> Result<(), SecretError> {
        check_pass_type_id(pass_type_id)?;
        let value = serde_json::to_string(identity).map_err(|e| SecretError::Backend(e.to_string()))?;
        let description = format!("Tessera signing identity for {pass_type_id}");
        self.write(&self.secret_name(pass_type_id), value, description).await
    }

    async fn google_account(&self) -> Result<Option<StoredGoogleAccount>, SecretError> {
        let Some(text) = self.read(&self.google_secret_name(), "google account").await? else { return Ok(None) };
        serde_json::from_str(&text).map(Some).map_err(|_| SecretError::Corrupt("google account".into()))
    }

    async fn put_google_account(&self, account: &StoredGoogleAccount) -> Result<(), SecretError> {
        let value = serde_json::to_string(account).map_err(|e| SecretError::Backend(e.to_string()))?;
        self.write(&self.google_secret_name(), value, "Tessera Google Wallet issuer account".into()).await
    }

    async fn delete_signing_identity(&self, pass_type_id: &str) -> Result<(), SecretError> {
        check_pass_type_id(pass_type_id)?;
        self.delete(&self.secret_name(pass_type_id)).await
    }

    async fn delete_google_account(&self) -> Result<(), SecretError> {
        self.delete(&self.google_secret_name()).await
    }
}
