//! Lambda for `POST /v1/pass/{id}/dynamic`: the `create_dynamic_link` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("create_dynamic_link").await
}
