//! The port conformance suite on the AWS backend (DynamoDB, S3, Secrets Manager) against
//! moto_server, plus what only this backend has: bootstrap.

use tessera::aws::bootstrap::bootstrap;
use tessera_tests::moto::{aws_backend, clients, unique_resources};

tessera_tests::conformance_suite!(aws_backend);

#[tokio::test]
async fn bootstrap_is_idempotent_and_makes_a_private_encrypted_bucket() {
    let clients = clients().await;
    let resources = unique_resources();
    let first = bootstrap(&clients, &resources).await.unwrap();
    assert!(first.table_created && first.bucket_created);
    let again = bootstrap(&clients, &resources).await.unwrap();
    assert!(!again.table_created && !again.bucket_created, "a second run changes nothing");

    let table = clients.dynamodb.describe_table().table_name(&resources.table).send().await.unwrap();
    let table = table.table().unwrap();
    let stream = table.stream_specification().unwrap();
    assert!(stream.stream_enabled());
    assert_eq!(stream.stream_view_type().map(|v| v.as_str()), Some("NEW_AND_OLD_IMAGES"));
    let mut indexes: Vec<&str> = table.global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
    indexes.sort();
    let mut expected: Vec<&str> = tessera::aws::schema::INDEXES.iter().map(|i| i.name).collect();
    expected.sort();
    assert_eq!(indexes, expected);

    let block = clients.s3.get_public_access_block().bucket(&resources.bucket).send().await.unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            block.block_public_acls(),
            block.ignore_public_acls(),
            block.block_public_policy(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let encryption = clients.s3.get_bucket_encryption().bucket(&resources.bucket).send().await.unwrap();
    let rules = encryption.server_side_encryption_configuration().unwrap().rules();
    assert_eq!(rules[0].apply_server_side_encryption_by_default().unwrap().sse_algorithm().as_str(), "AES256");
}
