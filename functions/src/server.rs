//! The local server: every route of the routes table behind one hyper listener, the very
//! handlers the Lambda binaries run, with limits on slow, silent and too many clients.

mod idle_guard;

use idle_guard::{Expiry, IdleGuard};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
use tokio::sync::Semaphore;

/// What a client may take of the server: slow or silent clients are cut off, and the
/// connections held at once are capped (a client past the cap waits in the listen backlog).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From a request's first byte (or the connection's opening) to the end of its headers.
    pub header_timeout: Duration,
    /// For the whole body, once the headers are in.
    pub body_timeout: Duration,
    /// A kept-alive connection with no request in flight.
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// Serves until `shutdown` resolves, then stops accepting and lets open requests finish.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl std::future::Future<Output = ()>) {
    serve_with(listener, app, ConnectionLimits::default(), shutdown).await;
}

/// [`serve`] with chosen limits.
pub async fn serve_with(
    listener: TcpListener,
    app: Arc<App>,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    // Bulk updates queued in this process run in it.
    tessera::service::bulk_updates::run_local_worker(&app);
    // So do timers (expirations) kept in this process's data folder.
    tessera::service::timers::run_local_ticker(&app);
    // Callbacks go out from the outbox in this process, unless a queue feeds another (AWS).
    if app.delivery_queue.is_none() {
        tessera::service::callbacks::run_local_drain(&app);
    }
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        // A free slot first: past the cap, clients wait in the backlog instead of taking
        // descriptors the server needs.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        if slots.available_permits() == 0 {
            tracing::warn!(max_connections = limits.max_connections, "connection cap reached: new clients wait");
        }
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors, say: trying again at once would only spin.
                tracing::warn!(error = %e, "could not accept a connection; retrying in 100 ms");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let app = app.clone();
        let (io, watch) = IdleGuard::new(stream, limits.header_timeout, limits.idle_timeout);
        let requests = watch.clone();
        let service = service_fn(move |request| {
            let app = app.clone();
            let in_flight = requests.request();
            async move {
                let response = answer(&app, request, peer, limits.body_timeout).await;
                drop(in_flight);
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        // The header and idle clocks are the watch's (hyper's own header timer would also
        // count a kept-alive connection's wait for its next request).
        let connection = http1::Builder::new().serve_connection(TokioIo::new(io), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = slot;
            tokio::select! {
                _ = connection => {}
                expiry = watch.expired() => match expiry {
                    Expiry::Headers => tracing::warn!(%peer, seconds = limits.header_timeout.as_secs(), "closed a connection: no complete request headers in time"),
                    Expiry::Idle => tracing::info!(%peer, seconds = limits.idle_timeout.as_secs(), "closed an idle connection"),
                },
            }
        });
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
}

async fn answer(
    app: &Arc<App>,
    request: Request<Incoming>,
    peer: SocketAddr,
    body_timeout: Duration,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let method = request.method().clone();
    let (parts, body) = request.into_parts();
    // Read at most one byte past the limit: enough to know it is too large.
    let read = tokio::time::timeout(body_timeout, Limited::new(body, app.config.max_body_bytes + 1).collect()).await;
    let (response, route) = match read {
        Err(_) => {
            tracing::warn!(%peer, seconds = body_timeout.as_secs(), "gave up on a request body not sent in time");
            let error = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!("the request body did not arrive within {} seconds", body_timeout.as_secs()),
            );
            let mut response = error.into_response();
            response.headers_mut().insert("connection", lambda_http::http::HeaderValue::from_static("close"));
            (response, None)
        }
        Ok(Ok(collected)) => {
            let bytes = collected.to_bytes();
            let body = if bytes.is_empty() { Body::Empty } else { Body::Binary(bytes.to_vec()) };
            let mut request = Request::from_parts(parts, body);
            request.extensions_mut().insert(tessera::http::request::ClientAddress(peer.ip()));
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
        Ok(Err(_)) => (
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
