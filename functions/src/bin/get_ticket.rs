//! Lambda for `GET /v1/ticket/{ticketId}`: [`tessera::http::routes::GET_TICKET`].

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tessera_functions::lambda::serve_route(&tessera::http::routes::GET_TICKET).await
}
