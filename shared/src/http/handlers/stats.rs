use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde_json::json;

use crate::http::request::{id_param, path_param};
use crate::http::{ApiError, ok_json};
use crate::service::App;
use crate::service::stats;

/// `GET /v1/pass/id/{externalId}/stats`, in Airship's shape.
pub async fn of_external_id(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let (all, by_template) = stats::of_external_id(app, &path_param(&request, "externalId")?).await?;
    let templates: Vec<_> = by_template
        .iter()
        .map(|(id, c)| json!({"id": id, "installed": c.installed, "uninstalled": c.uninstalled}))
        .collect();
    ok_json(
        &json!({"total": all.total, "installed": all.installed, "uninstalled": all.uninstalled, "templates": templates}),
    )
}

/// `GET /v1/template/{id}/stats`.
pub async fn of_template(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "id")?;
    let c = stats::of_template(app, id).await?;
    ok_json(&json!({"id": id, "total": c.total, "installed": c.installed, "uninstalled": c.uninstalled}))
}
