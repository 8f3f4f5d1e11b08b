//! Tests of the UBL writer: content, element order, escaping and both document roots.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::super::{parse_invoice, Invoice, Problem};
use crate::config::BankAccount;

const SAMPLE: &str = include_str!("../../../examples/invoices/facturx-ubl-21-en16931.json");
const CREDIT_NOTE: &str = include_str!("../../../examples/invoices/credit-note.json");

fn sample() -> Invoice {
    parse_invoice(SAMPLE).expect("sample parses")
}

fn credit_note() -> Invoice {
    parse_invoice(CREDIT_NOTE).expect("credit note parses")
}

fn xml_of(invoice: &Invoice, default_bank: Option<&BankAccount>) -> String {
    let bytes = invoice.to_ubl(default_bank).expect("invoice is valid");
    String::from_utf8(bytes).expect("UBL output is UTF-8")
}

/// Parses `xml` fully and returns the local names of the root's child elements.
fn top_level_elements(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0;
    let mut names = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                if depth == 1 {
                    names.push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
                }
                depth += 1;
            }
            Event::Empty(start) => {
                panic!(
                    "empty element {:?}",
                    String::from_utf8_lossy(start.name().as_ref())
                )
            }
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    names
}

/// Returns the names of elements that contain neither text nor children.
fn empty_elements(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut empty = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                if let Some(parent) = stack.last_mut() {
                    parent.1 = true;
                }
                stack.push((
                    String::from_utf8_lossy(start.name().as_ref()).into_owned(),
                    false,
                ));
            }
            Event::Text(text) if !text.as_ref().iter().all(u8::is_ascii_whitespace) => {
                if let Some(current) = stack.last_mut() {
                    current.1 = true;
                }
            }
            Event::GeneralRef(_) => {
                if let Some(current) = stack.last_mut() {
                    current.1 = true;
                }
            }
            Event::End(_) => {
                let (name, has_content) = stack.pop().expect("balanced tags");
                if !has_content {
                    empty.push(name);
                }
            }
            Event::Empty(start) => {
                empty.push(String::from_utf8_lossy(start.name().as_ref()).into_owned())
            }
            Event::Eof => break,
            _ => {}
        }
    }
    empty
}

#[test]
fn sample_header_and_references() {
    let xml = xml_of(&sample(), None);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\""));
    for expected in [
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>",
        "<cbc:ProfileID>A1</cbc:ProfileID>",
        "<cbc:ID>F124212</cbc:ID>",
        "<cbc:DueDate>2026-07-16</cbc:DueDate>",
        "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
        "<cbc:Note>#AAI#Ceci est une information générale</cbc:Note>",
        "<cbc:Note>note sans sujet !</cbc:Note>",
        "<cbc:BuyerReference>120943</cbc:BuyerReference>",
        "<cac:OrderReference>\n    <cbc:ID>PO1242</cbc:ID>",
        "<cac:ContractDocumentReference>\n    <cbc:ID>Contrat_du_siècle</cbc:ID>",
        "<cbc:ID>F124211</cbc:ID>\n      <cbc:IssueDate>2025-12-30</cbc:IssueDate>",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
}

#[test]
fn sample_party_identifiers() {
    let xml = xml_of(&sample(), None);
    for expected in [
        "<cbc:EndpointID schemeID=\"0225\">999999998_042</cbc:EndpointID>",
        "<cbc:ID schemeID=\"0009\">99999999800019</cbc:ID>",
        "<cbc:CompanyID schemeID=\"0002\">999999998</cbc:CompanyID>",
        "<cbc:ID schemeID=\"0009\">78787878400018</cbc:ID>",
        "<cbc:CompanyID schemeID=\"0009\">78787878400018</cbc:CompanyID>",
        "<cbc:CompanyID>FR11999999998</cbc:CompanyID>",
        "<cbc:RegistrationName>Ma jolie boutique SARL</cbc:RegistrationName>",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
}

#[test]
fn sample_totals_written() {
    let xml = xml_of(&sample(), None);
    for expected in [
        "<cbc:TaxAmount currencyID=\"EUR\">35.03</cbc:TaxAmount>",
        "<cbc:TaxableAmount currencyID=\"EUR\">138.00</cbc:TaxableAmount>\n      <cbc:TaxAmount currencyID=\"EUR\">27.60</cbc:TaxAmount>",
        "<cbc:TaxableAmount currencyID=\"EUR\">135.00</cbc:TaxableAmount>\n      <cbc:TaxAmount currencyID=\"EUR\">7.43</cbc:TaxAmount>",
        "<cbc:Percent>5.50</cbc:Percent>",
        "<cbc:LineExtensionAmount currencyID=\"EUR\">273.00</cbc:LineExtensionAmount>",
        "<cbc:TaxExclusiveAmount currencyID=\"EUR\">273.00</cbc:TaxExclusiveAmount>",
        "<cbc:TaxInclusiveAmount currencyID=\"EUR\">308.03</cbc:TaxInclusiveAmount>",
        "<cbc:AllowanceTotalAmount currencyID=\"EUR\">5.50</cbc:AllowanceTotalAmount>",
        "<cbc:ChargeTotalAmount currencyID=\"EUR\">5.50</cbc:ChargeTotalAmount>",
        "<cbc:PrepaidAmount currencyID=\"EUR\">100.00</cbc:PrepaidAmount>",
        "<cbc:PayableAmount currencyID=\"EUR\">208.03</cbc:PayableAmount>",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
}

#[test]
fn sample_lines_written() {
    let xml = xml_of(&sample(), None);
    for expected in [
        "<cbc:InvoicedQuantity unitCode=\"C62\">10</cbc:InvoicedQuantity>\n    <cbc:LineExtensionAmount currencyID=\"EUR\">135.00</cbc:LineExtensionAmount>",
        "<cbc:PriceAmount currencyID=\"EUR\">13.50</cbc:PriceAmount>",
        "<cbc:Amount currencyID=\"EUR\">1.50</cbc:Amount>\n        <cbc:BaseAmount currencyID=\"EUR\">15.00</cbc:BaseAmount>",
        "<cbc:PriceAmount currencyID=\"EUR\">6.90</cbc:PriceAmount>",
        "<cbc:ID schemeID=\"0160\">3518370900150</cbc:ID>",
        "<cbc:StartDate>2026-06-14</cbc:StartDate>",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
}

#[test]
fn sample_payment_means_from_seller_account() {
    let xml = xml_of(&sample(), None);
    let expected = "<cac:PaymentMeans>
    <cbc:PaymentMeansCode name=\"Libellé du moyen de paiement\">30</cbc:PaymentMeansCode>
    <cbc:PaymentID>2026-06-17 00:00:00</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>FR9862738461697634625245589</cbc:ID>
      <cbc:Name>Au bon moulin SARL</cbc:Name>
      <cac:FinancialInstitutionBranch>
        <cbc:ID>QNTOFRP1XXX</cbc:ID>
      </cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>";
    assert!(xml.contains(expected), "{xml}");
}

#[test]
fn invoice_element_order() {
    let xml = xml_of(&sample(), None);
    let expected = [
        "cbc:UBLVersionID",
        "cbc:CustomizationID",
        "cbc:ProfileID",
        "cbc:ID",
        "cbc:IssueDate",
        "cbc:DueDate",
        "cbc:InvoiceTypeCode",
        "cbc:Note",
        "cbc:Note",
        "cbc:Note",
        "cbc:Note",
        "cbc:Note",
        "cbc:Note",
        "cbc:DocumentCurrencyCode",
        "cbc:AccountingCost",
        "cbc:BuyerReference",
        "cac:InvoicePeriod",
        "cac:OrderReference",
        "cac:BillingReference",
        "cac:BillingReference",
        "cac:DespatchDocumentReference",
        "cac:ReceiptDocumentReference",
        "cac:OriginatorDocumentReference",
        "cac:ContractDocumentReference",
        "cac:AdditionalDocumentReference",
        "cac:ProjectReference",
        "cac:AccountingSupplierParty",
        "cac:AccountingCustomerParty",
        "cac:TaxRepresentativeParty",
        "cac:Delivery",
        "cac:PaymentMeans",
        "cac:PaymentTerms",
        "cac:AllowanceCharge",
        "cac:AllowanceCharge",
        "cac:AllowanceCharge",
        "cac:TaxTotal",
        "cac:LegalMonetaryTotal",
        "cac:InvoiceLine",
        "cac:InvoiceLine",
    ];
    assert_eq!(top_level_elements(&xml), expected);
}

#[test]
fn no_empty_elements() {
    let xml = xml_of(&sample(), None);
    assert_eq!(empty_elements(&xml), Vec::<String>::new());
    let xml = xml_of(&credit_note(), None);
    assert_eq!(empty_elements(&xml), Vec::<String>::new());
}

#[test]
fn minimal_invoice_has_no_empty_aggregates() {
    let mut invoice = sample();
    invoice.notes.clear();
    invoice.preceding_invoices.clear();
    invoice.delivery = None;
    invoice.payment_instructions = None;
    invoice.allowances.clear();
    invoice.charges.clear();
    invoice.paid_amount = None;
    invoice.expected_totals = None;
    invoice.seller.contact = None;
    invoice.seller.address.line3 = None;
    invoice.seller.bank_account.as_mut().unwrap().bic = None;
    invoice.seller.bank_account.as_mut().unwrap().account_name = None;
    for line in &mut invoice.lines {
        line.allowances.clear();
        line.charges.clear();
        line.gross_price = None;
        line.price_discount = None;
        line.period = None;
        line.standard_item_id = None;
    }
    let xml = xml_of(&invoice, None);
    assert_eq!(empty_elements(&xml), Vec::<String>::new());
    assert!(!xml.contains("AllowanceTotalAmount"), "{xml}");
    assert!(!xml.contains("PrepaidAmount"), "{xml}");
    assert!(
        xml.contains("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"),
        "{xml}"
    );
}

#[test]
fn credit_note_root_and_lines() {
    let xml = xml_of(&credit_note(), None);
    assert!(
        xml.contains(
            "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\""
        ),
        "{xml}"
    );
    for expected in [
        "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
        "<cac:CreditNoteLine>",
        "<cbc:CreditedQuantity unitCode=\"C62\">2</cbc:CreditedQuantity>",
        "<cbc:ID>F124212</cbc:ID>\n      <cbc:IssueDate>2026-06-17</cbc:IssueDate>",
        "<cbc:TaxAmount currencyID=\"EUR\">1.49</cbc:TaxAmount>",
        "<cbc:PayableAmount currencyID=\"EUR\">28.49</cbc:PayableAmount>",
        "<cbc:CompanyID schemeID=\"0002\">999999998</cbc:CompanyID>",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
    for absent in [
        "InvoiceLine",
        "InvoicedQuantity",
        "InvoiceTypeCode",
        "PaymentMeans",
        "DueDate",
        "PayeeFinancialAccount",
    ] {
        assert!(!xml.contains(absent), "unexpected {absent} in\n{xml}");
    }
}

#[test]
fn credit_note_element_order() {
    let xml = xml_of(&credit_note(), None);
    let expected = [
        "cbc:UBLVersionID",
        "cbc:CustomizationID",
        "cbc:ProfileID",
        "cbc:ID",
        "cbc:IssueDate",
        "cbc:CreditNoteTypeCode",
        "cbc:Note",
        "cbc:DocumentCurrencyCode",
        "cbc:AccountingCost",
        "cbc:BuyerReference",
        "cac:OrderReference",
        "cac:BillingReference",
        "cac:DespatchDocumentReference",
        "cac:ContractDocumentReference",
        "cac:AdditionalDocumentReference",
        "cac:AdditionalDocumentReference",
        "cac:OriginatorDocumentReference",
        "cac:AccountingSupplierParty",
        "cac:AccountingCustomerParty",
        "cac:PaymentTerms",
        "cac:TaxTotal",
        "cac:LegalMonetaryTotal",
        "cac:CreditNoteLine",
    ];
    assert_eq!(top_level_elements(&xml), expected);
}

#[test]
fn credit_note_ignores_default_bank() {
    let bank = BankAccount {
        iban: "FR7630006000011234567890189".to_owned(),
        bic: None,
        account_name: None,
    };
    let xml = xml_of(&credit_note(), Some(&bank));
    assert!(!xml.contains("FR7630006000011234567890189"), "{xml}");
}

#[test]
fn text_is_escaped_not_markup() {
    let mut invoice = sample();
    invoice.notes[2].note = "<b>gras</b> & \"guillemets\" 'apostrophe'".to_owned();
    invoice.lines[0].item_name = "Huile <extra> & co".to_owned();
    let xml = xml_of(&invoice, None);
    assert!(
        xml.contains("&lt;b&gt;gras&lt;/b&gt; &amp; \"guillemets\" 'apostrophe'"),
        "{xml}"
    );
    assert!(
        xml.contains("<cbc:Name>Huile &lt;extra&gt; &amp; co</cbc:Name>"),
        "{xml}"
    );
    assert!(!xml.contains("<b>"), "{xml}");
    // Unescaping the written note yields the original text.
    let start = xml.find("<cbc:Note>&lt;b&gt;").expect("note written") + "<cbc:Note>".len();
    let end = start + xml[start..].find("</cbc:Note>").expect("note closed");
    let unescaped = quick_xml::escape::unescape(&xml[start..end]).unwrap();
    assert_eq!(unescaped, invoice.notes[2].note);
}

#[test]
fn attribute_values_escaped() {
    // Every attribute value is a checked code except the attachment's file name.
    let mut invoice = sample();
    invoice.attachments.push(super::super::Attachment {
        id: "A1".to_owned(),
        description: None,
        file_name: "plan \"A\" & <B>.pdf".to_owned(),
        mime_code: "application/pdf".to_owned(),
        content_base64: "JVBERi0xLjQKJSVFT0YK".to_owned(),
    });
    let xml = xml_of(&invoice, None);
    assert!(
        xml.contains("filename=\"plan &quot;A&quot; &amp; &lt;B&gt;.pdf\""),
        "{xml}"
    );
}

#[test]
fn account_resolution_order() {
    let default_bank = BankAccount {
        iban: "FR7630006000011234567890189".to_owned(),
        bic: Some("BNPAFRPP".to_owned()),
        account_name: None,
    };
    // The seller's establishment account wins over the configuration.
    let xml = xml_of(&sample(), Some(&default_bank));
    assert!(xml.contains("FR9862738461697634625245589"), "{xml}");
    assert!(!xml.contains("FR7630006000011234567890189"), "{xml}");

    // Without an establishment account, the configuration's account is used.
    let mut invoice = sample();
    invoice.seller.bank_account = None;
    let xml = xml_of(&invoice, Some(&default_bank));
    assert!(
        xml.contains("<cbc:ID>FR7630006000011234567890189</cbc:ID>"),
        "{xml}"
    );
    assert!(xml.contains("<cbc:ID>BNPAFRPP</cbc:ID>"), "{xml}");

    // The invoice's own account wins over both.
    let mut invoice = sample();
    invoice
        .payment_instructions
        .as_mut()
        .unwrap()
        .credit_transfer = Some(BankAccount {
        iban: "DE89370400440532013000".to_owned(),
        bic: None,
        account_name: None,
    });
    let xml = xml_of(&invoice, Some(&default_bank));
    assert!(
        xml.contains("<cbc:ID>DE89370400440532013000</cbc:ID>"),
        "{xml}"
    );
    assert!(!xml.contains("FR9862738461697634625245589"), "{xml}");
}

#[test]
fn not_subject_category_has_no_percent() {
    let mut invoice = sample();
    for line in &mut invoice.lines {
        line.vat_category = "O".to_owned();
        line.vat_rate = None;
    }
    for item in invoice
        .allowances
        .iter_mut()
        .chain(invoice.charges.iter_mut())
    {
        item.vat_category = "O".to_owned();
        item.vat_rate = None;
    }
    invoice.seller.vat_identifier = None;
    invoice.buyer.vat_identifier = None;
    invoice.tax_representative = None;
    invoice.expected_totals = None;
    invoice.vat_exemptions = vec![super::super::VatExemption {
        vat_category: "O".to_owned(),
        reason: Some("Non soumis à la TVA".to_owned()),
        reason_code: Some("VATEX-EU-O".to_owned()),
    }];
    let xml = xml_of(&invoice, None);
    assert!(!xml.contains("cbc:Percent"), "{xml}");
    assert!(xml.contains("<cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>\n        <cbc:TaxExemptionReason>Non soumis à la TVA</cbc:TaxExemptionReason>"), "{xml}");
    assert!(!xml.contains("PartyTaxScheme"), "{xml}");
}

#[test]
fn base_quantity_written_with_unit() {
    let mut invoice = sample();
    invoice.lines[1].base_quantity = Some("10".parse().unwrap());
    invoice.lines[1].net_price = "69.00".parse().unwrap();
    invoice.lines[1].gross_price = Some("79.50".parse().unwrap());
    invoice.lines[1].price_discount = Some("10.50".parse().unwrap());
    let xml = xml_of(&invoice, None);
    assert!(
        xml.contains("<cbc:BaseQuantity unitCode=\"C62\">10</cbc:BaseQuantity>"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<cbc:LineExtensionAmount currencyID=\"EUR\">138.00</cbc:LineExtensionAmount>"
        ),
        "{xml}"
    );
}

#[test]
fn invalid_invoice_returns_problems() {
    let mut invoice = sample();
    invoice.buyer.siret = None;
    let problems: Vec<Problem> = invoice.to_ubl(None).expect_err("invalid invoice");
    assert!(
        problems.iter().any(|problem| problem.path == "buyer.siret"),
        "{problems:?}"
    );
}

#[test]
fn seller_siren_derived_from_siret() {
    let mut invoice = sample();
    invoice.seller.siren = None;
    let xml = xml_of(&invoice, None);
    assert!(
        xml.contains("<cbc:CompanyID schemeID=\"0002\">999999998</cbc:CompanyID>"),
        "{xml}"
    );
}

/// Writes both example documents to the folder named by `UBL_EXAMPLES_OUT`, for the
/// external validators (`tests/validators/check_ubl.py`). Without it, only builds them.
#[test]
fn example_documents_written() {
    let examples = [
        ("facturx-ubl-21-en16931.xml", sample()),
        ("credit-note.xml", credit_note()),
    ];
    let out_dir = std::env::var_os("UBL_EXAMPLES_OUT");
    for (file_name, invoice) in examples {
        let bytes = invoice.to_ubl(None).expect("example is valid");
        if let Some(dir) = &out_dir {
            std::fs::create_dir_all(dir).expect("output folder can be created");
            let path = std::path::Path::new(dir).join(file_name);
            std::fs::write(&path, &bytes).expect("example can be written");
        }
    }
}

fn commented_ubl(invoice: &Invoice) -> String {
    let options = super::super::XmlOptions {
        syntax: super::super::Syntax::Ubl,
        commented: true,
    };
    let bytes = invoice.to_xml(options, None).expect("invoice is valid");
    String::from_utf8(bytes).expect("UBL output is UTF-8")
}

#[test]
fn commented_output_names_terms() {
    let xml = commented_ubl(&sample());
    for expected in [
        "<!-- BT-1 Numéro de facture / Invoice number -->\n  <cbc:ID>F124212</cbc:ID>",
        "<!-- BT-21 Sujet de la note de facture en code / Invoice note subject code -->\n  <!-- BT-22 Note de facture / Invoice note (notes[0]) -->\n  <cbc:Note>#AAI#",
        "<!-- BG-4 Vendeur / Seller -->\n    <cac:Party>",
        "<!-- BT-46 Identifiant de l'acheteur / Buyer identifier -->",
        "<!-- BT-129 Quantité facturée / Invoiced quantity -->\n    <!-- BT-130 ",
        "<!-- BG-21 Charge ou frais au niveau du document / Document level charge (charges[0]) -->",
        "<!-- BT-148 Prix brut de l'article / Item gross price -->",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
    // A note without subject code gets no BT-21 comment.
    assert!(
        xml.contains("<!-- BT-22 Note de facture / Invoice note (notes[2]) -->\n  <cbc:Note>note sans sujet !</cbc:Note>"),
        "{xml}"
    );
}

/// Removes every line that contains a comment.
fn without_comment_lines(xml: &str) -> String {
    xml.lines()
        .filter(|line| !line.trim_start().starts_with("<!--"))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn commented_output_differs_only_by_comments() {
    for invoice in [sample(), credit_note()] {
        let plain = xml_of(&invoice, None);
        let commented = commented_ubl(&invoice);
        let comments = commented.matches("<!--").count();
        assert!(comments > 50, "{comments} comments");
        assert_eq!(without_comment_lines(&commented), plain);
    }
}

#[test]
fn comments_hold_no_double_hyphen() {
    let mut invoice = sample();
    invoice.notes[2].note = "-- fin --".to_owned();
    let xml = commented_ubl(&invoice);
    let mut reader = Reader::from_str(&xml);
    let mut comments = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Comment(text) => {
                comments += 1;
                let text = String::from_utf8_lossy(text.as_ref()).into_owned();
                assert!(!text.contains("--"), "{text:?}");
                assert!(!text.ends_with('-'), "{text:?}");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(comments > 0);
}

#[test]
fn attachment_written_after_contract() {
    let mut invoice = sample();
    invoice.attachments.push(super::super::Attachment {
        id: "BL-1".to_owned(),
        description: Some("Bon de livraison n° 12 & co".to_owned()),
        file_name: "bon-livraison.pdf".to_owned(),
        mime_code: "application/pdf".to_owned(),
        content_base64: "JVBERi0xLjQKJSVFT0YK".to_owned(),
    });
    let xml = xml_of(&invoice, None);
    let expected = "<cac:AdditionalDocumentReference>
    <cbc:ID>BL-1</cbc:ID>
    <cbc:DocumentDescription>Bon de livraison n° 12 &amp; co</cbc:DocumentDescription>
    <cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"bon-livraison.pdf\">JVBERi0xLjQKJSVFT0YK</cbc:EmbeddedDocumentBinaryObject>
    </cac:Attachment>
  </cac:AdditionalDocumentReference>";
    assert!(xml.contains(expected), "{xml}");
    let order = top_level_elements(&xml);
    let contract = order
        .iter()
        .position(|name| name == "cac:ContractDocumentReference")
        .unwrap();
    // The sample's invoiced object reference (BT-18) comes before the attachment, and
    // the project reference after it.
    assert_eq!(order[contract + 1], "cac:AdditionalDocumentReference");
    assert_eq!(order[contract + 2], "cac:AdditionalDocumentReference");
    assert_eq!(order[contract + 3], "cac:ProjectReference");
}

#[test]
fn foreign_seller_identifiers_in_ubl() {
    let mut invoice = sample();
    invoice.seller.siret = None;
    invoice.seller.siren = None;
    invoice.seller.address.country_code = "DE".to_owned();
    invoice.seller.vat_identifier = Some("DE123456789".to_owned());
    invoice.seller.identifiers = vec![
        super::super::PartyIdentifier {
            scheme: Some("0088".to_owned()),
            id: "4000001123452".to_owned(),
        },
        super::super::PartyIdentifier {
            scheme: None,
            id: "LIEF-77".to_owned(),
        },
    ];
    invoice.seller.legal_registration = Some(super::super::PartyIdentifier {
        scheme: None,
        id: "HRB 1234".to_owned(),
    });
    let xml = xml_of(&invoice, None);
    for expected in [
        "<cac:PartyIdentification>\n        <cbc:ID schemeID=\"0088\">4000001123452</cbc:ID>",
        "<cac:PartyIdentification>\n        <cbc:ID>LIEF-77</cbc:ID>",
        "<cbc:CompanyID>HRB 1234</cbc:CompanyID>",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
    assert!(!xml.contains("schemeID=\"0002\""), "{xml}");
}

#[test]
fn direct_debit_written() {
    let mut invoice = sample();
    invoice.seller.bank_account = None;
    let instructions = invoice.payment_instructions.as_mut().unwrap();
    instructions.means_code = Some("49".to_owned());
    instructions.credit_transfer = None;
    instructions.direct_debit = Some(
        serde_json::from_str(
            r#"{"mandate_reference": "RUM-7", "creditor_identifier": "FR12ZZZ123456",
                "debited_account": "FR7630006000011234567890189"}"#,
        )
        .unwrap(),
    );
    let xml = xml_of(&invoice, None);
    let mandate = "<cac:PaymentMandate>
      <cbc:ID>RUM-7</cbc:ID>
      <cac:PayerFinancialAccount>
        <cbc:ID>FR7630006000011234567890189</cbc:ID>
      </cac:PayerFinancialAccount>
    </cac:PaymentMandate>";
    assert!(xml.contains(mandate), "{xml}");
    assert!(!xml.contains("cac:PayeeFinancialAccount"), "{xml}");
    // Without a payee, BT-90 is a seller identifier with scheme SEPA.
    let seller_start = xml.find("<cac:AccountingSupplierParty>").unwrap();
    let creditor = xml
        .find(r#"<cbc:ID schemeID="SEPA">FR12ZZZ123456</cbc:ID>"#)
        .unwrap();
    let seller_end = xml.find("</cac:AccountingSupplierParty>").unwrap();
    assert!(seller_start < creditor, "{xml}");
    assert!(creditor < seller_end, "{xml}");
}
