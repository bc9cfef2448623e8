//! Lambda for `GET /v1/template`: the `list_templates` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("list_templates").await
}
