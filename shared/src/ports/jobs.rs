//! Background work: a bulk change is cut into steps; each step is queued, and whoever takes
//! it (a Lambda fed by SQS on AWS, a task in the local server) runs it and queues the next.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// One step of a job: the ticket it belongs to, and where it goes on from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStep {
    pub ticket_id: u64,
    /// The last pass id an earlier step handled (0 to start).
    pub after_pass_id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("queueing background work failed: {0}")]
pub struct QueueError(pub String);

#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn enqueue(&self, step: &JobStep) -> Result<(), QueueError>;

    /// A queue whose steps this process runs itself hands them over here, once, to the one
    /// worker that runs them; a queue that another process consumes (SQS) has none.
    fn take_local_steps(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<JobStep>> {
        None
    }
}
