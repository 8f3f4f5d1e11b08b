//! Fault injection through the `X-Sandbox-Fault` header and `/_sandbox/faults` rules.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{cpro_account, Sandbox, TECH_LOGIN, TECH_PASSWORD};
use serde_json::json;

const TAUX_TVA: &str = "/cpro/transverses/v1/recuperer/tauxtva";
const SEARCH: &str = "/cpro/factures/v1/rechercher/fournisseur";

/// Sends an authenticated `recuperer/tauxtva` call with extra headers.
fn call_with_headers(sandbox: &Sandbox, token: &str, extra: &[(&str, &str)]) -> common::Response {
    let bearer = format!("Bearer {token}");
    let account = cpro_account(TECH_LOGIN, TECH_PASSWORD);
    let mut headers = vec![
        ("Authorization", bearer.as_str()),
        ("cpro-account", account.as_str()),
        ("Content-Type", "application/json"),
    ];
    headers.extend_from_slice(extra);
    sandbox.request("POST", TAUX_TVA, &headers, b"{}")
}

fn call_with_fault(sandbox: &Sandbox, token: &str, mode: &str) -> common::Response {
    call_with_headers(sandbox, token, &[("X-Sandbox-Fault", mode)])
}

#[test]
fn gateway_error_pages() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    for (mode, status) in [
        ("maintenance_500", 500),
        ("maintenance_503", 503),
        ("bad_gateway_502", 502),
        ("gateway_timeout_504", 504),
    ] {
        let response = call_with_fault(&sandbox, &token, mode);
        assert_eq!(response.status, status, "{mode}");
        let content_type = response.header("Content-Type").unwrap_or("");
        assert!(
            content_type.starts_with("text/html"),
            "{mode}: {content_type}"
        );
        assert!(response.text().contains("<html"), "{mode}");
    }
}

#[test]
fn rate_limit_sends_retry_after() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let response = call_with_fault(&sandbox, &token, "rate_limited_429");
    assert_eq!(response.status, 429);
    assert_eq!(response.header("Retry-After"), Some("1"));
}

#[test]
fn subscription_and_route_faults() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let forbidden = call_with_fault(&sandbox, &token, "api_not_subscribed");
    assert_eq!(forbidden.status, 403);
    assert!(forbidden.body.is_empty());
    let missing = call_with_fault(&sandbox, &token, "unknown_route");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("WWW-Authenticate"),
        Some("Bearer realm=\"DefaultRealm\"")
    );
}

#[test]
fn broken_success_bodies() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let empty = call_with_fault(&sandbox, &token, "empty_body_200");
    assert_eq!(empty.status, 200);
    assert!(empty.body.is_empty());
    let invalid = call_with_fault(&sandbox, &token, "invalid_json_200");
    assert_eq!(invalid.status, 200);
    assert!(!invalid.body.is_empty());
    assert!(serde_json::from_slice::<serde_json::Value>(&invalid.body).is_err());
}

#[test]
fn slow_answers_normally_after_delay() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let started = Instant::now();
    let response = call_with_headers(
        &sandbox,
        &token,
        &[
            ("X-Sandbox-Fault", "slow"),
            ("X-Sandbox-Fault-Delay-Ms", "400"),
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["codeRetour"], 0);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");

    // A slow request must not hold up the others.
    let slow_sandbox_address = sandbox.address;
    let slow_token = token.clone();
    let slow = std::thread::spawn(move || {
        let bearer = format!("Bearer {slow_token}");
        let account = cpro_account(TECH_LOGIN, TECH_PASSWORD);
        let request = common::build_request(
            slow_sandbox_address,
            "POST",
            TAUX_TVA,
            &[
                ("Authorization", &bearer),
                ("cpro-account", &account),
                ("Content-Type", "application/json"),
                ("X-Sandbox-Fault", "slow"),
                ("X-Sandbox-Fault-Delay-Ms", "1500"),
            ],
            b"{}",
        );
        common::send_raw(slow_sandbox_address, &request)
    });
    std::thread::sleep(Duration::from_millis(100));
    let quick_started = Instant::now();
    let quick = call_with_headers(&sandbox, &token, &[]);
    assert_eq!(quick.status, 200);
    assert!(quick_started.elapsed() < Duration::from_millis(1000));
    let slow_reply = slow
        .join()
        .expect("slow request thread")
        .expect("slow request");
    assert_eq!(common::parse_response(&slow_reply).status, 200);
}

/// Sends a request and reads until the server closes, returning what arrived.
fn read_until_closed(stream: &mut TcpStream) -> Result<Vec<u8>, std::io::Error> {
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => Ok(received),
        // A reset also means the server closed the socket without replying.
        Err(error) if error.kind() == ErrorKind::ConnectionReset => Ok(received),
        Err(error) => Err(error),
    }
}

#[test]
fn drop_connection_closes_without_reply() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let bearer = format!("Bearer {token}");
    let account = cpro_account(TECH_LOGIN, TECH_PASSWORD);
    let headers = [
        ("Authorization", bearer.as_str()),
        ("cpro-account", account.as_str()),
        ("Content-Type", "application/json"),
        ("X-Sandbox-Fault", "drop_connection"),
    ];

    // With Connection: close.
    let request = common::build_request(sandbox.address, "POST", TAUX_TVA, &headers, b"{}");
    let mut stream = TcpStream::connect(sandbox.address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(&request).expect("write");
    let received = read_until_closed(&mut stream).expect("the server should close the socket");
    assert!(
        received.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&received)
    );

    // With a keep-alive connection the server must close the socket too, not leave
    // the client waiting for its read timeout.
    let mut keep_alive = format!(
        "POST {TAUX_TVA} HTTP/1.1\r\nHost: {}\r\nContent-Length: 2\r\n",
        sandbox.address
    );
    for (name, value) in headers {
        keep_alive.push_str(&format!("{name}: {value}\r\n"));
    }
    keep_alive.push_str("\r\n{}");
    let mut stream = TcpStream::connect(sandbox.address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(keep_alive.as_bytes()).expect("write");
    let started = Instant::now();
    let received = read_until_closed(&mut stream).expect("the server should close the socket");
    assert!(
        received.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&received)
    );
    assert!(started.elapsed() < Duration::from_secs(4));

    let records = sandbox.get("/_sandbox/requests?limit=2").json();
    let last = &records[1];
    assert_eq!(last["fault"], "drop_connection");
    assert!(last["status"].is_null());
}

#[test]
fn token_expired_forces_new_token() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let expired = call_with_fault(&sandbox, &token, "token_expired");
    assert_eq!(expired.status, 401);
    let challenge = expired.header("WWW-Authenticate").unwrap_or("");
    assert!(challenge.contains("invalid_token"), "{challenge}");

    let again = call_with_headers(&sandbox, &token, &[]);
    assert_eq!(again.status, 401, "the token should stay expired");
    let fresh = sandbox.token();
    assert_eq!(call_with_headers(&sandbox, &fresh, &[]).status, 200);
}

#[test]
fn rules_with_count_and_prefix() {
    let sandbox = Sandbox::start(&[]);
    let rule = sandbox.post_json(
        "/_sandbox/faults",
        &json!({"mode": "maintenance_503", "count": 2, "path_prefix": "/cpro/factures"}),
    );
    assert_eq!(rule.status, 200, "{}", rule.text());

    let token = sandbox.token();
    let search =
        |token: &str| sandbox.api_with(token, TECH_LOGIN, TECH_PASSWORD, SEARCH, &json!({}));
    assert_eq!(call_with_headers(&sandbox, &token, &[]).status, 200);
    assert_eq!(search(&token).status, 503);
    assert_eq!(search(&token).status, 503);
    let after = search(&token);
    assert_eq!(after.status, 200);
    assert_eq!(after.json()["codeRetour"], 20000);
    assert_eq!(sandbox.get("/_sandbox/faults").json(), json!([]));

    // A rule without count lasts until DELETE.
    sandbox.post_json("/_sandbox/faults", &json!({"mode": "bad_gateway_502"}));
    assert_eq!(call_with_headers(&sandbox, &token, &[]).status, 502);
    assert_eq!(call_with_headers(&sandbox, &token, &[]).status, 502);
    assert_eq!(
        sandbox
            .request("DELETE", "/_sandbox/faults", &[], b"")
            .status,
        200
    );
    assert_eq!(call_with_headers(&sandbox, &token, &[]).status, 200);
}

#[test]
fn faults_on_token_endpoint() {
    let sandbox = Sandbox::start(&[]);
    sandbox.post_json(
        "/_sandbox/faults",
        &json!({"mode": "rate_limited_429", "count": 1, "path_prefix": "/api/oauth/token"}),
    );
    let limited = sandbox.token_response(common::CLIENT_ID, common::CLIENT_SECRET);
    assert_eq!(limited.status, 429);
    let retried = sandbox.token_response(common::CLIENT_ID, common::CLIENT_SECRET);
    assert_eq!(retried.status, 200);

    let stats = sandbox.get("/_sandbox/stats").json();
    assert_eq!(stats["token_requests"], 2);
    assert_eq!(stats["token_requests_ok"], 1);
}

#[test]
fn invalid_fault_requests_rejected() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let unknown = call_with_fault(&sandbox, &token, "meteor_strike");
    assert_eq!(unknown.status, 400);
    assert!(unknown.json()["sandbox_error"]
        .as_str()
        .is_some_and(|message| message.contains("maintenance_503")));
    let bad_rule = sandbox.post_json("/_sandbox/faults", &json!({"mode": "slow", "count": 0}));
    assert_eq!(bad_rule.status, 400);
}
