//! Retries of safe calls, the search before a deposit is sent again, and the token cache
//! under concurrent expiry, against the real sandbox process.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use chorus_pro::chorus_result as Code;
use chorus_pro::client::Session;
use chorus_pro::config::Config;
use serde_json::{json, Value};

use common::{sample_invoice, Sandbox};

const DEPOSIT: &str = "/cpro/factures/v1/deposer/flux";
const SEARCH: &str = "/cpro/factures/v1/rechercher/fournisseur";
const REPORT: &str = "/cpro/transverses/v1/consulterCRDetaille";

/// Fast retries, so that a test spends milliseconds between attempts.
fn fast_retry(lookup_window_seconds: u64) -> Value {
    json!({
        "max_attempts": 4,
        "initial_delay_ms": 10,
        "max_delay_ms": 50,
        "deadline_seconds": 30,
        "lookup_window_seconds": lookup_window_seconds,
    })
}

fn session(sandbox: &Sandbox, changes: Value) -> Session {
    Session::new(Config::from_json(&sandbox.config(changes)).expect("valid config"))
        .expect("session")
}

fn stats(sandbox: &Sandbox) -> Value {
    sandbox.admin_get("/_sandbox/stats")
}

fn requests_to(sandbox: &Sandbox, path: &str) -> u64 {
    stats(sandbox)["by_path"][path].as_u64().unwrap_or(0)
}

fn deposits(sandbox: &Sandbox) -> u64 {
    stats(sandbox)["deposits"]
        .as_u64()
        .expect("deposits counter")
}

#[test]
fn report_read_after_maintenance_burst() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({"retry": fast_retry(0)}));
    let deposit = session.submit(&sample_invoice("RTY-1")).expect("deposit");
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "maintenance_503", "count": 2, "path_prefix": REPORT}),
    );
    let query = json!({"flux_number": deposit["flux_number"]}).to_string();
    let status = session.get_status(&query).expect("status after two 503");
    assert_eq!(status["state"], "IN_INTEGRE");
    assert_eq!(requests_to(&sandbox, REPORT), 3);
}

#[test]
fn retries_stop_at_max_attempts() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let mut retry = fast_retry(0);
    retry["max_attempts"] = json!(3);
    let session = session(&sandbox, json!({ "retry": retry }));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "bad_gateway_502", "path_prefix": REPORT}),
    );
    let error = session
        .get_status(r#"{"flux_number": "CPP0011100000000000000001"}"#)
        .unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_PORTAL_UNAVAILABLE);
    assert!(error.retryable);
    assert_eq!(error.details.as_ref().unwrap()["attempts"], 3);
    assert_eq!(requests_to(&sandbox, REPORT), 3);
}

#[test]
fn rate_limited_read_retried() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({"retry": fast_retry(0)}));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "rate_limited_429", "count": 1, "path_prefix": REPORT}),
    );
    let status = session
        .get_status(r#"{"flux_number": "CPP0011100000000000000001"}"#)
        .expect("status after a 429 with Retry-After: 1");
    assert_eq!(status["state"], "NOT_YET_VISIBLE");
    assert_eq!(requests_to(&sandbox, REPORT), 2);
}

#[test]
fn token_request_retried_after_outage() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({"retry": fast_retry(0)}));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "maintenance_503", "count": 2, "path_prefix": "/api/oauth/token"}),
    );
    session.submit(&sample_invoice("TKN-1")).expect("deposit");
    assert_eq!(stats(&sandbox)["token_requests"], 3);
    assert_eq!(stats(&sandbox)["token_requests_ok"], 1);
    assert_eq!(deposits(&sandbox), 1);
}

#[test]
fn deposit_sent_again_after_503() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({"retry": fast_retry(5)}));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "maintenance_503", "count": 1, "path_prefix": DEPOSIT}),
    );
    let result = session.submit(&sample_invoice("RSD-1")).expect("deposit");
    assert_eq!(result["recovered"], false);
    assert_eq!(deposits(&sandbox), 1);
    assert_eq!(requests_to(&sandbox, DEPOSIT), 2);
    // A 503 proves the deposit was not received, so no search was needed.
    assert_eq!(requests_to(&sandbox, SEARCH), 0);
}

#[test]
fn lost_reply_recovered_by_search() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({"retry": fast_retry(5)}));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "drop_after_processing", "count": 1, "path_prefix": DEPOSIT}),
    );
    let result = session.submit(&sample_invoice("RCV-1")).expect("deposit");
    assert_eq!(result["recovered"], true, "{result}");
    assert_eq!(result["invoice_number"], "RCV-1");
    assert!(result["portal_invoice_id"].is_number(), "{result}");
    assert_eq!(deposits(&sandbox), 1);
    assert_eq!(requests_to(&sandbox, DEPOSIT), 1);

    let flux_number = result["flux_number"].as_str().expect("flux number");
    let stored = sandbox.admin_get(&format!("/_sandbox/flux/{flux_number}"));
    assert_eq!(stored["sha256"], result["sha256"]);
}

#[test]
fn timed_out_deposit_recovered() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(
        &sandbox,
        json!({"timeout_seconds": 1, "retry": fast_retry(10)}),
    );
    session.test_connection().expect("connection");
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "slow", "delay_ms": 2500, "count": 1, "path_prefix": DEPOSIT}),
    );
    let result = session.submit(&sample_invoice("SLW-1")).expect("deposit");
    assert_eq!(result["recovered"], true, "{result}");
    assert_eq!(deposits(&sandbox), 1);
    assert_eq!(requests_to(&sandbox, DEPOSIT), 1);
}

#[test]
fn dropped_deposit_sent_again_after_search() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({"retry": fast_retry(1)}));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "drop_connection", "count": 1, "path_prefix": DEPOSIT}),
    );
    let result = session.submit(&sample_invoice("DRP-1")).expect("deposit");
    assert_eq!(result["recovered"], false, "{result}");
    assert_eq!(deposits(&sandbox), 1);
    assert_eq!(requests_to(&sandbox, DEPOSIT), 2);
    assert!(requests_to(&sandbox, SEARCH) >= 1);
}

#[test]
fn failed_search_defers_to_next_call() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let mut retry = fast_retry(0);
    retry["max_attempts"] = json!(2);
    let session = session(&sandbox, json!({ "retry": retry }));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "drop_after_processing", "count": 1, "path_prefix": DEPOSIT}),
    );
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "maintenance_500", "count": 2, "path_prefix": SEARCH}),
    );
    let error = session.submit(&sample_invoice("UNK-1")).unwrap_err();
    assert!(
        matches!(
            error.code,
            Code::CHORUS_ERR_NETWORK | Code::CHORUS_ERR_TIMEOUT
        ),
        "{error}"
    );
    assert!(error.retryable);
    assert_eq!(
        error.details.as_ref().unwrap()["deposit_outcome"],
        "unknown"
    );
    assert_eq!(deposits(&sandbox), 1);

    // The next call searches first and finds the deposit instead of sending it again.
    let result = session.submit(&sample_invoice("UNK-1")).expect("deposit");
    assert_eq!(result["recovered"], true, "{result}");
    assert_eq!(deposits(&sandbox), 1);
    assert_eq!(requests_to(&sandbox, DEPOSIT), 1);
}

#[test]
fn expired_token_renewed_once_for_many_threads() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = Arc::new(session(&sandbox, json!({"retry": fast_retry(0)})));
    let query = r#"{"flux_number": "CPP0011100000000000000001"}"#;
    session.get_status(query).expect("first call");
    assert_eq!(sandbox.token_requests(), 1);

    // The first request to reach the gateway expires the shared token for real.
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "token_expired", "count": 1, "path_prefix": "/cpro/"}),
    );
    let barrier = Arc::new(Barrier::new(8));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let session = session.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                session
                    .get_status(query)
                    .map(|_| ())
                    .map_err(|error| error.code)
            })
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap(), Ok(()));
    }
    assert_eq!(sandbox.token_requests(), 2);
    assert_eq!(session.portal.token_slot().request_count(), 2);
}

#[test]
fn token_from_other_gateway_is_wrong_environment() {
    let token_server = Sandbox::start(&["--speed", "0"]);
    let api_server = Sandbox::start(&["--speed", "0"]);
    let token_url = format!("{}/api/oauth/token", token_server.url);
    let session = session(
        &api_server,
        json!({"token_url": token_url, "retry": fast_retry(0)}),
    );
    let error = session
        .get_status(r#"{"flux_number": "CPP0011100000000000000001"}"#)
        .unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_WRONG_ENVIRONMENT, "{error}");
    assert!(!error.retryable);
    // The cached token and the one requested after its rejection: no third request.
    assert_eq!(token_server.token_requests(), 2);
    assert_eq!(requests_to(&api_server, REPORT), 2);
}
