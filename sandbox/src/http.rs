//! Transport-independent request and reply types.

use std::net::SocketAddr;

use serde_json::Value;

/// Content type of every JSON reply, as the Chorus Pro Swagger declares it.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// Maximum request body accepted. A 10 MiB flux file grows to about 14 MiB once
/// base64-encoded in JSON, so this leaves room for the largest valid deposit.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A request whose body has been read in full.
pub struct IncomingRequest {
    /// Upper-case method name.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    pub query: Option<String>,
    /// Header names are stored in lower case.
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub remote_address: Option<SocketAddr>,
}

impl IncomingRequest {
    pub fn new(method: &str, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        let (path, query) = match url.split_once('?') {
            Some((path, query)) => (path.to_string(), Some(query.to_string())),
            None => (url.to_string(), None),
        };
        IncomingRequest {
            method: method.to_ascii_uppercase(),
            path,
            query,
            headers: headers
                .into_iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value))
                .collect(),
            body,
            remote_address: None,
        }
    }

    /// Returns the first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(header_name, _)| *header_name == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns the value of a `name=value` query parameter, without percent-decoding.
    pub fn query_parameter(&self, name: &str) -> Option<&str> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then_some(value)
        })
    }

    /// Returns the media type of `Content-Type`, lower-cased and without parameters.
    pub fn media_type(&self) -> Option<String> {
        let content_type = self.header("content-type")?;
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        Some(media_type.to_ascii_lowercase())
    }
}

/// A complete HTTP reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".to_string(), JSON_CONTENT_TYPE.to_string())],
            body: value.to_string().into_bytes(),
        }
    }

    pub fn html(status: u16, page: &str) -> Reply {
        Reply {
            status,
            headers: vec![(
                "Content-Type".to_string(),
                "text/html;charset=utf-8".to_string(),
            )],
            body: page.as_bytes().to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Action the server takes for a request.
#[derive(Debug)]
pub enum Outcome {
    Reply(Reply),
    /// Close the connection without sending a single byte.
    DropConnection,
}

impl Outcome {
    /// Returns the HTTP status sent, or `None` when the connection is dropped.
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Reply(reply) => Some(reply.status),
            Outcome::DropConnection => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_path_and_query() {
        let request = IncomingRequest::new(
            "get",
            "/_sandbox/requests?limit=5&x",
            vec![(
                "Content-Type".into(),
                "Application/JSON; charset=UTF-8".into(),
            )],
            Vec::new(),
        );
        assert_eq!(request.method, "GET");
        assert_eq!(request.path, "/_sandbox/requests");
        assert_eq!(request.query_parameter("limit"), Some("5"));
        assert_eq!(request.query_parameter("x"), Some(""));
        assert_eq!(request.query_parameter("y"), None);
        assert_eq!(
            request.header("content-type"),
            Some("Application/JSON; charset=UTF-8")
        );
        assert_eq!(request.media_type().as_deref(), Some("application/json"));
    }
}
