//! Lambda for `GET /v1/images/{name}`: [`tessera::http::routes::PUBLISHED_IMAGE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PUBLISHED_IMAGE).await
}
