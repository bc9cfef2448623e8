//! API tokens: `POST /v1/api-tokens` makes one (shown once), `GET` lists every key and token
//! without secrets, `DELETE /v1/api-tokens/{tokenId}` revokes one.

use lambda_http::http::Response;
use lambda_http::{Body, Request};
use serde_json::{Value, json};

use crate::http::request::{json_body, path_param};
use crate::http::{ApiError, ok_json};
use crate::model::date::format_millis;
use crate::model::records::ApiKey;
use crate::service::App;
use crate::service::api_keys;

fn key_json(key: &ApiKey) -> Value {
    json!({"id": key.key_id, "name": key.name, "kind": api_keys::kind(key), "createdAt": format_millis(key.created_at)})
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    name: String,
}

pub async fn create(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let body: TokenRequest = json_body(&request)?;
    let created = api_keys::create_token(app, &body.name).await?;
    let mut answer = key_json(&created.key);
    answer["token"] = json!(created.token);
    ok_json(&answer)
}

pub async fn list(app: &App, _request: Request) -> Result<Response<Body>, ApiError> {
    let keys = api_keys::list(app).await?;
    ok_json(&json!({"count": keys.len(), "tokens": keys.iter().map(key_json).collect::<Vec<_>>()}))
}

pub async fn revoke(app: &App, request: Request) -> Result<Response<Body>, ApiError> {
    let id = path_param(&request, "tokenId")?;
    api_keys::revoke(app, &id).await?;
    ok_json(&json!({"status": "revoked", "id": id}))
}
