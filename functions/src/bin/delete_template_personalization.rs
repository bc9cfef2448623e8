//! Lambda for `DELETE /v1/template/{id}/personalization`: [`tessera::http::routes::DELETE_TEMPLATE_PERSONALIZATION`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_TEMPLATE_PERSONALIZATION).await
}
