//! Lambda for `GET /v1/tag`: [`tessera::http::routes::LIST_TAGS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_TAGS).await
}
