//! Work due at a set time: a pass reaching its expiration date is deactivated and pushed then,
//! not when it is next read; a schedule fires. On AWS an EventBridge Scheduler one-time schedule invokes the
//! timer worker function; locally a ticker in the server runs what is due.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::model::records::Millis;

/// What a timer does when it fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum TimerJob {
    /// Deactivate the pass if its expiration date has come.
    ExpirePass { pass_id: u64 },
    /// Fire a schedule (`/v1/schedules/{projectId}`) if its time has come.
    RunSchedule { project_id: u64, schedule_id: u64 },
    /// Warn that a certificate expires soon (daily from 30 days before).
    CertificateExpiry { certificate_id: u64 },
}

impl TimerJob {
    /// The timer's name: one timer per job, so setting it again moves it.
    pub fn name(&self) -> String {
        match self {
            TimerJob::ExpirePass { pass_id } => format!("expire-pass-{pass_id}"),
            TimerJob::RunSchedule { schedule_id, .. } => format!("schedule-{schedule_id}"),
            TimerJob::CertificateExpiry { certificate_id } => format!("certificate-expiry-{certificate_id}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("setting a timer failed: {0}")]
pub struct TimerError(pub String);

#[async_trait]
pub trait Timers: Send + Sync {
    /// Sets the job's timer to fire at `at` (milliseconds), replacing one already set.
    async fn set(&self, job: &TimerJob, at: Millis) -> Result<(), TimerError>;
    /// Cancels the job's timer, if one is set.
    async fn cancel(&self, job: &TimerJob) -> Result<(), TimerError>;
    /// Takes the jobs due at `now`, each once, for a process that runs them itself; timers
    /// that fire elsewhere (EventBridge Scheduler) have none.
    async fn take_due(&self, _now: Millis) -> Result<Vec<TimerJob>, TimerError> {
        Ok(Vec::new())
    }
}
