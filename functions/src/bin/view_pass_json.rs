//! Lambda for `GET /v1/pass/{id}/viewJSONPass`: [`tessera::http::routes::VIEW_PASS_JSON`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::VIEW_PASS_JSON).await
}
