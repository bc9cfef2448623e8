//! Google Wallet passes. Issuing: a save link, "fat" (class and object inline, no API call)
//! while it stays short enough for SMS and email, else the class and object are written
//! through the REST API first and the link only names them. Afterwards every change of a
//! pass or its template is written to Google (Google pushes it to phones itself), messages
//! go out with addMessage, failures are retried with backoff, and where each pass stands is
//! kept as its `googleSync` status.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use super::error::ServiceError;
use super::render::{PassIdentity, merged, render};
use crate::google::jwt::{MAX_SAVE_URL_LEN, SAVE_URL_PREFIX, save_claims};
use crate::google::mapping::{class_for, class_problems, object_for};
use crate::google::modules::gather;
use crate::google::{
    GoogleAccount, GoogleEndpoints, GoogleError, GoogleImages, GoogleInput, GoogleKind, GooglePass, WalletClient,
};
use crate::model::PassStyle;
use crate::model::google_modules::Module;
use crate::model::records::{GoogleSync, PageRequest, Pass, PassFilter, PassQuery, SyncState, Template, Vendor};
use crate::model::template::{FieldSpec, PassContent, TemplateContent};
use crate::ports::{Clock, Secrets, Store};

pub const MAX_ATTEMPTS: u32 = 4;

/// How Tessera talks to Google (from the environment; tests point the URLs at a fake).
#[derive(Debug, Clone)]
pub struct GoogleSettings {
    pub endpoints: GoogleEndpoints,
    /// Sites allowed to show the save button (the save JWT's `origins`).
    pub origins: Vec<String>,
    /// First wait between attempts; doubled each time.
    pub retry_base: Duration,
    /// Where Google sends save and delete callbacks (a class's `callbackOptions.url`): this
    /// deployment's `/v1/google/callback` when its public URL is https.
    pub callback_url: Option<String>,
}

impl Default for GoogleSettings {
    fn default() -> Self {
        GoogleSettings {
            endpoints: GoogleEndpoints::default(),
            origins: Vec::new(),
            retry_base: Duration::from_millis(500),
            callback_url: None,
        }
    }
}

const NOT_CONFIGURED: &str = "Google Wallet is not configured: import the issuer's service account with \
    `tessera keys import-google --issuer-id <id> <service-account.json>`";

pub struct GoogleWallet {
    store: Arc<dyn Store>,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
    client: WalletClient,
    settings: GoogleSettings,
    account: Mutex<Option<Arc<GoogleAccount>>>,
    /// One sync at a time per pass, so an older state never lands after a newer one.
    pass_locks: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<()>>>>,
    /// Google's root keys for callbacks, and when they were fetched.
    callback_keys: tokio::sync::Mutex<Option<(std::time::Instant, Arc<Value>)>>,
}

/// How long Google's callback keys are used before they are fetched again (Google rotates
/// them rarely and announces it; a refused signature also fetches them again).
const CALLBACK_KEYS_TTL: Duration = Duration::from_secs(3600);

/// A template and pass, rendered once for Google.
struct Rendered {
    kind: GoogleKind,
    pass: GooglePass,
    title: String,
}

/// The images Google fetches itself: the pass's own (https URLs), else its template's.
fn images_of(template: &TemplateContent, pass: &PassContent) -> GoogleImages {
    let https = |header: &str| {
        let own = pass.image_urls.get(header);
        own.or(template.image_urls.get(header)).filter(|u| u.starts_with("https://")).cloned()
    };
    GoogleImages { logo: https("logo_image"), hero: https("strip_image").or_else(|| https("background_image")) }
}

fn class_id(account: &GoogleAccount, template_id: u64) -> String {
    format!("{}{template_id}", class_id_prefix(account))
}

fn class_id_prefix(account: &GoogleAccount) -> String {
    account.id("tessera-template-")
}

/// Renders the pass as Apple would see it (Google reads the same merged fields), and gathers
/// the fields in Google's modules.
pub fn google_input(
    name: &str,
    template: &TemplateContent,
    pass: &PassContent,
    serial: &str,
) -> Result<GoogleInput, ServiceError> {
    let id = PassIdentity {
        pass_type_id: "pass.google",
        team_id: "GOOGLE",
        serial_number: serial,
        authentication_token: "google-pass-has-no-web-service",
        web_service_url: None,
    };
    let in_module = |name: &String| template.fields.get(name).and_then(Module::of).is_some();
    let apple_template = TemplateContent { fields: without_modules(&template.fields, in_module), ..template.clone() };
    let apple_pass = PassContent { fields: without_modules(&pass.fields, in_module), ..pass.clone() };
    Ok(GoogleInput {
        pass: render(name, &apple_template, &apple_pass, &id)?,
        modules: gather(&merged(&template.fields, &pass.fields)),
        images: images_of(template, pass),
        localizations: template.localizations.clone(),
    })
}

fn without_modules(
    fields: &BTreeMap<String, FieldSpec>,
    in_module: impl Fn(&String) -> bool,
) -> BTreeMap<String, FieldSpec> {
    fields.iter().filter(|(name, _)| !in_module(name)).map(|(n, s)| (n.clone(), s.clone())).collect()
}

/// What a Google template must offer beyond an Apple one; problems name template inputs.
pub fn check_template(
    name: &str,
    content: &TemplateContent,
    image_urls: &BTreeMap<String, String>,
) -> Result<(), ServiceError> {
    let with_urls = TemplateContent { image_urls: image_urls.clone(), ..content.clone() };
    let input = google_input(name, &with_urls, &PassContent::default(), "template-check")?;
    let kind = GoogleKind::for_style(input.pass.style().unwrap_or(PassStyle::Generic));
    let problems = class_problems(kind, &input);
    if problems.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(problems)) }
}

fn upstream(e: GoogleError) -> ServiceError {
    match e {
        GoogleError::InvalidAccount(m) => ServiceError::NotConfigured(format!("Google Wallet account: {m}")),
        other => ServiceError::Upstream(other.to_string()),
    }
}

/// A save link's payload carrying the classes and objects themselves (each class once).
fn fat_payload(passes: &[GooglePass]) -> Value {
    let mut payload = serde_json::Map::new();
    for pass in passes {
        let (classes, objects) = pass.kind.payload_keys();
        if let Some(list) = payload.entry(classes).or_insert_with(|| json!([])).as_array_mut()
            && !list.iter().any(|class| class["id"] == pass.class["id"])
        {
            list.push(pass.class.clone());
        }
        if let Some(list) = payload.entry(objects).or_insert_with(|| json!([])).as_array_mut() {
            list.push(pass.object.clone());
        }
    }
    Value::Object(payload)
}

/// A save link's payload naming objects Google already holds.
fn skinny_payload(passes: &[GooglePass]) -> Value {
    let mut payload = serde_json::Map::new();
    for pass in passes {
        let (_, objects) = pass.kind.payload_keys();
        let named = json!({"id": pass.object["id"], "classId": pass.object["classId"]});
        if let Some(list) = payload.entry(objects).or_insert_with(|| json!([])).as_array_mut() {
            list.push(named);
        }
    }
    Value::Object(payload)
}

/// A short message id for Google (ids must be unique per object): a hash of the text.
fn message_id(message: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, message.as_bytes());
    format!("tessera-{}", digest.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect::<String>())
}

impl GoogleWallet {
    pub fn new(
        store: Arc<dyn Store>,
        secrets: Arc<dyn Secrets>,
        clock: Arc<dyn Clock>,
        settings: GoogleSettings,
    ) -> GoogleWallet {
        GoogleWallet {
            store,
            secrets,
            clock,
            client: WalletClient::new(settings.endpoints.clone()),
            settings,
            account: Mutex::new(None),
            pass_locks: Mutex::new(HashMap::new()),
            callback_keys: tokio::sync::Mutex::new(None),
        }
    }

    /// Google's root keys for callbacks: the ones fetched within the hour, unless `fresh`.
    pub async fn callback_keys(&self, fresh: bool) -> Result<Arc<Value>, ServiceError> {
        let mut cached = self.callback_keys.lock().await;
        if let Some((at, keys)) = cached.as_ref()
            && !fresh
            && at.elapsed() < CALLBACK_KEYS_TTL
        {
            return Ok(keys.clone());
        }
        let keys = Arc::new(self.client.callback_keys().await.map_err(upstream)?);
        *cached = Some((std::time::Instant::now(), keys.clone()));
        Ok(keys)
    }

    /// The template a class id of this issuer names (`<issuer>.tessera-template-<id>`).
    pub fn template_of_class(account: &GoogleAccount, class_id: &str) -> Option<u64> {
        class_id.strip_prefix(&class_id_prefix(account))?.parse().ok()
    }

    /// The issuer account, loaded once from the Secrets port.
    pub async fn account(&self) -> Result<Arc<GoogleAccount>, ServiceError> {
        if let Some(account) = self.account.lock().ok().and_then(|a| a.clone()) {
            return Ok(account);
        }
        let stored =
            self.secrets.google_account().await?.ok_or_else(|| ServiceError::NotConfigured(NOT_CONFIGURED.into()))?;
        let account = Arc::new(GoogleAccount::load(&stored).map_err(upstream)?);
        if let Ok(mut cached) = self.account.lock() {
            *cached = Some(account.clone());
        }
        Ok(account)
    }

    fn render(
        &self,
        account: &GoogleAccount,
        template: &Template,
        content: &PassContent,
        serial: &str,
    ) -> Result<Rendered, ServiceError> {
        let template_content = &template.content;
        let class_input = google_input(&template.name, template_content, &PassContent::default(), serial)?;
        let object_input = google_input(&template.name, template_content, content, serial)?;
        let kind = GoogleKind::for_style(object_input.pass.style().unwrap_or(PassStyle::Generic));
        let class_id = class_id(account, template.id);
        let now_seconds = self.clock.now() / 1000;
        let mut class = class_for(kind, &class_input, &class_id);
        if let Some(url) = &self.settings.callback_url {
            class["callbackOptions"] = json!({ "url": url });
        }
        let pass = GooglePass {
            kind,
            class,
            object: object_for(kind, &object_input, &account.id(serial), &class_id, now_seconds),
        };
        let shown = &object_input.pass;
        let title = shown.logo_text.clone().or(shown.organization_name.clone()).unwrap_or_default();
        Ok(Rendered { kind, pass, title })
    }

    fn save_url(&self, account: &GoogleAccount, payload: Value) -> Result<String, ServiceError> {
        let claims = save_claims(&account.client_email, &self.settings.origins, payload, self.clock.now() / 1000);
        Ok(format!("{SAVE_URL_PREFIX}{}", account.sign(&claims).map_err(upstream)?))
    }

    /// The save link of a new pass (`serial` names its object). Writes to Google only when
    /// the fat link would be too long; nothing is stored here.
    pub async fn issue(
        &self,
        template: &Template,
        content: &PassContent,
        serial: &str,
    ) -> Result<String, ServiceError> {
        let account = self.account().await?;
        let Rendered { kind, pass, .. } = self.render(&account, template, content, serial)?;
        let passes = [pass];
        let fat = self.save_url(&account, fat_payload(&passes))?;
        if fat.len() <= MAX_SAVE_URL_LEN {
            return Ok(fat);
        }
        let [pass] = &passes;
        self.with_retry(|| async {
            self.client.upsert(&account, &kind.class_resource(), &pass.class).await?;
            self.client.insert(&account, &kind.object_resource(), &pass.object).await
        })
        .await
        .map_err(upstream)?;
        self.save_url(&account, skinny_payload(&passes))
    }

    /// One save link that adds several passes at once (each with its template). Passes that
    /// do not fit a fat link are written to Google first (updated if Google has them).
    pub async fn save_link_for_several(&self, passes: &[(Template, Pass)]) -> Result<String, ServiceError> {
        let account = self.account().await?;
        let mut rendered = Vec::with_capacity(passes.len());
        for (template, pass) in passes {
            rendered.push(self.render(&account, template, &pass.content, &pass.serial_number)?.pass);
        }
        let fat = self.save_url(&account, fat_payload(&rendered))?;
        if fat.len() <= MAX_SAVE_URL_LEN {
            return Ok(fat);
        }
        for pass in &rendered {
            let (classes, objects) = (pass.kind.class_resource(), pass.kind.object_resource());
            self.with_retry(|| async {
                if !self.client.patch(&account, &objects, &pass.object).await? {
                    self.client.upsert(&account, &classes, &pass.class).await?;
                    self.client.insert(&account, &objects, &pass.object).await?;
                }
                Ok(())
            })
            .await
            .map_err(upstream)?;
        }
        self.save_url(&account, skinny_payload(&rendered))
    }

    async fn with_retry<F, Fut>(&self, mut call: F) -> Result<u32, GoogleError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), GoogleError>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match call().await {
                Ok(()) => return Ok(attempt),
                Err(e) if e.retryable() && attempt < MAX_ATTEMPTS => {
                    let jitter = Duration::from_millis(u64::from(rand::random::<u8>()) % 50);
                    tokio::time::sleep(self.settings.retry_base * 2u32.pow(attempt - 1) + jitter).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn pass_lock(&self, id: u64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.pass_locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        locks.entry(id).or_default().clone()
    }

    /// The template and the account to write it with; `None` for Apple templates, deleted
    /// ones, and deployments without a Google account (nothing to write then).
    async fn google_template(&self, template_id: u64) -> Result<Option<(Template, Arc<GoogleAccount>)>, ServiceError> {
        let Some(template) = self.store.get_template(template_id).await? else { return Ok(None) };
        if template.vendor != Vendor::Google {
            return Ok(None);
        }
        match self.account().await {
            Ok(account) => Ok(Some((template, account))),
            Err(ServiceError::NotConfigured(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a Google pass as it is now to Google (and its message, once), and records the
    /// outcome as the pass's `googleSync`. Apple passes, and deployments without a Google
    /// account, are left alone.
    pub async fn sync_pass(&self, id: u64) -> Result<(), ServiceError> {
        let lock = self.pass_lock(id);
        let _held = lock.lock().await;
        let Some(pass) = self.store.get_pass(id).await? else { return Ok(()) };
        let Some((template, account)) = self.google_template(pass.template_id).await? else { return Ok(()) };
        self.sync_one(&account, &template, &pass).await
    }

    async fn sync_one(&self, account: &GoogleAccount, template: &Template, pass: &Pass) -> Result<(), ServiceError> {
        let content = &pass.content;
        let previous_message = self.store.wallet_sync(pass.id).await?.and_then(|s| s.message_id);
        let Rendered { kind, pass: google, title } = self.render(account, template, content, &pass.serial_number)?;
        let object_resource = kind.object_resource();
        let object_id = google.object["id"].as_str().unwrap_or_default().to_string();
        let outcome = self
            .with_retry(|| async {
                if !self.client.patch(account, &object_resource, &google.object).await? {
                    // Never saved yet (a fat link not opened): make the class, then the object.
                    self.client.upsert(account, &kind.class_resource(), &google.class).await?;
                    self.client.insert(account, &object_resource, &google.object).await?;
                }
                Ok(())
            })
            .await;
        let mut status = GoogleSync {
            state: SyncState::Synced,
            object_id: object_id.clone(),
            pass_version: pass.version,
            template_version: template.version,
            at: crate::model::date::format_millis(self.clock.now()),
            attempts: None,
            error: None,
            message_id: previous_message.clone(),
            message_type: None,
        };
        match outcome {
            Ok(attempts) => status.attempts = Some(attempts),
            Err(e) => {
                tracing::warn!(pass = pass.id, error = %e, "Google Wallet sync failed");
                status.state = SyncState::Failed;
                status.error = Some(e.to_string());
                self.store.put_wallet_sync(pass.id, &status).await?;
                return Ok(());
            }
        }
        if let Some(message) = content.message.as_deref().filter(|m| !m.is_empty())
            && previous_message.as_deref() != Some(&message_id(message))
        {
            match self.send_message(account, &object_resource, &object_id, &title, message).await {
                Ok(kind) => {
                    status.message_id = Some(message_id(message));
                    status.message_type = Some(kind.to_string());
                }
                Err(e) => {
                    tracing::warn!(pass = pass.id, error = %e, "Google Wallet message failed");
                    status.state = SyncState::Failed;
                    status.error = Some(format!("message: {e}"));
                }
            }
        }
        self.store.put_wallet_sync(pass.id, &status).await?;
        Ok(())
    }

    /// Sends a notifying message; past Google's 3 notifications a day it goes out silent.
    async fn send_message(
        &self,
        account: &GoogleAccount,
        resource: &str,
        object_id: &str,
        title: &str,
        text: &str,
    ) -> Result<&'static str, GoogleError> {
        let message = |kind: &str| json!({"id": message_id(text), "header": title, "body": text, "messageType": kind});
        let notify = message("TEXT_AND_NOTIFY");
        let sent = self.with_retry(|| self.client.add_message(account, resource, object_id, &notify)).await;
        match sent {
            Ok(_) => Ok("TEXT_AND_NOTIFY"),
            Err(GoogleError::Rejected { status: 403, reason: Some(reason), .. }) if reason == "quotaExceeded" => {
                let silent = message("TEXT");
                self.with_retry(|| self.client.add_message(account, resource, object_id, &silent)).await?;
                Ok("TEXT")
            }
            Err(e) => Err(e),
        }
    }

    /// A template changed: its class, then every pass of it (their objects carry its fields).
    pub async fn sync_template(&self, template_id: u64) -> Result<(), ServiceError> {
        let Some((template, account)) = self.google_template(template_id).await? else { return Ok(()) };
        let Rendered { kind, pass: google, .. } = self.render(&account, &template, &PassContent::default(), "class")?;
        let resource = kind.class_resource();
        if let Err(e) = self.with_retry(|| self.client.upsert(&account, &resource, &google.class)).await {
            tracing::warn!(template = template_id, error = %e, "Google Wallet class update failed");
        }
        let mut page = 1;
        loop {
            let request = PageRequest { page, page_size: 100, ..PageRequest::default() };
            let query = PassQuery { filter: PassFilter::Template(template_id), status: None, page: request };
            let batch = self.store.list_passes(&query).await?;
            if batch.items.is_empty() {
                return Ok(());
            }
            for listed in &batch.items {
                let lock = self.pass_lock(listed.id);
                let _held = lock.lock().await;
                if let Some(pass) = self.store.get_pass(listed.id).await? {
                    self.sync_one(&account, &template, &pass).await?;
                }
            }
            page += 1;
        }
    }
}
