//! An integrator's callback receiver, on 127.0.0.1: records every POST (path, headers, body)
//! and answers with the status the test sets (503 while "down").

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    /// Header names in lowercase.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

pub struct CallbackReceiver {
    pub base: String,
    status: Arc<AtomicU16>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl CallbackReceiver {
    /// Answers 200 until told otherwise; `answer_bytes` of filler follow each answer.
    pub fn start(answer_bytes: usize) -> CallbackReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let status = Arc::new(AtomicU16::new(200));
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let (answer, log) = (status.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (answer, log) = (answer.clone(), log.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(&stream);
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let mut headers = HashMap::new();
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
                        }
                    }
                    let length = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    log.lock().unwrap().push(Received { path, headers, body });
                    let status = answer.load(Ordering::SeqCst);
                    let head =
                        format!("HTTP/1.1 {status} X\r\nContent-Length: {answer_bytes}\r\nConnection: close\r\n\r\n");
                    let mut stream = &stream;
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&vec![b'x'; answer_bytes]);
                });
            }
        });
        CallbackReceiver { base, status, received }
    }

    /// The status every later call gets (503: down).
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}
