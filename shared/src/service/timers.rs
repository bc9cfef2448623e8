//! Work due at a set time. A pass with its own expiration date gets a timer; when it fires,
//! a pass whose date has come is deactivated (voided) and its devices are told, without
//! waiting for a read. The timer worker function runs jobs on AWS; locally a ticker does.

use std::time::Duration;

use super::error::ServiceError;
use super::{certificates, passes, schedules};
use crate::model::date::parse_wallet_date;
use crate::model::template::PassContent;
use crate::ports::timers::TimerJob;
use crate::service::App;

/// How long after a failed run the local ticker runs a job again.
const RETRY_FAILED_MS: i64 = 60_000;

/// Runs a job whose timer fired.
pub async fn run(app: &App, job: &TimerJob) -> Result<(), ServiceError> {
    match job {
        TimerJob::ExpirePass { pass_id } => passes::expire(app, *pass_id).await,
        TimerJob::RunSchedule { project_id, schedule_id } => schedules::fire(app, *project_id, *schedule_id).await,
        TimerJob::CertificateExpiry { certificate_id } => certificates::warn_expiry(app, *certificate_id).await,
    }
}

/// When a pass's own expiration date falls (milliseconds), if it has a valid one.
pub fn own_expiration(content: &PassContent) -> Option<i64> {
    let header = content.headers.get("expirationDate")?;
    let text = header.value.as_ref()?.as_str()?;
    parse_wallet_date(text).ok().map(|d| d.unix_seconds * 1000)
}

/// Sets, moves or cancels the pass's expiration timer after its content changed. A timer
/// that cannot be set is logged: the pass still counts as deactivated when read after its
/// date, and its change has been stored already.
pub async fn follow_expiration(app: &App, pass_id: u64, content: &PassContent) {
    let Some(timers) = &app.timers else { return };
    let job = TimerJob::ExpirePass { pass_id };
    let result = match own_expiration(content) {
        Some(at) if at > app.now() && content.deactivated_at.is_none() => timers.set(&job, at).await,
        _ => timers.cancel(&job).await,
    };
    if let Err(e) = result {
        tracing::error!(pass = pass_id, error = %e, "the pass's expiration timer could not be set");
    }
}

/// Runs every job due now; a ticker calls this.
pub async fn run_due(app: &App) -> usize {
    let Some(timers) = &app.timers else { return 0 };
    let due = match timers.take_due(app.now()).await {
        Ok(due) => due,
        Err(e) => {
            tracing::error!(error = %e, "reading due timers failed");
            return 0;
        }
    };
    for job in &due {
        if let Err(e) = run(app, job).await {
            // Taken is gone: set it again, as Lambda retries a failed invocation on AWS.
            tracing::error!(?job, error = %e, "a timer's job failed; it runs again in a minute");
            if let Err(e) = timers.set(job, app.now() + RETRY_FAILED_MS).await {
                tracing::error!(?job, error = %e, "a failed timer's job could not be set again");
            }
        }
    }
    due.len()
}

/// The local server's ticker: runs due jobs every second.
pub fn run_local_ticker(app: &std::sync::Arc<App>) {
    let app = app.clone();
    tokio::spawn(crate::work_unit::run(crate::work_unit::TIMER_WORKER, async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            run_due(&app).await;
        }
    }));
}
