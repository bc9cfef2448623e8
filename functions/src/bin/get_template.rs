//! Lambda for `GET /v1/template/{id}`: [`tessera::http::routes::GET_TEMPLATE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_TEMPLATE).await
}
