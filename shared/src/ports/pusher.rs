use async_trait::async_trait;

/// What the push service said about one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    Delivered,
    /// The token is dead (APNs 410, BadDeviceToken, DeviceTokenNotForTopic): unregister it.
    DeadToken,
    /// Throttled or a server error (429, 5xx): try again later.
    RetryLater,
    /// Anything else; the text is for logs (it never contains the token).
    Failed(String),
}

/// Sends "this pass changed" notifications: for Apple Wallet an empty APNs push whose
/// topic is the pass type identifier.
#[async_trait]
pub trait Pusher: Send + Sync {
    async fn push(&self, push_token: &str, topic: &str) -> PushOutcome;
}

/// A short, stable stand-in for a push token in logs (the token itself is a secret).
pub fn token_fingerprint(push_token: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, push_token.as_bytes());
    crate::pkpass::assets::hex(&digest.as_ref()[..4])
}
