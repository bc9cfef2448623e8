//! Lambda fed by the job queue (SQS): runs bulk updates a step at a time.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_job_worker().await
}
