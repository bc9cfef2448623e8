//! Schedules (`/v1/schedules/{projectId}`): an update, a message or a deactivation, aimed at a
//! pass, an external id, a tag, a segment or a template of the project, at a time.
//!
//! A schedule is a document plus a timer (EventBridge Scheduler on AWS, the server's ticker
//! locally). When the timer fires, the schedule is marked fired with a new ticket by a write
//! that names the version it read: of runs racing (a ticker and a restarted one, a retried
//! invocation), exactly one marks it and starts the ticket's bulk update; the others stop.
//! A run that stops between marking and starting is finished by the next invocation that
//! comes [`RESUME_AFTER_MS`] later (Lambda and EventBridge Scheduler retry a failed one).

use serde::Deserialize;
use serde_json::{Value, json};

use super::bulk_updates;
use super::error::ServiceError;
use super::projects::{self, ProjectRef};
use crate::model::date::parse_wallet_date;
use crate::model::document::{Collection, Document, numeric_id};
use crate::model::records::{Audience, Millis, Page, PageRequest, Sequence};
use crate::ports::StoreError;
use crate::ports::timers::TimerJob;
use crate::service::App;

/// Schedules a project keeps (listing reads them all).
pub const MAX_SCHEDULES_PER_PROJECT: usize = 1000;
/// How far ahead a schedule may be set.
const MAX_AHEAD_MS: Millis = 5 * 366 * 24 * 3_600_000;
/// How far in the past `scheduledAt` may be (clock skew): such a schedule fires at once.
const MAX_BEHIND_MS: Millis = 5 * 60_000;
const MAX_NAME_CHARS: usize = 200;
/// How long after a schedule was marked fired a run may start its job if it is missing: long
/// after any run racing the one that marked it has finished.
pub const RESUME_AFTER_MS: Millis = 60_000;

/// What a schedule does to each pass of its audience.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A pass update, as `PUT /v1/pass/{id}` takes it.
    Update(Value),
    /// A message shown as a notification on the devices that hold the pass.
    Message(String),
    Deactivate,
}

impl Action {
    /// The pass update the action is.
    fn as_update(&self) -> Value {
        match self {
            Action::Update(body) => body.clone(),
            Action::Message(text) => json!({"message": text}),
            Action::Deactivate => json!({"action": "deactivate"}),
        }
    }

    fn to_stored(&self) -> Value {
        match self {
            Action::Update(body) => json!({"update": body}),
            Action::Message(text) => json!({"message": text}),
            Action::Deactivate => json!({"deactivate": true}),
        }
    }

    fn from_stored(value: &Value) -> Option<Action> {
        if let Some(body) = value.get("update") {
            Some(Action::Update(body.clone()))
        } else if let Some(text) = value.get("message").and_then(Value::as_str) {
            Some(Action::Message(text.to_string()))
        } else {
            value.get("deactivate").map(|_| Action::Deactivate)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Scheduled,
    Fired { ticket_id: u64, fired_at: Millis },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub id: u64,
    pub project_id: u64,
    pub name: Option<String>,
    pub scheduled_at: Millis,
    pub audience: Audience,
    pub action: Action,
    pub status: Status,
    pub created_at: Millis,
    version: u64,
}

/// Whom a schedule is for, as the API takes it: exactly one of the keys.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AudienceRequest {
    pub pass_id: Option<Value>,
    pub external_id: Option<String>,
    pub tag: Option<String>,
    pub segment_id: Option<Value>,
    pub template_id: Option<Value>,
}

/// The body of `POST /v1/schedules/{projectId}`: when, whom, and one of `update`, `message`
/// or `deactivate`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleRequest {
    pub name: Option<String>,
    pub scheduled_at: String,
    pub audience: AudienceRequest,
    pub update: Option<Value>,
    pub message: Option<String>,
    pub deactivate: Option<bool>,
}

fn document_id(project_id: u64, schedule_id: u64) -> String {
    format!("{}#{}", numeric_id(project_id), numeric_id(schedule_id))
}

fn id_in(field: &str, value: &Value) -> Result<u64, ServiceError> {
    super::number_or_text(value)
        .filter(|id| *id > 0)
        .ok_or_else(|| ServiceError::invalid(field, "must be a positive integer id"))
}

/// The audience named, checked to exist (and, for a template or a pass, to be the project's).
async fn audience(app: &App, project_id: u64, request: &AudienceRequest) -> Result<Audience, ServiceError> {
    let named = [
        request.pass_id.is_some(),
        request.external_id.is_some(),
        request.tag.is_some(),
        request.segment_id.is_some(),
        request.template_id.is_some(),
    ];
    if named.iter().filter(|n| **n).count() != 1 {
        return Err(ServiceError::invalid(
            "audience",
            "must name exactly one of passId, externalId, tag, segmentId, templateId",
        ));
    }
    if let Some(value) = &request.pass_id {
        let id = id_in("audience.passId", value)?;
        let pass = app.store.get_pass(id).await?.ok_or(ServiceError::NotFound("pass"))?;
        if super::audiences::of_project(app, vec![pass], project_id).await?.is_empty() {
            return Err(ServiceError::invalid("audience.passId", "is not a pass of this project"));
        }
        return Ok(Audience::Pass(id));
    }
    if let Some(external_id) = &request.external_id {
        super::check_external_id("audience.externalId", external_id)?;
        return Ok(Audience::ExternalId(external_id.clone()));
    }
    if let Some(tag) = &request.tag {
        if tag.trim().is_empty() || tag.len() > 128 {
            return Err(ServiceError::invalid("audience.tag", "must be 1 to 128 characters"));
        }
        return Ok(Audience::Tag(tag.clone()));
    }
    if let Some(value) = &request.segment_id {
        let id = id_in("audience.segmentId", value)?;
        return Ok(Audience::Segment(super::segments::get(app, id).await?.id));
    }
    let value = request.template_id.as_ref().ok_or_else(|| ServiceError::invalid("audience", "is empty"))?;
    let id = id_in("audience.templateId", value)?;
    let template = app.store.get_template(id).await?.ok_or(ServiceError::NotFound("template"))?;
    if !super::audiences::template_in_project(app, &template, project_id).await? {
        return Err(ServiceError::invalid("audience.templateId", "is not a template of this project"));
    }
    Ok(Audience::Template(id))
}

fn action(request: &ScheduleRequest) -> Result<Action, ServiceError> {
    let action = match (&request.update, &request.message, request.deactivate) {
        (Some(update), None, None) => Action::Update(update.clone()),
        (None, Some(message), None) => Action::Message(message.clone()),
        (None, None, Some(true)) => Action::Deactivate,
        (None, None, Some(false)) => return Err(ServiceError::invalid("deactivate", "must be true when given")),
        _ => return Err(ServiceError::invalid("update", "give exactly one of update, message, deactivate")),
    };
    Ok(action)
}

fn when(app: &App, text: &str) -> Result<Millis, ServiceError> {
    let at = parse_wallet_date(text)
        .map_err(|e| ServiceError::invalid("scheduledAt", format!("must be an ISO 8601 date-time: {e}")))?
        .unix_seconds
        * 1000;
    let now = app.now();
    if at < now - MAX_BEHIND_MS {
        return Err(ServiceError::invalid("scheduledAt", "is in the past"));
    }
    if at > now + MAX_AHEAD_MS {
        return Err(ServiceError::invalid("scheduledAt", "is more than 5 years ahead"));
    }
    Ok(at)
}

fn body(schedule: &Schedule) -> Value {
    let mut body = json!({
        "name": schedule.name,
        "scheduledAt": schedule.scheduled_at,
        "audience": schedule.audience,
        "action": schedule.action.to_stored(),
        "createdAt": schedule.created_at,
    });
    if let Status::Fired { ticket_id, fired_at } = schedule.status {
        body["ticketId"] = json!(ticket_id);
        body["firedAt"] = json!(fired_at);
    }
    body
}

fn from_document(project_id: u64, document: &Document) -> Result<Schedule, ServiceError> {
    let corrupt = || ServiceError::Internal(format!("stored schedule {} does not decode", document.id));
    let b = &document.body;
    let id = document.id.rsplit('#').next().and_then(|id| id.parse().ok()).ok_or_else(corrupt)?;
    let status = match (b["ticketId"].as_u64(), b["firedAt"].as_i64()) {
        (Some(ticket_id), Some(fired_at)) => Status::Fired { ticket_id, fired_at },
        _ => Status::Scheduled,
    };
    Ok(Schedule {
        id,
        project_id,
        name: b["name"].as_str().map(str::to_string),
        scheduled_at: b["scheduledAt"].as_i64().ok_or_else(corrupt)?,
        audience: serde_json::from_value(b["audience"].clone()).map_err(|_| corrupt())?,
        action: Action::from_stored(&b["action"]).ok_or_else(corrupt)?,
        status,
        created_at: b["createdAt"].as_i64().ok_or_else(corrupt)?,
        version: document.version,
    })
}

async fn project_id(app: &App, project: &ProjectRef) -> Result<u64, ServiceError> {
    Ok(projects::get(app, project).await?.project.id)
}

/// The project's schedules, all of them, by id.
async fn all_of(app: &App, project_id: u64) -> Result<Vec<Schedule>, ServiceError> {
    let prefix = format!("{}#", numeric_id(project_id));
    let found = app.store.list_documents(Collection::Schedule, &prefix, MAX_SCHEDULES_PER_PROJECT).await?;
    found.iter().take_while(|d| d.id.starts_with(&prefix)).map(|d| from_document(project_id, d)).collect()
}

/// Checks the request, stores the schedule and sets its timer.
pub async fn create(app: &App, project: &ProjectRef, request: ScheduleRequest) -> Result<Schedule, ServiceError> {
    let Some(timers) = app.timers.clone() else {
        return Err(ServiceError::NotConfigured("schedules need timers (TESSERA_TIMER_FUNCTION_ARN on AWS)".into()));
    };
    let project_id = project_id(app, project).await?;
    let name = request.name.as_deref().map(|name| super::check_name("name", name, MAX_NAME_CHARS)).transpose()?;
    let scheduled_at = when(app, &request.scheduled_at)?;
    let action = action(&request)?;
    bulk_updates::check(app, &action.as_update()).map_err(|e| match (e, &action) {
        (ServiceError::Invalid(mut problems), Action::Update(_)) => {
            problems.iter_mut().for_each(|p| p.field = format!("update.{}", p.field));
            ServiceError::Invalid(problems)
        }
        (e, _) => e,
    })?;
    let audience = audience(app, project_id, &request.audience).await?;
    if all_of(app, project_id).await?.len() >= MAX_SCHEDULES_PER_PROJECT {
        return Err(ServiceError::Conflict(format!("a project keeps at most {MAX_SCHEDULES_PER_PROJECT} schedules")));
    }

    let now = app.now();
    let mut schedule = Schedule {
        id: app.store.allocate_id(Sequence::Schedule).await?,
        project_id,
        name,
        scheduled_at,
        audience,
        action,
        status: Status::Scheduled,
        created_at: now,
        version: 0,
    };
    let key = document_id(project_id, schedule.id);
    schedule.version = app.store.put_document(Collection::Schedule, &key, &body(&schedule), None, now).await?.version;
    let job = TimerJob::RunSchedule { project_id, schedule_id: schedule.id };
    if let Err(e) = timers.set(&job, scheduled_at).await {
        // Without its timer the schedule would never fire: take it back.
        app.store.delete_document(Collection::Schedule, &key).await?;
        return Err(ServiceError::Internal(e.to_string()));
    }
    Ok(schedule)
}

pub async fn get(app: &App, project: &ProjectRef, schedule_id: u64) -> Result<Schedule, ServiceError> {
    let project_id = project_id(app, project).await?;
    read(app, project_id, schedule_id).await?.ok_or(ServiceError::NotFound("schedule"))
}

async fn read(app: &App, project_id: u64, schedule_id: u64) -> Result<Option<Schedule>, ServiceError> {
    let document = app.store.get_document(Collection::Schedule, &document_id(project_id, schedule_id)).await?;
    document.map(|d| from_document(project_id, &d)).transpose()
}

pub async fn list(app: &App, project: &ProjectRef, page: &PageRequest) -> Result<Page<Schedule>, ServiceError> {
    let all = all_of(app, project_id(app, project).await?).await?;
    let total = all.len() as u64;
    let items = all.into_iter().skip(page.offset() as usize).take(page.page_size as usize).collect();
    Ok(Page { total, items })
}

/// Deletes the schedule and cancels its timer; a fired schedule's ticket runs on.
pub async fn delete(app: &App, project: &ProjectRef, schedule_id: u64) -> Result<(), ServiceError> {
    let project_id = project_id(app, project).await?;
    if !app.store.delete_document(Collection::Schedule, &document_id(project_id, schedule_id)).await? {
        return Err(ServiceError::NotFound("schedule"));
    }
    if let Some(timers) = &app.timers {
        let job = TimerJob::RunSchedule { project_id, schedule_id };
        if let Err(e) = timers.cancel(&job).await {
            // Harmless: a timer without its schedule finds nothing to fire.
            tracing::warn!(schedule = schedule_id, error = %e, "a deleted schedule's timer could not be cancelled");
        }
    }
    Ok(())
}

/// The schedule's timer fired: a schedule whose time has come (and that no other run fired)
/// starts its bulk update; one whose timer fired early is set again.
pub async fn fire(app: &App, project_id: u64, schedule_id: u64) -> Result<(), ServiceError> {
    let Some(schedule) = read(app, project_id, schedule_id).await? else { return Ok(()) };
    let now = app.now();
    let ticket_id = match schedule.status {
        Status::Fired { ticket_id, fired_at } => {
            // A run that marked it and then stopped before the job was written: a retried
            // invocation (well after any racing run) finishes what it began.
            if now - fired_at < RESUME_AFTER_MS || app.store.get_job(ticket_id).await?.is_some() {
                return Ok(());
            }
            tracing::warn!(schedule = schedule_id, ticket = ticket_id, "starting a fired schedule's missing job");
            ticket_id
        }
        Status::Scheduled if schedule.scheduled_at > now => {
            if let Some(timers) = &app.timers {
                let job = TimerJob::RunSchedule { project_id, schedule_id };
                timers.set(&job, schedule.scheduled_at).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
            }
            return Ok(());
        }
        Status::Scheduled => {
            let ticket_id = app.store.allocate_id(Sequence::Ticket).await?;
            let fired = Schedule { status: Status::Fired { ticket_id, fired_at: now }, ..schedule.clone() };
            let key = document_id(project_id, schedule_id);
            match app.store.put_document(Collection::Schedule, &key, &body(&fired), Some(schedule.version), now).await {
                Ok(_) => {}
                // Another run fired it (or it was deleted) since it was read.
                Err(StoreError::Conflict(_)) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
            tracing::info!(schedule = schedule_id, ticket = ticket_id, "a schedule fired");
            ticket_id
        }
    };
    let update = schedule.action.as_update();
    bulk_updates::start_ticket(app, ticket_id, schedule.audience, update, Some(project_id)).await
}
