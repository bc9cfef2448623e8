//! A stand-in for Google's token endpoint and walletobjects API, on 127.0.0.1. It checks what
//! Google would check (the OAuth assertion's signature and claims, the bearer token), keeps
//! classes and objects so inserts and patches answer like Google's (409, 404), records every
//! call, and can be told to fail.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use serde_json::{Value, json};

pub const ISSUER_ID: &str = "3388000000022222222";
pub const CLIENT_EMAIL: &str = "wallet@tessera-test.iam.gserviceaccount.com";

/// A service account made for the test: its JSON key (as Google's console gives it) and key.
pub struct TestServiceAccount {
    pub key_json: Value,
    pub public_key: PKey<Public>,
}

impl TestServiceAccount {
    pub fn generate() -> TestServiceAccount {
        let key: PKey<Private> = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let pem = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let public_key = PKey::public_key_from_pem(&key.public_key_to_pem().unwrap()).unwrap();
        let key_json = json!({
            "type": "service_account",
            "project_id": "tessera-test",
            "private_key_id": "0123456789abcdef",
            "private_key": pem,
            "client_email": CLIENT_EMAIL,
            "token_uri": "https://oauth2.googleapis.com/token",
        });
        TestServiceAccount { key_json, public_key }
    }

    pub fn stored(&self) -> tessera::ports::StoredGoogleAccount {
        tessera::ports::StoredGoogleAccount { issuer_id: ISSUER_ID.into(), service_account: self.key_json.clone() }
    }
}

/// Verifies an RS256 JWT with `key`; answers its header and claims.
pub fn verify_jwt(token: &str, key: &PKey<Public>) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts");
    let mut verifier = Verifier::new(MessageDigest::sha256(), key).unwrap();
    verifier.update(format!("{}.{}", parts[0], parts[1]).as_bytes()).unwrap();
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("base64url signature");
    assert!(verifier.verify(&signature).unwrap(), "the JWT signature verifies with the service account's key");
    let decode = |p: &str| serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    (decode(parts[0]), decode(parts[1]))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: String,
    /// Below `/walletobjects/v1/`, e.g. `eventTicketObject/3388.abc`.
    pub path: String,
    pub body: Value,
}

#[derive(Default)]
struct State {
    tokens: Vec<String>,
    token_requests: usize,
    calls: Vec<Call>,
    resources: HashMap<String, Value>,
    notifications: HashMap<String, usize>,
    failures: Vec<u16>,
    /// Google's root keys for callbacks, as `pay.google.com/gp/m/issuer/keys` serves them.
    callback_keys: Option<Value>,
    callback_key_fetches: usize,
}

pub struct FakeGoogle {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl FakeGoogle {
    pub fn start(account: &TestServiceAccount) -> FakeGoogle {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state: Arc<Mutex<State>> = Arc::default();
        let (shared, key, token_url) = (state.clone(), account.public_key.clone(), format!("{base}/token"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (state, key, token_url) = (shared.clone(), key.clone(), token_url.clone());
                std::thread::spawn(move || serve(stream, &state, &key, &token_url));
            }
        });
        FakeGoogle { base, state }
    }

    pub fn api_base(&self) -> String {
        format!("{}/walletobjects/v1", self.base)
    }

    pub fn token_url(&self) -> String {
        format!("{}/token", self.base)
    }

    /// Where the fake serves Google's root keys for callbacks.
    pub fn keys_url(&self) -> String {
        format!("{}/gp/m/issuer/keys", self.base)
    }

    /// The root keys the fake publishes from now on.
    pub fn publish_callback_keys(&self, keys: Value) {
        self.state.lock().unwrap().callback_keys = Some(keys);
    }

    pub fn callback_key_fetches(&self) -> usize {
        self.state.lock().unwrap().callback_key_fetches
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn token_requests(&self) -> usize {
        self.state.lock().unwrap().token_requests
    }

    /// A class or object as Google holds it now (`eventTicketObject/<id>`).
    pub fn resource(&self, key: &str) -> Option<Value> {
        self.state.lock().unwrap().resources.get(key).cloned()
    }

    /// The next API calls answer these statuses, one each.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.state.lock().unwrap().failures.extend_from_slice(statuses);
    }

    /// Forgets every issued token, as if they expired or were revoked.
    pub fn revoke_tokens(&self) {
        self.state.lock().unwrap().tokens.clear();
    }
}

fn respond(mut stream: &TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        text.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(text.as_bytes());
}

fn google_error(status: u16, reason: &str, message: &str) -> Value {
    json!({"error": {"code": status, "message": message, "errors": [{"reason": reason, "message": message}]}})
}

fn serve(stream: TcpStream, state: &Mutex<State>, key: &PKey<Public>, token_url: &str) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let (mut length, mut authorization) = (0usize, String::new());
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or(("", ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => authorization = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    if path == "/gp/m/issuer/keys" {
        let mut state = state.lock().unwrap();
        state.callback_key_fetches += 1;
        return match state.callback_keys.clone() {
            Some(keys) => respond(&stream, 200, &keys),
            None => respond(&stream, 404, &json!({})),
        };
    }
    if path == "/token" {
        let form = String::from_utf8_lossy(&body).to_string();
        let assertion = form.split('&').find_map(|p| p.strip_prefix("assertion=")).unwrap_or_default().to_string();
        let granted = form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
        let claims = std::panic::catch_unwind(|| verify_jwt(&assertion, key).1);
        let mut state = state.lock().unwrap();
        state.token_requests += 1;
        match claims {
            Ok(c)
                if granted
                    && c["iss"] == CLIENT_EMAIL
                    && c["aud"] == token_url
                    && c["scope"] == "https://www.googleapis.com/auth/wallet_object.issuer" =>
            {
                let token = format!("ya29.fake-{}", state.token_requests);
                state.tokens.push(token.clone());
                respond(&stream, 200, &json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}));
            }
            _ => respond(&stream, 400, &json!({"error": "invalid_grant", "error_description": "bad assertion"})),
        }
        return;
    }
    let Some(api_path) = path.strip_prefix("/walletobjects/v1/") else {
        return respond(&stream, 404, &google_error(404, "notFound", "no such path"));
    };
    let mut state = state.lock().unwrap();
    let token = authorization.strip_prefix("Bearer ").unwrap_or_default();
    if !state.tokens.iter().any(|t| t == token) {
        return respond(&stream, 401, &google_error(401, "authError", "Invalid Credentials"));
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.calls.push(Call { method: method.clone(), path: api_path.to_string(), body: body.clone() });
    if !state.failures.is_empty() {
        let status = state.failures.remove(0);
        return respond(&stream, status, &google_error(status, "backendError", "injected failure"));
    }
    let segments: Vec<&str> = api_path.split('/').collect();
    let schema = match segments.as_slice() {
        [_, _, "addMessage"] => Some("AddMessageRequest".to_string()),
        [resource] | [resource, _] if method != "GET" => Some(crate::google_schema::schema_name(resource)),
        _ => None,
    };
    let invalid = schema.map(|s| crate::google_schema::problems(&s, &body)).unwrap_or_default();
    if !invalid.is_empty() {
        return respond(&stream, 400, &google_error(400, "invalid", &invalid.join("; ")));
    }
    match (method.as_str(), segments.as_slice()) {
        ("POST", [resource]) => {
            let key = format!("{resource}/{}", body["id"].as_str().unwrap_or_default());
            if state.resources.contains_key(&key) {
                return respond(&stream, 409, &google_error(409, "duplicate", "already exists"));
            }
            state.resources.insert(key, body.clone());
            respond(&stream, 200, &body);
        }
        ("PATCH", [resource, id]) => {
            let key = format!("{resource}/{id}");
            let Some(current) = state.resources.get_mut(&key) else {
                return respond(&stream, 404, &google_error(404, "resourceNotFound", "not found"));
            };
            for (field, value) in body.as_object().into_iter().flatten() {
                current[field] = value.clone();
            }
            let answer = current.clone();
            respond(&stream, 200, &answer);
        }
        ("GET", [resource, id]) => match state.resources.get(&format!("{resource}/{id}")) {
            Some(found) => respond(&stream, 200, &found.clone()),
            None => respond(&stream, 404, &google_error(404, "resourceNotFound", "not found")),
        },
        ("POST", [resource, id, "addMessage"]) => {
            let key = format!("{resource}/{id}");
            if !state.resources.contains_key(&key) {
                return respond(&stream, 404, &google_error(404, "resourceNotFound", "not found"));
            }
            if body["message"]["messageType"] == "TEXT_AND_NOTIFY" {
                let sent = state.notifications.entry(key.clone()).or_default();
                if *sent >= 3 {
                    return respond(&stream, 403, &google_error(403, "quotaExceeded", "Quota exceeded"));
                }
                *sent += 1;
            }
            let current = state.resources.get_mut(&key).unwrap();
            let mut messages = current["messages"].as_array().cloned().unwrap_or_default();
            messages.push(body["message"].clone());
            current["messages"] = Value::Array(messages);
            let answer = json!({"resource": current.clone()});
            respond(&stream, 200, &answer);
        }
        _ => respond(&stream, 400, &google_error(400, "invalid", "unsupported call")),
    }
}
