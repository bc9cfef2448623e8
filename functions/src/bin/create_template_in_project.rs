//! Lambda for `POST /v1/template/{id}`: [`tessera::http::routes::CREATE_TEMPLATE_IN_PROJECT`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_TEMPLATE_IN_PROJECT).await
}
