//! A running Tessera (local or deployed), called over its HTTP API with an API key
//! (`id:secret`, sent as Basic) or a token (`tess_…`, sent as Bearer). Storage outages (503)
//! and lost connections are tried again, a few times, after the wait the server asks for.

use std::time::Duration;

use serde_json::Value;

const ATTEMPTS: u32 = 5;

#[derive(Clone)]
pub struct Remote {
    client: reqwest::Client,
    base: String,
    key: String,
}

/// An answer: its status and its JSON body (`Null` when it has none).
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// The API's error message, or what went wrong when it gave none.
    pub fn error_message(&self) -> String {
        match self.body["error"]["message"].as_str() {
            Some(message) => format!("{} ({})", message, self.status),
            None => format!("answered {}", self.status),
        }
    }
}

impl Remote {
    pub fn new(base: &str, key: &str) -> Result<Remote, String> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(format!("--url must be an http(s) URL, found {base:?}"));
        }
        if key.is_empty() {
            return Err("an API key is needed: --key or TESSERA_KEY (id:secret, or a tess_ token)".into());
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("an HTTP client: {e}"))?;
        Ok(Remote { client, base, key: key.to_string() })
    }

    /// Calls the API; answers the server's answer, or why none came after every attempt.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<Answer, String> {
        let mut last = String::new();
        for attempt in 1..=ATTEMPTS {
            let mut request = self.client.request(method.clone(), format!("{}{path}", self.base));
            request = match self.key.split_once(':') {
                Some((id, secret)) => request.basic_auth(id, Some(secret)),
                None => request.bearer_auth(&self.key),
            };
            if let Some(body) = body {
                request = request.json(body);
            }
            let wait = match request.header("Api-Revision", "1.2").send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after =
                        response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                    let bytes = response.bytes().await.map_err(|e| format!("{path}: reading the answer: {e}"));
                    let body = match bytes {
                        Ok(bytes) if bytes.is_empty() => Value::Null,
                        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                        Err(e) => {
                            last = e;
                            continue;
                        }
                    };
                    let answer = Answer { status, body };
                    if status != 503 || attempt == ATTEMPTS {
                        return Ok(answer);
                    }
                    last = answer.error_message();
                    Duration::from_secs(retry_after.unwrap_or(2).min(30))
                }
                Err(e) => {
                    last = format!("{}: {}", self.base, without_url(&e));
                    Duration::from_millis(250 * u64::from(attempt))
                }
            };
            tokio::time::sleep(wait).await;
        }
        Err(last)
    }
}

/// reqwest's error without the URL it repeats (the caller names the server once).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(&format!(" ({url})"), "");
    }
    match std::error::Error::source(error) {
        Some(source) => format!("{text}: {source}"),
        None => text,
    }
}
