//! Public links: no API key; the unguessable token is the credential. A browser gets pages
//! (the pass's, or why the link gives none); other clients get the file or a JSON error.

use lambda_http::http::Response;
use lambda_http::{Body, Request};

use super::link_page;
use crate::http::pages::{Wallet, WalletButton};
use crate::http::request::path_param;
use crate::http::{ApiError, file_response};
use crate::model::records::Pass;
use crate::pkpass::PKPASS_MIME;
use crate::service::preview::PassPreview;
use crate::service::{App, ServiceError, links};

/// A browser gets the pass's page (which does not use the link up); `?download=1`, and any
/// client that does not ask for HTML, gets the .pkpass (which does).
pub async fn download(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    let language = link_page::accept_language(&request);
    let page_url = format!("{}/v1/download/pass/{token}", app.config.public_url);
    let (preview, file) = (links::preview_public(app, &token, language), links::download_public(app, &token));
    page_or_file(app, &request, &page_url, preview, file).await
}

/// A dynamic link: a browser gets the page of the pass it makes (looking makes none);
/// `?download=1`, and any client that does not ask for HTML, gets the .pkpass.
pub async fn dynamic(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    let language = link_page::accept_language(&request);
    let page_url = format!("{}/v1/pass/dynamic/{token}", app.config.public_url);
    let (preview, file) = (links::preview_dynamic(app, &token, language), links::open_dynamic(app, &token));
    page_or_file(app, &request, &page_url, preview, file).await
}

/// The page of an Apple pass (its one button downloads it from the same address), or the
/// file; only the one answered is run.
async fn page_or_file(
    app: &App,
    request: &Request,
    page_url: &str,
    preview: impl Future<Output = Result<PassPreview, ServiceError>>,
    file: impl Future<Output = Result<(Pass, Vec<u8>), ServiceError>>,
) -> Result<Response<Body>, ApiError> {
    if !link_page::wants_page(request) {
        return answer(file.await);
    }
    match preview.await {
        Ok(preview) => {
            let apple = WalletButton { wallet: Wallet::Apple, href: format!("{page_url}?download=1") };
            link_page::respond(app, request, page_url, &[preview], vec![apple]).await
        }
        Err(refused) => Err(refused.into()),
    }
}

/// The .pkpass (a link that gives none answers a page to browsers: `http::handle_route`).
fn answer(opened: Result<(Pass, Vec<u8>), ServiceError>) -> Result<Response<Body>, ApiError> {
    let (pass, bytes) = opened?;
    Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes))
}

/// `GET /v1/images/{name}`: a published image (a pass page's logo, strip or thumbnail), by
/// its content's hash: the bytes never change, so any cache may keep them.
pub async fn image(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let png = crate::service::images::published(app, &path_param(&request, "name")?).await?;
    let mut response = crate::http::image_response("image/png", png);
    response
        .headers_mut()
        .insert("cache-control", lambda_http::http::HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}
