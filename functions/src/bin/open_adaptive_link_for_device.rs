//! Lambda for `GET /v1/pass/adaptive/{adaptiveLinkId}`: [`tessera::http::routes::OPEN_ADAPTIVE_LINK_FOR_DEVICE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::OPEN_ADAPTIVE_LINK_FOR_DEVICE).await
}
