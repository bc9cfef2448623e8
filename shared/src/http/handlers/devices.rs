//! Apple's pass web service over HTTP (see `service::devices`): Apple's paths and bodies,
//! `Authorization: ApplePass <token>` (or `AndroidPass`), no API key.

use lambda_http::http::{HeaderValue, Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Deserialize;
use serde_json::json;

use crate::http::request::{header, json_body, path_param, query};
use crate::http::{ApiError, file_response, json_response};
use crate::model::date::{format_http_date, parse_http_date};
use crate::model::records::{Platform, RegisterOutcome};
use crate::pkpass::PKPASS_MIME;
use crate::service::App;
use crate::service::ServiceError;
use crate::service::devices::{self, DeviceCredentials, Latest, PassAddress};
use crate::service::wallet_log;

/// The credentials of `Authorization: ApplePass <token>` or `AndroidPass <token>`.
fn credentials(request: &Request) -> Result<DeviceCredentials<'_>, ApiError> {
    match header(request, "authorization").unwrap_or_default().split_once(' ') {
        Some(("ApplePass", token)) => Ok(DeviceCredentials { platform: Platform::Ios, token: token.trim() }),
        Some(("AndroidPass", token)) => Ok(DeviceCredentials { platform: Platform::Android, token: token.trim() }),
        _ => Err(ServiceError::Unauthorized.into()),
    }
}

/// The path parameters naming a pass, decoded.
struct PathPass {
    pass_type_id: String,
    serial: String,
}

impl PathPass {
    fn of(request: &Request) -> Result<PathPass, ApiError> {
        Ok(PathPass {
            pass_type_id: path_param(request, "passTypeIdentifier")?,
            serial: path_param(request, "serialNumber")?,
        })
    }

    fn address(&self) -> PassAddress<'_> {
        PassAddress { pass_type_id: &self.pass_type_id, serial: &self.serial }
    }
}

fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = status;
    response
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationBody {
    push_token: String,
}

pub async fn register(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let credentials = credentials(&request)?;
    let pass = PathPass::of(&request)?;
    let body: RegistrationBody = json_body(&request)?;
    let device = path_param(&request, "deviceLibraryIdentifier")?;
    match devices::register(app, pass.address(), credentials, &device, &body.push_token).await? {
        RegisterOutcome::Created => Ok(empty(StatusCode::CREATED)),
        RegisterOutcome::AlreadyRegistered => Ok(empty(StatusCode::OK)),
    }
}

pub async fn unregister(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let credentials = credentials(&request)?;
    let pass = PathPass::of(&request)?;
    let device = path_param(&request, "deviceLibraryIdentifier")?;
    devices::unregister(app, pass.address(), credentials, &device).await?;
    Ok(empty(StatusCode::OK))
}

/// 204 when nothing changed since the tag.
pub async fn updated_serials(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let device = path_param(&request, "deviceLibraryIdentifier")?;
    let pass_type_id = path_param(&request, "passTypeIdentifier")?;
    let tag = query(&request, "passesUpdatedSince");
    let updated = devices::updated_serials(app, &device, &pass_type_id, tag.as_deref()).await?;
    if updated.serial_numbers.is_empty() {
        return Ok(empty(StatusCode::NO_CONTENT));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({"serialNumbers": updated.serial_numbers, "lastUpdated": updated.last_updated.to_string()}),
    ))
}

/// The latest version of a pass (`Last-Modified`), or 304 when `If-Modified-Since` is not
/// older. HEAD answers the same without the body (see `http::handle`).
pub async fn latest_pass(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let credentials = credentials(&request)?;
    let pass = PathPass::of(&request)?;
    let since = header(&request, "if-modified-since").and_then(parse_http_date);
    let date_header = |seconds: i64| {
        HeaderValue::from_str(&format_http_date(seconds))
            .map_err(|_| ApiError::from(ServiceError::Internal("date header".into())))
    };
    match devices::latest(app, pass.address(), credentials, since).await? {
        Latest::NotModified { last_modified } => {
            let mut response = empty(StatusCode::NOT_MODIFIED);
            response.headers_mut().insert("last-modified", date_header(last_modified)?);
            Ok(response)
        }
        Latest::Pass { last_modified, serial, pkpass } => {
            let mut response = file_response(PKPASS_MIME, &format!("{serial}.pkpass"), pkpass);
            response.headers_mut().insert("last-modified", date_header(last_modified)?);
            response.headers_mut().insert("cache-control", HeaderValue::from_static("no-store"));
            Ok(response)
        }
    }
}

#[derive(Deserialize)]
struct LogBody {
    #[serde(default)]
    logs: Vec<String>,
}

pub async fn log(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let body: LogBody = json_body(&request)?;
    let source = crate::http::request::client_address(&request);
    wallet_log::receive(app, &source, &body.logs).await?;
    Ok(empty(StatusCode::OK))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonalizeBody {
    personalization_token: String,
    required_personalization_info: serde_json::Map<String, serde_json::Value>,
}

pub async fn personalize(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let credentials = credentials(&request)?;
    let pass = PathPass::of(&request)?;
    let body: PersonalizeBody = json_body(&request)?;
    let signature = devices::personalize(
        app,
        pass.address(),
        credentials,
        &body.personalization_token,
        body.required_personalization_info,
    )
    .await?;
    let mut response = Response::new(Body::Binary(signature));
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/octet-stream"));
    Ok(response)
}
