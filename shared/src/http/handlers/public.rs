//! Public links: no API key; the unguessable token is the credential.

use lambda_http::http::{Response, StatusCode};
use lambda_http::{Body, Request};

use crate::http::request::path_param;
use crate::http::{ApiError, file_response};
use crate::model::records::LinkUse;
use crate::pkpass::PKPASS_MIME;
use crate::service::App;
use crate::service::{ServiceError, passes};

pub async fn download(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such download link");
    let link = app.store.get_link(&token).await.map_err(ServiceError::from)?.ok_or_else(not_found)?;
    let Some(pass_id) = link.pass_id else { return Err(not_found()) };
    // Build first, then spend the link: a failure must not use up a single-use link.
    let (pass, bytes) = passes::pkpass(app, pass_id).await?;
    match app.store.use_link(&token, app.now()).await.map_err(ServiceError::from)? {
        LinkUse::Granted { .. } => Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes)),
        LinkUse::AlreadyUsed => {
            Err(ApiError::new(StatusCode::GONE, "link_used", "this single-use link has already been used"))
        }
        LinkUse::Expired => Err(ApiError::new(StatusCode::GONE, "link_expired", "this link has expired")),
    }
}

pub async fn dynamic(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let token = path_param(&request, "token")?;
    let (pass, bytes) = crate::service::links::open_dynamic(app, &token).await?;
    Ok(file_response(PKPASS_MIME, &format!("{}.pkpass", pass.serial_number), bytes))
}
