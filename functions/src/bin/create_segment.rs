//! Lambda for `POST /v1/segments`: [`tessera::http::routes::CREATE_SEGMENT`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_SEGMENT).await
}
