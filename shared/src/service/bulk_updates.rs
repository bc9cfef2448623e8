//! `PUT /v1/tag/{tag}/passes` and `PUT /v1/segments/{id}/passes`: one update applied to every
//! pass of an audience, in the background. The call checks the update, counts the passes and answers with a ticket at
//! once; steps of `AppConfig::bulk_step_passes` passes then run one after another through the job queue
//! (SQS and a Lambda on AWS, a task locally), each updating its passes (which pushes them to
//! their devices) and recording progress on the ticket, readable with `GET /v1/ticket/{id}`.

use std::sync::{Arc, Weak};

use serde_json::Value;

use super::audiences;
use super::error::ServiceError;
use super::passes::{self, PassRequest};
use super::segments::Members;
use crate::model::records::{Audience, BulkUpdateJob, JobFailure, JobState, Sequence};
use crate::ports::jobs::JobStep;
use crate::service::App;

/// Failures a ticket names (it counts all of them).
pub const MAX_NAMED_FAILURES: usize = 20;

const NO_QUEUE: &str = "bulk updates need a job queue (TESSERA_JOB_QUEUE_URL on AWS)";

/// Checks the update and queues it for every pass carrying the tag (its id or name).
pub async fn start_for_tag(app: &App, tag: &str, body: Value) -> Result<u64, ServiceError> {
    check(app, &body)?;
    let tag = super::tags::find(app, tag).await?;
    start(app, Audience::Tag(tag.name), body).await
}

/// Checks the update and queues it for the segment's members.
pub async fn start_for_segment(app: &App, segment_id: u64, body: Value) -> Result<u64, ServiceError> {
    check(app, &body)?;
    let segment = super::segments::get(app, segment_id).await?;
    start(app, Audience::Segment(segment.id), body).await
}

/// Refuses what a bulk update cannot do (or a deployment without a job queue).
pub(crate) fn check(app: &App, body: &Value) -> Result<(), ServiceError> {
    if app.jobs.is_none() {
        return Err(ServiceError::NotConfigured(NO_QUEUE.into()));
    }
    let request: PassRequest = serde_json::from_value(body.clone())
        .map_err(|e| ServiceError::invalid("body", format!("is not a pass update: {e}")))?;
    if request.tags.is_some() {
        return Err(ServiceError::invalid("tags", "cannot change in a bulk update; use the tag routes"));
    }
    passes::check_update(&request)?;
    let mut images = request.headers.clone();
    let mut problems = Vec::new();
    if !passes::take_images(&mut images, &mut problems).is_empty() || !problems.is_empty() {
        return Err(ServiceError::invalid("headers", "a bulk update cannot change images; update passes one by one"));
    }
    Ok(())
}

/// Queues a checked update for the audience; answers the ticket id.
async fn start(app: &App, audience: Audience, body: Value) -> Result<u64, ServiceError> {
    let ticket_id = app.store.allocate_id(Sequence::Ticket).await?;
    start_ticket(app, ticket_id, audience, body, None).await?;
    Ok(ticket_id)
}

/// Starts a checked update under a ticket id already taken (a schedule takes it as it
/// fires): writes the job and queues its first step.
pub(crate) async fn start_ticket(
    app: &App,
    ticket_id: u64,
    audience: Audience,
    body: Value,
    project_id: Option<u64>,
) -> Result<(), ServiceError> {
    // A project's share of a tag is not known before the walk: count it as it goes.
    let total = match project_id {
        None => audiences::known_size(app, &audience).await?.unwrap_or(0),
        Some(_) => 0,
    };
    let now = app.now();
    let job = BulkUpdateJob {
        ticket_id,
        audience,
        request: body,
        project_id,
        state: JobState::Queued,
        total,
        updated: 0,
        failed: 0,
        failures: Vec::new(),
        cursor: 0,
        created_at: now,
        updated_at: now,
    };
    app.store.put_job(&job).await?;
    enqueue(app, JobStep { ticket_id, after_pass_id: 0 }).await
}

pub async fn ticket(app: &App, ticket_id: u64) -> Result<BulkUpdateJob, ServiceError> {
    app.store.get_job(ticket_id).await?.ok_or(ServiceError::NotFound("ticket"))
}

/// Runs one step: the next passes after the step's cursor; queues the step after it.
pub async fn run_step(app: &App, step: JobStep) -> Result<(), ServiceError> {
    let mut job = ticket(app, step.ticket_id).await?;
    if job.state == JobState::Done {
        return Ok(());
    }
    // Queues deliver at least once: a step the job already moved past was run, but its
    // successor may not have been queued (the run stopped in between), so queue it again.
    if step.after_pass_id < job.cursor {
        return enqueue(app, JobStep { ticket_id: job.ticket_id, after_pass_id: job.cursor }).await;
    }
    let request: PassRequest = serde_json::from_value(job.request.clone())
        .map_err(|e| ServiceError::Internal(format!("stored bulk update {}: {e}", job.ticket_id)))?;
    let step_size = app.config.bulk_step_passes.max(1);
    let batch = match audiences::members_after(app, &job.audience, step.after_pass_id, step_size).await {
        Err(ServiceError::NotFound(what)) => {
            // The segment was deleted under the job: nothing more to do.
            tracing::warn!(ticket = job.ticket_id, what, "a bulk update's audience is gone");
            Members { passes: Vec::new(), next: None }
        }
        other => other?,
    };
    let in_scope = match job.project_id {
        Some(project) => audiences::of_project(app, batch.passes.clone(), project).await?,
        None => batch.passes.clone(),
    };
    for pass in &in_scope {
        match passes::apply_update(app, pass.id, request.clone()).await {
            Ok(_) => job.updated += 1,
            Err(ServiceError::NotFound(_)) => {}
            Err(e) => {
                job.failed += 1;
                if job.failures.len() < MAX_NAMED_FAILURES {
                    job.failures.push(JobFailure { pass_id: pass.id, message: e.to_string() });
                }
            }
        }
    }
    let last = batch.next.or(batch.passes.last().map(|p| p.id)).unwrap_or(step.after_pass_id);
    job.state = if batch.next.is_some() { JobState::Running } else { JobState::Done };
    job.total = job.total.max(job.updated + job.failed);
    job.cursor = last;
    job.updated_at = app.now();
    app.store.put_job(&job).await?;
    if batch.next.is_some() {
        enqueue(app, JobStep { ticket_id: job.ticket_id, after_pass_id: last }).await?;
    }
    Ok(())
}

async fn enqueue(app: &App, step: JobStep) -> Result<(), ServiceError> {
    let queue = app.jobs.clone().ok_or_else(|| ServiceError::NotConfigured(NO_QUEUE.into()))?;
    queue.enqueue(&step).await.map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Runs the steps of a queue this process consumes itself, one at a time, for as long as the
/// app lives (a queue another process consumes, or a second call, starts nothing).
pub fn run_local_worker(app: &Arc<App>) {
    let Some(mut steps) = app.jobs.as_ref().and_then(|q| q.take_local_steps()) else { return };
    let app: Weak<App> = Arc::downgrade(app);
    tokio::spawn(crate::work_unit::run(crate::work_unit::JOB_WORKER, async move {
        while let Some(step) = steps.recv().await {
            let Some(app) = app.upgrade() else { return };
            if let Err(e) = run_step(&app, step).await {
                tracing::error!(ticket = step.ticket_id, error = %e, "bulk update step failed");
            }
        }
    }));
}
