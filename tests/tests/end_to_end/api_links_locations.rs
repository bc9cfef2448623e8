//! Pass locations and dynamic links through HTTP (embedded backend).

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tessera::ports::ManualClock;
use tessera_tests::api::{TestServer, event_template, expect_error, expect_json};
use tessera_tests::api_flows::download;

#[tokio::test]
async fn locations_are_added_with_ids_and_deleted_by_id() {
    locations_are_added_with_ids_and_deleted_by_id_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn locations_are_added_with_ids_and_deleted_by_id_on_aws() {
    locations_are_added_with_ids_and_deleted_by_id_on(TestServer::aws().await).await;
}

async fn locations_are_added_with_ids_and_deleted_by_id_on(server: TestServer) {
    let mut template = event_template();
    template["locations"] = json!([{"latitude": 52.37, "longitude": 4.89, "relevantText": "Box office"}]);
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    let pass_id = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    let path = format!("/v1/pass/{pass_id}/locations");

    let body = json!({"locations": [
        {"latitude": "37.618", "longitude": "-122.374", "relevantText": "Gate A", "city": "San Francisco"},
        {"latitude": 37.62, "longitude": -122.38, "relevantText": "Gate B"}
    ]});
    let added = expect_json(server.api(Method::POST, &path).json(&body).send().await.unwrap(), 200).await;
    let added = added.as_array().unwrap();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["value"]["relevantText"], "Gate A");
    assert_eq!(added[0]["value"]["city"], "San Francisco", "extra Airship keys are kept");
    let (gate_a, gate_b) = (added[0]["passLocationId"].as_u64().unwrap(), added[1]["passLocationId"].as_u64().unwrap());
    assert_ne!(gate_a, gate_b);

    let pass = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    let shown: Vec<_> =
        pass["locations"].as_array().unwrap().iter().map(|l| l["relevantText"].as_str().unwrap()).collect();
    assert_eq!(shown, ["Box office", "Gate A", "Gate B"], "the template's location is kept as the pass's own");
    assert!(pass["locations"].as_array().unwrap().iter().all(|l| l["id"].as_u64().is_some()));
    let signed = download(&server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["locations"].as_array().unwrap().len(), 3);
    assert_eq!(signed["locations"][1]["latitude"], 37.618);

    let remaining = expect_json(
        server.api(Method::DELETE, &format!("/v1/pass/{pass_id}/location/{gate_a}")).send().await.unwrap(),
        200,
    )
    .await;
    let remaining: Vec<u64> =
        remaining["locations"].as_array().unwrap().iter().map(|l| l["passLocationId"].as_u64().unwrap()).collect();
    assert_eq!(remaining.len(), 2);
    assert!(remaining.contains(&gate_b) && !remaining.contains(&gate_a));
    let signed = download(&server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["locations"].as_array().unwrap().len(), 2);
    expect_error(
        server.api(Method::DELETE, &format!("/v1/pass/{pass_id}/location/{gate_a}")).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;

    let nine: Vec<_> = (0..9).map(|i| json!({"latitude": 10.0 + f64::from(i), "longitude": 20})).collect();
    let too_many = server.api(Method::POST, &path).json(&json!({ "locations": nine })).send().await.unwrap();
    expect_error(too_many, 400, "invalid_request", Some("locations")).await;
    let bad = server
        .api(Method::POST, &path)
        .json(&json!({"locations": [{"latitude": "x", "longitude": 1}]}))
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, "invalid_request", Some("locations[2].latitude")).await;
    expect_error(
        server.api(Method::POST, &path).json(&json!({"locations": []})).send().await.unwrap(),
        400,
        "invalid_request",
        Some("locations"),
    )
    .await;
    expect_error(
        server.api(Method::POST, "/v1/pass/999/locations").json(&body).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    let after = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    assert_eq!(after["locations"].as_array().unwrap().len(), 2, "refused additions changed nothing");
}

#[tokio::test]
async fn a_dynamic_link_mints_its_pass_once() {
    a_dynamic_link_mints_its_pass_once_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn a_dynamic_link_mints_its_pass_once_on_aws() {
    a_dynamic_link_mints_its_pass_once_on(TestServer::aws().await).await;
}

async fn a_dynamic_link_mints_its_pass_once_on(server: TestServer) {
    let server = Arc::new(server);
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let body = json!({"fields": {"Seat": {"value": "7"}}, "externalId": "dyn-1"});
    let created = expect_json(
        server
            .api(Method::POST, &format!("/v1/pass/{template_id}/dynamic?expiry=2099-05-18"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let url = created["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/v1/pass/dynamic/", server.base)), "{url}");
    assert_eq!(
        expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"],
        0,
        "no pass before the first open"
    );

    let opens: Vec<_> = (0..10)
        .map(|_| {
            let (server, url) = (server.clone(), url.clone());
            tokio::spawn(async move { server.client.get(&url).send().await.unwrap() })
        })
        .collect();
    for open in opens {
        let response = open.await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/vnd.apple.pkpass");
    }
    let passes = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(passes["count"], 1, "ten first opens made one pass: {passes}");
    assert_eq!(passes["passes"][0]["externalId"], "dyn-1");
    let pass_id = passes["passes"][0]["id"].as_u64().unwrap();
    let signed = download(&server, &format!("/v1/pass/{pass_id}/download")).await;
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "7");
    assert_eq!(
        signed["expirationDate"], "2099-05-18T23:59:59.000Z",
        "expiry is the pass's expiration, as the seed says"
    );

    // A caller may choose the serial number.
    let chosen = format!("/v1/pass/{template_id}/dynamic?serialNumber=SEAT-7-2099");
    let created = expect_json(server.api(Method::POST, &chosen).json(&json!({})).send().await.unwrap(), 200).await;
    let opened = server.client.get(created["url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let files = tessera_tests::pkpass_files(&opened.bytes().await.unwrap());
    let pass_json: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
    assert_eq!(pass_json["serialNumber"], "SEAT-7-2099");
    let taken = server.api(Method::POST, &chosen).json(&json!({})).send().await.unwrap();
    expect_error(taken, 409, "conflict", None).await;
    let odd = format!("/v1/pass/{template_id}/dynamic?serialNumber=a%20b");
    let odd = server.api(Method::POST, &odd).json(&json!({})).send().await.unwrap();
    expect_error(odd, 400, "invalid_request", Some("serialNumber")).await;

    let bad = server
        .api(Method::POST, &format!("/v1/pass/{template_id}/dynamic"))
        .json(&json!({"fields": {"Nope": {"value": 1}}}))
        .send()
        .await
        .unwrap();
    expect_error(bad, 400, "invalid_request", Some("fields.Nope")).await;
    let past = server
        .api(Method::POST, &format!("/v1/pass/{template_id}/dynamic?expiry=2001-01-01"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(past, 400, "invalid_request", Some("expiry")).await;
    let garbled = server
        .api(Method::POST, &format!("/v1/pass/{template_id}/dynamic?expiry=someday"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(garbled, 400, "invalid_request", Some("expiry")).await;
    expect_error(
        server.api(Method::POST, "/v1/pass/999/dynamic").json(&json!({})).send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
    expect_error(
        server.anonymous(Method::GET, "/v1/pass/dynamic/unknown-token").send().await.unwrap(),
        404,
        "not_found",
        None,
    )
    .await;
}

#[tokio::test]
async fn an_expired_dynamic_link_is_gone_and_mints_nothing() {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let clock = Arc::new(ManualClock::new(now));
    let server = TestServer::embedded_with_clock(clock.clone()).await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let expiry = tessera::model::date::format_millis(now + 3_600_000);
    let created = expect_json(
        server
            .api(Method::POST, &format!("/v1/pass/{template_id}/dynamic?linkExpiry={expiry}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    clock.advance(3_600_001);
    let response = server.client.get(created["url"].as_str().unwrap()).send().await.unwrap();
    expect_error(response, 410, "link_expired", None).await;
    // A browser gets a page saying so, in its language.
    let opened = server
        .client
        .get(created["url"].as_str().unwrap())
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("Accept-Language", "es-ES,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 410);
    assert_eq!(opened.headers()["content-type"], "text/html; charset=utf-8");
    let page = opened.text().await.unwrap();
    assert!(page.contains("<html lang=\"es\">") && page.contains("Este enlace ha caducado"), "{page}");
    assert_eq!(expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"], 0);
}

#[tokio::test]
async fn racing_first_opens_without_external_id_keep_one_pass() {
    let server = Arc::new(TestServer::embedded().await);
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let created = expect_json(
        server.api(Method::POST, &format!("/v1/pass/{template_id}/dynamic")).json(&json!({})).send().await.unwrap(),
        200,
    )
    .await;
    let url = created["url"].as_str().unwrap().to_string();
    let opens: Vec<_> = (0..8)
        .map(|_| {
            let (server, url) = (server.clone(), url.clone());
            tokio::spawn(async move { server.client.get(&url).send().await.unwrap().bytes().await.unwrap() })
        })
        .collect();
    let mut bodies = Vec::new();
    for open in opens {
        bodies.push(open.await.unwrap());
    }
    let passes = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(passes["count"], 1, "one pass: {passes}");
    let serial = passes["passes"][0]["serialNumber"].as_str().unwrap();
    for body in bodies {
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains(serial), "every open got the one pass");
    }
    let made = passes["passes"][0]["id"].as_u64().unwrap();
    let next = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    assert_eq!(next, made + 1, "the racing opens used up no pass id");
}

/// Locations given with a create or an update get ids too, so each can be deleted by id.
#[tokio::test]
async fn locations_from_creates_and_updates_have_ids() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let locations = json!([{"latitude": 52.37, "longitude": 4.89, "relevantText": "Box office"},
                          {"latitude": 52.38, "longitude": 4.9, "relevantText": "Gate"}]);
    let pass = server.create_pass(template_id, &json!({ "locations": locations })).await;
    let pass_id = pass["id"].as_u64().unwrap();
    let ids = |pass: &serde_json::Value| -> Vec<u64> {
        pass["locations"].as_array().unwrap().iter().map(|l| l["id"].as_u64().expect("an id")).collect()
    };
    let created = ids(&pass);
    assert_eq!(created.len(), 2);
    assert_ne!(created[0], created[1]);

    let moved = json!({"locations": [{"latitude": 48.85, "longitude": 2.35, "relevantText": "New gate"}]});
    let update = server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&moved).send().await.unwrap();
    expect_json(update, 200).await;
    let pass = expect_json(server.api(Method::GET, &format!("/v1/pass/{pass_id}")).send().await.unwrap(), 200).await;
    let updated = ids(&pass);
    assert_eq!(updated.len(), 1);
    assert!(!created.contains(&updated[0]), "a new location, a new id");
    let path = format!("/v1/pass/{pass_id}/location/{}", updated[0]);
    let remaining = expect_json(server.api(Method::DELETE, &path).send().await.unwrap(), 200).await;
    assert_eq!(remaining["locations"], json!([]));
}

/// A dynamic link is refused, naming the field, when its payload can never make a pass; no link
/// is made (its URL would answer 400 to every holder).
#[tokio::test]
async fn dynamic_links_refuse_payloads_that_make_no_pass() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let cases = [
        (json!({"tags": crate::api_adaptive::sixteen_tags()}), "tags"),
        (json!({"headers": {"background_color": {"value": "#12"}}}), "backgroundColor"),
        (json!({"headers": {"strip_image": {"value": crate::api_adaptive::NOT_A_PNG}}}), "headers.strip_image.value"),
    ];
    for (body, field) in cases {
        let path = format!("/v1/pass/{template_id}/dynamic");
        let response = server.api(Method::POST, &path).json(&body).send().await.unwrap();
        expect_error(response, 400, "invalid_request", Some(field)).await;
    }
    let good = server.api(Method::POST, &format!("/v1/pass/{template_id}/dynamic")).json(&json!({})).send();
    assert_eq!(good.await.unwrap().status(), 200, "a payload that makes a pass still makes a link");
}
