//! A TCP proxy between Tessera and the AWS emulator that breaks chosen requests: it reads
//! HTTP/1.1 requests off each connection (framed by `Content-Length`), numbers them across all
//! connections, and for the requests a test picks resets the connection before the request
//! goes on, lets the request through but cuts its answer off (the change is made, the caller
//! never hears so), or holds the request back for a while.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The connection is reset before the request reaches the emulator.
    Reset,
    /// The request reaches the emulator; the connection is reset before its answer arrives.
    CutAnswer,
    /// The request waits this long, then goes on.
    Delay(Duration),
}

#[derive(Default)]
struct Plan {
    /// Requests seen so far, on every connection.
    seen: usize,
    /// The fault, and the numbers (from 1) of the requests it hits: `first..first + count`.
    fault: Option<(Fault, usize, usize)>,
}

impl Plan {
    fn next(&mut self) -> Option<Fault> {
        self.seen += 1;
        let (fault, first, count) = self.fault?;
        (self.seen >= first && self.seen < first + count).then_some(fault)
    }
}

pub struct FaultProxy {
    port: u16,
    plan: Arc<Mutex<Plan>>,
}

impl FaultProxy {
    /// Listens on a free 127.0.0.1 port, forwarding to `upstream` (`http://host:port`).
    pub async fn start(upstream: &str) -> FaultProxy {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port for the proxy");
        let port = listener.local_addr().expect("the proxy's address").port();
        let plan = Arc::new(Mutex::new(Plan::default()));
        let shared = plan.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (plan, upstream) = (shared.clone(), upstream.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&upstream).await {
                        relay(client, server, plan).await;
                    }
                });
            }
        });
        FaultProxy { port, plan }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Requests seen so far.
    pub fn requests(&self) -> usize {
        self.plan.lock().unwrap().seen
    }

    /// Hits `count` requests with `fault`, starting with the `nth` from now (1 = the next).
    pub fn inject(&self, fault: Fault, nth: usize, count: usize) {
        let mut plan = self.plan.lock().unwrap();
        let first = plan.seen + nth;
        plan.fault = Some((fault, first, count));
    }

    /// Lets every request through again.
    pub fn heal(&self) {
        self.plan.lock().unwrap().fault = None;
    }
}

/// Carries one connection's requests to the emulator and its answers back, until either side
/// closes or a fault ends it.
async fn relay(client: TcpStream, server: TcpStream, plan: Arc<Mutex<Plan>>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let answers_cut = cut.clone();
    let answers = tokio::spawn(async move {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = server_read.read(&mut buffer).await.unwrap_or(0);
            if read == 0 || answers_cut.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            if client_write.write_all(&buffer[..read]).await.is_err() {
                return;
            }
        }
    });
    let mut pending = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let Some(request) = next_request(&mut client_read, &mut pending, &mut buffer).await else { break };
        let fault = plan.lock().unwrap().next();
        match fault {
            Some(Fault::Reset) => break,
            Some(Fault::CutAnswer) => {
                cut.store(true, std::sync::atomic::Ordering::SeqCst);
                let _ = server_write.write_all(&request).await;
                // The emulator has the request; its answer is dropped when it starts coming.
                let _ = tokio::time::timeout(Duration::from_secs(5), answers).await;
                return;
            }
            Some(Fault::Delay(pause)) => tokio::time::sleep(pause).await,
            None => {}
        }
        if server_write.write_all(&request).await.is_err() {
            break;
        }
    }
    answers.abort();
}

/// The next whole request on the connection (head and `Content-Length` body), or `None` when
/// the client closed it.
async fn next_request(
    client: &mut tokio::net::tcp::OwnedReadHalf,
    pending: &mut Vec<u8>,
    buffer: &mut [u8],
) -> Option<Vec<u8>> {
    loop {
        if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            let head_len = end + 4;
            let length = content_length(&pending[..head_len]);
            if pending.len() >= head_len + length {
                return Some(pending.drain(..head_len + length).collect());
            }
        }
        let read = client.read(buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        pending.extend_from_slice(&buffer[..read]);
    }
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}
