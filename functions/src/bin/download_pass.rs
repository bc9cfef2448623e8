//! Lambda for `GET /v1/pass/{id}/download`: [`tessera::http::routes::DOWNLOAD_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DOWNLOAD_PASS).await
}
