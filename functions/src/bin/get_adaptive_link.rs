//! Lambda for `GET /v1/links/adaptive/{adaptiveLinkId}`: [`tessera::http::routes::GET_ADAPTIVE_LINK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_ADAPTIVE_LINK).await
}
