//! PassEntry's pass routes, `/api/v1/passes`: create (`passTemplate`, `extId` and the
//! `include…` flags in the query), read, list, PUT, PATCH and delete, with passes named by
//! UUID or external id.

use lambda_http::http::{HeaderValue, Response};
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::passentry_views::{self, Include, notification_header, notification_meta};
use crate::http::request::{json_body, optional_json_body, page_request, path_param, query};
use crate::http::views;
use crate::http::{ApiError, ok_json};
use crate::model::records::{PassFilter, PassQuery};
use crate::service::App;
use crate::service::passentry::{self, Answer, PassEntryRequest};
use crate::service::passes::{self, PassRecord, PassStatus};

fn flag(request: &Request, name: &str) -> Result<bool, ApiError> {
    match query(request, name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::bad_request(name, "must be true or false")),
    }
}

/// The parts the `include…` flags ask to see.
fn shown_parts(request: &Request) -> Result<Include, ApiError> {
    Ok(Include {
        design: flag(request, "includePassDesign")?,
        locations: flag(request, "includeLocations")?,
        beacons: flag(request, "includeBeacons")?,
        ..Include::default()
    })
}

/// The `include…` flags and the pass source (only while the pass is not active).
async fn include(
    app: &App,
    request: &Request,
    record: &PassRecord,
    signed: Option<Vec<u8>>,
) -> Result<Include, ApiError> {
    let mut include = shown_parts(request)?;
    let source = query(request, "includePassSource").or_else(|| query(request, "passSource"));
    let active = passes::pass_status(record, app.now()) == PassStatus::Active;
    match source.as_deref() {
        None => {}
        Some("apple" | "google") if active => {}
        Some("apple") if record.pass.content.google_save_url.is_none() => {
            include.pkpass = Some(match signed {
                Some(bytes) => bytes,
                None => passes::pkpass_of_record(app, record).await?,
            });
        }
        Some("google") if record.pass.content.google_save_url.is_some() => {
            include.google = record.pass.content.google_save_url.clone();
        }
        Some("apple" | "google") => {
            return Err(ApiError::bad_request("passSource", "names the other wallet than this pass's"));
        }
        Some(_) => return Err(ApiError::bad_request("passSource", "must be apple or google")),
    }
    Ok(include)
}

async fn respond(app: &App, request: &Request, answer: Answer) -> Result<Response<Body>, ApiError> {
    let shown = include(app, request, &answer.record, answer.pkpass).await?;
    let mut body = json!({"data": passentry_views::pass(&app.config.public_url, &answer.record, app.now(), &shown)});
    let meta = answer.notification.as_ref().map_or_else(|| json!({}), notification_meta);
    let meta = views::with_warnings(meta, &answer.warnings);
    if meta.as_object().is_some_and(|m| !m.is_empty()) {
        body["meta"] = meta;
    }
    let Some(status) = &answer.notification else { return ok_json(&body) };
    let mut response = ok_json(&body)?;
    if let Ok(header) = HeaderValue::from_str(&notification_header(status)) {
        response.headers_mut().insert("x-notification-status", header);
    }
    Ok(response)
}

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template =
        query(&request, "passTemplate").ok_or_else(|| ApiError::bad_request("passTemplate", "is required"))?;
    let body: PassEntryRequest = optional_json_body(&request)?;
    let answer = passentry::create(app, &template, query(&request, "extId"), body).await?;
    respond(app, &request, answer).await
}

async fn pass_id(app: &App, request: &Request) -> Result<u64, ApiError> {
    Ok(passentry::find_pass(app, &path_param(request, "id")?).await?)
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let record = passes::get(app, pass_id(app, &request).await?).await?;
    respond(app, &request, Answer { record, pkpass: None, notification: None, warnings: Vec::new() }).await
}

pub async fn put(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    let answer = passentry::update(app, id, json_body(&request)?, false).await?;
    respond(app, &request, answer).await
}

pub async fn patch(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    let answer = passentry::update(app, id, json_body(&request)?, true).await?;
    respond(app, &request, answer).await
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    passentry::delete(app, id).await?;
    ok_json(&json!({"data": {"id": passentry::pass_uuid(id), "type": "pass", "deleted": true}}))
}

/// Passes, newest first, `passTemplate` narrowing them to one template.
pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let filter = match query(&request, "passTemplate") {
        Some(template) => PassFilter::Template(passentry::find_template(app, &template).await?.id),
        None => PassFilter::All,
    };
    let found = passes::list(app, &PassQuery { filter, status: None, page }).await?;
    let include = shown_parts(&request)?;
    let now = app.now();
    let data: Vec<Value> =
        found.items.iter().map(|r| passentry_views::pass(&app.config.public_url, r, now, &include)).collect();
    ok_json(&json!({
        "data": data,
        "meta": {"count": found.total, "page": page.page, "pageSize": page.page_size},
    }))
}
