//! The management API end to end on the AWS backend (DynamoDB, S3, Secrets Manager on moto).

use tessera_tests::api::TestServer;
use tessera_tests::api_flows::{
    template_and_pass_life, template_delete_racing_creates_leaves_no_orphans, template_updates_never_break_passes,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_and_pass_life_on_aws() {
    template_and_pass_life(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_updates_never_break_passes_on_aws() {
    template_updates_never_break_passes(&TestServer::aws().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_delete_racing_creates_leaves_no_orphans_on_aws() {
    template_delete_racing_creates_leaves_no_orphans(&TestServer::aws().await).await;
}
