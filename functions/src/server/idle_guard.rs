//! A connection's clocks, kept by the stream itself: every byte read or written is noted,
//! requests in flight hold the connection, and the watch ends the connection when a request's
//! headers take longer than the header timeout (from the connection's opening or the request's
//! first byte) or when it sits with no request for the idle timeout.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// No request is being received (`Clock::receiving`).
const NOT_RECEIVING: u64 = u64::MAX;

pub struct IdleGuard {
    stream: TcpStream,
    clock: Arc<Clock>,
}

#[derive(Clone)]
pub struct IdleWatch {
    clock: Arc<Clock>,
    header_timeout: Duration,
    idle_timeout: Duration,
}

/// Why the watch ended a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// A request's headers did not all arrive within the header timeout.
    Headers,
    /// No request for the idle timeout.
    Idle,
}

struct Clock {
    opened: Instant,
    /// Milliseconds from `opened` to the last byte moved.
    last_moved: AtomicU64,
    /// Milliseconds from `opened` to the first byte of the request being received, or
    /// `NOT_RECEIVING`.
    receiving: AtomicU64,
    in_flight: AtomicUsize,
}

impl Clock {
    fn now(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(NOT_RECEIVING - 1)
    }

    fn read(&self) {
        let now = self.now();
        self.last_moved.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Relaxed) == 0 {
            let _ = self.receiving.compare_exchange(NOT_RECEIVING, now, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    fn wrote(&self) {
        self.last_moved.store(self.now(), Ordering::Relaxed);
    }
}

/// A request in flight on the connection: its headers are in, and however long its handler
/// takes, the connection is not idle.
pub struct InFlight(Arc<Clock>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.wrote();
    }
}

impl IdleGuard {
    pub fn new(stream: TcpStream, header_timeout: Duration, idle_timeout: Duration) -> (IdleGuard, IdleWatch) {
        let clock = Arc::new(Clock {
            opened: Instant::now(),
            last_moved: AtomicU64::new(0),
            // A new connection owes its first request's headers from the start.
            receiving: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        });
        (IdleGuard { stream, clock: clock.clone() }, IdleWatch { clock, header_timeout, idle_timeout })
    }
}

impl IdleWatch {
    /// Marks a request's headers as in (and the request in flight) until the returned value is
    /// dropped.
    pub fn request(&self) -> InFlight {
        self.clock.in_flight.fetch_add(1, Ordering::Relaxed);
        self.clock.receiving.store(NOT_RECEIVING, Ordering::Relaxed);
        InFlight(self.clock.clone())
    }

    /// Resolves when the connection should be closed, and says why.
    pub async fn expired(self) -> Expiry {
        loop {
            let now = self.clock.now();
            let wait = if self.clock.in_flight.load(Ordering::Relaxed) > 0 {
                self.idle_timeout
            } else {
                match self.clock.receiving.load(Ordering::Relaxed) {
                    NOT_RECEIVING => {
                        let idle =
                            Duration::from_millis(now.saturating_sub(self.clock.last_moved.load(Ordering::Relaxed)));
                        if idle >= self.idle_timeout {
                            return Expiry::Idle;
                        }
                        self.idle_timeout - idle
                    }
                    started => {
                        let receiving = Duration::from_millis(now.saturating_sub(started));
                        if receiving >= self.header_timeout {
                            return Expiry::Headers;
                        }
                        self.header_timeout - receiving
                    }
                }
            };
            // Woken at the earliest deadline, or sooner (a request may start meanwhile).
            tokio::time::sleep(wait.min(Duration::from_millis(500))).await;
        }
    }
}

impl AsyncRead for IdleGuard {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.read();
        }
        polled
    }
}

impl AsyncWrite for IdleGuard {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, bytes);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.clock.wrote();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
