//! Lambda for `GET /v1/schedules/{projectId}/{scheduleId}`: [`tessera::http::routes::GET_SCHEDULE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_SCHEDULE).await
}
