//! Lambda for `POST /v1/template`: [`tessera::http::routes::CREATE_TEMPLATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_TEMPLATE).await
}
