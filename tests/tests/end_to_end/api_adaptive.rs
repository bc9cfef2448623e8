//! Adaptive links through HTTP: creation, the iOS open, and the passes minted through them.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tessera_tests::api::{TestServer, event_template, expect_error, expect_json};

#[tokio::test]
async fn adaptive_links_mint_passes_and_list_them() {
    let server = Arc::new(TestServer::embedded().await);
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let body = json!({"iosTemplateId": apple, "landingPageUrl": "https://example.com/tickets",
        "payload": {"fields": {"Seat": {"value": "21"}}}});
    let link = expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await;
    let id = link["adaptiveLinkId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 11);
    assert_eq!(link["iosUrl"], format!("{}/v1/pass/adaptive/{id}/ios", server.base));
    assert!(link["androidUrl"].is_null());

    let passes_path = format!("/v1/links/adaptive/{id}/passes");
    assert_eq!(expect_json(server.api(Method::GET, &passes_path).send().await.unwrap(), 200).await["count"], 0);
    for _ in 0..2 {
        let opened = server.client.get(link["iosUrl"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(opened.status(), 200);
        assert_eq!(opened.headers()["content-type"], "application/vnd.apple.pkpass");
    }
    server.create_pass(apple, &json!({})).await;
    let minted = expect_json(server.api(Method::GET, &passes_path).send().await.unwrap(), 200).await;
    assert_eq!(minted["count"], 2, "each open without an external id mints a pass; others are not listed: {minted}");
    assert_eq!(
        expect_json(server.api(Method::GET, &format!("{passes_path}?status=installed")).send().await.unwrap(), 200)
            .await["count"],
        0
    );

    expect_error(
        server.api(Method::GET, "/v1/links/adaptive/doesNotExist/passes").send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(
        server.anonymous(Method::GET, "/v1/pass/adaptive/doesNotExist/ios").send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(
        server.anonymous(Method::GET, &format!("/v1/pass/adaptive/{id}/android")).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(
        server.anonymous(Method::GET, &format!("/v1/pass/adaptive/{id}/blackberry")).send().await.unwrap(),
        400,
        "invalid_request",
        Some("deviceType"),
    )
    .await;
}

#[tokio::test]
async fn an_external_id_makes_every_open_reuse_one_pass() {
    let server = Arc::new(TestServer::embedded().await);
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let body = json!({"iosTemplateId": apple, "payload": {"externalId": "member-7"}});
    let link = expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await;
    let url = link["iosUrl"].as_str().unwrap().to_string();
    let opens: Vec<_> = (0..6)
        .map(|_| {
            let (server, url) = (server.clone(), url.clone());
            tokio::spawn(async move { server.client.get(&url).send().await.unwrap().status().as_u16() })
        })
        .collect();
    for open in opens {
        assert_eq!(open.await.unwrap(), 200);
    }
    let minted = expect_json(
        server
            .api(Method::GET, &format!("/v1/links/adaptive/{}/passes", link["adaptiveLinkId"].as_str().unwrap()))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(minted["count"], 1, "{minted}");
    assert_eq!(minted["passes"][0]["externalId"], "member-7");
}

#[tokio::test]
async fn invalid_adaptive_links_are_refused() {
    let server = TestServer::embedded().await;
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let cases = [
        (json!({"payload": {}}), "iosTemplateId"),
        (json!({"iosTemplateId": 999}), "iosTemplateId"),
        (json!({"androidTemplateId": apple}), "androidTemplateId"),
        (json!({"iosTemplateId": apple, "landingPageUrl": "ftp://x"}), "landingPageUrl"),
        (json!({"iosTemplateId": apple, "payload": {"fields": {"Nope": {"value": 1}}}}), "payload.fields.Nope"),
        (json!({"iosTemplateId": apple, "payload": {"tags": "not-a-list"}}), "payload"),
    ];
    for (body, field) in cases {
        let response = server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap();
        expect_error(response, 400, "invalid_request", Some(field)).await;
    }
}
