//! Lambda for `POST /v1/project`: [`tessera::http::routes::CREATE_PROJECT`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PROJECT).await
}
