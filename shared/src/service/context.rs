//! The application context the use cases borrow: the ports, the configuration, and the
//! caches that make signing fast. Built once per process (per Lambda cold start) by a
//! composition root (`crate::app`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::google::{GoogleSettings, GoogleWallet};
use super::identities::IdentityCache;
use super::push::{Change, Dispatcher};
use super::trail::TrailRecorder;
use crate::pkpass::PassAssets;
use crate::ports::{
    Blobs, Clock, DeliveryQueue, DevIdentities, FetchPolicy, ImageSource, JobQueue, Pusher, Secrets, Store, Timers,
    WebhookSender,
};

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Base of every URL Tessera hands out (download links, webServiceURL), without a
    /// trailing slash, e.g. `https://wallet.example.com`.
    pub public_url: String,
    /// Where the development PKI lives; `None` means passes need an imported identity.
    pub dev_pki_dir: Option<PathBuf>,
    /// Requests with a larger body get 413.
    pub max_body_bytes: usize,
    /// How template images given as URLs are fetched.
    pub image_fetch: FetchPolicy,
    /// The Apple team this deployment signs for: an imported identity of another team is
    /// refused, and the development PKI issues for this team.
    pub team_id: Option<String>,
    /// The pass type of Apple templates that name none.
    pub default_pass_type_id: Option<String>,
    /// Google Wallet's endpoints and the save links' origins.
    pub google: GoogleSettings,
    /// Memory for recently served .pkpass files (device polls serve the same file to every
    /// device that holds a pass).
    pub hot_pkpass_bytes: usize,
    /// Passes one step of a bulk update changes (a step must finish well within the job
    /// worker's timeout).
    pub bulk_step_passes: usize,
}

impl AppConfig {
    pub const DEFAULT_MAX_BODY_BYTES: usize = 6 * 1024 * 1024;
    pub const DEFAULT_HOT_PKPASS_BYTES: usize = 64 * 1024 * 1024;
    pub const DEFAULT_BULK_STEP_PASSES: usize = 50;

    pub fn new(public_url: &str) -> AppConfig {
        AppConfig {
            public_url: public_url.trim_end_matches('/').to_string(),
            dev_pki_dir: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            image_fetch: FetchPolicy::default(),
            team_id: None,
            default_pass_type_id: None,
            google: GoogleSettings::default(),
            hot_pkpass_bytes: Self::DEFAULT_HOT_PKPASS_BYTES,
            bulk_step_passes: Self::DEFAULT_BULK_STEP_PASSES,
        }
    }
}

/// The adapters an [`App`] runs on.
pub struct Ports {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub secrets: Arc<dyn Secrets>,
    pub clock: Arc<dyn Clock>,
    pub images: Arc<dyn ImageSource>,
    /// Where callbacks are POSTed.
    pub webhooks: Arc<dyn WebhookSender>,
    /// Development identities for pass types without an imported one (local use).
    pub dev_identities: Option<Arc<dyn DevIdentities>>,
}

pub struct App {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub secrets: Arc<dyn Secrets>,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
    pub identities: IdentityCache,
    pub images: Arc<dyn ImageSource>,
    pub webhooks: Arc<dyn WebhookSender>,
    /// Where callback deliveries wait between attempts when another process makes them
    /// (SQS); `None`: the local drain walks the outbox.
    pub delivery_queue: Option<Arc<dyn DeliveryQueue>>,
    /// Wakes the local callback drain when an event is queued.
    callback_wake: Arc<tokio::sync::Notify>,
    /// Tells registered devices and Google about changes, in the background of this process;
    /// `None` where another process does it (API Lambdas: the table's stream feeds the
    /// dispatcher function).
    dispatcher: Option<Dispatcher>,
    pub google: Arc<GoogleWallet>,
    /// Where background work (bulk updates) is queued; `None` where none can run.
    pub jobs: Option<Arc<dyn JobQueue>>,
    /// Where work due at a set time (expirations) is kept; `None`: expirations apply only
    /// when a pass is read.
    pub timers: Option<Arc<dyn Timers>>,
    /// Where the device protocol and the dispatcher note what happened to each update.
    pub trail: TrailRecorder,
    /// What each source may send of Wallet's log reports (`POST /v1/log`, which takes no
    /// credentials).
    pub wallet_log_budget: super::rate_limit::SourceLimiter,
    /// Prepared assets by (template id, template version).
    assets: Mutex<HashMap<(u64, u64), Arc<PassAssets>>>,
}

impl App {
    /// The pass type of Apple templates (and projects) that name none: the deployment's, or
    /// locally the development PKI's.
    pub fn default_pass_type_id(&self) -> Option<String> {
        let dev = self.identities.issues_dev_identities().then(|| super::identities::DEV_PASS_TYPE_ID.to_string());
        self.config.default_pass_type_id.clone().or(dev)
    }
}

impl App {
    /// The context on these ports; it dispatches nothing until given a pusher.
    pub fn new(ports: Ports, config: AppConfig) -> App {
        let Ports { store, blobs, secrets, clock, images, webhooks, dev_identities } = ports;
        let identities = IdentityCache::new(secrets.clone(), dev_identities, config.team_id.clone());
        let mut google_settings = config.google.clone();
        if config.public_url.starts_with("https://") {
            // Google calls only https URLs; a local http deployment hears nothing from it.
            google_settings.callback_url.get_or_insert_with(|| format!("{}/v1/google/callback", config.public_url));
        }
        let google = Arc::new(GoogleWallet::new(store.clone(), secrets.clone(), clock.clone(), google_settings));
        let trail = TrailRecorder::direct(store.clone(), clock.clone());
        App {
            trail,
            store,
            blobs,
            secrets,
            clock,
            config,
            identities,
            images,
            webhooks,
            delivery_queue: None,
            callback_wake: Arc::new(tokio::sync::Notify::new()),
            google,
            dispatcher: None,
            jobs: None,
            timers: None,
            assets: Mutex::new(HashMap::new()),
            wallet_log_budget: super::wallet_log::budget(),
        }
    }

    /// Queues background work on `queue`.
    pub fn with_jobs(mut self, queue: Arc<dyn JobQueue>) -> App {
        self.jobs = Some(queue);
        self
    }

    /// Leaves callback deliveries between attempts on `queue`.
    pub fn with_delivery_queue(mut self, queue: Arc<dyn DeliveryQueue>) -> App {
        self.delivery_queue = Some(queue);
        self
    }

    /// Keeps timers (expirations) in `timers`.
    pub fn with_timers(mut self, timers: Arc<dyn Timers>) -> App {
        self.timers = Some(timers);
        self
    }

    /// Sends change notifications through `pusher` (the default records them only).
    pub fn with_pusher(mut self, pusher: Arc<dyn Pusher>) -> App {
        let dispatcher = Dispatcher::new(self.store.clone(), pusher, self.clock.clone())
            .with_google(self.google.clone())
            .with_trail(self.trail.clone());
        self.dispatcher = Some(dispatcher);
        self
    }

    /// Writes the update trail in batches, `delay` apart at most: for a long-running process
    /// (the local server), where a device poll should not wait for a write. Before
    /// [`App::with_pusher`], so that the dispatcher records through the same batches.
    pub fn with_batched_trail(mut self, delay: std::time::Duration) -> App {
        self.trail = self.trail.batched(delay);
        self
    }

    /// Dispatches nothing itself: another process (the stream-fed dispatcher function) tells
    /// devices and Google about changes. For API Lambdas, which may be frozen as soon as they
    /// have answered.
    pub fn dispatching_elsewhere(mut self) -> App {
        self.dispatcher = None;
        self
    }

    /// What tells devices and Google about changes in this process, if anything does.
    pub fn dispatcher(&self) -> Option<&Dispatcher> {
        self.dispatcher.as_ref()
    }

    /// A pass or template changed: tell its devices and Google, in the background.
    pub fn notify(&self, change: Change) {
        if let Some(dispatcher) = &self.dispatcher {
            dispatcher.spawn(change);
        }
    }

    pub(crate) fn cached_assets(&self, template_id: u64, version: u64) -> Option<Arc<PassAssets>> {
        self.assets.lock().ok().and_then(|a| a.get(&(template_id, version)).cloned())
    }

    pub(crate) fn cache_assets(&self, template_id: u64, version: u64, assets: Arc<PassAssets>) {
        if let Ok(mut cache) = self.assets.lock() {
            cache.retain(|(id, _), _| *id != template_id);
            cache.insert((template_id, version), assets);
        }
    }

    /// A callback was queued: the local drain (if this process runs one) goes at once.
    pub fn wake_callback_drain(&self) {
        self.callback_wake.notify_one();
    }

    pub(crate) fn callback_drain_wake(&self) -> Arc<tokio::sync::Notify> {
        self.callback_wake.clone()
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
