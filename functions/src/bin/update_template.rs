//! Lambda for `PUT /v1/template/{id}`: [`tessera::http::routes::UPDATE_TEMPLATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UPDATE_TEMPLATE).await
}
