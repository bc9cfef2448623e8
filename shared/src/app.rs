//! The application context: adapters behind the ports, configuration, and the caches that
//! make signing fast. Built once per process (per Lambda cold start) and borrowed by handlers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::embedded::{FileBlobs, FileSecrets, RecordingPusher, SqliteStore};
use crate::pkpass::PassAssets;
use crate::ports::{Blobs, Clock, Pusher, Secrets, Store, StoreError, SystemClock};
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
}

impl AppConfig {
    pub const DEFAULT_MAX_BODY_BYTES: usize = 6 * 1024 * 1024;

    pub fn new(public_url: &str) -> AppConfig {
        AppConfig {
            public_url: public_url.trim_end_matches('/').to_string(),
            dev_pki_dir: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            image_fetch: FetchPolicy::default(),
        }
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
    /// Tells registered devices about changes (in the background).
    pub dispatcher: Dispatcher,
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
        let identities = IdentityCache::new(secrets.clone(), config.dev_pki_dir.clone());
        let images = ImageFetcher::new(config.image_fetch.clone());
        let dispatcher = Dispatcher::new(store.clone(), Arc::new(RecordingPusher::new()), clock.clone());
        App { store, blobs, secrets, clock, config, identities, images, dispatcher, assets: Mutex::new(HashMap::new()) }
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
        self.dispatcher = Dispatcher::new(self.store.clone(), pusher, self.clock.clone());
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
