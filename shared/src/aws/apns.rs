//! The production `Pusher`: APNs over HTTP/2 with the Pass Type ID certificate as the TLS
//! client certificate, topic = pass type identifier, an empty JSON payload, Apple's production
//! host (Wallet always uses it) unless `TESSERA_APNS_ENDPOINT` names another. One connection
//! per pass type, opened on first use from the identity in the Secrets port, reused while APNs
//! keeps it open.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Mutex;

use super::apns_connection::{ApnsConnection, ApnsEndpoint, ConnectionError, PushAnswer, PushRequest, client_tls};
use crate::ports::Secrets;
use crate::ports::pusher::{PushOutcome, Pusher};

/// `apns-push-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushType {
    Background,
    Alert,
}

/// `apns-priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// 5
    Normal,
    /// 10
    High,
}

/// Headers peers disagree on (by default neither is sent and APNs decides), and where APNs is.
#[derive(Debug, Clone, Default)]
pub struct ApnsOptions {
    /// `background` or `alert` (TESSERA_APNS_PUSH_TYPE).
    pub push_type: Option<PushType>,
    /// 5 or 10 (TESSERA_APNS_PRIORITY).
    pub priority: Option<Priority>,
    /// TESSERA_APNS_ENDPOINT; Apple's production host by default.
    pub endpoint: ApnsEndpoint,
}

impl ApnsOptions {
    /// From the settings' text (`background`/`alert`, `5`/`10`); anything else leaves it unset.
    pub fn parse(push_type: Option<&str>, priority: Option<&str>) -> ApnsOptions {
        let push_type = match push_type {
            Some("background") => Some(PushType::Background),
            Some("alert") => Some(PushType::Alert),
            _ => None,
        };
        let priority = match priority {
            Some("5") => Some(Priority::Normal),
            Some("10") => Some(Priority::High),
            _ => None,
        };
        ApnsOptions { push_type, priority, endpoint: ApnsEndpoint::default() }
    }

    fn headers(&self) -> (Option<&'static str>, Option<&'static str>) {
        let push_type = self.push_type.map(|t| match t {
            PushType::Background => "background",
            PushType::Alert => "alert",
        });
        let priority = self.priority.map(|p| match p {
            Priority::Normal => "5",
            Priority::High => "10",
        });
        (push_type, priority)
    }
}

pub struct ApnsPusher {
    secrets: Arc<dyn Secrets>,
    options: ApnsOptions,
    connections: Mutex<HashMap<String, ApnsConnection>>,
}

impl ApnsPusher {
    pub fn new(secrets: Arc<dyn Secrets>, options: ApnsOptions) -> ApnsPusher {
        ApnsPusher { secrets, options, connections: Mutex::new(HashMap::new()) }
    }

    /// The open connection for a pass type, or a new one. The lock is held while connecting,
    /// so a burst of pushes to one pass type opens one connection.
    async fn connection(&self, pass_type_id: &str) -> Result<ApnsConnection, Failure> {
        let mut connections = self.connections.lock().await;
        if let Some(connection) = connections.get(pass_type_id).filter(|c| c.is_open()) {
            return Ok(connection.clone());
        }
        let identity =
            self.secrets.signing_identity(pass_type_id).await.map_err(|e| Failure::Setup(e.to_string()))?.ok_or_else(
                || Failure::Setup(format!("no signing identity for {pass_type_id}, so no APNs certificate")),
            )?;
        let tls = client_tls(&identity, &self.options.endpoint)
            .map_err(|e| Failure::Setup(format!("APNs client for {pass_type_id}: {e}")))?;
        let connection = ApnsConnection::open(&self.options.endpoint, tls).await.map_err(Failure::Connection)?;
        connections.insert(pass_type_id.to_string(), connection.clone());
        Ok(connection)
    }
}

/// Why a push was not answered.
enum Failure {
    /// No usable identity for the topic: retrying will not help until an operator acts.
    Setup(String),
    Connection(ConnectionError),
}

#[async_trait]
impl Pusher for ApnsPusher {
    async fn push(&self, push_token: &str, topic: &str) -> PushOutcome {
        // A token is what a device registered: never let it shape the request path.
        if push_token.is_empty() || !push_token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return PushOutcome::DeadToken;
        }
        let (push_type, priority) = self.options.headers();
        let push = PushRequest { device_token: push_token, topic, push_type, priority };
        let answer = match self.connection(topic).await {
            Ok(connection) => connection.send(&push).await.map_err(Failure::Connection),
            Err(failure) => Err(failure),
        };
        match answer {
            Ok(answer) => classify(&answer),
            Err(Failure::Setup(reason)) => PushOutcome::Failed(reason),
            Err(Failure::Connection(error)) => {
                tracing::warn!(topic, error = error.0, "APNs push not answered");
                PushOutcome::RetryLater
            }
        }
    }
}

/// What an APNs answer means for the dispatcher.
pub fn classify(answer: &PushAnswer) -> PushOutcome {
    let reason = answer.reason.as_deref();
    let dead_reason = matches!(reason, Some("BadDeviceToken" | "DeviceTokenNotForTopic" | "Unregistered"));
    match answer.status {
        200 => PushOutcome::Delivered,
        410 => PushOutcome::DeadToken,
        400 if dead_reason => PushOutcome::DeadToken,
        429 | 500..=599 => PushOutcome::RetryLater,
        code => PushOutcome::Failed(format!("APNs answered {code} ({})", reason.unwrap_or("no reason"))),
    }
}

#[cfg(test)]
mod tests {
    use super::classify;
    use crate::aws::apns_connection::PushAnswer;
    use crate::ports::PushOutcome;

    fn answer(status: u16, reason: Option<&str>) -> PushOutcome {
        classify(&PushAnswer { status, reason: reason.map(str::to_string) })
    }

    #[test]
    fn apns_answers_map_to_outcomes() {
        assert_eq!(answer(200, None), PushOutcome::Delivered);
        assert_eq!(answer(410, Some("Unregistered")), PushOutcome::DeadToken);
        assert_eq!(answer(400, Some("BadDeviceToken")), PushOutcome::DeadToken);
        assert_eq!(answer(400, Some("DeviceTokenNotForTopic")), PushOutcome::DeadToken);
        assert_eq!(answer(429, Some("TooManyRequests")), PushOutcome::RetryLater);
        assert_eq!(answer(503, Some("ServiceUnavailable")), PushOutcome::RetryLater);
        assert!(matches!(answer(403, Some("BadCertificate")), PushOutcome::Failed(m) if m.contains("403")));
        assert!(matches!(answer(400, Some("BadTopic")), PushOutcome::Failed(m) if m.contains("BadTopic")));
    }
}
