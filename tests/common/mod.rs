//! Starts the real `chorus-sandbox` binary on a free loopback port for a test.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// A sandbox process, stopped when dropped.
pub struct Sandbox {
    child: Child,
    pub url: String,
    http: reqwest::blocking::Client,
}

/// Locates the sandbox binary: `SANDBOX_BIN`, else next to this test's target directory.
fn sandbox_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SANDBOX_BIN") {
        return PathBuf::from(path);
    }
    let test_exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/test-name -> target/debug/chorus-sandbox
    let profile_dir = test_exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target layout");
    profile_dir.join("chorus-sandbox")
}

impl Sandbox {
    pub fn start(extra_arguments: &[&str]) -> Sandbox {
        let binary = sandbox_binary();
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--quiet"])
            .args(extra_arguments)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start {}: {error} (run `cargo build --workspace`)",
                    binary.display()
                )
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("sandbox start-up line");
        let url = line
            .trim()
            .strip_prefix("chorus-sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected start-up line: {line:?}"))
            .to_owned();
        Sandbox {
            child,
            url,
            http: reqwest::blocking::Client::new(),
        }
    }

    /// Builds a configuration for this sandbox; `changes` overrides or adds keys.
    pub fn config(&self, changes: Value) -> String {
        let mut config = json!({
            "environment": "qualification",
            "token_url": format!("{}/api/oauth/token", self.url),
            "base_url": self.url,
            "client_id": "sandbox-client-id",
            "client_secret": "sandbox-client-secret",
            "technical_login": "TECH_1_sandbox@cpro.fr",
            "technical_password": "sandbox-technical-password",
            "language": "en",
            "timeout_seconds": 10,
            "bank_account": {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP882"},
        });
        for (key, value) in changes.as_object().expect("changes is an object") {
            config[key] = value.clone();
        }
        config.to_string()
    }

    pub fn admin_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .and_then(|response| response.error_for_status())
            .and_then(|response| response.json())
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    pub fn admin_post(&self, path: &str, body: Value) {
        self.http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .and_then(|response| response.error_for_status())
            .unwrap_or_else(|error| panic!("POST {path}: {error}"));
    }

    pub fn clear_faults(&self) {
        self.http
            .delete(format!("{}/_sandbox/faults", self.url))
            .send()
            .and_then(|response| response.error_for_status())
            .expect("DELETE /_sandbox/faults");
    }

    pub fn token_requests(&self) -> u64 {
        self.admin_get("/_sandbox/stats")["token_requests"]
            .as_u64()
            .expect("token_requests counter")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns the invoice made from the public sample facturx-ubl-21-en16931.xml, renumbered.
pub fn sample_invoice(number: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/invoices/facturx-ubl-21-en16931.json"
    );
    std::fs::read_to_string(path)
        .expect("sample invoice JSON")
        .replace("F124212", number)
}
