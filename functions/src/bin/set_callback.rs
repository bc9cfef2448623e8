//! Lambda for `POST /v1/project/{id}/settings/callback`: [`tessera::http::routes::SET_CALLBACK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::SET_CALLBACK).await
}
