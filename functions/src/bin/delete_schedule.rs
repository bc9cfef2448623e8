//! Lambda for `DELETE /v1/schedules/{projectId}/{scheduleId}`: [`tessera::http::routes::DELETE_SCHEDULE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DELETE_SCHEDULE).await
}
