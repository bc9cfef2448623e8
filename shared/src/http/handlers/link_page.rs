//! The page a browser gets for any pass link (public, dynamic, adaptive, several adaptive):
//! the passes drawn, the wallets' buttons in the platform's order, a QR code on computers.

use lambda_http::http::Response;
use lambda_http::{Body, Request};

use crate::http::page_words::{Language, Words, say};
use crate::http::pages::{self, PassPage, Platform, WalletButton};
use crate::http::pass_preview::{self, ImageSources};
use crate::http::request::{header, query};
use crate::http::{ApiError, html_response};
use crate::service::App;
use crate::service::preview::PassPreview;

/// Whether the request wants the page rather than the file: a browser (`Accept` names HTML)
/// not asking for the download itself (`?download=1`).
pub fn wants_page(request: &Request) -> bool {
    crate::http::request::accepts_html(request) && query(request, "download").as_deref() != Some("1")
}

pub fn accept_language(request: &Request) -> Option<&str> {
    header(request, "accept-language")
}

/// The page: each pass drawn with its images published (the page stays small; browsers fetch
/// and cache the images once).
pub async fn respond(
    app: &App,
    request: &Request,
    page_url: &str,
    previews: &[PassPreview],
    buttons: Vec<WalletButton>,
) -> Result<Response<Body>, ApiError> {
    let language = Language::negotiate(accept_language(request));
    let title = match previews {
        [one] => one.pass.description.clone().or(one.pass.organization_name.clone()).unwrap_or_default(),
        _ => say(Words::YourPasses, language).to_string(),
    };
    let mut passes = Vec::with_capacity(previews.len());
    for preview in previews {
        let names = crate::service::preview::publish_images(app, preview).await?;
        let sources = ImageSources::Hosted { base_url: &app.config.public_url, names: &names };
        passes.push(pass_preview::fragment(preview, &sources));
    }
    let page = PassPage {
        title: &title,
        passes,
        buttons,
        page_url,
        language,
        platform: Platform::of_user_agent(header(request, "user-agent").unwrap_or_default()),
    };
    Ok(html_response(pages::pass_page(&page)))
}
