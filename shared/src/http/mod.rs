//! HTTP: the routes table (the single source of method + path + handler for the local server,
//! the Lambda binaries and template.yaml), request parsing, auth and error mapping.

pub mod auth;
pub mod barcodes;
pub mod diagnostics_views;
pub mod error;
pub mod handlers;
pub mod page_words;
pub mod pages;
pub mod pass_picture;
pub mod pass_preview;
pub mod passentry_views;
pub mod request;
pub mod routes;
pub mod strict_json;
pub mod views;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use lambda_http::http::{HeaderValue, Method, Response, StatusCode};
use lambda_http::{Body, Request, RequestExt};

pub use error::ApiError;
pub use routes::ROUTES;

use crate::service::App;

pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<Response<Body>, ApiError>> + Send + 'a>>;
pub type Handler = for<'a> fn(&'a App, Request) -> HandlerFuture<'a>;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The management API: an API key and `Api-Revision: 1.2`.
    ApiKey,
    /// PassEntry's API: an API key or token, no `Api-Revision` header.
    Token,
    /// Public links and the device protocol (which authenticates itself).
    Public,
}

pub struct Route {
    /// The item's name in [`routes`] (`GET_PASS`).
    pub item: &'static str,
    /// Also the name of the route's Lambda binary.
    pub name: &'static str,
    pub method: Method,
    /// Also answers HEAD: the same response without its body (Wallet sends HEAD to the
    /// latest-pass route).
    pub answers_head: bool,
    /// API Gateway syntax: `/v1/pass/{id}`.
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

pub const API_REVISION: &str = "1.2";

/// Runs one route, as the route's unit of work ([`crate::work_unit`]): the checks every route
/// shares, then its handler; every failure becomes a JSON error response here, once (a Lambda
/// returning `Err` would lose the body).
pub async fn handle(app: &App, route: &'static Route, request: Request) -> Response<Body> {
    handle_as(app, route, request, Caller::Client).await
}

/// Who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Anyone over the network: keyed routes want an API key or token, and the API revision.
    Client,
    /// The operator's own process working on a store it opened itself (the `tessera` CLI on
    /// the embedded store): whoever can open the store's files owns its data already.
    Operator,
}

async fn handle_as(app: &App, route: &'static Route, request: Request, caller: Caller) -> Response<Body> {
    crate::work_unit::run(route.name, handle_route(app, route, request, caller)).await
}

async fn handle_route(app: &App, route: &Route, request: Request, caller: Caller) -> Response<Body> {
    let head = request.method() == Method::HEAD && route.answers_head;
    // A browser opening a link that gives no pass gets a page saying why, not JSON.
    let refusal_page_language = (route.access == Access::Public && request::accepts_html(&request))
        .then(|| page_words::Language::negotiate(request::header(&request, "accept-language")));
    let result = async {
        if request::body_bytes(&request).len() > app.config.max_body_bytes {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request bodies are limited to {} bytes", app.config.max_body_bytes),
            ));
        }
        if caller == Caller::Operator {
            return (route.handler)(app, request).await;
        }
        if matches!(route.access, Access::ApiKey | Access::Token) {
            auth::authenticate(app, &request).await?;
        }
        if route.access == Access::ApiKey {
            let revision = request.headers().get("api-revision").and_then(|v| v.to_str().ok());
            if revision != Some(API_REVISION) {
                return Err(ApiError {
                    field: Some("Api-Revision".into()),
                    ..ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "unsupported_api_revision",
                        format!("the Api-Revision header must be {API_REVISION}"),
                    )
                });
            }
        }
        (route.handler)(app, request).await
    }
    .await;
    let response = match (result, refusal_page_language) {
        (Ok(response), _) => response,
        (Err(ApiError { status, link_refusal: Some(refusal), .. }), Some(language)) => {
            html_response_with_status(status, pages::link_refused(refusal, language))
        }
        (Err(e), _) => e.into_response(),
    };
    if head { without_body(response) } else { response }
}

/// A HEAD answer: the GET response's status and headers (its length included), no body.
fn without_body(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let length = match &body {
        Body::Text(text) => text.len(),
        Body::Binary(bytes) => bytes.len(),
        _ => 0,
    };
    parts.headers.insert("content-length", HeaderValue::from(length));
    Response::from_parts(parts, Body::Empty)
}

/// A segment of a route's path.
enum Segment {
    Static(&'static str),
    Param(&'static str),
}

/// Every route's path split into segments, once (same order as [`ROUTES`]).
fn patterns() -> &'static [Vec<Segment>] {
    static PATTERNS: std::sync::OnceLock<Vec<Vec<Segment>>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let segment = |s: &'static str| match s.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => Segment::Param(name),
            None => Segment::Static(s),
        };
        ROUTES.iter().map(|r| r.path.split('/').map(segment).collect()).collect()
    })
}

/// Finds the route for a method and path and the path parameters it binds. As on API Gateway,
/// the most specific route wins: segment by segment from the left, a static segment beats a
/// parameter (`/v1/pass/id/download` is the pass with external id `download`).
pub fn route_for(method: &Method, path: &str) -> Result<(&'static Route, HashMap<String, String>), ApiError> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut path_matched = false;
    let mut best: Option<(usize, u64)> = None;
    for (index, (route, pattern)) in ROUTES.iter().zip(patterns()).enumerate() {
        if pattern.len() != segments.len() {
            continue;
        }
        // Bit i (from the left) set: segment i is static. A larger number is more specific.
        let mut specificity = 0u64;
        let matches = pattern.iter().zip(&segments).all(|(p, s)| {
            specificity <<= 1;
            match p {
                Segment::Param(_) => !s.is_empty(),
                Segment::Static(p) => {
                    specificity |= 1;
                    p == s
                }
            }
        });
        if !matches {
            continue;
        }
        path_matched = true;
        let method_matches = route.method == *method || (*method == Method::HEAD && route.answers_head);
        if method_matches && best.is_none_or(|(_, s)| specificity > s) {
            best = Some((index, specificity));
        }
    }
    let best = best.map(|(index, _)| {
        let params = patterns()[index]
            .iter()
            .zip(&segments)
            .filter_map(|(p, s)| match p {
                Segment::Param(name) => Some((name.to_string(), s.to_string())),
                Segment::Static(_) => None,
            })
            .collect();
        (ROUTES[index], params)
    });
    match best {
        Some((route, params)) => Ok((route, params)),
        None if path_matched => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed on {path}"),
        )),
        None => Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no route for {path}"))),
    }
}

/// The local server's entry: route by path, bind parameters as API Gateway would, handle.
/// Also returns the matched route, so callers can log its pattern rather than the raw path
/// (paths carry link tokens and device ids).
pub async fn dispatch(app: &App, request: Request) -> (Response<Body>, Option<&'static Route>) {
    dispatch_as(app, request, Caller::Client).await
}

/// [`dispatch`] for a given caller.
pub async fn dispatch_as(app: &App, request: Request, caller: Caller) -> (Response<Body>, Option<&'static Route>) {
    let path = request.uri().path().to_string();
    match route_for(request.method(), &path) {
        Ok((route, params)) => {
            let query: HashMap<String, Vec<String>> = request
                .uri()
                .query()
                .map(|q| {
                    let mut map: HashMap<String, Vec<String>> = HashMap::new();
                    for pair in q.split('&').filter(|p| !p.is_empty()) {
                        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                        let decode = |s: &str| {
                            percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned()
                        };
                        map.entry(decode(k)).or_default().push(decode(v));
                    }
                    map
                })
                .unwrap_or_default();
            let request = request.with_path_parameters(params).with_query_string_parameters(query);
            (handle_as(app, route, request, caller).await, Some(route))
        }
        Err(e) => (e.into_response(), None),
    }
}

pub fn json_response(status: StatusCode, value: &serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

pub fn ok_json(value: &serde_json::Value) -> Result<Response<Body>, ApiError> {
    Ok(json_response(StatusCode::OK, value))
}

/// 302 to `url` (a Google Wallet save link, say).
pub fn redirect_response(url: &str) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(location) = HeaderValue::from_str(url) {
        response.headers_mut().insert("location", location);
    }
    response.headers_mut().insert("cache-control", HeaderValue::from_static("no-store"));
    response
}

pub fn html_response(html: String) -> Response<Body> {
    html_response_with_status(StatusCode::OK, html)
}

pub fn html_response_with_status(status: StatusCode, html: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(html));
    *response.status_mut() = status;
    response.headers_mut().insert("content-type", HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// An image shown in place (a pass's preview), not downloaded.
pub fn image_response(content_type: &'static str, bytes: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::Binary(bytes));
    response.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    response.headers_mut().insert("cache-control", HeaderValue::from_static("private, no-cache"));
    response
}

pub fn file_response(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::Binary(bytes));
    response.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        response.headers_mut().insert("content-disposition", disposition);
    }
    response
}

#[cfg(test)]
mod tests {
    use lambda_http::http::Method;

    use super::route_for;
    use super::routes::*;

    fn routed(method: Method, path: &str) -> (&'static str, Vec<(String, String)>) {
        let (route, params) = route_for(&method, path).unwrap();
        let mut params: Vec<(String, String)> = params.into_iter().collect();
        params.sort();
        (route.item, params)
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_string(), value.to_string())
    }

    #[test]
    fn the_leftmost_static_segment_wins() {
        assert_eq!(routed(Method::GET, "/v1/pass/12/download"), (DOWNLOAD_PASS.item, vec![pair("id", "12")]));
        assert_eq!(
            routed(Method::GET, "/v1/pass/id/download"),
            (GET_PASS_BY_ITS_EXTERNAL_ID.item, vec![pair("externalId", "download")])
        );
        assert_eq!(routed(Method::GET, "/v1/template/headers"), (LIST_TEMPLATE_HEADERS.item, vec![]));
        assert_eq!(routed(Method::GET, "/v1/template/7"), (GET_TEMPLATE.item, vec![pair("id", "7")]));
        assert_eq!(
            routed(Method::POST, "/v1/template/duplicate/id/x"),
            (DUPLICATE_TEMPLATE_BY_EXTERNAL_ID.item, vec![pair("externalId", "x")])
        );
        assert_eq!(
            routed(Method::POST, "/v1/template/3/id/card"),
            (CREATE_TEMPLATE_IN_PROJECT_WITH_EXTERNAL_ID.item, vec![pair("externalId", "card"), pair("id", "3")])
        );
        assert_eq!(routed(Method::HEAD, "/v1/passes/pass.a/S1").0, LATEST_PASS.item);
    }

    #[test]
    fn a_known_path_with_another_method_is_405_and_an_unknown_one_404() {
        assert_eq!(route_for(&Method::PATCH, "/v1/template/7").err().map(|e| e.status.as_u16()), Some(405));
        assert_eq!(route_for(&Method::GET, "/v1/nothing/here").err().map(|e| e.status.as_u16()), Some(404));
        assert_eq!(route_for(&Method::GET, "/v1/pass//download").err().map(|e| e.status.as_u16()), Some(404));
    }
}
