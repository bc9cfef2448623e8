//! Lambda for `GET /v1/pass/{id}`: the `get_pass` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("get_pass").await
}
