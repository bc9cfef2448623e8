//! Lambda for `POST /v1/google/callback`: [`tessera::http::routes::GOOGLE_CALLBACK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GOOGLE_CALLBACK).await
}
