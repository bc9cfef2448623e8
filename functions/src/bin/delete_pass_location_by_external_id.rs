//! Lambda for `DELETE /v1/pass/id/{externalId}/location/{passLocationId}`: [`tessera::http::routes::DELETE_PASS_LOCATION_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_PASS_LOCATION_BY_EXTERNAL_ID).await
}
