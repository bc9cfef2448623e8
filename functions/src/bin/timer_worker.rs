//! Lambda invoked by EventBridge Scheduler when a timer fires: runs the timer's job.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_timer_worker().await
}
