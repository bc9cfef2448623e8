//! Lambda for `GET /api/v1/passes`: [`tessera::http::routes::PASSENTRY_LIST_PASSES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PASSENTRY_LIST_PASSES).await
}
