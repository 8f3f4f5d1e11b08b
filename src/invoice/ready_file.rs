//! Pass-through of an invoice file the ERP already has: a UBL 2.1 `Invoice` or
//! `CreditNote`, a CII D16B `CrossIndustryInvoice`, or a Factur-X PDF/A-3.
//!
//! The library does not rebuild or validate such a file against EN 16931. It checks that
//! the declared `syntaxeFlux` matches the content, the file name extension and the 10 MB
//! portal limit, reads the invoice number for the result and the resend search, and
//! deposits the bytes unchanged.

use base64::Engine;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use serde::Deserialize;
use serde_json::Value;

use super::codes::{SYNTAX_CII, SYNTAX_UBL};
use super::Problem;

/// `syntaxeFlux` of a Factur-X PDF/A-3 with its embedded CII XML.
pub const SYNTAX_FACTURX: &str = "IN_DP_E2_CII_FACTURX";
/// Largest file, in bytes, that Chorus Pro accepts in `deposerFluxFacture` (10 MB), and
/// so the largest decoded content of a `{"file": ...}` request.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

const UBL_INVOICE_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const UBL_CBC_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CII_NS: &[u8] = b"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const CII_RAM_NS: &[u8] =
    b"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";

/// The `file` object of a pass-through request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRequest {
    syntax: String,
    file_name: String,
    content_base64: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    file: FileRequest,
}

/// A checked ready file, deposited as is.
#[derive(Debug)]
pub struct ReadyFile {
    /// `syntaxeFlux` value, one of the three pass-through syntaxes.
    pub syntax: &'static str,
    pub file_name: String,
    /// The decoded bytes, sent base64-encoded once.
    pub content: Vec<u8>,
    /// BT-1 read from the XML, or `None` for a Factur-X PDF whose embedded XML is
    /// compressed.
    pub invoice_number: Option<String>,
    pub credit_note: bool,
}

/// Tells whether a request JSON is a pass-through request: an object with a `file` key.
pub fn is_ready_file_request(json: &str) -> bool {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => map.contains_key("file"),
        _ => false,
    }
}

/// Parses and checks a `{"file": {...}}` request; every mismatch is a [`Problem`] at
/// `file.syntax`, `file.file_name` or `file.content_base64`.
pub fn parse_ready_file(json: &str) -> Result<ReadyFile, Vec<Problem>> {
    let request: Request = serde_json::from_str(json).map_err(|error| {
        vec![problem(
            "file",
            &format!("requête de fichier invalide : {error}"),
            &format!("invalid file request: {error}"),
        )]
    })?;
    let file = request.file;
    let mut problems = Vec::new();

    let syntax = match file.syntax.as_str() {
        SYNTAX_UBL => Some(SYNTAX_UBL),
        SYNTAX_CII => Some(SYNTAX_CII),
        SYNTAX_FACTURX => Some(SYNTAX_FACTURX),
        other => {
            problems.push(problem(
                "file.syntax",
                &format!(
                    "syntaxe `{other}` non acceptée : {SYNTAX_UBL}, {SYNTAX_CII} ou {SYNTAX_FACTURX}"
                ),
                &format!(
                    "syntax `{other}` is not accepted: use {SYNTAX_UBL}, {SYNTAX_CII} or {SYNTAX_FACTURX}"
                ),
            ));
            None
        }
    };
    if let Some(syntax) = syntax {
        check_file_name(&file.file_name, syntax, &mut problems);
    }

    let content = match base64::engine::general_purpose::STANDARD.decode(&file.content_base64) {
        Ok(content) => content,
        Err(error) => {
            problems.push(problem(
                "file.content_base64",
                &format!("base64 invalide : {error}"),
                &format!("invalid base64: {error}"),
            ));
            return Err(problems);
        }
    };
    if content.is_empty() {
        problems.push(problem(
            "file.content_base64",
            "fichier vide",
            "the file is empty",
        ));
        return Err(problems);
    }
    if content.len() > MAX_FILE_BYTES {
        problems.push(problem(
            "file.content_base64",
            &format!(
                "fichier de {} octets : Chorus Pro accepte au plus {MAX_FILE_BYTES}",
                content.len()
            ),
            &format!(
                "file of {} bytes: Chorus Pro accepts at most {MAX_FILE_BYTES}",
                content.len()
            ),
        ));
        return Err(problems);
    }

    let Some(syntax) = syntax else {
        return Err(problems);
    };
    let facts = if syntax == SYNTAX_FACTURX {
        inspect_pdf(&content)
    } else {
        inspect_xml(&content, syntax)
    };
    match facts {
        Ok(facts) if problems.is_empty() => Ok(ReadyFile {
            syntax,
            file_name: file.file_name,
            content,
            invoice_number: facts.invoice_number,
            credit_note: facts.credit_note,
        }),
        Ok(_) => Err(problems),
        Err(problem) => {
            problems.push(problem);
            Err(problems)
        }
    }
}

fn check_file_name(file_name: &str, syntax: &str, problems: &mut Vec<Problem>) {
    let extension = if syntax == SYNTAX_FACTURX {
        ".pdf"
    } else {
        ".xml"
    };
    let stem_empty = file_name.len() <= extension.len();
    let has_separator = file_name.contains(['/', '\\']);
    let matches = file_name.to_ascii_lowercase().ends_with(extension);
    if stem_empty || has_separator || !matches {
        problems.push(problem(
            "file.file_name",
            &format!(
                "nom de fichier `{file_name}` invalide : un nom sans chemin terminé par \
                 `{extension}` est attendu pour {syntax}"
            ),
            &format!(
                "invalid file name `{file_name}`: {syntax} expects a name without a path, \
                 ending in `{extension}`"
            ),
        ));
    }
}

#[derive(Debug, Default)]
struct FileFacts {
    invoice_number: Option<String>,
    credit_note: bool,
}

/// Element whose text the reader is collecting.
#[derive(Clone, Copy, PartialEq)]
enum Reading {
    Nothing,
    Number,
    TypeCode,
}

/// Checks the root element and namespace against the declared syntax, and reads BT-1
/// (`cbc:ID` under the UBL root, `rsm:ExchangedDocument/ram:ID` in CII) and whether the
/// document is a credit note.
fn inspect_xml(content: &[u8], syntax: &str) -> Result<FileFacts, Problem> {
    let mut reader = NsReader::from_reader(content);
    let mut buffer = Vec::new();
    let mut depth = 0usize;
    let mut root: Option<(Vec<u8>, Vec<u8>)> = None;
    let mut in_exchanged_document = false;
    let mut reading = Reading::Nothing;
    let mut facts = FileFacts::default();
    let mut type_code = String::new();

    loop {
        let event = reader.read_resolved_event_into(&mut buffer);
        let (namespace, event) = match event {
            Ok(pair) => pair,
            Err(error) => {
                return Err(problem(
                    "file.content_base64",
                    &format!("XML illisible : {error}"),
                    &format!("the XML cannot be parsed: {error}"),
                ))
            }
        };
        let namespace = match namespace {
            ResolveResult::Bound(namespace) => namespace.as_ref().to_vec(),
            _ => Vec::new(),
        };
        match event {
            Event::Start(element) | Event::Empty(element) if root.is_none() => {
                let local = element.local_name().as_ref().to_vec();
                root = Some((namespace, local));
                check_root(root.as_ref().unwrap(), syntax)?;
                facts.credit_note = root.as_ref().unwrap().1 == b"CreditNote";
                depth = 1;
            }
            Event::Start(element) => {
                let local = element.local_name();
                let local = local.as_ref();
                depth += 1;
                if syntax == SYNTAX_UBL && depth == 2 && namespace == UBL_CBC_NS {
                    if local == b"ID" && facts.invoice_number.is_none() {
                        reading = Reading::Number;
                    }
                } else if syntax == SYNTAX_CII && depth == 2 && namespace == CII_NS {
                    in_exchanged_document = local == b"ExchangedDocument";
                } else if in_exchanged_document && depth == 3 && namespace == CII_RAM_NS {
                    if local == b"ID" {
                        reading = Reading::Number;
                    } else if local == b"TypeCode" {
                        reading = Reading::TypeCode;
                    }
                }
            }
            Event::Text(text) if reading != Reading::Nothing => {
                let value = text.decode().map_err(|error| {
                    problem(
                        "file.content_base64",
                        &format!("texte XML illisible : {error}"),
                        &format!("unreadable XML text: {error}"),
                    )
                })?;
                match reading {
                    Reading::Number => facts.invoice_number = Some(value.trim().to_owned()),
                    Reading::TypeCode => type_code.push_str(value.trim()),
                    Reading::Nothing => {}
                }
            }
            Event::End(_) => {
                reading = Reading::Nothing;
                if depth == 2 {
                    in_exchanged_document = false;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }

    if root.is_none() {
        return Err(problem(
            "file.content_base64",
            "aucun élément XML dans le fichier",
            "the file contains no XML element",
        ));
    }
    if syntax == SYNTAX_CII {
        facts.credit_note = type_code == "381";
    }
    match &facts.invoice_number {
        Some(number) if !number.is_empty() => Ok(facts),
        _ => Err(problem(
            "file.content_base64",
            "numéro de facture (BT-1) absent du XML",
            "the XML has no invoice number (BT-1)",
        )),
    }
}

fn check_root((namespace, local): &(Vec<u8>, Vec<u8>), syntax: &str) -> Result<(), Problem> {
    let is_ubl = (namespace == UBL_INVOICE_NS && local == b"Invoice")
        || (namespace == UBL_CREDIT_NOTE_NS && local == b"CreditNote");
    let is_cii = namespace == CII_NS && local == b"CrossIndustryInvoice";
    let expected_found = match syntax {
        SYNTAX_UBL => is_ubl,
        _ => is_cii,
    };
    if expected_found {
        return Ok(());
    }
    let found = format!(
        "{{{}}}{}",
        String::from_utf8_lossy(namespace),
        String::from_utf8_lossy(local)
    );
    let expected = if syntax == SYNTAX_UBL {
        "UBL Invoice ou CreditNote / UBL Invoice or CreditNote"
    } else {
        "CII CrossIndustryInvoice"
    };
    Err(problem(
        "file.syntax",
        &format!("syntaxe {syntax} déclarée mais l'élément racine est {found}, pas {expected}"),
        &format!("syntax {syntax} declared but the root element is {found}, not {expected}"),
    ))
}

/// Checks a Factur-X PDF: the `%PDF-` header and an embedded file named `factur-x.xml`.
///
/// NOTE: this is a byte search, not a PDF parse. The name `factur-x.xml` and an `/EF`
/// (embedded file) key must both occur in the bytes, which they do in uncompressed
/// file-specification dictionaries. A PDF that keeps them in a compressed object stream
/// is rejected. The invoice number is read only when the embedded XML is stored
/// uncompressed, so for most Factur-X files it stays unknown.
fn inspect_pdf(content: &[u8]) -> Result<FileFacts, Problem> {
    if !content.starts_with(b"%PDF-") {
        return Err(problem(
            "file.content_base64",
            &format!("{SYNTAX_FACTURX} déclaré mais le fichier ne commence pas par %PDF-"),
            &format!("{SYNTAX_FACTURX} declared but the file does not start with %PDF-"),
        ));
    }
    if find(content, b"factur-x.xml").is_none() || find(content, b"/EF").is_none() {
        return Err(problem(
            "file.content_base64",
            "PDF sans fichier joint nommé factur-x.xml (clé /EF) : ce n'est pas un Factur-X",
            "PDF without an embedded file named factur-x.xml (/EF key): not a Factur-X file",
        ));
    }
    let mut facts = FileFacts::default();
    if let Some(xml) = embedded_cii(content) {
        if let Ok(read) = inspect_xml(xml, SYNTAX_CII) {
            facts = read;
        }
    }
    Ok(facts)
}

/// Returns the bytes of an uncompressed CII document inside a PDF, if there is one: from
/// the first XML declaration to the last `CrossIndustryInvoice>` tag.
fn embedded_cii(content: &[u8]) -> Option<&[u8]> {
    let end_tag: &[u8] = b"CrossIndustryInvoice>";
    let start = find(content, b"<?xml")?;
    let rest = &content[start..];
    let last = rest
        .windows(end_tag.len())
        .rposition(|window| window == end_tag)?;
    Some(&rest[..last + end_tag.len()])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn problem(path: &str, message_fr: &str, message_en: &str) -> Problem {
    Problem {
        path: path.to_owned(),
        message_fr: message_fr.to_owned(),
        message_en: message_en.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(syntax: &str, file_name: &str, content: &[u8]) -> String {
        serde_json::json!({"file": {
            "syntax": syntax,
            "file_name": file_name,
            "content_base64": base64::engine::general_purpose::STANDARD.encode(content),
        }})
        .to_string()
    }

    fn paths(problems: &[Problem]) -> Vec<&str> {
        problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect()
    }

    const CII: &str = r#"<?xml version="1.0"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocumentContext><ram:ID>ignored</ram:ID></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>C-17</ram:ID><ram:TypeCode>381</ram:TypeCode></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>"#;

    const UBL: &str = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>x</cbc:CustomizationID><cbc:ID>U-1</cbc:ID>
  <cac:OrderReference><cbc:ID>not this</cbc:ID></cac:OrderReference>
</Invoice>"#;

    #[test]
    fn ubl_number_read() {
        let file = parse_ready_file(&request(SYNTAX_UBL, "a.xml", UBL.as_bytes())).unwrap();
        assert_eq!(file.invoice_number.as_deref(), Some("U-1"));
        assert!(!file.credit_note);
        assert_eq!(file.content, UBL.as_bytes());
    }

    #[test]
    fn cii_number_and_credit_note_read() {
        let file = parse_ready_file(&request(SYNTAX_CII, "c.XML", CII.as_bytes())).unwrap();
        assert_eq!(file.invoice_number.as_deref(), Some("C-17"));
        assert!(file.credit_note);
    }

    #[test]
    fn declared_syntax_mismatch_rejected() {
        let problems = parse_ready_file(&request(SYNTAX_UBL, "c.xml", CII.as_bytes())).unwrap_err();
        assert_eq!(paths(&problems), ["file.syntax"]);
        assert!(problems[0].message_en.contains("CrossIndustryInvoice"));
        let problems = parse_ready_file(&request(SYNTAX_CII, "u.xml", UBL.as_bytes())).unwrap_err();
        assert_eq!(paths(&problems), ["file.syntax"]);
    }

    #[test]
    fn unknown_syntax_and_extension_rejected() {
        let problems =
            parse_ready_file(&request("IN_DP_E1_XCBL", "u.xml", UBL.as_bytes())).unwrap_err();
        assert_eq!(paths(&problems), ["file.syntax"]);
        for name in ["u.pdf", ".xml", "dir/u.xml", "u"] {
            let problems =
                parse_ready_file(&request(SYNTAX_UBL, name, UBL.as_bytes())).unwrap_err();
            assert_eq!(paths(&problems), ["file.file_name"], "{name}");
        }
    }

    #[test]
    fn content_problems_rejected() {
        let bad_base64 = r#"{"file": {"syntax": "IN_DP_E1_UBL_INVOICE", "file_name": "a.xml", "content_base64": "@@"}}"#;
        assert_eq!(
            paths(&parse_ready_file(bad_base64).unwrap_err()),
            ["file.content_base64"]
        );
        let not_xml = parse_ready_file(&request(SYNTAX_UBL, "a.xml", b"%PDF-1.7")).unwrap_err();
        assert_eq!(paths(&not_xml), ["file.content_base64"]);
        let no_number = UBL.replace("<cbc:ID>U-1</cbc:ID>", "");
        let problems =
            parse_ready_file(&request(SYNTAX_UBL, "a.xml", no_number.as_bytes())).unwrap_err();
        assert_eq!(paths(&problems), ["file.content_base64"]);
        let big = vec![b' '; MAX_FILE_BYTES + 1];
        let problems = parse_ready_file(&request(SYNTAX_UBL, "a.xml", &big)).unwrap_err();
        assert!(problems[0].message_en.contains("at most"), "{problems:?}");
    }

    #[test]
    fn facturx_pdf_checked() {
        let plain = b"%PDF-1.7\n1 0 obj << /Type /EmbeddedFile >> endobj".to_vec();
        let problems = parse_ready_file(&request(SYNTAX_FACTURX, "f.pdf", &plain)).unwrap_err();
        assert_eq!(paths(&problems), ["file.content_base64"]);

        let mut pdf = b"%PDF-1.7\n<< /F (factur-x.xml) /EF << /F 5 0 R >> >>".to_vec();
        let file = parse_ready_file(&request(SYNTAX_FACTURX, "f.pdf", &pdf)).unwrap();
        assert_eq!(file.invoice_number, None);

        pdf.extend_from_slice(b"\nstream\n");
        pdf.extend_from_slice(CII.as_bytes());
        pdf.extend_from_slice(b"\nendstream");
        let file = parse_ready_file(&request(SYNTAX_FACTURX, "f.pdf", &pdf)).unwrap();
        assert_eq!(file.invoice_number.as_deref(), Some("C-17"));

        let problems =
            parse_ready_file(&request(SYNTAX_FACTURX, "f.xml", CII.as_bytes())).unwrap_err();
        assert_eq!(paths(&problems), ["file.file_name", "file.content_base64"]);
    }

    #[test]
    fn request_detection() {
        assert!(is_ready_file_request(r#"{"file": {}}"#));
        assert!(!is_ready_file_request(r#"{"number": "F1"}"#));
        assert!(!is_ready_file_request("["));
    }
}
