//! Segments: `/v1/segments` (named boolean expressions over tags) and their passes.

use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::request::{cursor, id_param, json_body, page_request, pagination_json};
use crate::http::{ApiError, ok_json, views};
use crate::model::date::format_millis;
use crate::service::segments::{self, Segment};
use crate::service::{App, bulk_updates};

/// Members a page lists unless `pageSize` says otherwise, and at most.
const DEFAULT_MEMBERS: usize = 100;
const MAX_MEMBERS: usize = 1000;

fn segment_json(segment: &Segment) -> Value {
    json!({
        "id": segment.id,
        "name": segment.name,
        "criteria": segment.criteria.to_json(),
        "createdAt": format_millis(segment.created_at),
        "updatedAt": format_millis(segment.updated_at),
    })
}

/// `POST /v1/segments` `{"name", "criteria"}`.
pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let created = segments::create(app, json_body(&request)?).await?;
    ok_json(&segment_json(&created))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let found = segments::list(app, &page).await?;
    let items: Vec<Value> = found.items.iter().map(segment_json).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "segments": items}))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    ok_json(&segment_json(&segments::get(app, id_param(&request, "segmentId")?).await?))
}

/// `PUT /v1/segments/{segmentId}`: a new name and criteria, whole.
pub async fn update(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "segmentId")?;
    ok_json(&segment_json(&segments::update(app, id, json_body(&request)?).await?))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "segmentId")?;
    segments::delete(app, id).await?;
    ok_json(&json!({"status": "deleted", "id": id}))
}

/// `GET /v1/segments/{segmentId}/passes?pageSize=&after=`: members by id; `next` is the
/// `after` of the next page, absent at the end.
pub async fn passes(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "segmentId")?;
    let (page_size, after) = cursor(&request, DEFAULT_MEMBERS, MAX_MEMBERS)?;
    let (found, next) = segments::member_records(app, id, after, page_size).await?;
    let now = app.now();
    let items: Vec<Value> =
        found.iter().map(|record| views::pass_summary(&app.config.public_url, record, now)).collect();
    ok_json(&json!({
        "segmentId": id,
        "passes": items,
        "pagination": {"pageSize": page_size, "after": after, "next": next},
    }))
}

/// `PUT /v1/segments/{segmentId}/passes`: the update every member gets, in the background;
/// answers the ticket (`GET /v1/ticket/{id}` follows it).
pub async fn update_passes(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let ticket = bulk_updates::start_for_segment(app, id_param(&request, "segmentId")?, json_body(&request)?).await?;
    ok_json(&json!({"ticketId": ticket}))
}
