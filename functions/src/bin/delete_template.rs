//! Lambda for `DELETE /v1/template/{id}`: [`tessera::http::routes::DELETE_TEMPLATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_TEMPLATE).await
}
