//! Lambda for `GET /v1/pass/adaptive`: [`tessera::http::routes::OPEN_ADAPTIVE_LINKS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::OPEN_ADAPTIVE_LINKS).await
}
