//! The production APNs pusher against a local HTTP/2 server that demands a client certificate
//! (`FakeApns`): what reaches APNs for a push, and what each answer means.

use std::sync::Arc;

use tessera::aws::apns::{ApnsOptions, ApnsPusher, Priority, PushType};
use tessera::embedded::FileSecrets;
use tessera::pkpass::SigningIdentity;
use tessera::pkpass::der::pem_blocks;
use tessera::ports::{PushOutcome, Pusher, Secrets, StoredIdentity};
use tessera_tests::apns_fake::FakeApns;
use tessera_tests::make_openssl_identity;

const TOPIC: &str = "pass.com.example.apns";

/// Secrets holding an openssl-made identity for [`TOPIC`], and its certificate's DER.
async fn secrets_with_identity(dir: &std::path::Path) -> (Arc<dyn Secrets>, Vec<u8>) {
    let identity_dir = make_openssl_identity(&dir.join("identity"), TOPIC, "TEAM123456");
    let read = |name: &str| std::fs::read(identity_dir.join(name)).unwrap();
    let identity =
        SigningIdentity::from_pem(&read("certificate.pem"), &read("private-key.pem"), &read("wwdr.pem")).unwrap();
    let secrets = FileSecrets::new(&dir.join("secrets"));
    secrets.put_signing_identity(TOPIC, &StoredIdentity::from_identity(&identity).unwrap()).await.unwrap();
    let certificate = pem_blocks(&read("certificate.pem"), "CERTIFICATE").remove(0).unwrap();
    (Arc::new(secrets), certificate)
}

fn token(byte: char) -> String {
    std::iter::repeat_n(byte, 64).collect()
}

#[tokio::test]
async fn pushes_reach_apns_over_http2_with_the_pass_type_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (secrets, certificate) = secrets_with_identity(dir.path()).await;
    let apns = FakeApns::start(&dir.path().join("apns")).await;
    let options = ApnsOptions {
        push_type: Some(PushType::Background),
        priority: Some(Priority::Normal),
        endpoint: apns.endpoint(),
    };
    let pusher = ApnsPusher::new(secrets, options);

    assert_eq!(pusher.push(&token('a'), TOPIC).await, PushOutcome::Delivered);
    let pushes = apns.pushes();
    assert_eq!(pushes.len(), 1);
    let push = &pushes[0];
    assert_eq!((push.method.as_str(), push.path.as_str()), ("POST", format!("/3/device/{}", token('a')).as_str()));
    assert_eq!(push.http_version, "HTTP/2.0");
    assert_eq!(push.headers.get("apns-topic").map(String::as_str), Some(TOPIC));
    assert_eq!(push.headers.get("apns-push-type").map(String::as_str), Some("background"));
    assert_eq!(push.headers.get("apns-priority").map(String::as_str), Some("5"));
    let payload: serde_json::Value = serde_json::from_slice(&push.body).unwrap();
    assert_eq!(payload, serde_json::json!({}), "Wallet's pushes carry no data");
    assert_eq!(push.client_certificate, certificate, "the pass type's certificate authenticates the push");

    apns.answer(&token('b'), 410, "Unregistered");
    apns.answer(&token('c'), 400, "BadDeviceToken");
    apns.answer(&token('d'), 400, "DeviceTokenNotForTopic");
    apns.answer(&token('e'), 429, "TooManyRequests");
    apns.answer(&token('f'), 403, "BadCertificate");
    assert_eq!(pusher.push(&token('b'), TOPIC).await, PushOutcome::DeadToken);
    assert_eq!(pusher.push(&token('c'), TOPIC).await, PushOutcome::DeadToken);
    assert_eq!(pusher.push(&token('d'), TOPIC).await, PushOutcome::DeadToken);
    assert_eq!(pusher.push(&token('e'), TOPIC).await, PushOutcome::RetryLater);
    let forbidden = pusher.push(&token('f'), TOPIC).await;
    assert!(
        matches!(&forbidden, PushOutcome::Failed(m) if m.contains("403") && m.contains("BadCertificate")),
        "{forbidden:?}"
    );
    assert_eq!(apns.pushes().len(), 6);
    assert_eq!(apns.connections(), 1, "one connection per pass type, reused");
}

#[tokio::test]
async fn tokens_that_are_not_hex_never_reach_apns() {
    let dir = tempfile::tempdir().unwrap();
    let (secrets, _) = secrets_with_identity(dir.path()).await;
    let apns = FakeApns::start(&dir.path().join("apns")).await;
    let pusher = ApnsPusher::new(secrets, ApnsOptions { endpoint: apns.endpoint(), ..ApnsOptions::default() });
    for bad in ["", "../../3/device/aa", "aa bb", "aa?x=1", "zz"] {
        assert_eq!(pusher.push(bad, TOPIC).await, PushOutcome::DeadToken, "{bad:?}");
    }
    assert!(apns.pushes().is_empty());

    assert_eq!(pusher.push(&token('a'), TOPIC).await, PushOutcome::Delivered);
    let headers = &apns.pushes()[0].headers;
    assert!(!headers.contains_key("apns-push-type") && !headers.contains_key("apns-priority"), "unset: APNs decides");
}

#[tokio::test]
async fn a_server_without_a_trusted_certificate_gets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (secrets, _) = secrets_with_identity(dir.path()).await;
    let apns = FakeApns::start(&dir.path().join("apns")).await;
    let pusher =
        ApnsPusher::new(secrets.clone(), ApnsOptions { endpoint: apns.untrusted_endpoint(), ..ApnsOptions::default() });
    assert_eq!(pusher.push(&token('a'), TOPIC).await, PushOutcome::RetryLater);
    assert!(apns.pushes().is_empty());

    let pusher = ApnsPusher::new(secrets, ApnsOptions { endpoint: apns.endpoint(), ..ApnsOptions::default() });
    let unknown = pusher.push(&token('a'), "pass.com.example.unknown").await;
    assert!(matches!(&unknown, PushOutcome::Failed(m) if m.contains("no signing identity")), "{unknown:?}");
    assert!(apns.pushes().is_empty());
}
