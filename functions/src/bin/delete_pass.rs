//! Lambda for `DELETE /v1/pass/{id}`: the `delete_pass` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("delete_pass").await
}
