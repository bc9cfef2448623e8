//! Apple's pass web service (also spoken by Android wallets with `AndroidPass`). Paths are
//! Apple's; there is no API key: a pass's own authentication token is the credential, and an
//! unknown pass answers 401 like a wrong token, so serials cannot be probed.

use lambda_http::http::{HeaderValue, Response, StatusCode};
use lambda_http::{Body, Request};
use serde::Deserialize;
use serde_json::json;

use crate::app::App;
use crate::http::request::{json_body, path_param, query};
use crate::http::{ApiError, file_response, json_response};
use crate::model::date::{format_http_date, parse_http_date};
use crate::model::records::{NewRegistration, Pass, Platform, RegisterOutcome};
use crate::pkpass::PKPASS_MIME;
use crate::service::{ServiceError, passes};

fn unauthorized() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "missing or wrong ApplePass/AndroidPass token")
}

/// The pass the request is about, if its `Authorization: ApplePass <token>` matches.
async fn authorized_pass(app: &App, request: &Request) -> Result<(Pass, Platform), ApiError> {
    let header = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (platform, token) = match header.split_once(' ') {
        Some(("ApplePass", token)) => (Platform::Ios, token.trim()),
        Some(("AndroidPass", token)) => (Platform::Android, token.trim()),
        _ => return Err(unauthorized()),
    };
    let pass_type_id = path_param(request, "passTypeIdentifier")?;
    let serial = path_param(request, "serialNumber")?;
    let pass = app.store.get_pass_by_serial(&pass_type_id, &serial).await.map_err(ServiceError::from)?;
    let Some(pass) = pass else { return Err(unauthorized()) };
    let expected = pass.authentication_token.as_bytes();
    let equal = expected.len() == token.len() && openssl::memcmp::eq(expected, token.as_bytes());
    if equal { Ok((pass, platform)) } else { Err(unauthorized()) }
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
    let (pass, platform) = authorized_pass(app, &request).await?;
    let body: RegistrationBody = json_body(&request)?;
    if body.push_token.trim().is_empty() || body.push_token.len() > 512 {
        return Err(ApiError::bad_request("pushToken", "must be 1 to 512 characters"));
    }
    let device = path_param(&request, "deviceLibraryIdentifier")?;
    if device.is_empty() || device.len() > 256 {
        return Err(ApiError::bad_request("deviceLibraryIdentifier", "must be 1 to 256 characters"));
    }
    let registration = NewRegistration {
        device_library_id: device,
        pass_type_id: pass.pass_type_id,
        serial_number: pass.serial_number,
        push_token: body.push_token,
        platform,
    };
    match app.store.register_device(&registration, app.now()).await.map_err(ServiceError::from)? {
        RegisterOutcome::Created => Ok(empty(StatusCode::CREATED)),
        RegisterOutcome::AlreadyRegistered => Ok(empty(StatusCode::OK)),
    }
}

pub async fn unregister(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let (pass, _) = authorized_pass(app, &request).await?;
    let device = path_param(&request, "deviceLibraryIdentifier")?;
    app.store
        .unregister_device(&device, &pass.pass_type_id, &pass.serial_number, app.now())
        .await
        .map_err(ServiceError::from)?;
    Ok(empty(StatusCode::OK))
}

/// Serials of the device's passes changed since the tag (a pass changes when it or its
/// template does); 204 when none. The tag is opaque to devices: a garbled one means "all".
pub async fn updated_serials(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let device = path_param(&request, "deviceLibraryIdentifier")?;
    let pass_type_id = path_param(&request, "passTypeIdentifier")?;
    let since = query(&request, "passesUpdatedSince").and_then(|t| t.parse::<i64>().ok());
    let updated = app.store.updated_serials(&device, &pass_type_id, since).await.map_err(ServiceError::from)?;
    if updated.serial_numbers.is_empty() {
        return Ok(empty(StatusCode::NO_CONTENT));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({"serialNumbers": updated.serial_numbers, "lastUpdated": updated.last_updated.to_string()}),
    ))
}

/// The latest version of a pass; 304 when `If-Modified-Since` is not older than it.
pub async fn latest_pass(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let (pass, _) = authorized_pass(app, &request).await?;
    let template =
        app.store.get_template(pass.template_id).await.map_err(ServiceError::from)?.ok_or_else(unauthorized)?;
    // Compared in whole seconds, the precision of the header.
    let modified = pass.updated_at.max(template.updated_at).div_euclid(1000);
    let since = request.headers().get("if-modified-since").and_then(|v| v.to_str().ok()).and_then(parse_http_date);
    let last_modified = HeaderValue::from_str(&format_http_date(modified))
        .map_err(|_| ApiError::from(ServiceError::Internal("date header".into())))?;
    if since.is_some_and(|since| modified <= since) {
        let mut response = empty(StatusCode::NOT_MODIFIED);
        response.headers_mut().insert("last-modified", last_modified);
        return Ok(response);
    }
    let (pass, bytes) = passes::pkpass(app, pass.id).await?;
    let mut response = file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes);
    response.headers_mut().insert("last-modified", last_modified);
    response.headers_mut().insert("cache-control", HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
struct LogBody {
    #[serde(default)]
    logs: Vec<String>,
}

/// Wallet reports problems with our web service here; they go to our logs.
pub async fn log(_app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let body: LogBody = json_body(&request)?;
    for message in body.logs.iter().take(50) {
        let message: String = message.chars().take(1000).collect();
        tracing::warn!(%message, "Wallet reported");
    }
    Ok(empty(StatusCode::OK))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonalizeBody {
    personalization_token: String,
    required_personalization_info: serde_json::Map<String, serde_json::Value>,
}

/// The holder enrolled: keep their details, answer with the token signed by the pass type's
/// certificate (detached PKCS#7), as Wallet requires before it fetches the personalized pass.
pub async fn personalize(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let (pass, _) = authorized_pass(app, &request).await?;
    let body: PersonalizeBody = json_body(&request)?;
    if body.personalization_token.is_empty() || body.personalization_token.len() > 4096 {
        return Err(ApiError::bad_request("personalizationToken", "must be 1 to 4096 characters"));
    }
    const KNOWN: [&str; 7] =
        ["fullName", "givenName", "familyName", "emailAddress", "postalCode", "ISOCountryCode", "phoneNumber"];
    if let Some(unknown) = body.required_personalization_info.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            format!("requiredPersonalizationInfo.{unknown}"),
            "is not a personalization field Wallet sends",
        ));
    }
    if let Some((key, _)) = body.required_personalization_info.iter().find(|(_, v)| !v.is_string()) {
        return Err(ApiError::bad_request(format!("requiredPersonalizationInfo.{key}"), "must be a string"));
    }
    let identity = app.identities.get(&pass.pass_type_id, app.now() / 1000).await?;
    let signature = crate::pkpass::sign_detached(&identity, body.personalization_token.as_bytes())
        .map_err(|e| ApiError::from(ServiceError::Internal(format!("signing the personalization token: {e}"))))?;
    passes::personalize(app, pass.id, serde_json::Value::Object(body.required_personalization_info)).await?;
    let mut response = Response::new(Body::Binary(signature));
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/octet-stream"));
    Ok(response)
}
