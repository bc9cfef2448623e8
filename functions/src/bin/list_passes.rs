//! Lambda for `GET /v1/pass`: [`tessera::http::routes::LIST_PASSES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_PASSES).await
}
