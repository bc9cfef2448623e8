//! Lambda for `GET /api/v1/passes/{id}`: [`tessera::http::routes::PASSENTRY_GET_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PASSENTRY_GET_PASS).await
}
