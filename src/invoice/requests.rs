//! The invoice requests that need no portal: building the XML file and validating an
//! invoice. `chorus_build_xml` and `chorus_validate` call these, also on a handle that
//! has no configuration.

use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::ready_file::{is_ready_file_request, parse_ready_file, ReadyFile};
use super::{parse_invoice, Invoice, Problem, Syntax, XmlOptions};
use crate::client::MAX_INVOICE_JSON_BYTES;
use crate::config::BankAccount;
use crate::error::{chorus_result as Code, Error};

/// The `options_json` of `chorus_build_xml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuildOptions {
    /// Overrides the invoice's own `syntax` key.
    #[serde(default)]
    syntax: Option<Syntax>,
    /// Writes the business-term comments.
    #[serde(default)]
    commented: bool,
}

/// Rejects a request JSON larger than the library accepts.
pub(crate) fn check_request_size(request_json: &str) -> Result<(), Error> {
    if request_json.len() <= MAX_INVOICE_JSON_BYTES {
        return Ok(());
    }
    Err(Error::new(
        Code::CHORUS_ERR_INPUT_TOO_LARGE,
        format!(
            "Facture JSON de {} octets : au plus {MAX_INVOICE_JSON_BYTES}.",
            request_json.len()
        ),
        format!(
            "Invoice JSON of {} bytes: at most {MAX_INVOICE_JSON_BYTES}.",
            request_json.len()
        ),
    ))
}

/// Parses an invoice JSON no larger than the library accepts; a parse error becomes an
/// invalid-invoice error with its field path.
pub(crate) fn parse_request(invoice_json: &str) -> Result<Invoice, Error> {
    check_request_size(invoice_json)?;
    parse_invoice(invoice_json).map_err(|problems| {
        // Text that is not JSON at all gets the code every other input of the C API
        // gets for it; JSON that is not a valid invoice is an invalid invoice.
        let code = if serde_json::from_str::<serde::de::IgnoredAny>(invoice_json).is_err() {
            Code::CHORUS_ERR_INVALID_JSON
        } else {
            Code::CHORUS_ERR_INVALID_INVOICE
        };
        Error::with_problems(code, problems)
    })
}

/// Parses and checks a `{"file": ...}` request: the checks `chorus_submit`,
/// `chorus_validate` and `chorus_build_xml` all run on a ready file. Every problem found
/// comes back in one invalid-invoice error.
pub(crate) fn parse_ready_request(request_json: &str) -> Result<ReadyFile, Error> {
    check_request_size(request_json)?;
    parse_ready_file(request_json)
        .map_err(|problems| Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, problems))
}

/// Lists what was read from a ready file, as the results of `chorus_submit`,
/// `chorus_validate` and `chorus_build_xml` give it. `sha256` and `size` are those of
/// the file deposited, also for a Factur-X PDF.
pub(crate) fn ready_file_summary(file: &ReadyFile) -> Value {
    json!({
        "syntax": file.syntax,
        "sha256": hex(&Sha256::digest(&file.content)),
        "size": file.content.len(),
        "invoice_number": file.invoice_number,
        "credit_note": file.credit_note,
        "passthrough": true,
    })
}

fn parse_options(options_json: Option<&str>) -> Result<BuildOptions, Error> {
    let Some(text) = options_json else {
        return Ok(BuildOptions::default());
    };
    serde_json::from_str(text).map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_INVALID_JSON,
            format!("Options de construction invalides : {error}"),
            format!("Invalid build options: {error}"),
        )
        .hint(
            "options_json accepte {\"syntax\": \"ubl\" ou \"cii\", \"commented\": true ou false}, ou NULL.",
            "options_json accepts {\"syntax\": \"ubl\" or \"cii\", \"commented\": true or false}, or NULL.",
        )
    })
}

/// Builds the XML file of an invoice without sending it. The result gives the XML as a
/// string with its `syntax` (`syntaxeFlux` code), `sha256` and `size` in bytes. A
/// `{"file": ...}` request returns the XML of the ready file instead (see
/// [`ready_file_xml`]).
///
/// The options' `syntax` overrides the invoice's, which overrides `default_syntax` (the
/// configuration's, or UBL on a handle without one). A commented file
/// has other bytes, so another digest and size, than the one `chorus_submit` deposits.
pub fn build_xml(
    invoice_json: &str,
    options_json: Option<&str>,
    default_bank: Option<&BankAccount>,
    default_syntax: Syntax,
) -> Result<Value, Error> {
    check_request_size(invoice_json)?;
    if is_ready_file_request(invoice_json) {
        return ready_file_xml(invoice_json, options_json);
    }
    let invoice = parse_request(invoice_json)?;
    let options = parse_options(options_json)?;
    let xml_options = XmlOptions {
        syntax: options.syntax.unwrap_or(invoice.syntax_or(default_syntax)),
        commented: options.commented,
    };
    let xml = invoice
        .to_xml(xml_options, default_bank)
        .map_err(|problems| Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, problems))?;
    let sha256 = hex(&Sha256::digest(&xml));
    let size = xml.len();
    let text = String::from_utf8(xml).map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_INTERNAL,
            format!("XML écrit non UTF-8 : {error}"),
            format!("written XML is not UTF-8: {error}"),
        )
    })?;
    Ok(json!({
        "syntax": xml_options.syntax.flux_code(),
        "commented": xml_options.commented,
        "invoice_number": invoice.number(),
        "credit_note": invoice.is_credit_note(),
        "sha256": sha256,
        "size": size,
        "xml": text,
    }))
}

/// Returns the XML the portal reads from a ready file, with the summary of the file
/// deposited: the UBL or CII content unchanged, or a Factur-X PDF's embedded CII.
///
/// Neither option applies: a ready file keeps its declared syntax, and comments are
/// written only while building from JSON.
fn ready_file_xml(request_json: &str, options_json: Option<&str>) -> Result<Value, Error> {
    let options = parse_options(options_json)?;
    if options.syntax.is_some() {
        return Err(ready_file_option_error(
            "L'option syntax ne s'applique qu'à une facture construite depuis le JSON : un \
             fichier prêt garde la syntaxe de file.syntax.",
            "The syntax option applies only to an invoice built from JSON: a ready file keeps \
             the syntax of file.syntax.",
        ));
    }
    if options.commented {
        return Err(ready_file_option_error(
            "Les commentaires ne sont écrits que pour une facture construite depuis le JSON, \
             pas pour un fichier prêt.",
            "Comments are written only for an invoice built from JSON, not for a ready file.",
        ));
    }

    let file = parse_ready_request(request_json)?;
    let xml = file.xml().map_err(|reason| {
        Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, vec![reason.clone()])
    })?;
    let text = std::str::from_utf8(xml).map_err(|error| {
        let offset = error.valid_up_to();
        let problem = Problem {
            path: "file.content_base64".to_owned(),
            message_fr: format!(
                "XML non UTF-8 (octet {offset}) : il ne peut pas être rendu comme texte JSON"
            ),
            message_en: format!(
                "the XML is not UTF-8 (byte {offset}), so it cannot be returned as JSON text"
            ),
        };
        Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, vec![problem])
    })?;
    let mut result = ready_file_summary(&file);
    result["commented"] = Value::Bool(false);
    result["xml"] = Value::from(text);
    Ok(result)
}

fn ready_file_option_error(message_fr: &str, message_en: &str) -> Error {
    Error::new(Code::CHORUS_ERR_INVALID_JSON, message_fr, message_en).hint(
        "Pour un fichier prêt, options_json est NULL ou {\"commented\": false}.",
        "For a ready file, options_json is NULL or {\"commented\": false}.",
    )
}

/// Returns a problem when a written file of `size` bytes is over the portal's limit for one
/// deposited file (the same limit as for ready files).
pub fn file_size_problem(size: usize) -> Option<Problem> {
    let limit = super::ready_file::MAX_FILE_BYTES;
    (size > limit).then(|| Problem {
        path: String::new(),
        message_fr: format!(
            "le fichier écrit fait {size} octets : Chorus Pro accepte au plus {limit} octets \
             par fichier ; réduisez les textes libres ou les pièces jointes"
        ),
        message_en: format!(
            "the written file is {size} bytes: Chorus Pro accepts at most {limit} bytes per \
             file; shorten free texts or attachments"
        ),
    })
}

/// Validates an invoice in its own syntax, or `default_syntax` when it has none, and sends
/// nothing: `{"valid": true, "problems": []}`, or an invalid-invoice error listing every
/// problem.
///
/// A `{"file": ...}` request gets the ready-file checks of `chorus_submit`, and a valid
/// one adds what was read from it (see [`ready_file_summary`]).
pub fn validate(
    invoice_json: &str,
    default_bank: Option<&BankAccount>,
    default_syntax: Syntax,
) -> Result<Value, Error> {
    check_request_size(invoice_json)?;
    if is_ready_file_request(invoice_json) {
        let file = parse_ready_request(invoice_json)?;
        let mut result = ready_file_summary(&file);
        result["valid"] = Value::Bool(true);
        result["problems"] = json!([]);
        return Ok(result);
    }
    let invoice = parse_request(invoice_json)?;
    let syntax = invoice.syntax_or(default_syntax);
    let problems = invoice.validate_as(syntax, default_bank);
    if !problems.is_empty() {
        return Err(Error::with_problems(
            Code::CHORUS_ERR_INVALID_INVOICE,
            problems,
        ));
    }
    // The portal's size limit applies to the written file, so it is written here too.
    let options = XmlOptions {
        syntax,
        commented: false,
    };
    let xml = invoice
        .to_xml(options, default_bank)
        .map_err(|problems| Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, problems))?;
    if let Some(problem) = file_size_problem(xml.len()) {
        return Err(Error::with_problems(
            Code::CHORUS_ERR_INVALID_INVOICE,
            vec![problem],
        ));
    }
    Ok(json!({"valid": true, "problems": []}))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::super::ready_file::file_request_json as file_request;
    use super::*;

    const SAMPLE: &str = include_str!("../../examples/invoices/facturx-ubl-21-en16931.json");
    const CREDIT_NOTE: &str = include_str!("../../examples/invoices/credit-note.json");
    const CREDIT_NOTE_NUMBER: &str = "AV124213";
    const CREDIT_NOTE_SELLER_SIRET: &str = "99999999800019";

    #[test]
    fn build_defaults_to_plain_ubl() {
        let result = build_xml(SAMPLE, None, None, Syntax::Ubl).unwrap();
        assert_eq!(result["syntax"], "IN_DP_E1_UBL_INVOICE");
        assert_eq!(result["commented"], false);
        let xml = result["xml"].as_str().unwrap();
        assert!(xml.contains("<Invoice xmlns="), "{xml}");
        assert!(!xml.contains("<!--"), "{xml}");
        assert_eq!(result["size"], xml.len());
        let digest = hex(&Sha256::digest(xml.as_bytes()));
        assert_eq!(result["sha256"], digest);
        assert_eq!(result["invoice_number"], "F124212");
    }

    #[test]
    fn build_options_choose_syntax_and_comments() {
        let options = r#"{"syntax": "cii", "commented": true}"#;
        let result = build_xml(CREDIT_NOTE, Some(options), None, Syntax::Ubl).unwrap();
        assert_eq!(result["syntax"], "IN_DP_E1_CII_16B");
        assert_eq!(result["credit_note"], true);
        let xml = result["xml"].as_str().unwrap();
        assert!(xml.contains("<rsm:CrossIndustryInvoice"), "{xml}");
        assert!(xml.contains("<!-- BT-1 "), "{xml}");
    }

    #[test]
    fn invoice_syntax_key_used_without_options() {
        let json = CREDIT_NOTE.replacen('{', "{\"syntax\": \"cii\",", 1);
        let result = build_xml(&json, None, None, Syntax::Ubl).unwrap();
        assert_eq!(result["syntax"], "IN_DP_E1_CII_16B");
        let result = build_xml(&json, Some(r#"{"syntax": "ubl"}"#), None, Syntax::Ubl).unwrap();
        assert_eq!(result["syntax"], "IN_DP_E1_UBL_INVOICE");
    }

    #[test]
    fn default_syntax_used_without_invoice_key() {
        let result = build_xml(CREDIT_NOTE, None, None, Syntax::Cii).unwrap();
        assert_eq!(result["syntax"], "IN_DP_E1_CII_16B");
        let json = CREDIT_NOTE.replacen('{', "{\"syntax\": \"ubl\",", 1);
        let result = build_xml(&json, None, None, Syntax::Cii).unwrap();
        assert_eq!(result["syntax"], "IN_DP_E1_UBL_INVOICE");
    }

    #[test]
    fn bad_options_rejected() {
        for options in [r#"{"syntax": "xml"}"#, r#"{"comment": true}"#, "{"] {
            let error = build_xml(SAMPLE, Some(options), None, Syntax::Ubl).unwrap_err();
            assert_eq!(error.code, Code::CHORUS_ERR_INVALID_JSON, "{options}");
            assert!(
                error.message_en.contains("Invalid build options"),
                "{error}"
            );
        }
    }

    #[test]
    fn build_of_invalid_invoice_lists_problems() {
        let json = SAMPLE.replace("78787878400018", "78787878400019");
        let error = build_xml(&json, None, None, Syntax::Ubl).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
        assert!(
            error
                .problems
                .iter()
                .any(|problem| problem.path == "buyer.siret"),
            "{:?}",
            error.problems
        );
    }

    #[test]
    fn validate_reports_every_problem() {
        assert_eq!(
            validate(SAMPLE, None, Syntax::Ubl).unwrap(),
            json!({"valid": true, "problems": []})
        );
        let json = SAMPLE
            .replace("78787878400018", "78787878400019")
            .replace("\"number\": \"F124212\"", "\"number\": \"F#1\"");
        let error = validate(&json, None, Syntax::Ubl).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
        let paths: Vec<&str> = error
            .problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect();
        assert!(paths.contains(&"number"), "{paths:?}");
        assert!(paths.contains(&"buyer.siret"), "{paths:?}");
    }

    #[test]
    fn validate_uses_default_bank() {
        // Without the seller's account the sample has no IBAN, unless the configuration
        // gives one.
        let without_account = remove_seller_account(SAMPLE);
        let error = validate(&without_account, None, Syntax::Ubl).unwrap_err();
        assert_eq!(
            error.problems[0].path,
            "payment_instructions.credit_transfer"
        );
        let bank = BankAccount {
            iban: "FR7630006000011234567890189".to_owned(),
            bic: None,
            account_name: None,
        };
        assert!(validate(&without_account, Some(&bank), Syntax::Ubl).is_ok());
    }

    fn remove_seller_account(json: &str) -> String {
        let mut value: Value = serde_json::from_str(json).unwrap();
        value["seller"]
            .as_object_mut()
            .unwrap()
            .remove("bank_account");
        value.to_string()
    }

    #[test]
    fn oversized_input_rejected() {
        let json = " ".repeat(MAX_INVOICE_JSON_BYTES + 1);
        let error = validate(&json, None, Syntax::Ubl).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INPUT_TOO_LARGE);
    }

    /// Writes a sample with the library, as an ERP's own file would be: the invoice
    /// F124212 in UBL, or the credit note in CII, which carries one preceding invoice.
    fn sample_xml(syntax: &str) -> String {
        let (json, options) = match syntax {
            "ubl" => (SAMPLE, r#"{"syntax": "ubl"}"#),
            _ => (CREDIT_NOTE, r#"{"syntax": "cii"}"#),
        };
        let built = build_xml(json, Some(options), None, Syntax::Ubl).unwrap();
        built["xml"].as_str().unwrap().to_owned()
    }

    fn problem_paths(error: &Error) -> Vec<&str> {
        error
            .problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect()
    }

    #[test]
    fn validate_ready_file_reports_facts() {
        let xml = sample_xml("ubl");
        let request = file_request("IN_DP_E1_UBL_INVOICE", "F124212.xml", xml.as_bytes());
        let result = validate(&request, None, Syntax::Cii).unwrap();
        assert_eq!(result["valid"], true);
        assert_eq!(result["problems"], json!([]));
        assert_eq!(result["syntax"], "IN_DP_E1_UBL_INVOICE");
        assert_eq!(result["invoice_number"], "F124212");
        assert_eq!(result["credit_note"], false);
        assert_eq!(result["size"], xml.len());
        assert_eq!(result["sha256"], hex(&Sha256::digest(xml.as_bytes())));
        assert_eq!(result["passthrough"], true);
    }

    #[test]
    fn validate_ready_file_lists_every_problem() {
        let xml = sample_xml("cii");
        let request = file_request("IN_DP_E1_UBL_INVOICE", "dir/F124212.pdf", xml.as_bytes());
        let error = validate(&request, None, Syntax::Ubl).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
        assert_eq!(problem_paths(&error), ["file.file_name", "file.syntax"]);

        // The same problems as the check chorus_submit runs before sending.
        let submit_problems = parse_ready_file(&request).unwrap_err();
        assert_eq!(error.problems, submit_problems);
    }

    #[test]
    fn build_ready_xml_returns_file_unchanged() {
        let xml = sample_xml("cii");
        let request = file_request("IN_DP_E1_CII_16B", "AV-1.xml", xml.as_bytes());
        for options in [None, Some(r#"{"commented": false}"#), Some("{}")] {
            let result = build_xml(&request, options, None, Syntax::Ubl).unwrap();
            assert_eq!(result["xml"], xml, "{options:?}");
            assert_eq!(result["syntax"], "IN_DP_E1_CII_16B");
            assert_eq!(result["invoice_number"], CREDIT_NOTE_NUMBER);
            assert_eq!(result["credit_note"], true);
            assert_eq!(result["commented"], false);
            assert_eq!(result["passthrough"], true);
            assert_eq!(result["size"], xml.len());
            assert_eq!(result["sha256"], hex(&Sha256::digest(xml.as_bytes())));
        }
    }

    #[test]
    fn build_ready_facturx_returns_embedded_cii() {
        let xml = sample_xml("cii");
        let pdf = super::super::facturx_pdf::test_pdf::object_stream_facturx(xml.as_bytes());
        let request = file_request("IN_DP_E2_CII_FACTURX", "AV-1.pdf", &pdf);
        let result = build_xml(&request, None, None, Syntax::Ubl).unwrap();
        assert_eq!(result["xml"], xml);
        assert_eq!(result["syntax"], "IN_DP_E2_CII_FACTURX");
        assert_eq!(result["invoice_number"], CREDIT_NOTE_NUMBER);
        assert_eq!(result["credit_note"], true);
        // Size and digest are those of the PDF deposited, not of the XML.
        assert_eq!(result["size"], pdf.len());
        assert_eq!(result["sha256"], hex(&Sha256::digest(&pdf)));

        // The library writes the seller SIRET as ram:GlobalID with scheme 0009.
        let file = parse_ready_file(&request).unwrap();
        assert_eq!(file.seller_siret.as_deref(), Some(CREDIT_NOTE_SELLER_SIRET));
    }

    #[test]
    fn build_ready_file_rejects_options() {
        let xml = sample_xml("ubl");
        let request = file_request("IN_DP_E1_UBL_INVOICE", "F124212.xml", xml.as_bytes());
        let cases = [
            (r#"{"commented": true}"#, "Comments are written only"),
            (r#"{"syntax": "ubl"}"#, "syntax option applies only"),
        ];
        for (options, expected) in cases {
            let error = build_xml(&request, Some(options), None, Syntax::Ubl).unwrap_err();
            assert_eq!(error.code, Code::CHORUS_ERR_INVALID_JSON, "{options}");
            assert!(error.message_en.contains(expected), "{error}");
        }
    }

    #[test]
    fn build_ready_file_errors_listed() {
        // Latin-1 text in a file without encoding declaration is not UTF-8, so the file is
        // not well-formed, and both calls report it.
        let latin1 = xml_with_note(b"caf\xe9");
        let request = file_request("IN_DP_E1_UBL_INVOICE", "F124212.xml", &latin1);
        for error in [
            validate(&request, None, Syntax::Ubl).unwrap_err(),
            build_xml(&request, None, None, Syntax::Ubl).unwrap_err(),
        ] {
            assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
            assert_eq!(problem_paths(&error), ["file.content_base64"]);
            assert!(
                error.problems[0].message_en.contains("unreadable XML text"),
                "{error:?}"
            );
        }

        // A Factur-X whose XML this library cannot extract is valid but has no XML to show.
        use super::super::facturx_pdf::test_pdf::{pdf, stream, FILE_SPECIFICATION};
        let unreadable = pdf(&[
            (4, FILE_SPECIFICATION.as_bytes().to_vec()),
            (5, stream("/Filter /LZWDecode", b"\x80\x0b\x60\x50")),
        ]);
        let request = file_request("IN_DP_E2_CII_FACTURX", "F.pdf", &unreadable);
        let valid = validate(&request, None, Syntax::Ubl).unwrap();
        assert_eq!(valid["invoice_number"], Value::Null);
        let error = build_xml(&request, None, None, Syntax::Ubl).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_INVOICE);
        assert!(
            error.problems[0].message_en.contains("only /FlateDecode"),
            "{error:?}"
        );
    }

    /// Returns the sample UBL with a note whose raw bytes are `note`.
    fn xml_with_note(note: &[u8]) -> Vec<u8> {
        let xml = sample_xml("ubl");
        let marker = "<cbc:DocumentCurrencyCode>";
        let at = xml.find(marker).expect("currency code in the sample");
        let mut bytes = xml.as_bytes()[..at].to_vec();
        bytes.extend_from_slice(b"<cbc:Note>");
        bytes.extend_from_slice(note);
        bytes.extend_from_slice(b"</cbc:Note>");
        bytes.extend_from_slice(&xml.as_bytes()[at..]);
        bytes
    }
}
