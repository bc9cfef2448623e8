//! Lambda for `POST /v1/pass/id/{externalId}/id/{passExternalId}`: [`tessera::http::routes::CREATE_PASS_BY_EXTERNAL_IDS`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PASS_BY_EXTERNAL_IDS).await
}
