//! Lambda for `PUT /v1/pass/{id}`: the `update_pass` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("update_pass").await
}
