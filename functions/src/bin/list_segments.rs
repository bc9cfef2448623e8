//! Lambda for `GET /v1/segments`: [`tessera::http::routes::LIST_SEGMENTS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_SEGMENTS).await
}
