//! Lambda for `GET /v1/health`: [`tessera::http::routes::HEALTH`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::HEALTH).await
}
