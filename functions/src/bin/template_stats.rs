//! Lambda for `GET /v1/template/{id}/stats`: [`tessera::http::routes::TEMPLATE_STATS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::TEMPLATE_STATS).await
}
