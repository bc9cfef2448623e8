//! The local `JobQueue`: steps go down a channel to a task in this process
//! (`service::bulk_updates::run_local_worker`).

use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::ports::jobs::{JobQueue, JobStep, QueueError};

pub struct LocalJobQueue {
    sender: UnboundedSender<JobStep>,
    receiver: Mutex<Option<UnboundedReceiver<JobStep>>>,
}

impl LocalJobQueue {
    pub fn new() -> LocalJobQueue {
        let (sender, receiver) = unbounded_channel();
        LocalJobQueue { sender, receiver: Mutex::new(Some(receiver)) }
    }
}

impl Default for LocalJobQueue {
    fn default() -> Self {
        LocalJobQueue::new()
    }
}

#[async_trait]
impl JobQueue for LocalJobQueue {
    async fn enqueue(&self, step: &JobStep) -> Result<(), QueueError> {
        self.sender.send(*step).map_err(|_| QueueError("the local worker has stopped".into()))
    }

    fn take_local_steps(&self) -> Option<UnboundedReceiver<JobStep>> {
        self.receiver.lock().ok().and_then(|mut r| r.take())
    }
}
