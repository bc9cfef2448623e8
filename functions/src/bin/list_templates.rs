//! Lambda for `GET /v1/template`: [`tessera::http::routes::LIST_TEMPLATES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_TEMPLATES).await
}
