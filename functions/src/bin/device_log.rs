//! Lambda for `POST /v1/log`: [`tessera::http::routes::DEVICE_LOG`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DEVICE_LOG).await
}
