//! Pass-through of an invoice file the ERP already has: a UBL 2.1 `Invoice` or
//! `CreditNote`, a CII D16B `CrossIndustryInvoice`, or a Factur-X PDF/A-3.
//!
//! The library does not rebuild or validate such a file against EN 16931. It checks that
//! the declared `syntaxeFlux` matches the content, the file name extension and the 10 MB
//! portal limit. From the XML, which for Factur-X is the embedded `factur-x.xml` (see
//! [`super::facturx_pdf`]), it reads the invoice number, the credit-note flag and the
//! seller's SIRET for the result and the resend search. It deposits the bytes unchanged.

use base64::Engine;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use serde::Deserialize;
use serde_json::Value;

use super::codes::{SCHEME_SIREN, SCHEME_SIRET, SYNTAX_CII, SYNTAX_UBL};
use super::facturx_pdf::{self, EmbeddedXml};
use super::Problem;

/// `syntaxeFlux` of a Factur-X PDF/A-3 with its embedded CII XML.
pub const SYNTAX_FACTURX: &str = "IN_DP_E2_CII_FACTURX";
/// Largest file, in bytes, that Chorus Pro accepts in `deposerFluxFacture` (10 MB), and
/// so the largest decoded content of a `{"file": ...}` request.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

const UBL_INVOICE_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const UBL_CBC_NS: &[u8] = b"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const UBL_CAC_NS: &[u8] =
    b"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
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
    /// BT-1 read from the XML, or `None` for a Factur-X PDF whose embedded XML this
    /// library cannot extract.
    pub invoice_number: Option<String>,
    pub credit_note: bool,
    /// The seller's SIRET, when the XML gives one with a SIRET scheme.
    pub seller_siret: Option<String>,
    /// The XML the portal reads from the file.
    pub invoice_xml: InvoiceXml,
}

/// Location of the invoice XML in a ready file.
#[derive(Debug)]
pub enum InvoiceXml {
    /// The file itself is the XML (UBL or CII).
    WholeFile,
    /// The CII extracted, and inflated when needed, from a Factur-X PDF's `factur-x.xml`.
    Embedded(Vec<u8>),
    /// A Factur-X PDF whose `factur-x.xml` this library cannot extract, with the reason.
    Unreadable(Problem),
}

impl ReadyFile {
    /// Returns the XML the portal reads: the file itself, or a Factur-X PDF's embedded
    /// CII. A Factur-X whose XML cannot be extracted gives the reason as a problem.
    pub fn xml(&self) -> Result<&[u8], &Problem> {
        match &self.invoice_xml {
            InvoiceXml::WholeFile => Ok(&self.content),
            InvoiceXml::Embedded(xml) => Ok(xml),
            InvoiceXml::Unreadable(reason) => Err(reason),
        }
    }
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
    let inspected = if syntax == SYNTAX_FACTURX {
        inspect_pdf(&content)
    } else {
        inspect_xml(&content, syntax).map(|facts| (facts, InvoiceXml::WholeFile))
    };
    match inspected {
        Ok((facts, invoice_xml)) if problems.is_empty() => Ok(ReadyFile {
            syntax,
            file_name: file.file_name,
            content,
            invoice_number: facts.invoice_number,
            credit_note: facts.credit_note,
            seller_siret: facts.seller_siret,
            invoice_xml,
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
    seller_siret: Option<String>,
}

/// Element whose text the reader is collecting.
#[derive(Clone, Copy, PartialEq)]
enum Reading {
    Nothing,
    Number,
    TypeCode,
    /// The seller's SIRET-scheme identifier (0009); the first one read is kept.
    SellerSiret,
    /// The seller's legal registration identifier with scheme 0009 or 0002. EN 16931
    /// reads 0002 as a SIREN, but older Factur-X guidance also puts a SIRET there, so a
    /// value counts as the SIRET only when it has 14 digits.
    SellerLegalId,
}

/// Paths, below the root element, of the elements [`inspect_xml`] reads. Each step is a
/// namespace prefix (`cbc`, `cac`, `rsm` or `ram`, whatever prefixes the file uses) and
/// a local name.
const UBL_NUMBER: &[&str] = &["cbc:ID"];
const UBL_SELLER_ID: &[&str] = &[
    "cac:AccountingSupplierParty",
    "cac:Party",
    "cac:PartyIdentification",
    "cbc:ID",
];
const UBL_SELLER_LEGAL_ID: &[&str] = &[
    "cac:AccountingSupplierParty",
    "cac:Party",
    "cac:PartyLegalEntity",
    "cbc:CompanyID",
];
const CII_NUMBER: &[&str] = &["rsm:ExchangedDocument", "ram:ID"];
const CII_TYPE_CODE: &[&str] = &["rsm:ExchangedDocument", "ram:TypeCode"];
const CII_SELLER_ID: &[&str] = &[
    "rsm:SupplyChainTradeTransaction",
    "ram:ApplicableHeaderTradeAgreement",
    "ram:SellerTradeParty",
    "ram:GlobalID",
];
const CII_SELLER_LEGAL_ID: &[&str] = &[
    "rsm:SupplyChainTradeTransaction",
    "ram:ApplicableHeaderTradeAgreement",
    "ram:SellerTradeParty",
    "ram:SpecifiedLegalOrganization",
    "ram:ID",
];
/// Depth below the root of the deepest path above; deeper elements are not named.
const MAX_READ_DEPTH: usize = 5;
/// Deepest element nesting accepted in a ready file. EN 16931 invoices stay under 15
/// levels, and quick-xml's nesting counter overflows at 65 535.
const MAX_XML_DEPTH: usize = 256;

/// Checks the root element and namespace against the declared syntax, and reads BT-1
/// (`cbc:ID` under the UBL root, `rsm:ExchangedDocument/ram:ID` in CII), whether the
/// document is a credit note, and the seller's SIRET when the file gives one.
///
/// The SIRET is BT-29 with scheme 0009 (`cac:PartyIdentification/cbc:ID` in UBL,
/// `ram:GlobalID` in CII), else BT-30 (`cac:PartyLegalEntity/cbc:CompanyID`,
/// `ram:SpecifiedLegalOrganization/ram:ID`) with scheme 0009, or 0002 when the value has
/// 14 digits. A value that is not 14 digits is never taken as a SIRET.
fn inspect_xml(content: &[u8], syntax: &str) -> Result<FileFacts, Problem> {
    let malformed = |fr: &str, en: &str| {
        problem(
            "file.content_base64",
            &format!("XML mal formé : {fr}"),
            &format!("the XML is not well-formed: {en}"),
        )
    };
    let mut reader = NsReader::from_reader(content);
    let mut root_closed = false;
    let mut buffer = Vec::new();
    let mut root: Option<(Vec<u8>, Vec<u8>)> = None;
    // Element names below the root, up to MAX_READ_DEPTH, and the true depth.
    let mut path: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut reading = Reading::Nothing;
    let mut text = String::new();
    let mut facts = FileFacts::default();
    let mut type_code = String::new();
    let mut legal_id_siret: Option<String> = None;

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
        if root_closed {
            let blank =
                matches!(&event, Event::Text(text) if text.iter().all(u8::is_ascii_whitespace));
            let allowed = blank || matches!(event, Event::Comment(_) | Event::PI(_) | Event::Eof);
            if !allowed {
                return Err(malformed(
                    "contenu après l'élément racine",
                    "content after the root element",
                ));
            }
        }
        match event {
            Event::DocType(_) => {
                return Err(malformed(
                    "déclaration DOCTYPE refusée (entités et DTD ne sont pas acceptées)",
                    "DOCTYPE declaration rejected (entities and DTDs are not accepted)",
                ))
            }
            Event::Start(ref element) | Event::Empty(ref element) if root.is_none() => {
                let local = element.local_name().as_ref().to_vec();
                let found = (namespace, local);
                check_root(&found, syntax)?;
                facts.credit_note = found.1 == b"CreditNote";
                root = Some(found);
                // An empty root has no children, and the End branch never runs for it.
                depth = usize::from(matches!(event, Event::Start(_)));
                root_closed = depth == 0;
            }
            Event::Start(element) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(malformed(
                        &format!("éléments imbriqués sur plus de {MAX_XML_DEPTH} niveaux"),
                        &format!("elements nested more than {MAX_XML_DEPTH} levels deep"),
                    ));
                }
                if depth <= MAX_READ_DEPTH + 1 {
                    path.push(step_name(&namespace, element.local_name().as_ref()));
                    reading = element_to_read(syntax, &path, &element);
                    text.clear();
                }
            }
            Event::Text(content) => {
                let value = content.decode().map_err(unreadable_text)?;
                if let Some(bad) = value.chars().find(|c| !is_xml_char(*c)) {
                    return Err(malformed(
                        &format!("caractère U+{:04X} interdit en XML 1.0", bad as u32),
                        &format!("character U+{:04X} is not allowed in XML 1.0", bad as u32),
                    ));
                }
                if reading != Reading::Nothing {
                    text.push_str(&value);
                }
            }
            // Since quick-xml 0.38 an entity or character reference is its own event.
            Event::GeneralRef(reference) => {
                let name = reference.decode().map_err(unreadable_text)?;
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) if is_xml_char(character) => character.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(resolved) => resolved.to_owned(),
                        None => {
                            return Err(malformed(
                                &format!("entité non définie &{name};"),
                                &format!("undefined entity &{name};"),
                            ))
                        }
                    },
                    _ => {
                        return Err(malformed(
                            &format!("référence de caractère &{name}; interdite en XML 1.0"),
                            &format!("character reference &{name}; is not allowed in XML 1.0"),
                        ))
                    }
                };
                if reading != Reading::Nothing {
                    text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let value = text.trim();
                match reading {
                    Reading::Number if facts.invoice_number.is_none() => {
                        facts.invoice_number = Some(value.to_owned());
                    }
                    Reading::TypeCode => type_code.push_str(value),
                    Reading::SellerSiret if facts.seller_siret.is_none() && is_siret(value) => {
                        facts.seller_siret = Some(value.to_owned());
                    }
                    Reading::SellerLegalId if legal_id_siret.is_none() && is_siret(value) => {
                        legal_id_siret = Some(value.to_owned());
                    }
                    _ => {}
                }
                reading = Reading::Nothing;
                text.clear();
                if depth > 0 && depth <= MAX_READ_DEPTH + 1 {
                    path.pop();
                }
                depth = depth.saturating_sub(1);
                root_closed = depth == 0;
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
    if !root_closed {
        return Err(malformed(
            "le fichier s'arrête avant la fin de l'élément racine",
            "the file ends before the root element is closed",
        ));
    }
    if syntax == SYNTAX_CII {
        facts.credit_note = type_code == "381";
    }
    facts.seller_siret = facts.seller_siret.or(legal_id_siret);
    match &facts.invoice_number {
        Some(number) if !number.is_empty() => Ok(facts),
        _ => Err(problem(
            "file.content_base64",
            "numéro de facture (BT-1) absent du XML",
            "the XML has no invoice number (BT-1)",
        )),
    }
}

/// Tells whether a character may appear in an XML 1.0 document (the `Char` production).
fn is_xml_char(character: char) -> bool {
    matches!(character,
        '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn unreadable_text(error: quick_xml::encoding::EncodingError) -> Problem {
    problem(
        "file.content_base64",
        &format!("texte XML illisible ({error}) : le fichier doit être encodé en UTF-8"),
        &format!("unreadable XML text ({error}): the file must be encoded in UTF-8"),
    )
}

/// Names one step of an element path with the conventional prefix of its namespace.
fn step_name(namespace: &[u8], local: &[u8]) -> String {
    let prefix = match namespace {
        UBL_CBC_NS => "cbc:",
        UBL_CAC_NS => "cac:",
        CII_NS => "rsm:",
        CII_RAM_NS => "ram:",
        _ => "other:",
    };
    format!("{prefix}{}", String::from_utf8_lossy(local))
}

/// Chooses what to collect from the element just opened at `path` below the root.
fn element_to_read(syntax: &str, path: &[String], element: &BytesStart<'_>) -> Reading {
    let at = |expected: &[&str]| path.iter().map(String::as_str).eq(expected.iter().copied());
    let scheme = scheme_id(element);
    let scheme = scheme.as_deref();
    if syntax == SYNTAX_UBL {
        if at(UBL_NUMBER) {
            return Reading::Number;
        }
        if at(UBL_SELLER_ID) && scheme == Some(SCHEME_SIRET) {
            return Reading::SellerSiret;
        }
        if at(UBL_SELLER_LEGAL_ID) {
            return legal_id_reading(scheme);
        }
    } else {
        if at(CII_NUMBER) {
            return Reading::Number;
        }
        if at(CII_TYPE_CODE) {
            return Reading::TypeCode;
        }
        if at(CII_SELLER_ID) && scheme == Some(SCHEME_SIRET) {
            return Reading::SellerSiret;
        }
        if at(CII_SELLER_LEGAL_ID) {
            return legal_id_reading(scheme);
        }
    }
    Reading::Nothing
}

fn legal_id_reading(scheme: Option<&str>) -> Reading {
    match scheme {
        Some(scheme) if scheme == SCHEME_SIRET || scheme == SCHEME_SIREN => Reading::SellerLegalId,
        _ => Reading::Nothing,
    }
}

fn scheme_id(element: &BytesStart<'_>) -> Option<String> {
    let attribute = element.try_get_attribute("schemeID").ok().flatten()?;
    let value = attribute.unescape_value().ok()?;
    Some(value.trim().to_owned())
}

fn is_siret(value: &str) -> bool {
    value.len() == 14 && value.bytes().all(|byte| byte.is_ascii_digit())
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

/// Checks a Factur-X PDF and reads its embedded CII (see [`facturx_pdf`]).
///
/// Accepts a PDF whose `factur-x.xml` this reader cannot extract, without invoice number.
/// Rejects an extracted XML that is not a CII invoice with a number, as the portal would.
fn inspect_pdf(content: &[u8]) -> Result<(FileFacts, InvoiceXml), Problem> {
    let xml = match facturx_pdf::read_embedded_xml(content)? {
        EmbeddedXml::Found(xml) => xml,
        EmbeddedXml::Unreadable(reason) => {
            return Ok((FileFacts::default(), InvoiceXml::Unreadable(reason)))
        }
    };
    match inspect_xml(&xml, SYNTAX_CII) {
        Ok(facts) => Ok((facts, InvoiceXml::Embedded(xml))),
        Err(inner) => Err(problem(
            "file.content_base64",
            &format!("factur-x.xml du PDF invalide : {}", inner.message_fr),
            &format!("invalid factur-x.xml in the PDF: {}", inner.message_en),
        )),
    }
}

pub(super) fn problem(path: &str, message_fr: &str, message_en: &str) -> Problem {
    Problem {
        path: path.to_owned(),
        message_fr: message_fr.to_owned(),
        message_en: message_en.to_owned(),
    }
}

/// Writes the `{"file": ...}` request of a file, for the tests of this module and of
/// [`super::requests`].
#[cfg(test)]
pub(super) fn file_request_json(syntax: &str, file_name: &str, content: &[u8]) -> String {
    serde_json::json!({"file": {
        "syntax": syntax,
        "file_name": file_name,
        "content_base64": base64::engine::general_purpose::STANDARD.encode(content),
    }})
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(syntax: &str, file_name: &str, content: &[u8]) -> String {
        file_request_json(syntax, file_name, content)
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
    fn malformed_xml_rejected() {
        let deep = format!(
            "{}{}{}",
            UBL.replace("</Invoice>", "").trim_end(),
            "<a>".repeat(MAX_XML_DEPTH + 1),
            "</a>".repeat(MAX_XML_DEPTH + 1) + "</Invoice>"
        );
        let cases = [
            (
                UBL.replace("</Invoice>", ""),
                "before the root element is closed",
            ),
            (format!("{UBL}<junk/>"), "content after the root element"),
            (UBL.replace("U-1", "U&nope;1"), "undefined entity &nope;"),
            (UBL.replace("U-1", "U&#1;1"), "&#1; is not allowed"),
            (UBL.replace("U-1", "U\u{1}1"), "U+0001 is not allowed"),
            (
                format!("<!DOCTYPE Invoice [<!ENTITY x \"AB\">]>{UBL}"),
                "DOCTYPE declaration rejected",
            ),
            (deep, "nested more than 256 levels"),
        ];
        for (xml, expected) in cases {
            let problems =
                parse_ready_file(&request(SYNTAX_UBL, "a.xml", xml.as_bytes())).unwrap_err();
            assert_eq!(paths(&problems), ["file.content_base64"], "{expected}");
            assert!(
                problems[0].message_en.contains(expected),
                "{expected}: {problems:?}"
            );
        }
        // Predefined entities and valid character references are read.
        let escaped = UBL.replace("U-1", "U&amp;&#x41;1");
        let file = parse_ready_file(&request(SYNTAX_UBL, "a.xml", escaped.as_bytes())).unwrap();
        assert_eq!(file.invoice_number.as_deref(), Some("U&A1"));
    }

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

    /// A CII credit note whose seller gives its SIRET in `ram:GlobalID`.
    const CII_SELLER: &str = r#"<?xml version="1.0"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>FX-9</ram:ID><ram:TypeCode>381</ram:TypeCode></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
    <ram:SellerTradeParty>
      <ram:GlobalID schemeID="0088">3000000000000</ram:GlobalID>
      <ram:GlobalID schemeID="0009">12345678200010</ram:GlobalID>
      <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">123456782</ram:ID></ram:SpecifiedLegalOrganization>
    </ram:SellerTradeParty>
    <ram:BuyerTradeParty><ram:GlobalID schemeID="0009">98765432100017</ram:GlobalID></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"#;

    fn read(syntax: &str, file_name: &str, content: &[u8]) -> ReadyFile {
        parse_ready_file(&request(syntax, file_name, content)).expect("valid ready file")
    }

    #[test]
    fn compressed_facturx_read() {
        let pdf = facturx_pdf::test_pdf::compressed_facturx(CII_SELLER.as_bytes());
        let file = read(SYNTAX_FACTURX, "f.PDF", &pdf);
        assert_eq!(file.invoice_number.as_deref(), Some("FX-9"));
        assert!(file.credit_note);
        assert_eq!(file.seller_siret.as_deref(), Some("12345678200010"));
        assert_eq!(file.content, pdf);
        assert_eq!(file.xml().unwrap(), CII_SELLER.as_bytes());
    }

    #[test]
    fn object_stream_facturx_read() {
        let invoice = CII.replace("<ram:TypeCode>381", "<ram:TypeCode>380");
        let pdf = facturx_pdf::test_pdf::object_stream_facturx(invoice.as_bytes());
        let file = read(SYNTAX_FACTURX, "f.pdf", &pdf);
        assert_eq!(file.invoice_number.as_deref(), Some("C-17"));
        assert!(!file.credit_note);
        assert_eq!(file.seller_siret, None);
    }

    #[test]
    fn facturx_problems_rejected() {
        let plain = b"%PDF-1.7\n1 0 obj << /Type /EmbeddedFile >> endobj".to_vec();
        let problems = parse_ready_file(&request(SYNTAX_FACTURX, "f.pdf", &plain)).unwrap_err();
        assert_eq!(paths(&problems), ["file.content_base64"]);

        let problems =
            parse_ready_file(&request(SYNTAX_FACTURX, "f.xml", CII.as_bytes())).unwrap_err();
        assert_eq!(paths(&problems), ["file.file_name", "file.content_base64"]);

        // The embedded file must be a CII invoice with a number, as the portal reads it.
        let ubl_inside = facturx_pdf::test_pdf::compressed_facturx(UBL.as_bytes());
        let problems =
            parse_ready_file(&request(SYNTAX_FACTURX, "f.pdf", &ubl_inside)).unwrap_err();
        assert_eq!(paths(&problems), ["file.content_base64"]);
        assert!(
            problems[0]
                .message_en
                .starts_with("invalid factur-x.xml in the PDF: syntax"),
            "{problems:?}"
        );
    }

    #[test]
    fn unreadable_facturx_accepted_without_number() {
        use facturx_pdf::test_pdf::{pdf, stream, FILE_SPECIFICATION};
        let pdf = pdf(&[
            (4, FILE_SPECIFICATION.as_bytes().to_vec()),
            (5, stream("/Filter /ASCII85Decode", b"87cURD]i,\"Ebo80~>")),
        ]);
        let file = read(SYNTAX_FACTURX, "f.pdf", &pdf);
        assert_eq!(file.invoice_number, None);
        assert_eq!(file.seller_siret, None);
        let reason = file.xml().unwrap_err();
        assert!(
            reason.message_en.contains("only /FlateDecode"),
            "{reason:?}"
        );
    }

    #[test]
    fn cii_seller_legal_id_read() {
        let without_global_id = CII_SELLER.replace(
            r#"<ram:GlobalID schemeID="0009">12345678200010</ram:GlobalID>"#,
            "",
        );
        // A 9-digit SIREN under scheme 0002 is not a SIRET.
        let file = read(SYNTAX_CII, "c.xml", without_global_id.as_bytes());
        assert_eq!(file.seller_siret, None);

        // Older Factur-X files put the 14-digit SIRET under scheme 0002.
        let siret_as_0002 = without_global_id.replace(">123456782<", ">12345678200028<");
        let file = read(SYNTAX_CII, "c.xml", siret_as_0002.as_bytes());
        assert_eq!(file.seller_siret.as_deref(), Some("12345678200028"));

        let unknown_scheme = siret_as_0002.replace("\"0002\"", "\"0088\"");
        let file = read(SYNTAX_CII, "c.xml", unknown_scheme.as_bytes());
        assert_eq!(file.seller_siret, None);
    }

    #[test]
    fn ubl_seller_siret_read() {
        let party = r#"<cac:AccountingSupplierParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeID="0088">3000000000000</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="0009"> 12345678200010 </cbc:ID></cac:PartyIdentification>
    <cac:PartyLegalEntity><cbc:CompanyID schemeID="0002">123456782</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeID="0009">98765432100017</cbc:ID></cac:PartyIdentification>
  </cac:Party></cac:AccountingCustomerParty>
</Invoice>"#;
        let with_seller = UBL.replace("</Invoice>", party);
        let file = read(SYNTAX_UBL, "u.xml", with_seller.as_bytes());
        assert_eq!(file.invoice_number.as_deref(), Some("U-1"));
        assert_eq!(file.seller_siret.as_deref(), Some("12345678200010"));

        let legal_only = with_seller.replace(
            r#"<cac:PartyIdentification><cbc:ID schemeID="0009"> 12345678200010 </cbc:ID></cac:PartyIdentification>"#,
            "",
        );
        let file = read(SYNTAX_UBL, "u.xml", legal_only.as_bytes());
        assert_eq!(file.seller_siret, None);
        let legal_siret = legal_only.replace(
            r#"schemeID="0002">123456782<"#,
            r#"schemeID="0009">12345678200010<"#,
        );
        let file = read(SYNTAX_UBL, "u.xml", legal_siret.as_bytes());
        assert_eq!(file.seller_siret.as_deref(), Some("12345678200010"));
    }

    #[test]
    fn escaped_invoice_number_read() {
        let escaped = UBL.replace("<cbc:ID>U-1</cbc:ID>", "<cbc:ID>U&amp;1&#45;B</cbc:ID>");
        let file = read(SYNTAX_UBL, "u.xml", escaped.as_bytes());
        assert_eq!(file.invoice_number.as_deref(), Some("U&1-B"));
    }

    #[test]
    fn request_detection() {
        assert!(is_ready_file_request(r#"{"file": {}}"#));
        assert!(!is_ready_file_request(r#"{"number": "F1"}"#));
        assert!(!is_ready_file_request("["));
    }
}
