//! Lambda for `GET /v1/pass`: the `list_passes` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("list_passes").await
}
