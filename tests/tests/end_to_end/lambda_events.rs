//! The handlers behind API Gateway: real HttpApi (payload 2.0) events, read by lambda_http,
//! go through the functions' own adapter (`tessera_functions::api_gateway`) to the shared
//! `handle`, and come back as API Gateway responses (binary .pkpass bodies base64-encoded,
//! JSON errors as text).

use std::sync::Arc;

use base64::Engine;
use lambda_http::lambda_runtime::{Context, LambdaEvent};
use lambda_http::request::LambdaRequest;
use serde_json::{Value, json};
use tessera::http::ROUTES;
use tessera_tests::api::{KEY_ID, SECRET, TestServer, event_template};

fn event(route_key: &str, path: &str, path_parameters: Value, query: &str, body: Option<&str>) -> Value {
    let auth = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{SECRET}")));
    json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": format!("/prod{path}"),
        "rawQueryString": query,
        "headers": {"authorization": auth, "api-revision": "1.2", "host": "abc.execute-api.eu-west-1.amazonaws.com"},
        "queryStringParameters": query.split('&').filter(|p| !p.is_empty()).map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), json!(v))
        }).collect::<serde_json::Map<_, _>>(),
        "pathParameters": path_parameters,
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc", "domainName": "abc.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc", "http": {"method": route_key.split(' ').next().unwrap(), "path": format!("/prod{path}"),
            "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "test"},
            "requestId": "id", "routeKey": route_key, "stage": "prod", "time": "24/Nov/2026:08:00:00 +0000", "timeEpoch": 1795939200000i64
        },
        "body": body,
        "isBase64Encoded": false
    })
}

async fn invoke(server: &TestServer, route_name: &str, event: Value) -> Value {
    let route = ROUTES.iter().find(|r| r.name == route_name).unwrap();
    let request: LambdaRequest = serde_json::from_value(event).unwrap();
    tessera_functions::api_gateway::answer(&server.app, route, LambdaEvent::new(request, Context::default())).await
}

#[tokio::test]
async fn api_gateway_events_reach_the_shared_handlers() {
    let server = Arc::new(TestServer::embedded().await);
    let template = server.create_template(&event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    let body = json!({"fields": {"Seat": {"value": "5"}}}).to_string();
    let created = invoke(
        &server,
        "create_pass",
        event(
            "POST /v1/pass/{id}",
            &format!("/v1/pass/{template_id}"),
            json!({"id": template_id.to_string()}),
            "",
            Some(&body),
        ),
    )
    .await;
    assert_eq!(created["statusCode"], 200, "{created}");
    let pass: Value = serde_json::from_str(created["body"].as_str().unwrap()).unwrap();
    let pass_id = pass["id"].as_u64().unwrap();

    let download = invoke(
        &server,
        "download_pass",
        event(
            "GET /v1/pass/{id}/download",
            &format!("/v1/pass/{pass_id}/download"),
            json!({"id": pass_id.to_string()}),
            "",
            None,
        ),
    )
    .await;
    assert_eq!(download["statusCode"], 200);
    assert_eq!(download["isBase64Encoded"], true, "a binary body travels base64-encoded");
    assert_eq!(download["headers"]["content-type"], "application/vnd.apple.pkpass");
    let pkpass = base64::engine::general_purpose::STANDARD.decode(download["body"].as_str().unwrap()).unwrap();
    assert!(pkpass.starts_with(b"PK\x03\x04"));

    let listed = invoke(
        &server,
        "list_passes",
        event("GET /v1/pass", "/v1/pass", json!({}), &format!("templateId={template_id}&pageSize=1"), None),
    )
    .await;
    let listed: Value = serde_json::from_str(listed["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        (listed["count"].as_u64(), listed["pagination"]["pageSize"].as_u64()),
        (Some(1), Some(1)),
        "query parameters come from the event"
    );

    let refused = invoke(
        &server,
        "create_template",
        event("POST /v1/template", "/v1/template", json!({}), "", Some("{\"name\": ")),
    )
    .await;
    assert_eq!(refused["statusCode"], 400);
    assert_eq!(refused["isBase64Encoded"], false);
    let error: Value = serde_json::from_str(refused["body"].as_str().unwrap()).unwrap();
    assert_eq!(error["error"]["field"], "body", "an expected failure is a JSON response, not a bare 5xx");
}

/// API functions tell nobody about changes (the table's stream feeds the dispatcher function,
/// and a function may be frozen once it has answered); the dispatcher function pushes, and
/// `TESSERA_PUSHER` chooses how. A function without its public URL refuses to start, without
/// a panic.
#[tokio::test]
async fn only_the_dispatcher_function_dispatches() {
    let vars = |pusher: &'static str| {
        let vars: std::collections::HashMap<&str, &str> =
            [("TESSERA_PUBLIC_URL", "https://wallet.example.com"), ("TESSERA_PUSHER", pusher)].into();
        tessera::config::Settings::from_vars(|name| vars.get(name).map(|v| v.to_string())).unwrap()
    };
    let api = tessera_functions::lambda::route_app(&vars("record")).await.unwrap();
    assert!(api.dispatcher().is_none(), "an API function dispatches nothing");
    assert_eq!(api.config.public_url, "https://wallet.example.com");
    let dispatcher = tessera_functions::lambda::dispatcher_app(&vars("record")).await.unwrap();
    assert!(dispatcher.dispatcher().is_some());
    let unset = tessera::config::Settings::from_vars(|_| None).unwrap();
    let refused = tessera_functions::lambda::route_app(&unset).await.err().map(|e| e.to_string());
    assert_eq!(refused.as_deref(), Some("TESSERA_PUBLIC_URL is not set"));
}
