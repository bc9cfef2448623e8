//! `Timers` on EventBridge Scheduler: each timer is a one-time schedule (`at(…)` in UTC)
//! that invokes the timer worker function with the job as its input, and deletes itself
//! after it ran.

use async_trait::async_trait;
use aws_sdk_scheduler::error::DisplayErrorContext;
use aws_sdk_scheduler::types::{ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target};

use crate::model::date::civil_from_unix;
use crate::model::records::Millis;
use crate::ports::timers::{TimerError, TimerJob, Timers};

pub use super::resources::TimerTarget;

pub struct SchedulerTimers {
    client: aws_sdk_scheduler::Client,
    target: TimerTarget,
    /// Schedule names start with this (the deployment's table name), so deployments sharing
    /// an account never share a schedule.
    prefix: String,
}

impl SchedulerTimers {
    pub fn new(client: aws_sdk_scheduler::Client, target: TimerTarget, prefix: &str) -> SchedulerTimers {
        // Names hold 64 characters; the job's part needs at most 24 of them.
        let prefix = prefix.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(39).collect();
        SchedulerTimers { client, target, prefix }
    }

    /// The schedule's name for a job.
    pub fn schedule_name(&self, job: &TimerJob) -> String {
        format!("{}-{}", self.prefix, job.name())
    }
}

/// EventBridge Scheduler's one-time expression, `at(yyyy-mm-ddThh:mm:ss)`, in UTC.
pub fn at_expression(at: Millis) -> String {
    let (year, month, day, hour, minute, second) = civil_from_unix(at.div_euclid(1000));
    format!("at({year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02})")
}

fn failed<E: std::error::Error>(e: E) -> TimerError {
    TimerError(DisplayErrorContext(e).to_string())
}

#[async_trait]
impl Timers for SchedulerTimers {
    async fn set(&self, job: &TimerJob, at: Millis) -> Result<(), TimerError> {
        let input = serde_json::to_string(job).map_err(|e| TimerError(e.to_string()))?;
        let target = Target::builder()
            .arn(&self.target.function_arn)
            .role_arn(&self.target.role_arn)
            .input(input)
            .build()
            .map_err(failed)?;
        let window = FlexibleTimeWindow::builder().mode(FlexibleTimeWindowMode::Off).build().map_err(failed)?;
        let created = self
            .client
            .create_schedule()
            .name(self.schedule_name(job))
            .schedule_expression(at_expression(at))
            .schedule_expression_timezone("UTC")
            .flexible_time_window(window.clone())
            .target(target.clone())
            .action_after_completion(ActionAfterCompletion::Delete)
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            // Set before: move it.
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conflict_exception()) => {
                self.client
                    .update_schedule()
                    .name(self.schedule_name(job))
                    .schedule_expression(at_expression(at))
                    .schedule_expression_timezone("UTC")
                    .flexible_time_window(window)
                    .target(target)
                    .action_after_completion(ActionAfterCompletion::Delete)
                    .send()
                    .await
                    .map_err(failed)?;
                Ok(())
            }
            Err(e) => Err(failed(e)),
        }
    }

    async fn cancel(&self, job: &TimerJob) -> Result<(), TimerError> {
        match self.client.delete_schedule().name(self.schedule_name(job)).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => Ok(()),
            Err(e) => Err(failed(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::at_expression;

    #[test]
    fn one_time_expressions_are_utc_seconds() {
        assert_eq!(at_expression(0), "at(1970-01-01T00:00:00)");
        assert_eq!(at_expression(1_796_000_000_999), "at(2026-11-30T00:53:20)");
    }
}
