//! Lambda for `POST /v1/template/duplicate/id/{externalId}`: [`tessera::http::routes::DUPLICATE_TEMPLATE_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DUPLICATE_TEMPLATE_BY_EXTERNAL_ID).await
}
