//! Signing identities by pass type, loaded once from the Secrets port and kept in memory.
//! Locally, a pass type without an imported identity gets one from the development PKI.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::error::ServiceError;
use crate::pkpass::SigningIdentity;
use crate::ports::{DevIdentities, Secrets};

/// The team id the development PKI puts in certificates it issues.
pub const DEV_TEAM_ID: &str = "TESSERADEV";
/// The pass type templates get locally when neither they, their project nor the deployment
/// name one (the development PKI issues for any pass type).
pub const DEV_PASS_TYPE_ID: &str = "pass.dev.tessera.example";

impl IdentityCache {
    /// Whether pass types without an imported identity get one from the development PKI.
    pub fn issues_dev_identities(&self) -> bool {
        self.dev.is_some()
    }
}

pub struct IdentityCache {
    secrets: Arc<dyn Secrets>,
    dev: Option<Arc<dyn DevIdentities>>,
    team_id: Option<String>,
    loaded: Mutex<HashMap<String, Arc<SigningIdentity>>>,
}

impl IdentityCache {
    pub fn new(
        secrets: Arc<dyn Secrets>,
        dev: Option<Arc<dyn DevIdentities>>,
        team_id: Option<String>,
    ) -> IdentityCache {
        IdentityCache { secrets, dev, team_id, loaded: Mutex::new(HashMap::new()) }
    }

    pub async fn get(&self, pass_type_id: &str, now_seconds: i64) -> Result<Arc<SigningIdentity>, ServiceError> {
        if let Some(identity) = self.cached(pass_type_id) {
            return Ok(identity);
        }
        let identity = match self.secrets.signing_identity(pass_type_id).await? {
            Some(stored) => {
                stored.load().map_err(|e| ServiceError::Internal(format!("signing identity of {pass_type_id}: {e}")))?
            }
            None => self.dev_identity(pass_type_id, now_seconds).await?,
        };
        if let Some(team) = &self.team_id
            && identity.team_id() != team
        {
            return Err(ServiceError::Internal(format!(
                "the signing identity of {pass_type_id} belongs to team {}, not to the configured team {team}",
                identity.team_id()
            )));
        }
        let identity = Arc::new(identity);
        if let Ok(mut loaded) = self.loaded.lock() {
            loaded.insert(pass_type_id.to_string(), identity.clone());
        }
        Ok(identity)
    }

    fn cached(&self, pass_type_id: &str) -> Option<Arc<SigningIdentity>> {
        self.loaded.lock().ok().and_then(|l| l.get(pass_type_id).cloned())
    }

    async fn dev_identity(&self, pass_type_id: &str, now_seconds: i64) -> Result<SigningIdentity, ServiceError> {
        let Some(dev) = &self.dev else {
            return Err(ServiceError::invalid(
                "passTypeIdentifier",
                format!(
                    "no signing identity is configured for `{pass_type_id}`; import one with `tessera keys import`"
                ),
            ));
        };
        let team = self.team_id.as_deref().unwrap_or(DEV_TEAM_ID);
        dev.issue(pass_type_id, team, now_seconds).await.map_err(ServiceError::Internal)
    }
}
