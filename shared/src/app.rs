//! The application context: adapters behind the ports, configuration, and the caches that
//! make signing fast. Built once per process (per Lambda cold start) and borrowed by handlers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::embedded::{FileBlobs, FileSecrets, RecordingPusher, SqliteStore};
use crate::pkpass::PassAssets;
use crate::ports::{Blobs, Clock, Pusher, Secrets, Store, StoreError, SystemClock};
use crate::service::google::{GoogleSettings, GoogleWallet};
use crate::service::identities::IdentityCache;
use crate::service::image_fetch::{FetchPolicy, ImageFetcher};
use crate::service::push::Dispatcher;

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
}

impl AppConfig {
    pub const DEFAULT_MAX_BODY_BYTES: usize = 6 * 1024 * 1024;

    pub fn new(public_url: &str) -> AppConfig {
        AppConfig {
            public_url: public_url.trim_end_matches('/').to_string(),
            dev_pki_dir: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            image_fetch: FetchPolicy::default(),
            team_id: None,
            default_pass_type_id: None,
            google: GoogleSettings::default(),
        }
    }

    /// Reads the deployment settings a Lambda (or `tessera serve`) gets from its environment:
    /// `TESSERA_TEAM_ID`, `TESSERA_PASS_TYPE_ID`, `TESSERA_GOOGLE_ORIGINS` (comma-separated),
    /// `TESSERA_GOOGLE_API_URL` and `TESSERA_GOOGLE_TOKEN_URL`. Empty values count as unset.
    pub fn with_env(mut self) -> AppConfig {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        self.team_id = var("TESSERA_TEAM_ID").or(self.team_id);
        self.default_pass_type_id = var("TESSERA_PASS_TYPE_ID").or(self.default_pass_type_id);
        if let Some(origins) = var("TESSERA_GOOGLE_ORIGINS") {
            self.google.origins = origins.split(',').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
        }
        if let Some(url) = var("TESSERA_GOOGLE_API_URL") {
            self.google.endpoints.api_base = url;
        }
        if let Some(url) = var("TESSERA_GOOGLE_TOKEN_URL") {
            self.google.endpoints.token_url = url;
        }
        self
    }
}

pub struct App {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub secrets: Arc<dyn Secrets>,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
    pub identities: IdentityCache,
    pub images: ImageFetcher,
    /// Tells registered devices about changes (in the background), and Google.
    pub dispatcher: Dispatcher,
    pub google: Arc<GoogleWallet>,
    /// Prepared assets by (template id, template version).
    assets: Mutex<HashMap<(u64, u64), Arc<PassAssets>>>,
}

impl App {
    pub fn new(
        store: Arc<dyn Store>,
        blobs: Arc<dyn Blobs>,
        secrets: Arc<dyn Secrets>,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> App {
        let identities = IdentityCache::new(secrets.clone(), config.dev_pki_dir.clone(), config.team_id.clone());
        let images = ImageFetcher::new(config.image_fetch.clone());
        let google = Arc::new(GoogleWallet::new(store.clone(), secrets.clone(), clock.clone(), config.google.clone()));
        let dispatcher =
            Dispatcher::new(store.clone(), Arc::new(RecordingPusher::new()), clock.clone()).with_google(google.clone());
        App {
            store,
            blobs,
            secrets,
            clock,
            config,
            identities,
            images,
            dispatcher,
            google,
            assets: Mutex::new(HashMap::new()),
        }
    }

    /// Everything on local disk under `data_dir`: SQLite, blob files, identity folders, and
    /// the development PKI for pass types without an imported identity.
    pub fn embedded(data_dir: &Path, mut config: AppConfig) -> Result<App, StoreError> {
        let store = SqliteStore::open(&data_dir.join("tessera.db"))?;
        config.dev_pki_dir.get_or_insert_with(|| data_dir.join("pki"));
        Ok(App::new(
            Arc::new(store),
            Arc::new(FileBlobs::new(&data_dir.join("blobs"))),
            Arc::new(FileSecrets::new(&data_dir.join("identities"))),
            Arc::new(SystemClock),
            config,
        ))
    }

    /// Sends change notifications through `pusher` (the default records them only).
    pub fn with_pusher(mut self, pusher: Arc<dyn Pusher>) -> App {
        self.dispatcher =
            Dispatcher::new(self.store.clone(), pusher, self.clock.clone()).with_google(self.google.clone());
        self
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

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
