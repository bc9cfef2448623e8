//! Public links: no API key; the unguessable token is the credential. A browser gets pages
//! (the pass's, or why the link gives none); other clients get the file or a JSON error.

use lambda_http::http::Response;
use lambda_http::{Body, Request};

use crate::http::page_words::Language;
use crate::http::request::{accepts_html, header, path_param, query};
use crate::http::{ApiError, file_response, html_response, html_response_with_status, pages};
use crate::model::records::Pass;
use crate::pkpass::PKPASS_MIME;
use crate::service::{App, ServiceError, links};

/// A browser gets the pass's page (which does not use the link up); `?download=1`, and any
/// client that does not ask for HTML, gets the .pkpass (which does).
pub async fn download(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    if accepts_html(&request) && query(&request, "download").as_deref() != Some("1") {
        return page(app, &request, &token).await;
    }
    answer(&request, links::download_public(app, &token).await)
}

async fn page(app: &App, request: &Request, token: &str) -> Result<Response<Body>, ApiError> {
    let preview = match links::preview_public(app, token).await {
        Ok(preview) => preview,
        Err(refused) => return answer(request, Err(refused)),
    };
    let page_url = format!("{}/v1/download/pass/{token}", app.config.public_url);
    let user_agent = header(request, "user-agent").unwrap_or_default();
    let title = preview.pass.description.clone().or(preview.pass.organization_name.clone()).unwrap_or_default();
    let page = pages::PassPage {
        pass: &crate::http::pass_preview::fragment(&preview),
        title: &title,
        download_url: &format!("{page_url}?download=1"),
        page_url: &page_url,
        language: Language::negotiate(header(request, "accept-language")),
        on_phone: ["iPhone", "iPad", "Android"].iter().any(|device| user_agent.contains(device)),
    };
    Ok(html_response(pages::pass_page(&page)))
}

pub async fn dynamic(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    answer(&request, links::open_dynamic(app, &token).await)
}

fn answer(request: &Request, opened: Result<(Pass, Vec<u8>), ServiceError>) -> Result<Response<Body>, ApiError> {
    match opened {
        Ok((pass, bytes)) => Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes)),
        Err(ServiceError::LinkRefused(refusal)) if accepts_html(request) => {
            let status = ApiError::from(ServiceError::LinkRefused(refusal)).status;
            let language = Language::negotiate(header(request, "accept-language"));
            Ok(html_response_with_status(status, pages::link_refused(refusal, language)))
        }
        Err(e) => Err(e.into()),
    }
}
