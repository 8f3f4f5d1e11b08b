//! HTTP/1.1 on a TCP or TLS stream: reads one request at a time and writes replies.
//!
//! Covers what the sandbox's clients send: `Content-Length` and chunked bodies,
//! `Expect: 100-continue`, keep-alive and `Connection: close`. Each connection has its
//! own thread, so a slow or idle connection never holds up another.

use std::io::{self, BufRead, BufReader, Read, Write};

use crate::http::{IncomingRequest, Reply, MAX_BODY_BYTES};

/// Largest request line plus headers accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Reason no request could be read from a connection.
#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection between requests.
    Closed,
    /// The head or body is larger than the sandbox accepts; the reply is 413 or 431.
    TooLarge(u16),
    /// The bytes are not an HTTP/1.x request; the reply is 400.
    Malformed(String),
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(error: io::Error) -> Self {
        ReadError::Io(error)
    }
}

/// A parsed request and whether the connection may carry another one.
pub struct ReadRequest {
    pub request: IncomingRequest,
    pub keep_alive: bool,
}

/// Reads one request, sending `100 Continue` for `Expect: 100-continue` on `stream` before reading the body.
pub fn read_request(
    reader: &mut BufReader<impl Read>,
    stream: &mut impl Write,
) -> Result<ReadRequest, ReadError> {
    let mut head_bytes = 0;
    let mut request_line = String::new();
    // Clients may send blank lines between requests (RFC 9112 §2.2).
    loop {
        request_line.clear();
        let read = read_line(reader, &mut request_line, &mut head_bytes)?;
        if read == 0 {
            return Err(ReadError::Closed);
        }
        if !request_line.trim().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed(format!(
            "invalid request line {:?}",
            request_line.trim_end()
        )));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Malformed(format!(
            "unsupported version {version}"
        )));
    }
    let http_1_0 = version == "HTTP/1.0";

    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if read_line(reader, &mut line, &mut head_bytes)? == 0 {
            return Err(ReadError::Malformed(
                "connection closed inside the headers".into(),
            ));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed(format!(
                "invalid header line {line:?}"
            )));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let header = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    let keep_alive = if http_1_0 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    if header("expect").is_some_and(|value| value == "100-continue") {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }

    let body = if header("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        read_chunked(reader)?
    } else {
        let length = match header("content-length") {
            Some(value) => value
                .parse::<usize>()
                .map_err(|_| ReadError::Malformed(format!("invalid Content-Length {value:?}")))?,
            None => 0,
        };
        if length > MAX_BODY_BYTES {
            return Err(ReadError::TooLarge(413));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };

    Ok(ReadRequest {
        request: IncomingRequest::new(method, target, headers, body),
        keep_alive,
    })
}

fn read_line(
    reader: &mut BufReader<impl Read>,
    line: &mut String,
    head_bytes: &mut usize,
) -> Result<usize, ReadError> {
    let limit = (MAX_HEAD_BYTES - *head_bytes) as u64 + 1;
    let read = reader
        .by_ref()
        .take(limit)
        .read_line(line)
        .map_err(|error| {
            if error.kind() == io::ErrorKind::InvalidData {
                ReadError::Malformed("header bytes are not UTF-8".into())
            } else {
                ReadError::Io(error)
            }
        })?;
    *head_bytes += read;
    if *head_bytes > MAX_HEAD_BYTES {
        return Err(ReadError::TooLarge(431));
    }
    Ok(read)
}

/// Reads a chunked body (RFC 9112 §7.1), ignoring chunk extensions and trailers.
fn read_chunked(reader: &mut BufReader<impl Read>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut head_bytes = 0;
    loop {
        let mut size_line = String::new();
        read_line(reader, &mut size_line, &mut head_bytes)?;
        let size_text = size_line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Malformed(format!("invalid chunk size {size_text:?}")))?;
        if size == 0 {
            // Trailer fields end with an empty line.
            loop {
                let mut trailer = String::new();
                if read_line(reader, &mut trailer, &mut head_bytes)? == 0
                    || trailer.trim().is_empty()
                {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(ReadError::TooLarge(413));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut line_end = [0; 2];
        reader.read_exact(&mut line_end)?;
        if &line_end != b"\r\n" {
            return Err(ReadError::Malformed("chunk not followed by CRLF".into()));
        }
    }
}

/// Writes a complete reply with `Content-Length`, and `Connection: close` when the
/// connection ends after it.
pub fn write_reply(stream: &mut impl Write, reply: &Reply, keep_alive: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        reply.status,
        reason_phrase(reply.status)
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut message = head.into_bytes();
    message.extend_from_slice(&reply.body);
    stream.write_all(&message)?;
    stream.flush()
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::thread;

    /// Sends `raw` to a loopback socket and returns what `read_request` made of it.
    fn parse(raw: &'static [u8]) -> Result<ReadRequest, ReadError> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let client = thread::spawn(move || {
            let mut stream = TcpStream::connect(address).unwrap();
            stream.write_all(raw).unwrap();
            stream.shutdown(std::net::Shutdown::Write).unwrap();
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            answer
        });
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let result = read_request(&mut reader, &mut stream);
        drop(stream);
        drop(reader);
        client.join().unwrap();
        result
    }

    #[test]
    fn content_length_body() {
        let read =
            parse(b"POST /x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody").unwrap();
        assert_eq!(read.request.method, "POST");
        assert_eq!(read.request.path, "/x");
        assert_eq!(read.request.query_parameter("a"), Some("1"));
        assert_eq!(read.request.body, b"body");
        assert!(read.keep_alive);
    }

    #[test]
    fn chunked_body() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse(raw).unwrap().request.body, b"abcde");
    }

    #[test]
    fn connection_close_and_http_1_0() {
        assert!(
            !parse(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
                .unwrap()
                .keep_alive
        );
        assert!(!parse(b"GET / HTTP/1.0\r\n\r\n").unwrap().keep_alive);
    }

    #[test]
    fn malformed_requests() {
        assert!(matches!(
            parse(b"HELLO\r\n\r\n"),
            Err(ReadError::Malformed(_))
        ));
        assert!(matches!(
            parse(b"GET / SPDY/3\r\n\r\n"),
            Err(ReadError::Malformed(_))
        ));
        assert!(matches!(
            parse(b"POST / HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n"),
            Err(ReadError::TooLarge(413))
        ));
        assert!(matches!(parse(b""), Err(ReadError::Closed)));
    }
}
