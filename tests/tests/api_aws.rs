//! The management API end to end on the AWS backend (DynamoDB, S3, Secrets Manager on moto).

use tessera_tests::api::TestServer;
use tessera_tests::api_flows::template_and_pass_life;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_and_pass_life_on_aws() {
    template_and_pass_life(&TestServer::aws().await).await;
}
