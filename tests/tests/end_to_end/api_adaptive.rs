//! Adaptive links through HTTP: creation, the iOS open, and the passes minted through them.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tessera_tests::api::{TestServer, event_template, expect_error, expect_json};

#[tokio::test]
async fn adaptive_links_mint_passes_and_list_them() {
    adaptive_links_mint_passes_and_list_them_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn adaptive_links_mint_passes_and_list_them_on_aws() {
    adaptive_links_mint_passes_and_list_them_on(TestServer::aws().await).await;
}

async fn adaptive_links_mint_passes_and_list_them_on(server: TestServer) {
    let server = Arc::new(server);
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
        // Payloads that can never make a pass: refused now, not when each holder opens the link.
        (json!({"iosTemplateId": apple, "payload": {"tags": sixteen_tags()}}), "payload.tags"),
        (
            json!({"iosTemplateId": apple, "payload": {"headers": {"background_color": {"value": "#12"}}}}),
            "payload.backgroundColor",
        ),
        (
            json!({"iosTemplateId": apple, "payload": {"headers": {"strip_image": {"value": NOT_A_PNG}}}}),
            "payload.headers.strip_image.value",
        ),
    ];
    for (body, field) in cases {
        let response = server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap();
        expect_error(response, 400, "invalid_request", Some(field)).await;
    }
    let listed = server.api(Method::GET, "/v1/links/adaptive").send().await.unwrap();
    assert_eq!(expect_json(listed, 200).await["count"], 0, "no link was made");
}

/// A data URL whose bytes are no PNG.
pub const NOT_A_PNG: &str = "data:image/png;base64,R0lGODlhAQABAAAAACw=";

pub fn sixteen_tags() -> serde_json::Value {
    json!((0..16).map(|i| format!("tag-{i}")).collect::<Vec<_>>())
}

/// Adaptive links are read, listed (newest first) and deleted; a deleted link opens nothing
/// and its passes stay. A desktop visitor goes to the link's landing page when it has one.
#[tokio::test]
async fn adaptive_links_are_read_listed_and_deleted() {
    adaptive_links_are_read_listed_and_deleted_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn adaptive_links_are_read_listed_and_deleted_on_aws() {
    adaptive_links_are_read_listed_and_deleted_on(TestServer::aws().await).await;
}

async fn adaptive_links_are_read_listed_and_deleted_on(server: TestServer) {
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let mut links = Vec::new();
    for body in [
        json!({"iosTemplateId": apple}),
        json!({"iosTemplateId": apple, "landingPageUrl": "https://example.com/tickets"}),
    ] {
        links.push(
            expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await,
        );
    }
    let (plain, landing) = (links[0].clone(), links[1].clone());
    let (plain_id, landing_id) =
        (plain["adaptiveLinkId"].as_str().unwrap(), landing["adaptiveLinkId"].as_str().unwrap());

    let fetched = server.api(Method::GET, &format!("/v1/links/adaptive/{landing_id}")).send();
    assert_eq!(expect_json(fetched.await.unwrap(), 200).await, landing);
    let listed = expect_json(server.api(Method::GET, "/v1/links/adaptive").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 2);
    let ids: Vec<&str> =
        listed["adaptiveLinks"].as_array().unwrap().iter().filter_map(|l| l["adaptiveLinkId"].as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&plain_id) && ids.contains(&landing_id));

    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0";
    let open = |id: &str| {
        no_redirects.get(format!("{}/v1/pass/adaptive/{id}", server.base)).header("user-agent", desktop).send()
    };
    let to_landing = open(landing_id).await.unwrap();
    assert_eq!(
        (to_landing.status().as_u16(), to_landing.headers()["location"].to_str().unwrap()),
        (302, "https://example.com/tickets")
    );
    let page = open(plain_id).await.unwrap();
    assert_eq!(page.status(), 200, "without a landing page, the page offering both wallets");
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));

    let minted = server.client.get(plain["iosUrl"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(minted.status(), 200);
    let deleted = server.api(Method::DELETE, &format!("/v1/links/adaptive/{plain_id}")).send();
    assert_eq!(
        expect_json(deleted.await.unwrap(), 200).await,
        json!({"status": "deleted", "adaptiveLinkId": plain_id})
    );
    let again = server.api(Method::DELETE, &format!("/v1/links/adaptive/{plain_id}")).send();
    expect_error(again.await.unwrap(), 404, "not_found", None).await;
    assert_eq!(server.client.get(plain["iosUrl"].as_str().unwrap()).send().await.unwrap().status(), 404);
    let passes = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(passes["count"], 1, "the minted pass stays");
    let listed = expect_json(server.api(Method::GET, "/v1/links/adaptive").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 1);
}

/// `GET /v1/pass/adaptive?ids=a,b`: one .pkpasses bundle with a pass per link on an iPhone
/// (each checked by unzip); desktops go to the first link's landing page or get
/// `device_not_supported`; malformed id lists are refused.
#[tokio::test]
async fn several_adaptive_links_open_as_one_bundle() {
    several_adaptive_links_open_as_one_bundle_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn several_adaptive_links_open_as_one_bundle_on_aws() {
    several_adaptive_links_open_as_one_bundle_on(TestServer::aws().await).await;
}

async fn several_adaptive_links_open_as_one_bundle_on(server: TestServer) {
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let mut ids = Vec::new();
    for (seat, landing) in [("1", None), ("2", Some("https://example.com/group"))] {
        let mut body = json!({"iosTemplateId": apple, "payload": {"fields": {"Seat": {"value": seat}}}});
        if let Some(landing) = landing {
            body["landingPageUrl"] = json!(landing);
        }
        let link =
            expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await;
        ids.push(link["adaptiveLinkId"].as_str().unwrap().to_string());
    }
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
    let url = |ids: &str| format!("{}/v1/pass/adaptive?ids={ids}", server.base);
    let bundle = server.client.get(url(&ids.join(","))).header("user-agent", iphone).send().await.unwrap();
    assert_eq!(bundle.status(), 200);
    assert_eq!(bundle.headers()["content-type"], "application/vnd.apple.pkpasses");
    let entries = tessera_tests::pkpass_files(&bundle.bytes().await.unwrap());
    assert_eq!(entries.len(), 2, "{:?}", entries.keys().collect::<Vec<_>>());
    let mut seats: Vec<String> = entries
        .values()
        .map(|pkpass| {
            let files = tessera_tests::pkpass_files(pkpass);
            let pass: serde_json::Value = serde_json::from_slice(&files["pass.json"]).unwrap();
            pass["eventTicket"]["auxiliaryFields"][0]["value"].as_str().unwrap().to_string()
        })
        .collect();
    seats.sort();
    assert_eq!(seats, ["1", "2"], "each link's own payload");

    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0";
    let first_has_none = no_redirects.get(url(&ids.join(","))).header("user-agent", desktop).send().await.unwrap();
    expect_error(first_has_none, 400, "device_not_supported", None).await;
    let reversed = format!("{},{}", ids[1], ids[0]);
    let to_landing = no_redirects.get(url(&reversed)).header("user-agent", desktop).send().await.unwrap();
    assert_eq!(
        (to_landing.status().as_u16(), to_landing.headers()["location"].to_str().unwrap()),
        (302, "https://example.com/group")
    );

    let passes_before =
        expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"].clone();
    let eleven = [ids[0].as_str(); 11].join(",");
    for (query, status) in [
        (eleven, 400),
        (format!("{},,{}", ids[0], ids[1]), 400),
        (format!("{0},{0}", ids[0]), 400),
        (format!("{},nope", ids[0]), 404),
    ] {
        let refused = server.client.get(url(&query)).header("user-agent", iphone).send().await.unwrap();
        assert_eq!(refused.status(), status, "{query}");
    }
    let forced = server.client.get(format!("{}&deviceType=android", url(&ids[0]))).send().await.unwrap();
    assert_eq!(forced.status(), 400);
    let passes_after =
        expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await["count"].clone();
    assert_eq!(passes_after, passes_before, "refused opens minted nothing");
}

/// An adaptive link makes at most `maxPasses` passes (10,000 unless it says), counted
/// atomically: past it, opens answer 410 `link_exhausted` (a page, to browsers) and make
/// nothing; opens that reuse a pass by external id are not counted.
#[tokio::test]
async fn an_adaptive_link_makes_at_most_its_max_passes() {
    let server = TestServer::embedded().await;
    let apple = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    for bad in [json!(0), json!(1_000_001), json!("many")] {
        let body = json!({"iosTemplateId": apple, "maxPasses": bad});
        let response = server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap();
        expect_error(response, 400, "invalid_request", Some("maxPasses")).await;
    }
    let unbounded = json!({"iosTemplateId": apple});
    let link =
        expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&unbounded).send().await.unwrap(), 200).await;
    assert_eq!((link["maxPasses"].as_u64(), link["passesMade"].as_u64()), (Some(10_000), Some(0)));

    let body = json!({"iosTemplateId": apple, "maxPasses": 2});
    let link = expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&body).send().await.unwrap(), 200).await;
    let ios = link["iosUrl"].as_str().unwrap().to_string();
    for _ in 0..2 {
        assert_eq!(server.client.get(&ios).send().await.unwrap().status(), 200);
    }
    let refused = server.client.get(&ios).send().await.unwrap();
    expect_error(refused, 410, "link_exhausted", None).await;
    let page =
        server.client.get(&ios).header("Accept", "text/html").header("Accept-Language", "fr").send().await.unwrap();
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("Ce lien a donné tous ses pass"));
    let path = format!("/v1/links/adaptive/{}", link["adaptiveLinkId"].as_str().unwrap());
    let read = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
    assert_eq!(read["passesMade"], 2);
    let listed = expect_json(server.api(Method::GET, &format!("{path}/passes")).send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 2, "nothing made past the bound");

    let reused = json!({"iosTemplateId": apple, "maxPasses": 1, "payload": {"externalId": "member-9"}});
    let link =
        expect_json(server.api(Method::POST, "/v1/links/adaptive").json(&reused).send().await.unwrap(), 200).await;
    for _ in 0..3 {
        let opened = server.client.get(link["iosUrl"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(opened.status(), 200, "the one pass, served again");
    }
}
