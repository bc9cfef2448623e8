//! Segments through the API: members of nested expressions, paging, following tag changes,
//! a bulk update of the members, and bad criteria refused naming where they are wrong.

use reqwest::Method;
use serde_json::{Value, json};

use crate::airship_flows::wait_for_ticket;
use crate::api::{TestServer, expect_error, expect_json};

async fn members(server: &TestServer, segment: u64, page_size: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut after = 0;
    loop {
        let path = format!("/v1/segments/{segment}/passes?pageSize={page_size}&after={after}");
        let page = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
        let found = page["passes"].as_array().unwrap();
        assert!(found.len() <= page_size, "{page}");
        ids.extend(found.iter().map(|p| p["id"].as_u64().unwrap()));
        match page["pagination"]["next"].as_u64() {
            Some(next) => after = next,
            None => return ids,
        }
    }
}

async fn create_segment(server: &TestServer, name: &str, criteria: Value) -> u64 {
    let body = json!({"name": name, "criteria": criteria});
    let created = expect_json(server.api(Method::POST, "/v1/segments").json(&body).send().await.unwrap(), 200).await;
    assert_eq!(created["criteria"], criteria, "kept as written");
    created["id"].as_u64().unwrap()
}

/// Passes with chosen tags; three segments over them (one with no tag to start from, which
/// walks every pass); members read in pages of 2; a tag change moves a pass out; the members
/// get one bulk update. Needs a server whose bulk steps run (a job worker).
pub async fn segments_select_passes_by_tag_expressions(server: &TestServer) {
    let template = server.create_template(&crate::api::event_template()).await["id"].as_u64().unwrap();
    let tag_sets: [&[&str]; 7] = [
        &["gold"],
        &["platinum"],
        &["gold", "banned"],
        &["silver"],
        &[],
        &["gold", "early"],
        &["platinum", "early", "banned"],
    ];
    let mut pass = Vec::new();
    for tags in tag_sets {
        pass.push(server.create_pass(template, &json!({"tags": tags})).await["id"].as_u64().unwrap());
    }

    let vip = create_segment(
        server,
        "VIPs in good standing",
        json!({"and": [{"or": [{"tag": "gold"}, {"tag": "platinum"}]}, {"not": {"tag": "banned"}}]}),
    )
    .await;
    let mixed = create_segment(
        server,
        "early gold or late platinum",
        json!({"or": [{"and": [{"tag": "gold"}, {"tag": "early"}]}, {"and": [{"tag": "platinum"}, {"not": {"tag": "early"}}]}]}),
    )
    .await;
    let others =
        create_segment(server, "everyone else", json!({"not": {"or": [{"tag": "gold"}, {"tag": "platinum"}]}})).await;

    assert_eq!(members(server, vip, 2).await, vec![pass[0], pass[1], pass[5]]);
    assert_eq!(members(server, vip, 1000).await, vec![pass[0], pass[1], pass[5]]);
    assert_eq!(members(server, mixed, 2).await, vec![pass[1], pass[5]]);
    assert_eq!(members(server, others, 1).await, vec![pass[3], pass[4]]);

    // Membership follows the passes' tags.
    let tagged = server.api(Method::PUT, &format!("/v1/pass/{}/tags", pass[0])).json(&json!({"tags": ["banned"]}));
    expect_json(tagged.send().await.unwrap(), 200).await;
    assert_eq!(members(server, vip, 2).await, vec![pass[1], pass[5]]);

    // One update for every member, in the background.
    let update = json!({"fields": {"Seat": {"value": "VIP"}}});
    let started = server.api(Method::PUT, &format!("/v1/segments/{vip}/passes")).json(&update).send();
    let ticket = expect_json(started.await.unwrap(), 200).await["ticketId"].as_u64().unwrap();
    let done = wait_for_ticket(server, ticket).await;
    assert_eq!((done["kind"].as_str(), done["segmentId"].as_u64()), (Some("segmentUpdate"), Some(vip)), "{done}");
    assert_eq!((done["updated"].as_u64(), done["failed"].as_u64()), (Some(2), Some(0)), "{done}");
    for (i, id) in pass.iter().enumerate() {
        let signed = crate::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
        let expected = if [1, 5].contains(&i) { "VIP" } else { "12" };
        assert_eq!(signed["eventTicket"]["auxiliaryFields"][0]["value"], expected, "pass {i}");
    }

    // Read, list, rename, delete.
    let read = expect_json(server.api(Method::GET, &format!("/v1/segments/{mixed}")).send().await.unwrap(), 200).await;
    assert_eq!(read["name"], "early gold or late platinum");
    let listed = expect_json(server.api(Method::GET, "/v1/segments?pageSize=2").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 3);
    let names: Vec<&str> = listed["segments"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["VIPs in good standing", "early gold or late platinum"]);
    let renamed = json!({"name": "silver", "criteria": {"tag": "silver"}});
    let put = server.api(Method::PUT, &format!("/v1/segments/{mixed}")).json(&renamed).send();
    assert_eq!(expect_json(put.await.unwrap(), 200).await["name"], "silver");
    assert_eq!(members(server, mixed, 10).await, vec![pass[3]]);
    expect_json(server.api(Method::DELETE, &format!("/v1/segments/{mixed}")).send().await.unwrap(), 200).await;
    for (method, path) in [
        (Method::GET, format!("/v1/segments/{mixed}")),
        (Method::GET, format!("/v1/segments/{mixed}/passes")),
        (Method::DELETE, format!("/v1/segments/{mixed}")),
    ] {
        expect_error(server.api(method, &path).send().await.unwrap(), 404, "not_found", None).await;
    }
    let unknown = server.api(Method::PUT, "/v1/segments/999999/passes").json(&update).send();
    expect_error(unknown.await.unwrap(), 404, "not_found", None).await;
}

/// Criteria that cannot be read are refused, naming where, and take no segment id.
pub async fn bad_segments_are_refused(server: &TestServer) {
    let first = create_segment(server, "first", json!({"tag": "a"})).await;
    for (body, field) in [
        (json!({"name": "x", "criteria": {"and": [{"tag": "a"}, {"tag": ""}]}}), "criteria.and[1].tag"),
        (json!({"name": "x", "criteria": {"or": []}}), "criteria.or"),
        (json!({"name": "x", "criteria": {"xor": [{"tag": "a"}]}}), "criteria"),
        (json!({"name": "x", "criteria": "vip"}), "criteria"),
        (json!({"name": " ", "criteria": {"tag": "a"}}), "name"),
    ] {
        let refused = server.api(Method::POST, "/v1/segments").json(&body).send().await.unwrap();
        expect_error(refused, 400, "invalid_request", Some(field)).await;
    }
    let unknown_key =
        server.api(Method::POST, "/v1/segments").json(&json!({"name": "x", "criteria": {"tag": "a"}, "y": 1}));
    assert_eq!(unknown_key.send().await.unwrap().status(), 400);
    let bad_page = server.api(Method::GET, &format!("/v1/segments/{first}/passes?pageSize=0")).send();
    expect_error(bad_page.await.unwrap(), 400, "invalid_request", Some("pageSize")).await;
    let second = create_segment(server, "second", json!({"not": {"tag": "a"}})).await;
    assert_eq!(second, first + 1, "refused requests took no id");
}
