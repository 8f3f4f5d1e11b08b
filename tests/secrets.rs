//! Secrets never leave the library: the client secret, the technical password, the
//! bearer token and the `cpro-account` value are searched for in every output a run
//! produces: returned JSON, error objects, `Debug` text, log records, the sandbox's
//! stdout and stderr, and the files under `build/`.

use std::ffi::{c_char, c_void, CStr, CString};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::ptr;
use std::sync::Mutex;

use base64::Engine;
use chorus_pro::client::Session;
use chorus_pro::config::Config;
use chorus_pro::ffi;
use serde_json::{json, Value};

const LOGIN: &str = "TECH_1_sandbox@cpro.fr";
const CLIENT_ID: &str = "sandbox-client-id";

/// Log records received through the C callback.
static LOG_RECORDS: Mutex<String> = Mutex::new(String::new());

unsafe extern "C" fn keep_log_record(
    _userdata: *mut c_void,
    level: u32,
    target: *const c_char,
    message: *const c_char,
) {
    let target = CStr::from_ptr(target).to_string_lossy();
    let message = CStr::from_ptr(message).to_string_lossy();
    let mut records = LOG_RECORDS.lock().unwrap_or_else(|e| e.into_inner());
    records.push_str(&format!("{level} {target} {message}\n"));
}

/// A sandbox process whose stdout and stderr go to files.
struct LoggedSandbox {
    child: Child,
    url: String,
}

impl Drop for LoggedSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn start_sandbox(data_file: &Path, log_dir: &Path) -> LoggedSandbox {
    let test_exe = std::env::current_exe().unwrap();
    let binary = test_exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("chorus-sandbox");
    let stderr = std::fs::File::create(log_dir.join("sandbox-stderr.log")).unwrap();
    let mut child = Command::new(&binary)
        .args(["--port", "0", "--speed", "0", "--data"])
        .arg(data_file)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    std::fs::write(log_dir.join("sandbox-stdout.log"), &line).unwrap();
    let url = line
        .trim()
        .strip_prefix("chorus-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected start-up line {line:?}"))
        .to_owned();
    LoggedSandbox { child, url }
}

/// Returns the built-in data set with fresh secrets for one application and one account.
fn data_set(client_secret: &str, password: &str) -> Value {
    let text = std::fs::read_to_string(project_dir().join("sandbox/data/default.json")).unwrap();
    let mut data: Value = serde_json::from_str(&text).unwrap();
    for application in data["piste_applications"].as_array_mut().unwrap() {
        if application["client_id"] == CLIENT_ID {
            application["client_secret"] = json!(client_secret);
        }
    }
    for account in data["technical_accounts"].as_array_mut().unwrap() {
        if account["login"] == LOGIN {
            account["password"] = json!(password);
        }
    }
    data
}

/// Calls an export that takes one JSON input and returns what it wrote to `out_json`.
fn call(
    export: unsafe extern "C" fn(*mut ffi::chorus_client, *const c_char, *mut *mut c_char) -> u32,
    client: *mut ffi::chorus_client,
    input: &str,
) -> String {
    let input = CString::new(input).unwrap();
    let mut out = ptr::null_mut();
    unsafe { export(client, input.as_ptr(), &mut out) };
    take(out)
}

fn take(out: *mut c_char) -> String {
    assert!(!out.is_null());
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe { ffi::chorus_string_free(out) };
    text
}

/// Lists the files under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn secrets_absent_from_every_output() {
    let run_id = format!("{:016x}", fastrand::u64(..));
    let client_secret = format!("scan-client-secret-{run_id}");
    let password = format!("scan-technical-password-{run_id}");
    let log_dir = project_dir().join("build/secret-scan");
    std::fs::create_dir_all(&log_dir).unwrap();
    let data_file = log_dir.join("data.json");
    std::fs::write(&data_file, data_set(&client_secret, &password).to_string()).unwrap();
    let sandbox = start_sandbox(&data_file, &log_dir);

    let config = json!({
        "environment": "qualification",
        "token_url": format!("{}/api/oauth/token", sandbox.url),
        "base_url": sandbox.url,
        "client_id": CLIENT_ID,
        "client_secret": client_secret,
        "technical_login": LOGIN,
        "technical_password": password,
        "language": "en",
        "timeout_seconds": 2,
        "retry": {"max_attempts": 2, "initial_delay_ms": 10, "max_delay_ms": 20,
                  "deadline_seconds": 10, "lookup_window_seconds": 1},
        "bank_account": {"iban": "FR7630006000011234567890189"},
    });
    let mut outputs: Vec<(String, String)> = Vec::new();

    let callback: ffi::chorus_log_callback = Some(keep_log_record);
    let level_debug = 5;
    unsafe { ffi::chorus_set_log_callback(callback, ptr::null_mut(), level_debug) };

    // Through the C ABI: every call an ERP makes, with successes and failures.
    let client = ffi::chorus_client_new();
    outputs.push((
        "configure".into(),
        call(ffi::chorus_configure, client, &config.to_string()),
    ));
    let mut out = ptr::null_mut();
    unsafe { ffi::chorus_test_connection(client, &mut out) };
    outputs.push(("test_connection".into(), take(out)));
    let invoice = std::fs::read_to_string(
        project_dir().join("examples/invoices/facturx-ubl-21-en16931.json"),
    )
    .unwrap()
    .replace("F124212", &format!("SEC-{}", &run_id[..8]));
    let deposit = call(ffi::chorus_submit, client, &invoice);
    outputs.push(("submit".into(), deposit.clone()));
    let flux_number = serde_json::from_str::<Value>(&deposit).unwrap()["flux_number"].clone();
    assert!(flux_number.is_string(), "deposit failed: {deposit}");
    let query = json!({ "flux_number": flux_number }).to_string();
    outputs.push((
        "get_status".into(),
        call(ffi::chorus_get_status, client, &query),
    ));

    // Failures: a lost reply, a maintenance page, a wrong password and a wrong secret.
    let http = reqwest::blocking::Client::new();
    let add_fault = |rule: Value| {
        http.post(format!("{}/_sandbox/faults", sandbox.url))
            .json(&rule)
            .send()
            .unwrap()
            .error_for_status()
            .unwrap();
    };
    add_fault(json!({"mode": "drop_after_processing", "count": 1,
                     "path_prefix": "/cpro/factures/v1/deposer/flux"}));
    let again = invoice.replace("SEC-", "SEA-");
    outputs.push((
        "submit_lost_reply".into(),
        call(ffi::chorus_submit, client, &again),
    ));
    add_fault(json!({"mode": "maintenance_500", "path_prefix": "/cpro/"}));
    outputs.push((
        "status_maintenance".into(),
        call(ffi::chorus_get_status, client, &query),
    ));
    http.delete(format!("{}/_sandbox/faults", sandbox.url))
        .send()
        .unwrap();
    for (key, wrong) in [
        ("technical_password", "wrong-password"),
        ("client_secret", "wrong"),
    ] {
        let mut changed = config.clone();
        changed[key] = json!(wrong);
        let other = ffi::chorus_client_new();
        outputs.push((
            format!("configure_wrong_{key}"),
            call(ffi::chorus_configure, other, &changed.to_string()),
        ));
        let mut out = ptr::null_mut();
        unsafe { ffi::chorus_test_connection(other, &mut out) };
        outputs.push((format!("test_connection_wrong_{key}"), take(out)));
        unsafe { ffi::chorus_client_free(other) };
    }
    let mut invalid = config.clone();
    invalid["timeout_seconds"] = json!(0);
    outputs.push((
        "configure_invalid".into(),
        call(ffi::chorus_configure, client, &invalid.to_string()),
    ));
    unsafe { ffi::chorus_client_free(client) };

    // Through the Rust API: Debug text, and the token shared by both handles.
    let parsed = Config::from_json(&config.to_string()).unwrap();
    outputs.push(("config_debug".into(), format!("{parsed:?}")));
    outputs.push(("config_masked".into(), parsed.to_masked_json().to_string()));
    let session = Session::new(parsed).unwrap();
    let token = session.portal.token().unwrap();
    outputs.push(("token_debug".into(), format!("{token:?}")));
    let bearer = token.header_value();
    let token_value = bearer.strip_prefix("Bearer ").unwrap().to_owned();
    let wrong = Config::from_json(&config.to_string().replace(&password, "bad")).unwrap();
    let error = Session::new(wrong).unwrap().test_connection().unwrap_err();
    outputs.push(("error_debug".into(), format!("{error:?} {error}")));

    unsafe { ffi::chorus_set_log_callback(None, ptr::null_mut(), 0) };
    let records = LOG_RECORDS.lock().unwrap().clone();
    assert!(!records.is_empty(), "no log record received");
    outputs.push(("log_records".into(), records));
    drop(sandbox);

    let encode = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    let secrets = [
        ("client secret", client_secret.clone()),
        ("technical password", password.clone()),
        ("bearer token", token_value),
        ("cpro-account", encode(format!("{LOGIN}:{password}"))),
        (
            "Basic client credentials",
            encode(format!("{CLIENT_ID}:{client_secret}")),
        ),
    ];

    // The data set given to the sandbox contains two of the secrets by design.
    for path in files_under(&project_dir().join("build")) {
        if path == data_file || std::fs::metadata(&path).map_or(0, |m| m.len()) > 64 << 20 {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        outputs.push((
            path.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    assert!(outputs
        .iter()
        .any(|(name, _)| name.ends_with("sandbox-stderr.log")));

    for (name, text) in &outputs {
        for (secret_name, secret) in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{secret_name} found in {name}"
            );
        }
    }
    std::fs::remove_file(&data_file).unwrap();
}
