use async_trait::async_trait;

use crate::pkpass::SigningIdentity;

/// Issues development signing identities (structurally valid, trusted by no iPhone) for pass
/// types without an imported one: the local server's stand-in for Apple's certificates.
#[async_trait]
pub trait DevIdentities: Send + Sync {
    async fn issue(&self, pass_type_id: &str, team_id: &str, now_seconds: i64) -> Result<SigningIdentity, String>;
}
