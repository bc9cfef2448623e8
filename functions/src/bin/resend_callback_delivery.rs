//! Lambda for `POST /v1/project/{id}/settings/callback/deliveries/{deliveryId}/resend`: [`tessera::http::routes::RESEND_CALLBACK_DELIVERY`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::RESEND_CALLBACK_DELIVERY).await
}
