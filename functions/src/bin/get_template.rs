//! Lambda for `GET /v1/template/{id}`: the `get_template` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("get_template").await
}
