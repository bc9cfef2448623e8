//! Lambda for `GET /v1/segments/{segmentId}/passes`: [`tessera::http::routes::LIST_SEGMENT_PASSES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_SEGMENT_PASSES).await
}
