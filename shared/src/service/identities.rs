//! Signing identities by pass type, loaded from the Secrets port and kept in memory for
//! [`RELOAD_AFTER_SECONDS`], so a certificate renewed through the API (in another process)
//! signs here from then on; the process that renews it forgets its copy at once. Locally, a
//! pass type without an imported identity gets one from the development PKI. An expired
//! certificate signs nothing.

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

/// How long a loaded identity is used before it is read again.
pub const RELOAD_AFTER_SECONDS: i64 = 300;

pub struct IdentityCache {
    secrets: Arc<dyn Secrets>,
    dev: Option<Arc<dyn DevIdentities>>,
    team_id: Option<String>,
    /// Each identity with when it was loaded (seconds).
    loaded: Mutex<HashMap<String, (Arc<SigningIdentity>, i64)>>,
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
        let identity = match self.cached(pass_type_id, now_seconds) {
            Some(identity) => identity,
            None => self.load(pass_type_id, now_seconds).await?,
        };
        if now_seconds > identity.expires_at() {
            let (y, m, d, ..) = crate::model::date::civil_from_unix(identity.expires_at());
            return Err(ServiceError::NotConfigured(format!(
                "the signing certificate of {pass_type_id} expired on {y:04}-{m:02}-{d:02}; renew it \
                 (PUT /v1/certificates/{{id}}) before passes of it can be signed"
            )));
        }
        Ok(identity)
    }

    /// Drops the kept copy of a pass type's identity (it was renewed or deleted).
    pub fn forget(&self, pass_type_id: &str) {
        if let Ok(mut loaded) = self.loaded.lock() {
            loaded.remove(pass_type_id);
        }
    }

    async fn load(&self, pass_type_id: &str, now_seconds: i64) -> Result<Arc<SigningIdentity>, ServiceError> {
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
            loaded.insert(pass_type_id.to_string(), (identity.clone(), now_seconds));
        }
        Ok(identity)
    }

    fn cached(&self, pass_type_id: &str, now_seconds: i64) -> Option<Arc<SigningIdentity>> {
        let loaded = self.loaded.lock().ok()?;
        let (identity, at) = loaded.get(pass_type_id)?;
        (now_seconds - at < RELOAD_AFTER_SECONDS && now_seconds >= *at).then(|| identity.clone())
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
