//! Lambda for `GET /v1/pass/adaptive/{adaptiveLinkId}`: the `open_adaptive_link_for_device` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("open_adaptive_link_for_device").await
}
