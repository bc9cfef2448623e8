//! Lambda for `GET /v1/pass/dynamic/{token}`: the `open_dynamic_link` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("open_dynamic_link").await
}
