//! Callbacks (webhooks): a project's settings (where events go, extra headers, the signing
//! secret), the outbox of deliveries, and delivering them.
//!
//! An event becomes a delivery document in the outbox (`Collection::CallbackDelivery`).
//! Whoever drains the outbox calls [`deliver`]: locally a task in the server walks the due
//! deliveries ([`drain_due`]); on AWS the table's stream feeds each new delivery to a queue
//! whose function runs [`run_delivery`], which asks the queue to bring it back when a retry
//! is due. A delivered one leaves the outbox; one that failed for the whole retry window
//! moves to the dead (`Collection::DeadCallback`), from where the API can send it again.
//! Receivers may get a delivery twice (at-least-once): `eventId` tells them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::callback_signature;
use super::error::ServiceError;
use super::projects::{self, ProjectRef};
use crate::model::callback::{CallbackEvent, CertificateEventBody, PassEventBody, retry_delay};
use crate::model::date::format_millis;
use crate::model::document::{Collection, Document, numeric_id};
use crate::model::records::{Millis, Pass, Template};
use crate::ports::{Outbound, StoreError};
use crate::service::App;

/// How long the previous secret still signs after a rotation.
pub const ROTATION_GRACE_MS: Millis = 24 * 3600 * 1000;
const MAX_HEADERS: usize = 20;
const MAX_HEADER_VALUE_CHARS: usize = 1024;
const MAX_URL_CHARS: usize = 2000;
/// Headers Tessera sets itself, which settings may not name.
const RESERVED_HEADERS: [&str; 6] =
    ["content-type", "content-length", "host", "connection", "transfer-encoding", "user-agent"];
/// Deliveries one drain round attempts at once (locally).
const DRAIN_CONCURRENCY: usize = 8;
/// Deliveries one drain round reads (locally); the next round goes on.
const DRAIN_PAGE: usize = 500;

/// A project's callback settings.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackSettings {
    pub project_id: u64,
    pub base_url: String,
    pub headers: BTreeMap<String, String>,
    /// Until when the previous secret also signs, after a rotation.
    pub previous_secret_until: Option<Millis>,
    pub created_at: Millis,
    pub updated_at: Millis,
    stored: StoredSettings,
    version: u64,
}

/// Settings as kept: the secrets are hex of 32 random bytes, used as HMAC keys as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSettings {
    base_url: String,
    headers: BTreeMap<String, String>,
    secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_secret_until: Option<Millis>,
    created_at: Millis,
}

/// The body of `POST /v1/project/{id}/settings/callback`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsRequest {
    pub base_url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A new signing secret; the previous one signs too for [`ROTATION_GRACE_MS`].
    #[serde(default)]
    pub rotate_secret: bool,
}

/// Settings just written, with the signing secret: shown when it is made, never again.
pub struct WrittenSettings {
    pub settings: CallbackSettings,
    /// `Some` when this write made a new secret.
    pub new_secret: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Dead,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Dead => "dead",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        [DeliveryState::Pending, DeliveryState::Dead].into_iter().find(|s| s.as_str() == text)
    }

    fn collection(self) -> Collection {
        match self {
            DeliveryState::Pending => Collection::CallbackDelivery,
            DeliveryState::Dead => Collection::DeadCallback,
        }
    }
}

/// One event on its way to a project's receiver.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: u64,
    pub project_id: u64,
    pub state: DeliveryState,
    pub event: CallbackEvent,
    /// The pass (or certificate) the event is about.
    pub subject: u64,
    /// The JSON sent.
    pub body: String,
    pub attempts: u32,
    pub created_at: Millis,
    pub next_attempt_at: Option<Millis>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub died_at: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredDelivery {
    event: String,
    subject: u64,
    body: String,
    attempts: u32,
    created_at: Millis,
    #[serde(default)]
    first_attempt_at: Option<Millis>,
    next_attempt_at: Millis,
    #[serde(default)]
    last_status: Option<u16>,
    #[serde(default)]
    last_error: Option<String>,
    #[serde(default)]
    died_at: Option<Millis>,
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Not yet due, or failed and due again at this time.
    RetryAt(Millis),
    /// Given up: moved to the dead.
    Dead,
    /// Not in the outbox (delivered or re-queued by someone else).
    Gone,
}

/// `<project>#<delivery>`, so a project's deliveries list together in id order.
pub fn delivery_key(project_id: u64, delivery_id: u64) -> String {
    format!("{}#{}", numeric_id(project_id), numeric_id(delivery_id))
}

fn parse_delivery_key(key: &str) -> Option<(u64, u64)> {
    let (project, delivery) = key.split_once('#')?;
    Some((project.parse().ok()?, delivery.parse().ok()?))
}

fn corrupt(what: &str, id: &str) -> ServiceError {
    ServiceError::Internal(format!("stored {what} {id} does not decode"))
}

fn settings_from(project_id: u64, document: &Document) -> Result<CallbackSettings, ServiceError> {
    let stored: StoredSettings =
        serde_json::from_value(document.body.clone()).map_err(|_| corrupt("callback settings", &document.id))?;
    Ok(CallbackSettings {
        project_id,
        base_url: stored.base_url.clone(),
        headers: stored.headers.clone(),
        previous_secret_until: stored.previous_secret.as_ref().and(stored.previous_secret_until),
        created_at: stored.created_at,
        updated_at: document.updated_at,
        stored,
        version: document.version,
    })
}

fn delivery_from(state: DeliveryState, document: &Document) -> Result<Delivery, ServiceError> {
    let bad = || corrupt("callback delivery", &document.id);
    let (project_id, id) = parse_delivery_key(&document.id).ok_or_else(bad)?;
    let stored: StoredDelivery = serde_json::from_value(document.body.clone()).map_err(|_| bad())?;
    Ok(Delivery {
        id,
        project_id,
        state,
        event: CallbackEvent::parse(&stored.event).ok_or_else(bad)?,
        subject: stored.subject,
        body: stored.body,
        attempts: stored.attempts,
        created_at: stored.created_at,
        next_attempt_at: (state == DeliveryState::Pending).then_some(stored.next_attempt_at),
        last_status: stored.last_status,
        last_error: stored.last_error,
        died_at: stored.died_at,
    })
}

fn to_body<T: Serialize>(value: &T) -> Result<serde_json::Value, ServiceError> {
    serde_json::to_value(value).map_err(|e| ServiceError::Internal(e.to_string()))
}

fn new_secret() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| ServiceError::Internal("no randomness for a secret".into()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn checked_url(app: &App, text: &str) -> Result<String, ServiceError> {
    let text = text.trim().trim_end_matches('/');
    let problem = |message: &str| ServiceError::invalid("baseUrl", message);
    if text.chars().count() > MAX_URL_CHARS {
        return Err(problem("must be at most 2000 characters"));
    }
    let url = url::Url::parse(text).map_err(|_| problem("must be an absolute URL"))?;
    let allowed = url.scheme() == "https" || (url.scheme() == "http" && app.config.image_fetch.allow_http);
    if !allowed {
        return Err(problem("must be an https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) || url.query().is_some() || url.fragment().is_some() {
        return Err(problem("must name a host and have no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(problem("must not hold credentials: put them in headers"));
    }
    Ok(text.to_string())
}

fn checked_headers(headers: BTreeMap<String, String>) -> Result<BTreeMap<String, String>, ServiceError> {
    if headers.len() > MAX_HEADERS {
        return Err(ServiceError::invalid("headers", format!("at most {MAX_HEADERS} headers")));
    }
    for (name, value) in &headers {
        let field = format!("headers.{name}");
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || name.len() > 100 || !name.chars().all(token) {
            return Err(ServiceError::invalid(field, "is not a valid header name"));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("tessera-") {
            return Err(ServiceError::invalid(field, "is set by Tessera"));
        }
        if value.chars().count() > MAX_HEADER_VALUE_CHARS || value.chars().any(|c| c.is_control()) {
            return Err(ServiceError::invalid(
                field,
                "must be at most 1024 characters, none of them control characters",
            ));
        }
    }
    Ok(headers)
}

async fn project_id(app: &App, project: &ProjectRef) -> Result<u64, ServiceError> {
    Ok(projects::get(app, project).await?.project.id)
}

async fn read_settings(app: &App, project_id: u64) -> Result<Option<CallbackSettings>, ServiceError> {
    let document = app.store.get_document(Collection::CallbackSettings, &numeric_id(project_id)).await?;
    document.map(|d| settings_from(project_id, &d)).transpose()
}

/// Sets where the project's events go (and its headers); the first write, and one asking for
/// it, makes a new signing secret.
pub async fn set_settings(
    app: &App,
    project: &ProjectRef,
    request: SettingsRequest,
) -> Result<WrittenSettings, ServiceError> {
    let base_url = checked_url(app, &request.base_url)?;
    let headers = checked_headers(request.headers)?;
    let project_id = project_id(app, project).await?;
    let current = read_settings(app, project_id).await?;
    let now = app.now();
    let stored = match &current {
        Some(current) if !request.rotate_secret => StoredSettings { base_url, headers, ..current.stored.clone() },
        // The first settings, or a rotation: a new secret, the one it replaces signing too for a while.
        _ => StoredSettings {
            base_url,
            headers,
            secret: new_secret()?,
            previous_secret: current.as_ref().map(|c| c.stored.secret.clone()),
            previous_secret_until: current.as_ref().map(|_| now + ROTATION_GRACE_MS),
            created_at: current.as_ref().map_or(now, |c| c.created_at),
        },
    };
    let new_secret = (current.is_none() || request.rotate_secret).then(|| stored.secret.clone());
    let expected = current.as_ref().map(|c| c.version);
    let (id, body) = (numeric_id(project_id), to_body(&stored)?);
    let written = app.store.put_document(Collection::CallbackSettings, &id, &body, expected, now);
    let written = written.await.map_err(|e| match e {
        StoreError::Conflict(_) | StoreError::Duplicate { .. } => {
            ServiceError::Conflict("the callback settings changed meanwhile; try again".into())
        }
        other => other.into(),
    })?;
    Ok(WrittenSettings { settings: settings_from(project_id, &written)?, new_secret })
}

pub async fn get_settings(app: &App, project: &ProjectRef) -> Result<CallbackSettings, ServiceError> {
    let project_id = project_id(app, project).await?;
    read_settings(app, project_id).await?.ok_or(ServiceError::NotFound("callback settings"))
}

/// Stops the project's callbacks: the settings go, and with them the deliveries not yet made
/// and the dead ones.
pub async fn delete_settings(app: &App, project: &ProjectRef) -> Result<(), ServiceError> {
    let project_id = project_id(app, project).await?;
    if !app.store.delete_document(Collection::CallbackSettings, &numeric_id(project_id)).await? {
        return Err(ServiceError::NotFound("callback settings"));
    }
    for state in [DeliveryState::Pending, DeliveryState::Dead] {
        loop {
            let found = deliveries(app, project_id, state, 0, DRAIN_PAGE).await?;
            for delivery in &found {
                let key = delivery_key(project_id, delivery.id);
                app.store.delete_document(state.collection(), &key).await?;
            }
            if found.len() < DRAIN_PAGE {
                break;
            }
        }
    }
    Ok(())
}

/// The project's deliveries in a state, by id, after `after`.
async fn deliveries(
    app: &App,
    project_id: u64,
    state: DeliveryState,
    after: u64,
    limit: usize,
) -> Result<Vec<Delivery>, ServiceError> {
    let prefix = format!("{}#", numeric_id(project_id));
    let from = if after == 0 { prefix.clone() } else { delivery_key(project_id, after) };
    let found = app.store.list_documents(state.collection(), &from, limit).await?;
    found.iter().take_while(|d| d.id.starts_with(&prefix)).map(|d| delivery_from(state, d)).collect()
}

/// A page of the project's deliveries in a state (pending: not yet made; dead: given up).
pub async fn list_deliveries(
    app: &App,
    project: &ProjectRef,
    state: DeliveryState,
    after: u64,
    limit: usize,
) -> Result<Vec<Delivery>, ServiceError> {
    let project_id = project_id(app, project).await?;
    deliveries(app, project_id, state, after, limit).await
}

/// Sends a dead delivery again: it goes back to the outbox with a new retry window.
pub async fn resend(app: &App, project: &ProjectRef, delivery_id: u64) -> Result<Delivery, ServiceError> {
    let project_id = project_id(app, project).await?;
    let key = delivery_key(project_id, delivery_id);
    let Some(dead) = app.store.get_document(Collection::DeadCallback, &key).await? else {
        return Err(ServiceError::NotFound("dead callback delivery"));
    };
    let mut stored: StoredDelivery =
        serde_json::from_value(dead.body.clone()).map_err(|_| corrupt("callback delivery", &key))?;
    let now = app.now();
    stored.attempts = 0;
    stored.first_attempt_at = None;
    stored.next_attempt_at = now;
    stored.died_at = None;
    let queued = app.store.put_document(Collection::CallbackDelivery, &key, &to_body(&stored)?, None, now).await;
    let queued = queued.map_err(|e| match e {
        StoreError::Duplicate { .. } => ServiceError::Conflict("the delivery is already being sent again".into()),
        other => other.into(),
    })?;
    app.store.delete_document(Collection::DeadCallback, &key).await?;
    delivery_from(DeliveryState::Pending, &queued)
}

/// The project a template's passes belong to (templates made before projects existed: the
/// default project's), if any.
async fn project_of(app: &App, template: &Template) -> Result<Option<u64>, ServiceError> {
    Ok(match template.project_id {
        Some(id) => Some(id),
        None => app.store.get_project_by_external_id(projects::DEFAULT_PROJECT_EXTERNAL_ID).await?.map(|p| p.id),
    })
}

/// Something happened to a pass: when its project has callbacks, a delivery goes to the
/// outbox. Never fails its caller (the holder's request or the change went through): a
/// failure is logged.
pub async fn pass_event(
    app: &App,
    event: CallbackEvent,
    pass: &Pass,
    platform: Option<&'static str>,
    personalization: Option<serde_json::Value>,
) {
    if let Err(error) = try_pass_event(app, event, pass, platform, personalization).await {
        tracing::warn!(pass = pass.id, event = event.as_str(), %error, "a callback event was not queued");
    }
}

async fn try_pass_event(
    app: &App,
    event: CallbackEvent,
    pass: &Pass,
    platform: Option<&'static str>,
    personalization: Option<serde_json::Value>,
) -> Result<(), ServiceError> {
    let Some(template) = app.store.get_template(pass.template_id).await? else { return Ok(()) };
    let Some(project_id) = project_of(app, &template).await? else { return Ok(()) };
    if read_settings(app, project_id).await?.is_none() {
        return Ok(());
    }
    let now = app.now();
    let delivery_id = new_delivery_id(now);
    let body = PassEventBody {
        event: event.as_str(),
        event_id: delivery_id.to_string(),
        occurred_at: format_millis(now),
        project_id,
        pass_id: pass.id,
        template_id: pass.template_id,
        serial_number: pass.serial_number.clone(),
        pass_type_id: pass.pass_type_id.clone(),
        external_id: pass.external_id.clone(),
        platform,
        personalization,
    };
    queue(app, project_id, delivery_id, event, pass.id, &body).await
}

/// A signing certificate expires soon: every project with callbacks hears of it.
pub async fn certificate_event(app: &App, certificate_id: u64, pass_type_id: Option<&str>, not_after: Millis) {
    let now = app.now();
    let projects = match app.store.list_documents(Collection::CallbackSettings, "", usize::MAX).await {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(certificate = certificate_id, %error, "certificate expiry callbacks were not queued");
            return;
        }
    };
    for document in projects {
        let Ok(project_id) = document.id.parse::<u64>() else { continue };
        let delivery_id = new_delivery_id(now);
        let body = CertificateEventBody {
            event: CallbackEvent::CertificateExpiring.as_str(),
            event_id: delivery_id.to_string(),
            occurred_at: format_millis(now),
            project_id,
            certificate_id,
            pass_type_id: pass_type_id.map(str::to_string),
            not_after: format_millis(not_after),
            days_left: (not_after - now).max(0) / (24 * 3600 * 1000),
        };
        let queued = queue(app, project_id, delivery_id, CallbackEvent::CertificateExpiring, certificate_id, &body);
        if let Err(error) = queued.await {
            tracing::warn!(certificate = certificate_id, project = project_id, %error, "a certificate expiry callback was not queued");
        }
    }
}

/// Ids in time order (milliseconds, then 20 random bits), with no counter to write.
fn new_delivery_id(now: Millis) -> u64 {
    ((now.max(0) as u64) << 20) | rand::random_range(0..1u64 << 20)
}

async fn queue<T: Serialize>(
    app: &App,
    project_id: u64,
    delivery_id: u64,
    event: CallbackEvent,
    subject: u64,
    body: &T,
) -> Result<(), ServiceError> {
    let now = app.now();
    let stored = StoredDelivery {
        event: event.as_str().to_string(),
        subject,
        body: serde_json::to_string(body).map_err(|e| ServiceError::Internal(e.to_string()))?,
        attempts: 0,
        created_at: now,
        first_attempt_at: None,
        next_attempt_at: now,
        last_status: None,
        last_error: None,
        died_at: None,
    };
    let key = delivery_key(project_id, delivery_id);
    app.store.put_document(Collection::CallbackDelivery, &key, &to_body(&stored)?, None, now).await?;
    app.wake_callback_drain();
    Ok(())
}

/// One attempt at the delivery `key` (`<project>#<delivery>`), if it is due: delivered, it
/// leaves the outbox; failed, it is due again after the retry schedule's delay, or dead
/// once the retry window is spent.
pub async fn deliver(app: &App, key: &str) -> Result<Attempt, ServiceError> {
    let Some((project_id, delivery_id)) = parse_delivery_key(key) else { return Ok(Attempt::Gone) };
    let Some(document) = app.store.get_document(Collection::CallbackDelivery, key).await? else {
        return Ok(Attempt::Gone);
    };
    let mut stored: StoredDelivery =
        serde_json::from_value(document.body.clone()).map_err(|_| corrupt("callback delivery", key))?;
    let now = app.now();
    if stored.next_attempt_at > now {
        return Ok(Attempt::RetryAt(stored.next_attempt_at));
    }
    let event = CallbackEvent::parse(&stored.event).ok_or_else(|| corrupt("callback delivery", key))?;
    let Some(settings) = read_settings(app, project_id).await? else {
        // The project's callbacks were removed after the event: nobody is waiting for it.
        app.store.delete_document(Collection::CallbackDelivery, key).await?;
        return Ok(Attempt::Gone);
    };
    let outbound = outbound(&settings, event, stored.subject, delivery_id, &stored.body, now);
    let result = app.webhooks.post(&outbound).await;
    stored.attempts += 1;
    let first_attempt_at = *stored.first_attempt_at.get_or_insert(now);
    match result {
        Ok(status) if (200..300).contains(&status) => {
            app.store.delete_document(Collection::CallbackDelivery, key).await?;
            tracing::info!(
                delivery = key,
                event = event.as_str(),
                status,
                attempts = stored.attempts,
                "callback delivered"
            );
            return Ok(Attempt::Delivered);
        }
        Ok(status) => {
            stored.last_status = Some(status);
            stored.last_error = Some(format!("the receiver answered {status}"));
        }
        Err(reason) => {
            stored.last_status = None;
            stored.last_error = Some(reason);
        }
    }
    let elapsed = Duration::from_millis((now - first_attempt_at).max(0) as u64);
    match retry_delay(stored.attempts, elapsed, rand::random::<f64>()) {
        Some(delay) => {
            stored.next_attempt_at = now + delay.as_millis() as Millis;
            let body = to_body(&stored)?;
            let write = app.store.put_document(Collection::CallbackDelivery, key, &body, Some(document.version), now);
            match write.await {
                Ok(_) => {}
                // Another attempt wrote first (a duplicate queue message): its outcome stands.
                Err(StoreError::Conflict(_)) => return Ok(Attempt::Gone),
                Err(e) => return Err(e.into()),
            }
            tracing::info!(
                delivery = key,
                event = event.as_str(),
                attempts = stored.attempts,
                error = stored.last_error.as_deref().unwrap_or(""),
                "callback failed; retrying"
            );
            Ok(Attempt::RetryAt(stored.next_attempt_at))
        }
        None => {
            stored.died_at = Some(now);
            let write = app.store.put_document(Collection::DeadCallback, key, &to_body(&stored)?, None, now).await;
            match write {
                Ok(_) | Err(StoreError::Duplicate { .. }) => {}
                Err(e) => return Err(e.into()),
            }
            app.store.delete_document(Collection::CallbackDelivery, key).await?;
            tracing::warn!(
                delivery = key,
                event = event.as_str(),
                attempts = stored.attempts,
                error = stored.last_error.as_deref().unwrap_or(""),
                "callback given up after its retry window; kept as dead"
            );
            Ok(Attempt::Dead)
        }
    }
}

/// The POST for a delivery: the project's headers, then Tessera's (signature, event, id).
fn outbound(
    settings: &CallbackSettings,
    event: CallbackEvent,
    subject: u64,
    delivery_id: u64,
    body: &str,
    now: Millis,
) -> Outbound {
    let mut secrets: Vec<&[u8]> = vec![settings.stored.secret.as_bytes()];
    if let (Some(previous), Some(until)) = (&settings.stored.previous_secret, settings.stored.previous_secret_until)
        && now < until
    {
        secrets.push(previous.as_bytes());
    }
    let signature = callback_signature::sign(&secrets, now / 1000, body.as_bytes());
    let mut headers: Vec<(String, String)> = settings.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    headers.push((callback_signature::HEADER.to_string(), signature));
    headers.push(("Tessera-Event".to_string(), event.as_str().to_string()));
    headers.push(("Tessera-Delivery".to_string(), delivery_id.to_string()));
    Outbound { url: event.url(&settings.base_url, subject), headers, body: body.as_bytes().to_vec() }
}

/// The AWS drain: one attempt, and when it is to be tried again, the queue brings it back
/// then (SQS delays are capped at 15 minutes: an early return finds it not yet due and is
/// sent back again).
pub async fn run_delivery(app: &App, key: &str) -> Result<Attempt, ServiceError> {
    let attempt = deliver(app, key).await?;
    if let (Attempt::RetryAt(at), Some(queue)) = (attempt, &app.delivery_queue) {
        let delay = Duration::from_millis((at - app.now()).max(0) as u64);
        queue.retry_later(key, delay).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    Ok(attempt)
}

/// The local drain: attempts every due delivery of the outbox, a few at a time; answers when
/// the next one is due (`None`: the outbox is empty).
pub async fn drain_due(app: &Arc<App>) -> Result<Option<Millis>, ServiceError> {
    let now = app.now();
    let mut after = String::new();
    let mut next_due: Option<Millis> = None;
    loop {
        let page = app.store.list_documents(Collection::CallbackDelivery, &after, DRAIN_PAGE).await?;
        let mut due = Vec::new();
        for document in &page {
            match document.body.get("nextAttemptAt").and_then(|t| t.as_i64()) {
                Some(at) if at > now => earliest(&mut next_due, at),
                _ => due.push(document.id.clone()),
            }
        }
        for batch in due.chunks(DRAIN_CONCURRENCY) {
            let mut running = tokio::task::JoinSet::new();
            for key in batch {
                let (app, key) = (app.clone(), key.clone());
                running.spawn(crate::work_unit::run(crate::work_unit::CALLBACK_DRAIN, async move {
                    deliver(&app, &key).await.inspect_err(|error| {
                        tracing::warn!(delivery = key, %error, "a callback attempt could not be recorded");
                    })
                }));
            }
            while let Some(outcome) = running.join_next().await {
                match outcome {
                    Ok(Ok(Attempt::RetryAt(at))) => earliest(&mut next_due, at),
                    Ok(Ok(_)) => {}
                    // Try again next round.
                    Ok(Err(_)) | Err(_) => earliest(&mut next_due, now),
                }
            }
        }
        match page.last() {
            Some(last) if page.len() == DRAIN_PAGE => after = last.id.clone(),
            _ => return Ok(next_due),
        }
    }
}

fn earliest(next_due: &mut Option<Millis>, at: Millis) {
    *next_due = Some(next_due.map_or(at, |n| n.min(at)));
}

/// How often the local drain reads the outbox when nothing tells it to: another process on
/// the same data folder may have queued deliveries.
const RESCAN: Duration = Duration::from_secs(30);

/// Runs the local drain in this process: at once when an event is queued here, when the
/// earliest retry is due (checked each second, on the app's clock), and every
/// [`RESCAN`] in any case.
pub fn run_local_drain(app: &Arc<App>) {
    let app = app.clone();
    let wake = app.callback_drain_wake();
    tokio::spawn(crate::work_unit::run(crate::work_unit::CALLBACK_DRAIN, async move {
        loop {
            let next_due = drain_due(&app).await.unwrap_or_else(|error| {
                tracing::warn!(%error, "the callback outbox could not be read");
                Some(app.now())
            });
            let scanned = std::time::Instant::now();
            loop {
                let woken = tokio::time::timeout(Duration::from_secs(1), wake.notified()).await.is_ok();
                if woken || next_due.is_some_and(|at| app.now() >= at) || scanned.elapsed() >= RESCAN {
                    break;
                }
            }
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_keys_list_a_project_s_deliveries_together_in_time_order() {
        let early = delivery_key(7, new_delivery_id(1_000));
        let late = delivery_key(7, new_delivery_id(2_000));
        assert!(early < late);
        assert!(late < delivery_key(8, 1));
        assert_eq!(parse_delivery_key(&delivery_key(7, 42)), Some((7, 42)));
        assert_eq!(parse_delivery_key("7"), None);
        assert_eq!(parse_delivery_key("x#1"), None);
    }

    #[test]
    fn headers_are_checked_by_name_and_value() {
        let one = |name: &str, value: &str| checked_headers([(name.to_string(), value.to_string())].into());
        assert!(one("X-Api-Key", "abc").is_ok());
        for (name, value) in [("Content-Type", "x"), ("tessera-signature", "x"), ("bad name", "x"), ("X-Ok", "a\r\nb")]
        {
            assert!(matches!(one(name, value), Err(ServiceError::Invalid(_))), "{name}");
        }
    }
}
