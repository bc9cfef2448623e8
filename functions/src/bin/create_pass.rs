//! Lambda for `POST /v1/pass/{id}`: the `create_pass` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("create_pass").await
}
