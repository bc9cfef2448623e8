//! Lambda for `GET /v1/certificates`: [`tessera::http::routes::LIST_CERTIFICATES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_CERTIFICATES).await
}
