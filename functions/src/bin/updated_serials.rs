//! Lambda for `GET /v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}`: [`tessera::http::routes::UPDATED_SERIALS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UPDATED_SERIALS).await
}
