//! Apple's pass web service and update pushes, through HTTP.

use reqwest::{Method, StatusCode};
use serde_json::json;
use tessera::ports::PushOutcome;
use tessera_tests::api::{TestServer, event_template, expect_error, expect_json};
use tessera_tests::device_flows::{Device, pass_changed, pass_life_on_a_device, pushes, register};

#[tokio::test]
async fn pass_life_on_embedded() {
    let server = TestServer::embedded().await;
    pass_life_on_a_device(&server, &server.pusher).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pass_life_on_aws() {
    let server = TestServer::aws().await;
    pass_life_on_a_device(&server, &server.pusher).await;
}

#[tokio::test]
async fn diagnostics_show_the_update_funnel_on_embedded() {
    tessera_tests::trail_flows::the_diagnostics_show_each_device_s_funnel(&TestServer::embedded().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_show_the_update_funnel_on_aws() {
    tessera_tests::trail_flows::the_diagnostics_show_each_device_s_funnel(&TestServer::aws().await).await;
}

async fn one_pass(server: &TestServer) -> (u64, u64, String, String) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({})).await;
    let id = pass["id"].as_u64().unwrap();
    let signed = tessera_tests::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
    (
        template_id,
        id,
        pass["serialNumber"].as_str().unwrap().to_string(),
        signed["authenticationToken"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn wrong_or_missing_tokens_get_401_everywhere() {
    let server = TestServer::embedded().await;
    let (_, _, serial, token) = one_pass(&server).await;
    let device = Device { server: &server, id: "dev-1".into(), push_token: "push-1".into() };
    let ptid = "pass.dev.tessera.example";
    let registration = format!("/v1/devices/dev-1/registrations/{ptid}/{serial}");
    let unknown = format!("/v1/devices/dev-1/registrations/{ptid}/no-such-serial");
    let body = json!({"pushToken": "push-1"});
    let wrong = format!("{}x", &token[..token.len() - 1]);
    for auth in [None, Some(wrong.as_str()), Some("")] {
        assert_eq!(device.call(Method::POST, &registration, auth).json(&body).send().await.unwrap().status(), 401);
        assert_eq!(device.call(Method::DELETE, &registration, auth).send().await.unwrap().status(), 401);
        assert_eq!(
            device.call(Method::GET, &format!("/v1/passes/{ptid}/{serial}"), auth).send().await.unwrap().status(),
            401
        );
    }
    // An unknown serial looks exactly like a wrong token.
    assert_eq!(device.call(Method::POST, &unknown, Some(&token)).json(&body).send().await.unwrap().status(), 401);
    assert_eq!(
        device
            .call(Method::GET, &format!("/v1/passes/{ptid}/no-such-serial"), Some(&token))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let basic = server
        .anonymous(Method::GET, &format!("/v1/passes/{ptid}/{serial}"))
        .header("Authorization", format!("Basic {token}"));
    assert_eq!(basic.send().await.unwrap().status(), 401);
    // Android wallets speak the same protocol with their own scheme.
    let android = server
        .anonymous(Method::POST, &registration)
        .header("Authorization", format!("AndroidPass {token}"))
        .json(&body);
    assert_eq!(android.send().await.unwrap().status(), 201);
    let pass = expect_json(server.api(Method::GET, "/v1/pass").send().await.unwrap(), 200).await;
    assert_eq!(pass["passes"][0]["platform"], "android");
    let no_token = device
        .call(Method::POST, &format!("/v1/devices/dev-2/registrations/{ptid}/{serial}"), Some(&token))
        .json(&json!({"pushToken": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 400);
}

#[tokio::test]
async fn dead_tokens_are_unregistered_and_throttling_is_retried() {
    let server = TestServer::embedded().await;
    let (_, id, serial, token) = one_pass(&server).await;
    for (device, push) in [("dev-dead", "push-dead"), ("dev-slow", "push-slow")] {
        register(&server, device, push, &serial, &token).await;
    }
    server.pusher.script("push-dead", vec![PushOutcome::DeadToken]);
    server.pusher.script("push-slow", vec![PushOutcome::RetryLater, PushOutcome::Delivered]);
    expect_json(
        server
            .api(Method::PUT, &format!("/v1/pass/{id}"))
            .json(&json!({"fields": {"Seat": {"value": "1"}}}))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let sent = pushes(&server.pusher, 3).await;
    let to = |token: &str| sent.iter().filter(|p| p.push_token == token).count();
    assert_eq!((to("push-dead"), to("push-slow")), (1, 2), "a dead token is not retried; a throttled one is");
    for _ in 0..50 {
        if server.app.store.registrations_for_pass(id).await.unwrap().len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let left: Vec<String> =
        server.app.store.registrations_for_pass(id).await.unwrap().into_iter().map(|r| r.device_library_id).collect();
    assert_eq!(left, ["dev-slow"], "the dead token's registration is gone");
}

#[tokio::test]
async fn a_template_update_reaches_the_devices_of_all_its_passes() {
    let server = TestServer::embedded().await;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let ptid = "pass.dev.tessera.example";
    let mut serials = Vec::new();
    for n in 0..3 {
        let pass = server.create_pass(template_id, &json!({})).await;
        let signed = tessera_tests::api_flows::download(&server, &format!("/v1/pass/{}/download", pass["id"])).await;
        let serial = pass["serialNumber"].as_str().unwrap().to_string();
        let path = format!("/v1/devices/dev-{n}/registrations/{ptid}/{serial}");
        let auth = format!("ApplePass {}", signed["authenticationToken"].as_str().unwrap());
        server
            .anonymous(Method::POST, &path)
            .header("Authorization", auth)
            .json(&json!({"pushToken": format!("push-{n}")}))
            .send()
            .await
            .unwrap();
        serials.push(serial);
    }
    let tag = expect_json(
        server.anonymous(Method::GET, &format!("/v1/devices/dev-0/registrations/{ptid}")).send().await.unwrap(),
        200,
    )
    .await["lastUpdated"]
        .as_str()
        .unwrap()
        .to_string();
    let mut changed = event_template();
    changed["fields"]["Event"]["value"] = json!("The Tour (moved to Friday)");
    expect_json(
        server.api(Method::PUT, &format!("/v1/template/{template_id}")).json(&changed).send().await.unwrap(),
        200,
    )
    .await;
    let sent = pushes(&server.pusher, 3).await;
    let mut tokens: Vec<&str> = sent.iter().map(|p| p.push_token.as_str()).collect();
    tokens.sort();
    assert_eq!(tokens, ["push-0", "push-1", "push-2"]);
    let listed = expect_json(
        server
            .anonymous(Method::GET, &format!("/v1/devices/dev-0/registrations/{ptid}?passesUpdatedSince={tag}"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(listed["serialNumbers"], json!([serials[0]]), "the template change counts as a change of the pass");
}

#[tokio::test]
async fn wallet_logs_are_accepted() {
    wallet_logs_are_accepted_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn wallet_logs_are_accepted_on_aws() {
    wallet_logs_are_accepted_on(TestServer::aws().await).await;
}

async fn wallet_logs_are_accepted_on(server: TestServer) {
    let ok = server
        .anonymous(Method::POST, "/v1/log")
        .json(&json!({"logs": ["[2026-11-24] Web service error for pass.x: 500"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(server.anonymous(Method::POST, "/v1/log").body("not json").send().await.unwrap().status(), 400);
}

/// `POST /v1/log` takes no credentials, so each source has a budget: two full reports at once,
/// then 429 with `Retry-After` until the budget refills (a report's worth every half minute).
#[tokio::test]
async fn wallet_logs_are_budgeted_per_source() {
    let server = TestServer::embedded().await;
    let report = json!({"logs": (0..50).map(|i| format!("[2026-11-24] line {i}")).collect::<Vec<_>>()});
    for _ in 0..2 {
        let accepted = server.anonymous(Method::POST, "/v1/log").json(&report).send().await.unwrap();
        assert_eq!(accepted.status(), 200);
    }
    let refused = server.anonymous(Method::POST, "/v1/log").json(&report).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    expect_error(refused, 429, "rate_limited", None).await;
}

/// The device poll, Wallet's busiest call, reads the pass once (by serial) and its template
/// once, and the signed file at most once from the blob store (then from memory); it reads
/// nothing else. HEAD and 304 cost the same reads and no file.
#[tokio::test]
async fn a_device_poll_reads_the_pass_and_its_template_once() {
    let (server, store_calls, blob_calls) = TestServer::embedded_counted().await;
    let (_, _, serial, token) = one_pass(&server).await;
    let device = Device { server: &server, id: "dev-1".into(), push_token: "push-1".into() };
    let latest = format!("/v1/passes/pass.dev.tessera.example/{serial}");
    let expected_reads = [("get_pass_by_serial", 1), ("get_template", 1)].into_iter().collect();
    // The poll's note on the pass's update trail is a write, batched in the local server.
    let reads = || {
        let mut calls = store_calls.take();
        calls.remove("append_trail");
        calls
    };

    let (_, _) = (reads(), blob_calls.take());
    let first = device.call(Method::GET, &latest, Some(&token)).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let modified = first.headers()["last-modified"].to_str().unwrap().to_string();
    assert_eq!(reads(), expected_reads);
    assert!(blob_calls.take().get("get").copied().unwrap_or(0) <= 1);

    for _ in 0..3 {
        let again = device.call(Method::GET, &latest, Some(&token)).send().await.unwrap();
        assert_eq!(again.status(), 200);
        assert_eq!(reads(), expected_reads);
        assert_eq!(blob_calls.take(), Default::default(), "served from memory");
    }
    let head = device.call(Method::HEAD, &latest, Some(&token)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(reads(), expected_reads);
    let unchanged = device.call(Method::GET, &latest, Some(&token)).header("If-Modified-Since", &modified).send();
    assert_eq!(unchanged.await.unwrap().status(), StatusCode::NOT_MODIFIED);
    assert_eq!(reads(), expected_reads);
    assert_eq!(blob_calls.take(), Default::default(), "a 304 reads no file");
}

/// `PUT /v1/pass/{id}/push` pushes in the request and says what it reached: one device
/// reached, one dead token dropped; a pass with no devices reaches none; no pass, 404.
#[tokio::test]
async fn a_push_request_reaches_every_device_and_says_so() {
    a_push_request_reaches_every_device_and_says_so_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn a_push_request_reaches_every_device_and_says_so_on_aws() {
    a_push_request_reaches_every_device_and_says_so_on(TestServer::aws().await).await;
}

async fn a_push_request_reaches_every_device_and_says_so_on(server: TestServer) {
    let (template_id, id, serial, token) = one_pass(&server).await;
    for (device, push) in [("dev-live", "push-live"), ("dev-gone", "push-gone")] {
        register(&server, device, push, &serial, &token).await;
    }
    server.pusher.script("push-gone", vec![PushOutcome::DeadToken]);
    let answer = server.api(Method::PUT, &format!("/v1/pass/{id}/push")).send().await.unwrap();
    let answer = expect_json(answer, 200).await;
    assert_eq!(answer, json!({"passId": id, "devices": 2, "reached": 1, "failed": 0, "removed": 1}));
    let sent: Vec<(String, String)> = server.pusher.sent().into_iter().map(|p| (p.push_token, p.topic)).collect();
    assert_eq!(sent.len(), 2, "one push per device, already sent when the request answered");
    let ptid = "pass.dev.tessera.example";
    assert!(sent.contains(&("push-live".into(), ptid.into())) && sent.contains(&("push-gone".into(), ptid.into())));
    let again = expect_json(server.api(Method::PUT, &format!("/v1/pass/{id}/push")).send().await.unwrap(), 200).await;
    assert_eq!((again["devices"].as_u64(), again["reached"].as_u64()), (Some(1), Some(1)), "the dead token is gone");

    let lonely = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    let none =
        expect_json(server.api(Method::PUT, &format!("/v1/pass/{lonely}/push")).send().await.unwrap(), 200).await;
    assert_eq!(none["devices"], 0);
    let missing = server.api(Method::PUT, "/v1/pass/999999/push").send().await.unwrap();
    tessera_tests::api::expect_error(missing, 404, "not_found", None).await;
}

/// Install counts: per external id across templates, and per template.
#[tokio::test]
async fn stats_count_installed_and_uninstalled_passes() {
    stats_count_installed_and_uninstalled_passes_on(TestServer::embedded().await).await;
}

#[tokio::test]
async fn stats_count_installed_and_uninstalled_passes_on_aws() {
    stats_count_installed_and_uninstalled_passes_on(TestServer::aws().await).await;
}

async fn stats_count_installed_and_uninstalled_passes_on(server: TestServer) {
    let ptid = "pass.dev.tessera.example";
    let first = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let second = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let device = |template: u64, body: serde_json::Value, register: bool, unregister: bool| {
        let server = &server;
        async move {
            let pass = server.create_pass(template, &body).await;
            let (id, serial) = (pass["id"].as_u64().unwrap(), pass["serialNumber"].as_str().unwrap().to_string());
            let signed = tessera_tests::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
            let token = signed["authenticationToken"].as_str().unwrap();
            let auth = format!("ApplePass {token}");
            let path = format!("/v1/devices/dev-{id}/registrations/{ptid}/{serial}");
            if register {
                tessera_tests::device_flows::register(
                    server,
                    &format!("dev-{id}"),
                    &format!("push-{id}"),
                    &serial,
                    token,
                )
                .await;
            }
            if unregister {
                let response = server.anonymous(Method::DELETE, &path).header("Authorization", &auth).send();
                assert_eq!(response.await.unwrap().status(), StatusCode::OK);
            }
        }
    };
    device(first, json!({"externalId": "fan-1"}), true, false).await;
    device(second, json!({"externalId": "fan-1"}), true, true).await;
    device(first, json!({}), false, false).await;

    let by_external = expect_json(server.api(Method::GET, "/v1/pass/id/fan-1/stats").send().await.unwrap(), 200).await;
    let expected = json!({"total": 2, "installed": 1, "uninstalled": 1, "templates": [
        {"id": first, "installed": 1, "uninstalled": 0}, {"id": second, "installed": 0, "uninstalled": 1}]});
    assert_eq!(by_external, expected);
    let template =
        expect_json(server.api(Method::GET, &format!("/v1/template/{first}/stats")).send().await.unwrap(), 200).await;
    assert_eq!(template, json!({"id": first, "total": 2, "installed": 1, "uninstalled": 0}));
    let missing = server.api(Method::GET, "/v1/pass/id/nobody/stats").send().await.unwrap();
    tessera_tests::api::expect_error(missing, 404, "not_found", None).await;
    let missing = server.api(Method::GET, "/v1/template/999999/stats").send().await.unwrap();
    tessera_tests::api::expect_error(missing, 404, "not_found", None).await;
}

/// Pushes APNs leaves unanswered through every attempt are not dropped. In the background
/// dispatcher the change is dispatched again in later rounds until the device is reached (and
/// no more than the rounds allow for a token that never is); the stream-fed function reports
/// the change as failed, so Lambda retries it from its record, and reports nothing once the
/// push goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_pushes_are_dispatched_again() {
    use tessera::service::push::{Change, Dispatcher, LATER_ROUNDS, MAX_ATTEMPTS};
    let server = TestServer::embedded().await;
    let (_, id, serial, token) = one_pass(&server).await;
    register(&server, "dev-busy", "push-busy", &serial, &token).await;
    let unanswered = |n: u32| vec![PushOutcome::RetryLater; n as usize];

    let dispatcher = Dispatcher::new(server.app.store.clone(), server.pusher.clone(), server.app.clock.clone())
        .with_retry_base(std::time::Duration::from_millis(2));
    let mut script = unanswered(MAX_ATTEMPTS + 2);
    script.push(PushOutcome::Delivered);
    server.pusher.script("push-busy", script);
    dispatcher.spawn(Change::Pass(id));
    let reached = MAX_ATTEMPTS as usize + 3;
    let sent = pushes(&server.pusher, reached).await;
    assert_eq!(sent.len(), reached, "two rounds: every attempt of the first, three of the second");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(server.pusher.sent().len(), reached, "a reached device is not pushed again");

    register(&server, "dev-gone", "push-never", &serial, &token).await;
    server.pusher.script("push-never", unanswered(100));
    let before = server.pusher.sent().len();
    dispatcher.spawn(Change::Pass(id));
    let bounded = ((LATER_ROUNDS + 1) * MAX_ATTEMPTS) as usize;
    let mut to_never = 0;
    for _ in 0..200 {
        to_never = server.pusher.sent()[before..].iter().filter(|p| p.push_token == "push-never").count();
        if to_never >= bounded {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after = server.pusher.sent()[before..].iter().filter(|p| p.push_token == "push-never").count();
    assert_eq!((to_never, after), (bounded, bounded), "every round's attempts, then no more");

    server.pusher.script("push-never", unanswered(MAX_ATTEMPTS));
    let event = pass_changed(id, "4900000000000000000001");
    let answer = tessera_functions::lambda::run_stream_event(&server.app, &event).await.unwrap();
    assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": "4900000000000000000001"}]}));
    let answer = tessera_functions::lambda::run_stream_event(&server.app, &event).await.unwrap();
    assert_eq!(answer, json!({"batchItemFailures": []}), "the retry reached every device");
}
