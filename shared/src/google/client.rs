//! The walletobjects v1 REST client: OAuth 2.0 service-account tokens (JWT bearer grant),
//! cached until shortly before they expire, and the upserts Tessera needs. Both URLs are
//! configuration, so tests point them at a local server.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::{Value, json};

use super::{GoogleAccount, GoogleError};

pub const SCOPE: &str = "https://www.googleapis.com/auth/wallet_object.issuer";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleEndpoints {
    /// `https://walletobjects.googleapis.com/walletobjects/v1`
    pub api_base: String,
    /// `https://oauth2.googleapis.com/token`
    pub token_url: String,
    /// Google's root keys for save and delete callbacks
    /// (`https://pay.google.com/gp/m/issuer/keys`).
    pub keys_url: String,
}

impl Default for GoogleEndpoints {
    fn default() -> Self {
        GoogleEndpoints {
            api_base: "https://walletobjects.googleapis.com/walletobjects/v1".into(),
            token_url: "https://oauth2.googleapis.com/token".into(),
            keys_url: super::callback_message::KEYS_URL.into(),
        }
    }
}

struct CachedToken {
    account: String,
    token: String,
    renew_at: Instant,
}

pub struct WalletClient {
    /// Or why there is none: then every call fails as unavailable with that reason.
    http: Result<reqwest::Client, String>,
    endpoints: GoogleEndpoints,
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

fn unavailable(e: reqwest::Error) -> GoogleError {
    // reqwest's errors name the URL, never headers or bodies: no token leaks here.
    GoogleError::Unavailable(e.without_url().to_string())
}

fn rejected(status: u16, body: &Value) -> GoogleError {
    let error = &body["error"];
    let reason = error["errors"][0]["reason"].as_str().or(error["status"].as_str()).map(str::to_string);
    let message: String = error["message"].as_str().unwrap_or("no message").chars().take(300).collect();
    GoogleError::Rejected { status, reason, message }
}

impl WalletClient {
    pub fn new(endpoints: GoogleEndpoints) -> WalletClient {
        let http = crate::tls::with_bundled_roots(
            reqwest::Client::builder().timeout(Duration::from_secs(10)).connect_timeout(Duration::from_secs(5)),
        );
        WalletClient { http, endpoints, token: tokio::sync::Mutex::new(None) }
    }

    fn http(&self) -> Result<&reqwest::Client, GoogleError> {
        self.http.as_ref().map_err(|reason| GoogleError::Unavailable(reason.clone()))
    }

    pub fn endpoints(&self) -> &GoogleEndpoints {
        &self.endpoints
    }

    /// An access token for the account: the cached one, or a new one from the token endpoint.
    async fn access_token(&self, account: &GoogleAccount) -> Result<String, GoogleError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref()
            && token.account == account.client_email
            && Instant::now() < token.renew_at
        {
            return Ok(token.token.clone());
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        let assertion = account.sign(&json!({
            "iss": account.client_email,
            "scope": SCOPE,
            "aud": self.endpoints.token_url,
            "iat": now,
            "exp": now + 3600,
        }))?;
        let response = self
            .http()?
            .post(&self.endpoints.token_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"))
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != 200 {
            let reason = body["error"].as_str().map(str::to_string);
            let message = body["error_description"].as_str().unwrap_or("the token request was refused").to_string();
            return Err(GoogleError::Rejected { status, reason, message });
        }
        let token = body["access_token"]
            .as_str()
            .ok_or_else(|| GoogleError::Unavailable("the token endpoint answered without access_token".into()))?
            .to_string();
        let lifetime = body["expires_in"].as_u64().unwrap_or(3600);
        // Renew a minute early so a token never expires between check and use.
        let renew_at = Instant::now() + Duration::from_secs(lifetime.saturating_sub(60));
        *cached = Some(CachedToken { account: account.client_email.clone(), token: token.clone(), renew_at });
        Ok(token)
    }

    async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    /// One API call; a 401 refreshes the token once. Answers the status and the JSON body.
    async fn call(
        &self,
        account: &GoogleAccount,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), GoogleError> {
        let url = format!("{}/{path}", self.endpoints.api_base.trim_end_matches('/'));
        for attempt in 0..2 {
            let token = self.access_token(account).await?;
            let mut request = self.http()?.request(method.clone(), &url).bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.map_err(unavailable)?;
            let status = response.status().as_u16();
            let json: Value = response.json().await.unwrap_or(Value::Null);
            if status == 401 && attempt == 0 {
                self.forget_token().await;
                continue;
            }
            return Ok((status, json));
        }
        Err(GoogleError::Rejected { status: 401, reason: None, message: "the access token was refused twice".into() })
    }

    fn ok(status: u16, body: &Value) -> Result<(), GoogleError> {
        if (200..300).contains(&status) { Ok(()) } else { Err(rejected(status, body)) }
    }

    /// Makes the resource hold `body`: patch it, insert it when it does not exist yet.
    /// PATCH merges fields but replaces arrays whole, so `body` must be complete.
    pub async fn upsert(&self, account: &GoogleAccount, resource: &str, body: &Value) -> Result<(), GoogleError> {
        let id = body["id"].as_str().ok_or_else(|| GoogleError::InvalidAccount("a resource without id".into()))?;
        let (status, answer) = self.call(account, Method::PATCH, &format!("{resource}/{id}"), Some(body)).await?;
        if status != 404 {
            return Self::ok(status, &answer);
        }
        self.insert(account, resource, body).await
    }

    /// Inserts the resource; when it exists already (409), patches it instead.
    pub async fn insert(&self, account: &GoogleAccount, resource: &str, body: &Value) -> Result<(), GoogleError> {
        let (status, answer) = self.call(account, Method::POST, resource, Some(body)).await?;
        if status != 409 {
            return Self::ok(status, &answer);
        }
        let id = body["id"].as_str().unwrap_or_default();
        let (status, answer) = self.call(account, Method::PATCH, &format!("{resource}/{id}"), Some(body)).await?;
        Self::ok(status, &answer)
    }

    /// Patches an existing resource; `Ok(false)` when it does not exist.
    pub async fn patch(&self, account: &GoogleAccount, resource: &str, body: &Value) -> Result<bool, GoogleError> {
        let id = body["id"].as_str().unwrap_or_default();
        let (status, answer) = self.call(account, Method::PATCH, &format!("{resource}/{id}"), Some(body)).await?;
        if status == 404 {
            return Ok(false);
        }
        Self::ok(status, &answer).map(|_| true)
    }

    /// Adds a message to an object; `TEXT_AND_NOTIFY` also notifies the holder.
    pub async fn add_message(
        &self,
        account: &GoogleAccount,
        resource: &str,
        id: &str,
        message: &Value,
    ) -> Result<(), GoogleError> {
        let path = format!("{resource}/{id}/addMessage");
        let (status, answer) = self.call(account, Method::POST, &path, Some(&json!({"message": message}))).await?;
        Self::ok(status, &answer)
    }

    /// Google's root keys for callbacks (a public document: no token).
    pub async fn callback_keys(&self) -> Result<Value, GoogleError> {
        let response = self.http()?.get(&self.endpoints.keys_url).send().await.map_err(unavailable)?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != 200 || !body["keys"].is_array() {
            return Err(GoogleError::Unavailable(format!("Google's callback keys answered {status} without keys")));
        }
        Ok(body)
    }

    pub async fn get(&self, account: &GoogleAccount, resource: &str, id: &str) -> Result<Option<Value>, GoogleError> {
        let (status, answer) = self.call(account, Method::GET, &format!("{resource}/{id}"), None).await?;
        match status {
            404 => Ok(None),
            _ => Self::ok(status, &answer).map(|_| Some(answer)),
        }
    }
}
