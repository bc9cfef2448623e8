use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};
use serde_json::json;

use crate::http::request::{id_param, json_body, page_request, pagination_json};
use crate::http::views;
use crate::http::{ApiError, json_response, ok_json};
use crate::service::App;
use crate::service::templates;

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = templates::create(app, json_body(&request)?).await?;
    Ok(json_response(StatusCode::OK, &views::template(&template)))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template = templates::get(app, id_param(&request, "id")?).await?;
    ok_json(&views::template(&template))
}

pub async fn update(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "id")?;
    let template = templates::update(app, id, json_body(&request)?).await?;
    ok_json(&views::template(&template))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "id")?;
    templates::delete(app, id).await?;
    ok_json(&json!({"status": "deleted", "templateId": id.to_string()}))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let found = templates::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(views::template).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "templates": items}))
}
