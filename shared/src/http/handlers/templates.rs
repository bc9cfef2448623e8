use lambda_http::http::Response;
use lambda_http::{Body, Request, RequestExt};
use serde_json::json;

use crate::http::request::{id_param, json_body, page_request, pagination_json, path_param};
use crate::http::views;
use crate::http::{ApiError, ok_json};
use crate::service::App;
use crate::service::projects::ProjectRef;
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
    let template = templates::create(app, json_body(&request)?, Placement::default()).await?;
    ok_json(&views::template(&template))
}

/// `POST /v1/template/{projectId}` and `/v1/template/{projectId}/id/{externalId}`: Airship
/// answers with the new id only.
pub async fn create_in_project(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let placement =
        Placement { project: Some(ProjectRef::Id(id_param(&request, "id")?)), external_id: external_id(&request)? };
    let template = templates::create(app, json_body(&request)?, placement).await?;
    ok_json(&json!({"templateId": template.id}))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    ok_json(&views::template(&templates::find(app, &template_ref(&request)?).await?))
}

pub async fn update(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = template_ref(&request)?;
    ok_json(&views::template(&templates::update(app, &template, json_body(&request)?).await?))
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
    let page = page_request(&request)?;
    let found = templates::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(views::template).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "templates": items}))
}

/// `GET /v1/template/headers`: Airship's list, each template as its `templateHeader`.
pub async fn headers(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let found = templates::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(views::template_header).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "templateHeaders": items}))
}
