//! Lambda for `DELETE /v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}/{serialNumber}`: [`tessera::http::routes::UNREGISTER_DEVICE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UNREGISTER_DEVICE).await
}
