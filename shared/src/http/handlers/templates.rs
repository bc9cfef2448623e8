use lambda_http::http::Response;
use lambda_http::{Body, Request, RequestExt};
use serde_json::{Value, json};

use crate::http::request::{id_param, json_body, named_page_request, pagination_json, path_param};
use crate::http::views;
use crate::http::{ApiError, ok_json};
use crate::model::template::LocationSpec;
use crate::service::App;
use crate::service::projects::ProjectRef;
use crate::service::template_parts;
use crate::service::templates::{self, Placement, TemplateRef};

fn external_id(request: &Request) -> Result<Option<String>, ApiError> {
    request.path_parameters().first("externalId").is_some().then(|| path_param(request, "externalId")).transpose()
}

/// The template a path names: `/v1/template/{id}` or `/v1/template/id/{externalId}`.
fn template_ref(request: &Request) -> Result<TemplateRef, ApiError> {
    match external_id(request)? {
        Some(ext) => Ok(TemplateRef::External(ext)),
        None => Ok(TemplateRef::Id(id_param(request, "id")?)),
    }
}

/// `POST /v1/template`: in the body's project, or the default one.
pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let saved = templates::create(app, json_body(&request)?, Placement::default()).await?;
    ok_json(&views::with_warnings(views::template(&saved.template), &saved.warnings))
}

/// `POST /v1/template/{projectId}` and `/v1/template/{projectId}/id/{externalId}`: Airship
/// answers with the new id only.
pub async fn create_in_project(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let placement =
        Placement { project: Some(ProjectRef::Id(id_param(&request, "id")?)), external_id: external_id(&request)? };
    let saved = templates::create(app, json_body(&request)?, placement).await?;
    ok_json(&views::with_warnings(json!({"templateId": saved.template.id}), &saved.warnings))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    ok_json(&views::template(&templates::find(app, &template_ref(&request)?).await?))
}

pub async fn update(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = template_ref(&request)?;
    let saved = templates::update(app, &template, json_body(&request)?).await?;
    ok_json(&views::with_warnings(views::template(&saved.template), &saved.warnings))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = templates::delete(app, &template_ref(&request)?).await?;
    ok_json(&json!({"status": "deleted", "templateId": id.to_string()}))
}

/// `POST /v1/template/duplicate/{id}` (or `/duplicate/id/{externalId}`).
pub async fn duplicate(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let copy = templates::duplicate(app, &template_ref(&request)?).await?;
    ok_json(&json!({"templateId": copy.id}))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = named_page_request(&request)?;
    let found = templates::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(views::template).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "templates": items}))
}

/// `{"locations": [...]}` as on passes, or the bare array.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum LocationsBody {
    Wrapped { locations: Vec<LocationSpec> },
    Bare(Vec<LocationSpec>),
}

fn located(pairs: Vec<(u64, LocationSpec)>) -> Value {
    Value::Array(pairs.into_iter().map(|(id, value)| json!({"locationId": id, "value": value})).collect())
}

/// `POST /v1/template/{id}/locations`: the added locations with their ids.
pub async fn add_locations(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = template_ref(&request)?;
    let locations = match json_body(&request)? {
        LocationsBody::Wrapped { locations } | LocationsBody::Bare(locations) => locations,
    };
    ok_json(&located(template_parts::add_locations(app, &template, locations).await?))
}

/// `DELETE /v1/template/{id}/location/{locationId}`: the remaining locations.
pub async fn delete_location(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = template_ref(&request)?;
    let location = id_param(&request, "locationId")?;
    ok_json(&json!({"locations": located(template_parts::delete_location(app, &template, location).await?)}))
}

pub async fn get_personalization(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let (id, settings) = template_parts::personalization(app, &template_ref(&request)?).await?;
    ok_json(&json!({"templateId": id, "personalization": settings}))
}

pub async fn set_personalization(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = template_ref(&request)?;
    let saved = template_parts::set_personalization(app, &template, json_body(&request)?).await?;
    ok_json(&json!({"templateId": saved.id, "personalization": saved.content.personalization}))
}

pub async fn delete_personalization(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let saved = template_parts::delete_personalization(app, &template_ref(&request)?).await?;
    ok_json(&json!({"status": "deleted", "templateId": saved.id}))
}

/// `GET /v1/template/headers`: Airship's list, each template as its `templateHeader`.
pub async fn headers(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = named_page_request(&request)?;
    let found = templates::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(views::template_header).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "templateHeaders": items}))
}
