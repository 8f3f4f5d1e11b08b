//! Request counters and the log of recent requests served by `/_sandbox/stats` and
//! `/_sandbox/requests`.
//!
//! Records keep the technical account login but never a password, secret, token,
//! query string or body.

use std::collections::{BTreeMap, VecDeque};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::faults::Endpoint;
use crate::http::IncomingRequest;

/// Number of recent requests kept for `/_sandbox/requests`.
pub const MAX_RECORDS: usize = 1000;
/// Distinct paths counted one by one in `by_path`; further paths share one counter.
const MAX_DISTINCT_PATHS: usize = 1000;
const OTHER_PATHS_KEY: &str = "(other paths)";
/// Maximum length, in characters, of a header value kept in a record.
const MAX_HEADER_CHARS: usize = 200;

/// Details of one token or API request that are safe to keep.
pub struct RequestRecord {
    pub endpoint: Endpoint,
    pub at: Timestamp,
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub authorization_scheme: Option<String>,
    pub cpro_account_login: Option<String>,
    pub body_is_valid_json: bool,
    pub fault: Option<&'static str>,
    /// `None` when the connection was dropped without a reply.
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// Whether the token endpoint issued a token.
    pub token_issued: bool,
    pub deposit_accepted: bool,
}

impl RequestRecord {
    /// Starts a record from the parts of a request that are safe to keep.
    pub fn new(request: &IncomingRequest, endpoint: Endpoint, at: Timestamp) -> RequestRecord {
        RequestRecord {
            endpoint,
            at,
            method: request.method.clone(),
            path: request.path.clone(),
            content_type: request.header("content-type").map(shorten),
            accept: request.header("accept").map(shorten),
            authorization_scheme: request.header("authorization").map(authorization_scheme),
            cpro_account_login: request.header("cpro-account").and_then(cpro_account_login),
            body_is_valid_json: serde_json::from_slice::<Value>(&request.body).is_ok(),
            fault: None,
            status: None,
            duration_ms: 0,
            token_issued: false,
            deposit_accepted: false,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "time": self.at.rfc3339_utc(),
            "method": self.method,
            "path": self.path,
            "content_type": self.content_type,
            "accept": self.accept,
            "authorization_scheme": self.authorization_scheme,
            "cpro_account_login": self.cpro_account_login,
            "body_is_valid_json": self.body_is_valid_json,
            "status": self.status,
            "fault": self.fault,
            "duration_ms": self.duration_ms,
        })
    }
}

fn shorten(value: &str) -> String {
    value.chars().take(MAX_HEADER_CHARS).collect()
}

/// Keeps only the scheme word of an `Authorization` header, never the credentials.
fn authorization_scheme(header: &str) -> String {
    let scheme = header.split(' ').next().unwrap_or("");
    if scheme.eq_ignore_ascii_case("bearer") {
        "Bearer".to_string()
    } else if scheme.eq_ignore_ascii_case("basic") {
        "Basic".to_string()
    } else {
        shorten(scheme)
    }
}

/// Extracts the login from `cpro-account` (base64 of `login:password`).
fn cpro_account_login(header: &str) -> Option<String> {
    let decoded = STANDARD.decode(header.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, _password) = text.split_once(':')?;
    Some(shorten(login))
}

#[derive(Default)]
pub struct Stats {
    token_requests: u64,
    token_requests_ok: u64,
    api_requests: u64,
    deposits: u64,
    by_path: BTreeMap<String, u64>,
    records: VecDeque<RequestRecord>,
}

impl Stats {
    pub fn record(&mut self, record: RequestRecord) {
        match record.endpoint {
            Endpoint::Token => {
                self.token_requests += 1;
                if record.token_issued {
                    self.token_requests_ok += 1;
                }
            }
            Endpoint::Api => self.api_requests += 1,
        }
        if record.deposit_accepted {
            self.deposits += 1;
        }
        let key =
            if self.by_path.len() < MAX_DISTINCT_PATHS || self.by_path.contains_key(&record.path) {
                record.path.clone()
            } else {
                OTHER_PATHS_KEY.to_string()
            };
        *self.by_path.entry(key).or_insert(0) += 1;

        if self.records.len() == MAX_RECORDS {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// Resets the counters and clears the request log.
    pub fn reset(&mut self) {
        *self = Stats::default();
    }

    pub fn counters_json(&self) -> Value {
        json!({
            "token_requests": self.token_requests,
            "token_requests_ok": self.token_requests_ok,
            "api_requests": self.api_requests,
            "deposits": self.deposits,
            "by_path": self.by_path,
        })
    }

    /// Returns the last `limit` records, oldest first.
    pub fn recent_json(&self, limit: usize) -> Value {
        let skip = self.records.len().saturating_sub(limit);
        Value::Array(
            self.records
                .iter()
                .skip(skip)
                .map(RequestRecord::to_json)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_login_but_not_password() {
        let header = STANDARD.encode("TECH_1_sandbox@cpro.fr:secret-password");
        assert_eq!(
            cpro_account_login(&header).as_deref(),
            Some("TECH_1_sandbox@cpro.fr")
        );
        assert_eq!(cpro_account_login("%%%"), None);
        assert_eq!(authorization_scheme("bearer abc.def"), "Bearer");
        assert_eq!(authorization_scheme("Basic dXNlcjpwYXNz"), "Basic");
    }
}
