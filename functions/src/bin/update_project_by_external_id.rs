//! Lambda for `PUT /v1/project/id/{externalId}`: [`tessera::http::routes::UPDATE_PROJECT_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UPDATE_PROJECT_BY_EXTERNAL_ID).await
}
