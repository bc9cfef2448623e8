//! Keeps the update trail (`model::trail`) as the device protocol and the dispatcher run.
//! Recording never fails what it records: a store error is logged and the event is lost.
//!
//! Directly, each event is written before the call returns (a Lambda may be frozen as soon
//! as it has answered). Batched (the local server), events wait a moment in memory and are
//! written together, one transaction for many device polls; reading a trail writes what is
//! waiting first, so a reader in the same process sees every event recorded before it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::model::trail::{TrailEntry, TrailEvent, TrailSubject};
use crate::ports::{Clock, Store};

#[derive(Clone)]
pub struct TrailRecorder {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    batch: Option<Arc<Batch>>,
}

struct Batch {
    pending: Mutex<Vec<TrailEntry>>,
    /// Held while a batch is written, so that a flush returns only once everything recorded
    /// before it is stored, even what a background flush had already taken.
    writing: tokio::sync::Mutex<()>,
    delay: Duration,
}

impl TrailRecorder {
    pub fn direct(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> TrailRecorder {
        TrailRecorder { store, clock, batch: None }
    }

    /// Writes events at most `delay` after they were recorded, together.
    pub fn batched(mut self, delay: Duration) -> TrailRecorder {
        let batch = Batch { pending: Mutex::new(Vec::new()), writing: tokio::sync::Mutex::new(()), delay };
        self.batch = Some(Arc::new(batch));
        self
    }

    /// Records that `event` happened to `subject` now.
    pub async fn record(&self, subject: TrailSubject, event: TrailEvent) {
        let at = self.clock.now();
        self.record_all(vec![TrailEntry { subject, at, event }]).await;
    }

    pub async fn record_all(&self, entries: Vec<TrailEntry>) {
        if entries.is_empty() {
            return;
        }
        let Some(batch) = &self.batch else {
            self.write(&entries).await;
            return;
        };
        let first = match batch.pending.lock() {
            Ok(mut pending) => {
                let first = pending.is_empty();
                pending.extend(entries);
                first
            }
            Err(_) => return,
        };
        if first {
            let recorder = self.clone();
            let delay = batch.delay;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                recorder.flush().await;
            });
        }
    }

    /// Writes what is waiting (nothing, when direct).
    pub async fn flush(&self) {
        let Some(batch) = &self.batch else { return };
        let _writing = batch.writing.lock().await;
        let entries = match batch.pending.lock() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(_) => return,
        };
        self.write(&entries).await;
    }

    async fn write(&self, entries: &[TrailEntry]) {
        if entries.is_empty() {
            return;
        }
        if let Err(error) = self.store.append_trail(entries).await {
            tracing::warn!(%error, events = entries.len(), "update trail events were not recorded");
        }
    }
}
