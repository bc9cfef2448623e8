//! Lambda for `POST /v1/links/adaptive`: [`tessera::http::routes::CREATE_ADAPTIVE_LINK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_ADAPTIVE_LINK).await
}
