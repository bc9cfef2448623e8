//! Where Tessera's AWS resources are (named by `config::Settings`), and the SDK clients for them.
//! The standard AWS variables apply (AWS_REGION, credentials, AWS_ENDPOINT_URL for
//! emulators such as moto); `TESSERA_AWS_ENDPOINT`, when not empty, overrides the endpoint too
//! (the template's `EmulatorEndpoint` parameter sets it: SAM passes only variables the template
//! declares). With an endpoint override, S3 uses path-style addressing.

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::SharedCredentialsProvider;

use super::http_client::sdk_http_client;
pub use super::resources::AwsResources;

/// The clients, built once per process and shared.
#[derive(Clone)]
pub struct AwsClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub scheduler: aws_sdk_scheduler::Client,
}

impl AwsClients {
    /// Clients from the standard AWS environment (region, credentials, AWS_ENDPOINT_URL), or
    /// the endpoint `TESSERA_AWS_ENDPOINT` names. Every source the SDK knows is tried
    /// (profiles, SSO, web identity, ...): for the CLI and `tessera serve` on an operator's
    /// machine.
    pub async fn from_env() -> AwsClients {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).http_client(sdk_http_client()).timeout_config(timeouts());
        if let Some(endpoint) = endpoint_override() {
            loader = loader.endpoint_url(endpoint);
        }
        AwsClients::new(&loader.load().await)
    }

    /// Clients from a Lambda's environment only: the region and the role's credentials are
    /// variables there, so a function links none of the other sources' code (profile files,
    /// SSO, STS, IMDS), about 0.3 MiB. The endpoint is `TESSERA_AWS_ENDPOINT` or
    /// `AWS_ENDPOINT_URL` when set. Without a region the clients are still made, as the SDK's
    /// own loader makes them: each call then fails, naming what is missing.
    pub fn from_function_env() -> AwsClients {
        let region = env_value("AWS_REGION").or_else(|| env_value("AWS_DEFAULT_REGION")).map(Region::new);
        let credentials = SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new());
        let mut config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(sdk_http_client())
            .timeout_config(timeouts())
            .region(region)
            .credentials_provider(credentials);
        if let Some(endpoint) = endpoint_override().or_else(|| env_value("AWS_ENDPOINT_URL")) {
            config = config.endpoint_url(endpoint);
        }
        AwsClients::new(&config.build())
    }

    /// Opens the connection to DynamoDB before the first request needs it: a cold function
    /// otherwise pays the TLS handshake inside its first request. Bounded; a failure is only
    /// logged, since the request that needs the table reports its own error.
    pub async fn warm(&self, table: &str) {
        let started = std::time::Instant::now();
        let call = self.dynamodb.describe_table().table_name(table).send();
        let outcome = match tokio::time::timeout(std::time::Duration::from_secs(2), call).await {
            Ok(Ok(_)) => "ready",
            Ok(Err(error)) => {
                tracing::warn!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&error), "warming the DynamoDB connection failed");
                "failed"
            }
            Err(_) => "timed out",
        };
        tracing::info!(outcome, ms = started.elapsed().as_millis() as u64, "DynamoDB connection warmed");
    }

    pub fn new(config: &SdkConfig) -> AwsClients {
        let endpoint_overridden = config.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
        let s3_config = aws_sdk_s3::config::Builder::from(config).force_path_style(endpoint_overridden).build();
        AwsClients {
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            secrets: aws_sdk_secretsmanager::Client::new(config),
            sqs: aws_sdk_sqs::Client::new(config),
            scheduler: aws_sdk_scheduler::Client::new(config),
        }
    }
}

/// How long an AWS call may take: an attempt that hangs is given up (and retried, within
/// the SDK's standard three attempts) well inside a route function's 15 s (template.yaml), so
/// the caller gets a 503 with `Retry-After` instead of a function timeout with nothing said.
pub fn timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .operation_attempt_timeout(std::time::Duration::from_secs(4))
        .operation_timeout(std::time::Duration::from_secs(10))
        .build()
}

/// `TESSERA_AWS_ENDPOINT` when set and not empty.
fn endpoint_override() -> Option<String> {
    env_value("TESSERA_AWS_ENDPOINT")
}

/// A variable's trimmed value; empty counts as unset.
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
