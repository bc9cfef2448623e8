//! `Secrets` on AWS Secrets Manager: one secret per pass type, named
//! `<prefix>/pass-type/<passTypeId>`, whose value is the identity's PEM documents as JSON
//! (`certificatePem`, `privateKeyPem`, `wwdrPem`).

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::DisplayErrorContext;

use crate::ports::secrets::check_pass_type_id;
use crate::ports::{SecretError, Secrets, StoredIdentity};

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
}

fn backend(e: impl std::error::Error) -> SecretError {
    SecretError::Backend(DisplayErrorContext(e).to_string())
}

#[async_trait]
impl Secrets for SecretsManagerSecrets {
    async fn signing_identity(&self, pass_type_id: &str) -> Result<Option<StoredIdentity>, SecretError> {
        check_pass_type_id(pass_type_id)?;
        let out = match self.client.get_secret_value().secret_id(self.secret_name(pass_type_id)).send().await {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => return Ok(None),
            Err(e) => return Err(backend(e)),
        };
        let text = out.secret_string().ok_or_else(|| SecretError::Corrupt(pass_type_id.to_string()))?;
        serde_json::from_str(text).map(Some).map_err(|_| SecretError::Corrupt(pass_type_id.to_string()))
    }

    async fn put_signing_identity(&self, pass_type_id: &str, identity: &StoredIdentity) -> Result<(), SecretError> {
        check_pass_type_id(pass_type_id)?;
        let name = self.secret_name(pass_type_id);
        let value = serde_json::to_string(identity).map_err(|e| SecretError::Backend(e.to_string()))?;
        match self.client.put_secret_value().secret_id(&name).secret_string(&value).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
                self.client
                    .create_secret()
                    .name(&name)
                    .description(format!("Tessera signing identity for {pass_type_id}"))
                    .secret_string(value)
                    .send()
                    .await
                    .map_err(backend)?;
                Ok(())
            }
            Err(e) => Err(backend(e)),
        }
    }
}
