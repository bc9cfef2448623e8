//! Lambda fed by the callback queue (SQS): attempts each callback delivery it is handed.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_callback_worker().await
}
