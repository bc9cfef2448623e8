//! Lambda for `DELETE /v1/pass/{id}/location/{passLocationId}`: the `delete_pass_location` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("delete_pass_location").await
}
