//! Lambda for `GET /v1/devices/{deviceLibraryIdentifier}/registrations/{passTypeIdentifier}`: the `updated_serials` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("updated_serials").await
}
