//! Lambda for `POST /v1/project/id/{externalId}`: [`tessera::http::routes::CREATE_PROJECT_WITH_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PROJECT_WITH_EXTERNAL_ID).await
}
