//! Lambda for `POST /v1/template/{id}/locations`: [`tessera::http::routes::ADD_TEMPLATE_LOCATIONS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::ADD_TEMPLATE_LOCATIONS).await
}
