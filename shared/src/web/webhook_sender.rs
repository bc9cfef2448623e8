//! The `WebhookSender` on the web: callbacks POSTed through the image fetcher's guarded client
//! (https only, no private or local addresses on any connection or redirect, a timeout), and
//! no more than [`MAX_ANSWER_BYTES`] of an answer read.

use async_trait::async_trait;

use super::image_fetch::{check_url, guarded_client};
use crate::ports::{FetchPolicy, Outbound, SendResult, WebhookSender};

/// How much of a receiver's answer is read (its status is what counts).
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

pub struct GuardedWebhookSender {
    client: Result<reqwest::Client, String>,
    policy: FetchPolicy,
}

impl GuardedWebhookSender {
    /// `policy.max_bytes` is not used: answers are capped at [`MAX_ANSWER_BYTES`].
    pub fn new(policy: FetchPolicy) -> GuardedWebhookSender {
        GuardedWebhookSender { client: guarded_client(&policy, "Tessera callbacks"), policy }
    }
}

#[async_trait]
impl WebhookSender for GuardedWebhookSender {
    async fn post(&self, request: &Outbound) -> SendResult {
        let url = reqwest::Url::parse(&request.url).map_err(|_| "the callback URL is not a valid URL".to_string())?;
        check_url(&url, &self.policy).map_err(|reason| format!("the callback URL {reason}"))?;
        let client = self.client.as_ref().map_err(|reason| reason.clone())?;
        let mut call = client.post(url).header("content-type", "application/json").body(request.body.clone());
        for (name, value) in &request.headers {
            call = call.header(name.as_str(), value.as_str());
        }
        let mut response = call.send().await.map_err(|e| failure(&e))?;
        let status = response.status().as_u16();
        // Read (a bounded part of) the answer, so the connection can be reused.
        let mut read = 0;
        while let Ok(Some(chunk)) = response.chunk().await {
            read += chunk.len();
            if read > MAX_ANSWER_BYTES {
                break;
            }
        }
        Ok(status)
    }
}

fn failure(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the receiver did not answer in time".into()
    } else if e.is_redirect() {
        "the receiver redirected too often or to a forbidden address".into()
    } else if e.is_connect() {
        "the receiver could not be reached (or resolves to a private or local address)".into()
    } else {
        "the call to the receiver failed".into()
    }
}
