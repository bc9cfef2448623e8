//! Lambda for `POST /v1/pass/{id}/dynamic`: [`tessera::http::routes::CREATE_DYNAMIC_LINK`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::CREATE_DYNAMIC_LINK).await
}
