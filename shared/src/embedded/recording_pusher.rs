//! The local `Pusher`: records what it would have sent to APNs (token, topic, time), logs it
//! with a token fingerprint, and answers as told for tokens marked dead or throttled.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::pusher::{PushOutcome, Pusher, token_fingerprint};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPush {
    pub push_token: String,
    pub topic: String,
    pub at: std::time::SystemTime,
}

#[derive(Default)]
pub struct RecordingPusher {
    sent: Mutex<Vec<RecordedPush>>,
    /// Scripted answers by token (tests): each push takes the next one; default Delivered.
    scripted: Mutex<HashMap<String, Vec<PushOutcome>>>,
}

impl RecordingPusher {
    pub fn new() -> RecordingPusher {
        RecordingPusher::default()
    }

    /// Every push so far, in order.
    pub fn sent(&self) -> Vec<RecordedPush> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Makes the next pushes to `token` answer `outcomes`, in order.
    pub fn script(&self, token: &str, outcomes: Vec<PushOutcome>) {
        if let Ok(mut scripted) = self.scripted.lock() {
            scripted.insert(token.to_string(), outcomes);
        }
    }
}

#[async_trait]
impl Pusher for RecordingPusher {
    async fn push(&self, push_token: &str, topic: &str) -> PushOutcome {
        let outcome = self
            .scripted
            .lock()
            .ok()
            .and_then(|mut s| s.get_mut(push_token).filter(|o| !o.is_empty()).map(|o| o.remove(0)))
            .unwrap_or(PushOutcome::Delivered);
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(RecordedPush {
                push_token: push_token.to_string(),
                topic: topic.to_string(),
                at: std::time::SystemTime::now(),
            });
        }
        tracing::info!(topic, token = %token_fingerprint(push_token), ?outcome, "push (recorded, not sent)");
        outcome
    }
}
