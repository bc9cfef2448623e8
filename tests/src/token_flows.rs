//! Opaque API tokens through the HTTP API: made with a key, used as `Bearer`, listed without
//! secrets, revoked. Shared by both backends.

use reqwest::Method;
use serde_json::json;

use crate::api::{KEY_ID, TestServer, expect_error, expect_json};

/// The status `GET /v1/template` answers with `Authorization: Bearer <token>`.
pub async fn bearer_status(base: &str, token: &str) -> u16 {
    let response = reqwest::Client::new()
        .get(format!("{base}/v1/template"))
        .bearer_auth(token)
        .header("Api-Revision", "1.2")
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn status_with(server: &TestServer, token: &str) -> u16 {
    bearer_status(&server.base, token).await
}

pub async fn api_tokens(server: &TestServer) {
    let listed = expect_json(server.api(Method::GET, "/v1/api-tokens").send().await.unwrap(), 200).await;
    let before = listed["count"].as_u64().unwrap();
    for bad in [json!({"name": ""}), json!({"name": "x".repeat(101)}), json!({"name": "a", "scope": "all"})] {
        let response = server.api(Method::POST, "/v1/api-tokens").json(&bad).send().await.unwrap();
        expect_error(response, 400, "invalid_request", None).await;
    }
    let listed = expect_json(server.api(Method::GET, "/v1/api-tokens").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"].as_u64(), Some(before), "a refused token is not made");

    let created = server.api(Method::POST, "/v1/api-tokens").json(&json!({"name": "ticketing"})).send();
    let created = expect_json(created.await.unwrap(), 200).await;
    let (id, token) = (created["id"].as_str().unwrap().to_string(), created["token"].as_str().unwrap().to_string());
    assert_eq!((created["kind"].as_str(), created["name"].as_str()), (Some("bearer"), Some("ticketing")));
    assert!(token.starts_with(&format!("{id}_")), "{created}");
    assert_eq!(status_with(server, &token).await, 200);
    assert_eq!(status_with(server, &format!("{id}_{}", "f".repeat(64))).await, 401);
    assert_eq!(status_with(server, "tess_unknown_secret").await, 401);

    let listed = expect_json(server.api(Method::GET, "/v1/api-tokens").send().await.unwrap(), 200).await;
    let text = listed.to_string();
    assert!(text.contains(&id) && text.contains(KEY_ID), "{listed}");
    assert!(!text.contains(&token[id.len() + 1..]), "no secret is shown again");
    let basic = listed["tokens"].as_array().unwrap().iter().find(|t| t["id"] == KEY_ID).cloned().unwrap();
    assert_eq!(basic["kind"], "basic");

    let revoked = server.api(Method::DELETE, &format!("/v1/api-tokens/{id}")).send().await.unwrap();
    assert_eq!(expect_json(revoked, 200).await["status"], "revoked");
    assert_eq!(status_with(server, &token).await, 401, "revoked tokens stop working at once");
    let again = server.api(Method::DELETE, &format!("/v1/api-tokens/{id}")).send().await.unwrap();
    expect_error(again, 404, "not_found", None).await;
    let last = server.api(Method::DELETE, &format!("/v1/api-tokens/{KEY_ID}")).send().await.unwrap();
    expect_error(last, 409, "conflict", None).await;
}
