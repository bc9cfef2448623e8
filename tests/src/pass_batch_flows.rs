//! `POST /v1/pass/batch` on every backend: each item gets what `POST /v1/pass/{templateId}`
//! would answer it, failures change nothing for the others, and a refused batch makes nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{TestServer, event_template, expect_error, expect_json};
use crate::api_flows::download;

async fn batch(server: &TestServer, body: &Value) -> reqwest::Response {
    server.api(Method::POST, "/v1/pass/batch").json(body).send().await.unwrap()
}

async fn pass_count(server: &TestServer) -> u64 {
    let list = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    list["count"].as_u64().unwrap()
}

pub async fn batches_make_each_pass_or_say_why_not(server: &TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let earlier = server.create_pass(template_id, &json!({"externalId": "made-before"})).await;

    let items = json!([
        {"externalId": "t-1", "fields": {"Seat": {"value": "A1"}}, "tags": ["vip"], "publicUrl": {"type": "single"}},
        {"externalId": "t-2", "colour": "red"},
        {"fields": {"Seat": {"value": "A3"}}, "templateId": template_id},
        {"externalId": "t-1", "fields": {"Seat": {"value": "A4"}}},
        {"externalId": "made-before"},
        {"tags": [""]},
        {"templateId": template_id + 1000},
        "not a pass",
        {"externalId": "t-9", "fields": {"Seat": {"value": "A9"}}}
    ]);
    let answer =
        expect_json(batch(server, &json!({"templateId": template_id.to_string(), "passes": items})).await, 200).await;
    assert_eq!(answer["templateId"], template_id);
    assert_eq!((answer["created"].as_u64(), answer["failed"].as_u64()), (Some(3), Some(6)), "{answer}");
    let results = answer["passes"].as_array().unwrap();
    assert_eq!(results.len(), 9);
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["index"], index);
    }
    let statuses: Vec<u64> = results.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [200, 400, 200, 409, 409, 400, 400, 400, 200]);
    let field = |i: usize| results[i]["error"]["field"].as_str().unwrap().to_string();
    assert_eq!(field(1), "passes[1].colour");
    assert!(results[1]["error"]["message"].as_str().unwrap().contains("colour"), "{}", results[1]);
    assert_eq!(field(3), "passes[3]");
    assert!(results[3]["error"]["message"].as_str().unwrap().contains("item 0"), "{}", results[3]);
    assert_eq!(results[4]["error"]["code"], "conflict");
    assert_eq!(field(5), "passes[5].tags[0]");
    assert_eq!(field(6), "passes[6].templateId");
    assert_eq!(field(7), "passes[7]");

    // Each made pass is the one a single create makes: listed, fetched and signed alike.
    let first = &results[0]["pass"];
    assert_eq!(first["externalId"], "t-1");
    assert_eq!(first["fields"]["Seat"]["value"], "A1");
    assert_eq!(first["tags"], json!(["vip"]));
    assert_eq!(first["publicUrl"]["type"], "single");
    let id = first["id"].as_u64().unwrap();
    let fetched = expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await;
    assert_eq!(fetched["publicUrl"], first["publicUrl"]);
    let third_id = results[2]["pass"]["id"].as_u64().unwrap();
    let signed = download(server, &format!("/v1/pass/{third_id}/download")).await;
    assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], "A3");
    assert_eq!(signed["serialNumber"], results[2]["pass"]["serialNumber"]);
    let by_external_id = server.api(Method::GET, &format!("/v1/pass/template/{template_id}/id/t-9")).send();
    assert_eq!(expect_json(by_external_id.await.unwrap(), 200).await["fields"]["Seat"]["value"], "A9");
    let mut ids: Vec<u64> = [0, 2, 8].iter().map(|&i| results[i]["pass"]["id"].as_u64().unwrap()).collect();
    ids.push(earlier["id"].as_u64().unwrap());
    ids.sort_unstable();
    let first_id = ids[0];
    assert_eq!(ids, (first_id..first_id + 4).collect::<Vec<_>>(), "failed items use up no pass id");
    assert_eq!(pass_count(server).await, 4, "the failed items made nothing");
}

pub async fn refused_batches_make_nothing(server: &TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let before = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    let one = json!([{"externalId": "x"}]);
    let refused = [
        (json!({"passes": one}), 400, "templateId"),
        (json!({"templateId": "twelve", "passes": one}), 400, "templateId"),
        (json!({"templateId": template_id, "passes": []}), 400, "passes"),
        (json!({"templateId": template_id, "passes": vec![json!({}); 101]}), 400, "passes"),
        (json!({"templateId": template_id, "passes": one, "extra": 1}), 400, "extra"),
        (json!({"templateId": template_id, "passes": {"externalId": "x"}}), 400, "passes"),
    ];
    for (body, status, field) in refused {
        expect_error(batch(server, &body).await, status, "invalid_request", Some(field)).await;
    }
    expect_error(
        batch(server, &json!({"templateId": template_id + 1000, "passes": one})).await,
        404,
        "not_found",
        None,
    )
    .await;
    let not_json = server.api(Method::POST, "/v1/pass/batch").body("{\"templateId\": 1,").send().await.unwrap();
    expect_error(not_json, 400, "invalid_request", Some("body")).await;
    assert_eq!(pass_count(server).await, 1);
    let made = expect_json(batch(server, &json!({"templateId": template_id, "passes": one})).await, 200).await;
    assert_eq!(made["created"], 1);
    assert_eq!(made["passes"][0]["pass"]["id"], before + 1, "the refused batches used up no pass id");
}
