//! Reading requests the same way whether they come from API Gateway or the local server:
//! path parameters from the request extensions, JSON bodies whatever the Content-Type says.

use lambda_http::{Body, Request, RequestExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::model::decimal::parse_decimal;
use crate::model::records::{Direction, PageRequest, SortOrder};

pub fn body_bytes(request: &Request) -> &[u8] {
    match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    }
}

/// Parses the JSON body, read strictly first ([`super::strict_json`]); a mistake names its
/// JSON path.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let bytes = body_bytes(request);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("body", "a JSON body is required"));
    }
    let value = match super::strict_json::parse(bytes) {
        Ok(value) => value,
        Err(Some(refusal)) => return Err(ApiError::bad_request(refusal.field, refusal.reason)),
        Err(None) => return Err(not_json(bytes)),
    };
    from_json_value(value, "body")
}

/// Reads a JSON value as `T`; a mistake names its JSON path, or `whole` when it is the value
/// itself that is wrong.
pub fn from_json_value<T: DeserializeOwned>(value: serde_json::Value, whole: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path.is_empty() { whole.to_string() } else { path };
        ApiError::bad_request(field, format!("malformed JSON: {}", e.into_inner()))
    })
}

/// What is wrong with a body that is not one JSON document: its syntax, or data after it
/// (`{…}garbage` or `{…}{…}` is not a request anyone meant).
fn not_json(bytes: &[u8]) -> ApiError {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let reason = match serde::de::IgnoredAny::deserialize(&mut de) {
        Err(e) => format!("malformed JSON: {e}"),
        Ok(_) => match de.end() {
            Err(e) => format!("malformed JSON: data after the document ({e})"),
            Ok(()) => "malformed JSON".to_string(),
        },
    };
    ApiError::bad_request("body", reason)
}

/// An optional JSON body (absent or empty counts as `{}`).
pub fn optional_json_body<T: DeserializeOwned + Default>(request: &Request) -> Result<T, ApiError> {
    if body_bytes(request).iter().all(u8::is_ascii_whitespace) { Ok(T::default()) } else { json_body(request) }
}

pub fn path_param(request: &Request, name: &str) -> Result<String, ApiError> {
    request
        .path_parameters()
        .first(name)
        .map(|v| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned())
        .ok_or_else(|| ApiError::bad_request(name, "is missing from the path"))
}

pub fn id_param(request: &Request, name: &str) -> Result<u64, ApiError> {
    let text = path_param(request, name)?;
    parse_decimal(&text)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(name, "must be a positive integer id"))
}

/// Whether the client takes HTML (a browser opening a link); API clients and download
/// managers, which send `*/*` or a file type, get files and JSON.
pub fn accepts_html(request: &Request) -> bool {
    accepts(request, "text/html")
}

/// Whether the `Accept` header names this media type.
pub fn accepts(request: &Request, media_type: &str) -> bool {
    header(request, "accept").is_some_and(|accept| accept.to_ascii_lowercase().contains(media_type))
}

/// Where the request came from, for per-source budgets: the local server's peer (set as a
/// request extension), else API Gateway's `sourceIp`, else `unknown`.
pub fn client_address(request: &Request) -> String {
    if let Some(ClientAddress(address)) = request.extensions().get::<ClientAddress>() {
        return address.to_string();
    }
    match request.request_context_ref() {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) => {
            context.http.source_ip.clone().unwrap_or_else(|| "unknown".into())
        }
        _ => "unknown".into(),
    }
}

/// The peer's address, as the local server saw the connection.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

/// A request header's value, when it is text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

pub fn query(request: &Request, name: &str) -> Option<String> {
    request.query_string_parameters().first(name).map(str::to_string)
}

/// A cursor page's `pageSize` (1 to `max`, `default` when absent) and `after` (an id, 0 when
/// absent), for lists walked by id rather than numbered pages.
pub fn cursor(request: &Request, default: usize, max: usize) -> Result<(usize, u64), ApiError> {
    let page_size = match query(request, "pageSize") {
        None => default,
        Some(text) => parse_decimal(&text)
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_request("pageSize", format!("must be between 1 and {max}")))?,
    };
    let after = match query(request, "after") {
        None => 0,
        Some(text) => {
            parse_decimal(&text).ok_or_else(|| ApiError::bad_request("after", "must be an id from an earlier page"))?
        }
    };
    Ok((page_size, after))
}

/// `page`, `pageSize`, `order` and `direction` as the API documents them.
pub fn page_request(request: &Request) -> Result<PageRequest, ApiError> {
    paging(request, false)
}

/// The same for lists of named things (templates, projects), which `order=name` sorts too.
pub fn named_page_request(request: &Request) -> Result<PageRequest, ApiError> {
    paging(request, true)
}

fn paging(request: &Request, named: bool) -> Result<PageRequest, ApiError> {
    let mut page = PageRequest::default();
    if let Some(p) = query(request, "page") {
        page.page = parse_decimal(&p)
            .filter(|p| *p >= 1)
            .ok_or_else(|| ApiError::bad_request("page", "must be an integer ≥ 1"))?;
    }
    if let Some(size) = query(request, "pageSize") {
        page.page_size =
            parse_decimal(&size).filter(|s| (1..=PageRequest::MAX_PAGE_SIZE).contains(s)).ok_or_else(|| {
                ApiError::bad_request("pageSize", format!("must be between 1 and {}", PageRequest::MAX_PAGE_SIZE))
            })?;
    }
    if let Some(order) = query(request, "order") {
        page.order = match order.as_str() {
            "id" => SortOrder::Id,
            "createdAt" => SortOrder::CreatedAt,
            "updatedAt" => SortOrder::UpdatedAt,
            "name" if named => SortOrder::Name,
            _ if named => return Err(ApiError::bad_request("order", "must be id, name, createdAt or updatedAt")),
            _ => return Err(ApiError::bad_request("order", "must be id, createdAt or updatedAt")),
        };
    }
    if let Some(direction) = query(request, "direction") {
        page.direction = match direction.to_ascii_uppercase().as_str() {
            "ASC" => Direction::Asc,
            "DESC" => Direction::Desc,
            _ => return Err(ApiError::bad_request("direction", "must be ASC or DESC")),
        };
    }
    Ok(page)
}

/// The page a list answers, as the seed's examples show it (`"direction": "desc"`, lowercase,
/// though the query parameter is documented as `ASC`/`DESC`; both cases are accepted).
pub fn pagination_json(page: &PageRequest) -> serde_json::Value {
    serde_json::json!({
        "order": match page.order { SortOrder::Id => "id", SortOrder::CreatedAt => "createdAt", SortOrder::UpdatedAt => "updatedAt", SortOrder::Name => "name" },
        "direction": match page.direction { Direction::Asc => "asc", Direction::Desc => "desc" },
        "page": page.page,
        "start": page.offset(),
        "pageSize": page.page_size,
    })
}
