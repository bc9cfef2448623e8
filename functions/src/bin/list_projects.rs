//! Lambda for `GET /v1/project`: [`tessera::http::routes::LIST_PROJECTS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_PROJECTS).await
}
