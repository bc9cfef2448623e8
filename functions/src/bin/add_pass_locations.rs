//! Lambda for `POST /v1/pass/{id}/locations`: the `add_pass_locations` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("add_pass_locations").await
}
