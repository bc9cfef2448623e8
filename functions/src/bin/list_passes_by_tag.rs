//! Lambda for `GET /v1/tag/{tag}/passes`: the `list_passes_by_tag` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("list_passes_by_tag").await
}
