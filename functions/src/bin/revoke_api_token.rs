//! Lambda for `DELETE /v1/api-tokens/{tokenId}`: [`tessera::http::routes::REVOKE_API_TOKEN`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::REVOKE_API_TOKEN).await
}
