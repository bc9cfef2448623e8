use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};

use serde_json::json;

use super::link_page;
use crate::http::pages::{Wallet, WalletButton};
use crate::http::request::{header, json_body, page_request, pagination_json, path_param, query};
use crate::http::{ApiError, file_response, json_response, redirect_response, views};
use crate::model::records::{AdaptiveLink, PassFilter, Vendor};
use crate::pkpass::{PKPASS_MIME, PKPASSES_MIME};
use crate::service::App;
use crate::service::adaptive;
use crate::service::preview::PassPreview;

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let link = adaptive::create(app, json_body(&request)?).await?;
    Ok(json_response(StatusCode::OK, &views::adaptive_link(&app.config.public_url, &link)))
}

pub async fn get(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let link = adaptive::get(app, &path_param(&request, "adaptiveLinkId")?).await?;
    Ok(json_response(StatusCode::OK, &views::adaptive_link(&app.config.public_url, &link)))
}

pub async fn list(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let page = page_request(&request)?;
    let found = adaptive::list(app, &page).await?;
    let items: Vec<_> = found.items.iter().map(|l| views::adaptive_link(&app.config.public_url, l)).collect();
    let body = json!({"count": found.total, "pagination": pagination_json(&page), "adaptiveLinks": items});
    Ok(json_response(StatusCode::OK, &body))
}

pub async fn delete(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = path_param(&request, "adaptiveLinkId")?;
    adaptive::delete(app, &id).await?;
    Ok(json_response(StatusCode::OK, &json!({"status": "deleted", "adaptiveLinkId": id})))
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

/// A multi-pass link, `/v1/pass/adaptive?ids=a,b,c` (up to 10): on Apple devices one
/// .pkpasses bundle holding every link's pass, on Android one save link adding every link's
/// Google pass; elsewhere the first link's landing page, for a browser a page drawing every
/// link's pass, or to other clients Airship's answer for a device it cannot serve.
pub async fn open_several(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let ids = query(&request, "ids").ok_or_else(|| ApiError::bad_request("ids", "is required"))?;
    let links = adaptive::several(app, &ids).await?;
    let user_agent = header(&request, "user-agent").unwrap_or_default();
    let wallet = match query(&request, "deviceType").map(|d| d.to_ascii_lowercase()).as_deref() {
        Some("ios" | "iphone" | "apple") => Some(Vendor::Apple),
        Some("android" | "google") => Some(Vendor::Google),
        Some(_) => return Err(ApiError::bad_request("deviceType", "must be ios or android")),
        None => adaptive::wallet_for_user_agent(user_agent),
    };
    match wallet {
        Some(Vendor::Apple) => {
            let bundle = adaptive::open_several_ios(app, &links).await?;
            Ok(file_response(PKPASSES_MIME, "passes.pkpasses", bundle))
        }
        Some(Vendor::Google) => Ok(redirect_response(&adaptive::open_several_android(app, &links).await?)),
        None => match links.first().and_then(adaptive::landing_page) {
            Some(landing) => Ok(redirect_response(landing)),
            None if link_page::wants_page(&request) => {
                let page_url = format!("{}/v1/pass/adaptive?ids={}", app.config.public_url, links_ids(&links));
                let mut previews = Vec::with_capacity(links.len());
                for link in &links {
                    previews.extend(preview(app, &request, link).await);
                }
                let every = |has: fn(&AdaptiveLink) -> bool| links.iter().all(has);
                let buttons = wallet_buttons(
                    &page_url,
                    "&deviceType=",
                    every(|l| l.apple_template_id.is_some()),
                    every(|l| l.google_template_id.is_some()),
                );
                link_page::respond(app, &request, &page_url, &previews, buttons).await
            }
            None => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "device_not_supported",
                "several passes at once go to a phone's wallet; open this link on an iPhone or an Android phone",
            )),
        },
    }
}

/// The adaptive link itself, `/v1/pass/adaptive/{adaptiveLinkId}`: the .pkpass for Apple
/// devices, a redirect to the Google save link for Android, and for anything else a redirect
/// to the link's `landingPageUrl`, or without one the link's page: its Apple pass drawn (a
/// draft; nothing is made by looking), a button per wallet, a QR code to open it on a phone.
pub async fn open_for_device(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = path_param(&request, "adaptiveLinkId")?;
    let link = adaptive::get(app, &id).await?;
    let user_agent = header(&request, "user-agent").unwrap_or_default();
    match (adaptive::wallet_for_user_agent(user_agent), link.apple_template_id, link.google_template_id) {
        (Some(Vendor::Apple), Some(_), _) => {
            let (pass, bytes) = adaptive::open_ios(app, &id).await?;
            Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes))
        }
        (Some(Vendor::Google), _, Some(_)) => Ok(redirect_response(&adaptive::open_android(app, &id).await?)),
        _ => match adaptive::landing_page(&link) {
            Some(landing) => Ok(redirect_response(landing)),
            None => {
                let page_url = format!("{}/v1/pass/adaptive/{}", app.config.public_url, link.id);
                let previews: Vec<_> = preview(app, &request, &link).await.into_iter().collect();
                let (apple, google) = (link.apple_template_id.is_some(), link.google_template_id.is_some());
                let buttons = wallet_buttons(&page_url, "/", apple, google);
                link_page::respond(app, &request, &page_url, &previews, buttons).await
            }
        },
    }
}

fn links_ids(links: &[AdaptiveLink]) -> String {
    links.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(",")
}

/// The buttons of an adaptive page: each wallet's address is the page's with the device
/// named (`/ios`, or `&deviceType=ios` for several links).
fn wallet_buttons(page_url: &str, device: &str, apple: bool, google: bool) -> Vec<WalletButton> {
    let button = |wallet, name| WalletButton { wallet, href: format!("{page_url}{device}{name}") };
    [(apple, button(Wallet::Apple, "ios")), (google, button(Wallet::Google, "android"))]
        .into_iter()
        .filter_map(|(served, button)| served.then_some(button))
        .collect()
}

/// The link's Apple pass drawn for its page; a page without the drawing rather than none when
/// it cannot be drawn (no signing identity yet, say).
async fn preview(app: &App, request: &Request, link: &AdaptiveLink) -> Option<PassPreview> {
    match adaptive::preview(app, link, link_page::accept_language(request)).await {
        Ok(preview) => preview,
        Err(e) => {
            tracing::warn!(link = %link.id, error = %e, "adaptive link page without its pass drawn");
            None
        }
    }
}
