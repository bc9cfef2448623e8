//! PassEntry's extensions on the Airship-shaped API: push messages, deactivate/reactivate,
//! expiration, NFC, geofence limits, design and inline pass source.

use base64::Engine;
use reqwest::Method;
use serde_json::json;
use tessera_tests::api::{TestServer, event_template, expect_error, expect_json};
use tessera_tests::api_flows::download;

#[tokio::test]
async fn messages_become_notifications_and_deactivation_voids() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"message": "Doors open at 19:00", "nfcEnabled": true})).await;
    let id = pass["id"].as_u64().unwrap();
    assert_eq!(
        (pass["passStatus"].as_str(), pass["lastMessage"].as_str()),
        (Some("issued"), Some("Doors open at 19:00"))
    );

    let signed = download(&server, &format!("/v1/pass/{id}/download")).await;
    let back = signed["eventTicket"]["backFields"].as_array().unwrap();
    let message = back.iter().find(|f| f["key"] == "tessera_message").expect("the message field");
    assert_eq!(
        (message["value"].as_str(), message["changeMessage"].as_str()),
        (Some("Doors open at 19:00"), Some("%@"))
    );
    assert_eq!(signed["nfc"]["message"], pass["serialNumber"], "nfcEnabled puts the serial in the NFC message");

    let path = format!("/v1/pass/{id}");
    expect_json(
        server.api(Method::PUT, &path).json(&json!({"message": "Gate changed to B"})).send().await.unwrap(),
        200,
    )
    .await;
    let signed = download(&server, &format!("/v1/pass/{id}/download")).await;
    let back = signed["eventTicket"]["backFields"].as_array().unwrap();
    assert_eq!(back.iter().find(|f| f["key"] == "tessera_message").unwrap()["value"], "Gate changed to B");

    expect_json(server.api(Method::PUT, &path).json(&json!({"action": "deactivate"})).send().await.unwrap(), 200).await;
    let deactivated = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
    assert_eq!(deactivated["passStatus"], "deactivated");
    assert!(deactivated["deactivatedAt"].as_str().is_some_and(|d| d.ends_with('Z')));
    assert_eq!(download(&server, &format!("/v1/pass/{id}/download")).await["voided"], true);
    let listed = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(listed["passes"][0]["passStatus"], "deactivated");

    expect_json(server.api(Method::PUT, &path).json(&json!({"action": "reactivate"})).send().await.unwrap(), 200).await;
    let active = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
    assert_eq!(active["passStatus"], "issued");
    assert!(active.get("deactivatedAt").is_none());
    assert!(download(&server, &format!("/v1/pass/{id}/download")).await.get("voided").is_none());

    expect_error(
        server.api(Method::PUT, &path).json(&json!({"action": "pause"})).send().await.unwrap(),
        400,
        "invalid_request",
        Some("action"),
    )
    .await;
    expect_error(
        server.api(Method::PUT, &path).json(&json!({"message": "x".repeat(513)})).send().await.unwrap(),
        400,
        "invalid_request",
        Some("message"),
    )
    .await;
    let on_create = server
        .api(Method::POST, &format!("/v1/pass/{template_id}"))
        .json(&json!({"action": "deactivate"}))
        .send()
        .await
        .unwrap();
    expect_error(on_create, 400, "invalid_request", Some("action")).await;
}

#[tokio::test]
async fn an_expiration_in_the_past_deactivates() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let expired = server.create_pass(template_id, &json!({"expirationDate": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(expired["passStatus"], "deactivated");
    let signed = download(&server, &format!("/v1/pass/{}/download", expired["id"])).await;
    assert_eq!(signed["expirationDate"], "2020-01-01T00:00:00Z");
    let later = server.create_pass(template_id, &json!({"expirationDate": "2099-01-01T00:00:00Z"})).await;
    assert_eq!(later["passStatus"], "issued");
    let bad = server
        .api(Method::POST, &format!("/v1/pass/{template_id}"))
        .json(&json!({"expirationDate": "next year"}))
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, "invalid_request", Some("expirationDate")).await;
}

#[tokio::test]
async fn geofence_radius_is_limited_by_pass_style() {
    let server = TestServer::embedded().await;
    let ticket = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let at = |radius: u32| json!({"locations": [{"latitude": 52.3, "longitude": 4.9, "maxDistance": radius}]});
    let ok = server.create_pass(ticket, &at(800)).await;
    assert_eq!(download(&server, &format!("/v1/pass/{}/download", ok["id"])).await["maxDistance"], 800.0);
    let far = server.api(Method::POST, &format!("/v1/pass/{ticket}")).json(&at(1200)).send().await.unwrap();
    expect_error(far, 400, "invalid_request", Some("locations.maxDistance")).await;

    let coupon = json!({"name": "Coupons", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example",
        "headers": {"maxDistance": {"value": 150}}});
    let refused = server.api(Method::POST, "/v1/template").json(&coupon).send().await.unwrap();
    expect_error(refused, 400, "invalid_request", Some("headers.maxDistance")).await;
}

#[tokio::test]
async fn design_and_pass_source_on_request() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({"headers": {"background_color": {"value": "#112233"}}})).await;
    let id = pass["id"].as_u64().unwrap();
    assert!(pass.get("passDesign").is_none() && pass.get("passSource").is_none(), "only when asked");
    let full = expect_json(
        server
            .api(Method::GET, &format!("/v1/pass/{id}?includePassDesign=true&passSource=apple"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(full["passDesign"]["backgroundColor"], "#112233");
    assert_eq!(full["passDesign"]["logoText"], "Arena");
    let pkpass =
        base64::engine::general_purpose::STANDARD.decode(full["passSource"]["apple"].as_str().unwrap()).unwrap();
    let downloaded =
        server.api(Method::GET, &format!("/v1/pass/{id}/download")).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(pkpass, downloaded.to_vec(), "the inline source is the signed pass");
    let created = expect_json(
        server
            .api(Method::POST, &format!("/v1/pass/{template_id}?passSource=apple"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(created["passSource"]["apple"].as_str().is_some_and(|s| s.starts_with("UEsD")), "a ZIP, base64");
    expect_error(
        server.api(Method::GET, &format!("/v1/pass/{id}?passSource=nokia")).send().await.unwrap(),
        400,
        "invalid_request",
        Some("passSource"),
    )
    .await;
}
