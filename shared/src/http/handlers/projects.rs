use lambda_http::http::Response;
use lambda_http::{Body, Request, RequestExt};
use serde_json::json;

use crate::http::request::{id_param, json_body, named_page_request, pagination_json, path_param};
use crate::http::views;
use crate::http::{ApiError, ok_json};
use crate::service::App;
use crate::service::projects::{self, ProjectRef};

/// The project a path names: `/v1/project/{id}` or `/v1/project/id/{externalId}`.
fn project_ref(request: &Request) -> Result<ProjectRef, ApiError> {
    if request.path_parameters().first("externalId").is_some() {
        Ok(ProjectRef::External(path_param(request, "externalId")?))
    } else {
        Ok(ProjectRef::Id(id_param(request, "id")?))
    }
}

/// `POST /v1/project` and `POST /v1/project/id/{externalId}`.
pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let external_id = request
        .path_parameters()
        .first("externalId")
        .is_some()
        .then(|| path_param(&request, "externalId"))
        .transpose()?;
    let project = projects::create(app, json_body(&request)?, external_id).await?;
    ok_json(&views::project(&projects::ProjectRecord { project, templates: Vec::new() }))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    ok_json(&views::project(&projects::get(app, &project_ref(&request)?).await?))
}

pub async fn update(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let project = project_ref(&request)?;
    ok_json(&views::project(&projects::update(app, &project, json_body(&request)?).await?))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = projects::delete(app, &project_ref(&request)?).await?;
    ok_json(&json!({"status": "deleted", "projectId": id}))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = named_page_request(&request)?;
    let found = projects::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(views::project).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "projects": items}))
}
