//! Reading the invoice data that Chorus Pro routes on from UBL 2.1 and CII D16B files.
//!
//! The sandbox does not validate against the XSDs or schematrons. It checks that the
//! file is well-formed UTF-8 XML with the root element of the declared syntax and an
//! invoice number, then extracts the fields its rejection rules and searches use.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

const UBL_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const RAM: &str =
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

/// Deepest element nesting accepted. Real invoices stay under 20 levels; the limit
/// keeps a hostile file from exhausting the worker thread's stack.
const MAX_DEPTH: usize = 256;

/// ISO 6523 ICD of a SIRET number.
const SIRET_SCHEME: &str = "0009";

/// UNTDID 1001 document type codes read as credit notes.
const CREDIT_NOTE_TYPE_CODES: [&str; 2] = ["381", "261"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceSyntax {
    /// `IN_DP_E1_UBL_INVOICE`: a UBL 2.1 `Invoice` or `CreditNote`.
    Ubl,
    /// `IN_DP_E1_CII_16B`: a UN/CEFACT `CrossIndustryInvoice`.
    Cii,
}

/// The invoice fields the sandbox reads. Text values are trimmed; empty ones are `None`.
#[derive(Clone, Debug, Default)]
pub struct InvoiceData {
    pub numero: String,
    /// A UBL `CreditNote`, or a document type code of a credit note (381, 261).
    pub is_credit_note: bool,
    /// Issue date, `YYYY-MM-DD`.
    pub date_facture: Option<String>,
    pub date_echeance: Option<String>,
    pub devise: Option<String>,
    pub supplier_identifier: Option<String>,
    pub buyer_identifier: Option<String>,
    pub service_code: Option<String>,
    pub engagement: Option<String>,
    pub numero_marche: Option<String>,
    pub numero_facture_origine: Option<String>,
    /// Billing framework such as `A1`, from the CII business process or UBL `ProfileID`.
    pub cadre: Option<String>,
    /// SIRET and service code of the structure that validates an A9 or A12 invoice,
    /// read from the seller's `cac:AgentParty` as the legacy Chorus UBL profile wrote
    /// them. How EN 16931 files carry them is not documented, so CII files give none.
    pub validator_siret: Option<String>,
    pub validator_service_code: Option<String>,
    /// UNTDID 4461 payment means code, e.g. `30` for a credit transfer.
    pub payment_means_code: Option<String>,
    /// Decimal amounts exactly as written in the file.
    pub montant_ht: Option<String>,
    pub montant_tva: Option<String>,
    pub montant_ttc: Option<String>,
    pub montant_a_payer: Option<String>,
}

#[derive(Debug)]
pub enum ExtractError {
    NotUtf8,
    NotWellFormed {
        line: usize,
        column: usize,
        message: String,
    },
    WrongRoot {
        expected: &'static str,
        found: String,
    },
    MissingElement(&'static str),
}

/// Parses `bytes` as a file of the given syntax and extracts its invoice data.
pub fn extract(syntax: InvoiceSyntax, bytes: &[u8]) -> Result<InvoiceData, ExtractError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ExtractError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = parse_document(text)?;
    match syntax {
        InvoiceSyntax::Ubl => extract_ubl(&root),
        InvoiceSyntax::Cii => extract_cii(&root),
    }
}

/// One XML element with its namespace-resolved name, attributes, text and children.
struct Element {
    namespace: String,
    name: String,
    /// Attributes by local name; the invoice attributes read here have no prefix.
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, namespace: &str, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|child| child.namespace == namespace && child.name == name)
    }

    fn children_named<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |child| child.namespace == namespace && child.name == name)
    }

    /// Follows a path of `(namespace, local name)` steps, taking the first match each time.
    fn find(&self, path: &[(&str, &str)]) -> Option<&Element> {
        let mut current = self;
        for (namespace, name) in path {
            current = current.child(namespace, name)?;
        }
        Some(current)
    }

    fn find_text(&self, path: &[(&str, &str)]) -> Option<String> {
        self.find(path).and_then(Element::trimmed_text)
    }

    fn trimmed_text(&self) -> Option<String> {
        let text = self.text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(attribute_name, _)| attribute_name == name)
            .map(|(_, value)| value.as_str())
    }
}

fn parse_document(text: &str) -> Result<Element, ExtractError> {
    let mut reader = NsReader::from_str(text);
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;

    loop {
        let position = reader.buffer_position();
        let not_well_formed =
            |message: String, at: u64| -> ExtractError { error_at(text, at, message) };
        let resolved = reader
            .read_resolved_event()
            .map(|(namespace, event)| (resolved_namespace(namespace), event));
        let (namespace, event) = match resolved {
            Ok(resolved) => resolved,
            Err(error) => return Err(not_well_formed(error.to_string(), reader.error_position())),
        };
        match event {
            Event::Start(start) => {
                if open.len() >= MAX_DEPTH {
                    return Err(not_well_formed(
                        format!("elements are nested deeper than {MAX_DEPTH} levels"),
                        position,
                    ));
                }
                open.push(new_element(namespace, &start));
            }
            Event::Empty(start) => {
                let element = new_element(namespace, &start);
                attach(element, &mut open, &mut root).map_err(|m| not_well_formed(m, position))?;
            }
            Event::End(_) => {
                // quick-xml checks that end tags match, so an End always has an open element.
                if let Some(element) = open.pop() {
                    attach(element, &mut open, &mut root)
                        .map_err(|m| not_well_formed(m, position))?;
                }
            }
            Event::Text(content) => {
                let content = content
                    .xml10_content()
                    .map_err(|error| not_well_formed(error.to_string(), position))?;
                append_text(&mut open, &content).map_err(|m| not_well_formed(m, position))?;
            }
            Event::CData(content) => {
                let content = content
                    .decode()
                    .map_err(|error| not_well_formed(error.to_string(), position))?;
                append_text(&mut open, &content).map_err(|m| not_well_formed(m, position))?;
            }
            Event::GeneralRef(reference) => {
                let name = reference
                    .decode()
                    .map_err(|error| not_well_formed(error.to_string(), position))?;
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(value) => value.to_string(),
                        None => {
                            return Err(not_well_formed(
                                format!("entity &{name}; is not declared"),
                                position,
                            ))
                        }
                    },
                    Err(error) => return Err(not_well_formed(error.to_string(), position)),
                };
                append_text(&mut open, &resolved).map_err(|m| not_well_formed(m, position))?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }

    if let Some(unclosed) = open.last() {
        return Err(error_at(
            text,
            u64::try_from(text.len()).unwrap_or(u64::MAX),
            format!("element <{}> is not closed", unclosed.name),
        ));
    }
    root.ok_or_else(|| error_at(text, 0, "the file contains no XML element".to_string()))
}

fn resolved_namespace(namespace: ResolveResult<'_>) -> String {
    match namespace {
        ResolveResult::Bound(namespace) => String::from_utf8_lossy(namespace.as_ref()).into_owned(),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => String::new(),
    }
}

fn new_element(namespace: String, start: &BytesStart<'_>) -> Element {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let attributes = start
        .attributes()
        .flatten()
        .map(|attribute| {
            let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
            let value = attribute
                .unescape_value()
                .unwrap_or(Cow::Borrowed(""))
                .into_owned();
            (key, value)
        })
        .collect();
    Element {
        namespace,
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    }
}

fn attach(
    element: Element,
    open: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), String> {
    if let Some(parent) = open.last_mut() {
        parent.children.push(element);
        Ok(())
    } else if root.is_none() {
        *root = Some(element);
        Ok(())
    } else {
        Err(format!(
            "second root element <{}> after the document element",
            element.name
        ))
    }
}

fn append_text(open: &mut [Element], content: &str) -> Result<(), String> {
    match open.last_mut() {
        Some(element) => {
            element.text.push_str(content);
            Ok(())
        }
        None if content.trim().is_empty() => Ok(()),
        None => Err("text outside the document element".to_string()),
    }
}

/// Builds a well-formedness error with the 1-based line and column of a byte offset.
fn error_at(text: &str, byte_offset: u64, message: String) -> ExtractError {
    let offset = usize::try_from(byte_offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |index| index + 1);
    ExtractError::NotWellFormed {
        line,
        column: offset - line_start + 1,
        message,
    }
}

fn extract_ubl(root: &Element) -> Result<InvoiceData, ExtractError> {
    let is_credit_note = match (root.namespace.as_str(), root.name.as_str()) {
        (UBL_INVOICE, "Invoice") => false,
        (UBL_CREDIT_NOTE, "CreditNote") => true,
        _ => {
            return Err(ExtractError::WrongRoot {
                expected: "Invoice (urn:oasis:names:specification:ubl:schema:xsd:Invoice-2) ou CreditNote (urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2)",
                found: describe_root(root),
            })
        }
    };
    let numero = root
        .find_text(&[(CBC, "ID")])
        .ok_or(ExtractError::MissingElement("cbc:ID"))?;
    let type_code = if is_credit_note {
        root.find_text(&[(CBC, "CreditNoteTypeCode")])
    } else {
        root.find_text(&[(CBC, "InvoiceTypeCode")])
    };

    let supplier = root.find(&[(CAC, "AccountingSupplierParty"), (CAC, "Party")]);
    let agent = supplier.and_then(|supplier| supplier.child(CAC, "AgentParty"));
    let customer = root.find(&[(CAC, "AccountingCustomerParty")]);
    let buyer = customer.and_then(|customer| customer.child(CAC, "Party"));
    // EN 16931 UBL puts the service code in BuyerReference; the older Chorus UBL
    // dialect put it in the buyer's AccountingContact.
    let service_code = root.find_text(&[(CBC, "BuyerReference")]).or_else(|| {
        customer.and_then(|customer| customer.find_text(&[(CAC, "AccountingContact"), (CBC, "ID")]))
    });
    let totals = root.child(CAC, "LegalMonetaryTotal");
    let amount = |name: &str| totals.and_then(|totals| totals.find_text(&[(CBC, name)]));
    let montant_tva = root
        .children_named(CAC, "TaxTotal")
        .find_map(|total| total.find_text(&[(CBC, "TaxAmount")]));
    let due_date = root
        .find_text(&[(CBC, "DueDate")])
        .or_else(|| root.find_text(&[(CAC, "PaymentMeans"), (CBC, "PaymentDueDate")]));

    Ok(InvoiceData {
        numero,
        is_credit_note: is_credit_note || is_credit_note_code(type_code.as_deref()),
        date_facture: root.find_text(&[(CBC, "IssueDate")]),
        date_echeance: due_date,
        devise: root.find_text(&[(CBC, "DocumentCurrencyCode")]),
        supplier_identifier: supplier.and_then(ubl_party_siret),
        buyer_identifier: buyer.and_then(ubl_party_siret),
        service_code,
        engagement: root.find_text(&[(CAC, "OrderReference"), (CBC, "ID")]),
        numero_marche: root.find_text(&[(CAC, "ContractDocumentReference"), (CBC, "ID")]),
        numero_facture_origine: root.find_text(&[
            (CAC, "BillingReference"),
            (CAC, "InvoiceDocumentReference"),
            (CBC, "ID"),
        ]),
        cadre: root.find_text(&[(CBC, "ProfileID")]),
        validator_siret: agent.and_then(ubl_party_siret),
        validator_service_code: agent
            .and_then(|agent| agent.find_text(&[(CAC, "Contact"), (CBC, "ID")])),
        payment_means_code: root.find_text(&[(CAC, "PaymentMeans"), (CBC, "PaymentMeansCode")]),
        montant_ht: amount("TaxExclusiveAmount"),
        montant_tva,
        montant_ttc: amount("TaxInclusiveAmount"),
        montant_a_payer: amount("PayableAmount"),
    })
}

/// Reads a UBL party's SIRET: a `PartyIdentification/ID` with scheme 0009 or with no
/// scheme (the older Chorus dialect), else the legal entity's `CompanyID`.
fn ubl_party_siret(party: &Element) -> Option<String> {
    let identifications: Vec<&Element> = party
        .children_named(CAC, "PartyIdentification")
        .filter_map(|identification| identification.child(CBC, "ID"))
        .collect();
    let with_siret_scheme = identifications
        .iter()
        .find(|id| id.attribute("schemeID") == Some(SIRET_SCHEME));
    let without_scheme = identifications
        .iter()
        .find(|id| id.attribute("schemeID").is_none());
    with_siret_scheme
        .or(without_scheme)
        .and_then(|id| id.trimmed_text())
        .or_else(|| party.find_text(&[(CAC, "PartyLegalEntity"), (CBC, "CompanyID")]))
}

fn extract_cii(root: &Element) -> Result<InvoiceData, ExtractError> {
    if root.namespace != RSM || root.name != "CrossIndustryInvoice" {
        return Err(ExtractError::WrongRoot {
            expected: "rsm:CrossIndustryInvoice (urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100)",
            found: describe_root(root),
        });
    }
    let document = root.child(RSM, "ExchangedDocument");
    let numero = document
        .and_then(|document| document.find_text(&[(RAM, "ID")]))
        .ok_or(ExtractError::MissingElement("rsm:ExchangedDocument/ram:ID"))?;
    let type_code = document.and_then(|document| document.find_text(&[(RAM, "TypeCode")]));
    let issue_date = document
        .and_then(|document| document.find_text(&[(RAM, "IssueDateTime"), (UDT, "DateTimeString")]))
        .map(|date| cii_date(&date));

    let transaction = root.child(RSM, "SupplyChainTradeTransaction");
    let agreement = transaction.and_then(|t| t.child(RAM, "ApplicableHeaderTradeAgreement"));
    let settlement = transaction.and_then(|t| t.child(RAM, "ApplicableHeaderTradeSettlement"));
    let agreement_text =
        |path: &[(&str, &str)]| agreement.and_then(|agreement| agreement.find_text(path));
    let settlement_text =
        |path: &[(&str, &str)]| settlement.and_then(|settlement| settlement.find_text(path));
    let summation =
        settlement.and_then(|s| s.child(RAM, "SpecifiedTradeSettlementHeaderMonetarySummation"));
    let amount = |name: &str| summation.and_then(|summation| summation.find_text(&[(RAM, name)]));
    let devise = settlement_text(&[(RAM, "InvoiceCurrencyCode")]);
    // TaxTotalAmount may appear once per currency; take the one in the invoice currency.
    let montant_tva = summation.and_then(|summation| {
        let totals: Vec<&Element> = summation.children_named(RAM, "TaxTotalAmount").collect();
        totals
            .iter()
            .find(|total| total.attribute("currencyID") == devise.as_deref())
            .or(totals.first())
            .and_then(|total| total.trimmed_text())
    });

    Ok(InvoiceData {
        numero,
        is_credit_note: is_credit_note_code(type_code.as_deref()),
        date_facture: issue_date,
        date_echeance: settlement_text(&[
            (RAM, "SpecifiedTradePaymentTerms"),
            (RAM, "DueDateDateTime"),
            (UDT, "DateTimeString"),
        ])
        .map(|date| cii_date(&date)),
        devise: devise.clone(),
        supplier_identifier: agreement
            .and_then(|agreement| agreement.child(RAM, "SellerTradeParty"))
            .and_then(cii_party_siret),
        buyer_identifier: agreement
            .and_then(|agreement| agreement.child(RAM, "BuyerTradeParty"))
            .and_then(cii_party_siret),
        service_code: agreement_text(&[(RAM, "BuyerReference")]),
        engagement: agreement_text(&[
            (RAM, "BuyerOrderReferencedDocument"),
            (RAM, "IssuerAssignedID"),
        ]),
        numero_marche: agreement_text(&[
            (RAM, "ContractReferencedDocument"),
            (RAM, "IssuerAssignedID"),
        ]),
        numero_facture_origine: settlement_text(&[
            (RAM, "InvoiceReferencedDocument"),
            (RAM, "IssuerAssignedID"),
        ]),
        cadre: root.find_text(&[
            (RSM, "ExchangedDocumentContext"),
            (RAM, "BusinessProcessSpecifiedDocumentContextParameter"),
            (RAM, "ID"),
        ]),
        validator_siret: None,
        validator_service_code: None,
        payment_means_code: settlement_text(&[
            (RAM, "SpecifiedTradeSettlementPaymentMeans"),
            (RAM, "TypeCode"),
        ]),
        montant_ht: amount("TaxBasisTotalAmount"),
        montant_tva,
        montant_ttc: amount("GrandTotalAmount"),
        montant_a_payer: amount("DuePayableAmount"),
    })
}

/// Reads a CII party's SIRET: `GlobalID` with scheme 0009, else `ID`, else the
/// legal organisation's `ID`.
fn cii_party_siret(party: &Element) -> Option<String> {
    party
        .children_named(RAM, "GlobalID")
        .find(|id| id.attribute("schemeID") == Some(SIRET_SCHEME))
        .and_then(Element::trimmed_text)
        .or_else(|| party.find_text(&[(RAM, "ID")]))
        .or_else(|| party.find_text(&[(RAM, "SpecifiedLegalOrganization"), (RAM, "ID")]))
}

/// Converts a CII date in format 102 (`YYYYMMDD`) to `YYYY-MM-DD`; other text is kept.
fn cii_date(date: &str) -> String {
    if date.len() == 8 && date.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{}-{}-{}", &date[0..4], &date[4..6], &date[6..8])
    } else {
        date.to_string()
    }
}

fn is_credit_note_code(type_code: Option<&str>) -> bool {
    type_code.is_some_and(|code| CREDIT_NOTE_TYPE_CODES.contains(&code))
}

fn describe_root(root: &Element) -> String {
    if root.namespace.is_empty() {
        root.name.clone()
    } else {
        format!("{} ({})", root.name, root.namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UBL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>F-2026-0001</cbc:ID>
  <cbc:IssueDate>2026-06-17</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>120943</cbc:BuyerReference>
  <cac:OrderReference><cbc:ID>PO &amp; 42</cbc:ID></cac:OrderReference>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyIdentification><cbc:ID schemeID="0224">ROUTE</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="0009">99999999800019</cbc:ID></cac:PartyIdentification>
    <cac:AgentParty>
      <cac:PartyIdentification><cbc:ID schemeID="0009">41234567000001</cbc:ID></cac:PartyIdentification>
      <cac:Contact><cbc:ID>CHANTIERS</cbc:ID></cac:Contact>
    </cac:AgentParty>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:CompanyID>78787878400018</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
</Invoice>"#;

    #[test]
    fn extracts_ubl_invoice() {
        let data = extract(InvoiceSyntax::Ubl, UBL.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(data.numero, "F-2026-0001");
        assert!(!data.is_credit_note);
        assert_eq!(data.supplier_identifier.as_deref(), Some("99999999800019"));
        assert_eq!(data.buyer_identifier.as_deref(), Some("78787878400018"));
        assert_eq!(data.service_code.as_deref(), Some("120943"));
        assert_eq!(data.engagement.as_deref(), Some("PO & 42"));
        assert_eq!(data.montant_ht.as_deref(), Some("100.00"));
        assert_eq!(data.montant_tva.as_deref(), Some("20.00"));
        assert_eq!(data.montant_ttc.as_deref(), Some("120.00"));
        assert_eq!(data.date_facture.as_deref(), Some("2026-06-17"));
        assert_eq!(data.devise.as_deref(), Some("EUR"));
        assert_eq!(data.validator_siret.as_deref(), Some("41234567000001"));
        assert_eq!(data.validator_service_code.as_deref(), Some("CHANTIERS"));
    }

    #[test]
    fn cii_root_rejected_for_ubl() {
        let cii = r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>"#;
        let result = extract(InvoiceSyntax::Ubl, cii.as_bytes());
        assert!(
            matches!(result, Err(ExtractError::WrongRoot { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn reports_position_of_malformed_xml() {
        let broken = "<Invoice>\n  <a></b>\n</Invoice>";
        match extract(InvoiceSyntax::Ubl, broken.as_bytes()) {
            Err(ExtractError::NotWellFormed { line, .. }) => assert_eq!(line, 2),
            other => panic!("expected a well-formedness error, got {other:?}"),
        }
    }

    #[test]
    fn rejects_unclosed_and_non_utf8_files() {
        assert!(matches!(
            extract(InvoiceSyntax::Ubl, b"<Invoice><cbc:ID>"),
            Err(ExtractError::NotWellFormed { .. })
        ));
        assert!(matches!(
            extract(InvoiceSyntax::Ubl, b"\xff\xfe<\x00"),
            Err(ExtractError::NotUtf8)
        ));
        assert!(matches!(
            extract(InvoiceSyntax::Ubl, b"%PDF-1.7 not xml"),
            Err(ExtractError::NotWellFormed { .. })
        ));
    }

    #[test]
    fn limits_nesting_depth() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            extract(InvoiceSyntax::Ubl, deep.as_bytes()),
            Err(ExtractError::NotWellFormed { .. })
        ));
    }
}
