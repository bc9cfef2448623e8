//! Certificates through the API: a .p12 uploaded signs the next pass (checked by OpenSSL
//! against the certificate's own root), renews in place, shows its expiry in health, refuses
//! deletion while templates use it; bad uploads are refused naming the field.

use std::path::Path;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{TestServer, event_template, expect_error, expect_json};

const PASS_TYPE: &str = "pass.dev.tessera.certified";

fn base64_file(path: &Path) -> String {
    base64::engine::general_purpose::STANDARD.encode(std::fs::read(path).unwrap())
}

/// An identity made with the openssl CLI (its own root; valid 30 days), as a .p12.
fn identity(dir: &Path, pass_type_id: &str, team: &str, legacy: bool) -> (String, std::path::PathBuf) {
    let id = crate::make_openssl_identity(dir, pass_type_id, team);
    let p12 = crate::export_p12(&id, "p12-Secret", legacy);
    (base64_file(&p12), id.join("root.pem"))
}

/// The team the server's identities must belong to, if it names one.
fn team(server: &TestServer) -> String {
    server.app.config.team_id.clone().unwrap_or_else(|| "CERTTEAM01".into())
}

async fn upload(server: &TestServer, method: Method, path: &str, body: &Value) -> Value {
    expect_json(server.api(method, path).json(body).send().await.unwrap(), 200).await
}

/// Downloads a pass and checks its signature against `root` with OpenSSL.
async fn signed_by(server: &TestServer, pass: u64, root: &Path) {
    let response = server.api(Method::GET, &format!("/v1/pass/{pass}/download")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("pass.pkpass");
    std::fs::write(&file, response.bytes().await.unwrap()).unwrap();
    let extracted = crate::unzip(&file, &work.path().join("x"));
    crate::assert_manifest_matches(&extracted);
    crate::assert_signature_verifies(&extracted, root);
}

/// Upload (legacy .p12, as Keychain Access writes), sign, renew (OpenSSL 3's .p12), sign
/// again; health shows the expiry; deletion is refused while a template uses it.
pub async fn certificates_sign_renew_and_show_in_health(server: &TestServer) {
    let work = tempfile::tempdir().unwrap();
    let (p12, first_root) = identity(&work.path().join("first"), PASS_TYPE, &team(server), true);
    let body = json!({"vendor": "apple", "name": "Tickets", "certificate": p12, "password": "p12-Secret"});
    let created = upload(server, Method::POST, "/v1/certificates", &body).await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!((created["passTypeId"].as_str(), created["vendor"].as_str()), (Some(PASS_TYPE), Some("apple")));
    assert_eq!(created["teamId"], team(server));
    assert!((29..=30).contains(&created["daysLeft"].as_i64().unwrap()), "{created}");
    assert_eq!(created["expiring"], true, "30 days left is within the warning");
    let shown = created.to_string();
    assert!(!shown.contains("PRIVATE") && !shown.contains("p12-Secret"), "no key, no password: {shown}");

    let mut template = event_template();
    template["passTypeIdentifier"] = json!(PASS_TYPE);
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    let before = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    signed_by(server, before, &first_root).await;

    // Renewed in place with a new key from another root: the next signature uses it.
    let (renewal, second_root) = identity(&work.path().join("second"), PASS_TYPE, &team(server), false);
    let body = json!({"vendor": "apple", "certificate": renewal, "password": "p12-Secret"});
    let renewed = upload(server, Method::PUT, &format!("/v1/certificates/{id}"), &body).await;
    assert_eq!((renewed["id"].as_u64(), renewed["name"].as_str()), (Some(id), Some("Tickets")), "kept its name");
    let after = server.create_pass(template_id, &json!({})).await["id"].as_u64().unwrap();
    signed_by(server, after, &second_root).await;
    let changed =
        server.api(Method::PUT, &format!("/v1/pass/{before}")).json(&json!({"fields": {"Seat": {"value": "9"}}}));
    expect_json(changed.send().await.unwrap(), 200).await;
    signed_by(server, before, &second_root).await;
    // Posting the same pass type again renews the same record too.
    let again = upload(server, Method::POST, "/v1/certificates", &body).await;
    assert_eq!(again["id"].as_u64(), Some(id));

    let health = expect_json(server.api(Method::GET, "/v1/health").send().await.unwrap(), 200).await;
    assert_eq!(health["status"], "warning", "{health}");
    assert_eq!(
        (health["checks"]["store"]["status"].as_str(), health["checks"]["blobs"]["status"].as_str()),
        (Some("ok"), Some("ok"))
    );
    let listed = health["certificates"].as_array().unwrap();
    assert!(listed.iter().any(|c| c["id"].as_u64() == Some(id) && c["expiring"] == true), "{health}");
    assert!(health["warnings"][0].as_str().unwrap().contains("expires in"), "{health}");

    let refused = server.api(Method::DELETE, &format!("/v1/certificates/{id}")).send().await.unwrap();
    let refusal = expect_error(refused, 409, "conflict", None).await;
    assert!(refusal["error"]["message"].as_str().unwrap().contains("1 templates"), "{refusal}");

    // An unused one is deleted with its key.
    let other_type = "pass.dev.tessera.unused";
    let (p12, _) = identity(&work.path().join("unused"), other_type, &team(server), false);
    let body = json!({"vendor": "apple", "certificate": p12, "password": "p12-Secret"});
    let unused = upload(server, Method::POST, "/v1/certificates", &body).await["id"].as_u64().unwrap();
    assert!(server.app.secrets.signing_identity(other_type).await.unwrap().is_some());
    expect_json(server.api(Method::DELETE, &format!("/v1/certificates/{unused}")).send().await.unwrap(), 200).await;
    let gone = server.api(Method::GET, &format!("/v1/certificates/{unused}")).send().await.unwrap();
    expect_error(gone, 404, "not_found", None).await;
    assert!(server.app.secrets.signing_identity(other_type).await.unwrap().is_none(), "the key went with it");
    let listed = expect_json(server.api(Method::GET, "/v1/certificates").send().await.unwrap(), 200).await;
    assert_eq!(listed["count"], 1, "{listed}");

    // The Google Wallet account: uploaded, then renewed in place.
    let key = crate::google_fake::TestServiceAccount::generate().key_json;
    let body = json!({"vendor": "google", "issuerId": "3388000000012345678", "serviceAccount": key});
    let google = upload(server, Method::POST, "/v1/certificates", &body).await;
    assert_eq!((google["vendor"].as_str(), google["issuerId"].as_str()), (Some("google"), Some("3388000000012345678")));
    assert!(!google.to_string().contains("PRIVATE"), "{google}");
    let again = upload(server, Method::POST, "/v1/certificates", &body).await;
    assert_eq!(again["id"], google["id"]);
}

/// Bad uploads are refused naming the field, and take no id.
pub async fn bad_certificates_are_refused(server: &TestServer) {
    let work = tempfile::tempdir().unwrap();
    let (p12, _) = identity(&work.path().join("good"), "pass.dev.tessera.checks", &team(server), false);
    let id = crate::make_openssl_identity(&work.path().join("bare"), "pass.dev.tessera.bare", &team(server));
    let bare = id.join("bare.p12");
    let status = std::process::Command::new("openssl")
        .current_dir(&id)
        .args(["pkcs12", "-export", "-inkey", "private-key.pem", "-in", "certificate.pem", "-out"])
        .arg(&bare)
        .args(["-passout", "pass:pw"])
        .status()
        .unwrap();
    assert!(status.success());
    let good = json!({"vendor": "apple", "certificate": p12, "password": "p12-Secret"});
    let first = upload(server, Method::POST, "/v1/certificates", &good).await["id"].as_u64().unwrap();
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body
    };
    for (body, field) in [
        (with("vendor", json!("samsung")), "vendor"),
        (with("certificate", json!("%%% not base64")), "certificate"),
        (with("certificate", json!("bm90IGEgcDEy")), "certificate"),
        (with("password", json!("guess")), "password"),
        (json!({"vendor": "apple", "certificate": base64_file(&bare), "password": "pw"}), "wwdr"),
        (json!({"vendor": "apple"}), "certificate"),
        (json!({"vendor": "google", "issuerId": "12", "serviceAccount": {"type": "x"}}), "serviceAccount"),
        (json!({"vendor": "google", "serviceAccount": {}}), "issuerId"),
        (with("name", json!("")), "name"),
    ] {
        let refused = server.api(Method::POST, "/v1/certificates").json(&body).send().await.unwrap();
        let error = expect_error(refused, 400, "invalid_request", Some(field)).await;
        assert!(!error.to_string().contains("guess"), "the password never shows: {error}");
    }
    let (other, _) = identity(&work.path().join("other"), "pass.dev.tessera.other", &team(server), false);
    let body = json!({"vendor": "apple", "certificate": other, "password": "p12-Secret"});
    let refused = server.api(Method::PUT, &format!("/v1/certificates/{first}")).json(&body).send().await.unwrap();
    expect_error(refused, 400, "invalid_request", Some("certificate")).await;
    let missing = server.api(Method::PUT, "/v1/certificates/999999").json(&good).send().await.unwrap();
    expect_error(missing, 404, "not_found", None).await;
    let second = upload(server, Method::POST, "/v1/certificates", &body).await["id"].as_u64().unwrap();
    assert_eq!(second, first + 1, "refused uploads took no id");
}

/// On a clock moved past the certificate's end: signing is refused with a clear error, and
/// health says it expired.
pub async fn expired_certificates_sign_nothing(
    start: i64,
    clock: std::sync::Arc<tessera::ports::ManualClock>,
    server: &TestServer,
) {
    let work = tempfile::tempdir().unwrap();
    let (p12, _) = identity(&work.path().join("expiring"), PASS_TYPE, &team(server), false);
    let body = json!({"vendor": "apple", "certificate": p12, "password": "p12-Secret"});
    upload(server, Method::POST, "/v1/certificates", &body).await;
    // The certificate was made after the clock's start: move past its beginning.
    clock.set(start + 60_000);
    let mut template = event_template();
    template["passTypeIdentifier"] = json!(PASS_TYPE);
    let template_id = server.create_template(&template).await["id"].as_u64().unwrap();
    server.create_pass(template_id, &json!({})).await;

    clock.set(start + 31 * 24 * 3_600_000);
    let refused = server.api(Method::POST, &format!("/v1/pass/{template_id}")).json(&json!({})).send().await.unwrap();
    let error = expect_error(refused, 409, "not_configured", None).await;
    assert!(error["error"]["message"].as_str().unwrap().contains("expired on"), "{error}");
    let health = expect_json(server.api(Method::GET, "/v1/health").send().await.unwrap(), 200).await;
    assert_eq!(health["certificates"][0]["expired"], true, "{health}");
    assert!(health["warnings"][0].as_str().unwrap().contains("has expired"), "{health}");
}

/// On AWS the expiry warning is an EventBridge Scheduler schedule (on moto) for the timer
/// worker.
pub async fn certificate_expiry_is_scheduled_on_aws(server: &TestServer) {
    let resources = server.aws.as_ref().expect("an AWS test server");
    let work = tempfile::tempdir().unwrap();
    let (p12, _) = identity(&work.path().join("aws"), "pass.dev.tessera.scheduled", &team(server), false);
    let body = json!({"vendor": "apple", "certificate": p12, "password": "p12-Secret"});
    let id = upload(server, Method::POST, "/v1/certificates", &body).await["id"].as_u64().unwrap();
    let scheduler = crate::moto::clients().await.scheduler;
    let name = format!("{}-certificate-expiry-{id}", resources.table);
    let timer = scheduler.get_schedule().name(&name).send().await.expect("an expiry warning schedule");
    let input: Value = serde_json::from_str(timer.target().unwrap().input().unwrap_or_default()).unwrap();
    assert_eq!(input, json!({"job": "certificateExpiry", "certificateId": id}));
    tessera_functions::lambda::run_timer_event(&server.app, &input).await.unwrap();
    let next = scheduler.get_schedule().name(&name).send().await.expect("the next day's warning");
    assert_ne!(next.schedule_expression(), timer.schedule_expression(), "moved a day on");
    expect_json(server.api(Method::DELETE, &format!("/v1/certificates/{id}")).send().await.unwrap(), 200).await;
    assert!(scheduler.get_schedule().name(&name).send().await.is_err(), "a deleted certificate's timer is gone");
}

/// Uploads of one pass type racing each other make one record, which they all renew.
pub async fn racing_uploads_make_one_record(server: &TestServer) {
    let work = tempfile::tempdir().unwrap();
    let (p12, _) = identity(&work.path().join("raced"), "pass.dev.tessera.raced", &team(server), false);
    let body = json!({"vendor": "apple", "certificate": p12, "password": "p12-Secret"});
    let uploads: Vec<_> = (0..4)
        .map(|_| {
            let request = server.api(Method::POST, "/v1/certificates").json(&body).send();
            tokio::spawn(request)
        })
        .collect();
    let mut ids = Vec::new();
    for upload in uploads {
        let response = upload.await.unwrap().unwrap();
        ids.push(expect_json(response, 200).await["id"].as_u64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one record: {ids:?}");
    let listed = expect_json(server.api(Method::GET, "/v1/certificates").send().await.unwrap(), 200).await;
    let raced =
        listed["certificates"].as_array().unwrap().iter().filter(|c| c["passTypeId"] == "pass.dev.tessera.raced");
    assert_eq!(raced.count(), 1, "{listed}");
}

/// The daily expiry warning is also a `certificateExpiring` callback, signed, to every
/// project that has callbacks (the server must allow local receivers).
pub async fn certificate_expiry_is_a_callback(server: &TestServer) {
    use crate::callback_flows::{body_of, received};
    let receiver = crate::callback_receiver::CallbackReceiver::start(0);
    let project = json!({"name": "Warned", "projectType": "generic", "description": "Warned"});
    let project = upload(server, Method::POST, "/v1/project", &project).await["id"].as_u64().unwrap();
    let settings = json!({"baseUrl": receiver.base});
    let settings = upload(server, Method::POST, &format!("/v1/project/{project}/settings/callback"), &settings).await;
    let secret = settings["signingSecret"].as_str().unwrap().to_string();
    let work = tempfile::tempdir().unwrap();
    let (p12, _) = identity(&work.path().join("warned"), "pass.dev.tessera.warned", &team(server), false);
    let body = json!({"vendor": "apple", "certificate": p12, "password": "p12-Secret"});
    let id = upload(server, Method::POST, "/v1/certificates", &body).await["id"].as_u64().unwrap();

    let job = json!({"job": "certificateExpiry", "certificateId": id});
    tessera_functions::lambda::run_timer_event(&server.app, &job).await.unwrap();
    let call = &received(&receiver, 1).await[0];
    assert_eq!(call.path, "/v1/certificate/expiring");
    let event = body_of(call);
    assert_eq!(
        (&event["event"], &event["certificateId"], &event["passTypeId"], &event["projectId"]),
        (&json!("certificateExpiring"), &json!(id), &json!("pass.dev.tessera.warned"), &json!(project)),
    );
    // 30 days from now, less the days the test clock has moved on.
    assert!((25..=30).contains(&event["daysLeft"].as_i64().unwrap()), "{event}");
    let now = server.app.clock.now() / 1000;
    let header = &call.headers["tessera-signature"];
    assert_eq!(tessera::service::callback_signature::verify(header, &call.body, secret.as_bytes(), now, 300), Ok(()));
}
