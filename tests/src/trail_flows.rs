//! `GET /v1/pass/{id}/diagnostics`: the update trail of a pass, through HTTP, on every backend.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tessera::ports::PushOutcome;

use crate::api::{TestServer, event_template, expect_json};
use crate::device_flows::{Device, pushes, register};

const PASS_TYPE: &str = "pass.dev.tessera.example";

fn device<'a>(devices: &'a Value, id: &str) -> &'a Value {
    let found = devices.as_array().unwrap().iter().find(|d| d["deviceLibraryIdentifier"] == id);
    found.unwrap_or_else(|| panic!("device {id} in {devices}"))
}

fn events_named<'a>(events: &'a Value, name: &str) -> Vec<&'a Value> {
    events.as_array().unwrap().iter().filter(|e| e["event"] == name).collect()
}

/// Three phones hold a pass. After an update, one goes the whole way (push, serial list,
/// fetch), one only receives the push, and one has a dead token; Wallet logs a line about the
/// pass. The diagnostics say exactly that, device by device.
pub async fn the_diagnostics_show_each_device_s_funnel(server: &TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let pass = server.create_pass(template_id, &json!({})).await;
    let (id, serial) = (pass["id"].as_u64().unwrap(), pass["serialNumber"].as_str().unwrap().to_string());
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
    let token = signed["authenticationToken"].as_str().unwrap().to_string();
    let diagnostics = format!("/v1/pass/{id}/diagnostics");

    let fresh = expect_json(server.api(Method::GET, &diagnostics).send().await.unwrap(), 200).await;
    assert_eq!(fresh["serialNumber"], serial.as_str());
    assert_eq!(fresh["validation"]["errors"], 0, "the pass as devices get it: {}", fresh["validation"]);
    assert_eq!((fresh["devices"].clone(), fresh["events"].clone()), (json!([]), json!([])));
    assert_eq!(fresh["retention"], json!({"days": 30, "eventsPerTrail": 200}));

    let phone = Device { server, id: "phone-full".into(), push_token: "push-full".into() };
    let latest_path = format!("/v1/passes/{PASS_TYPE}/{serial}");
    let tag_before = {
        register(server, "phone-full", "push-full", &serial, &token).await;
        register(server, "phone-idle", "push-idle", &serial, &token).await;
        register(server, "phone-dead", "push-dead-trail", &serial, &token).await;
        let list = format!("/v1/devices/phone-full/registrations/{PASS_TYPE}");
        let all = expect_json(phone.call(Method::GET, &list, None).send().await.unwrap(), 200).await;
        all["lastUpdated"].as_str().unwrap().to_string()
    };
    let before = server.api(Method::GET, &format!("/v1/pass/{id}/download")).send().await.unwrap();
    assert_eq!(before.status(), 200);
    let old_modified = {
        let response = phone.call(Method::GET, &latest_path, Some(&token)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.headers()["last-modified"].to_str().unwrap().to_string()
    };
    // Last-Modified has whole seconds: the update must land in a later one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    server.pusher.script("push-dead-trail", vec![PushOutcome::DeadToken]);
    let pushed_before = server.pusher.sent().len();
    let update = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&json!({"fields": {"Seat": {"value": "77"}}}));
    expect_json(update.send().await.unwrap(), 200).await;
    assert_eq!(pushes(&server.pusher, pushed_before + 3).await.len(), pushed_before + 3, "a push to each phone");

    let list = format!("/v1/devices/phone-full/registrations/{PASS_TYPE}?passesUpdatedSince={tag_before}");
    let changed = expect_json(phone.call(Method::GET, &list, None).send().await.unwrap(), 200).await;
    assert_eq!(changed["serialNumbers"], json!([serial]));
    let latest = phone.call(Method::GET, &latest_path, Some(&token));
    let fetched = latest.header("If-Modified-Since", &old_modified).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    let log_line = format!(
        "[2026-11-30 10:12:32 +0000] Get pass task (pass type {PASS_TYPE}, serial number {serial}, if-modified-since \
         (null); with web service url {}) encountered error: Unexpected response code 500",
        server.base
    );
    let unrelated = format!("Get pass task (pass type {PASS_TYPE}, serial number no-such-pass) encountered error");
    let logged = server.anonymous(Method::POST, "/v1/log").json(&json!({"logs": [log_line, unrelated]}));
    assert_eq!(logged.send().await.unwrap().status(), StatusCode::OK);

    // The dispatch runs in the background: it removes the dead token's registration, then
    // notes its pushes. Wait (bounded) for both.
    let mut report = Value::Null;
    for _ in 0..200 {
        report = expect_json(server.api(Method::GET, &diagnostics).send().await.unwrap(), 200).await;
        let devices = report["devices"].as_array().unwrap();
        let pushes_noted = devices.iter().all(|d| !events_named(&d["events"], "pushed").is_empty());
        if devices.len() == 2 && pushes_noted {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let devices = &report["devices"];
    assert_eq!(devices.as_array().unwrap().len(), 2, "the dead token's device is gone: {devices}");

    let full = device(devices, "phone-full");
    assert_eq!(full["funnel"]["stage"], "current", "{full}");
    assert_eq!(full["funnel"]["pushAnswer"], "delivered");
    assert_eq!(full["funnel"]["fetchStatus"], 200);
    let (pushed_at, listed_at, fetched_at) =
        (&full["funnel"]["pushedAt"], &full["funnel"]["listedAt"], &full["funnel"]["fetchedAt"]);
    assert!(pushed_at.as_str() <= listed_at.as_str() && listed_at.as_str() <= fetched_at.as_str(), "{full}");
    assert!(report["changedAt"].as_str() <= pushed_at.as_str(), "the push came after the change");
    let pushes_seen = events_named(&full["events"], "pushed");
    assert_eq!(pushes_seen.len(), 1, "{full}");
    assert_eq!(pushes_seen[0]["change"], json!({"kind": "pass", "id": id}));
    assert_eq!(pushes_seen[0]["attempts"], 1);
    let lists = events_named(&full["events"], "listed");
    assert_eq!(lists.len(), 2, "the poll before the change and the one after");
    assert_eq!(lists[1]["serials"], json!([serial]));
    assert!(lists[1]["since"].is_string(), "the tag the device gave, as a time");

    let idle = device(devices, "phone-idle");
    assert_eq!(idle["funnel"]["stage"], "awaitingList", "{idle}");
    assert_eq!(idle["funnel"]["listedAt"], Value::Null);
    assert_eq!(events_named(&idle["events"], "listed").len(), 0);

    let events = &report["events"];
    let mut registered: Vec<&str> =
        events_named(events, "registered").iter().map(|e| e["device"].as_str().unwrap()).collect();
    registered.sort_unstable();
    assert_eq!(registered, ["phone-dead", "phone-full", "phone-idle"]);
    let gone = events_named(events, "unregistered");
    assert_eq!(gone.len(), 1, "{events}");
    assert_eq!((gone[0]["device"].as_str(), gone[0]["cause"].as_str()), (Some("phone-dead"), Some("deadToken")));
    let statuses: Vec<u64> = events_named(events, "fetched").iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [200, 200], "the fetch before the change and the one after");
    let logs = events_named(events, "walletLog");
    assert_eq!(logs.len(), 1, "only the line about this pass: {events}");
    assert!(logs[0]["message"].as_str().unwrap().contains("Unexpected response code 500"));
    let times: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");

    let missing = server.api(Method::GET, "/v1/pass/999999/diagnostics").send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let anonymous = server.anonymous(Method::GET, &diagnostics).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}
