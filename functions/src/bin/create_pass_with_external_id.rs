//! Lambda for `POST /v1/pass/template/{templateId}/id/{externalId}`: [`tessera::http::routes::CREATE_PASS_WITH_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PASS_WITH_EXTERNAL_ID).await
}
