//! `tessera serve`, the README's first command, run as a process: the first-run API key,
//! graceful shutdown, and logs that never show link tokens.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tessera_tests::token_flows::bearer_status;

pub(crate) struct Server {
    pub(crate) child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    pub(crate) base: String,
}

impl Server {
    fn start(data_dir: &Path, api_key: Option<&str>) -> Server {
        Server::start_with(data_dir, api_key, &[])
    }

    pub(crate) fn start_with(data_dir: &Path, api_key: Option<&str>, env: &[(&str, &str)]) -> Server {
        Server::start_with_args(data_dir, api_key, env, &[])
    }

    fn start_with_args(data_dir: &Path, api_key: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
        command
            .arg("serve")
            .args(args)
            .env("TESSERA_DATA_DIR", data_dir)
            .env("PORT", port.to_string())
            .env("NO_COLOR", "1");
        command
            .env_remove("TESSERA_API_KEY")
            .env_remove("TESSERA_PUBLIC_URL")
            .env_remove("TESSERA_BACKEND")
            .env_remove("TESSERA_PUSHER");
        command.envs(env.iter().copied());
        if let Some(key) = api_key {
            command.env("TESSERA_API_KEY", key);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let mut server = Server { child, lines, seen: Vec::new(), base: format!("http://127.0.0.1:{port}") };
        server.wait_for("Tessera is listening");
        server
    }

    pub(crate) fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(line) = self.seen.iter().find(|l| l.contains(text)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("no line with {text:?}; output so far: {:#?}", self.seen),
            }
        }
    }

    /// SIGTERM, then the exit status and all output.
    pub(crate) fn stop(mut self) -> (std::process::ExitStatus, String) {
        Command::new("kill").arg(self.child.id().to_string()).status().unwrap();
        let status = self.child.wait().unwrap();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.seen.push(line);
        }
        (status, self.seen.join("\n"))
    }
}

impl Drop for Server {
    /// A test that fails midway leaves no server running.
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn field<'a>(line: &'a str, label: &str) -> &'a str {
    line.split(label).nth(1).unwrap().split_whitespace().next().unwrap()
}

pub(crate) async fn call(
    base: &str,
    key: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let (id, secret) = key.split_once(':').unwrap();
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .basic_auth(id, Some(secret))
        .header("Api-Revision", "1.2");
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_first_run_prints_a_key_once_and_stops_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), None);
    let key_id = field(&server.wait_for("key id:"), "key id:").to_string();
    let secret = field(&server.wait_for("secret:"), "secret:").to_string();
    let key = format!("{key_id}:{secret}");
    let listed = call(&server.base, &key, reqwest::Method::GET, "/v1/template", None).await;
    assert_eq!(listed.status(), 200);
    let (status, _) = server.stop();
    assert!(status.success(), "SIGTERM ends the server cleanly: {status}");

    let server = Server::start(data.path(), None);
    assert_eq!(
        call(&server.base, &key, reqwest::Method::GET, "/v1/template", None).await.status(),
        200,
        "the key survives a restart"
    );
    let (_, output) = server.stop();
    assert!(!output.contains("Created an API key"), "a key is created only on first run: {output}");
    assert!(!output.contains(&secret));
}

/// Outbound HTTPS carries its own roots: a bare image (a Lambda base, a scratch container)
/// without any CA bundle starts and serves instead of panicking at start.
#[tokio::test]
async fn a_host_without_a_trust_store_starts_and_serves() {
    let data = tempfile::tempdir().unwrap();
    let key = "ops:ops-secret-0123456789abcdef";
    let no_roots = [("SSL_CERT_FILE", "/nonexistent/ca.pem"), ("SSL_CERT_DIR", "/nonexistent")];
    let server = Server::start_with(data.path(), Some(key), &no_roots);
    assert_eq!(call(&server.base, key, reqwest::Method::GET, "/v1/template", None).await.status(), 200);
    let (status, output) = server.stop();
    assert!(status.success(), "{output}");
    assert!(!output.contains("panicked"), "{output}");
}

/// Callback receivers (and image URLs) on this machine, over plain http, are refused unless
/// the operator allows them for local testing with `--allow-private-urls`.
#[tokio::test]
async fn private_urls_are_refused_unless_the_operator_allows_them() {
    let key = "ops:ops-secret-0123456789abcdef";
    for (args, expected) in [(&[][..], 400), (&["--allow-private-urls"][..], 200)] {
        let data = tempfile::tempdir().unwrap();
        let mut server = Server::start_with_args(data.path(), Some(key), &[], args);
        let project = json!({"name": "Local", "projectType": "generic", "description": "Local"});
        let project: Value =
            call(&server.base, key, reqwest::Method::POST, "/v1/project", Some(project)).await.json().await.unwrap();
        let path = format!("/v1/project/{}/settings/callback", project["id"]);
        let receiver = json!({"baseUrl": "http://127.0.0.1:9/hooks"});
        let answer = call(&server.base, key, reqwest::Method::POST, &path, Some(receiver)).await;
        assert_eq!(answer.status(), expected, "{args:?}");
        if !args.is_empty() {
            server.wait_for("callback receivers may be http and private addresses");
        }
        server.stop();
    }
}

#[tokio::test]
async fn logs_name_routes_not_tokens_or_secrets() {
    let data = tempfile::tempdir().unwrap();
    let key = "ops:ops-secret-0123456789abcdef";
    let server = Server::start(data.path(), Some(key));
    let icon =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/passes/coupon/icon.png")).unwrap();
    let template = json!({"name": "Coupons", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example",
        "headers": {"icon_image": {"value": format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&icon))}},
        "fields": {"Offer": {"fieldType": "primary", "label": "OFFER", "value": "10%"}}});
    let created: Value =
        call(&server.base, key, reqwest::Method::POST, "/v1/template", Some(template)).await.json().await.unwrap();
    let pass: Value = call(
        &server.base,
        key,
        reqwest::Method::POST,
        &format!("/v1/pass/{}", created["id"]),
        Some(json!({"publicUrl": {"type": "multiple"}})),
    )
    .await
    .json()
    .await
    .unwrap();
    let link = pass["publicUrl"]["path"].as_str().unwrap().to_string();
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 200);
    let token = link.rsplit('/').next().unwrap().to_string();
    let (_, output) = server.stop();
    assert!(output.contains("/v1/download/pass/{token}"), "the route pattern is logged: {output}");
    assert!(!output.contains(&token), "the link token never reaches the logs");
    assert!(!output.contains("ops-secret"), "the API secret never reaches the logs");
}

#[tokio::test]
async fn serve_runs_on_the_aws_backend_from_the_standard_environment() {
    let endpoint = tessera_tests::moto::endpoint();
    let names = tessera_tests::moto::unique_resources();
    let aws = [
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
        ("TESSERA_TABLE", names.table.as_str()),
        ("TESSERA_BUCKET", names.bucket.as_str()),
        ("TESSERA_SECRET_PREFIX", names.secret_prefix.as_str()),
    ];
    let data = tempfile::tempdir().unwrap();
    let bootstrap = Command::new(env!("CARGO_BIN_EXE_tessera")).args(["aws", "bootstrap"]).envs(aws).output().unwrap();
    assert!(bootstrap.status.success(), "{}", String::from_utf8_lossy(&bootstrap.stderr));
    let key = "aws:aws-secret-0123456789abcdef";
    let mut env = aws.to_vec();
    env.push(("TESSERA_BACKEND", "aws"));
    // No network to Apple here: record pushes instead of sending them.
    env.push(("TESSERA_PUSHER", "record"));
    let server = Server::start_with(data.path(), Some(key), &env);
    let template = json!({"name": "Coupons", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example",
        "fields": {"Offer": {"fieldType": "primary", "label": "OFFER", "value": "10%"}}});
    let created = call(&server.base, key, reqwest::Method::POST, "/v1/template", Some(template)).await;
    assert_eq!(created.status(), 200);
    let created: Value = created.json().await.unwrap();
    let refused =
        call(&server.base, key, reqwest::Method::POST, &format!("/v1/pass/{}", created["id"]), Some(json!({}))).await;
    let refused: Value = refused.json().await.unwrap();
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("no signing identity is configured"),
        "in AWS there is no development PKI to fall back on: {refused}"
    );
    let identity =
        tessera_tests::make_openssl_identity(&data.path().join("id"), "pass.dev.tessera.example", "TESSERA001");
    let import = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["keys", "import", "--backend", "aws", "--pass-type-id", "pass.dev.tessera.example"])
        .arg(&identity)
        .envs(aws)
        .output()
        .unwrap();
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let pass =
        call(&server.base, key, reqwest::Method::POST, &format!("/v1/pass/{}", created["id"]), Some(json!({}))).await;
    assert_eq!(pass.status(), 200);
    let pass: Value = pass.json().await.unwrap();
    let download =
        call(&server.base, key, reqwest::Method::GET, &format!("/v1/pass/{}/download", pass["id"]), None).await;
    assert_eq!(download.headers()["content-type"], "application/vnd.apple.pkpass");
    let (status, _) = server.stop();
    assert!(status.success());
    // The data really went to AWS: the template is in the table.
    let store = tessera::aws::DynamoStore::new(tessera_tests::moto::clients().await.dynamodb, &names.table);
    use tessera::ports::Store;
    assert_eq!(store.get_template(created["id"].as_u64().unwrap()).await.unwrap().unwrap().name, "Coupons");
}

fn tokens(data_dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("tokens")
        .args(args)
        .env("TESSERA_DATA_DIR", data_dir)
        .env_remove("TESSERA_BACKEND")
        .output()
        .unwrap()
}

/// `tessera tokens create|list|revoke`: a token made before the server starts is its only
/// credential (no first-run key then), works as a Bearer token, is listed without its secret,
/// and stops working once revoked; the last one is kept.
#[tokio::test]
async fn operators_create_list_and_revoke_bearer_tokens() {
    let data = tempfile::tempdir().unwrap();
    let created = tokens(data.path(), &["create", "--name", "ticketing backend"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let stdout = String::from_utf8(created.stdout).unwrap();
    let first = stdout.lines().last().unwrap().trim().to_string();
    assert!(first.starts_with("tess_"), "{stdout}");
    let first_id = first.rsplit_once('_').unwrap().0.to_string();

    let server = Server::start(data.path(), None);
    assert_eq!(bearer_status(&server.base, &first).await, 200);
    assert_eq!(bearer_status(&server.base, &format!("{first_id}_{}", "0".repeat(64))).await, 401, "a wrong secret");

    let listed = String::from_utf8(tokens(data.path(), &["list"]).stdout).unwrap();
    assert!(listed.contains(&first_id) && listed.contains("ticketing backend"), "{listed}");
    assert!(!listed.contains(&first[first_id.len() + 1..]), "the secret is never shown again");
    let last = tokens(data.path(), &["revoke", &first_id]);
    assert_eq!(last.status.code(), Some(1), "the last token is kept");
    assert!(String::from_utf8_lossy(&last.stderr).contains("last API key"));

    let second = String::from_utf8(tokens(data.path(), &["create", "--name", "rotation"]).stdout).unwrap();
    let second = second.lines().last().unwrap().trim().to_string();
    assert!(tokens(data.path(), &["revoke", &first_id]).status.success());
    assert_eq!(bearer_status(&server.base, &first).await, 401, "revoked, also for the running server");
    assert_eq!(bearer_status(&server.base, &second).await, 200);
    let (_, output) = server.stop();
    assert!(!output.contains(&second) && !output.contains(&first), "tokens never reach the logs");
    assert!(!output.contains("Created an API key"), "a token is a credential: no first-run key: {output}");
}

/// Reads from a raw connection until the server closes it or `within` passes; what it sent.
fn read_until_closed(stream: &mut std::net::TcpStream, within: Duration) -> (bool, String) {
    use std::io::Read;
    stream.set_read_timeout(Some(within)).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return (true, String::from_utf8_lossy(&received).into_owned()),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => {
                return (true, String::from_utf8_lossy(&received).into_owned());
            }
            Err(_) => return (false, String::from_utf8_lossy(&received).into_owned()),
        }
        if Instant::now() > deadline {
            return (false, String::from_utf8_lossy(&received).into_owned());
        }
    }
}

/// Clients that send half their headers, never send their body, or sit on a kept-alive
/// connection are cut off by the configured timeouts, each with a log line; past the
/// connection cap, new clients wait (and are served once a slot frees) rather than taking the
/// server's descriptors. Real requests are served throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_silent_and_surplus_clients_are_cut_off() {
    use std::io::Write;
    let data = tempfile::tempdir().unwrap();
    let limits = ["--header-timeout", "1", "--body-timeout", "1", "--idle-timeout", "2", "--max-connections", "3"];
    let mut server = Server::start_with_args(data.path(), Some("ops:ops-secret-0123456789abcdef"), &[], &limits);
    let address = server.base.trim_start_matches("http://").to_string();
    let connect = || std::net::TcpStream::connect(&address).unwrap();

    let mut half_headers = connect();
    half_headers.write_all(b"GET /openapi.json HTTP/1.1\r\nHost: tessera\r\n").unwrap();
    let (closed, answer) = read_until_closed(&mut half_headers, Duration::from_secs(10));
    assert!(closed && answer.is_empty(), "half-sent headers: closed without an answer ({answer:?})");
    server.wait_for("no complete request headers in time");

    let mut no_body = connect();
    no_body
        .write_all(
            b"POST /v1/log HTTP/1.1\r\nHost: tessera\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{",
        )
        .unwrap();
    let (closed, answer) = read_until_closed(&mut no_body, Duration::from_secs(10));
    assert!(closed && answer.starts_with("HTTP/1.1 408"), "an unsent body: 408 ({answer:?})");
    assert!(answer.contains("request_timeout"), "{answer}");
    server.wait_for("gave up on a request body not sent in time");

    let mut kept_alive = connect();
    kept_alive.write_all(b"GET /openapi.json HTTP/1.1\r\nHost: tessera\r\n\r\n").unwrap();
    let (closed, answer) = read_until_closed(&mut kept_alive, Duration::from_secs(10));
    assert!(
        closed && answer.starts_with("HTTP/1.1 200"),
        "answered, then closed once idle ({closed}, {:?})",
        &answer[..answer.len().min(40)]
    );

    server.wait_for("closed an idle connection");

    // Three silent connections fill the cap; a real request waits for a slot, then is served.
    let silent: Vec<_> = (0..3).map(|_| connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let served = reqwest::Client::new().get(format!("{}/openapi.json", server.base)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    server.wait_for("connection cap reached");
    drop(silent);
    let (status, output) = server.stop();
    assert!(status.success(), "{output}");
    assert!(!output.contains("panicked"), "{output}");
}

/// The middle of a PEM's base64 (a line no log could show by chance).
fn pem_body_line(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----") && l.len() > 40).nth(2).unwrap_or_default().to_string()
}

/// Every kind of secret Tessera handles goes through a full flow with the server logging at
/// trace level, and none appears in any line: the API key's secret, an API token, a .p12 with
/// its password and private key, a Google service account's key, link tokens (public and
/// dynamic), a pass's ApplePass token, a device's push token, a callback signing secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs_at_any_level() {
    let data = tempfile::tempdir().unwrap();
    let key = "ops:ops-secret-0123456789abcdef";
    let env = [("RUST_LOG", "trace")];
    let server = Server::start_with_args(data.path(), Some(key), &env, &["--allow-private-urls"]);
    let base = server.base.clone();
    let post = |path: String, body: Value| {
        let base = base.clone();
        async move { call(&base, key, reqwest::Method::POST, &path, Some(body)).await }
    };
    let mut secrets: Vec<(&str, String)> = vec![("API secret", "ops-secret-0123456789abcdef".into())];

    let token: Value = post("/v1/api-tokens".into(), json!({"name": "ci"})).await.json().await.unwrap();
    let api_token = token["token"].as_str().unwrap().to_string();
    assert_eq!(bearer_status(&base, &api_token).await, 200);
    secrets.push(("API token", api_token.rsplit('_').next().unwrap().to_string()));

    let pki = tempfile::tempdir().unwrap();
    let identity = tessera_tests::make_openssl_identity(pki.path(), "pass.dev.tessera.secrets", "SECRETS01");
    let p12 = std::fs::read(tessera_tests::export_p12(&identity, "p12-Password-7781", false)).unwrap();
    let p12 = base64::engine::general_purpose::STANDARD.encode(p12);
    let uploaded = post(
        "/v1/certificates".into(),
        json!({"vendor": "apple", "certificate": p12, "password": "p12-Password-7781"}),
    )
    .await;
    assert_eq!(uploaded.status(), 200);
    secrets.push((".p12 password", "p12-Password-7781".into()));
    secrets.push((".p12", p12[100..160].to_string()));
    secrets.push(("private key", pem_body_line(&std::fs::read_to_string(identity.join("private-key.pem")).unwrap())));

    let account = tessera_tests::google_fake::TestServiceAccount::generate();
    let google = json!({"vendor": "google", "issuerId": "3388000000012345678", "serviceAccount": account.key_json});
    assert_eq!(post("/v1/certificates".into(), google).await.status(), 200);
    secrets.push(("Google key", pem_body_line(account.key_json["private_key"].as_str().unwrap())));

    let icon =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/passes/coupon/icon.png")).unwrap();
    let template = json!({"name": "Coupons", "type": "coupon", "passTypeIdentifier": "pass.dev.tessera.example",
        "headers": {"icon_image": {"value": format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&icon))}},
        "fields": {"Offer": {"fieldType": "primary", "label": "OFFER", "value": "10%"}}});
    let template: Value = post("/v1/template".into(), template).await.json().await.unwrap();
    let template_id = template["id"].as_u64().unwrap();
    let pass: Value =
        post(format!("/v1/pass/{template_id}"), json!({"publicUrl": {"type": "single"}})).await.json().await.unwrap();
    let link = pass["publicUrl"]["path"].as_str().unwrap().to_string();
    let pkpass = reqwest::get(&link).await.unwrap().bytes().await.unwrap();
    secrets.push(("public link token", link.rsplit('/').next().unwrap().to_string()));
    let pass_json: Value = serde_json::from_slice(&tessera_tests::pkpass_files(&pkpass)["pass.json"]).unwrap();
    let (serial, apple_token) =
        (pass_json["serialNumber"].as_str().unwrap(), pass_json["authenticationToken"].as_str().unwrap().to_string());
    secrets.push(("ApplePass token", apple_token.clone()));

    let dynamic: Value = post(format!("/v1/pass/{template_id}/dynamic"), json!({})).await.json().await.unwrap();
    let dynamic = dynamic["url"].as_str().unwrap().to_string();
    assert_eq!(reqwest::get(&dynamic).await.unwrap().status(), 200);
    secrets.push(("dynamic link token", dynamic.rsplit('/').next().unwrap().to_string()));

    let push_token = "a7c3e2f1d0b9a8c7e6f5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3";
    let registration = format!("{base}/v1/devices/device-secret-test/registrations/pass.dev.tessera.example/{serial}");
    let client = reqwest::Client::new();
    let registered = client
        .post(&registration)
        .header("Authorization", format!("ApplePass {apple_token}"))
        .json(&json!({"pushToken": push_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let polled = client
        .get(format!("{base}/v1/passes/pass.dev.tessera.example/{serial}"))
        .header("Authorization", format!("ApplePass {apple_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(polled.status(), 200);
    let wrong = client
        .get(format!("{base}/v1/passes/pass.dev.tessera.example/{serial}"))
        .header("Authorization", format!("ApplePass {apple_token}x"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    secrets.push(("push token", push_token.into()));

    let project = template["projectId"].as_u64().unwrap();
    let settings: Value =
        post(format!("/v1/project/{project}/settings/callback"), json!({"baseUrl": "http://127.0.0.1:9/hooks"}))
            .await
            .json()
            .await
            .unwrap();
    secrets.push(("callback secret", settings["signingSecret"].as_str().unwrap().to_string()));

    // A change reaches the device: the push goes out (recorded, and logged).
    let pass_path = format!("/v1/pass/{}", pass["id"]);
    let change = json!({"fields": {"Offer": {"value": "20%"}}});
    let update = call(&base, key, reqwest::Method::PUT, &pass_path, Some(change)).await;
    assert_eq!(update.status(), 200);
    std::thread::sleep(Duration::from_millis(500));
    let (_, output) = server.stop();
    for route in [
        "/v1/devices/{deviceLibraryIdentifier}",
        "/v1/passes/{passTypeIdentifier}",
        "/v1/certificates",
        "push (recorded, not sent)",
    ] {
        assert!(output.contains(route), "the flow's requests are logged ({route}): {output}");
    }
    for (kind, secret) in &secrets {
        assert!(secret.len() >= 16, "{kind} is a real secret: {secret:?}");
        assert!(!output.contains(secret.as_str()), "the {kind} reached the logs");
    }
}
