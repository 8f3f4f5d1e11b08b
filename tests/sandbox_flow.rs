//! The library against the real sandbox process over HTTP: token cache, headers,
//! deposit, status, and the failures the portal can return.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use chorus_pro::chorus_result as Code;
use chorus_pro::client::Session;
use chorus_pro::config::Config;
use serde_json::{json, Value};

use common::{sample_invoice, Sandbox};

fn session(sandbox: &Sandbox, changes: Value) -> Session {
    Session::new(Config::from_json(&sandbox.config(changes)).expect("valid config"))
        .expect("session")
}

/// Polls a flux until its state is final.
fn wait_final(session: &Session, flux_number: &str) -> Value {
    let query = json!({ "flux_number": flux_number }).to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = session.get_status(&query).expect("status");
        if status["final"] == true {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "flux {flux_number} not final: {status}"
        );
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn fifty_submissions_one_token() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let before = sandbox.token_requests();
    for index in 0..50 {
        let result = session
            .submit(&sample_invoice(&format!("TOK-{index}")))
            .expect("deposit");
        assert!(result["flux_number"]
            .as_str()
            .is_some_and(|n| n.starts_with("CPP")));
    }
    assert_eq!(sandbox.token_requests() - before, 1);
    assert_eq!(session.portal.token_slot().request_count(), 1);
}

#[test]
fn deposit_integrates_with_history() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let deposit = session.submit(&sample_invoice("INT-1")).expect("deposit");
    assert_eq!(deposit["syntax"], "IN_DP_E1_UBL_INVOICE");
    assert_eq!(deposit["file_name"], "UBL_chorus_facture_INT-1.xml");

    let flux_number = deposit["flux_number"].as_str().unwrap();
    let stored = sandbox.admin_get(&format!("/_sandbox/flux/{flux_number}"));
    assert_eq!(
        stored["sha256"], deposit["sha256"],
        "bytes received differ from bytes sent"
    );
    assert_eq!(stored["size"], deposit["size"]);

    let status = wait_final(&session, flux_number);
    assert_eq!(status["state"], "IN_INTEGRE");
    assert_eq!(status["outcome"], "integrated");
    let invoices = status["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["invoice_number"], "INT-1");
    assert!(invoices[0]["portal_invoice_id"].is_number());
    assert_eq!(invoices[0]["history"][0]["status"], "DEPOSEE");

    // The invoice moves on to MISE_A_DISPOSITION after integration.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = session
            .get_status(&json!({ "flux_number": flux_number }).to_string())
            .unwrap();
        if status["invoices"][0]["status"] == "MISE_A_DISPOSITION" {
            assert!(status["invoices"][0]["history"].as_array().unwrap().len() >= 2);
            break;
        }
        assert!(Instant::now() < deadline, "invoice stuck: {status}");
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn requests_carry_reference_headers() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    session.test_connection().expect("connection");
    let deposit = session.submit(&sample_invoice("HDR-1")).expect("deposit");
    wait_final(&session, deposit["flux_number"].as_str().unwrap());

    let seen = sandbox.admin_get("/_sandbox/requests?limit=1000");
    let requests = seen["requests"]
        .as_array()
        .or(seen.as_array())
        .expect("request list")
        .clone();
    let mut api_calls = 0;
    for request in &requests {
        let path = request["path"].as_str().unwrap();
        if path == "/api/oauth/token" {
            assert_eq!(request["method"], "POST");
            let content_type = request["content_type"].as_str().unwrap();
            assert!(
                content_type.starts_with("application/x-www-form-urlencoded"),
                "{content_type}"
            );
        } else if path.starts_with("/cpro/") {
            api_calls += 1;
            assert_eq!(request["method"], "POST", "{path}");
            assert_eq!(
                request["content_type"], "application/json;charset=utf-8",
                "{path}"
            );
            assert_eq!(
                request["accept"], "application/json;charset=utf-8",
                "{path}"
            );
            assert_eq!(request["authorization_scheme"], "Bearer", "{path}");
            assert_eq!(
                request["cpro_account_login"], "TECH_1_sandbox@cpro.fr",
                "{path}"
            );
            assert_eq!(request["body_is_valid_json"], true, "{path}");
        }
    }
    assert!(api_calls >= 4, "too few API calls recorded: {requests:?}");
}

#[test]
fn expired_bearer_renewed_once() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    session.test_connection().expect("first connection");
    let before = sandbox.token_requests();
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "token_expired", "count": 1}),
    );
    session
        .test_connection()
        .expect("connection after the token expired");
    assert_eq!(sandbox.token_requests() - before, 1);
}

#[test]
fn short_lived_token_renewed_before_expiry() {
    let sandbox = Sandbox::start(&["--token-lifetime", "2"]);
    let session = session(&sandbox, json!({}));
    session.test_connection().expect("connection");
    let before = sandbox.token_requests();
    session
        .test_connection()
        .expect("connection with the cached token");
    assert_eq!(sandbox.token_requests(), before);
    // A 2 s token is renewed at half its lifetime.
    thread::sleep(Duration::from_millis(1200));
    session.test_connection().expect("connection after renewal");
    assert_eq!(sandbox.token_requests() - before, 1);
}

#[test]
fn concurrent_threads_share_one_token_request() {
    let sandbox = Sandbox::start(&[]);
    let session = Arc::new(session(&sandbox, json!({})));
    let barrier = Arc::new(Barrier::new(8));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let session = session.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                session
                    .test_connection()
                    .map(|_| ())
                    .map_err(|error| error.code)
            })
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().unwrap(), Ok(()));
    }
    assert_eq!(sandbox.token_requests(), 1);
}

#[test]
fn two_company_files_side_by_side() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let first = session(&sandbox, json!({}));
    let second = session(&sandbox, json!({"technical_password": "wrong"}));
    first.test_connection().expect("first company file");
    let error = second.test_connection().unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED);
    // Both share the PISTE application, so one token serves both.
    assert_eq!(sandbox.token_requests(), 1);
    first
        .test_connection()
        .expect("first company file unaffected");
}

#[test]
fn maintenance_replies_are_retryable() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({}));
    for (mode, status) in [
        ("maintenance_500", 500),
        ("maintenance_503", 503),
        ("bad_gateway_502", 502),
    ] {
        sandbox.admin_post(
            "/_sandbox/faults",
            json!({"mode": mode, "path_prefix": "/cpro/"}),
        );
        let error = session.test_connection().unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_PORTAL_UNAVAILABLE, "{mode}");
        assert_eq!(error.http_status, Some(status), "{mode}");
        assert!(error.retryable, "{mode}");
        sandbox.clear_faults();
    }
    session
        .test_connection()
        .expect("connection after maintenance");
}

#[test]
fn rate_limit_and_unknown_route() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({}));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "rate_limited_429", "path_prefix": "/cpro/"}),
    );
    let error = session.test_connection().unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_RATE_LIMITED);
    sandbox.clear_faults();

    let wrong_base = session_with_base(&sandbox, &format!("{}/wrong", sandbox.url));
    let error = wrong_base.test_connection().unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_ENDPOINT_NOT_FOUND);
    assert_eq!(error.http_status, Some(404));
}

fn session_with_base(sandbox: &Sandbox, base_url: &str) -> Session {
    session(sandbox, json!({ "base_url": base_url }))
}

#[test]
fn slow_reply_times_out() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({"timeout_seconds": 1}));
    session.test_connection().expect("connection");
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "slow", "delay_ms": 3000, "path_prefix": "/cpro/"}),
    );
    let started = Instant::now();
    let error = session.test_connection().unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_TIMEOUT);
    assert!(error.retryable);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout did not cut the wait"
    );
}

#[test]
fn broken_replies_are_unexpected() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({}));
    for mode in ["empty_body_200", "invalid_json_200"] {
        sandbox.admin_post(
            "/_sandbox/faults",
            json!({"mode": mode, "path_prefix": "/cpro/"}),
        );
        let error = session.test_connection().unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_UNEXPECTED_REPLY, "{mode}");
        sandbox.clear_faults();
    }
}

#[test]
fn dropped_connection_is_network_error() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({}));
    session.test_connection().expect("connection");
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "drop_connection", "path_prefix": "/cpro/"}),
    );
    let error = session.test_connection().unwrap_err();
    assert!(
        matches!(
            error.code,
            Code::CHORUS_ERR_NETWORK | Code::CHORUS_ERR_UNEXPECTED_REPLY
        ),
        "{error}"
    );
    assert!(error.retryable, "{error}");
}

#[test]
fn rejected_invoice_numbers_classified() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let first = session.submit(&sample_invoice("DUP-1")).unwrap();
    wait_final(&session, first["flux_number"].as_str().unwrap());
    let second = session.submit(&sample_invoice("DUP-1")).unwrap();
    let status = wait_final(&session, second["flux_number"].as_str().unwrap());
    assert_eq!(status["state"], "IN_REJETE");
    assert_eq!(status["outcome"], "rejected");
    let errors = status["invoice_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["invoice_number"], "DUP-1");
    assert_eq!(errors[0]["code"], Code::CHORUS_ERR_DUPLICATE_INVOICE as u32);
}

#[test]
fn factures_only_application_deposits() {
    // An ERP subscribes only to Factures and Transverses; the buyer check before the
    // deposit needs the Structures API and must not block it.
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(
        &sandbox,
        json!({"client_id": "factures-only-client-id", "client_secret": "factures-only-client-secret"}),
    );
    let deposit = session
        .submit(&sample_invoice("FON-1"))
        .expect("deposit without Structures API");
    let status = wait_final(&session, deposit["flux_number"].as_str().unwrap());
    assert_eq!(status["state"], "IN_INTEGRE");
}

#[test]
fn unknown_invoice_id_not_found() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({}));
    let error = session
        .get_status(r#"{"portal_invoice_id": 99999999}"#)
        .unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_NOT_FOUND);
    assert!(error.code_retour.is_some());
}

#[test]
fn oversized_invoice_not_sent() {
    let sandbox = Sandbox::start(&[]);
    let session = session(&sandbox, json!({}));
    let mut invoice: Value = serde_json::from_str(&sample_invoice("BIG-1")).unwrap();
    invoice["payment_terms"] = Value::from("x".repeat(11 * 1024 * 1024));
    let before = sandbox.admin_get("/_sandbox/stats")["deposits"].as_u64();
    let error = session.submit(&invoice.to_string()).unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_INPUT_TOO_LARGE);
    assert_eq!(
        sandbox.admin_get("/_sandbox/stats")["deposits"].as_u64(),
        before
    );
    let validation = chorus_pro::invoice::requests::validate(
        &invoice.to_string(),
        None,
        chorus_pro::invoice::Syntax::Ubl,
    );
    assert_eq!(
        validation.unwrap_err().code,
        Code::CHORUS_ERR_INVALID_INVOICE
    );
}

#[test]
fn subcontractor_invoice_names_its_validator() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let mut invoice: Value = serde_json::from_str(&sample_invoice("A9-1")).unwrap();
    invoice["business_process_type"] = json!("A9");

    // Without the validating structure nothing reaches the portal.
    let before = sandbox.admin_get("/_sandbox/stats")["api_requests"].clone();
    let error = session.submit(&invoice.to_string()).unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
    assert_eq!(error.problems[0].path, "validator");
    assert_eq!(sandbox.admin_get("/_sandbox/stats")["api_requests"], before);

    invoice["validator"] = json!({"siret": "41234567000001", "service_code": "CHANTIERS-EST"});
    let deposit = session.submit(&invoice.to_string()).expect("deposit");
    let status = wait_final(&session, deposit["flux_number"].as_str().unwrap());
    assert_eq!(status["state"], "IN_INTEGRE");
    let id = status["invoices"][0]["portal_invoice_id"].clone();
    let consulted = session
        .portal
        .post(
            "/cpro/factures/v1/consulter/fournisseur",
            &json!({ "identifiantFactureCPP": id }),
        )
        .expect("consulter")
        .into_success("consulter")
        .expect("invoice found");
    let framework = &consulted["facture"]["cadreDeFacturation"];
    assert_eq!(framework["codeCadreFacturation"], "A9_FACTURE_SOUSTRAITANT");
    assert_eq!(framework["codeStructureValideur"], "41234567000001");
    assert_eq!(framework["codeServiceValideur"], "CHANTIERS-EST");

    // The validating structure approves the invoice before it reaches the buyer.
    let query = json!({ "flux_number": deposit["flux_number"] }).to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    let history = loop {
        let status = session.get_status(&query).unwrap();
        if status["invoices"][0]["status"] == "MISE_A_DISPOSITION" {
            break status["invoices"][0]["history"].clone();
        }
        assert!(Instant::now() < deadline, "invoice stuck: {status}");
        thread::sleep(Duration::from_millis(100));
    };
    let mut statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["status"].as_str())
        .collect();
    statuses.sort_unstable();
    for expected in ["A_VALIDER_1", "DEPOSEE", "VALIDEE_1"] {
        assert!(statuses.contains(&expected), "{expected} not in {history}");
    }
}

#[test]
fn submit_retries_share_one_deadline() {
    let sandbox = Sandbox::start(&[]);
    let session = session(
        &sandbox,
        json!({"retry": {"max_attempts": 20, "initial_delay_ms": 100, "max_delay_ms": 200,
                         "deadline_seconds": 2, "lookup_window_seconds": 1}}),
    );
    // Every portal call, directory look-ups included, gets the maintenance page.
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "maintenance_503", "path_prefix": "/cpro/"}),
    );
    let started = Instant::now();
    let error = session.submit(&sample_invoice("DL-1")).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.code, Code::CHORUS_ERR_PORTAL_UNAVAILABLE);
    // The directory look-ups are advisory, so the error is the deposit's.
    assert_eq!(
        error.endpoint.as_deref(),
        Some("/cpro/factures/v1/deposer/flux")
    );
    // On separate schedules the two directory look-ups and the deposit would each retry
    // for 2 s. On one schedule the call ends soon after the 2 s deadline.
    assert!(elapsed < Duration::from_millis(3500), "{elapsed:?}");
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
}

#[test]
fn connection_report_in_configured_language() {
    let sandbox = Sandbox::start(&[]);
    for (language, expected) in [
        ("fr", "PISTE accepte l'identifiant et le secret client"),
        ("en", "PISTE accepts the client id and secret"),
    ] {
        let session = session(&sandbox, json!({ "language": language }));
        let report = session.test_connection().expect("connection");
        let token_step = report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|step| step["name"] == "token")
            .cloned()
            .expect("token step");
        assert!(
            token_step["proves"].as_str().unwrap().starts_with(expected),
            "{language}: {token_step}"
        );
        let tls_step = &report["steps"][3];
        assert_eq!(tls_step["name"], "tls");
        let reason = tls_step["reason"].as_str().unwrap();
        let plain = if language == "fr" {
            "http simple"
        } else {
            "plain http"
        };
        assert!(reason.starts_with(plain), "{language}: {reason}");
    }
}
