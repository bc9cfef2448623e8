//! Lambda for `PUT /v1/pass/id/{externalId}`: [`tessera::http::routes::UPDATE_PASS_BY_ITS_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UPDATE_PASS_BY_ITS_EXTERNAL_ID).await
}
