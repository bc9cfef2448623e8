//! `tessera aws …`: work on the AWS resources named by the environment.

use clap::Subcommand;
use tessera::aws::AwsClients;
use tessera::aws::bootstrap::bootstrap;

#[derive(Subcommand)]
pub enum AwsCommand {
    /// Create the DynamoDB table (indexes, stream) and the S3 bucket as template.yaml declares
    /// them, in the account and region of the standard AWS environment (or AWS_ENDPOINT_URL).
    /// Names come from TESSERA_TABLE and TESSERA_BUCKET. Safe to run again.
    Bootstrap,
}

pub async fn run(command: AwsCommand) -> Result<String, Vec<String>> {
    let AwsCommand::Bootstrap = command;
    let resources = tessera::config::Settings::from_env().map_err(|e| vec![e])?.aws;
    let clients = AwsClients::from_env().await;
    let report = bootstrap(&clients, &resources).await.map_err(|e| vec![e.to_string()])?;
    let state = |created| if created { "created" } else { "already there" };
    Ok(format!(
        "table {}: {}\nbucket {}: {}",
        resources.table,
        state(report.table_created),
        resources.bucket,
        state(report.bucket_created)
    ))
}
