//! Lambda for `DELETE /v1/certificates/{certificateId}`: [`tessera::http::routes::DELETE_CERTIFICATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_CERTIFICATE).await
}
