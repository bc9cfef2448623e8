//! Lambda for `POST /v1/schedules/{projectId}`: [`tessera::http::routes::CREATE_SCHEDULE`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_SCHEDULE).await
}
