//! Lambda for `POST /v1/api-tokens`: [`tessera::http::routes::CREATE_API_TOKEN`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_API_TOKEN).await
}
