//! The `chorus` binary against the real sandbox process.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use base64::Engine;
use serde_json::Value;

struct Sandbox {
    child: Child,
    url: String,
}

impl Sandbox {
    fn start() -> Sandbox {
        let binary = Path::new(env!("CARGO_BIN_EXE_chorus")).with_file_name("chorus-sandbox");
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--quiet", "--speed", "0.1"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().rsplit(' ').next().unwrap().to_owned();
        Sandbox { child, url }
    }

    /// Writes a configuration for this sandbox and returns its path.
    fn config(&self, directory: &Path, technical_password: &str) -> PathBuf {
        let path = directory.join(format!("config-{technical_password}.json"));
        let config = serde_json::json!({
            "environment": "qualification",
            "token_url": format!("{}/api/oauth/token", self.url),
            "base_url": self.url,
            "client_id": "sandbox-client-id",
            "client_secret": "sandbox-client-secret",
            "technical_login": "TECH_1_sandbox@cpro.fr",
            "technical_password": technical_password,
            "language": "en",
        });
        std::fs::write(&path, config.to_string()).unwrap();
        path
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chorus(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chorus"))
        .args(arguments)
        .env_remove("CHORUS_CONFIG")
        .output()
        .expect("chorus runs")
}

fn sample_invoice() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/invoices/facturx-ubl-21-en16931.json"
    )
    .to_owned()
}

fn scratch_directory(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("chorus-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

#[test]
fn connection_submit_and_status() {
    let sandbox = Sandbox::start();
    let directory = scratch_directory("flow");
    let config = sandbox.config(&directory, "sandbox-technical-password");
    let config = config.to_str().unwrap();

    let connection = chorus(&["--config", config, "test-connection"]);
    assert_eq!(connection.status.code(), Some(0), "{connection:?}");
    let text = String::from_utf8_lossy(&connection.stdout);
    assert!(text.contains("technical_account"), "{text}");

    let submitted = chorus(&["--config", config, "--json", "submit", &sample_invoice()]);
    assert_eq!(submitted.status.code(), Some(0), "{submitted:?}");
    let result: Value = serde_json::from_slice(&submitted.stdout).unwrap();
    let flux_number = result["flux_number"].as_str().unwrap().to_owned();

    let mut final_state = None;
    for _ in 0..100 {
        let status = chorus(&["--config", config, "--json", "status", &flux_number]);
        assert_eq!(status.status.code(), Some(0), "{status:?}");
        let report: Value = serde_json::from_slice(&status.stdout).unwrap();
        if report["final"] == true {
            final_state = Some(report["state"].as_str().unwrap().to_owned());
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(final_state.as_deref(), Some("IN_INTEGRE"));

    let readable = chorus(&["--config", config, "status", &flux_number]);
    assert!(String::from_utf8_lossy(&readable.stdout).contains("IN_INTEGRE"));

    let by_number = chorus(&["--config", config, "--json", "status", "F124212"]);
    assert_eq!(by_number.status.code(), Some(0), "{by_number:?}");
    let followed: Value = serde_json::from_slice(&by_number.stdout).unwrap();
    assert_eq!(followed["invoices"][0]["invoice_number"], "F124212");
    std::fs::remove_dir_all(directory).unwrap();
}

#[test]
fn lookup_buyer_requirement() {
    let sandbox = Sandbox::start();
    let directory = scratch_directory("buyer");
    let config = sandbox.config(&directory, "sandbox-technical-password");
    let output = chorus(&[
        "--config",
        config.to_str().unwrap(),
        "--json",
        "lookup-buyer",
        "11000201100044",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let buyer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(buyer["requirement"], "service_code");
    std::fs::remove_dir_all(directory).unwrap();
}

#[test]
fn wrong_password_exit_status() {
    let sandbox = Sandbox::start();
    let directory = scratch_directory("password");
    let config = sandbox.config(&directory, "wrong-password");
    let output = chorus(&["--config", config.to_str().unwrap(), "test-connection"]);
    assert_eq!(output.status.code(), Some(20));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED"),
        "{errors}"
    );
    assert!(
        errors.contains("technical_password"),
        "the hint names the setting: {errors}"
    );
    assert!(
        !errors.contains("wrong-password"),
        "the secret leaked: {errors}"
    );
    std::fs::remove_dir_all(directory).unwrap();
}

#[test]
fn validate_and_build_offline() {
    let valid = chorus(&["validate", &sample_invoice()]);
    assert_eq!(valid.status.code(), Some(0), "{valid:?}");

    let directory = scratch_directory("validate");
    let broken = directory.join("broken.json");
    let text = std::fs::read_to_string(sample_invoice())
        .unwrap()
        .replace("99999999800019", "12345678901234");
    std::fs::write(&broken, text).unwrap();
    let invalid = chorus(&["--json", "validate", broken.to_str().unwrap()]);
    assert_eq!(invalid.status.code(), Some(10));
    let error: Value = serde_json::from_slice(&invalid.stdout).unwrap();
    assert_eq!(error["name"], "CHORUS_ERR_INVALID_INVOICE");
    assert!(error["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["path"] == "seller.siret"));

    let xml = chorus(&["build-xml", &sample_invoice()]);
    assert_eq!(xml.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&xml.stdout).contains("<cbc:ID>F124212</cbc:ID>"));

    // The syntax is the one submit uses: the invoice's own, else the configuration's.
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/invoices");
    let cii_invoice = format!("{examples}/facturx-cii-en16931.json");
    let xml = chorus(&["build-xml", &cii_invoice]);
    assert_eq!(xml.status.code(), Some(0), "{xml:?}");
    assert!(String::from_utf8_lossy(&xml.stdout).contains("<rsm:CrossIndustryInvoice"));
    let config = directory.join("cii-config.json");
    std::fs::write(
        &config,
        r#"{"syntax": "cii", "client_id": "a", "client_secret": "b",
            "technical_login": "c", "technical_password": "d"}"#,
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let credit_note = format!("{examples}/credit-note.json");
    let xml = chorus(&["--config", config, "build-xml", &credit_note]);
    assert_eq!(xml.status.code(), Some(0), "{xml:?}");
    assert!(String::from_utf8_lossy(&xml.stdout).contains("<rsm:CrossIndustryInvoice"));

    // A ready file is checked and printed as deposit would send it.
    let ready = directory.join("ready.json");
    let ubl = String::from_utf8(xml_of_sample()).unwrap();
    let request = serde_json::json!({"file": {
        "syntax": "IN_DP_E1_UBL_INVOICE",
        "file_name": "F124212.xml",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(ubl.as_bytes()),
    }});
    std::fs::write(&ready, request.to_string()).unwrap();
    let valid = chorus(&["--json", "validate", ready.to_str().unwrap()]);
    assert_eq!(valid.status.code(), Some(0), "{valid:?}");
    let result: Value = serde_json::from_slice(&valid.stdout).unwrap();
    assert_eq!(result["invoice_number"], "F124212");
    let printed = chorus(&["build-xml", ready.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&printed.stdout), ubl);
    std::fs::remove_dir_all(directory).unwrap();
}

/// Writes the sample invoice as UBL with the CLI.
fn xml_of_sample() -> Vec<u8> {
    chorus(&["build-xml", &sample_invoice()]).stdout
}

#[test]
fn usage_errors() {
    assert_eq!(chorus(&[]).status.code(), Some(1));
    assert_eq!(chorus(&["--help"]).status.code(), Some(0));
    assert_eq!(chorus(&["frobnicate"]).status.code(), Some(1));
    assert_eq!(
        chorus(&["test-connection"]).status.code(),
        Some(1),
        "no configuration given"
    );
}
