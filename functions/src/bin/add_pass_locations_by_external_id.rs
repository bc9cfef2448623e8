//! Lambda for `POST /v1/pass/id/{externalId}/locations`: [`tessera::http::routes::ADD_PASS_LOCATIONS_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::ADD_PASS_LOCATIONS_BY_EXTERNAL_ID).await
}
