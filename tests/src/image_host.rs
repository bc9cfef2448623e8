//! A tiny HTTP server for image-fetch tests, on 127.0.0.1: serves a few canned answers and
//! counts requests per path.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct ImageHost {
    pub base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl ImageHost {
    /// Paths: `/icon.png` (a PNG), `/big.png` (over 1 MiB), `/photo.jpg` (a JPEG),
    /// `/slow.png` (answers after 3 s), `/moved.png` (redirects to /icon.png), else 404.
    pub fn start(png: Vec<u8>) -> ImageHost {
        ImageHost::start_with(png, Vec::new())
    }

    /// The same, also serving `files` (path → bytes).
    pub fn start_with(png: Vec<u8>, files: Vec<(&'static str, Vec<u8>)>) -> ImageHost {
        let files: Arc<HashMap<&'static str, Vec<u8>>> = Arc::new(files.into_iter().collect());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let counter = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (counter, png, files) = (counter.clone(), png.clone(), files.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(&stream);
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    *counter.lock().unwrap().entry(path.clone()).or_default() += 1;
                    let (status, extra, body): (&str, String, Vec<u8>) = match path.as_str() {
                        served if files.contains_key(served) => ("200 OK", String::new(), files[served].clone()),
                        "/icon.png" => ("200 OK", String::new(), png),
                        "/big.png" => ("200 OK", String::new(), [png.clone(), vec![0; 1_100_000]].concat()),
                        "/photo.jpg" => ("200 OK", String::new(), vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
                        "/slow.png" => {
                            std::thread::sleep(Duration::from_secs(3));
                            ("200 OK", String::new(), png)
                        }
                        "/moved.png" => ("302 Found", "Location: /icon.png\r\n".into(), Vec::new()),
                        _ => ("404 Not Found", String::new(), Vec::new()),
                    };
                    let mut stream = &stream;
                    let head = format!(
                        "HTTP/1.0 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&body);
                });
            }
        });
        ImageHost { base, hits }
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}
