//! Which unit of work the running task serves: a route (by its name, which is also its Lambda
//! function's) or a worker (`push_dispatcher`, `job_worker`, `timer_worker`). Set where the work
//! starts; read by what reports on work, such as the tests that hold each function's IAM role
//! to the AWS operations its work makes.
//!
//! A task spawned inside a unit does not inherit it (tokio task-locals stay with their task).

use std::future::Future;

/// The workers' units, named as their Lambda functions' binaries.
pub const PUSH_DISPATCHER: &str = "push_dispatcher";
pub const JOB_WORKER: &str = "job_worker";
pub const TIMER_WORKER: &str = "timer_worker";
pub const CALLBACK_DRAIN: &str = "callback_worker";

tokio::task_local! {
    static WORK_UNIT: &'static str;
}

/// Runs `work` as the unit `name`.
pub async fn run<F: Future>(name: &'static str, work: F) -> F::Output {
    WORK_UNIT.scope(name, work).await
}

/// The unit the calling task runs for, if any.
pub fn current() -> Option<&'static str> {
    WORK_UNIT.try_with(|name| *name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_unit_is_seen_inside_its_work_only() {
        assert_eq!(current(), None);
        assert_eq!(run("get_pass", async { current() }).await, Some("get_pass"));
        let nested = run("push_dispatcher", run("get_pass", async { current() })).await;
        assert_eq!(nested, Some("get_pass"));
        assert_eq!(current(), None);
    }
}
