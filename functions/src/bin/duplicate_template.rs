//! Lambda for `POST /v1/template/duplicate/{id}`: [`tessera::http::routes::DUPLICATE_TEMPLATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DUPLICATE_TEMPLATE).await
}
