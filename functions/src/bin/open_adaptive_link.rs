//! Lambda for `GET /v1/pass/adaptive/{adaptiveLinkId}/{deviceType}`: the `open_adaptive_link` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("open_adaptive_link").await
}
