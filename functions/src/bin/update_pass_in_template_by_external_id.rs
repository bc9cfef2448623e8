//! Lambda for `PUT /v1/pass/template/{templateId}/id/{externalId}`: [`tessera::http::routes::UPDATE_PASS_IN_TEMPLATE_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UPDATE_PASS_IN_TEMPLATE_BY_EXTERNAL_ID).await
}
