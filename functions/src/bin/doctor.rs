//! Lambda for `POST /v1/doctor`: [`tessera::http::routes::DOCTOR`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::DOCTOR).await
}
