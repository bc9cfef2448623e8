//! Lambda for `DELETE /v1/tag/{tag}`: [`tessera::http::routes::DELETE_TAG`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_TAG).await
}
