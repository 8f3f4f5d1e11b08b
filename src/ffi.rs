//! The C ABI: converts arguments, catches panics and writes outputs; the work happens in
//! `client`, `config` and `invoice`.
//!
//! Conventions for every function below:
//! - Strings in and out are NUL-terminated UTF-8.
//! - A function that takes `char **out_json` first sets `*out_json` to NULL (when
//!   `out_json` is not NULL), then stores a JSON string the caller owns and releases with
//!   `chorus_string_free`: the result on success, an error object otherwise. Passing NULL
//!   for `out_json` discards both.
//! - No Rust panic crosses the boundary: it becomes `CHORUS_ERR_PANIC`.

use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::{Arc, RwLock};

use once_cell::sync::Lazy;
use serde_json::Value;

use crate::client::Session;
use crate::config::{Config, Language};
use crate::error::{chorus_result as Code, Error};

/// An opaque handle to one company file (dossier): its configuration, its HTTP
/// connections and its share of the process-wide token cache.
///
/// A handle may be used from several threads at once; calls on it do not block each other
/// except while `chorus_configure` swaps the configuration. Several handles live side by
/// side; handles configured with the same PISTE credentials share one OAuth2 token.
#[allow(non_camel_case_types)]
pub struct chorus_client {
    session: RwLock<Option<Arc<Session>>>,
}

impl chorus_client {
    fn session(&self) -> Result<Arc<Session>, Error> {
        let guard = self
            .session
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.clone().ok_or_else(|| {
            Error::new(
                Code::CHORUS_ERR_NOT_CONFIGURED,
                "Ce handle n'est pas configuré.",
                "This handle is not configured.",
            )
        })
    }

    fn language(&self) -> Language {
        let guard = self
            .session
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard
            .as_ref()
            .map_or(Language::Fr, |session| session.config.language)
    }
}

/// Creates a handle for one company file. Configure it with `chorus_configure`.
///
/// Returns NULL only if memory could not be allocated. The caller owns the handle and
/// releases it with `chorus_client_free`.
#[no_mangle]
pub extern "C" fn chorus_client_new() -> *mut chorus_client {
    catch_unwind(|| {
        Box::into_raw(Box::new(chorus_client {
            session: RwLock::new(None),
        }))
    })
    .unwrap_or(ptr::null_mut())
}

/// Releases a handle created by `chorus_client_new`. NULL is a no-op.
///
/// No other call may be using the handle, and the handle must not be used afterwards.
///
/// # Safety
/// `client` is NULL or a pointer returned by `chorus_client_new` and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn chorus_client_free(client: *mut chorus_client) {
    if client.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| drop(Box::from_raw(client))));
}

/// Configures the handle from the company file's settings (JSON object; keys in the README).
///
/// On success `*out_json` receives the effective configuration with every secret masked.
/// A configuration that fails leaves the previous one, if any, in place. Safe to call
/// again at any time, also while other threads use the handle: calls already running
/// finish with the old configuration.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `config_json` is NULL or a NUL-terminated
/// string; `out_json` is NULL or points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn chorus_configure(
    client: *mut chorus_client,
    config_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let text = input_text(config_json, "config_json")?;
        let language = language_hint(text);
        let config = Config::from_json(text).map_err(|error| (error, language))?;
        let masked = config.to_masked_json();
        let session = Session::new(config).map_err(|error| (error, language))?;
        *client
            .session
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::new(session));
        Ok(masked)
    })
}

/// Tests the connection: obtains a token, calls the API with the technical account, and
/// lists the structures the account is attached to.
///
/// `*out_json` lists each step with its outcome and duration, on success and on failure
/// (in the error object's `details.steps`).
///
/// # Safety
/// `client` comes from `chorus_client_new`; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_test_connection(
    client: *mut chorus_client,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client
            .session()
            .map_err(|error| (error, client.language()))?;
        session
            .test_connection()
            .map_err(|error| (error, session.config.language))
    })
}

/// Validates an invoice or credit note (JSON, format in `docs/invoice-json.md`), writes it
/// as UBL 2.1 and deposits it on Chorus Pro.
///
/// On success `*out_json` gives `flux_number`, `syntax`, `file_name`, `sha256` and `size`
/// of the bytes sent. An invoice that fails local validation is not sent
/// (`CHORUS_ERR_INVALID_INVOICE` with `problems`). A deposit is never retried: after
/// `CHORUS_ERR_TIMEOUT` or `CHORUS_ERR_NETWORK` check the status before sending again.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `invoice_json` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_submit(
    client: *mut chorus_client,
    invoice_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client
            .session()
            .map_err(|error| (error, client.language()))?;
        let language = session.config.language;
        let text =
            input_text(invoice_json, "invoice_json").map_err(|(error, _)| (error, language))?;
        session.submit(text).map_err(|error| (error, language))
    })
}

/// Reads what happened to a deposit: `query_json` is `{"flux_number": "..."}`.
///
/// Returns `CHORUS_OK` whenever the portal answered, including for a rejected flux:
/// `*out_json` gives `state`, `final`, `retry_after_seconds`, per-invoice and technical
/// errors (each with a result `code`), and once integrated the invoices with their status
/// and history. A flux the portal does not list yet has state `NOT_YET_VISIBLE`.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `query_json` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_get_status(
    client: *mut chorus_client,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client
            .session()
            .map_err(|error| (error, client.language()))?;
        let language = session.config.language;
        let text = input_text(query_json, "query_json").map_err(|(error, _)| (error, language))?;
        session.get_status(text).map_err(|error| (error, language))
    })
}

/// Releases a string returned through `out_json`. NULL is a no-op.
///
/// # Safety
/// `text` is NULL or a string from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn chorus_string_free(text: *mut c_char) {
    if text.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| drop(CString::from_raw(text))));
}

/// Returns the library version, such as `"0.1.0"`: a static string, never freed.
#[no_mangle]
pub extern "C" fn chorus_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

static RESULT_NAMES: Lazy<HashMap<u32, CString>> = Lazy::new(|| {
    Code::all()
        .map(|code| {
            (
                code as u32,
                CString::new(code.name()).expect("names have no NUL"),
            )
        })
        .collect()
});

/// Returns the name of a result code, such as `"CHORUS_ERR_TIMEOUT"`, or `"UNKNOWN"`:
/// a static string, never freed.
#[no_mangle]
pub extern "C" fn chorus_result_name(code: u32) -> *const c_char {
    catch_unwind(|| RESULT_NAMES.get(&code).map(|name| name.as_ptr()))
        .ok()
        .flatten()
        .unwrap_or(c"UNKNOWN".as_ptr())
}

/// A failure and the language its message is written in.
type Failure = (Error, Language);

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        (error, Language::Fr)
    }
}

/// Runs one exported call: clears `*out_json`, catches panics, writes the result or the
/// error object, and returns the result code.
///
/// # Safety
/// `out_json` is NULL or writable.
unsafe fn guard(out_json: *mut *mut c_char, call: impl FnOnce() -> Result<Value, Failure>) -> u32 {
    if !out_json.is_null() {
        *out_json = ptr::null_mut();
    }
    let outcome = catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err((
            Error::new(
                Code::CHORUS_ERR_PANIC,
                format!("Erreur interne interceptée : {detail}"),
                format!("Internal error caught: {detail}"),
            ),
            Language::Fr,
        ))
    });
    let (code, value) = match outcome {
        Ok(value) => (Code::CHORUS_OK, value),
        Err((error, language)) => (error.code, error.to_json(language)),
    };
    if !out_json.is_null() {
        *out_json = to_c_string(&value);
    }
    code as u32
}

fn to_c_string(value: &Value) -> *mut c_char {
    // serde_json escapes U+0000 as \u0000, so the text has no interior NUL.
    CString::new(value.to_string()).map_or(ptr::null_mut(), CString::into_raw)
}

unsafe fn handle<'a>(client: *mut chorus_client) -> Result<&'a chorus_client, Error> {
    client.as_ref().ok_or_else(|| null_argument("client"))
}

fn null_argument(name: &str) -> Error {
    Error::new(
        Code::CHORUS_ERR_NULL_ARGUMENT,
        format!("L'argument {name} est NULL."),
        format!("Argument {name} is NULL."),
    )
}

/// Borrows a C string argument as UTF-8 text.
unsafe fn input_text<'a>(text: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if text.is_null() {
        return Err(null_argument(name).into());
    }
    CStr::from_ptr(text).to_str().map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_INVALID_UTF8,
            format!(
                "L'argument {name} n'est pas de l'UTF-8 valide (octet {}).",
                error.valid_up_to()
            ),
            format!(
                "Argument {name} is not valid UTF-8 (byte {}).",
                error.valid_up_to()
            ),
        )
        .into()
    })
}

/// Reads the `language` key of a configuration that may be invalid, so that its errors are
/// reported in the language the ERP asked for.
fn language_hint(config_json: &str) -> Language {
    serde_json::from_str::<Value>(config_json)
        .ok()
        .and_then(|value| value.get("language").cloned())
        .and_then(|language| serde_json::from_value(language).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn take(out: *mut c_char) -> Value {
        assert!(!out.is_null());
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        unsafe { chorus_string_free(out) };
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn null_arguments_rejected() {
        let mut out = ptr::null_mut();
        let code = unsafe { chorus_configure(ptr::null_mut(), c"{}".as_ptr(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_NULL_ARGUMENT as u32);
        assert_eq!(take(out)["name"], "CHORUS_ERR_NULL_ARGUMENT");

        let client = chorus_client_new();
        let code = unsafe { chorus_configure(client, ptr::null(), ptr::null_mut()) };
        assert_eq!(code, Code::CHORUS_ERR_NULL_ARGUMENT as u32);
        unsafe { chorus_client_free(client) };
    }

    #[test]
    fn invalid_utf8_rejected() {
        let client = chorus_client_new();
        let bytes = b"{\"client_id\": \"\xff\"}\0";
        let mut out = ptr::null_mut();
        let code = unsafe { chorus_configure(client, bytes.as_ptr().cast(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_INVALID_UTF8 as u32);
        assert!(take(out)["message"].as_str().unwrap().contains("UTF-8"));
        unsafe { chorus_client_free(client) };
    }

    #[test]
    fn unconfigured_handle() {
        let client = chorus_client_new();
        let mut out = ptr::null_mut();
        let code = unsafe { chorus_test_connection(client, &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_NOT_CONFIGURED as u32);
        assert_eq!(take(out)["code"], 1005);
        unsafe { chorus_client_free(client) };
    }

    #[test]
    fn configuration_errors_in_requested_language() {
        let client = chorus_client_new();
        let mut out = ptr::null_mut();
        let code =
            unsafe { chorus_configure(client, c"{\"language\": \"en\"}".as_ptr(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_INVALID_CONFIGURATION as u32);
        let error = take(out);
        assert_eq!(error["problems"][0]["message"], "client_id is required");
        unsafe { chorus_client_free(client) };
    }

    #[test]
    fn malformed_json_rejected() {
        let client = chorus_client_new();
        let code =
            unsafe { chorus_configure(client, c"{\"client_id\": ".as_ptr(), ptr::null_mut()) };
        assert_eq!(code, Code::CHORUS_ERR_INVALID_JSON as u32);
        unsafe { chorus_client_free(client) };
    }

    #[test]
    fn result_names() {
        let name = unsafe { CStr::from_ptr(chorus_result_name(3003)) };
        assert_eq!(name.to_str().unwrap(), "CHORUS_ERR_TIMEOUT");
        let unknown = unsafe { CStr::from_ptr(chorus_result_name(77)) };
        assert_eq!(unknown.to_str().unwrap(), "UNKNOWN");
        let version = unsafe { CStr::from_ptr(chorus_version()) };
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn panic_becomes_code() {
        let mut out = ptr::null_mut();
        let code = unsafe { guard(&mut out, || panic!("boom")) };
        assert_eq!(code, Code::CHORUS_ERR_PANIC as u32);
        assert!(take(out)["message"].as_str().unwrap().contains("boom"));
    }

    #[test]
    fn unknown_result_json_is_object() {
        let mut out = ptr::null_mut();
        let code = unsafe { guard(&mut out, || Ok(json!({"a": "\u{0}"}))) };
        assert_eq!(code, 0);
        assert_eq!(take(out)["a"], "\u{0}");
    }
}
