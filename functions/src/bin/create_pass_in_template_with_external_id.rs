//! Lambda for `POST /v1/pass/{id}/id/{externalId}`: [`tessera::http::routes::CREATE_PASS_IN_TEMPLATE_WITH_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PASS_IN_TEMPLATE_WITH_EXTERNAL_ID).await
}
