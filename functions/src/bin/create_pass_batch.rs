//! Lambda for `POST /v1/pass/batch`: [`tessera::http::routes::CREATE_PASS_BATCH`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_PASS_BATCH).await
}
