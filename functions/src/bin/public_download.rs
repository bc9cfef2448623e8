//! Lambda for `GET /v1/download/pass/{token}`: [`tessera::http::routes::PUBLIC_DOWNLOAD`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PUBLIC_DOWNLOAD).await
}
