//! Lambda for `GET /v1/links/adaptive/{adaptiveLinkId}/passes`: [`tessera::http::routes::LIST_ADAPTIVE_LINK_PASSES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_ADAPTIVE_LINK_PASSES).await
}
