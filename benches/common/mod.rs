//! Shared parts of the benchmarks. They build invoices of a chosen size from the sample
//! invoice, run a local stand-in for PISTE and Chorus Pro that replies with fixed JSON, and
//! provide the floor: a raw keep-alive HTTP client that sends the same bytes as the library.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::Value;

/// The sample invoice every generated invoice copies its header and lines from.
pub const SAMPLE_INVOICE: &str =
    include_str!("../../examples/invoices/facturx-ubl-21-en16931.json");

/// Fixed reply body per request path, shared with the nginx stand-in of `scripts/bench/`.
pub const ROUTES: &str = include_str!("../fixtures/standin_routes.json");

/// Builds an invoice JSON with `line_count` lines: the sample's two lines repeated in
/// turn and numbered from 1.
///
/// The sample's `expected_totals` are dropped because they only hold for its own two
/// lines; the library still computes and writes every total.
pub fn invoice_with_lines(line_count: usize) -> String {
    let mut invoice: Value = serde_json::from_str(SAMPLE_INVOICE).expect("sample invoice is JSON");
    let sample_lines = invoice["lines"]
        .as_array()
        .expect("sample invoice has lines")
        .clone();
    let lines: Vec<Value> = (0..line_count)
        .map(|index| {
            let mut line = sample_lines[index % sample_lines.len()].clone();
            line["id"] = Value::from((index + 1).to_string());
            line
        })
        .collect();
    invoice["lines"] = Value::from(lines);
    invoice["number"] = Value::from(format!("BENCH-{line_count}"));
    invoice
        .as_object_mut()
        .expect("sample invoice is an object")
        .remove("expected_totals");
    serde_json::to_string(&invoice).expect("invoice serializes")
}

/// Configuration JSON of a company file whose two URLs point at `base_url`.
pub fn config_json(base_url: &str, client_id: &str) -> String {
    serde_json::json!({
        "environment": "qualification",
        "token_url": format!("{base_url}/api/oauth/token"),
        "base_url": base_url,
        "client_id": client_id,
        "client_secret": "bench-client-secret",
        "technical_login": "TECH_1_bench@cpro.fr",
        "technical_password": "bench-technical-password",
        "language": "en",
        "timeout_seconds": 30
    })
    .to_string()
}

/// Request and connection counts seen by the stand-in server.
#[derive(Default)]
pub struct Counters {
    pub connections: AtomicU64,
    requests_by_path: Mutex<HashMap<String, u64>>,
}

impl Counters {
    pub fn requests(&self, path: &str) -> u64 {
        let map = self
            .requests_by_path
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        map.get(path).copied().unwrap_or(0)
    }
}

/// An HTTP/1.1 server on 127.0.0.1 that reads each request whole and replies 200 with the
/// fixed JSON of its path (404 otherwise), keeping connections alive.
///
/// One thread serves each connection; the threads end with the benchmark process.
pub struct StandIn {
    pub base_url: String,
    pub counters: Arc<Counters>,
}

impl StandIn {
    pub fn start() -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let routes: HashMap<String, Value> = serde_json::from_str(ROUTES).expect("routes are JSON");
        let replies: Arc<HashMap<String, Vec<u8>>> = Arc::new(
            routes
                .into_iter()
                .map(|(path, body)| (path, ok_reply(&body.to_string())))
                .collect(),
        );
        let counters = Arc::new(Counters::default());
        let accept_counters = counters.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                accept_counters.connections.fetch_add(1, Ordering::Relaxed);
                let replies = replies.clone();
                let counters = accept_counters.clone();
                thread::spawn(move || serve_connection(stream, &replies, &counters));
            }
        });
        StandIn { base_url, counters }
    }
}

fn ok_reply(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

const NOT_FOUND_REPLY: &[u8] =
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";

/// Serves requests on one connection until the client closes it or sends something that
/// is not a request with a `Content-Length` body.
fn serve_connection(stream: TcpStream, replies: &HashMap<String, Vec<u8>>, counters: &Counters) {
    let _ = stream.set_nodelay(true);
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    let mut body = Vec::new();
    loop {
        let Some((path, content_length)) = read_head(&mut reader) else {
            return;
        };
        body.resize(content_length, 0);
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        *counters
            .requests_by_path
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(path.clone())
            .or_default() += 1;
        let reply = replies.get(&path).map_or(NOT_FOUND_REPLY, Vec::as_slice);
        if writer.write_all(reply).is_err() {
            return;
        }
    }
}

/// Reads a request line and headers and returns the path without its query and the body
/// length. Returns `None` at end of stream or on a request this server does not handle.
fn read_head(reader: &mut impl BufRead) -> Option<(String, usize)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let target = line.split_whitespace().nth(1)?.to_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let mut content_length = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.trim().parse().ok()?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // Chunked bodies are not needed: reqwest sends a length for byte bodies.
            return None;
        }
    }
    Some((path, content_length))
}

/// A keep-alive HTTP/1.1 client on a plain `TcpStream` that sends one prepared request
/// again and again and reads each reply whole: the cost of the bytes on loopback.
pub struct RawClient {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    request: Vec<u8>,
    reply: Vec<u8>,
}

impl RawClient {
    /// Prepares a POST of `body` to `path` with the headers the library sends.
    pub fn new(base_url: &str, path: &str, body: &[u8]) -> RawClient {
        let address = base_url.trim_start_matches("http://");
        let stream = TcpStream::connect(address).expect("connect to the stand-in");
        stream.set_nodelay(true).expect("set TCP_NODELAY");
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nhost: {address}\r\nuser-agent: chorus-pro-bench\r\n\
             authorization: Bearer bench-access-token\r\n\
             cpro-account: VEVDSF8xX2JlbmNoQGNwcm8uZnI6YmVuY2gtdGVjaG5pY2FsLXBhc3N3b3Jk\r\n\
             content-type: application/json;charset=utf-8\r\naccept: application/json;charset=utf-8\r\n\
             content-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        RawClient {
            writer: stream.try_clone().expect("clone the stream"),
            reader: BufReader::with_capacity(64 * 1024, stream),
            request,
            reply: Vec::new(),
        }
    }

    /// Sends the request once and returns the reply body's length.
    pub fn call(&mut self) -> usize {
        self.writer
            .write_all(&self.request)
            .expect("send the request");
        let mut line = String::new();
        let mut content_length = 0;
        loop {
            line.clear();
            let read = self
                .reader
                .read_line(&mut line)
                .expect("read the reply head");
            assert!(read > 0, "the stand-in closed the connection");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().expect("numeric Content-Length");
                }
            }
        }
        self.reply.resize(content_length, 0);
        self.reader
            .read_exact(&mut self.reply)
            .expect("read the reply body");
        content_length
    }
}

impl Drop for RawClient {
    fn drop(&mut self) {
        let _ = self.writer.shutdown(Shutdown::Both);
    }
}
