//! Outbound calls to integrators' servers (callbacks), with the guards every implementation
//! keeps: https only, no private or local addresses (on every connection and redirect), a
//! timeout, and a cap on how much of the answer is read.

use async_trait::async_trait;

/// One POST: the URL, extra headers, and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How a call ended: the receiver's status, or why there was none (phrased for a delivery's
/// `lastError`; never containing the headers, which may hold the integrator's credentials).
pub type SendResult = Result<u16, String>;

/// Where callback deliveries wait for their next attempt, when another process makes it (SQS
/// on AWS, feeding the callback worker); the local outbox is walked instead and needs none.
#[async_trait]
pub trait DeliveryQueue: Send + Sync {
    /// Brings the delivery (`<project>#<delivery>`) back after `delay`, or sooner.
    async fn retry_later(&self, delivery: &str, delay: std::time::Duration) -> Result<(), super::QueueError>;
}

#[async_trait]
pub trait WebhookSender: Send + Sync {
    async fn post(&self, request: &Outbound) -> SendResult;
}
