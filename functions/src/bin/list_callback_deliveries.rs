//! Lambda for `GET /v1/project/{id}/settings/callback/deliveries`: [`tessera::http::routes::LIST_CALLBACK_DELIVERIES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_CALLBACK_DELIVERIES).await
}
