//! Lambda for `GET /v1/segments/{segmentId}`: [`tessera::http::routes::GET_SEGMENT`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_SEGMENT).await
}
