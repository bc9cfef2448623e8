//! Lambda for `POST /v1/pass/{id}`: [`tessera::http::routes::CREATE_PASS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PASS).await
}
