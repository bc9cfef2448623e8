//! Lambda for `DELETE /v1/tag/{tag}/pass/{passId}`: [`tessera::http::routes::REMOVE_TAG_FROM_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::REMOVE_TAG_FROM_PASS).await
}
