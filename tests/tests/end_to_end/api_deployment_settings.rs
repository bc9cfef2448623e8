//! Deployment settings (SAM parameters TeamIdentifier and PassTypeIdentifier): templates
//! without a pass type get the deployment's, and identities of another team are refused.

use reqwest::Method;
use serde_json::{Value, json};
use tessera::ports::StoredIdentity;
use tessera_tests::api::{TestServer, event_template, expect_json};

fn pass_json(files: &std::collections::BTreeMap<String, Vec<u8>>) -> Value {
    serde_json::from_slice(&files["pass.json"]).unwrap()
}

#[tokio::test]
async fn templates_default_to_the_deployments_pass_type_and_team() {
    let server = TestServer::embedded_configured(|c| {
        c.team_id = Some("ABCDE12345".into());
        c.default_pass_type_id = Some("pass.com.example.default".into());
    })
    .await;
    let mut template = event_template();
    template.as_object_mut().unwrap().remove("passTypeIdentifier");
    let template = server.create_template(&template).await;
    assert_eq!(template["passTypeIdentifier"], "pass.com.example.default");

    let pass = server.create_pass(template["id"].as_u64().unwrap(), &json!({})).await;
    let response = server.api(Method::GET, &format!("/v1/pass/{}/download", pass["id"])).send().await.unwrap();
    let signed = pass_json(&tessera_tests::pkpass_files(&response.bytes().await.unwrap()));
    assert_eq!(signed["passTypeIdentifier"], "pass.com.example.default");
    assert_eq!(signed["teamIdentifier"], "ABCDE12345", "the development PKI issues for the configured team");

    // A template naming its own pass type keeps it.
    let own = server.create_template(&event_template()).await;
    assert_eq!(own["passTypeIdentifier"], "pass.dev.tessera.example");
}

#[tokio::test]
async fn an_identity_of_another_team_is_refused_and_nothing_is_stored() {
    let server = TestServer::embedded_configured(|c| c.team_id = Some("ABCDE12345".into())).await;
    let dir = tempfile::tempdir().unwrap();
    let identity_dir = tessera_tests::make_openssl_identity(dir.path(), "pass.dev.tessera.example", "OTHERTEAM1");
    let identity = tessera::embedded::load_identity_dir(&identity_dir, None).unwrap();
    server
        .app
        .secrets
        .put_signing_identity("pass.dev.tessera.example", &StoredIdentity::from_identity(&identity).unwrap())
        .await
        .unwrap();
    let template = server.create_template(&event_template()).await;
    let response =
        server.api(Method::POST, &format!("/v1/pass/{}", template["id"])).json(&json!({})).send().await.unwrap();
    let error = expect_json(response, 500).await;
    let text = error.to_string();
    assert!(!text.contains("OTHERTEAM1"), "the reason goes to the logs, not to the caller: {text}");
    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 0, "no pass was stored: {listed}");
}
