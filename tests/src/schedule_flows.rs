//! Schedules through the API: an update, a message and a deactivation for audiences of a
//! project, fired by the timer at their time, exactly once however many runs race.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tessera::model::date::format_millis;
use tessera::ports::ManualClock;
use tessera::ports::timers::TimerJob;

use crate::airship_flows::wait_for_ticket;
use crate::api::{TestServer, event_template, expect_error, expect_json};

const HOUR: i64 = 3_600_000;

async fn get(server: &TestServer, path: &str) -> Value {
    expect_json(server.api(Method::GET, path).send().await.unwrap(), 200).await
}

/// A template in a new project (by its id), and the project's id.
async fn project_with_template(server: &TestServer, name: &str) -> (u64, u64) {
    let body = json!({"name": name, "projectType": "eventTicket", "description": name});
    let project = expect_json(server.api(Method::POST, "/v1/project").json(&body).send().await.unwrap(), 200).await;
    let project_id = project["id"].as_u64().unwrap();
    let created = server.api(Method::POST, &format!("/v1/template/{project_id}")).json(&event_template()).send();
    let template = expect_json(created.await.unwrap(), 200).await;
    let template_id = template["templateId"].as_u64().or(template["id"].as_u64()).unwrap();
    (project_id, template_id)
}

async fn schedule(server: &TestServer, project: u64, body: Value) -> Value {
    let created = server.api(Method::POST, &format!("/v1/schedules/{project}")).json(&body).send();
    expect_json(created.await.unwrap(), 200).await
}

/// Polls (bounded) until the schedule has fired; answers its ticket once done.
async fn fired(server: &TestServer, project: u64, id: u64) -> Value {
    for _ in 0..100 {
        let shown = get(server, &format!("/v1/schedules/{project}/{id}")).await;
        if shown["status"] == "fired" {
            return wait_for_ticket(server, shown["ticketId"].as_u64().unwrap()).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("schedule {id} did not fire: {}", get(server, &format!("/v1/schedules/{project}/{id}")).await);
}

async fn pass_view(server: &TestServer, id: u64) -> Value {
    get(server, &format!("/v1/pass/{id}")).await
}

async fn seat(server: &TestServer, pass: u64) -> Value {
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{pass}/download")).await;
    signed["eventTicket"]["auxiliaryFields"][0]["value"].clone()
}

/// On the embedded backend with a clock the test moves (the server's ticker runs due timers
/// every second): schedules fire at their time and not before, each on its audience within
/// its project; a deleted one never fires; racing runs of one timer start one job.
pub async fn schedules_fire_at_their_time(start: i64, clock: Arc<ManualClock>, server: &TestServer) {
    let (project, template) = project_with_template(server, "Tour").await;
    let (_, elsewhere) = project_with_template(server, "Other tour").await;
    let fans = [
        server.create_pass(template, &json!({"tags": ["fans"]})).await["id"].as_u64().unwrap(),
        server.create_pass(template, &json!({"tags": ["fans", "late"]})).await["id"].as_u64().unwrap(),
    ];
    let plain = server.create_pass(template, &json!({})).await["id"].as_u64().unwrap();
    let other_project = server.create_pass(elsewhere, &json!({"tags": ["fans"]})).await["id"].as_u64().unwrap();
    let segment = json!({"name": "late fans", "criteria": {"and": [{"tag": "fans"}, {"tag": "late"}]}});
    let late = expect_json(server.api(Method::POST, "/v1/segments").json(&segment).send().await.unwrap(), 200).await;

    let gates = schedule(
        server,
        project,
        json!({
            "name": "Gates",
            "scheduledAt": format_millis(start + HOUR),
            "audience": {"tag": "fans"},
            "update": {"fields": {"Seat": {"value": "GATE A"}}}
        }),
    )
    .await;
    assert_eq!((gates["status"].as_str(), gates["action"].as_str()), (Some("scheduled"), Some("update")), "{gates}");
    assert_eq!(gates["audience"], json!({"tag": "fans"}));
    let closing = schedule(
        server,
        project,
        json!({
            "scheduledAt": format_millis(start + HOUR),
            "audience": {"segmentId": late["id"]},
            "deactivate": true
        }),
    )
    .await;
    let doors = schedule(
        server,
        project,
        json!({
            "scheduledAt": format_millis(start + 2 * HOUR),
            "audience": {"passId": plain},
            "message": "Doors open at 7"
        }),
    )
    .await;
    let cancelled = schedule(
        server,
        project,
        json!({
            "scheduledAt": format_millis(start + 3 * HOUR),
            "audience": {"templateId": template},
            "deactivate": true
        }),
    )
    .await;
    let path = format!("/v1/schedules/{project}/{}", cancelled["id"]);
    expect_json(server.api(Method::DELETE, &path).send().await.unwrap(), 200).await;
    expect_error(server.api(Method::GET, &path).send().await.unwrap(), 404, "not_found", None).await;
    let listed = get(server, &format!("/v1/schedules/{project}")).await;
    assert_eq!(listed["count"], 3, "{listed}");

    // Nothing before its time.
    clock.set(start + HOUR - 60_000);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(get(server, &format!("/v1/schedules/{project}/{}", gates["id"])).await["status"], "scheduled");
    assert_eq!(seat(server, fans[0]).await, "12");

    clock.set(start + HOUR + 1000);
    let done = fired(server, project, gates["id"].as_u64().unwrap()).await;
    assert_eq!((done["kind"].as_str(), done["tag"].as_str()), (Some("tagUpdate"), Some("fans")), "{done}");
    assert_eq!(done["updated"], 2, "the other project's pass is not in the audience: {done}");
    assert_eq!(done["total"], 2, "nor counted: {done}");
    assert_eq!(seat(server, fans[0]).await, "GATE A");
    assert_eq!(seat(server, fans[1]).await, "GATE A");
    assert_eq!(seat(server, other_project).await, "12", "another project's pass with the tag");
    assert_eq!(seat(server, plain).await, "12");
    fired(server, project, closing["id"].as_u64().unwrap()).await;
    assert!(pass_view(server, fans[1]).await.get("deactivatedAt").is_some(), "the late fan's pass was deactivated");
    assert!(pass_view(server, fans[0]).await.get("deactivatedAt").is_none());
    assert_eq!(get(server, &format!("/v1/schedules/{project}/{}", doors["id"])).await["status"], "scheduled");

    clock.set(start + 4 * HOUR);
    fired(server, project, doors["id"].as_u64().unwrap()).await;
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{plain}/download")).await;
    assert!(signed.to_string().contains("Doors open at 7"), "the message is on the pass: {signed}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(pass_view(server, fans[0]).await.get("deactivatedAt").is_none(), "the deleted schedule never fired");

    // Runs racing over one timer (the ticker among them) fire it once.
    let raced = schedule(
        server,
        project,
        json!({
            "scheduledAt": format_millis(start + 5 * HOUR),
            "audience": {"templateId": template},
            "update": {"fields": {"Seat": {"value": "RACED"}}}
        }),
    )
    .await;
    let raced_id = raced["id"].as_u64().unwrap();
    clock.set(start + 5 * HOUR);
    let job = TimerJob::RunSchedule { project_id: project, schedule_id: raced_id };
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (app, job) = (server.app.clone(), job.clone());
            tokio::spawn(async move { tessera::service::timers::run(&app, &job).await })
        })
        .collect();
    for run in runs {
        run.await.unwrap().unwrap();
    }
    let done = fired(server, project, raced_id).await;
    assert_eq!(done["updated"], 3, "{done}");
    let ticket = done["ticketId"].as_u64().unwrap();
    for other in (ticket.saturating_sub(4)..ticket + 5).filter(|t| *t != ticket) {
        let job = server.app.store.get_job(other).await.unwrap();
        assert!(
            job.as_ref().is_none_or(|j| j.created_at < start + 5 * HOUR),
            "a second job {other} from the race: {job:?}"
        );
    }
    assert_eq!(seat(server, fans[0]).await, "RACED");
}

/// Bad schedules are refused naming the field, take no id, and set no timer.
pub async fn bad_schedules_are_refused(server: &TestServer) {
    let (project, template) = project_with_template(server, "Checks").await;
    let (_, foreign) = project_with_template(server, "Foreign").await;
    let at = format_millis(server.app.now() + HOUR);
    let good = json!({"scheduledAt": at, "audience": {"templateId": template}, "message": "hello"});
    let first = schedule(server, project, good.clone()).await["id"].as_u64().unwrap();
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    let mut both = good.clone();
    both["deactivate"] = json!(true);
    let mut neither = good.clone();
    neither.as_object_mut().unwrap().remove("message");
    for (body, field) in [
        (with("scheduledAt", json!(format_millis(server.app.now() - HOUR))), "scheduledAt"),
        (with("scheduledAt", json!("tomorrow")), "scheduledAt"),
        (with("audience", json!({"tag": "a", "passId": 1})), "audience"),
        (with("audience", json!({})), "audience"),
        (with("audience", json!({"templateId": foreign})), "audience.templateId"),
        (with("audience", json!({"passId": "x"})), "audience.passId"),
        (both, "update"),
        (neither, "update"),
        (json!({"scheduledAt": at, "audience": {"tag": "a"}, "update": {"tags": ["x"]}}), "update.tags"),
        (with("name", json!(" ")), "name"),
    ] {
        let refused = server.api(Method::POST, &format!("/v1/schedules/{project}")).json(&body).send();
        expect_error(refused.await.unwrap(), 400, "invalid_request", Some(field)).await;
    }
    let unknown_segment = with("audience", json!({"segmentId": 999_999}));
    let refused = server.api(Method::POST, &format!("/v1/schedules/{project}")).json(&unknown_segment).send();
    expect_error(refused.await.unwrap(), 404, "not_found", None).await;
    let refused = server.api(Method::POST, "/v1/schedules/999999").json(&good).send();
    expect_error(refused.await.unwrap(), 404, "not_found", None).await;
    let second = schedule(server, project, good).await["id"].as_u64().unwrap();
    assert_eq!(second, first + 1, "refused requests took no id");
    assert_eq!(get(server, &format!("/v1/schedules/{project}")).await["count"], 2);
}

/// On AWS a schedule is an EventBridge Scheduler schedule (on moto) that invokes the timer
/// worker with the job: an early invocation sets it again; on time it fires once, and its
/// bulk update runs through SQS; a deleted schedule's timer is gone.
pub async fn schedules_are_eventbridge_schedules_on_aws(server: &TestServer) {
    let resources = server.aws.as_ref().expect("an AWS test server");
    let scheduler = crate::moto::clients().await.scheduler;
    let (project, template) = project_with_template(server, "Cloud tour").await;
    let pass = server.create_pass(template, &json!({"tags": ["fans"]})).await["id"].as_u64().unwrap();
    let at = server.app.now() + 2000;
    let body = json!({"scheduledAt": format_millis(at), "audience": {"tag": "fans"},
        "update": {"fields": {"Seat": {"value": "CLOUD"}}}});
    let created = schedule(server, project, body).await;
    let id = created["id"].as_u64().unwrap();
    let name = format!("{}-schedule-{id}", resources.table);
    let timer = scheduler.get_schedule().name(&name).send().await.expect("an EventBridge schedule");
    let expected = tessera::aws::scheduler_timers::at_expression(at - at % 1000);
    assert_eq!(timer.schedule_expression(), Some(expected.as_str()));
    let input: Value = serde_json::from_str(timer.target().unwrap().input().unwrap_or_default()).unwrap();
    assert_eq!(input, json!({"job": "runSchedule", "projectId": project, "scheduleId": id}));

    tessera_functions::lambda::run_timer_event(&server.app, &input).await.unwrap();
    assert_eq!(get(server, &format!("/v1/schedules/{project}/{id}")).await["status"], "scheduled", "too early");
    tokio::time::sleep(Duration::from_millis((at - server.app.now()).max(0) as u64 + 100)).await;
    tessera_functions::lambda::run_timer_event(&server.app, &input).await.unwrap();
    let done = fired(server, project, id).await;
    assert_eq!(done["updated"], 1, "{done}");
    assert_eq!(seat(server, pass).await, "CLOUD");
    tessera_functions::lambda::run_timer_event(&server.app, &input).await.unwrap();
    let shown = get(server, &format!("/v1/schedules/{project}/{id}")).await;
    assert_eq!(shown["ticketId"], done["ticketId"], "a repeated invocation fires nothing more");

    let later = json!({"scheduledAt": format_millis(server.app.now() + HOUR), "audience": {"passId": pass}, "deactivate": true});
    let other = schedule(server, project, later).await["id"].as_u64().unwrap();
    let other_name = format!("{}-schedule-{other}", resources.table);
    assert!(scheduler.get_schedule().name(&other_name).send().await.is_ok());
    let path = format!("/v1/schedules/{project}/{other}");
    expect_json(server.api(Method::DELETE, &path).send().await.unwrap(), 200).await;
    assert!(scheduler.get_schedule().name(&other_name).send().await.is_err(), "a deleted schedule's timer is gone");
}
