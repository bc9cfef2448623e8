//! Lambda for `GET /v1/pass/template/{templateId}/id/{externalId}`: the `get_pass_by_external_id` entry of the routes table.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route("get_pass_by_external_id").await
}
