//! Lambda for `POST /v1/links/adaptive`: the `create_adaptive_link` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("create_adaptive_link").await
}
