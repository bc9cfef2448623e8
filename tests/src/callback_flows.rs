//! Callbacks through the API and the device protocol: a project's receiver gets install,
//! personalize, uninstall and deactivate events, each signed with the project's secret (two
//! signatures while a rotated secret is in its grace period); a receiver that is down gets
//! its deliveries later; one down for longer than the retry window finds them dead, listed
//! and re-sendable. Time moves on a clock the test sets.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use tessera::ports::ManualClock;
use tessera::service::callback_signature;

use crate::api::{NFC_READER_PUBLIC_KEY, TestServer, expect_error, expect_json, png_data_url};
use crate::callback_receiver::{CallbackReceiver, Received};
use crate::google_callback_signer::{GoogleSigner, message};
use crate::google_fake::ISSUER_ID;
use crate::google_flows::{GoogleSetup, google_small_template};

const PASS_TYPE: &str = "pass.dev.tessera.example";
const HOUR: i64 = 3_600_000;

fn card_template() -> Value {
    let logo = std::fs::read(crate::pass_fixture("store-card-personalizable").join("personalizationLogo.png")).unwrap();
    json!({
        "name": "Rewards", "type": "storeCard", "passTypeIdentifier": PASS_TYPE,
        "headers": {"personalizationLogo_image": {"value": png_data_url(&logo)}},
        "fields": {"Points": {"fieldType": "primary", "label": "POINTS", "value": 0, "formatType": "Number"}},
        "nfc": {"message": "rewards-member", "encryptionPublicKey": NFC_READER_PUBLIC_KEY},
        "personalization": {"requiredPersonalizationFields": ["PKPassPersonalizationFieldName"],
            "description": "Join", "termsAndConditions": "Leave any time."},
    })
}

/// Polls (bounded) until the receiver has `count` calls; answers them.
pub async fn received(receiver: &CallbackReceiver, count: usize) -> Vec<Received> {
    for _ in 0..600 {
        let got = receiver.received();
        if got.len() >= count {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the receiver got {} calls, not {count}: {:?}", receiver.received().len(), receiver.received());
}

/// Polls (bounded) until the project's deliveries in `state` satisfy `done`; answers them.
async fn deliveries_until(
    server: &TestServer,
    project: u64,
    state: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let path = format!("/v1/project/{project}/settings/callback/deliveries?state={state}");
    for _ in 0..600 {
        let listed = expect_json(server.api(Method::GET, &path).send().await.unwrap(), 200).await;
        let items = listed["deliveries"].as_array().cloned().unwrap_or_default();
        if done(&items) {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{state} deliveries of project {project} never came right");
}

pub fn body_of(call: &Received) -> Value {
    serde_json::from_slice(&call.body).unwrap()
}

/// The call carries a signature by `secret`, made at the test clock's time.
fn assert_signed(call: &Received, secret: &str, clock: &ManualClock) {
    use tessera::ports::Clock;
    let header = call.headers.get("tessera-signature").expect("a signature header");
    let now = clock.now() / 1000;
    assert_eq!(callback_signature::verify(header, &call.body, secret.as_bytes(), now, 300), Ok(()), "{header}");
    assert_eq!(
        callback_signature::verify(header, &call.body, b"another secret", now, 300),
        Err(callback_signature::SignatureError::Mismatch)
    );
}

async fn device_call(server: &TestServer, method: Method, path: &str, token: &str, body: Value) -> u16 {
    let call = server.anonymous(method, path).header("Authorization", format!("ApplePass {token}")).json(&body);
    call.send().await.unwrap().status().as_u16()
}

pub async fn callbacks_reach_a_receiver_signed_and_survive_it_being_down(server: &TestServer, clock: Arc<ManualClock>) {
    let receiver = CallbackReceiver::start(0);
    let project = json!({"name": "Rewards", "projectType": "loyalty", "description": "Rewards"});
    let project = expect_json(server.api(Method::POST, "/v1/project").json(&project).send().await.unwrap(), 200).await;
    let project = project["id"].as_u64().unwrap();
    let settings_path = format!("/v1/project/{project}/settings/callback");

    // Settings: refused when wrong, changing nothing; the secret is shown when made only.
    let get_settings = || server.api(Method::GET, &settings_path).send();
    expect_error(get_settings().await.unwrap(), 404, "not_found", None).await;
    let set = |body: Value| server.api(Method::POST, &settings_path).json(&body).send();
    for (body, field) in [
        (json!({"baseUrl": "ftp://example.com"}), "baseUrl"),
        (json!({"baseUrl": "https://user:pw@example.com"}), "baseUrl"),
        (json!({"baseUrl": receiver.base, "headers": {"Content-Type": "text/plain"}}), "headers.Content-Type"),
        (json!({"baseUrl": receiver.base, "headers": {"X-Key": "a\r\nb"}}), "headers.X-Key"),
    ] {
        expect_error(set(body).await.unwrap(), 400, "invalid_request", Some(field)).await;
    }
    expect_error(set(json!({"baseUrl": receiver.base, "extra": 1})).await.unwrap(), 400, "invalid_request", None).await;
    expect_error(get_settings().await.unwrap(), 404, "not_found", None).await;
    let missing =
        server.api(Method::POST, "/v1/project/999999/settings/callback").json(&json!({"baseUrl": receiver.base}));
    expect_error(missing.send().await.unwrap(), 404, "not_found", None).await;

    let body = json!({"baseUrl": format!("{}/", receiver.base), "headers": {"X-Integrator-Key": "abc123"}});
    let made = expect_json(set(body).await.unwrap(), 200).await;
    let secret = made["signingSecret"].as_str().expect("the new secret").to_string();
    assert_eq!(secret.len(), 64, "{made}");
    assert_eq!(made["baseUrl"], receiver.base.as_str());
    let shown = expect_json(get_settings().await.unwrap(), 200).await;
    assert_eq!(shown["headers"], json!({"X-Integrator-Key": "abc123"}));
    assert!(shown.get("signingSecret").is_none(), "never shown again: {shown}");
    assert_eq!(shown["signature"]["header"], "Tessera-Signature");

    // A pass of the project on a phone: install, personalize, uninstall, in order.
    let created = server.api(Method::POST, &format!("/v1/template/{project}")).json(&card_template()).send();
    let template = expect_json(created.await.unwrap(), 200).await;
    let template_id = template["templateId"].as_u64().or(template["id"].as_u64()).unwrap();
    let pass = server.create_pass(template_id, &json!({})).await;
    let (id, serial) = (pass["id"].as_u64().unwrap(), pass["serialNumber"].as_str().unwrap().to_string());
    let signed = crate::api_flows::download(server, &format!("/v1/pass/{id}/download")).await;
    let token = signed["authenticationToken"].as_str().unwrap().to_string();
    let registration = |device: &str| format!("/v1/devices/{device}/registrations/{PASS_TYPE}/{serial}");

    assert_eq!(
        device_call(server, Method::POST, &registration("phone-1"), &token, json!({"pushToken": "aa"})).await,
        201
    );
    let install = &received(&receiver, 1).await[0];
    assert_eq!(install.path, "/v1/pass/install");
    assert_eq!(install.headers["x-integrator-key"], "abc123");
    assert_eq!(install.headers["tessera-event"], "install");
    assert_signed(install, &secret, &clock);
    let event = body_of(install);
    assert_eq!(
        (&event["event"], &event["passId"], &event["serialNumber"], &event["platform"], &event["projectId"]),
        (&json!("install"), &json!(id), &json!(serial), &json!("ios"), &json!(project)),
        "{event}"
    );
    assert_eq!(event["eventId"], install.headers["tessera-delivery"].as_str());
    assert_eq!(event["templateId"], template_id);
    // Registering again is no new install.
    assert_eq!(
        device_call(server, Method::POST, &registration("phone-1"), &token, json!({"pushToken": "aa"})).await,
        200
    );

    let personalize = format!("/v1/passes/{PASS_TYPE}/{serial}/personalize");
    let info = json!({"personalizationToken": "dG9rZW4=", "requiredPersonalizationInfo": {"fullName": "Ada Lovelace"}});
    assert_eq!(device_call(server, Method::POST, &personalize, &token, info).await, 200);
    let call = &received(&receiver, 2).await[1];
    assert_eq!(call.path, format!("/v1/pass/{id}/personalize"));
    assert_eq!(body_of(call)["personalization"], json!({"fullName": "Ada Lovelace"}));
    assert_signed(call, &secret, &clock);

    assert_eq!(device_call(server, Method::DELETE, &registration("phone-1"), &token, json!({})).await, 200);
    let call = &received(&receiver, 3).await[2];
    assert_eq!((call.path.as_str(), &body_of(call)["event"]), ("/v1/pass/uninstall", &json!("uninstall")));

    // Down, then up: the delivery is retried on its schedule and arrives.
    receiver.answer(503);
    assert_eq!(
        device_call(server, Method::POST, &registration("phone-2"), &token, json!({"pushToken": "bb"})).await,
        201
    );
    let pending = deliveries_until(server, project, "pending", |d| d.first().is_some_and(|d| d["attempts"] == 1)).await;
    assert_eq!((&pending[0]["event"], &pending[0]["lastStatus"]), (&json!("install"), &json!(503)), "{pending:?}");
    assert_eq!(pending[0]["lastError"], "the receiver answered 503");
    received(&receiver, 4).await;
    receiver.answer(200);
    clock.advance(HOUR);
    let calls = received(&receiver, 5).await;
    assert_eq!(calls[4].path, "/v1/pass/install");
    assert_eq!(calls[4].body, calls[3].body, "the same delivery, sent again");
    assert_signed(&calls[4], &secret, &clock);
    deliveries_until(server, project, "pending", <[Value]>::is_empty).await;

    // Down past the retry window: the delivery is kept as dead, listed, and sent again.
    receiver.answer(503);
    assert_eq!(device_call(server, Method::DELETE, &registration("phone-2"), &token, json!({})).await, 200);
    deliveries_until(server, project, "pending", |d| d.first().is_some_and(|d| d["attempts"] == 1)).await;
    clock.advance(27 * HOUR);
    let dead = deliveries_until(server, project, "dead", |d| !d.is_empty()).await;
    assert_eq!(
        (&dead[0]["event"], &dead[0]["attempts"], &dead[0]["state"]),
        (&json!("uninstall"), &json!(2), &json!("dead"))
    );
    assert_eq!(dead[0]["lastError"], "the receiver answered 503");
    assert_eq!(dead[0]["body"]["serialNumber"], serial.as_str());
    receiver.answer(200);
    let seen = receiver.received().len();
    let delivery = dead[0]["id"].as_str().unwrap();
    let resend = format!("/v1/project/{project}/settings/callback/deliveries/{delivery}/resend");
    let resent = expect_json(server.api(Method::POST, &resend).send().await.unwrap(), 200).await;
    assert_eq!((&resent["state"], &resent["attempts"]), (&json!("pending"), &json!(0)));
    let calls = received(&receiver, seen + 1).await;
    assert_eq!(calls[seen].path, "/v1/pass/uninstall");
    deliveries_until(server, project, "dead", <[Value]>::is_empty).await;
    expect_error(server.api(Method::POST, &resend).send().await.unwrap(), 404, "not_found", None).await;
    let bad_state = format!("/v1/project/{project}/settings/callback/deliveries?state=lost");
    expect_error(server.api(Method::GET, &bad_state).send().await.unwrap(), 400, "invalid_request", Some("state"))
        .await;

    // A rotated secret: both sign for a grace period. Voiding the pass says so.
    let rotated = json!({"baseUrl": receiver.base, "headers": {"X-Integrator-Key": "abc123"}, "rotateSecret": true});
    let rotated = expect_json(set(rotated).await.unwrap(), 200).await;
    let new_secret = rotated["signingSecret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert!(rotated["previousSecretSignsUntil"].is_string(), "{rotated}");
    let void = json!({"headers": {"expirationDate": {"value": "2030-01-01T00:00:00Z", "label": "voided"}}});
    expect_json(server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&void).send().await.unwrap(), 200).await;
    let calls = received(&receiver, seen + 2).await;
    let call = &calls[seen + 1];
    assert_eq!(
        (call.path.as_str(), &body_of(call)["event"]),
        (format!("/v1/pass/{id}/deactivate").as_str(), &json!("deactivate"))
    );
    assert_signed(call, &new_secret, &clock);
    assert_signed(call, &secret, &clock);
    assert_eq!(call.headers["tessera-signature"].matches("v1=").count(), 2);
    // The grace period over, the old secret signs no more.
    clock.advance(25 * HOUR);
    assert_eq!(
        device_call(server, Method::POST, &registration("phone-3"), &token, json!({"pushToken": "cc"})).await,
        201
    );
    let call = &received(&receiver, seen + 3).await[seen + 2];
    assert_eq!(call.headers["tessera-signature"].matches("v1=").count(), 1);
    assert_signed(call, &new_secret, &clock);

    // Callbacks removed: events are no longer queued.
    expect_json(server.api(Method::DELETE, &settings_path).send().await.unwrap(), 200).await;
    expect_error(get_settings().await.unwrap(), 404, "not_found", None).await;
    assert_eq!(
        device_call(server, Method::POST, &registration("phone-4"), &token, json!({"pushToken": "dd"})).await,
        201
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), seen + 3, "nothing after the settings are gone");
}

/// Google's save and delete callbacks, checked against the keys Google publishes (the fake
/// serves the test's root): the pass counts as installed, then uninstalled, and the project's
/// receiver hears `install` and `uninstall` from `google`. Google's repeats change nothing;
/// forged, misaddressed and expired messages are refused and change nothing.
pub async fn google_saves_and_deletes_are_installs(setup: &GoogleSetup) {
    use tessera::ports::Clock;
    let server = &setup.server;
    let signer = GoogleSigner::generate();
    setup.google.publish_callback_keys(signer.keys());
    let receiver = CallbackReceiver::start(0);
    let template = server.create_template(&google_small_template()).await;
    let (template_id, project) = (template["id"].as_u64().unwrap(), template["projectId"].as_u64().unwrap());
    let settings = json!({"baseUrl": receiver.base});
    let settings = server.api(Method::POST, &format!("/v1/project/{project}/settings/callback")).json(&settings);
    let secret = expect_json(settings.send().await.unwrap(), 200).await["signingSecret"].as_str().unwrap().to_string();
    let pass = server.create_pass(template_id, &json!({})).await;
    let (id, serial) = (pass["id"].as_u64().unwrap(), pass["serialNumber"].as_str().unwrap().to_string());
    let status = || async {
        expect_json(server.api(Method::GET, &format!("/v1/pass/{id}")).send().await.unwrap(), 200).await["status"]
            .clone()
    };

    let now = tessera::ports::SystemClock.now();
    let (class_id, object_id) =
        (format!("{ISSUER_ID}.tessera-template-{template_id}"), format!("{ISSUER_ID}.{serial}"));
    let (later, key_expiry) = (now + HOUR, now + 24 * HOUR);
    let saved = message(&class_id, &object_id, "save", later, "nonce-1");
    let post = |body: &Value| server.anonymous(Method::POST, "/v1/google/callback").json(body).send();
    let mut tampered = signer.callback(ISSUER_ID, &saved, key_expiry);
    tampered["signedMessage"] = json!(message(&class_id, &object_id, "del", later, "nonce-1").to_string());
    let refused = [
        signer.callback("3388000000000000000", &saved, key_expiry),
        tampered,
        signer.callback(ISSUER_ID, &message(&class_id, &object_id, "save", now - 1000, "nonce-2"), key_expiry),
        signer.callback(ISSUER_ID, &saved, now - 1000),
        GoogleSigner::generate().callback(ISSUER_ID, &saved, key_expiry),
    ];
    for body in &refused {
        expect_error(post(body).await.unwrap(), 400, "invalid_request", Some("signedMessage")).await;
    }
    assert_eq!(status().await, "not_been_installed", "refused callbacks change nothing");
    let unsigned = json!({"protocolVersion": "ECv2SigningOnly", "signedMessage": saved.to_string()});
    expect_error(post(&unsigned).await.unwrap(), 400, "invalid_request", Some("signedMessage")).await;

    let save = signer.callback(ISSUER_ID, &saved, key_expiry);
    assert_eq!(expect_json(post(&save).await.unwrap(), 200).await["status"], "recorded");
    let call = &received(&receiver, 1).await[0];
    let event = body_of(call);
    assert_eq!(
        (call.path.as_str(), &event["event"], &event["platform"], &event["passId"]),
        ("/v1/pass/install", &json!("install"), &json!("google"), &json!(id))
    );
    let header = &call.headers["tessera-signature"];
    let at = tessera::ports::SystemClock.now() / 1000;
    assert_eq!(callback_signature::verify(header, &call.body, secret.as_bytes(), at, 300), Ok(()));
    assert_eq!(status().await, "installed");
    assert_eq!(expect_json(post(&save).await.unwrap(), 200).await["status"], "already recorded", "Google's retry");

    let deleted = signer.callback(ISSUER_ID, &message(&class_id, &object_id, "del", later, "nonce-3"), key_expiry);
    assert_eq!(expect_json(post(&deleted).await.unwrap(), 200).await["status"], "recorded");
    let calls = received(&receiver, 2).await;
    assert_eq!((calls[1].path.as_str(), &body_of(&calls[1])["platform"]), ("/v1/pass/uninstall", &json!("google")));
    assert_eq!(status().await, "uninstalled");

    // Classes Tessera writes tell Google where to call.
    let update = server.api(Method::PUT, &format!("/v1/pass/{id}")).json(&json!({"fields": {"Seat": {"value": "9"}}}));
    expect_json(update.send().await.unwrap(), 200).await;
    crate::google_flows::synced(server, id, 2).await;
    let class = setup.google.resource(&format!("genericClass/{class_id}")).expect("the class, written with the object");
    let url = format!("{}/v1/google/callback", crate::google_flows::CALLBACKS_PUBLIC_URL);
    assert_eq!(class["callbackOptions"], json!({"url": url}));

    let stranger = message(&class_id, &format!("{ISSUER_ID}.no-such-serial"), "save", later, "nonce-4");
    let answer = expect_json(post(&signer.callback(ISSUER_ID, &stranger, key_expiry)).await.unwrap(), 200).await;
    assert_eq!(answer["status"], "no such pass");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), 2, "repeats and strangers are not events");
}
