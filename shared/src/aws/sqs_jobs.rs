//! `JobQueue` on SQS: each step is one message; the job worker function (fed by the queue)
//! runs it.

use async_trait::async_trait;
use aws_sdk_sqs::error::DisplayErrorContext;

use crate::ports::jobs::{JobQueue, JobStep, QueueError};

pub struct SqsJobQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsJobQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> SqsJobQueue {
        SqsJobQueue { client, queue_url: queue_url.into() }
    }
}

#[async_trait]
impl JobQueue for SqsJobQueue {
    async fn enqueue(&self, step: &JobStep) -> Result<(), QueueError> {
        let body = serde_json::to_string(step).map_err(|e| QueueError(e.to_string()))?;
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| QueueError(DisplayErrorContext(e).to_string()))?;
        Ok(())
    }
}
