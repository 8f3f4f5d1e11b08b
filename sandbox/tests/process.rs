//! Command line, start-up, stats counters and shutdown of the binary.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{InvoiceSpec, Sandbox, UBL};
use serde_json::json;

fn run_to_completion(arguments: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chorus-sandbox"))
        .args(arguments)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run chorus-sandbox")
}

#[test]
fn help_lists_options() {
    let output = run_to_completion(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for option in [
        "--port",
        "--bind",
        "--allow-non-loopback",
        "--data",
        "--speed",
        "--token-lifetime",
        "--quiet",
    ] {
        assert!(help.contains(option), "--help does not mention {option}");
    }
}

#[test]
fn non_loopback_bind_rejected() {
    let output = run_to_completion(&["--bind", "0.0.0.0", "--port", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("--allow-non-loopback"), "{message}");
}

#[test]
fn invalid_data_set_rejected() {
    let path = std::env::temp_dir().join(format!("chorus-sandbox-bad-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"piste_applications": []}"#).expect("write data set");
    let output = run_to_completion(&["--data", path.to_str().unwrap_or(""), "--port", "0"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("invalid data set"), "{message}");
}

#[test]
fn custom_data_set_used() {
    let path =
        std::env::temp_dir().join(format!("chorus-sandbox-custom-{}.json", std::process::id()));
    let data = json!({
        "piste_applications": [{"client_id": "ci-id", "client_secret": "ci-secret",
            "environment": "qualification", "subscribed_apis": ["transverses"]}],
        "technical_accounts": [],
        "structures": []
    });
    std::fs::write(&path, data.to_string()).expect("write data set");
    let sandbox = Sandbox::start(&["--data", path.to_str().unwrap_or("")]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(sandbox.token_response("ci-id", "ci-secret").status, 200);
    assert_eq!(
        sandbox
            .token_response(common::CLIENT_ID, common::CLIENT_SECRET)
            .status,
        400
    );
}

#[test]
fn stats_count_requests() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let token = sandbox.token();
    let _ = sandbox.token_response(common::CLIENT_ID, "wrong");
    sandbox.deposit(&InvoiceSpec::new("ST-1").ubl(), UBL);
    let _ = sandbox.api_with(
        &token,
        common::TECH_LOGIN,
        "wrong-password",
        "/cpro/transverses/v1/recuperer/pays",
        &json!({}),
    );

    let stats = sandbox.get("/_sandbox/stats").json();
    // Tokens: the explicit one, the failed one, and the one `deposit` fetched.
    assert_eq!(stats["token_requests"], 3, "{stats}");
    assert_eq!(stats["token_requests_ok"], 2, "{stats}");
    assert_eq!(stats["api_requests"], 2, "{stats}");
    assert_eq!(stats["deposits"], 1, "{stats}");
    assert_eq!(stats["by_path"]["/cpro/factures/v1/deposer/flux"], 1);
    assert_eq!(stats["by_path"]["/api/oauth/token"], 3);

    assert_eq!(
        sandbox
            .post_json("/_sandbox/reset-stats", &json!({}))
            .status,
        200
    );
    let stats = sandbox.get("/_sandbox/stats").json();
    assert_eq!(stats["token_requests"], 0);
    assert_eq!(stats["api_requests"], 0);
    assert_eq!(stats["deposits"], 0);
    assert_eq!(sandbox.get("/_sandbox/requests").json(), json!([]));
}

#[test]
fn unknown_admin_endpoint_gets_404() {
    let sandbox = Sandbox::start(&[]);
    assert_eq!(sandbox.get("/_sandbox/nothing").status, 404);
    assert_eq!(sandbox.get("/_sandbox/shutdown").status, 405);
    assert_eq!(sandbox.get("/elsewhere").status, 404);
}

#[test]
fn shutdown_endpoint_stops_process() {
    let mut sandbox = Sandbox::start(&[]);
    let response = sandbox.post_json("/_sandbox/shutdown", &json!({}));
    assert_eq!(response.status, 200);
    let status = sandbox.wait_for_exit(Duration::from_secs(5));
    assert!(status.is_some_and(|status| status.success()), "{status:?}");
}

#[cfg(unix)]
#[test]
fn sigterm_stops_process_cleanly() {
    let mut sandbox = Sandbox::start(&[]);
    let killed = Command::new("kill")
        .args(["-TERM", &sandbox.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = sandbox.wait_for_exit(Duration::from_secs(5));
    // A clean stop exits with 0; death by the signal would have no exit code.
    assert_eq!(
        status.and_then(|status| status.code()),
        Some(0),
        "{status:?}"
    );
}
