//! Lambda for `GET /v1/pass/{id}/preview`: [`tessera::http::routes::PASS_PREVIEW`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PASS_PREVIEW).await
}
