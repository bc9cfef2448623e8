//! The callback sender against a local receiver: a signed POST arrives with its headers and
//! body, a receiver's error status is reported as such, and the guards refuse plain http and
//! private addresses unless the operator allows them (local testing).

use std::time::Duration;

use tessera::ports::{FetchPolicy, Outbound, WebhookSender};
use tessera::service::callback_signature;
use tessera::web::GuardedWebhookSender;
use tessera_tests::callback_receiver::CallbackReceiver;

fn local_testing() -> FetchPolicy {
    FetchPolicy { timeout: Duration::from_secs(5), allow_private: true, allow_http: true, ..FetchPolicy::default() }
}

#[tokio::test]
async fn signed_callbacks_reach_a_receiver_and_its_errors_come_back() {
    let receiver = CallbackReceiver::start(200_000);
    let sender = GuardedWebhookSender::new(local_testing());
    let body = br#"{"passId":7,"serialNumber":"S-7","platform":"ios"}"#.to_vec();
    let signature = callback_signature::sign(&[b"project-secret"], 1_800_000_000, &body);
    let request = Outbound {
        url: format!("{}/v1/pass/install", receiver.base),
        headers: vec![(callback_signature::HEADER.into(), signature), ("X-Integrator-Key".into(), "abc123".into())],
        body: body.clone(),
    };
    assert_eq!(sender.post(&request).await, Ok(200), "a 200 KB answer is read only in part, and the call ends");
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/v1/pass/install");
    assert_eq!(got[0].body, body);
    assert_eq!(got[0].headers["content-type"], "application/json");
    assert_eq!(got[0].headers["x-integrator-key"], "abc123");
    let header = &got[0].headers["tessera-signature"];
    assert_eq!(callback_signature::verify(header, &got[0].body, b"project-secret", 1_800_000_030, 300), Ok(()));

    receiver.answer(503);
    assert_eq!(sender.post(&request).await, Ok(503), "a receiver that is down says so");

    let guarded = GuardedWebhookSender::new(FetchPolicy::default());
    let refused = guarded.post(&request).await.unwrap_err();
    assert!(refused.contains("https"), "{refused}");
    let private = Outbound { url: "https://127.0.0.1:9/v1/pass/install".into(), ..request.clone() };
    let refused = guarded.post(&private).await.unwrap_err();
    assert!(refused.contains("private or local"), "{refused}");
    assert!(!refused.contains("abc123"), "headers never show in errors: {refused}");
    assert_eq!(receiver.received().len(), 2, "the refused calls never left");
}
