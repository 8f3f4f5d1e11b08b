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
use crate::invoice::Syntax;

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

    /// Returns the session when `chorus_configure` succeeded on this handle.
    fn configured_session(&self) -> Option<Arc<Session>> {
        self.session
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
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
/// in its `syntax` (else the configuration's `syntax`, UBL 2.1 by default, or CII D16B)
/// and deposits it on Chorus Pro.
///
/// `invoice_json` may instead be a ready file, deposited byte for byte:
/// `{"file": {"syntax": "IN_DP_E1_UBL_INVOICE" | "IN_DP_E1_CII_16B" |
/// "IN_DP_E2_CII_FACTURX", "file_name": "...", "content_base64": "..."}}`. Its declared
/// syntax, file name extension and size (at most 10 MB, 10 485 760 bytes, once decoded)
/// are checked against the content, and mismatches give `CHORUS_ERR_INVALID_INVOICE`
/// with problems at `file.syntax`, `file.file_name` or `file.content_base64`.
///
/// On success `*out_json` gives `flux_number`, `syntax`, `file_name`, `sha256` and `size`
/// of the bytes sent, `invoice_number`, `credit_note`, `deposit_date` and `recovered`
/// (true when an earlier attempt whose reply was lost turned out to be deposited), plus
/// `"passthrough": true` for a ready file. An invoice that fails local validation is not sent. After a timeout or
/// lost connection the invoice number is searched for on the portal before the deposit
/// is sent again. A Factur-X file whose number cannot be read is not sent again, and the
/// error's `details.deposit_outcome` is `"unknown"`.
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
    session_call(
        out_json,
        client,
        invoice_json,
        "invoice_json",
        Session::submit,
    )
}

/// Reads what happened to a deposit or an invoice. `query_json` is one of
/// `{"flux_number": "..."}`, `{"portal_invoice_id": n}` or
/// `{"invoice_number": "...", "supplier_siret": "..."}` (`supplier_siret` optional).
///
/// For a flux, returns `CHORUS_OK` whenever the portal replied, including for a rejected
/// flux: `*out_json` gives `state`, `final`, `retry_after_seconds`, per-invoice and
/// technical errors (each with a result `code`), and `invoices`: every invoice of the flux,
/// integrated or rejected, each with its own `status`, `state`, `final`,
/// `retry_after_seconds`, `reason` and `history`. A flux the portal does not list yet has
/// state `NOT_YET_VISIBLE`. An invoice number that matches no integrated invoice gives
/// `CHORUS_ERR_NOT_FOUND`.
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
    session_call(
        out_json,
        client,
        query_json,
        "query_json",
        Session::get_status,
    )
}

/// Builds the XML file of an invoice or credit note (JSON, format in
/// `docs/invoice-json.md`) and returns it without sending anything.
///
/// `options_json` is NULL or `{"syntax": "ubl" | "cii", "commented": true | false}`. The
/// option's `syntax` overrides the invoice's own `syntax` key, and both default to `"ubl"`.
/// `commented` (default false) precedes each element with comments naming its EN 16931
/// business terms (BT number, French and English name). A deposit never carries them.
///
/// On success `*out_json` gives `xml` (the whole file as a string), `syntax` (the
/// `syntaxeFlux` code, such as `IN_DP_E1_CII_16B`), `sha256` and `size` of the file's
/// UTF-8 bytes, `commented`, `invoice_number` and `credit_note`. An invalid invoice gives
/// `CHORUS_ERR_INVALID_INVOICE` with every problem; invalid options give
/// `CHORUS_ERR_INVALID_JSON`.
///
/// `invoice_json` may instead be a ready file, `{"file": {...}}` as for `chorus_submit`,
/// checked the same way. Then `xml` is the XML the portal reads: the UBL or CII file
/// unchanged, or the CII embedded in a Factur-X PDF. `sha256` and `size` are those of the
/// file deposited (the PDF for Factur-X), and the result adds `"passthrough": true`.
/// A `syntax` option or `"commented": true` gives `CHORUS_ERR_INVALID_JSON`, because a
/// ready file keeps its syntax and comments are written only for invoices built from
/// JSON. An XML that is not UTF-8, or a Factur-X whose XML the library cannot extract,
/// gives `CHORUS_ERR_INVALID_INVOICE`.
///
/// Works on a handle that `chorus_configure` never set up: then no default bank account
/// applies and messages are in French. The call only reads the handle, so threads may
/// share it.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `invoice_json` is NULL or NUL-terminated;
/// `options_json` is NULL or NUL-terminated; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_build_xml(
    client: *mut chorus_client,
    invoice_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client.configured_session();
        let language = client.language();
        let invoice =
            input_text(invoice_json, "invoice_json").map_err(|(error, _)| (error, language))?;
        let options = if options_json.is_null() {
            None
        } else {
            Some(input_text(options_json, "options_json").map_err(|(error, _)| (error, language))?)
        };
        let default_bank = session
            .as_ref()
            .and_then(|session| session.config.bank_account.as_ref());
        let default_syntax = session
            .as_ref()
            .map_or(Syntax::Ubl, |session| session.config.syntax);
        crate::invoice::requests::build_xml(invoice, options, default_bank, default_syntax)
            .map_err(|error| (error, language))
    })
}

/// Validates an invoice or credit note (JSON, format in `docs/invoice-json.md`) in its own
/// syntax and sends nothing.
///
/// Returns `CHORUS_OK` with `{"valid": true, "problems": []}`, or
/// `CHORUS_ERR_INVALID_INVOICE` with an error object whose `problems` lists every problem,
/// each with its JSON `path`. These are the checks `chorus_submit` makes before sending.
///
/// `invoice_json` may instead be a ready file, `{"file": {...}}` as for `chorus_submit`,
/// which gets the same checks as there. A valid one adds what was read from it: `syntax`,
/// `invoice_number` (null for a Factur-X whose XML the library cannot extract),
/// `credit_note`, `sha256` and `size` of the file, and `"passthrough": true`.
///
/// Works on a handle that `chorus_configure` never set up: then no default bank account
/// applies, so an invoice paid by credit transfer needs its own or its seller's account,
/// and messages are in French. The call only reads the handle, so threads may share it.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `invoice_json` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_validate(
    client: *mut chorus_client,
    invoice_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client.configured_session();
        let language = client.language();
        let invoice =
            input_text(invoice_json, "invoice_json").map_err(|(error, _)| (error, language))?;
        let default_bank = session
            .as_ref()
            .and_then(|session| session.config.bank_account.as_ref());
        let default_syntax = session
            .as_ref()
            .map_or(Syntax::Ubl, |session| session.config.syntax);
        crate::invoice::requests::validate(invoice, default_bank, default_syntax)
            .map_err(|error| (error, language))
    })
}

/// Looks a buyer up in the Chorus Pro directory: `query_json` is `{"siret": "..."}` or
/// `{"identifier": "...", "identifier_type": "SIRET"}`, with optional `supplier_siret`
/// (whose structure type decides whether `FACTURES_PUBLIQUES` is offered) and `refresh`
/// (`true` skips the cache).
///
/// On success `*out_json` gives `structure_id`, `name`, `requirement` (`none`,
/// `service_code`, `engagement`, `service_code_and_engagement` or
/// `service_code_or_engagement`), the three flags, `services` (active ones, each with its
/// own `engagement_required`), `inactive_services`, `cached` and `expires_in_seconds`.
/// Results are cached per environment, gateway and identifier for one hour. An unknown
/// buyer gives `CHORUS_ERR_NOT_FOUND`.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `query_json` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_lookup_buyer(
    client: *mut chorus_client,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    session_call(
        out_json,
        client,
        query_json,
        "query_json",
        crate::directory::lookup_buyer,
    )
}

/// Lists the structures the technical account may invoice for, each with
/// `structure_id`, `identifier`, `name` and the `bank_accounts` the portal holds for it
/// (`bank_account_id`, `name`).
///
/// # Safety
/// `client` comes from `chorus_client_new`; `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_list_supplier_structures(
    client: *mut chorus_client,
    out_json: *mut *mut c_char,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client
            .session()
            .map_err(|error| (error, client.language()))?;
        let language = session.config.language;
        crate::directory::list_supplier_structures(&session).map_err(|error| (error, language))
    })
}

/// Responds to a suspended invoice (status `SUSPENDUE`): `request_json` is
/// `{"portal_invoice_id": n, "comment": "..."}`. On success `*out_json` gives
/// `portal_invoice_id`, `invoice_number` and `processed_at`. An invoice in another status
/// gives `CHORUS_ERR_REJECTED` with the portal's `libelle`.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `request_json` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_complete_invoice(
    client: *mut chorus_client,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    session_call(
        out_json,
        client,
        request_json,
        "request_json",
        crate::actions::complete_invoice,
    )
}

/// Routes again an invoice sent back for recycling (status `A_RECYCLER`): `request_json`
/// is `{"portal_invoice_id": n, "buyer_siret"?, "service_code"?, "engagement_number"?,
/// "comment"?}`. The new routing is first checked against the buyer directory; a breach
/// gives `CHORUS_ERR_INVALID_QUERY` with `problems` and sends nothing. On success
/// `*out_json` gives `portal_invoice_id`, `invoice_number`, `status` and `state`.
///
/// # Safety
/// `client` comes from `chorus_client_new`; `request_json` is NULL or NUL-terminated;
/// `out_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn chorus_recycle_invoice(
    client: *mut chorus_client,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    session_call(
        out_json,
        client,
        request_json,
        "request_json",
        crate::actions::recycle_invoice,
    )
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

/// Log level that turns logging off in `chorus_set_log_callback`.
pub const CHORUS_LOG_OFF: u32 = 0;
/// Log level of failures returned to the caller.
pub const CHORUS_LOG_ERROR: u32 = 1;
/// Log level of retries, refusals and connection-test failures.
pub const CHORUS_LOG_WARN: u32 = 2;
/// Log level of token requests, deposits and connection-test steps.
pub const CHORUS_LOG_INFO: u32 = 3;
/// Log level of every HTTP request with its status and duration.
pub const CHORUS_LOG_DEBUG: u32 = 4;
/// Most detailed log level.
pub const CHORUS_LOG_TRACE: u32 = 5;

/// Function receiving the library's log records; see `chorus_set_log_callback`.
///
/// `level` is a `CHORUS_LOG_*` value; `target` names the library module, such as
/// `chorus_pro::portal`; both strings are UTF-8 and valid only during the call.
#[allow(non_camel_case_types)]
pub type chorus_log_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut std::ffi::c_void,
        level: u32,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// Sets the function that receives the library's log records at `max_level` and above
/// in severity (`CHORUS_LOG_ERROR` … `CHORUS_LOG_TRACE`); NULL or `CHORUS_LOG_OFF` stops
/// logging.
///
/// The callback runs on the thread that made the library call being logged, so calls can
/// overlap when several threads use the library: it must be thread-safe. It must not
/// block for long, and must return normally (no exception or longjmp across it). Its
/// `target` and `message` strings are valid only during the call. `userdata` is passed
/// back unchanged and must stay valid until the callback is replaced or cleared. Records
/// never contain a secret.
///
/// Returns `CHORUS_OK`, or `CHORUS_ERR_INTERNAL` when another logger already owns the
/// process's Rust `log` facade (only possible when linking the Rust crate directly).
///
/// # Safety
/// `callback` is NULL or a function with the `chorus_log_callback` signature.
#[no_mangle]
pub unsafe extern "C" fn chorus_set_log_callback(
    callback: chorus_log_callback,
    userdata: *mut std::ffi::c_void,
    max_level: u32,
) -> u32 {
    let level = crate::logging::level_filter(max_level);
    let callback = if level == log::LevelFilter::Off {
        None
    } else {
        callback
    };
    let installed = catch_unwind(AssertUnwindSafe(|| {
        crate::logging::set_callback(callback, userdata, level)
    }));
    match installed {
        Ok(true) => Code::CHORUS_OK as u32,
        Ok(false) => Code::CHORUS_ERR_INTERNAL as u32,
        Err(_) => Code::CHORUS_ERR_PANIC as u32,
    }
}

/// Runs `operation` on the configured session of `client` with one text argument, inside
/// [`guard`]: the body shared by the exports that take a handle and a JSON string.
///
/// # Safety
/// As for the exports: `client` from `chorus_client_new`, `input` NULL or NUL-terminated,
/// `out_json` NULL or writable.
unsafe fn session_call(
    out_json: *mut *mut c_char,
    client: *mut chorus_client,
    input: *const c_char,
    input_name: &str,
    operation: impl FnOnce(&Session, &str) -> Result<Value, Error>,
) -> u32 {
    guard(out_json, || {
        let client = handle(client)?;
        let session = client
            .session()
            .map_err(|error| (error, client.language()))?;
        let language = session.config.language;
        let text = input_text(input, input_name).map_err(|(error, _)| (error, language))?;
        crate::retry::one_deadline(|| operation(&session, text)).map_err(|error| (error, language))
    })
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
        Err((error, language)) => {
            let mut object = error.to_json(language);
            shorten_long_texts(&mut object);
            (error.code, object)
        }
    };
    if !out_json.is_null() {
        *out_json = to_c_string(&value);
    }
    code as u32
}

/// The longest text kept in an error object, in bytes. A parser message may quote the
/// whole input, which can be hundreds of megabytes.
const MAX_ERROR_TEXT_BYTES: usize = 4096;

/// Cuts every string of an error object to `MAX_ERROR_TEXT_BYTES`, on a character
/// boundary, marking the cut with an ellipsis.
fn shorten_long_texts(value: &mut Value) {
    match value {
        Value::String(text) if text.len() > MAX_ERROR_TEXT_BYTES => {
            let mut end = MAX_ERROR_TEXT_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push('…');
        }
        Value::Array(items) => items.iter_mut().for_each(shorten_long_texts),
        Value::Object(fields) => fields.values_mut().for_each(shorten_long_texts),
        _ => {}
    }
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
