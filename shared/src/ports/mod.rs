//! The ports: what the use cases need from the outside world, as traits. Each has an
//! embedded implementation (`crate::embedded`) and an AWS one (`crate::aws`), held to the
//! same behaviour by one conformance suite (`tessera-tests`).

pub mod blobs;
pub mod clock;
pub mod dev_identities;
pub mod images;
pub mod jobs;
pub mod pusher;
pub mod secrets;
pub mod store;
pub mod timers;
pub mod webhooks;

pub use blobs::{Blob, BlobError, Blobs};
pub use clock::{Clock, ManualClock, SystemClock};
pub use dev_identities::DevIdentities;
pub use images::{FetchPolicy, ImageSource, MAX_IMAGE_BYTES};
pub use jobs::{JobQueue, JobStep, QueueError};
pub use pusher::{PushOutcome, Pusher};
pub use secrets::{SecretError, Secrets, StoredGoogleAccount, StoredIdentity};
pub use store::{Store, StoreError};
pub use timers::{TimerError, TimerJob, Timers};
pub use webhooks::{DeliveryQueue, Outbound, SendResult, WebhookSender};
