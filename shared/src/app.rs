//! The composition roots, one per backend: the adapters behind the ports, assembled into the
//! application context ([`App`], defined with the use cases). `tessera serve`, every Lambda
//! and the test kit build their app here.

use std::path::Path;
use std::sync::Arc;

pub use crate::service::context::{App, AppConfig, Ports};

#[cfg(feature = "aws")]
use crate::aws::{
    AwsClients, AwsResources, DynamoStore, S3Blobs, SchedulerTimers, SecretsManagerSecrets, SqsDeliveryQueue,
    SqsJobQueue,
};
use crate::cache::HotBlobs;
use crate::embedded::{DevPkiIssuer, FileBlobs, FileSecrets, LocalJobQueue, LocalTimers, SqliteStore};
use crate::ports::{Blobs, DevIdentities, Secrets, Store, StoreError, SystemClock};
use crate::service::identities::IdentityCache;
use crate::web::{GuardedWebhookSender, ImageFetcher};

/// The ports every backend shares around its own store, blobs and secrets: the hot .pkpass
/// cache and the image fetcher. Both composition roots below end here (tests use it to put
/// probes around a backend).
pub fn assemble(store: Arc<dyn Store>, blobs: Arc<dyn Blobs>, secrets: Arc<dyn Secrets>, config: AppConfig) -> App {
    let ports = Ports {
        store,
        blobs: Arc::new(HotBlobs::new(blobs, "passes/", config.hot_pkpass_bytes)),
        secrets,
        clock: Arc::new(SystemClock),
        images: Arc::new(ImageFetcher::new(config.image_fetch.clone())),
        webhooks: Arc::new(GuardedWebhookSender::new(config.image_fetch.clone())),
        dev_identities: None,
    };
    App::new(ports, config)
}

/// How long the local server holds update trail events before writing them together.
const TRAIL_BATCH_DELAY: std::time::Duration = std::time::Duration::from_millis(100);

impl App {
    /// Everything on local disk under `data_dir`: SQLite, blob files, identity folders, and
    /// the development PKI for pass types without an imported identity.
    pub fn embedded(data_dir: &Path, mut config: AppConfig) -> Result<App, StoreError> {
        let store = SqliteStore::open(&data_dir.join("tessera.db"))?;
        config.dev_pki_dir.get_or_insert_with(|| data_dir.join("pki"));
        let app = assemble(
            Arc::new(store),
            Arc::new(FileBlobs::new(&data_dir.join("blobs"))),
            Arc::new(FileSecrets::new(&data_dir.join("identities"))),
            config,
        )
        .with_dev_pki();
        let timers = LocalTimers::open(&data_dir.join("timers.db")).map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(app
            .with_jobs(Arc::new(LocalJobQueue::new()))
            .with_timers(Arc::new(timers))
            .with_batched_trail(TRAIL_BATCH_DELAY))
    }

    #[cfg(feature = "aws")]
    /// The AWS adapters on `clients`, for the resources named. It signs with imported
    /// identities only: no development PKI, so no Lambda links its certificate-making code.
    pub fn aws(clients: &AwsClients, resources: &AwsResources, config: AppConfig) -> App {
        let app = assemble(
            Arc::new(DynamoStore::new(clients.dynamodb.clone(), &resources.table)),
            Arc::new(S3Blobs::new(clients.s3.clone(), &resources.bucket, &resources.blob_prefix)),
            Arc::new(SecretsManagerSecrets::new(clients.secrets.clone(), &resources.secret_prefix)),
            config,
        );
        let app = match &resources.job_queue_url {
            Some(url) => app.with_jobs(Arc::new(SqsJobQueue::new(clients.sqs.clone(), url))),
            None => app,
        };
        let app = match &resources.callback_queue_url {
            Some(url) => app.with_delivery_queue(Arc::new(SqsDeliveryQueue::new(clients.sqs.clone(), url))),
            None => app,
        };
        match &resources.timer_target {
            Some(target) => {
                let timers = SchedulerTimers::new(clients.scheduler.clone(), target.clone(), &resources.table);
                app.with_timers(Arc::new(timers))
            }
            None => app,
        }
    }

    /// Issues development identities from the PKI in the configuration's `dev_pki_dir` for
    /// pass types without an imported identity (the embedded backend; tests on AWS).
    pub fn with_dev_pki(mut self) -> App {
        if let Some(dir) = self.config.dev_pki_dir.as_deref() {
            let dev: Arc<dyn DevIdentities> = Arc::new(DevPkiIssuer::new(dir));
            self.identities = IdentityCache::new(self.secrets.clone(), Some(dev), self.config.team_id.clone());
        }
        self
    }
}
