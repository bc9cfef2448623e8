//! Lambda for `GET /openapi.json`: [`tessera::http::routes::OPENAPI`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::OPENAPI).await
}
