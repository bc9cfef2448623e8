//! Lambda for `GET /v1/api-tokens`: [`tessera::http::routes::LIST_API_TOKENS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_API_TOKENS).await
}
