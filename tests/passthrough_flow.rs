//! Deposit of ready UBL, CII and Factur-X files (`{"file": ...}` requests) and the
//! configuration's default syntax, against the real sandbox process.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use chorus_pro::chorus_result as Code;
use chorus_pro::client::Session;
use chorus_pro::config::Config;
use chorus_pro::invoice::{parse_invoice, Syntax, XmlOptions};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use common::{sample_invoice, Sandbox};

const DEPOSIT: &str = "/cpro/factures/v1/deposer/flux";
const SEARCH: &str = "/cpro/factures/v1/rechercher/fournisseur";

fn session(sandbox: &Sandbox, changes: Value) -> Session {
    Session::new(Config::from_json(&sandbox.config(changes)).expect("valid config"))
        .expect("session")
}

fn requests_to(sandbox: &Sandbox, path: &str) -> u64 {
    sandbox.admin_get("/_sandbox/stats")["by_path"][path]
        .as_u64()
        .unwrap_or(0)
}

/// Renumbers the sample invoice and keeps only its first preceding invoice,
/// because CII D16B carries at most one.
fn single_reference_invoice(number: &str) -> String {
    let mut invoice: Value = serde_json::from_str(&sample_invoice(number)).unwrap();
    if let Some(references) = invoice["preceding_invoices"].as_array_mut() {
        references.truncate(1);
    }
    invoice.to_string()
}

/// Writes the renumbered sample invoice in `syntax` with the library.
fn sample_file(number: &str, syntax: Syntax) -> Vec<u8> {
    let invoice = parse_invoice(&single_reference_invoice(number)).expect("sample parses");
    let options = XmlOptions {
        syntax,
        commented: false,
    };
    invoice.to_xml(options, None).expect("sample writes")
}

fn file_request(syntax: &str, file_name: &str, content: &[u8]) -> String {
    json!({"file": {
        "syntax": syntax,
        "file_name": file_name,
        "content_base64": base64::engine::general_purpose::STANDARD.encode(content),
    }})
    .to_string()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
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

/// Deposits a ready file and checks that the sandbox stored exactly its bytes and
/// integrated the invoice under the number read from the XML.
fn deposit_unchanged(syntax_code: &str, syntax: Syntax, number: &str) {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let content = sample_file(number, syntax);
    let file_name = format!("erp-{number}.xml");

    let result = session
        .submit(&file_request(syntax_code, &file_name, &content))
        .expect("deposit");
    assert_eq!(result["syntax"], syntax_code);
    assert_eq!(result["file_name"], file_name);
    assert_eq!(result["invoice_number"], number);
    assert_eq!(result["passthrough"], true);
    assert_eq!(result["sha256"], sha256_hex(&content));
    assert_eq!(result["size"], content.len());

    let flux_number = result["flux_number"].as_str().expect("flux number");
    let stored = sandbox.admin_get(&format!("/_sandbox/flux/{flux_number}"));
    assert_eq!(
        stored["sha256"],
        sha256_hex(&content),
        "bytes received differ from the file"
    );
    assert_eq!(stored["syntaxe_flux"], syntax_code);
    assert_eq!(stored["nom_fichier"], file_name);

    let status = wait_final(&session, flux_number);
    assert_eq!(status["state"], "IN_INTEGRE", "{status}");
    assert_eq!(status["invoices"][0]["invoice_number"], number);
}

#[test]
fn ready_ubl_deposited_unchanged() {
    deposit_unchanged("IN_DP_E1_UBL_INVOICE", Syntax::Ubl, "PT-UBL-1");
}

#[test]
fn ready_cii_deposited_unchanged() {
    deposit_unchanged("IN_DP_E1_CII_16B", Syntax::Cii, "PT-CII-1");
}

#[test]
fn cii_declared_as_ubl_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({}));
    let content = sample_file("PT-MIX-1", Syntax::Cii);
    let error = session
        .submit(&file_request("IN_DP_E1_UBL_INVOICE", "mix.xml", &content))
        .unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
    assert_eq!(error.problems.len(), 1, "{:?}", error.problems);
    assert_eq!(error.problems[0].path, "file.syntax");
    assert!(
        error.problems[0]
            .message_en
            .contains("CrossIndustryInvoice"),
        "{}",
        error.problems[0].message_en
    );
    assert_eq!(requests_to(&sandbox, DEPOSIT), 0);
}

#[test]
fn xml_declared_as_facturx_rejected() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let session = session(&sandbox, json!({}));
    let content = sample_file("PT-FX-1", Syntax::Cii);
    let error = session
        .submit(&file_request("IN_DP_E2_CII_FACTURX", "fx.xml", &content))
        .unwrap_err();
    assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
    let paths: Vec<&str> = error
        .problems
        .iter()
        .map(|problem| problem.path.as_str())
        .collect();
    assert_eq!(paths, ["file.file_name", "file.content_base64"]);
    assert!(
        error.problems[1].message_en.contains("%PDF-"),
        "{}",
        error.problems[1].message_en
    );
    assert_eq!(requests_to(&sandbox, DEPOSIT), 0);
}

#[test]
fn ready_file_lost_reply_recovered() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let retry = json!({"initial_delay_ms": 10, "max_delay_ms": 50, "lookup_window_seconds": 5});
    let session = session(&sandbox, json!({ "retry": retry }));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "drop_after_processing", "count": 1, "path_prefix": DEPOSIT}),
    );
    let content = sample_file("PT-RCV-1", Syntax::Ubl);
    let result = session
        .submit(&file_request("IN_DP_E1_UBL_INVOICE", "rcv.xml", &content))
        .expect("deposit");
    assert_eq!(result["recovered"], true, "{result}");
    assert_eq!(result["invoice_number"], "PT-RCV-1");
    assert_eq!(requests_to(&sandbox, DEPOSIT), 1);
}

#[test]
fn facturx_without_number_not_sent_again() {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let retry = json!({"initial_delay_ms": 10, "max_delay_ms": 50, "lookup_window_seconds": 5});
    let session = session(&sandbox, json!({ "retry": retry }));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": "drop_after_processing", "count": 1, "path_prefix": DEPOSIT}),
    );
    // The embedded file is declared, but the library decodes /FlateDecode only, so no
    // number is readable from this ASCII85 stream.
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) \
        /EF << /F 2 0 R >> >> endobj\n2 0 obj << /Type /EmbeddedFile /Filter /ASCII85Decode \
        /Length 4 >> stream\n87cU\nendstream endobj\n%%EOF\n";
    let error = session
        .submit(&file_request("IN_DP_E2_CII_FACTURX", "fx.pdf", pdf))
        .unwrap_err();
    assert!(
        matches!(
            error.code,
            Code::CHORUS_ERR_NETWORK | Code::CHORUS_ERR_TIMEOUT
        ),
        "{error}"
    );
    let details = error.details.as_ref().expect("details");
    assert_eq!(details["deposit_outcome"], "unknown");
    // Another call would send the file again without a search, so it is not retryable.
    assert!(!error.retryable, "{error}");
    assert_eq!(requests_to(&sandbox, DEPOSIT), 1);
    assert_eq!(requests_to(&sandbox, SEARCH), 0);
}

#[test]
fn configured_cii_syntax_used() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({"syntax": "cii"}));
    let result = session
        .submit(&single_reference_invoice("CFG-CII-1"))
        .expect("deposit");
    assert_eq!(result["syntax"], "IN_DP_E1_CII_16B");
    assert_eq!(result["file_name"], "CII_chorus_facture_CFG-CII-1.xml");
    let status = wait_final(&session, result["flux_number"].as_str().unwrap());
    assert_eq!(status["state"], "IN_INTEGRE", "{status}");

    // The invoice's own key wins over the configuration.
    let own_key = sample_invoice("CFG-UBL-1").replacen('{', "{\"syntax\": \"ubl\",", 1);
    let result = session.submit(&own_key).expect("deposit");
    assert_eq!(result["syntax"], "IN_DP_E1_UBL_INVOICE");
}

/// Builds a minimal Factur-X PDF whose embedded `factur-x.xml` stream is the compressed XML.
/// It is not PDF/A-3: neither the library nor the sandbox checks that.
fn facturx_pdf(xml: &[u8]) -> Vec<u8> {
    use std::io::Write;

    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(xml).unwrap();
    let compressed = encoder.finish().unwrap();
    let mut pdf = b"%PDF-1.7\n\
        4 0 obj << /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) \
        /AFRelationship /Data /EF << /F 5 0 R >> >> endobj\n"
        .to_vec();
    let header = format!(
        "5 0 obj << /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode \
         /Length {} >> stream\n",
        compressed.len()
    );
    pdf.extend_from_slice(header.as_bytes());
    pdf.extend_from_slice(&compressed);
    pdf.extend_from_slice(b"\nendstream endobj\n%%EOF\n");
    pdf
}

#[test]
fn ready_facturx_deposited_unchanged() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let pdf = facturx_pdf(&sample_file("PT-FX-2", Syntax::Cii));

    let result = session
        .submit(&file_request("IN_DP_E2_CII_FACTURX", "PT-FX-2.pdf", &pdf))
        .expect("deposit");
    assert_eq!(result["syntax"], "IN_DP_E2_CII_FACTURX");
    assert_eq!(result["sha256"], sha256_hex(&pdf));
    assert_eq!(result["invoice_number"], "PT-FX-2");
    assert_eq!(result["credit_note"], false);

    let flux_number = result["flux_number"].as_str().expect("flux number");
    let stored = sandbox.admin_get(&format!("/_sandbox/flux/{flux_number}"));
    assert_eq!(stored["sha256"], sha256_hex(&pdf));
    let status = wait_final(&session, flux_number);
    assert_eq!(status["state"], "IN_INTEGRE", "{status}");
    assert_eq!(status["invoices"][0]["invoice_number"], "PT-FX-2");
}

/// Builds a Factur-X PDF that keeps its file specification in a compressed object stream
/// (object 3), as PDF 1.5 writers do, with the compressed XML in object 5.
fn object_stream_facturx_pdf(xml: &[u8]) -> Vec<u8> {
    use std::io::Write;

    let deflate = |data: &[u8]| {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    };
    let specification = "<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) \
                         /AFRelationship /Data /EF << /F 5 0 R >> >>";
    let objects = deflate(format!("4 0 {specification}").as_bytes());
    let compressed_xml = deflate(xml);
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let header = format!(
        "3 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >> stream\n",
        objects.len()
    );
    pdf.extend_from_slice(header.as_bytes());
    pdf.extend_from_slice(&objects);
    pdf.extend_from_slice(b"\nendstream endobj\n");
    let header = format!(
        "5 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length {} >> stream\n",
        compressed_xml.len()
    );
    pdf.extend_from_slice(header.as_bytes());
    pdf.extend_from_slice(&compressed_xml);
    pdf.extend_from_slice(b"\nendstream endobj\n%%EOF\n");
    pdf
}

#[test]
fn object_stream_facturx_integrated() {
    let sandbox = Sandbox::start(&["--speed", "0.1"]);
    let session = session(&sandbox, json!({}));
    let pdf = object_stream_facturx_pdf(&sample_file("PT-FX-OS", Syntax::Cii));
    let result = session
        .submit(&file_request("IN_DP_E2_CII_FACTURX", "PT-FX-OS.pdf", &pdf))
        .expect("deposit");
    assert_eq!(result["invoice_number"], "PT-FX-OS");
    let status = wait_final(&session, result["flux_number"].as_str().unwrap());
    assert_eq!(status["state"], "IN_INTEGRE", "{status}");
    assert_eq!(status["invoices"][0]["invoice_number"], "PT-FX-OS");
}

fn deposits(sandbox: &Sandbox) -> u64 {
    sandbox.admin_get("/_sandbox/stats")["deposits"]
        .as_u64()
        .expect("deposits counter")
}

/// Counts the invoices the portal lists under `number`.
fn invoices_on_portal(session: &Session, number: &str) -> usize {
    let query = json!({ "invoice_number": number }).to_string();
    let status = session
        .get_status(&query)
        .expect("status by invoice number");
    status["invoices"].as_array().expect("invoices").len()
}

/// Starts a sandbox whose next deposit fails with the fault `mode`, and a session with
/// fast retries that searches for up to `lookup_window_seconds` before sending again.
fn session_with_deposit_fault(mode: &str, lookup_window_seconds: u64) -> (Sandbox, Session) {
    let sandbox = Sandbox::start(&["--speed", "0"]);
    let retry = json!({
        "initial_delay_ms": 10,
        "max_delay_ms": 50,
        "lookup_window_seconds": lookup_window_seconds,
    });
    let session = session(&sandbox, json!({ "retry": retry }));
    sandbox.admin_post(
        "/_sandbox/faults",
        json!({"mode": mode, "count": 1, "path_prefix": DEPOSIT}),
    );
    (sandbox, session)
}

#[test]
fn facturx_lost_reply_found_by_search() {
    let (sandbox, session) = session_with_deposit_fault("drop_after_processing", 5);
    let pdf = facturx_pdf(&sample_file("PT-FX-RCV", Syntax::Cii));

    let result = session
        .submit(&file_request("IN_DP_E2_CII_FACTURX", "rcv.pdf", &pdf))
        .expect("deposit");
    assert_eq!(result["recovered"], true, "{result}");
    assert_eq!(result["invoice_number"], "PT-FX-RCV");
    assert_eq!(result["sha256"], sha256_hex(&pdf));
    assert!(result["portal_invoice_id"].is_number(), "{result}");
    assert_eq!(requests_to(&sandbox, DEPOSIT), 1);
    assert!(requests_to(&sandbox, SEARCH) >= 1);
    assert_eq!(deposits(&sandbox), 1);
    assert_eq!(invoices_on_portal(&session, "PT-FX-RCV"), 1);
}

#[test]
fn facturx_dropped_deposit_sent_again() {
    // The connection drops before the sandbox processes the deposit, so the search finds
    // nothing and the file is sent again.
    let (sandbox, session) = session_with_deposit_fault("drop_connection", 1);
    let pdf = facturx_pdf(&sample_file("PT-FX-DRP", Syntax::Cii));

    let result = session
        .submit(&file_request("IN_DP_E2_CII_FACTURX", "drp.pdf", &pdf))
        .expect("deposit");
    assert_eq!(result["recovered"], false, "{result}");
    assert_eq!(result["invoice_number"], "PT-FX-DRP");
    assert_eq!(requests_to(&sandbox, DEPOSIT), 2);
    assert!(requests_to(&sandbox, SEARCH) >= 1);
    assert_eq!(deposits(&sandbox), 1);

    let status = wait_final(&session, result["flux_number"].as_str().expect("flux"));
    assert_eq!(status["state"], "IN_INTEGRE", "{status}");
    assert_eq!(invoices_on_portal(&session, "PT-FX-DRP"), 1);
}
