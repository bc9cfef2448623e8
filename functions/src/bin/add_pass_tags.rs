//! Lambda for `PUT /v1/pass/{id}/tags`: [`tessera::http::routes::ADD_PASS_TAGS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::ADD_PASS_TAGS).await
}
