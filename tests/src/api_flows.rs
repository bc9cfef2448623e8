//! Flows through the HTTP API, run on every backend.

use reqwest::Method;
use serde_json::json;

use crate::api::{TestServer, event_template, expect_error, expect_json};

/// A template, a pass with overrides and a single-use link, its download checked with
/// openssl, an update, the lists, and deletion.
pub async fn template_and_pass_life(server: &TestServer) {
    let template = server.create_template(&event_template()).await;
    let template_id = template["id"].as_u64().unwrap();
    assert_eq!(template["type"], "eventTicket");
    assert_eq!(template["version"], 1);

    let body = json!({"fields": {"Seat": {"value": "14"}}, "tags": ["vip"], "publicUrl": {"type": "single"}});
    let pass = server.create_pass(template_id, &body).await;
    let pass_id = pass["id"].as_u64().unwrap();
    assert_eq!(pass["templateId"], template_id);
    assert_eq!(pass["fields"]["Seat"]["value"], "14");
    assert_eq!(pass["fields"]["Event"]["value"], "The Tour", "template values fill the rest");
    assert_eq!(pass["status"], "not_been_installed");
    assert_eq!(pass["publicUrl"]["type"], "single");
    assert_eq!(pass["url"], format!("{}/v1/pass/{pass_id}/download", server.base));
    let serial = pass["serialNumber"].as_str().unwrap().to_string();
    assert_eq!(serial.len(), 36, "serial numbers are UUIDs");

    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["publicUrl"], pass["publicUrl"]);
    assert_eq!(fetched["tags"], json!(["vip"]));

    let signed = download(server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["serialNumber"], serial);
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "14");
    assert_eq!(signed["backgroundColor"], "rgb(60, 65, 76)");
    assert_eq!(signed["webServiceURL"], server.base);
    assert!(signed["authenticationToken"].as_str().unwrap().len() >= 32);

    let link = pass["publicUrl"]["path"].as_str().unwrap().trim_start_matches(&server.base).to_string();
    let first = server.anonymous(Method::GET, &link).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["content-type"], "application/vnd.apple.pkpass");
    expect_error(server.anonymous(Method::GET, &link).send().await.unwrap(), 410, "link_used", None).await;
    let used = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!((used["publicUrl"]["used"].as_bool(), used["publicUrl"]["installs"].as_u64()), (Some(true), Some(1)));

    let update = json!({"fields": {"Seat": {"value": "15"}}, "tags": ["vip", "moved"]});
    let ticket =
        expect_json(server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&update).send().await.unwrap(), 200)
            .await;
    assert!(ticket["ticketId"].as_u64().is_some(), "{ticket}");
    let signed = download(server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "15");
    assert_eq!(signed["serialNumber"], serial, "the serial stays; the content changes");

    let other = server.create_pass(template_id, &json!({})).await;
    let list = expect_json(
        server
            .api(Method::GET, &format!("/v1/pass?templateId={template_id}&order=id&direction=ASC&pageSize=1&page=2"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["pagination"], json!({"order": "id", "direction": "ASC", "page": 2, "start": 1, "pageSize": 1}));
    assert_eq!(list["passes"][0]["id"], other["id"]);
    let tagged = expect_json(server.api(Method::GET, "/v1/tag/moved/passes").send().await.unwrap(), 200).await;
    assert_eq!((tagged["count"].as_u64(), tagged["passes"][0]["id"].as_u64()), (Some(1), Some(pass_id)));
    let installed = expect_json(
        server.api(Method::GET, &format!("/v1/pass?templateId={template_id}&status=installed")).send().await.unwrap(),
        200,
    )
    .await;
    assert_eq!(installed["count"], 0);

    let deleted =
        expect_json(server.api(Method::DELETE, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(deleted, json!({"status": "deleted", "passId": pass_id.to_string()}));
    expect_error(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 404, "not_found", None)
        .await;
}

/// Downloads a .pkpass, checks it with unzip and openssl against the dev PKI, returns pass.json.
pub async fn download(server: &TestServer, path: &str) -> serde_json::Value {
    let response = server.api(Method::GET, path).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vnd.apple.pkpass");
    let bytes = response.bytes().await.unwrap();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("pass.pkpass");
    std::fs::write(&file, &bytes).unwrap();
    let extracted = crate::unzip(&file, &work.path().join("x"));
    crate::assert_manifest_matches(&extracted);
    let pki = server.app.config.dev_pki_dir.clone().expect("tests sign with the dev PKI");
    crate::assert_signature_verifies(&extracted, &pki.join("root.pem"));
    serde_json::from_slice(&std::fs::read(extracted.join("pass.json")).unwrap()).unwrap()
}
