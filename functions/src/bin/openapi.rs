//! Lambda for `GET /openapi.json`: the `openapi` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("openapi").await
}
