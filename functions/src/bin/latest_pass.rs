//! Lambda for `GET /v1/passes/{passTypeIdentifier}/{serialNumber}`: the `latest_pass` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("latest_pass").await
}
