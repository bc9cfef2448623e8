//! A pass's own expiration date fires a timer: at that time the pass is deactivated and its
//! devices are pushed, without anyone reading it.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tessera::model::date::format_millis;
use tessera::ports::ManualClock;

use crate::api::{TestServer, event_template, expect_json};
use crate::device_flows::register;

async fn pass(server: &TestServer, id: u64) -> Value {
    expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await
}

/// The server's ticker runs due timers every second: waits for the pass to be deactivated.
async fn deactivated(server: &TestServer, id: u64) -> Value {
    for _ in 0..60 {
        let shown = pass(server, id).await;
        if shown.get("deactivatedAt").is_some() {
            return shown;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("pass {id} was not deactivated by its timer: {}", pass(server, id).await);
}

/// On the embedded backend, with a clock the test moves: an expiring pass is deactivated and
/// pushed when its time comes; a moved date moves the timer; a deleted pass's timer is gone.
pub async fn expirations_fire_on_time(start: i64, clock: Arc<ManualClock>, server: &TestServer) {
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let hour = 3_600_000;
    let body = json!({"expirationDate": format_millis(start + hour)});
    let expiring = server.create_pass(template_id, &body).await;
    let moved = server.create_pass(template_id, &body).await;
    let deleted = server.create_pass(template_id, &body).await;
    let id = expiring["id"].as_u64().unwrap();
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
    register(
        server,
        "exp-device",
        "exp-push-token",
        signed["serialNumber"].as_str().unwrap(),
        signed["authenticationToken"].as_str().unwrap(),
    )
    .await;
    let later = json!({"expirationDate": format_millis(start + 3 * hour)});
    let path = format!("/v1/pass/{}", moved["id"]);
    expect_json(server.api(Method::PUT, &path).json(&later).send().await.unwrap(), 200).await;
    let path = format!("/v1/pass/{}", deleted["id"]);
    expect_json(server.api(Method::DELETE, &path).send().await.unwrap(), 200).await;
    let pushes_before = server.pusher.sent().len();

    clock.set(start + 2 * hour);
    let expired = deactivated(server, id).await;
    assert_eq!(expired["passStatus"], "deactivated");
    assert!(expired["updatedAt"] != expiring["updatedAt"], "a new version went out: {expired}");
    let pushes: Vec<_> = server.pusher.sent().into_iter().skip(pushes_before).collect();
    assert!(pushes.iter().any(|p| p.push_token == "exp-push-token"), "its device was told: {pushes:?}");
    let not_yet = pass(server, moved["id"].as_u64().unwrap()).await;
    assert!(not_yet.get("deactivatedAt").is_none(), "a moved date moves the timer: {not_yet}");

    clock.set(start + 4 * hour);
    deactivated(server, moved["id"].as_u64().unwrap()).await;
}

/// On AWS the timer is an EventBridge Scheduler schedule (on moto): set with the job as its
/// input, moved by an update, and run by the timer worker's handler when it fires.
pub async fn expirations_are_scheduled_on_aws(server: &TestServer) {
    let resources = server.aws.as_ref().expect("an AWS test server");
    let scheduler = crate::moto::clients().await.scheduler;
    let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
    let now = server.app.now();
    let (first, later) = (now + 600_000, now + 3_600_000);
    let created = server.create_pass(template_id, &json!({"expirationDate": format_millis(first)})).await;
    let id = created["id"].as_u64().unwrap();
    let name = format!("{}-expire-pass-{id}", resources.table);
    let schedule = scheduler.get_schedule().name(&name).send().await.expect("a schedule for the pass");
    let expected = tessera::aws::scheduler_timers::at_expression(first);
    assert_eq!(schedule.schedule_expression(), Some(expected.as_str()));
    let target = schedule.target().expect("a target");
    let input: Value = serde_json::from_str(target.input().unwrap_or_default()).unwrap();
    assert_eq!(input, json!({"job": "expirePass", "passId": id}));
    assert_eq!(Some(target.arn()), resources.timer_target.as_ref().map(|t| t.function_arn.as_str()));

    let path = format!("/v1/pass/{id}");
    let moved = json!({"expirationDate": format_millis(later)});
    expect_json(server.api(Method::PUT, &path).json(&moved).send().await.unwrap(), 200).await;
    let schedule = scheduler.get_schedule().name(&name).send().await.unwrap();
    let expected = tessera::aws::scheduler_timers::at_expression(later);
    assert_eq!(schedule.schedule_expression(), Some(expected.as_str()), "moved");

    // The date comes (here: is put in the past), and the schedule fires.
    let past = json!({"expirationDate": format_millis(server.app.now() - 60_000)});
    expect_json(server.api(Method::PUT, &path).json(&past).send().await.unwrap(), 200).await;
    assert!(scheduler.get_schedule().name(&name).send().await.is_err(), "a date in the past needs no schedule");
    tessera_functions::lambda::run_timer_event(&server.app, &input).await.unwrap();
    let expired = pass(server, id).await;
    assert!(expired.get("deactivatedAt").is_some(), "the timer's job deactivated it: {expired}");

    let other = server.create_pass(template_id, &json!({"expirationDate": format_millis(later)})).await;
    let other_name = format!("{}-expire-pass-{}", resources.table, other["id"]);
    assert!(scheduler.get_schedule().name(&other_name).send().await.is_ok());
    expect_json(server.api(Method::DELETE, &format!("/v1/pass/{}", other["id"])).send().await.unwrap(), 200).await;
    assert!(scheduler.get_schedule().name(&other_name).send().await.is_err(), "a deleted pass's schedule is gone");
}
