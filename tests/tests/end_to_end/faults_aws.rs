//! Tessera on AWS with its connections to the emulator broken at chosen moments (a
//! [`FaultProxy`] between them). Each API call is made once healthy to count the requests it
//! sends; then, for every one of those requests in turn, the call is made again with that
//! request reset once, reset on every attempt, or answered but with its answer cut off on
//! every attempt. Each call must answer success or 503 with `Retry-After`, and afterwards the
//! store must hold whole records only: a pass that exists downloads, with its images, from
//! its record's content and through its public link.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tessera_tests::api::{TestServer, event_template, expect_json, png_data_url};
use tessera_tests::fault_proxy::{Fault, FaultProxy};

/// The attempts the SDK makes at one operation (its standard retry mode).
const ATTEMPTS: usize = 3;
const PASS_TYPE: &str = "pass.dev.tessera.example";

/// How a faulted call answered.
#[derive(Debug)]
enum Outcome {
    Done(Value),
    Unavailable,
}

/// The faults every request of a call is hit with: a single reset (the SDK's retry hides
/// it, so the call must succeed), a reset of every attempt, and every attempt's answer lost.
const FAULTS: [(Fault, usize); 3] = [(Fault::Reset, 1), (Fault::Reset, ATTEMPTS), (Fault::CutAnswer, ATTEMPTS)];

struct Rig {
    /// Calls answered 503 so far: the faults must reach the API, or this test proves nothing.
    unavailable: std::sync::atomic::AtomicUsize,
    proxy: FaultProxy,
    server: TestServer,
    template_id: u64,
    thumbnail: String,
}

impl Rig {
    async fn start() -> Rig {
        let proxy = FaultProxy::start(tessera_tests::moto::endpoint()).await;
        let server = TestServer::aws_through(&proxy.endpoint()).await;
        let template_id = server.create_template(&event_template()).await["id"].as_u64().unwrap();
        let png = std::fs::read(tessera_tests::pass_fixture("event-ticket").join("thumbnail.png")).unwrap();
        Rig { unavailable: Default::default(), proxy, server, template_id, thumbnail: png_data_url(&png) }
    }

    /// The requests `call` sends to the emulator when nothing breaks.
    async fn requests_of<F: std::future::Future<Output = reqwest::Response>>(&self, call: F) -> usize {
        let before = self.proxy.requests();
        let response = call.await;
        assert!(response.status().is_success(), "a healthy call: {}", response.text().await.unwrap());
        self.proxy.requests() - before
    }

    /// Makes `call` with `fault` hitting `count` requests from its `nth`, then heals.
    async fn faulted<F: std::future::Future<Output = reqwest::Response>>(
        &self,
        (fault, count): (Fault, usize),
        nth: usize,
        call: F,
    ) -> Outcome {
        self.proxy.inject(fault, nth, count);
        let response = call.await;
        self.proxy.heal();
        let status = response.status();
        let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
        // Wallet's routes answer with no body.
        let bytes = response.bytes().await.unwrap();
        let body: Value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
        let case = format!("{fault:?} x{count} from request {nth}");
        match status {
            s if s.is_success() => Outcome::Done(body),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(retry_after.as_deref(), Some("2"), "{case}: {body}");
                assert_eq!(body["error"]["code"], "unavailable", "{case}: {body}");
                assert!(count > 1, "{case}: one reset is retried by the SDK, so the call succeeds: {body}");
                self.unavailable.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Outcome::Unavailable
            }
            other => panic!("{case}: answered {other}: {body}"),
        }
    }

    /// Calls answered 503 since the last asking.
    fn answered_503(&self) -> usize {
        self.unavailable.swap(0, std::sync::atomic::Ordering::SeqCst)
    }

    fn create(&self, external_id: &str, seat: &str) -> impl std::future::Future<Output = reqwest::Response> {
        let body = json!({
            "fields": {"Seat": {"value": seat}},
            "headers": {"thumbnail_image": {"value": self.thumbnail}},
            "publicUrl": {"type": "multiple"}
        });
        let path = format!("/v1/pass/{}/id/{external_id}", self.template_id);
        let request = self.server.api(Method::POST, &path).json(&body);
        async move { request.send().await.unwrap() }
    }

    fn update(&self, pass_id: u64, seat: &str) -> impl std::future::Future<Output = reqwest::Response> {
        let body = json!({"fields": {"Seat": {"value": seat}}});
        let request = self.server.api(Method::PUT, &format!("/v1/pass/{pass_id}")).json(&body);
        async move { request.send().await.unwrap() }
    }

    fn register(
        &self,
        device: &str,
        serial: &str,
        token: &str,
    ) -> impl std::future::Future<Output = reqwest::Response> {
        let path = format!("/v1/devices/{device}/registrations/{PASS_TYPE}/{serial}");
        let request = self
            .server
            .anonymous(Method::POST, &path)
            .header("Authorization", format!("ApplePass {token}"))
            .json(&json!({"pushToken": format!("push-{device}")}));
        async move { request.send().await.unwrap() }
    }

    /// What Wallet on `device` asks for: the serials it is registered for.
    async fn registrations_of(&self, device: &str) -> reqwest::Response {
        let path = format!("/v1/devices/{device}/registrations/{PASS_TYPE}");
        self.server.anonymous(Method::GET, &path).send().await.unwrap()
    }

    /// The pass made under `external_id`, if any.
    async fn by_external_id(&self, external_id: &str) -> Option<Value> {
        let path = format!("/v1/pass/template/{}/id/{external_id}", self.template_id);
        let response = self.server.api(Method::GET, &path).send().await.unwrap();
        match response.status() {
            StatusCode::NOT_FOUND => None,
            _ => Some(expect_json(response, 200).await),
        }
    }

    async fn pass(&self, id: u64) -> Value {
        expect_json(self.server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await
    }

    /// A pass is whole: its .pkpass (by the API and through its public link) renders its
    /// record's seat with the thumbnail it was made with. Answers its pass.json.
    async fn assert_whole(&self, pass: &Value) -> Value {
        let id = pass["id"].as_u64().unwrap();
        let seat = &pass["fields"]["Seat"]["value"];
        let link = pass["publicUrl"]["path"].as_str().expect("a public link").trim_start_matches(&self.server.base);
        let by_api = self.server.api(Method::GET, &format!("/v1/pass/{id}/download")).send().await.unwrap();
        let by_link = self.server.anonymous(Method::GET, &format!("{link}?download=1")).send().await.unwrap();
        let mut pass_json = Value::Null;
        for response in [by_api, by_link] {
            assert_eq!(response.status(), 200, "pass {id}");
            assert_eq!(response.headers()["content-type"], "application/vnd.apple.pkpass");
            let files = tessera_tests::pkpass_files(&response.bytes().await.unwrap());
            assert!(files.contains_key("thumbnail.png"), "pass {id} has its image: {:?}", files.keys());
            pass_json = serde_json::from_slice(&files["pass.json"]).unwrap();
            assert_eq!(&pass_json["eventTicket"]["auxiliaryFields"][0]["value"], seat, "pass {id}");
        }
        pass_json
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_connections_to_aws_answer_success_or_503_and_leave_whole_records() {
    let rig = Rig::start().await;
    let pass = expect_json(rig.create("first", "1").await, 200).await;
    let pass_id = pass["id"].as_u64().unwrap();
    let pass_json = rig.assert_whole(&pass).await;
    let (serial, token) =
        (pass_json["serialNumber"].as_str().unwrap(), pass_json["authenticationToken"].as_str().unwrap());

    // Creating a pass (its record, serial and external id, its public link, its image).
    let creates = rig.requests_of(rig.create("second", "2")).await;
    assert!(creates >= 3, "a create writes the record and its image: {creates} requests");
    for nth in 1..=creates {
        for fault in FAULTS {
            let external_id = format!("create-{nth}-{:?}-{}", fault.0, fault.1);
            let outcome = rig.faulted(fault, nth, rig.create(&external_id, &external_id)).await;
            match (&outcome, rig.by_external_id(&external_id).await) {
                (Outcome::Done(made), Some(found)) => {
                    assert_eq!(made["id"], found["id"]);
                    rig.assert_whole(&found).await;
                }
                (Outcome::Unavailable, Some(found)) => drop(rig.assert_whole(&found).await),
                (Outcome::Unavailable, None) => {}
                (Outcome::Done(made), None) => panic!("{external_id}: acknowledged but not kept: {made}"),
            }
        }
    }

    assert!(rig.answered_503() > 0, "faults on {creates} requests of a create never reached the API");

    // Updating it.
    let updates = rig.requests_of(rig.update(pass_id, "healthy")).await;
    let mut seat = "healthy".to_string();
    for nth in 1..=updates {
        for fault in FAULTS {
            let wanted = format!("update-{nth}-{:?}-{}", fault.0, fault.1);
            let outcome = rig.faulted(fault, nth, rig.update(pass_id, &wanted)).await;
            let now = rig.pass(pass_id).await;
            let kept = now["fields"]["Seat"]["value"].as_str().unwrap().to_string();
            match outcome {
                Outcome::Done(_) => assert_eq!(kept, wanted),
                Outcome::Unavailable => assert!(kept == wanted || kept == seat, "{wanted}: the seat is {kept}"),
            }
            rig.assert_whole(&now).await;
            seat = kept;
        }
    }

    assert!(rig.answered_503() > 0, "faults on {updates} requests of an update never reached the API");

    // Registering devices for it.
    let registrations = rig.requests_of(rig.register("healthy-device", serial, token)).await;
    for nth in 1..=registrations {
        for fault in FAULTS {
            let device = format!("device-{nth}-{:?}-{}", fault.0, fault.1);
            let outcome = rig.faulted(fault, nth, rig.register(&device, serial, token)).await;
            let listed = rig.registrations_of(&device).await;
            match (outcome, listed.status()) {
                (Outcome::Done(_), StatusCode::OK)
                | (Outcome::Unavailable, StatusCode::OK | StatusCode::NO_CONTENT) => {}
                (outcome, status) => panic!("{device}: {outcome:?}, then its registrations answered {status}"),
            }
            // Wallet registers again after a failure: that always completes the registration.
            let again = rig.register(&device, serial, token).await;
            assert!(matches!(again.status().as_u16(), 200 | 201), "{device}: {}", again.status());
            let listed = rig.registrations_of(&device).await;
            assert_eq!(expect_json(listed, 200).await["serialNumbers"], json!([serial]), "{device}");
        }
    }

    assert!(rig.answered_503() > 0, "faults on {registrations} requests of a registration never reached the API");

    // A slow emulator: an answer a second late is waited for; one later than an attempt's
    // 4 s timeout is given up and the call retried.
    let slow = rig.faulted((Fault::Delay(std::time::Duration::from_secs(1)), 1), 1, rig.create("slow", "s")).await;
    assert!(matches!(slow, Outcome::Done(_)), "{slow:?}");
    let stuck = rig.faulted((Fault::Delay(std::time::Duration::from_secs(5)), 1), 1, rig.update(pass_id, "late")).await;
    assert!(matches!(stuck, Outcome::Done(_)), "{stuck:?}");
    rig.assert_whole(&rig.pass(pass_id).await).await;
    rig.assert_whole(&rig.by_external_id("slow").await.unwrap()).await;
}

/// The stream-fed push dispatcher with its connections to the emulator broken on each of its
/// requests in turn: a dispatch that could not read whom to push names its stream record as
/// failed (Lambda then retries from it), and the retry reaches the device. No change is
/// acknowledged without its push.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_dispatch_cut_off_from_aws_is_retried_from_its_record() {
    let rig = Rig::start().await;
    let pass = expect_json(rig.create("pushed", "1").await, 200).await;
    let pass_json = rig.assert_whole(&pass).await;
    let (serial, token) =
        (pass_json["serialNumber"].as_str().unwrap(), pass_json["authenticationToken"].as_str().unwrap());
    assert!(rig.register("device-pushed", serial, token).await.status().is_success());
    let pushes = || rig.server.pusher.sent().iter().filter(|p| p.push_token == "push-device-pushed").count();
    let sequence = "5100000000000000000001";
    let event = tessera_tests::device_flows::pass_changed(pass["id"].as_u64().unwrap(), sequence);
    let dispatch = || tessera_functions::lambda::run_stream_event(&rig.server.app, &event);
    let done = json!({"batchItemFailures": []});

    let before = (rig.proxy.requests(), pushes());
    assert_eq!(dispatch().await.unwrap(), done);
    let requests = rig.proxy.requests() - before.0;
    assert_eq!(pushes(), before.1 + 1);
    assert!(requests >= 1, "a dispatch reads the pass's registrations");

    let mut retried = 0;
    for nth in 1..=requests {
        for fault in [(Fault::Reset, ATTEMPTS), (Fault::CutAnswer, ATTEMPTS)] {
            let case = format!("{fault:?} from request {nth}");
            let before = pushes();
            rig.proxy.inject(fault.0, nth, fault.1);
            let answer = dispatch().await;
            rig.proxy.heal();
            let answer = answer.unwrap_or_else(|e| panic!("{case}: the function failed: {e}"));
            if answer != done {
                assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": sequence}]}), "{case}");
                retried += 1;
                assert_eq!(dispatch().await.unwrap(), done, "{case}: Lambda's retry");
            }
            assert!(pushes() > before, "{case}: the device was pushed");
        }
    }
    assert!(retried > 0, "faults on {requests} requests of a dispatch never failed it");
}

/// The callback worker with its connections to the emulator broken on each of its requests
/// in turn: an attempt it could not record names its queue message as failed (SQS brings it
/// back), and the retry completes it. Every callback reaches the receiver (at least once,
/// always under its one delivery id), and the outbox ends empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_delivery_cut_off_from_aws_is_retried_until_it_is_sent() {
    use tessera::model::document::Collection;
    let rig = Rig::start().await;
    let receiver = tessera_tests::callback_receiver::CallbackReceiver::start(0);
    let project = json!({"name": "Venue", "projectType": "eventTicket", "description": "Venue"});
    let project =
        expect_json(rig.server.api(Method::POST, "/v1/project").json(&project).send().await.unwrap(), 200).await;
    let project = project["id"].as_u64().unwrap();
    let settings = rig.server.api(Method::POST, &format!("/v1/project/{project}/settings/callback"));
    expect_json(settings.json(&json!({"baseUrl": receiver.base})).send().await.unwrap(), 200).await;
    let template = rig.server.api(Method::POST, &format!("/v1/template/{project}")).json(&event_template());
    let template = expect_json(template.send().await.unwrap(), 200).await;
    let template_id = template["templateId"].as_u64().or(template["id"].as_u64()).unwrap();

    // A pass installed on a phone: one install callback waiting in the outbox.
    let installed = |n: usize| {
        let rig = &rig;
        async move {
            let pass = rig.server.create_pass(template_id, &json!({})).await;
            let signed =
                tessera_tests::api_flows::download(&rig.server, &format!("/v1/pass/{}/download", pass["id"])).await;
            let (serial, token) =
                (signed["serialNumber"].as_str().unwrap(), signed["authenticationToken"].as_str().unwrap());
            assert!(rig.register(&format!("phone-{n}"), serial, token).await.status().is_success());
            let outbox = rig.server.app.store.list_documents(Collection::CallbackDelivery, "", 10).await.unwrap();
            assert_eq!(outbox.len(), 1, "one delivery waits");
            outbox[0].id.clone()
        }
    };
    let message = |delivery: &str| {
        let body = tessera::aws::sqs_deliveries::retry_message(delivery);
        json!({"Records": [{"messageId": "message-1", "body": body, "eventSource": "aws:sqs"}]})
    };
    // A delivery's document is `<due>#<event id>` (both zero-padded); the receiver sees the
    // event id.
    let sent_for = |delivery: &str| {
        let event_id = delivery.rsplit('#').next().unwrap().trim_start_matches('0');
        let sent = receiver.received();
        sent.iter().filter(|r| r.headers.get("tessera-delivery").map(String::as_str) == Some(event_id)).count()
    };
    let done = json!({"batchItemFailures": []});

    let delivery = installed(0).await;
    let before = rig.proxy.requests();
    let answer = tessera_functions::lambda::run_callback_event(&rig.server.app, &message(&delivery)).await.unwrap();
    assert_eq!(answer, done);
    let requests = rig.proxy.requests() - before;
    assert_eq!(sent_for(&delivery), 1, "{delivery}: {:?}", receiver.received());

    let mut retried = 0;
    for nth in 1..=requests {
        for fault in [(Fault::Reset, ATTEMPTS), (Fault::CutAnswer, ATTEMPTS)] {
            let case = format!("{fault:?} from request {nth}");
            let delivery = installed(nth).await;
            rig.proxy.inject(fault.0, nth, fault.1);
            let answer = tessera_functions::lambda::run_callback_event(&rig.server.app, &message(&delivery)).await;
            rig.proxy.heal();
            let answer = answer.unwrap_or_else(|e| panic!("{case}: the function failed: {e}"));
            if answer != done {
                assert_eq!(answer, json!({"batchItemFailures": [{"itemIdentifier": "message-1"}]}), "{case}");
                retried += 1;
                let again = message(&delivery);
                let again = tessera_functions::lambda::run_callback_event(&rig.server.app, &again).await;
                assert_eq!(again.unwrap(), done, "{case}: SQS's retry");
            }
            assert!(sent_for(&delivery) >= 1, "{case}: the callback was sent");
            let outbox = rig.server.app.store.list_documents(Collection::CallbackDelivery, "", 10).await.unwrap();
            assert!(outbox.is_empty(), "{case}: the outbox is empty: {outbox:?}");
        }
    }
    assert!(retried > 0, "faults on {requests} requests of a delivery never failed it");
}
