//! Lambda for `GET /v1/certificates/{certificateId}`: [`tessera::http::routes::GET_CERTIFICATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_CERTIFICATE).await
}
