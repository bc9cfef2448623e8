//! Schedules: `/v1/schedules/{projectId}` (an update, a message or a deactivation for an
//! audience of the project, at a time).

use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::request::{id_param, json_body, page_request, pagination_json};
use crate::http::{ApiError, ok_json, views};
use crate::model::date::format_millis;
use crate::service::App;
use crate::service::projects::ProjectRef;
use crate::service::schedules::{self, Action, Schedule, Status};

fn schedule_json(schedule: &Schedule) -> Value {
    let (_, audience) = views::audience(&schedule.audience);
    let mut view = json!({
        "id": schedule.id,
        "projectId": schedule.project_id,
        "name": schedule.name,
        "scheduledAt": format_millis(schedule.scheduled_at),
        "audience": audience,
        "createdAt": format_millis(schedule.created_at),
    });
    match &schedule.action {
        Action::Update(update) => {
            view["action"] = json!("update");
            view["update"] = update.clone();
        }
        Action::Message(message) => {
            view["action"] = json!("message");
            view["message"] = json!(message);
        }
        Action::Deactivate => view["action"] = json!("deactivate"),
    }
    match schedule.status {
        Status::Scheduled => view["status"] = json!("scheduled"),
        Status::Fired { ticket_id, fired_at } => {
            view["status"] = json!("fired");
            view["ticketId"] = json!(ticket_id);
            view["firedAt"] = json!(format_millis(fired_at));
        }
    }
    view
}

fn project(request: &Request) -> Result<ProjectRef, ApiError> {
    Ok(ProjectRef::Id(id_param(request, "projectId")?))
}

/// `POST /v1/schedules/{projectId}`.
pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let created = schedules::create(app, &project(&request)?, json_body(&request)?).await?;
    ok_json(&schedule_json(&created))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let found = schedules::list(app, &project(&request)?, &page).await?;
    let items: Vec<Value> = found.items.iter().map(schedule_json).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "schedules": items}))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let found = schedules::get(app, &project(&request)?, id_param(&request, "scheduleId")?).await?;
    ok_json(&schedule_json(&found))
}

/// `DELETE /v1/schedules/{projectId}/{scheduleId}`: it will not fire (a fired one's ticket
/// runs on).
pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "scheduleId")?;
    schedules::delete(app, &project(&request)?, id).await?;
    ok_json(&json!({"status": "deleted", "id": id}))
}
