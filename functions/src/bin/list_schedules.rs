//! Lambda for `GET /v1/schedules/{projectId}`: [`tessera::http::routes::LIST_SCHEDULES`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::LIST_SCHEDULES).await
}
