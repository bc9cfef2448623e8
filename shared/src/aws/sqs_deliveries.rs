//! `DeliveryQueue` on SQS: a callback delivery due again is a delayed message to the callback
//! queue (`{"delivery": "<project>#<delivery>"}`), which feeds the callback worker. SQS delays
//! at most 15 minutes; a longer wait comes back early, finds the delivery not yet due, and
//! is sent back again.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::error::DisplayErrorContext;

use crate::ports::{DeliveryQueue, QueueError};

/// The longest delay SQS takes.
const MAX_DELAY: Duration = Duration::from_secs(900);

pub struct SqsDeliveryQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsDeliveryQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> SqsDeliveryQueue {
        SqsDeliveryQueue { client, queue_url: queue_url.into() }
    }
}

/// The delivery a callback queue message names: the table's stream record of its insert, as
/// EventBridge Pipes forwards it, or a retry message.
pub fn delivery_of_message(body: &str) -> Option<String> {
    let message: serde_json::Value = serde_json::from_str(body).ok()?;
    if let Some(delivery) = message["delivery"].as_str() {
        return Some(delivery.to_string());
    }
    super::dynamo::inserted_document_id(&message, crate::model::document::Collection::CallbackDelivery)
}

/// A retry message's body.
pub fn retry_message(delivery: &str) -> String {
    serde_json::json!({ "delivery": delivery }).to_string()
}

#[async_trait]
impl DeliveryQueue for SqsDeliveryQueue {
    async fn retry_later(&self, delivery: &str, delay: Duration) -> Result<(), QueueError> {
        // Rounded up: a message a little late finds its delivery due; one early is sent back.
        let seconds = delay.min(MAX_DELAY).as_millis().div_ceil(1000) as i32;
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(retry_message(delivery))
            .delay_seconds(seconds)
            .send()
            .await
            .map_err(|e| QueueError(DisplayErrorContext(e).to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn messages_name_their_delivery_from_the_stream_or_a_retry() {
        let inserted = json!({
            "eventName": "INSERT",
            "dynamodb": {"Keys": {"pk": {"S": "DOC#callbackDelivery"}, "sk": {"S": "7#9"}}, "SequenceNumber": "1"},
        });
        assert_eq!(delivery_of_message(&inserted.to_string()).as_deref(), Some("7#9"));
        assert_eq!(delivery_of_message(&retry_message("7#9")).as_deref(), Some("7#9"));
        let other_collection =
            json!({"eventName": "INSERT", "dynamodb": {"Keys": {"pk": {"S": "DOC#segment"}, "sk": {"S": "1"}}}});
        let modified = json!({"eventName": "MODIFY", "dynamodb": inserted["dynamodb"].clone()});
        for body in [other_collection.to_string(), modified.to_string(), "junk".to_string()] {
            assert_eq!(delivery_of_message(&body), None, "{body}");
        }
    }
}
