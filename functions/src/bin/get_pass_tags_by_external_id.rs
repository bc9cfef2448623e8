//! Lambda for `GET /v1/pass/id/{externalId}/tags`: [`tessera::http::routes::GET_PASS_TAGS_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_PASS_TAGS_BY_EXTERNAL_ID).await
}
