//! Lambda for `DELETE /v1/pass/{id}/location/{passLocationId}`: [`tessera::http::routes::DELETE_PASS_LOCATION`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_PASS_LOCATION).await
}
