//! The local server: every route of the routes table behind one hyper listener, the very
//! handlers the Lambda binaries run.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::Body;
use lambda_http::http::{Request, Response, StatusCode};
use tessera::app::App;
use tessera::http::{ApiError, dispatch};
use tokio::net::TcpListener;

/// Serves until `shutdown` resolves, then stops accepting and lets open requests finish.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl std::future::Future<Output = ()>) {
    // Bulk updates queued in this process run in it.
    tessera::service::bulk_updates::run_local_worker(&app);
    // So do timers (expirations) kept in this process's data folder.
    tessera::service::timers::run_local_ticker(&app);
    // Callbacks go out from the outbox in this process, unless a queue feeds another (AWS).
    if app.delivery_queue.is_none() {
        tessera::service::callbacks::run_local_drain(&app);
    }
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let app = app.clone();
                let service = service_fn(move |request| {
                    let app = app.clone();
                    async move { Ok::<_, std::convert::Infallible>(answer(&app, request, peer).await) }
                });
                let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
}

async fn answer(app: &Arc<App>, request: Request<Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let method = request.method().clone();
    let (parts, body) = request.into_parts();
    // Read at most one byte past the limit: enough to know it is too large.
    let (response, route) = match Limited::new(body, app.config.max_body_bytes + 1).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let body = if bytes.is_empty() { Body::Empty } else { Body::Binary(bytes.to_vec()) };
            let request = Request::from_parts(parts, body);
            // Its own task, so that a bug that panics answers 500 instead of dropping the connection.
            let app = app.clone();
            match tokio::spawn(async move { dispatch(&app, request).await }).await {
                Ok(answered) => answered,
                Err(e) => {
                    tracing::error!(panic = %e, "a handler panicked");
                    let error = ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "something went wrong on our side; it has been logged",
                    );
                    (error.into_response(), None)
                }
            }
        }
        Err(_) => (
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("request bodies are limited to {} bytes", app.config.max_body_bytes),
            )
            .into_response(),
            None,
        ),
    };
    // The route's pattern, never the raw path: paths carry link tokens and device ids.
    let route = route.map_or("(no route)", |r| r.path);
    tracing::info!(%method, route, status = response.status().as_u16(), millis = started.elapsed().as_millis() as u64, %peer, "request");
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    Response::from_parts(parts, Full::new(bytes))
}
