//! Lambda for `DELETE /v1/links/adaptive/{adaptiveLinkId}`: [`tessera::http::routes::DELETE_ADAPTIVE_LINK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_ADAPTIVE_LINK).await
}
