//! Lambda fed by the table's DynamoDB stream: pushes pass changes to devices through APNs.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_push_dispatcher().await
}
