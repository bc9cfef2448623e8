//! `tessera aws bootstrap`: creates the table (with its indexes and stream) and the bucket
//! (private, encrypted) exactly as template.yaml declares them. Safe to run again.

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TableStatus, TimeToLiveSpecification,
};
use aws_sdk_s3::types::{
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};

use super::config::{AwsClients, AwsResources};
use super::schema::{AttrType, INDEXES, KEY_ATTRIBUTES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE};

#[derive(Debug, thiserror::Error)]
#[error("bootstrap: {0}")]
pub struct BootstrapError(String);

fn err(e: impl std::fmt::Display) -> BootstrapError {
    BootstrapError(e.to_string())
}

/// What bootstrap did, for the command's output.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BootstrapReport {
    pub table_created: bool,
    pub bucket_created: bool,
}

pub async fn bootstrap(clients: &AwsClients, resources: &AwsResources) -> Result<BootstrapReport, BootstrapError> {
    Ok(BootstrapReport {
        table_created: create_table(clients, &resources.table).await?,
        bucket_created: create_bucket(clients, &resources.bucket).await?,
    })
}

fn key_element(name: &str, key_type: KeyType) -> Result<KeySchemaElement, BootstrapError> {
    KeySchemaElement::builder().attribute_name(name).key_type(key_type).build().map_err(err)
}

async fn create_table(clients: &AwsClients, table: &str) -> Result<bool, BootstrapError> {
    let mut request = clients
        .dynamodb
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key_element(PARTITION_KEY, KeyType::Hash)?)
        .key_schema(key_element(SORT_KEY, KeyType::Range)?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .map_err(err)?,
        );
    for (name, kind) in KEY_ATTRIBUTES {
        let kind = match kind {
            AttrType::S => ScalarAttributeType::S,
            AttrType::N => ScalarAttributeType::N,
        };
        request = request.attribute_definitions(
            AttributeDefinition::builder().attribute_name(name).attribute_type(kind).build().map_err(err)?,
        );
    }
    for index in INDEXES {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(index.name)
                .key_schema(key_element(index.partition_key, KeyType::Hash)?)
                .key_schema(key_element(index.sort_key, KeyType::Range)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .map_err(err)?,
        );
    }
    let created = match request.send().await {
        Ok(_) => true,
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => false,
        Err(e) => return Err(err(DisplayErrorContext(e))),
    };
    for _ in 0..120 {
        let described = clients
            .dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| err(DisplayErrorContext(e)))?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            enable_time_to_live(clients, table).await?;
            return Ok(created);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    Err(BootstrapError(format!("table {table} did not become active within a minute")))
}

/// Expires items by [`TTL_ATTRIBUTE`] (the update trail's events), as template.yaml does.
async fn enable_time_to_live(clients: &AwsClients, table: &str) -> Result<(), BootstrapError> {
    let described = clients
        .dynamodb
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .map_err(|e| err(DisplayErrorContext(e)))?;
    let current = described.time_to_live_description();
    if current.and_then(|d| d.attribute_name()) == Some(TTL_ATTRIBUTE) {
        return Ok(());
    }
    let specification =
        TimeToLiveSpecification::builder().attribute_name(TTL_ATTRIBUTE).enabled(true).build().map_err(err)?;
    clients
        .dynamodb
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification)
        .send()
        .await
        .map_err(|e| err(DisplayErrorContext(e)))?;
    Ok(())
}

async fn create_bucket(clients: &AwsClients, bucket: &str) -> Result<bool, BootstrapError> {
    // Ask first: in us-east-1, CreateBucket on a bucket one already owns succeeds silently.
    let exists = clients.s3.head_bucket().bucket(bucket).send().await.is_ok();
    let created = !exists
        && match clients.s3.create_bucket().bucket(bucket).send().await {
            Ok(_) => true,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_bucket_already_owned_by_you()) => false,
            Err(e) => return Err(err(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    clients
        .s3
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(block)
        .send()
        .await
        .map_err(|e| err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(
            ServerSideEncryptionByDefault::builder()
                .sse_algorithm(ServerSideEncryption::Aes256)
                .build()
                .map_err(err)?,
        )
        .build();
    let encryption = ServerSideEncryptionConfiguration::builder().rules(rule).build().map_err(err)?;
    clients
        .s3
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(|e| err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
    Ok(created)
}
