//! The push dispatcher: after a pass (or a template, reaching all its passes) changes, tell
//! every registered device. Dead tokens lose their registration; throttling and server
//! errors are retried with backoff, a bounded number of times. Locally it runs in-process,
//! after the write commits, in the background so API calls never wait on APNs; a change
//! some device's push was still not accepted for is dispatched again in later rounds
//! ([`LATER_ROUNDS`]). On AWS the stream-fed function reports such a change as failed, so
//! Lambda retries it from its stream record.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::google::GoogleWallet;
use super::trail::TrailRecorder;
use crate::model::records::Registration;
use crate::model::trail::{PushAnswer, TrailEntry, TrailEvent, TrailSubject, UnregisterCause};
use crate::ports::pusher::{PushOutcome, Pusher, token_fingerprint};
use crate::ports::{Clock, Store};

pub const MAX_ATTEMPTS: u32 = 4;
/// How many more times a background dispatch runs while pushes are unanswered, each after
/// [`later_round_delay`]: with the default retry base, about 10 s, 40 s and 2.7 min after
/// the first.
pub const LATER_ROUNDS: u32 = 3;

pub use crate::model::records::Change;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DispatchReport {
    pub delivered: usize,
    pub dead_tokens_removed: usize,
    /// Refused for good (a bad request, a wrong topic): sending again would not help.
    pub failed: usize,
    /// Not accepted after every attempt (throttled, APNs unavailable, no connection): the
    /// device has not heard of the change, and a later dispatch may reach it.
    pub unanswered: usize,
}

#[derive(Clone)]
pub struct Dispatcher {
    store: Arc<dyn Store>,
    pusher: Arc<dyn Pusher>,
    clock: Arc<dyn Clock>,
    retry_base: Duration,
    /// Writes changes of Google passes to Google; `None` where another process does it.
    google: Option<Arc<GoogleWallet>>,
    trail: TrailRecorder,
}

impl Dispatcher {
    pub fn new(store: Arc<dyn Store>, pusher: Arc<dyn Pusher>, clock: Arc<dyn Clock>) -> Dispatcher {
        let trail = TrailRecorder::direct(store.clone(), clock.clone());
        Dispatcher { store, pusher, clock, retry_base: Duration::from_millis(200), google: None, trail }
    }

    /// Notes each push on the device's update trail through `trail`.
    pub fn with_trail(mut self, trail: TrailRecorder) -> Dispatcher {
        self.trail = trail;
        self
    }

    pub fn with_google(mut self, google: Arc<GoogleWallet>) -> Dispatcher {
        self.google = Some(google);
        self
    }

    /// For API Lambdas: the stream-fed dispatcher writes to Google, not the request's process.
    pub fn without_google(mut self) -> Dispatcher {
        self.google = None;
        self
    }

    /// Google passes: write the change to Google. Failures are recorded on each pass.
    async fn sync_google(&self, change: Change) {
        let Some(google) = &self.google else { return };
        let synced = match change {
            Change::Pass(id) => google.sync_pass(id).await,
            Change::Template(id) => google.sync_template(id).await,
        };
        if let Err(e) = synced {
            tracing::error!(?change, error = %e, "Google Wallet sync failed");
        }
    }

    /// Runs a dispatch in the background; failures are logged. While a store error or an
    /// unanswered push leaves devices uninformed, the change is dispatched again, up to
    /// [`LATER_ROUNDS`] times (pushing again to devices already reached: Wallet then finds
    /// nothing new). A process that stops meanwhile drops them; devices still see the change
    /// when Wallet next asks.
    pub fn spawn(&self, change: Change) {
        let dispatcher = self.clone();
        tokio::spawn(crate::work_unit::run(crate::work_unit::PUSH_DISPATCHER, async move {
            for round in 0..=LATER_ROUNDS {
                if round > 0 {
                    tokio::time::sleep(later_round_delay(dispatcher.retry_base, round)).await;
                }
                // Google is written once; only the devices' pushes are worth repeating.
                let dispatched = match round {
                    0 => dispatcher.dispatch(change).await,
                    _ => dispatcher.push_devices(change).await,
                };
                match dispatched {
                    Ok(report) if report.unanswered == 0 => return,
                    Ok(report) => {
                        tracing::warn!(?change, round, unanswered = report.unanswered, "pushes unanswered")
                    }
                    Err(e) => tracing::error!(?change, round, error = %e, "push dispatch failed"),
                }
            }
            tracing::error!(?change, rounds = LATER_ROUNDS + 1, "push dispatch given up");
        }));
    }

    pub async fn dispatch(&self, change: Change) -> Result<DispatchReport, crate::ports::StoreError> {
        self.sync_google(change).await;
        self.push_devices(change).await
    }

    /// Tells the change's devices (not Google): what a later round repeats.
    async fn push_devices(&self, change: Change) -> Result<DispatchReport, crate::ports::StoreError> {
        let registrations = match change {
            Change::Pass(id) => self.store.registrations_for_pass(id).await?,
            Change::Template(id) => self.store.registrations_for_template(id).await?,
        };
        let mut report = DispatchReport::default();
        let mut trail = Vec::new();
        // One push per device and pass type: Wallet then asks for every changed serial.
        let mut seen = HashSet::new();
        for registration in registrations {
            if !seen.insert((registration.push_token.clone(), registration.pass_type_id.clone())) {
                continue;
            }
            let (outcome, attempts) = self.push_with_retry(&registration).await;
            trail.push(self.pushed(&registration, change, &outcome, attempts));
            match outcome {
                PushOutcome::Delivered => report.delivered += 1,
                PushOutcome::DeadToken => {
                    trail.extend(self.remove_dead(&registration).await?);
                    report.dead_tokens_removed += 1;
                }
                PushOutcome::RetryLater => report.unanswered += 1,
                PushOutcome::Failed(_) => report.failed += 1,
            }
        }
        self.trail.record_all(trail).await;
        Ok(report)
    }

    /// The push as the device's trail keeps it.
    fn pushed(&self, registration: &Registration, change: Change, outcome: &PushOutcome, attempts: u32) -> TrailEntry {
        let (answer, reason) = match outcome {
            PushOutcome::Delivered => (PushAnswer::Delivered, None),
            PushOutcome::DeadToken => (PushAnswer::DeadToken, None),
            PushOutcome::RetryLater => (PushAnswer::RetryLater, None),
            PushOutcome::Failed(reason) => (PushAnswer::Failed, Some(reason.clone())),
        };
        TrailEntry {
            subject: TrailSubject::device_of(registration),
            at: self.clock.now(),
            event: TrailEvent::Pushed { change: change.into(), answer, reason, attempts },
        }
    }

    /// The outcome, and how many pushes it took.
    async fn push_with_retry(&self, registration: &Registration) -> (PushOutcome, u32) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.pusher.push(&registration.push_token, &registration.pass_type_id).await;
            match outcome {
                PushOutcome::RetryLater if attempt < MAX_ATTEMPTS => {
                    tokio::time::sleep(self.retry_base * 2u32.pow(attempt - 1)).await;
                }
                PushOutcome::Failed(ref reason) => {
                    tracing::warn!(token = %token_fingerprint(&registration.push_token), %reason, "push failed");
                    return (outcome, attempt);
                }
                other => return (other, attempt),
            }
        }
    }

    /// A dead token dies for every pass it was registered for on that device and pass type;
    /// each pass's trail says so.
    async fn remove_dead(&self, dead: &Registration) -> Result<Vec<TrailEntry>, crate::ports::StoreError> {
        tracing::info!(token = %token_fingerprint(&dead.push_token), "removing registrations of a dead push token");
        let now = self.clock.now();
        let updated = self.store.updated_serials(&dead.device_library_id, &dead.pass_type_id, None).await?;
        let mut trail = Vec::new();
        for serial in updated.serial_numbers {
            self.store.unregister_device(&dead.device_library_id, &dead.pass_type_id, &serial, now).await?;
            trail.push(TrailEntry {
                subject: TrailSubject::Pass { pass_type_id: dead.pass_type_id.clone(), serial },
                at: now,
                event: TrailEvent::Unregistered {
                    device: dead.device_library_id.clone(),
                    cause: UnregisterCause::DeadToken,
                },
            });
        }
        Ok(trail)
    }

    /// Shorter retry waits (and later rounds), for tests.
    pub fn with_retry_base(mut self, base: Duration) -> Dispatcher {
        self.retry_base = base;
        self
    }
}

/// The wait before later round `round` (1-based) of a background dispatch: 50 retry bases,
/// four times longer each round.
pub fn later_round_delay(retry_base: Duration, round: u32) -> Duration {
    retry_base * 50 * 4u32.pow(round.saturating_sub(1))
}
