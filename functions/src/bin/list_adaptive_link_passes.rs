//! Lambda for `GET /v1/links/adaptive/{adaptiveLinkId}/passes`: the `list_adaptive_link_passes` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("list_adaptive_link_passes").await
}
