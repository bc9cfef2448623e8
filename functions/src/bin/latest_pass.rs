//! Lambda for `GET/HEAD /v1/passes/{passTypeIdentifier}/{serialNumber}`: [`tessera::http::routes::LATEST_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LATEST_PASS).await
}
