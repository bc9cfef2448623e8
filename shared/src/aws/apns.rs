//! The production `Pusher`: APNs over HTTP/2 with the Pass Type ID certificate as the TLS
//! client certificate (a2), topic = pass type identifier, an empty payload, production
//! endpoint (Wallet always uses it). One client per pass type, built on first use from the
//! identity in the Secrets port and reused. a2 hard-codes Apple's hosts, so this adapter stays
//! thin: the dispatcher and the outcome mapping are what the tests exercise.

use std::collections::HashMap;
use std::sync::Arc;

use a2::{
    Client, ClientConfig, DefaultNotificationBuilder, Endpoint, ErrorReason, NotificationBuilder, NotificationOptions,
    Priority, PushType,
};
use async_trait::async_trait;
use tokio::sync::Mutex;

use crate::ports::Secrets;
use crate::ports::pusher::{PushOutcome, Pusher};

/// Headers peers disagree on; by default neither is sent and APNs decides.
#[derive(Debug, Clone, Default)]
pub struct ApnsOptions {
    /// `background` or `alert` (TESSERA_APNS_PUSH_TYPE).
    pub push_type: Option<PushType>,
    /// 5 or 10 (TESSERA_APNS_PRIORITY).
    pub priority: Option<Priority>,
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
        ApnsOptions { push_type, priority }
    }
}

pub struct ApnsPusher {
    secrets: Arc<dyn Secrets>,
    options: ApnsOptions,
    clients: Mutex<HashMap<String, Arc<Client>>>,
}

impl ApnsPusher {
    pub fn new(secrets: Arc<dyn Secrets>, options: ApnsOptions) -> ApnsPusher {
        ApnsPusher { secrets, options, clients: Mutex::new(HashMap::new()) }
    }

    async fn client(&self, pass_type_id: &str) -> Result<Arc<Client>, String> {
        let mut clients = self.clients.lock().await;
        if let Some(client) = clients.get(pass_type_id) {
            return Ok(client.clone());
        }
        let identity = self
            .secrets
            .signing_identity(pass_type_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no signing identity for {pass_type_id}, so no APNs certificate"))?;
        let config = ClientConfig::new(Endpoint::Production);
        let client =
            Client::certificate_parts(identity.certificate_pem.as_bytes(), identity.private_key_pem.as_bytes(), config)
                .map_err(|e| format!("APNs client for {pass_type_id}: {e}"))?;
        let client = Arc::new(client);
        clients.insert(pass_type_id.to_string(), client.clone());
        Ok(client)
    }
}

#[async_trait]
impl Pusher for ApnsPusher {
    async fn push(&self, push_token: &str, topic: &str) -> PushOutcome {
        let client = match self.client(topic).await {
            Ok(client) => client,
            Err(reason) => return PushOutcome::Failed(reason),
        };
        let options = NotificationOptions {
            apns_topic: Some(topic),
            apns_push_type: self.options.push_type,
            apns_priority: self.options.priority.clone(),
            ..Default::default()
        };
        let payload = DefaultNotificationBuilder::new().build(push_token, options);
        classify(client.send(payload).await)
    }
}

/// What an APNs answer means for the dispatcher.
pub fn classify(result: Result<a2::Response, a2::Error>) -> PushOutcome {
    match result {
        Ok(_) => PushOutcome::Delivered,
        Err(a2::Error::ResponseError(response)) => {
            let reason = response.error.as_ref().map(|e| &e.reason);
            let dead_reason = matches!(
                reason,
                Some(ErrorReason::BadDeviceToken | ErrorReason::DeviceTokenNotForTopic | ErrorReason::Unregistered)
            );
            match response.code {
                410 => PushOutcome::DeadToken,
                400 if dead_reason => PushOutcome::DeadToken,
                429 | 500..=599 => PushOutcome::RetryLater,
                code => PushOutcome::Failed(format!(
                    "APNs answered {code} ({})",
                    reason.map(|r| r.to_string()).unwrap_or_else(|| "no reason".into())
                )),
            }
        }
        Err(a2::Error::ConnectionError(_) | a2::Error::ClientError(_) | a2::Error::RequestTimeout(_)) => {
            PushOutcome::RetryLater
        }
        Err(other) => PushOutcome::Failed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use a2::{ErrorBody, ErrorReason, Response};

    use super::classify;
    use crate::ports::PushOutcome;

    fn answer(code: u16, reason: Option<ErrorReason>) -> Result<Response, a2::Error> {
        let error = reason.map(|reason| ErrorBody { reason, timestamp: None });
        Err(a2::Error::ResponseError(Response { error, apns_id: None, code }))
    }

    #[test]
    fn apns_answers_map_to_outcomes() {
        assert_eq!(classify(Ok(Response { error: None, apns_id: None, code: 200 })), PushOutcome::Delivered);
        assert_eq!(classify(answer(410, Some(ErrorReason::Unregistered))), PushOutcome::DeadToken);
        assert_eq!(classify(answer(400, Some(ErrorReason::BadDeviceToken))), PushOutcome::DeadToken);
        assert_eq!(classify(answer(400, Some(ErrorReason::DeviceTokenNotForTopic))), PushOutcome::DeadToken);
        assert_eq!(classify(answer(429, Some(ErrorReason::TooManyRequests))), PushOutcome::RetryLater);
        assert_eq!(classify(answer(503, Some(ErrorReason::ServiceUnavailable))), PushOutcome::RetryLater);
        assert!(
            matches!(classify(answer(403, Some(ErrorReason::BadCertificate))), PushOutcome::Failed(m) if m.contains("403"))
        );
        assert!(matches!(classify(answer(400, Some(ErrorReason::BadTopic))), PushOutcome::Failed(_)));
        assert_eq!(classify(Err(a2::Error::RequestTimeout(20))), PushOutcome::RetryLater);
    }
}
