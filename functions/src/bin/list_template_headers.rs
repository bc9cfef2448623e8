//! Lambda for `GET /v1/template/headers`: [`tessera::http::routes::LIST_TEMPLATE_HEADERS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_TEMPLATE_HEADERS).await
}
