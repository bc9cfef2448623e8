//! Public links: no API key; the unguessable token is the credential. A browser is answered
//! a page when a link gives no pass; other clients get JSON errors.

use lambda_http::http::Response;
use lambda_http::{Body, Request};

use crate::http::page_words::Language;
use crate::http::request::{accepts_html, header, path_param};
use crate::http::{ApiError, file_response, html_response_with_status, pages};
use crate::model::records::Pass;
use crate::pkpass::PKPASS_MIME;
use crate::service::{App, ServiceError, links};

pub async fn download(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    answer(&request, links::download_public(app, &token).await)
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
