//! Lambda for `POST /v1/template`: the `create_template` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("create_template").await
}
