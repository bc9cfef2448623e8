//! `POST /v1/doctor` as an integrator checking passes before migrating. Shared by both
//! backends.

use reqwest::Method;
use serde_json::Value;

use crate::api::{TestServer, event_template, expect_error, expect_json};

async fn diagnose(server: &TestServer, body: Vec<u8>) -> Value {
    let response = server
        .api(Method::POST, "/v1/doctor")
        .header("content-type", "application/vnd.apple.pkpass")
        .body(body)
        .send()
        .await
        .unwrap();
    expect_json(response, 200).await
}

pub async fn the_doctor_diagnoses_passes_sent_to_it(server: &TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &serde_json::json!({})).await;
    let download = server.api(Method::GET, &format!("/v1/pass/{}/download", pass["id"])).send().await.unwrap();
    let pkpass = download.bytes().await.unwrap().to_vec();

    let report = diagnose(server, pkpass.clone()).await;
    assert_eq!((report["errors"].as_u64(), report["warnings"].as_u64()), (Some(0), Some(0)), "{report}");
    assert_eq!(report["passes"][0]["serialNumber"], pass["serialNumber"]);

    // One byte of pass.json changed after signing.
    let mut tampered = pkpass;
    let at = tampered.windows(14).position(|w| w == b"\"Example Arena").expect("pass.json is stored uncompressed");
    tampered[at + 1] = b'K';
    let report = diagnose(server, tampered).await;
    let findings = report["passes"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["path"] == "(zip)" && f["reason"].as_str().unwrap().contains("CRC-32")),
        "the archive's own checksum catches it first: {report}"
    );

    let report = diagnose(server, b"definitely not a pass".to_vec()).await;
    assert_eq!(report["errors"], 1, "{report}");
    let empty = server.api(Method::POST, "/v1/doctor").send().await.unwrap();
    expect_error(empty, 400, "invalid_request", Some("body")).await;
    let anonymous = server.client.post(format!("{}/v1/doctor", server.base)).body("x").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}
