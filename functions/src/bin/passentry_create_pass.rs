//! Lambda for `POST /api/v1/passes`: [`tessera::http::routes::PASSENTRY_CREATE_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PASSENTRY_CREATE_PASS).await
}
