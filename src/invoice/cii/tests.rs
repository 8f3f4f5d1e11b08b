//! Tests of the CII D16B writer: content, element order, dates, escaping and comments.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::super::{parse_invoice, Invoice, Syntax, XmlOptions};
use crate::config::BankAccount;

const SAMPLE: &str = include_str!("../../../examples/invoices/facturx-ubl-21-en16931.json");
const CREDIT_NOTE: &str = include_str!("../../../examples/invoices/credit-note.json");

/// Returns the sample invoice with one preceding invoice, which CII D16B can carry.
fn sample() -> Invoice {
    let mut invoice = parse_invoice(SAMPLE).expect("sample parses");
    invoice.preceding_invoices.truncate(1);
    invoice.syntax = Some(Syntax::Cii);
    invoice
}

fn credit_note() -> Invoice {
    parse_invoice(CREDIT_NOTE).expect("credit note parses")
}

fn cii_of(invoice: &Invoice, commented: bool) -> String {
    let options = XmlOptions {
        syntax: Syntax::Cii,
        commented,
    };
    let bytes = invoice.to_xml(options, None).expect("invoice is valid");
    String::from_utf8(bytes).expect("CII output is UTF-8")
}

/// Returns the text of every element whose path of qualified names from the root ends with
/// `suffix`, such as `ram:SellerTradeParty/ram:Name`.
fn texts_at(xml: &str, suffix: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut texts = Vec::new();
    let mut current = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                stack.push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
                current.clear();
            }
            Event::Text(text) => current.push_str(&text.decode().expect("UTF-8 text")),
            Event::GeneralRef(reference) => {
                let name = reference.decode().expect("UTF-8 reference");
                let resolved =
                    quick_xml::escape::resolve_predefined_entity(&name).expect("predefined entity");
                current.push_str(resolved);
            }
            Event::End(_) => {
                if stack.join("/").ends_with(suffix) {
                    texts.push(current.trim().to_owned());
                }
                current.clear();
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    texts
}

/// Returns the local names of the children of the first element named `parent`.
fn children_of(xml: &str, parent: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut depth_in_parent: Option<usize> = None;
    let mut depth = 0;
    let mut names = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                depth += 1;
                match depth_in_parent {
                    Some(parent_depth) if depth == parent_depth + 1 => names.push(name),
                    None if name == parent => depth_in_parent = Some(depth),
                    _ => {}
                }
            }
            Event::End(_) => {
                if depth_in_parent == Some(depth) {
                    return names;
                }
                depth -= 1;
            }
            Event::Eof => return names,
            _ => {}
        }
    }
}

/// Removes every line that contains a `<!-- … -->` comment.
fn without_comment_lines(xml: &str) -> String {
    xml.lines()
        .filter(|line| !line.trim_start().starts_with("<!--"))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn header_and_notes() {
    let xml = cii_of(&sample(), false);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\""));
    assert_eq!(
        texts_at(
            &xml,
            "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        ),
        ["A1"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        ),
        ["urn:cen.eu:en16931:2017"]
    );
    assert_eq!(texts_at(&xml, "rsm:ExchangedDocument/ram:ID"), ["F124212"]);
    assert_eq!(
        texts_at(&xml, "rsm:ExchangedDocument/ram:TypeCode"),
        ["380"]
    );
    assert_eq!(
        texts_at(&xml, "ram:IssueDateTime/udt:DateTimeString"),
        ["20260617"]
    );
    assert!(xml.contains("<udt:DateTimeString format=\"102\">20260617</udt:DateTimeString>"));
    let subject_codes = texts_at(&xml, "ram:IncludedNote/ram:SubjectCode");
    assert_eq!(subject_codes, ["AAI", "ADN", "PMT", "PMD", "AAB"]);
    let contents = texts_at(&xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content");
    assert_eq!(contents.len(), 6);
    assert_eq!(contents[0], "Ceci est une information générale");
    assert!(
        !xml.contains("#AAI#"),
        "CII carries BT-21 in its own element"
    );
}

#[test]
fn references_and_dates() {
    let xml = cii_of(&sample(), false);
    assert_eq!(texts_at(&xml, "ram:BuyerReference"), ["120943"]);
    assert_eq!(
        texts_at(
            &xml,
            "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        ["PO1242"]
    );
    assert_eq!(
        texts_at(&xml, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        ["Contrat_du_siècle"]
    );
    assert_eq!(
        texts_at(&xml, "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
        ["F124211"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString"
        ),
        ["20251230"]
    );
    assert_eq!(
        texts_at(&xml, "ram:DueDateDateTime/udt:DateTimeString"),
        ["20260716"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString"
        ),
        ["20260601"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString"
        ),
        ["20260614"]
    );
}

#[test]
fn parties_written() {
    let xml = cii_of(&sample(), false);
    assert_eq!(
        texts_at(&xml, "ram:SellerTradeParty/ram:GlobalID"),
        ["99999999800019"]
    );
    assert!(xml.contains("<ram:GlobalID schemeID=\"0009\">99999999800019</ram:GlobalID>"));
    assert!(xml.contains("<ram:ID schemeID=\"0002\">999999998</ram:ID>"));
    assert!(xml.contains("<ram:ID schemeID=\"0009\">78787878400018</ram:ID>"));
    assert!(xml.contains("<ram:ID schemeID=\"VA\">FR11999999998</ram:ID>"));
    assert!(xml.contains("<ram:URIID schemeID=\"0225\">999999998_042</ram:URIID>"));
    assert_eq!(
        texts_at(&xml, "ram:SellerTradeParty/ram:Name"),
        ["Au bon moulin"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:TradingBusinessName"
        ),
        ["L'huile d'olive en folie"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName"
        ),
        ["Lyon"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:SellerTradeParty/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"
        ),
        ["contact3@example.org"]
    );
    assert_eq!(
        texts_at(&xml, "ram:ShipToTradeParty/ram:Name"),
        ["Plateforme logistique FastIT"]
    );
}

#[test]
fn totals_and_vat_breakdown() {
    let xml = cii_of(&sample(), false);
    let summation = "ram:SpecifiedTradeSettlementHeaderMonetarySummation";
    for (name, expected) in [
        ("LineTotalAmount", "273.00"),
        ("ChargeTotalAmount", "5.50"),
        ("AllowanceTotalAmount", "5.50"),
        ("TaxBasisTotalAmount", "273.00"),
        ("TaxTotalAmount", "35.03"),
        ("GrandTotalAmount", "308.03"),
        ("TotalPrepaidAmount", "100.00"),
        ("DuePayableAmount", "208.03"),
    ] {
        assert_eq!(
            texts_at(&xml, &format!("{summation}/ram:{name}")),
            [expected],
            "{name}"
        );
    }
    assert!(xml.contains("<ram:TaxTotalAmount currencyID=\"EUR\">35.03</ram:TaxTotalAmount>"));
    let breakdown = "ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax";
    assert_eq!(
        texts_at(&xml, &format!("{breakdown}/ram:BasisAmount")),
        ["135.00", "138.00"]
    );
    assert_eq!(
        texts_at(&xml, &format!("{breakdown}/ram:CalculatedAmount")),
        ["7.43", "27.60"]
    );
    assert_eq!(
        texts_at(&xml, &format!("{breakdown}/ram:RateApplicablePercent")),
        ["5.50", "20.00"]
    );
    assert_eq!(
        texts_at(&xml, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
        ["135.00", "138.00"]
    );
}

#[test]
fn lines_and_prices() {
    let xml = cii_of(&sample(), false);
    assert!(xml.contains("<ram:BilledQuantity unitCode=\"C62\">10</ram:BilledQuantity>"));
    assert_eq!(
        texts_at(&xml, "ram:GrossPriceProductTradePrice/ram:ChargeAmount"),
        ["15.00", "7.95"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount"
        ),
        ["1.50", "1.05"]
    );
    assert_eq!(
        texts_at(&xml, "ram:NetPriceProductTradePrice/ram:ChargeAmount"),
        ["13.50", "6.90"]
    );
    assert_eq!(
        texts_at(&xml, "ram:SpecifiedTradeProduct/ram:GlobalID"),
        ["3518370900150", "3518370400049"]
    );
    assert_eq!(
        texts_at(
            &xml,
            "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"
        )[0],
        "Olives récoltées exclusivement dans le Vaucluse (FR)"
    );
    let line_allowances = texts_at(
        &xml,
        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:Reason",
    );
    assert_eq!(line_allowances, ["test", "test inverse"]);
}

#[test]
fn payment_means_written() {
    let xml = cii_of(&sample(), false);
    let means = "ram:SpecifiedTradeSettlementPaymentMeans";
    assert_eq!(texts_at(&xml, &format!("{means}/ram:TypeCode")), ["30"]);
    assert_eq!(
        texts_at(
            &xml,
            &format!("{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        ),
        ["FR9862738461697634625245589"]
    );
    assert_eq!(
        texts_at(
            &xml,
            &format!("{means}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID")
        ),
        ["QNTOFRP1XXX"]
    );
    assert_eq!(
        texts_at(&xml, "ram:PaymentReference"),
        ["2026-06-17 00:00:00"]
    );
}

#[test]
fn settlement_element_order() {
    let xml = cii_of(&sample(), false);
    let expected = [
        "ram:PaymentReference",
        "ram:InvoiceCurrencyCode",
        "ram:SpecifiedTradeSettlementPaymentMeans",
        "ram:ApplicableTradeTax",
        "ram:ApplicableTradeTax",
        "ram:BillingSpecifiedPeriod",
        "ram:SpecifiedTradeAllowanceCharge",
        "ram:SpecifiedTradeAllowanceCharge",
        "ram:SpecifiedTradeAllowanceCharge",
        "ram:SpecifiedTradePaymentTerms",
        "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
        "ram:InvoiceReferencedDocument",
        "ram:ReceivableSpecifiedTradeAccountingAccount",
    ];
    assert_eq!(
        children_of(&xml, "ram:ApplicableHeaderTradeSettlement"),
        expected
    );
    let transaction = children_of(&xml, "rsm:SupplyChainTradeTransaction");
    assert_eq!(
        transaction,
        [
            "ram:IncludedSupplyChainTradeLineItem",
            "ram:IncludedSupplyChainTradeLineItem",
            "ram:ApplicableHeaderTradeAgreement",
            "ram:ApplicableHeaderTradeDelivery",
            "ram:ApplicableHeaderTradeSettlement",
        ]
    );
}

#[test]
fn credit_note_in_cii() {
    let xml = cii_of(&credit_note(), false);
    assert_eq!(
        texts_at(&xml, "rsm:ExchangedDocument/ram:TypeCode"),
        ["381"]
    );
    assert!(
        !xml.contains("SpecifiedTradeSettlementPaymentMeans"),
        "{xml}"
    );
    assert!(!xml.contains("DueDateDateTime"), "{xml}");
    assert_eq!(
        texts_at(&xml, "ram:SpecifiedTradePaymentTerms/ram:Description"),
        ["Montant déduit du prochain règlement"]
    );
    assert_eq!(texts_at(&xml, "ram:DuePayableAmount"), ["28.49"]);
    // The header delivery element is mandatory in CII even without delivery data; the
    // credit note only has a despatch advice reference there.
    let transaction = children_of(&xml, "rsm:SupplyChainTradeTransaction");
    assert!(
        transaction.contains(&"ram:ApplicableHeaderTradeDelivery".to_owned()),
        "{transaction:?}"
    );
    assert_eq!(
        children_of(&xml, "ram:ApplicableHeaderTradeDelivery"),
        ["ram:DespatchAdviceReferencedDocument"]
    );
}

#[test]
fn two_preceding_invoices_rejected_in_cii_only() {
    let mut invoice = parse_invoice(SAMPLE).expect("sample parses");
    assert_eq!(invoice.preceding_invoices.len(), 2);
    let options = XmlOptions {
        syntax: Syntax::Cii,
        commented: false,
    };
    let problems = invoice
        .to_xml(options, None)
        .expect_err("CII D16B has one BG-3");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "preceding_invoices");
    assert!(
        problems[0].message_en.contains("carries only one"),
        "{problems:?}"
    );
    assert!(invoice.to_ubl(None).is_ok());

    // The invoice's own syntax key drives `validate`.
    invoice.syntax = Some(Syntax::Cii);
    assert_eq!(invoice.validate(None).len(), 1);
}

#[test]
fn special_characters_escaped() {
    let mut invoice = sample();
    invoice.notes[2].note = "<b>gras</b> & \"guillemets\" 'apostrophe' -- fin".to_owned();
    invoice.lines[0].item_name = "Huile <extra> & co".to_owned();
    let xml = cii_of(&invoice, true);
    assert!(
        xml.contains("&lt;b&gt;gras&lt;/b&gt; &amp; \"guillemets\" 'apostrophe' -- fin"),
        "{xml}"
    );
    assert_eq!(
        texts_at(&xml, "ram:SpecifiedTradeProduct/ram:Name")[0],
        "Huile <extra> & co"
    );
    assert_eq!(
        texts_at(&xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content")[2],
        invoice.notes[2].note
    );
}

#[test]
fn commented_output_names_terms() {
    let xml = cii_of(&sample(), true);
    for expected in [
        "<!-- BT-1 Numéro de facture / Invoice number -->\n    <ram:ID>F124212</ram:ID>",
        "<!-- BT-23 Identifiant de type de processus métier / Business process type -->",
        "<!-- BG-25 Ligne de facture / Invoice line (lines[1]) -->",
        "<!-- BT-84 Identifiant (IBAN) du compte bancaire du bénéficiaire / Payment account identifier -->",
        "<!-- BG-20 Remise au niveau du document / Document level allowance (allowances[1]) -->",
        "<!-- BT-115 Montant à payer / Amount due for payment -->",
    ] {
        assert!(xml.contains(expected), "missing {expected:?} in\n{xml}");
    }
}

#[test]
fn commented_output_differs_only_by_comments() {
    for invoice in [sample(), credit_note()] {
        let plain = cii_of(&invoice, false);
        let commented = cii_of(&invoice, true);
        assert!(commented.len() > plain.len());
        assert_eq!(without_comment_lines(&commented), plain);
    }
}

#[test]
fn attachment_embedded() {
    let mut invoice = sample();
    invoice.attachments.push(super::super::Attachment {
        id: "BL-1".to_owned(),
        description: Some("Bon de livraison".to_owned()),
        file_name: "bon-livraison.pdf".to_owned(),
        mime_code: "application/pdf".to_owned(),
        content_base64: "JVBERi0xLjQKJSVFT0YK".to_owned(),
    });
    let xml = cii_of(&invoice, false);
    let document = "ram:ApplicableHeaderTradeAgreement/ram:AdditionalReferencedDocument";
    // The sample's tender (BT-17, type 50) and invoiced object (BT-18, type 130)
    // references share the element with the attachment (type 916).
    assert_eq!(
        texts_at(&xml, &format!("{document}/ram:IssuerAssignedID")),
        ["LOT12", "EMPL042", "BL-1"]
    );
    assert_eq!(
        texts_at(&xml, &format!("{document}/ram:TypeCode")),
        ["50", "130", "916"]
    );
    assert_eq!(
        texts_at(&xml, &format!("{document}/ram:ReferenceTypeCode")),
        ["AHK"]
    );
    assert_eq!(
        texts_at(&xml, &format!("{document}/ram:Name")),
        ["Bon de livraison"]
    );
    assert!(xml.contains("<ram:AttachmentBinaryObject mimeCode=\"application/pdf\" filename=\"bon-livraison.pdf\">JVBERi0xLjQKJSVFT0YK</ram:AttachmentBinaryObject>"), "{xml}");
}

#[test]
fn default_bank_used_in_cii() {
    let mut invoice = sample();
    invoice.seller.bank_account = None;
    let bank = BankAccount {
        iban: "FR7630006000011234567890189".to_owned(),
        bic: None,
        account_name: Some("Compte & co".to_owned()),
    };
    let options = XmlOptions {
        syntax: Syntax::Cii,
        commented: false,
    };
    let xml = String::from_utf8(invoice.to_xml(options, Some(&bank)).unwrap()).unwrap();
    assert_eq!(
        texts_at(&xml, "ram:IBANID"),
        ["FR7630006000011234567890189"]
    );
    assert_eq!(texts_at(&xml, "ram:AccountName"), ["Compte & co"]);
    assert!(!xml.contains("BICID"), "{xml}");
}

fn foreign_seller() -> Invoice {
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
    invoice
}

#[test]
fn foreign_seller_identifiers_in_cii() {
    let xml = cii_of(&foreign_seller(), false);
    let seller = children_of(&xml, "ram:SellerTradeParty");
    assert_eq!(
        &seller[..3],
        ["ram:ID", "ram:GlobalID", "ram:Name"],
        "identifiers without scheme come first"
    );
    assert_eq!(texts_at(&xml, "ram:SellerTradeParty/ram:ID"), ["LIEF-77"]);
    assert!(xml.contains("<ram:GlobalID schemeID=\"0088\">4000001123452</ram:GlobalID>"));
    assert!(xml.contains("<ram:ID>HRB 1234</ram:ID>"), "{xml}");
}
