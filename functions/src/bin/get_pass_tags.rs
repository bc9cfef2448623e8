//! Lambda for `GET /v1/pass/{id}/tags`: [`tessera::http::routes::GET_PASS_TAGS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_PASS_TAGS).await
}
