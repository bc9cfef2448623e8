//! Lambda for `GET /v1/pass/{id}/diagnostics`: [`tessera::http::routes::PASS_DIAGNOSTICS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PASS_DIAGNOSTICS).await
}
