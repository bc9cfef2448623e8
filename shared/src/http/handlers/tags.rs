use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::request::{id_param, json_body, page_request, pagination_json, path_param};
use crate::http::{ApiError, ok_json, views};
use crate::model::date::format_millis;
use crate::model::records::Tag;
use crate::service::App;
use crate::service::{bulk_updates, tags};

fn tag_json(tag: &Tag) -> Value {
    json!({"id": tag.id, "name": tag.name, "createdAt": format_millis(tag.created_at)})
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let found = tags::list(app, &page).await?;
    let items: Vec<Value> = found.items.iter().map(tag_json).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "tags": items}))
}

/// `DELETE /v1/tag/{tag}`: off every pass, then gone; `count` is how many passes had it.
pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let count = tags::delete(app, &path_param(&request, "tag")?).await?;
    ok_json(&json!({"status": "deleted", "count": count}))
}

/// `DELETE /v1/tag/{tag}/pass/{passId}`.
pub async fn remove_from_pass(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let pass_id = id_param(&request, "passId")?;
    let tag = tags::remove_from_pass(app, &path_param(&request, "tag")?, pass_id).await?;
    ok_json(&json!({"status": "removed", "passId": pass_id, "tag": tag_json(&tag)}))
}

/// `PUT /v1/tag/{tag}/passes`: the update every pass with the tag gets, in the background;
/// answers the ticket at once (`GET /v1/ticket/{id}` follows it).
pub async fn update_passes(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let ticket = bulk_updates::start_for_tag(app, &path_param(&request, "tag")?, json_body(&request)?).await?;
    ok_json(&json!({"ticketId": ticket}))
}

/// `GET /v1/ticket/{ticketId}`: a bulk update's progress and outcome.
pub async fn ticket(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let job = bulk_updates::ticket(app, id_param(&request, "ticketId")?).await?;
    let (kind, audience) = views::audience(&job.audience);
    let mut view = json!({
        "ticketId": job.ticket_id,
        "kind": kind,
        "status": job.state.as_str(),
        "total": job.total,
        "updated": job.updated,
        "failed": job.failed,
        "failures": job.failures,
        "createdAt": format_millis(job.created_at),
        "updatedAt": format_millis(job.updated_at),
    });
    if let (Some(view), Some(audience)) = (view.as_object_mut(), audience.as_object()) {
        view.extend(audience.clone());
    }
    ok_json(&view)
}

/// `GET /v1/pass/{id}/tags` (or by external id).
pub async fn of_pass(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let pass_id = super::passes::pass_id(app, &request).await?;
    let found = tags::of_pass(app, pass_id).await?;
    ok_json(&json!({"tags": found.iter().map(tag_json).collect::<Vec<_>>()}))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AddTags {
    tags: Vec<String>,
}

/// `PUT /v1/pass/{id}/tags` `{"tags": [...]}` → `{"newTags", "mappings"}` as Airship answers.
pub async fn add_to_pass(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let pass_id = super::passes::pass_id(app, &request).await?;
    let body: AddTags = json_body(&request)?;
    let added = tags::add_to_pass(app, pass_id, body.tags).await?;
    ok_json(&json!({"newTags": added.new_tags, "mappings": added.new_tags.len()}))
}
