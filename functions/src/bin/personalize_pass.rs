//! Lambda for `POST /v1/passes/{passTypeIdentifier}/{serialNumber}/personalize`: the `personalize_pass` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("personalize_pass").await
}
