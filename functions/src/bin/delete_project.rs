//! Lambda for `DELETE /v1/project/{id}`: [`tessera::http::routes::DELETE_PROJECT`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_PROJECT).await
}
