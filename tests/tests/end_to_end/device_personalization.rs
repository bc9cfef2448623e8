//! Rewards enrollment: a personalizable store card, the personalize call with its signed
//! token (checked with openssl), and the personalized pass that follows.

use std::process::Command;

use reqwest::Method;
use serde_json::json;
use tessera_tests::api::{NFC_READER_PUBLIC_KEY, TestServer, expect_error, expect_json, png_data_url};
use tessera_tests::{pass_fixture, pkpass_files};

fn card_template(personalization: serde_json::Value) -> serde_json::Value {
    let logo = std::fs::read(pass_fixture("store-card-personalizable").join("personalizationLogo.png")).unwrap();
    json!({
        "name": "Rewards", "type": "storeCard", "passTypeIdentifier": "pass.dev.tessera.example",
        "headers": {"personalizationLogo_image": {"value": png_data_url(&logo)}},
        "fields": {"Points": {"fieldType": "primary", "label": "POINTS", "value": 0, "formatType": "Number"}},
        "nfc": {"message": "rewards-member", "encryptionPublicKey": NFC_READER_PUBLIC_KEY},
        "personalization": personalization,
    })
}

fn bundle_files(bytes: &[u8]) -> Vec<String> {
    pkpass_files(bytes).into_keys().collect()
}

#[tokio::test]
async fn enrollment_signs_the_token_and_personalizes_the_pass() {
    enrollment_signs_the_token_and_personalizes_the_pass_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn enrollment_signs_the_token_and_personalizes_the_pass_on_aws() {
    enrollment_signs_the_token_and_personalizes_the_pass_on(TestServer::aws().await).await;
}

async fn enrollment_signs_the_token_and_personalizes_the_pass_on(server: TestServer) {
    let settings = json!({"requiredPersonalizationFields": ["PKPassPersonalizationFieldName", "PKPassPersonalizationFieldEmailAddress"],
        "description": "Join and get a free coffee", "termsAndConditions": "Leave any time."});
    let template = server.create_template(&card_template(settings.clone())).await;
    assert_eq!(template["personalization"], settings);
    let pass = server.create_pass(template["id"].as_u64().unwrap(), &json!({})).await;
    let (id, serial) = (pass["id"].as_u64().unwrap(), pass["serialNumber"].as_str().unwrap().to_string());
    let offered =
        server.api(Method::GET, &format!("/v1/pass/{id}/download")).send().await.unwrap().bytes().await.unwrap();
    let files = bundle_files(&offered);
    assert!(
        files.contains(&"personalization.json".to_string()) && files.contains(&"personalizationLogo.png".to_string()),
        "{files:?}"
    );
    let signed = tessera_tests::api_flows::download(&server, &format!("/v1/pass/{id}/download")).await;
    let auth = format!("ApplePass {}", signed["authenticationToken"].as_str().unwrap());

    let path = format!("/v1/passes/pass.dev.tessera.example/{serial}/personalize");
    let token = "c2lnbi1tZS1wbGVhc2UtMDEyMzQ1Njc4OQ==";
    let body = json!({"personalizationToken": token,
        "requiredPersonalizationInfo": {"fullName": "Ada Lovelace", "emailAddress": "ada@example.com"}});
    let wrong = server
        .anonymous(Method::POST, &path)
        .header("Authorization", "ApplePass nope")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let response =
        server.anonymous(Method::POST, &path).header("Authorization", &auth).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let signature = response.bytes().await.unwrap();

    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("signature"), &signature).unwrap();
    std::fs::write(work.path().join("token"), token).unwrap();
    let root = server.app.config.dev_pki_dir.clone().unwrap().join("root.pem");
    let verify = Command::new("openssl")
        .args(["smime", "-verify", "-binary", "-inform", "DER", "-purpose", "any", "-out", "/dev/null"])
        .arg("-in")
        .arg(work.path().join("signature"))
        .arg("-content")
        .arg(work.path().join("token"))
        .arg("-CAfile")
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "the token is signed by the pass type's certificate: {}",
        String::from_utf8_lossy(&verify.stderr)
    );

    let personalized = server
        .anonymous(Method::GET, &format!("/v1/passes/pass.dev.tessera.example/{serial}"))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(personalized.status(), 200);
    let files = bundle_files(&personalized.bytes().await.unwrap());
    assert!(!files.iter().any(|f| f.starts_with("personalization")), "no more enrollment offer: {files:?}");
    let shown = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(shown["personalization"]["fullName"], "Ada Lovelace");

    let unknown_field = json!({"personalizationToken": token, "requiredPersonalizationInfo": {"shoeSize": "44"}});
    let refused =
        server.anonymous(Method::POST, &path).header("Authorization", &auth).json(&unknown_field).send().await.unwrap();
    expect_error(refused, 400, "invalid_request", Some("requiredPersonalizationInfo.shoeSize")).await;
}

#[tokio::test]
async fn only_personalizable_templates_take_enrollment() {
    let server = TestServer::embedded().await;
    let bad = server
        .api(Method::POST, "/v1/template")
        .json(&card_template(json!({"requiredPersonalizationFields": []})))
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, "invalid_request", Some("personalization")).await;

    let plain = server.create_template(&tessera_tests::api::event_template()).await;
    let pass = server.create_pass(plain["id"].as_u64().unwrap(), &json!({})).await;
    let signed = tessera_tests::api_flows::download(&server, &format!("/v1/pass/{}/download", pass["id"])).await;
    let path = format!("/v1/passes/pass.dev.tessera.example/{}/personalize", pass["serialNumber"].as_str().unwrap());
    let body = json!({"personalizationToken": "abc", "requiredPersonalizationInfo": {"fullName": "A"}});
    let response = server
        .anonymous(Method::POST, &path)
        .header("Authorization", format!("ApplePass {}", signed["authenticationToken"].as_str().unwrap()))
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "not_found", None).await;
}

/// Airship's personalization routes: set on a template without it, read, replaced, refused
/// when wrong (nothing changes), and deleted; the passes' bundles follow.
#[tokio::test]
async fn the_personalization_routes_set_read_and_remove_enrollment() {
    the_personalization_routes_set_read_and_remove_enrollment_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn the_personalization_routes_set_read_and_remove_enrollment_on_aws() {
    the_personalization_routes_set_read_and_remove_enrollment_on(TestServer::aws().await).await;
}

async fn the_personalization_routes_set_read_and_remove_enrollment_on(server: TestServer) {
    let mut body = card_template(json!(null));
    body.as_object_mut().unwrap().remove("personalization");
    let template = server.create_template(&body).await;
    let id = template["id"].as_u64().unwrap();
    let route = format!("/v1/template/{id}/personalization");
    expect_error(server.api(Method::GET, &route).send().await.unwrap(), 404, "not_found", None).await;
    let pass = server.create_pass(id, &json!({})).await["id"].as_u64().unwrap();
    let files = |pass: u64| {
        let server = &server;
        async move {
            let bytes = server.api(Method::GET, &format!("/v1/pass/{pass}/download")).send().await.unwrap();
            bundle_files(&bytes.bytes().await.unwrap())
        }
    };
    assert!(!files(pass).await.contains(&"personalization.json".to_string()));

    let settings =
        json!({"requiredPersonalizationFields": ["PKPassPersonalizationFieldName"], "description": "Join us"});
    let set = expect_json(server.api(Method::POST, &route).json(&settings).send().await.unwrap(), 200).await;
    assert_eq!(set, json!({"templateId": id, "personalization": settings}));
    assert_eq!(expect_json(server.api(Method::GET, &route).send().await.unwrap(), 200).await, set);
    assert!(files(pass).await.contains(&"personalization.json".to_string()), "the pass offers enrollment now");

    let wrong = server.api(Method::POST, &route).json(&json!({"requiredPersonalizationFields": []})).send();
    expect_error(wrong.await.unwrap(), 400, "invalid_request", Some("personalization")).await;
    let not_object = server.api(Method::POST, &route).json(&json!(["PKPassPersonalizationFieldName"])).send();
    expect_error(not_object.await.unwrap(), 400, "invalid_request", Some("personalization")).await;
    assert_eq!(expect_json(server.api(Method::GET, &route).send().await.unwrap(), 200).await, set, "unchanged");

    let deleted = expect_json(server.api(Method::DELETE, &route).send().await.unwrap(), 200).await;
    assert_eq!(deleted, json!({"status": "deleted", "templateId": id}));
    assert!(!files(pass).await.contains(&"personalization.json".to_string()));
    expect_error(server.api(Method::DELETE, &route).send().await.unwrap(), 404, "not_found", None).await;
}
