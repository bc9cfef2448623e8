//! Lambda for `POST /v1/passes/{passTypeIdentifier}/{serialNumber}/personalize`: [`tessera::http::routes::PERSONALIZE_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PERSONALIZE_PASS).await
}
