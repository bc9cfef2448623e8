use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};

use crate::http::request::{json_body, path_param};
use crate::http::{ApiError, file_response, html_response, json_response, pages, redirect_response, views};
use crate::model::records::{PassFilter, Vendor};
use crate::pkpass::PKPASS_MIME;
use crate::service::App;
use crate::service::adaptive;

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let link = adaptive::create(app, json_body(&request)?).await?;
    Ok(json_response(StatusCode::OK, &views::adaptive_link(&app.config.public_url, &link)))
}

pub async fn passes(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = path_param(&request, "adaptiveLinkId")?;
    adaptive::get(app, &id).await?;
    super::passes::list_with(app, &request, PassFilter::AdaptiveLink(id)).await
}

/// The public link: `/v1/pass/adaptive/{adaptiveLinkId}/{deviceType}`.
pub async fn open(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = path_param(&request, "adaptiveLinkId")?;
    match path_param(&request, "deviceType")?.to_ascii_lowercase().as_str() {
        "ios" | "iphone" | "apple" => {
            let (pass, bytes) = adaptive::open_ios(app, &id).await?;
            Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes))
        }
        "android" | "google" => Ok(redirect_response(&adaptive::open_android(app, &id).await?)),
        _ => Err(ApiError::bad_request("deviceType", "must be ios or android")),
    }
}

/// The adaptive link itself, `/v1/pass/adaptive/{adaptiveLinkId}`: the .pkpass for Apple
/// devices, a redirect to the Google save link for Android, and a page offering both (with a
/// QR code to open it on a phone) for anything else.
pub async fn open_for_device(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = path_param(&request, "adaptiveLinkId")?;
    let link = adaptive::get(app, &id).await?;
    let user_agent = request.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default();
    match (adaptive::wallet_for_user_agent(user_agent), link.apple_template_id, link.google_template_id) {
        (Some(Vendor::Apple), Some(_), _) => {
            let (pass, bytes) = adaptive::open_ios(app, &id).await?;
            Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes))
        }
        (Some(Vendor::Google), _, Some(_)) => Ok(redirect_response(&adaptive::open_android(app, &id).await?)),
        _ => Ok(html_response(pages::adaptive_choice(&app.config.public_url, &link))),
    }
}
