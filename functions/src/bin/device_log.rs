//! Lambda for `POST /v1/log`: the `device_log` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("device_log").await
}
