//! Lambda for `DELETE /v1/template/{id}/location/{locationId}`: [`tessera::http::routes::DELETE_TEMPLATE_LOCATION`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_TEMPLATE_LOCATION).await
}
