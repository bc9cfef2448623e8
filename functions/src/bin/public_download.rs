//! Lambda for `GET /v1/download/pass/{token}`: the `public_download` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("public_download").await
}
