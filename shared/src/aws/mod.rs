//! The AWS adapters of the ports: DynamoDB (`Store`), S3 (`Blobs`), Secrets Manager
//! (`Secrets`), SQS (`JobQueue`, `DeliveryQueue`), EventBridge Scheduler (`Timers`), and `bootstrap` to create the resources for emulators and
//! dev accounts.

pub mod apns;
pub mod apns_connection;
pub mod bootstrap;
pub mod config;
pub mod dynamo;
pub mod http_client;
pub mod s3_blobs;
pub mod scheduler_timers;
pub mod schema;
pub mod secrets_manager;
pub mod sqs_deliveries;
pub mod sqs_jobs;

pub use config::{AwsClients, AwsResources};
pub use dynamo::DynamoStore;
pub use s3_blobs::S3Blobs;
pub use scheduler_timers::{SchedulerTimers, TimerTarget};
pub use secrets_manager::SecretsManagerSecrets;
pub use sqs_deliveries::SqsDeliveryQueue;
pub use sqs_jobs::SqsJobQueue;
