//! Lambda for `GET /v1/pass/{id}`: [`tessera::http::routes::GET_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_PASS).await
}
