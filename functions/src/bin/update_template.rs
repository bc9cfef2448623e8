//! Lambda for `PUT /v1/template/{id}`: the `update_template` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("update_template").await
}
