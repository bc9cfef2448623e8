//! `tessera serve`, the README's first command, run as a process: the first-run API key,
//! graceful shutdown, and logs that never show link tokens.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    base: String,
}

impl Server {
    fn start(data_dir: &Path, api_key: Option<&str>) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
        command.arg("serve").env("TESSERA_DATA_DIR", data_dir).env("PORT", port.to_string()).env("NO_COLOR", "1");
        command.env_remove("TESSERA_API_KEY").env_remove("TESSERA_PUBLIC_URL").env_remove("TESSERA_BACKEND");
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

    fn wait_for(&mut self, text: &str) -> String {
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
    fn stop(mut self) -> (std::process::ExitStatus, String) {
        Command::new("kill").arg(self.child.id().to_string()).status().unwrap();
        let status = self.child.wait().unwrap();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.seen.push(line);
        }
        (status, self.seen.join("\n"))
    }
}

fn field<'a>(line: &'a str, label: &str) -> &'a str {
    line.split(label).nth(1).unwrap().split_whitespace().next().unwrap()
}

async fn call(base: &str, key: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
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
