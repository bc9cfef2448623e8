//! Lambda for `PUT /v1/pass/{id}/push`: [`tessera::http::routes::PUSH_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_pushing_route(&tessera::http::routes::PUSH_PASS).await
}
