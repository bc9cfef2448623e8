//! Callbacks: `/v1/project/{id}/settings/callback` (where a project's events go) and its
//! deliveries (those not yet made, and the dead ones, which can be sent again).

use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::request::{body_bytes, cursor, id_param, json_body, query};
use crate::http::{ApiError, ok_json};
use crate::model::date::format_millis;
use crate::service::App;
use crate::service::callback_signature;
use crate::service::callbacks::{self, CallbackSettings, Delivery, DeliveryState};
use crate::service::google_callbacks::{self, Received};
use crate::service::projects::ProjectRef;

const DEFAULT_DELIVERIES: usize = 100;
const MAX_DELIVERIES: usize = 1000;

fn project(request: &Request) -> Result<ProjectRef, ApiError> {
    Ok(ProjectRef::Id(id_param(request, "id")?))
}

fn settings_json(settings: &CallbackSettings, new_secret: Option<&str>) -> Value {
    let mut body = json!({
        "projectId": settings.project_id,
        "baseUrl": settings.base_url,
        "headers": settings.headers,
        "signature": {
            "header": callback_signature::HEADER,
            "format": "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>' with the signing secret>",
        },
        "createdAt": format_millis(settings.created_at),
        "updatedAt": format_millis(settings.updated_at),
    });
    if let Some(secret) = new_secret {
        body["signingSecret"] = json!(secret);
    }
    if let Some(until) = settings.previous_secret_until {
        body["previousSecretSignsUntil"] = json!(format_millis(until));
    }
    body
}

fn delivery_json(delivery: &Delivery) -> Value {
    let body: Value = serde_json::from_str(&delivery.body).unwrap_or(Value::Null);
    json!({
        "id": delivery.id.to_string(),
        "state": delivery.state.as_str(),
        "event": delivery.event.as_str(),
        "subject": delivery.subject,
        "attempts": delivery.attempts,
        "createdAt": format_millis(delivery.created_at),
        "nextAttemptAt": delivery.next_attempt_at.map(format_millis),
        "lastStatus": delivery.last_status,
        "lastError": delivery.last_error,
        "diedAt": delivery.died_at.map(format_millis),
        "body": body,
    })
}

/// `POST /v1/project/{id}/settings/callback` `{"baseUrl", "headers", "rotateSecret"}`: the
/// signing secret is in the answer when this call made it (the first time, and on rotation).
pub async fn set(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let written = callbacks::set_settings(app, &project(&request)?, json_body(&request)?).await?;
    ok_json(&settings_json(&written.settings, written.new_secret.as_deref()))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    ok_json(&settings_json(&callbacks::get_settings(app, &project(&request)?).await?, None))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let project = project(&request)?;
    callbacks::delete_settings(app, &project).await?;
    ok_json(&json!({"status": "deleted"}))
}

/// `GET /v1/project/{id}/settings/callback/deliveries?state=pending|dead&after=&pageSize=`.
pub async fn deliveries(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let state = match query(&request, "state") {
        None => DeliveryState::Dead,
        Some(text) => DeliveryState::parse(&text)
            .ok_or_else(|| ApiError::bad_request("state", "must be \"pending\" or \"dead\""))?,
    };
    let (page_size, after) = cursor(&request, DEFAULT_DELIVERIES, MAX_DELIVERIES)?;
    let found = callbacks::list_deliveries(app, &project(&request)?, state, after, page_size).await?;
    let next = (found.len() == page_size).then(|| found.last().map(|d| d.id.to_string())).flatten();
    let items: Vec<Value> = found.iter().map(delivery_json).collect();
    ok_json(&json!({
        "state": state.as_str(),
        "deliveries": items,
        "pagination": {"pageSize": page_size, "next": next},
    }))
}

/// `POST /v1/project/{id}/settings/callback/deliveries/{deliveryId}/resend`: a dead delivery
/// goes back to the outbox.
pub async fn resend(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let delivery = callbacks::resend(app, &project(&request)?, id_param(&request, "deliveryId")?).await?;
    ok_json(&delivery_json(&delivery))
}

/// `POST /v1/google/callback`: Google Wallet's save and delete callbacks, signed by Google. A
/// message about no pass of this deployment is answered 200 all the same, so Google stops
/// sending it.
pub async fn google(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let outcome = google_callbacks::receive(app, body_bytes(&request)).await?;
    let status = match outcome {
        Received::Changed => "recorded",
        Received::Repeated => "already recorded",
        Received::UnknownPass => "no such pass",
    };
    ok_json(&json!({"status": status}))
}
