//! Lambda for `POST /v1/certificates`: [`tessera::http::routes::CREATE_CERTIFICATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_CERTIFICATE).await
}
