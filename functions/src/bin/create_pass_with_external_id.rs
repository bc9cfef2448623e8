//! Lambda for `POST /v1/pass/template/{templateId}/id/{externalId}`: the `create_pass_with_external_id` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("create_pass_with_external_id").await
}
