//! Lambda for `GET /v1/pass/id/{externalId}/stats`: [`tessera::http::routes::PASS_STATS_BY_EXTERNAL_ID`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::PASS_STATS_BY_EXTERNAL_ID).await
}
