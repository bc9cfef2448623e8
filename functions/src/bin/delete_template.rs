//! Lambda for `DELETE /v1/template/{id}`: the `delete_template` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("delete_template").await
}
