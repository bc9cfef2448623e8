//! The AWS adapters of the ports: DynamoDB (`Store`), S3 (`Blobs`), Secrets Manager
//! (`Secrets`), SQS (`JobQueue`, `DeliveryQueue`), EventBridge Scheduler (`Timers`), and `bootstrap` to create the resources for emulators and
//! dev accounts.
//!
//! Everything that calls AWS sits behind the `aws` feature (on by default); without it only
//! the resource names and APNs remain, so a build that never talks to AWS (the fuzz targets)
//! compiles no SDK.

pub mod apns;
pub mod apns_connection;
#[cfg(feature = "aws")]
pub mod bootstrap;
#[cfg(feature = "aws")]
pub mod config;
#[cfg(feature = "aws")]
pub mod dynamo;
#[cfg(feature = "aws")]
pub mod http_client;
pub mod resources;
#[cfg(feature = "aws")]
pub mod s3_blobs;
#[cfg(feature = "aws")]
pub mod scheduler_timers;
pub mod schema;
#[cfg(feature = "aws")]
pub mod secrets_manager;
#[cfg(feature = "aws")]
pub mod sqs_deliveries;
#[cfg(feature = "aws")]
pub mod sqs_jobs;
#[cfg(feature = "aws")]
pub mod transient;

#[cfg(feature = "aws")]
pub use config::AwsClients;
#[cfg(feature = "aws")]
pub use dynamo::DynamoStore;
pub use resources::{AwsResources, TimerTarget};
#[cfg(feature = "aws")]
pub use s3_blobs::S3Blobs;
#[cfg(feature = "aws")]
pub use scheduler_timers::SchedulerTimers;
#[cfg(feature = "aws")]
pub use secrets_manager::SecretsManagerSecrets;
#[cfg(feature = "aws")]
pub use sqs_deliveries::SqsDeliveryQueue;
#[cfg(feature = "aws")]
pub use sqs_jobs::SqsJobQueue;
