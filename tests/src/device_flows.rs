//! The life of a pass as Wallet lives it, through HTTP, on every backend.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use tessera::embedded::RecordingPusher;

use crate::api::{TestServer, event_template, expect_json};

pub struct Device<'a> {
    pub server: &'a TestServer,
    pub id: String,
    pub push_token: String,
}

impl Device<'_> {
    pub fn call(&self, method: Method, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        let request = self.server.anonymous(method, path);
        match token {
            Some(token) => request.header("Authorization", format!("ApplePass {token}")),
            None => request,
        }
    }
}

/// Waits (bounded) until the recording pusher has `count` pushes.
pub async fn pushes(pusher: &RecordingPusher, count: usize) -> Vec<tessera::embedded::recording_pusher::RecordedPush> {
    for _ in 0..100 {
        let sent = pusher.sent();
        if sent.len() >= count {
            return sent;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    pusher.sent()
}

/// create → register → 204 → update → push → serial listed with a new tag → GET with the old
/// Last-Modified → 200, then 304 → unregister → no push on the next update.
pub async fn pass_life_on_a_device(server: &TestServer, pusher: &RecordingPusher) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({})).await;
    let (id, serial) = (pass["id"].as_u64().unwrap(), pass["serialNumber"].as_str().unwrap().to_string());
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
    let token = signed["authenticationToken"].as_str().unwrap().to_string();
    let ptid = "pass.dev.tessera.example";
    let device = Device { server, id: "device-lib-0001".into(), push_token: "apns-token-0001".into() };
    let registration = format!("/v1/devices/{}/registrations/{ptid}/{serial}", device.id);
    let body = json!({"pushToken": device.push_token});

    let first = device.call(Method::POST, &registration, Some(&token)).json(&body).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = device.call(Method::POST, &registration, Some(&token)).json(&body).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "re-registering is idempotent");
    let installed = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!((installed["status"].as_str(), installed["platform"].as_str()), (Some("installed"), Some("ios")));

    let list = format!("/v1/devices/{}/registrations/{ptid}", device.id);
    let all = expect_json(device.call(Method::GET, &list, None).send().await.unwrap(), 200).await;
    assert_eq!(all["serialNumbers"], json!([serial]));
    let tag = all["lastUpdated"].as_str().unwrap().to_string();
    let unchanged = device.call(Method::GET, &format!("{list}?passesUpdatedSince={tag}"), None).send().await.unwrap();
    assert_eq!(unchanged.status(), StatusCode::NO_CONTENT);

    let latest = format!("/v1/passes/{ptid}/{serial}");
    let v1 = device.call(Method::GET, &latest, Some(&token)).send().await.unwrap();
    assert_eq!(v1.status(), 200);
    let v1_modified = v1.headers()["last-modified"].to_str().unwrap().to_string();
    let v1_length = v1.bytes().await.unwrap().len();

    // Wallet also asks with HEAD: the same answer without the body.
    let head = device.call(Method::HEAD, &latest, Some(&token)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["last-modified"].to_str().unwrap(), v1_modified);
    assert_eq!(head.headers()["content-type"], "application/vnd.apple.pkpass");
    assert_eq!(head.headers()["content-length"].to_str().unwrap(), v1_length.to_string());
    assert!(head.bytes().await.unwrap().is_empty());
    let head = device.call(Method::HEAD, &latest, Some(&token)).header("If-Modified-Since", &v1_modified).send();
    assert_eq!(head.await.unwrap().status(), StatusCode::NOT_MODIFIED);
    let head = device.call(Method::HEAD, &latest, Some("0".repeat(48).as_str())).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::UNAUTHORIZED, "a wrong token on HEAD too");

    let before = pusher.sent().len();
    expect_json(
        server
            .api(Method::PUT, &format!("/v1/pass/{id}"))
            .json(&json!({"fields": {"Seat": {"value": "99"}}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let sent = pushes(pusher, before + 1).await;
    assert_eq!(sent.len(), before + 1, "one push for the update");
    let push = &sent[before];
    assert_eq!((push.push_token.as_str(), push.topic.as_str()), (device.push_token.as_str(), ptid));

    let changed = expect_json(
        device.call(Method::GET, &format!("{list}?passesUpdatedSince={tag}"), None).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(changed["serialNumbers"], json!([serial]));
    assert_ne!(changed["lastUpdated"].as_str().unwrap(), tag, "a new tag");

    let newer =
        device.call(Method::GET, &latest, Some(&token)).header("If-Modified-Since", &v1_modified).send().await.unwrap();
    assert_eq!(newer.status(), 200, "changed since the old Last-Modified");
    let v2_modified = newer.headers()["last-modified"].to_str().unwrap().to_string();
    assert_ne!(v2_modified, v1_modified);
    let bytes = newer.bytes().await.unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("\"99\""), "the new content");
    let same =
        device.call(Method::GET, &latest, Some(&token)).header("If-Modified-Since", &v2_modified).send().await.unwrap();
    assert_eq!(same.status(), StatusCode::NOT_MODIFIED);

    let gone = device.call(Method::DELETE, &registration, Some(&token)).send().await.unwrap();
    assert_eq!(gone.status(), 200);
    let after_unregister = pusher.sent().len();
    expect_json(
        server
            .api(Method::PUT, &format!("/v1/pass/{id}"))
            .json(&json!({"fields": {"Seat": {"value": "100"}}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pusher.sent().len(), after_unregister, "no push after unregistering");
    let uninstalled = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(uninstalled["status"], "uninstalled");
}

/// Registers a device for a pass as Wallet does (with the pass's token); asserts 201.
pub async fn register(server: &TestServer, device: &str, push_token: &str, serial: &str, token: &str) {
    let path = format!("/v1/devices/{device}/registrations/pass.dev.tessera.example/{serial}");
    let response = server
        .anonymous(Method::POST, &path)
        .header("Authorization", format!("ApplePass {token}"))
        .json(&json!({"pushToken": push_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "registering {device}");
}

/// A DynamoDB stream record saying pass `id`'s content changed (version 1 → 2), as Lambda
/// hands it to the push dispatcher.
pub fn pass_changed(id: u64, sequence: &str) -> serde_json::Value {
    let image = |ver: &str| json!({"pk": {"S": format!("PASS#{id}")}, "sk": {"S": "PASS"}, "ver": {"N": ver}});
    json!({"Records": [{"eventName": "MODIFY", "dynamodb": {
        "SequenceNumber": sequence, "OldImage": image("1"), "NewImage": image("2")
    }}]})
}
