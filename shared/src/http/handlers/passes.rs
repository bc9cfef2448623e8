use lambda_http::http::{HeaderValue, Response};
use lambda_http::{Body, Request, RequestExt};
use serde_json::json;

use crate::http::pass_preview::ImageSources;
use crate::http::request::{id_param, json_body, optional_json_body, page_request, pagination_json, path_param, query};
use crate::http::views::{self, PassExtras};
use crate::http::{ApiError, file_response, ok_json};
use crate::model::FieldProblem;
use crate::model::decimal::parse_decimal;
use crate::model::records::{InstallFilter, PassFilter, PassQuery};
use crate::pkpass::PKPASS_MIME;
use crate::service::App;
use crate::service::links::DynamicOptions;
use crate::service::passes::{self, PassRecord, PassRequest, PassStatus};
use crate::service::templates::{self, TemplateRef};

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template_id = id_param(&request, "id")?;
    let body: PassRequest = optional_json_body(&request)?;
    let issued = passes::create(app, template_id, body, None, None).await?;
    respond_pass(app, &request, &issued.record, issued.pkpass, &issued.warnings).await
}

/// `POST /v1/pass/{templateId}/id/{externalId}` (Airship's; `{id}` in the table),
/// `POST /v1/pass/template/{templateId}/id/{externalId}`, and by both external ids
/// `POST /v1/pass/id/{templateExternalId}/id/{passExternalId}` (`{externalId}` is the
/// template's there).
pub async fn create_with_external_id(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let has = |name: &str| request.path_parameters().first(name).is_some();
    let (template_id, external_id) = if has("passExternalId") {
        let template = TemplateRef::External(path_param(&request, "externalId")?);
        (templates::find(app, &template).await?.id, path_param(&request, "passExternalId")?)
    } else {
        let named = if has("templateId") { "templateId" } else { "id" };
        (id_param(&request, named)?, path_param(&request, "externalId")?)
    };
    let body: PassRequest = optional_json_body(&request)?;
    let issued = passes::create(app, template_id, body, Some(external_id), None).await?;
    respond_pass(app, &request, &issued.record, issued.pkpass, &issued.warnings).await
}

pub async fn get_by_external_id(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template_id = id_param(&request, "templateId")?;
    let record = passes::get_by_external_id(app, template_id, &path_param(&request, "externalId")?).await?;
    respond_pass(app, &request, &record, None, &[]).await
}

/// The pass a path names: `/v1/pass/{id}/…`, `/v1/pass/id/{externalId}/…` or
/// `/v1/pass/template/{templateId}/id/{externalId}`.
pub(super) async fn pass_id(app: &App, request: &Request) -> Result<u64, ApiError> {
    let has = |name: &str| request.path_parameters().first(name).is_some();
    if has("templateId") {
        let template_id = id_param(request, "templateId")?;
        Ok(passes::id_in_template(app, template_id, &path_param(request, "externalId")?).await?)
    } else if has("externalId") {
        Ok(passes::id_by_external_id(app, &path_param(request, "externalId")?).await?)
    } else {
        id_param(request, "id")
    }
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let record = passes::get(app, pass_id(app, &request).await?).await?;
    respond_pass(app, &request, &record, None, &[]).await
}

pub async fn update(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    let receipt = passes::update(app, id, json_body(&request)?).await?;
    ok_json(&views::with_warnings(json!({"ticketId": receipt.ticket}), &receipt.warnings))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    passes::delete(app, id).await?;
    ok_json(&json!({"status": "deleted", "passId": id.to_string()}))
}

/// The .pkpass; for a Google pass, a redirect to its save link.
pub async fn download(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let (pass, bytes) = match passes::download(app, id_param(&request, "id")?).await? {
        passes::Download::Pkpass(pass, bytes) => (pass, bytes),
        passes::Download::SaveLink(save_url) => return Ok(crate::http::redirect_response(&save_url)),
    };
    Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes))
}

/// `GET /v1/pass/{id}/preview`: the pass as its holder sees it, as an HTML fragment, or as a
/// PNG for `Accept: image/png`.
pub async fn preview(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let language = crate::http::request::header(&request, "accept-language");
    let preview = crate::service::preview::of_pass(app, id_param(&request, "id")?, language).await?;
    if !crate::http::request::accepts(&request, "image/png") {
        // Hosted images: dashboards cache them, and mail clients show them (few show data URLs).
        let names = crate::service::preview::publish_images(app, &preview).await?;
        let sources = ImageSources::Hosted { base_url: &app.config.public_url, names: &names };
        return Ok(crate::http::html_response(crate::http::pass_preview::fragment(&preview, &sources)));
    }
    let png = crate::http::pass_picture::png(&preview).map_err(crate::service::ServiceError::Internal)?;
    Ok(crate::http::image_response("image/png", png))
}

/// The pass.json the .pkpass carries, byte for byte (Airship's `viewJSONPass`).
pub async fn view_json(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let pass_json = passes::pass_json(app, id_param(&request, "id")?).await?;
    let mut response = Response::new(Body::Binary(crate::pkpass::render_pass_json(&pass_json)));
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    Ok(response)
}

pub(crate) fn status_filter(request: &Request) -> Result<Option<InstallFilter>, ApiError> {
    query(request, "status")
        .map(|s| {
            InstallFilter::parse(&s).ok_or_else(|| {
                ApiError::bad_request("status", "must be installed, uninstalled, been_installed or not_been_installed")
            })
        })
        .transpose()
}

pub(crate) async fn list_with(app: &App, request: &Request, filter: PassFilter) -> Result<Response<Body>, ApiError> {
    let page = page_request(request)?;
    let query = PassQuery { filter, status: status_filter(request)?, page };
    let found = passes::list(app, &query).await?;
    let items: Vec<_> = found.items.iter().map(|r| views::pass_summary(&app.config.public_url, r, app.now())).collect();
    ok_json(&json!({"count": found.total, "pagination": pagination_json(&page), "passes": items}))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let filter = match query(&request, "templateId") {
        Some(id) => {
            let id = parse_decimal(&id).ok_or_else(|| ApiError::bad_request("templateId", "must be an integer id"))?;
            PassFilter::Template(id)
        }
        None => PassFilter::All,
    };
    list_with(app, &request, filter).await
}

/// `{tag}` is a tag's id or name (a name no tag record has yet lists what carries it).
pub async fn list_by_tag(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let tag = path_param(&request, "tag")?;
    let name = match crate::service::tags::find(app, &tag).await {
        Ok(found) => found.name,
        Err(crate::service::ServiceError::NotFound(_)) => tag,
        Err(e) => return Err(e.into()),
    };
    list_with(app, &request, PassFilter::Tag(name)).await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationsRequest {
    locations: Vec<crate::model::template::LocationSpec>,
}

fn located(pairs: Vec<(u64, crate::model::template::LocationSpec)>) -> serde_json::Value {
    serde_json::Value::Array(
        pairs.into_iter().map(|(id, value)| json!({"passLocationId": id, "value": value})).collect(),
    )
}

pub async fn add_locations(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    let body: LocationsRequest = json_body(&request)?;
    ok_json(&located(passes::add_locations(app, id, body.locations).await?))
}

pub async fn delete_location(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = pass_id(app, &request).await?;
    let location = id_param(&request, "passLocationId")?;
    let remaining = passes::delete_location(app, id, location).await?;
    ok_json(&json!({"locations": located(remaining)}))
}

pub async fn create_dynamic(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let template_id = id_param(&request, "id")?;
    let payload: serde_json::Value = optional_json_body(&request)?;
    let payload = if payload.is_null() { json!({}) } else { payload };
    let (pass_expiry, link_expiry, serial) =
        (query(&request, "expiry"), query(&request, "linkExpiry"), query(&request, "serialNumber"));
    let options = DynamicOptions {
        pass_expiry: pass_expiry.as_deref(),
        link_expiry: link_expiry.as_deref(),
        serial_number: serial.as_deref(),
    };
    let url = crate::service::links::create_dynamic(app, template_id, payload, options).await?;
    ok_json(&json!({"url": url}))
}

/// A pass as JSON, with PassEntry's `includePassDesign` and `passSource` extras when asked.
/// `signed` is the .pkpass the call already made, if any.
async fn respond_pass(
    app: &App,
    request: &Request,
    record: &PassRecord,
    signed: Option<Vec<u8>>,
    warnings: &[FieldProblem],
) -> Result<Response<Body>, ApiError> {
    let flag = |name: &str| query(request, name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut extras = PassExtras { design: flag("includePassDesign"), ..PassExtras::default() };
    match query(request, "passSource").as_deref() {
        None => {}
        // PassEntry leaves the source out once the pass is on a device.
        Some("apple") if passes::pass_status(record, app.now()) != PassStatus::Active => {
            extras.pkpass = Some(match signed {
                Some(bytes) => bytes,
                None => passes::pkpass_of_record(app, record).await?,
            });
        }
        Some("apple") => {}
        Some("google") => {
            extras.google = record.pass.content.google_save_url.clone();
            if extras.google.is_none() {
                return Err(ApiError::bad_request("passSource", "google applies to Google Wallet passes only"));
            }
        }
        Some(_) => return Err(ApiError::bad_request("passSource", "must be apple or google")),
    }
    ok_json(&views::with_warnings(views::pass(&app.config.public_url, record, app.now(), &extras), warnings))
}

/// `PUT /v1/pass/{id}/push`: the devices the push reached, failed to reach, and dropped
/// (their push tokens are dead).
pub async fn push(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = id_param(&request, "id")?;
    let report = crate::service::pass_push::push(app, id).await?;
    let failed = report.failed + report.unanswered;
    let devices = report.delivered + failed + report.dead_tokens_removed;
    ok_json(&json!({
        "passId": id,
        "devices": devices,
        "reached": report.delivered,
        "failed": failed,
        "removed": report.dead_tokens_removed,
    }))
}
