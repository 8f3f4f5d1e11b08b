//! HTTPS against a sandbox whose certificate authority is unknown to the system: the
//! library reports a TLS failure, then succeeds once `ca_file` names that authority.

mod common;

use std::path::PathBuf;

use chorus_pro::chorus_result as Code;
use chorus_pro::client::Session;
use chorus_pro::config::Config;
use serde_json::{json, Value};

use common::{sample_invoice, Sandbox};

fn session(sandbox: &Sandbox, changes: Value) -> Result<Session, chorus_pro::error::Error> {
    Session::new(Config::from_json(&sandbox.config(changes))?)
}

/// A temporary directory, removed when dropped.
struct TempDirectory(PathBuf);

impl Drop for TempDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts an HTTPS sandbox and returns it with the path of its authority's certificate,
/// which lives as long as the returned directory.
fn https_sandbox(name: &str) -> (Sandbox, PathBuf, TempDirectory) {
    let directory = std::env::temp_dir().join(format!(
        "chorus-tls-{name}-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&directory).unwrap();
    let ca_file = directory.join("sandbox-ca.pem");
    let sandbox = Sandbox::start(&[
        "--speed",
        "0",
        "--tls-self-signed",
        ca_file.to_str().unwrap(),
    ]);
    assert!(
        sandbox.url.starts_with("https://127.0.0.1:"),
        "{}",
        sandbox.url
    );
    (sandbox, ca_file, TempDirectory(directory))
}

#[test]
fn unknown_authority_is_tls_error() {
    let (sandbox, _, _directory) = https_sandbox("unknown");
    let session = session(&sandbox, json!({})).expect("session");

    let error = session.test_connection().unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_TLS, "{error}");
    assert!(!error.retryable);

    let error = session.submit(&sample_invoice("TLS-0")).unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_TLS, "{error}");
}

#[test]
fn ca_file_makes_authority_trusted() {
    let (sandbox, ca_file, _directory) = https_sandbox("trusted");
    let session = session(&sandbox, json!({"ca_file": ca_file})).expect("session");

    let report = session.test_connection().expect("connection over TLS");
    let tls_step = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["name"] == "tls")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(tls_step["outcome"], "ok", "{report}");

    let deposit = session
        .submit(&sample_invoice("TLS-1"))
        .expect("deposit over TLS");
    assert!(deposit["flux_number"]
        .as_str()
        .is_some_and(|n| n.starts_with("CPP")));
}

#[test]
fn unreadable_ca_file_rejected() {
    let (sandbox, ca_file, _directory) = https_sandbox("unreadable");
    let missing = ca_file.with_file_name("missing.pem");
    let error = session(&sandbox, json!({"ca_file": missing}))
        .err()
        .expect("error");
    assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
    assert_eq!(error.problems[0].path, "ca_file");

    let not_pem = ca_file.with_file_name("not-a-certificate.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let error = session(&sandbox, json!({"ca_file": not_pem}))
        .err()
        .expect("error");
    assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
}

#[test]
fn certificate_files_served() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

    let directory = std::env::temp_dir().join(format!(
        "chorus-tls-files-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&directory).unwrap();
    let _cleanup = TempDirectory(directory.clone());

    let mut authority = CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let authority_key = KeyPair::generate().unwrap();
    let authority_cert = authority.self_signed(&authority_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &Issuer::new(authority, authority_key))
        .unwrap();

    let cert_file = directory.join("server.pem");
    let key_file = directory.join("server-key.pem");
    let ca_file = directory.join("ca.pem");
    std::fs::write(&cert_file, server_cert.pem()).unwrap();
    std::fs::write(&key_file, server_key.serialize_pem()).unwrap();
    std::fs::write(&ca_file, authority_cert.pem()).unwrap();

    let sandbox = Sandbox::start(&[
        "--speed",
        "0",
        "--tls-cert",
        cert_file.to_str().unwrap(),
        "--tls-key",
        key_file.to_str().unwrap(),
    ]);
    assert!(sandbox.url.starts_with("https://"), "{}", sandbox.url);

    let untrusted = session(&sandbox, json!({})).expect("session");
    let error = untrusted.test_connection().unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_TLS, "{error}");

    let trusted = session(&sandbox, json!({"ca_file": ca_file})).expect("session");
    trusted.test_connection().expect("connection over TLS");
}
