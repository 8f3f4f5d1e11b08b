//! The C ABI under hostile input: NULL pointers, invalid UTF-8, empty, 100 MB and deeply
//! nested inputs, and one handle shared by 8 threads, through the exported functions.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::sync::{Arc, Barrier};
use std::thread;

use chorus_pro::chorus_result as Code;
use chorus_pro::ffi::{self, chorus_client};
use serde_json::{json, Value};

use common::{sample_invoice, Sandbox};

/// An export that takes a handle, one JSON input and `out_json`.
type InputExport = unsafe extern "C" fn(*mut chorus_client, *const c_char, *mut *mut c_char) -> u32;
/// An export that takes a handle and `out_json` only.
type PlainExport = unsafe extern "C" fn(*mut chorus_client, *mut *mut c_char) -> u32;

/// `chorus_build_xml` with no options, so that it fits the table below.
unsafe extern "C" fn build_xml_without_options(
    client: *mut chorus_client,
    invoice_json: *const c_char,
    out_json: *mut *mut c_char,
) -> u32 {
    ffi::chorus_build_xml(client, invoice_json, ptr::null(), out_json)
}

const INPUT_EXPORTS: &[(&str, InputExport)] = &[
    ("chorus_configure", ffi::chorus_configure),
    ("chorus_submit", ffi::chorus_submit),
    ("chorus_get_status", ffi::chorus_get_status),
    ("chorus_build_xml", build_xml_without_options),
    ("chorus_validate", ffi::chorus_validate),
    ("chorus_lookup_buyer", ffi::chorus_lookup_buyer),
    ("chorus_complete_invoice", ffi::chorus_complete_invoice),
    ("chorus_recycle_invoice", ffi::chorus_recycle_invoice),
];

const PLAIN_EXPORTS: &[(&str, PlainExport)] = &[
    ("chorus_test_connection", ffi::chorus_test_connection),
    (
        "chorus_list_supplier_structures",
        ffi::chorus_list_supplier_structures,
    ),
];

/// Takes the JSON written to `out_json` and frees it.
fn take(out: *mut c_char) -> Value {
    assert!(!out.is_null(), "out_json left NULL");
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("out_json is UTF-8")
        .to_owned();
    unsafe { ffi::chorus_string_free(out) };
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("out_json {text:?}: {error}"))
}

/// Checks that a call failed cleanly: an error code other than a panic, and an error
/// object in `out_json` that carries the same code.
fn assert_clean_failure(name: &str, code: u32, out: *mut c_char) -> Value {
    let error = take(out);
    assert_ne!(code, Code::CHORUS_OK as u32, "{name}: {error}");
    assert_ne!(code, Code::CHORUS_ERR_PANIC as u32, "{name}: {error}");
    assert_ne!(code, Code::CHORUS_ERR_INTERNAL as u32, "{name}: {error}");
    assert_eq!(error["code"], code, "{name}: {error}");
    assert!(error["message"].is_string(), "{name}: {error}");
    error
}

fn configured_client(sandbox: &Sandbox) -> *mut chorus_client {
    let client = ffi::chorus_client_new();
    assert!(!client.is_null());
    let config = CString::new(sandbox.config(json!({}))).unwrap();
    let mut out = ptr::null_mut();
    let code = unsafe { ffi::chorus_configure(client, config.as_ptr(), &mut out) };
    let masked = take(out);
    assert_eq!(code, Code::CHORUS_OK as u32, "{masked}");
    client
}

/// A handle pointer that may be sent to other threads; the handle is thread-safe.
#[derive(Clone, Copy)]
struct SharedHandle(*mut chorus_client);
unsafe impl Send for SharedHandle {}
unsafe impl Sync for SharedHandle {}

#[test]
fn null_handle_rejected() {
    for (name, export) in INPUT_EXPORTS {
        let mut out = ptr::null_mut();
        let code = unsafe { export(ptr::null_mut(), c"{}".as_ptr(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_NULL_ARGUMENT as u32, "{name}");
        assert_eq!(take(out)["name"], "CHORUS_ERR_NULL_ARGUMENT", "{name}");
    }
    for (name, export) in PLAIN_EXPORTS {
        let mut out = ptr::null_mut();
        let code = unsafe { export(ptr::null_mut(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_NULL_ARGUMENT as u32, "{name}");
        assert_eq!(take(out)["code"], 1001, "{name}");
    }
    unsafe {
        ffi::chorus_client_free(ptr::null_mut());
        ffi::chorus_string_free(ptr::null_mut());
    }
}

#[test]
fn null_input_and_output_accepted() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let client = configured_client(&sandbox);
    for (name, export) in INPUT_EXPORTS {
        let mut out = ptr::null_mut();
        let code = unsafe { export(client, ptr::null(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_NULL_ARGUMENT as u32, "{name}");
        assert_clean_failure(name, code, out);

        // Without out_json the code alone comes back.
        let code = unsafe { export(client, ptr::null(), ptr::null_mut()) };
        assert_eq!(code, Code::CHORUS_ERR_NULL_ARGUMENT as u32, "{name}");
    }
    let code = unsafe { ffi::chorus_test_connection(client, ptr::null_mut()) };
    assert_eq!(code, Code::CHORUS_OK as u32);
    unsafe { ffi::chorus_client_free(client) };
}

#[test]
fn invalid_utf8_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let client = configured_client(&sandbox);
    let bytes = b"{\"flux_number\": \"\xff\xfe\"}\0";
    for (name, export) in INPUT_EXPORTS {
        let mut out = ptr::null_mut();
        let code = unsafe { export(client, bytes.as_ptr().cast(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_INVALID_UTF8 as u32, "{name}");
        let error = assert_clean_failure(name, code, out);
        assert_eq!(error["retryable"], false, "{name}");
    }
    unsafe { ffi::chorus_client_free(client) };
}

#[test]
fn empty_and_non_object_inputs_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let client = configured_client(&sandbox);
    for input in [c"", c"   ", c"null", c"[]", c"42", c"\"text\"", c"{"] {
        for (name, export) in INPUT_EXPORTS {
            let mut out = ptr::null_mut();
            let code = unsafe { export(client, input.as_ptr(), &mut out) };
            assert_clean_failure(&format!("{name}({input:?})"), code, out);
        }
    }
    unsafe { ffi::chorus_client_free(client) };
}

#[test]
fn deep_nesting_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let client = configured_client(&sandbox);
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let inside_invoice = format!(r#"{{"number": "N-1", "notes": {arrays}}}"#);
    for input in [arrays, objects, inside_invoice] {
        let input = CString::new(input).unwrap();
        for (name, export) in INPUT_EXPORTS {
            let mut out = ptr::null_mut();
            let code = unsafe { export(client, input.as_ptr(), &mut out) };
            assert_clean_failure(name, code, out);
        }
    }
    unsafe { ffi::chorus_client_free(client) };
}

#[test]
fn hundred_megabyte_inputs_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let client = configured_client(&sandbox);
    let size = 100 * 1024 * 1024;
    let long_string = format!("\"{}\"", "a".repeat(size));
    let long_field = format!(r#"{{"number": "{}"}}"#, "7".repeat(size));
    for input in [long_string, long_field] {
        let input = CString::new(input).unwrap();
        for (name, export) in INPUT_EXPORTS {
            let mut out = ptr::null_mut();
            let code = unsafe { export(client, input.as_ptr(), &mut out) };
            let error = assert_clean_failure(name, code, out);
            let text = error.to_string();
            assert!(
                text.len() < 64 * 1024,
                "{name}: error object of {} bytes",
                text.len()
            );
        }
    }
    // The two calls with a documented size limit name it.
    let huge = CString::new(format!(r#"{{"client_id": "{}"}}"#, "a".repeat(size))).unwrap();
    for (name, export) in [
        ("chorus_configure", ffi::chorus_configure as InputExport),
        ("chorus_submit", ffi::chorus_submit),
    ] {
        let mut out = ptr::null_mut();
        let code = unsafe { export(client, huge.as_ptr(), &mut out) };
        assert_eq!(code, Code::CHORUS_ERR_INPUT_TOO_LARGE as u32, "{name}");
        assert_clean_failure(name, code, out);
    }
    unsafe { ffi::chorus_client_free(client) };
}

#[test]
fn one_handle_eight_threads() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let handle = SharedHandle(configured_client(&sandbox));
    let config = sandbox.config(json!({}));
    let barrier = Arc::new(Barrier::new(8));
    let workers: Vec<_> = (0..8)
        .map(|thread_index| {
            let barrier = barrier.clone();
            let config = config.clone();
            thread::spawn(move || {
                let client = handle;
                barrier.wait();
                let mut flux_numbers = Vec::new();
                for round in 0..5 {
                    // One thread swaps the configuration while the others deposit.
                    if thread_index == 0 {
                        let config = CString::new(config.as_str()).unwrap();
                        let mut out = ptr::null_mut();
                        let code =
                            unsafe { ffi::chorus_configure(client.0, config.as_ptr(), &mut out) };
                        assert_eq!(code, Code::CHORUS_OK as u32, "{}", take(out));
                        take(out);
                    }
                    let number = format!("THR-{thread_index}-{round}");
                    let invoice = CString::new(sample_invoice(&number)).unwrap();
                    let mut out = ptr::null_mut();
                    let code = unsafe { ffi::chorus_submit(client.0, invoice.as_ptr(), &mut out) };
                    let result = take(out);
                    assert_eq!(code, Code::CHORUS_OK as u32, "{number}: {result}");
                    let flux_number = result["flux_number"].as_str().unwrap().to_owned();

                    let query =
                        CString::new(json!({ "flux_number": flux_number }).to_string()).unwrap();
                    let mut out = ptr::null_mut();
                    let code =
                        unsafe { ffi::chorus_get_status(client.0, query.as_ptr(), &mut out) };
                    let status = take(out);
                    assert_eq!(code, Code::CHORUS_OK as u32, "{status}");
                    flux_numbers.push(flux_number);
                }
                flux_numbers
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.join().expect("worker thread"));
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 40);
    assert_eq!(sandbox.admin_get("/_sandbox/stats")["deposits"], 40);
    unsafe { ffi::chorus_client_free(handle.0) };
}

#[test]
fn static_exports_take_any_value() {
    for code in [0, 1001, 3003, 9002, 77, u32::MAX] {
        let name = unsafe { CStr::from_ptr(ffi::chorus_result_name(code)) };
        assert!(!name.to_str().unwrap().is_empty(), "{code}");
    }
    let version = unsafe { CStr::from_ptr(ffi::chorus_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));

    // A NULL callback, with any level, turns logging off.
    for level in [0, 3, u32::MAX] {
        let code = unsafe { ffi::chorus_set_log_callback(None, ptr::null_mut(), level) };
        assert_eq!(code, Code::CHORUS_OK as u32, "level {level}");
    }
}
