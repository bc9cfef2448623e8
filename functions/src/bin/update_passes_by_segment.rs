//! Lambda for `PUT /v1/segments/{segmentId}/passes`: [`tessera::http::routes::UPDATE_PASSES_BY_SEGMENT`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::UPDATE_PASSES_BY_SEGMENT).await
}
