//! Lambda for `GET /v1/pass/dynamic/{token}`: [`tessera::http::routes::OPEN_DYNAMIC_LINK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::OPEN_DYNAMIC_LINK).await
}
