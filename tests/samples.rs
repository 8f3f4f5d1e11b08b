//! Round trip of public sample invoices: each JSON in `examples/invoices/` that
//! re-expresses a sample must produce the sample's figures (totals, VAT breakdown, parties,
//! references and line amounts).
//!
//! `tests/sample_facts.json` records, for each sample, the facts read from the sample XML
//! and the deliberate differences of the JSON (`deviations`, each with its reason). The
//! first test builds the XML from the JSON and compares its facts with the record. The
//! second reads the sample files themselves from the folder named by `CHORUS_SAMPLES_DIR`
//! and checks that the record still matches them. Without that variable it only prints a
//! note.

use std::collections::BTreeMap;

use chorus_pro::invoice::{parse_invoice, Syntax, XmlOptions};
use quick_xml::events::Event;
use quick_xml::Reader;
use rust_decimal::Decimal;
use serde_json::Value;

const RECORD: &str = include_str!("sample_facts.json");

/// An XML element with its local name, attributes, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    /// Returns the children reached through a path of local names.
    fn all<'a>(&'a self, path: &str) -> Vec<&'a Node> {
        let mut current = vec![self];
        for step in path.split('/').filter(|step| !step.is_empty()) {
            current = current
                .into_iter()
                .flat_map(|node| node.children.iter().filter(move |child| child.name == step))
                .collect();
        }
        current
    }

    fn first(&self, path: &str) -> Option<&Node> {
        self.all(path).into_iter().next()
    }

    /// Returns the trimmed text at `path`, if the element exists.
    fn text_at(&self, path: &str) -> Option<String> {
        self.first(path).map(|node| node.text.trim().to_owned())
    }
}

fn local_name(qualified: &[u8]) -> String {
    let name = String::from_utf8_lossy(qualified);
    name.rsplit(':').next().unwrap_or(&name).to_owned()
}

/// Parses a whole document into its root [`Node`], unescaping text.
fn parse_tree(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                let attributes = start
                    .attributes()
                    .map(|attribute| {
                        let attribute = attribute.expect("valid attribute");
                        let value = attribute
                            .decode_and_unescape_value(reader.decoder())
                            .expect("attribute value")
                            .into_owned();
                        (local_name(attribute.key.as_ref()), value)
                    })
                    .collect();
                let node = Node {
                    name: local_name(start.name().as_ref()),
                    attributes,
                    ..Node::default()
                };
                stack.push(node);
                if is_empty {
                    let node = stack.pop().expect("pushed");
                    stack.last_mut().expect("parent").children.push(node);
                }
            }
            Event::Text(text) => {
                let decoded = text.decode().expect("UTF-8 text");
                stack.last_mut().expect("node").text.push_str(&decoded);
            }
            Event::CData(data) => {
                let decoded = String::from_utf8_lossy(data.as_ref()).into_owned();
                stack.last_mut().expect("node").text.push_str(&decoded);
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().expect("UTF-8 reference");
                let resolved = match quick_xml::escape::resolve_predefined_entity(&name) {
                    Some(resolved) => resolved.to_owned(),
                    None => {
                        let code = name
                            .strip_prefix("#x")
                            .map(|hex| u32::from_str_radix(hex, 16))
                            .or_else(|| name.strip_prefix('#').map(str::parse))
                            .expect("character reference")
                            .expect("number");
                        char::from_u32(code).expect("character").to_string()
                    }
                };
                stack.last_mut().expect("node").text.push_str(&resolved);
            }
            Event::End(_) => {
                let node = stack.pop().expect("balanced tags");
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("document");
    document.children.pop().expect("root element")
}

/// Writes a decimal without trailing zeros, so that `27.6`, `27.60` and `27.600` agree.
fn number(text: Option<String>) -> Value {
    match text {
        Some(text) => {
            let value: Decimal = text.parse().unwrap_or_else(|_| panic!("decimal {text:?}"));
            Value::from(value.normalize().to_string())
        }
        None => Value::Null,
    }
}

fn string(text: Option<String>) -> Value {
    text.map_or(Value::Null, Value::from)
}

/// Turns a CII date `YYYYMMDD` into `YYYY-MM-DD`.
fn cii_date(text: Option<String>) -> Value {
    string(text.map(|date| format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..])))
}

/// Reads the compared facts of a UBL `Invoice` or `CreditNote`.
fn ubl_facts(root: &Node) -> BTreeMap<String, Value> {
    let credit = root.name == "CreditNote";
    let mut facts = BTreeMap::new();
    let mut put = |key: &str, value: Value| {
        facts.insert(key.to_owned(), value);
    };
    let type_path = if credit {
        "CreditNoteTypeCode"
    } else {
        "InvoiceTypeCode"
    };
    put("number", string(root.text_at("ID")));
    put("type_code", string(root.text_at(type_path)));
    put("issue_date", string(root.text_at("IssueDate")));
    put("due_date", string(root.text_at("DueDate")));
    put("currency", string(root.text_at("DocumentCurrencyCode")));
    put("buyer_reference", string(root.text_at("BuyerReference")));
    put("order_reference", string(root.text_at("OrderReference/ID")));
    put(
        "contract_reference",
        string(root.text_at("ContractDocumentReference/ID")),
    );
    let preceding: Vec<Value> = root
        .all("BillingReference/InvoiceDocumentReference")
        .iter()
        .map(|node| string(node.text_at("ID")))
        .collect();
    put("preceding_invoices", Value::from(preceding));

    for (prefix, party_path) in [
        ("seller", "AccountingSupplierParty/Party"),
        ("buyer", "AccountingCustomerParty/Party"),
    ] {
        let party = root.first(party_path).expect("party");
        put(
            &format!("{prefix}.name"),
            string(party.text_at("PartyLegalEntity/RegistrationName")),
        );
        put(
            &format!("{prefix}.trading_name"),
            string(party.text_at("PartyName/Name")),
        );
        put(
            &format!("{prefix}.vat_identifier"),
            string(party.text_at("PartyTaxScheme/CompanyID")),
        );
        put(
            &format!("{prefix}.country_code"),
            string(party.text_at("PostalAddress/Country/IdentificationCode")),
        );
        put(
            &format!("{prefix}.city"),
            string(party.text_at("PostalAddress/CityName")),
        );
    }

    let totals = root.first("LegalMonetaryTotal").expect("totals");
    put(
        "sum_of_line_net_amounts",
        number(totals.text_at("LineExtensionAmount")),
    );
    put(
        "total_without_vat",
        number(totals.text_at("TaxExclusiveAmount")),
    );
    put(
        "total_with_vat",
        number(totals.text_at("TaxInclusiveAmount")),
    );
    put(
        "sum_of_allowances",
        number(totals.text_at("AllowanceTotalAmount")),
    );
    put(
        "sum_of_charges",
        number(totals.text_at("ChargeTotalAmount")),
    );
    put("paid_amount", number(totals.text_at("PrepaidAmount")));
    put(
        "amount_due_for_payment",
        number(totals.text_at("PayableAmount")),
    );
    put(
        "total_vat_amount",
        number(root.text_at("TaxTotal/TaxAmount")),
    );
    let mut breakdown: Vec<String> = root
        .all("TaxTotal/TaxSubtotal")
        .iter()
        .map(|subtotal| {
            vat_group(
                subtotal.text_at("TaxCategory/ID"),
                subtotal.text_at("TaxCategory/Percent"),
                subtotal.text_at("TaxableAmount"),
                subtotal.text_at("TaxAmount"),
            )
        })
        .collect();
    breakdown.sort();
    put("vat_breakdown", Value::from(breakdown));

    let line_path = if credit {
        "CreditNoteLine"
    } else {
        "InvoiceLine"
    };
    let quantity_path = if credit {
        "CreditedQuantity"
    } else {
        "InvoicedQuantity"
    };
    let lines: Vec<Value> = root
        .all(line_path)
        .iter()
        .map(|line| {
            line_fact(
                line.text_at("ID"),
                line.text_at(quantity_path),
                line.text_at("LineExtensionAmount"),
                line.text_at("Item/Name"),
            )
        })
        .collect();
    put("lines", Value::from(lines));

    put(
        "payee.name",
        string(root.text_at("PayeeParty/PartyName/Name")),
    );
    put(
        "tax_representative.name",
        string(root.text_at("TaxRepresentativeParty/PartyName/Name")),
    );
    put(
        "tax_representative.vat_identifier",
        string(root.text_at("TaxRepresentativeParty/PartyTaxScheme/CompanyID")),
    );
    put(
        "vat_point_date_code",
        string(root.text_at("InvoicePeriod/DescriptionCode")),
    );
    let accounts = texts(&root.all("PaymentMeans/PayeeFinancialAccount/ID"));
    put("payee_accounts", Value::from(accounts));
    let attributes: Vec<String> = root
        .all(line_path)
        .iter()
        .flat_map(|line| {
            let id = line.text_at("ID").unwrap_or_default();
            line.all("Item/AdditionalItemProperty")
                .into_iter()
                .map(move |property| attribute_fact(&id, property, "Name"))
        })
        .collect();
    put("item_attributes", Value::from(attributes));

    let mut references: Vec<(&str, Option<String>)> = Vec::new();
    let mut add = |term, value| references.push((term, value));
    add("BT-11", root.text_at("ProjectReference/ID"));
    add("BT-14", root.text_at("OrderReference/SalesOrderID"));
    add("BT-15", root.text_at("ReceiptDocumentReference/ID"));
    add("BT-16", root.text_at("DespatchDocumentReference/ID"));
    add("BT-17", root.text_at("OriginatorDocumentReference/ID"));
    add("BT-19", root.text_at("AccountingCost"));
    for document in root.all("AdditionalDocumentReference") {
        let term = match document.text_at("DocumentTypeCode").as_deref() {
            Some("130") => "BT-18",
            Some("50") => "BT-11",
            _ => continue,
        };
        add(term, document.text_at("ID"));
    }
    put("other_references", reference_facts(references));
    facts
}

/// Formats the references found as sorted `BT-n value` strings, leaving out empty ones.
fn reference_facts(found: Vec<(&str, Option<String>)>) -> Value {
    let mut references: Vec<String> = found
        .into_iter()
        .filter_map(|(term, value)| Some(format!("{term} {}", value.filter(|v| !v.is_empty())?)))
        .collect();
    references.sort();
    Value::from(references)
}

/// Returns the trimmed text of each node.
fn texts(nodes: &[&Node]) -> Vec<String> {
    nodes
        .iter()
        .map(|node| node.text.trim().to_owned())
        .collect()
}

/// Formats one item attribute as `line id: name = value`.
fn attribute_fact(line_id: &str, property: &Node, name_element: &str) -> String {
    format!(
        "{line_id}: {} = {}",
        property.text_at(name_element).unwrap_or_default(),
        property.text_at("Value").unwrap_or_default()
    )
}

/// Reads the compared facts of a CII `CrossIndustryInvoice`.
fn cii_facts(root: &Node) -> BTreeMap<String, Value> {
    let mut facts = BTreeMap::new();
    let mut put = |key: &str, value: Value| {
        facts.insert(key.to_owned(), value);
    };
    let document = root.first("ExchangedDocument").expect("document");
    let transaction = root
        .first("SupplyChainTradeTransaction")
        .expect("transaction");
    let agreement = transaction
        .first("ApplicableHeaderTradeAgreement")
        .expect("agreement");
    let settlement = transaction
        .first("ApplicableHeaderTradeSettlement")
        .expect("settlement");
    put("number", string(document.text_at("ID")));
    put("type_code", string(document.text_at("TypeCode")));
    put(
        "issue_date",
        cii_date(document.text_at("IssueDateTime/DateTimeString")),
    );
    put(
        "due_date",
        cii_date(settlement.text_at("SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString")),
    );
    put(
        "currency",
        string(settlement.text_at("InvoiceCurrencyCode")),
    );
    put(
        "buyer_reference",
        string(agreement.text_at("BuyerReference")),
    );
    put(
        "order_reference",
        string(agreement.text_at("BuyerOrderReferencedDocument/IssuerAssignedID")),
    );
    put(
        "contract_reference",
        string(agreement.text_at("ContractReferencedDocument/IssuerAssignedID")),
    );
    let preceding: Vec<Value> = settlement
        .all("InvoiceReferencedDocument")
        .iter()
        .map(|node| string(node.text_at("IssuerAssignedID")))
        .collect();
    put("preceding_invoices", Value::from(preceding));

    for (prefix, party_path) in [("seller", "SellerTradeParty"), ("buyer", "BuyerTradeParty")] {
        let party = agreement.first(party_path).expect("party");
        put(&format!("{prefix}.name"), string(party.text_at("Name")));
        put(
            &format!("{prefix}.trading_name"),
            string(party.text_at("SpecifiedLegalOrganization/TradingBusinessName")),
        );
        let vat = party
            .all("SpecifiedTaxRegistration/ID")
            .into_iter()
            .find(|id| id.attributes.get("schemeID").map(String::as_str) == Some("VA"))
            .map(|id| id.text.trim().to_owned());
        put(&format!("{prefix}.vat_identifier"), string(vat));
        put(
            &format!("{prefix}.country_code"),
            string(party.text_at("PostalTradeAddress/CountryID")),
        );
        put(
            &format!("{prefix}.city"),
            string(party.text_at("PostalTradeAddress/CityName")),
        );
    }

    let totals = settlement
        .first("SpecifiedTradeSettlementHeaderMonetarySummation")
        .expect("totals");
    let currency = settlement.text_at("InvoiceCurrencyCode");
    put(
        "sum_of_line_net_amounts",
        number(totals.text_at("LineTotalAmount")),
    );
    put(
        "total_without_vat",
        number(totals.text_at("TaxBasisTotalAmount")),
    );
    put("total_with_vat", number(totals.text_at("GrandTotalAmount")));
    put(
        "sum_of_allowances",
        number(totals.text_at("AllowanceTotalAmount")),
    );
    put(
        "sum_of_charges",
        number(totals.text_at("ChargeTotalAmount")),
    );
    put("paid_amount", number(totals.text_at("TotalPrepaidAmount")));
    put(
        "amount_due_for_payment",
        number(totals.text_at("DuePayableAmount")),
    );
    let vat_total = totals
        .all("TaxTotalAmount")
        .into_iter()
        .find(|amount| amount.attributes.get("currencyID") == currency.as_ref())
        .map(|amount| amount.text.trim().to_owned());
    put("total_vat_amount", number(vat_total));
    let mut breakdown: Vec<String> = settlement
        .all("ApplicableTradeTax")
        .iter()
        .map(|tax| {
            vat_group(
                tax.text_at("CategoryCode"),
                tax.text_at("RateApplicablePercent"),
                tax.text_at("BasisAmount"),
                tax.text_at("CalculatedAmount"),
            )
        })
        .collect();
    breakdown.sort();
    put("vat_breakdown", Value::from(breakdown));

    let lines: Vec<Value> = transaction
        .all("IncludedSupplyChainTradeLineItem")
        .iter()
        .map(|line| {
            line_fact(
                line.text_at("AssociatedDocumentLineDocument/LineID"),
                line.text_at("SpecifiedLineTradeDelivery/BilledQuantity"),
                line.text_at(
                    "SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount",
                ),
                line.text_at("SpecifiedTradeProduct/Name"),
            )
        })
        .collect();
    put("lines", Value::from(lines));

    put(
        "payee.name",
        string(settlement.text_at("PayeeTradeParty/Name")),
    );
    put(
        "tax_representative.name",
        string(agreement.text_at("SellerTaxRepresentativeTradeParty/Name")),
    );
    put(
        "tax_representative.vat_identifier",
        string(agreement.text_at("SellerTaxRepresentativeTradeParty/SpecifiedTaxRegistration/ID")),
    );
    // CII writes BT-8 with UNTDID 2475 codes; the facts keep the UBL (UNTDID 2005) ones.
    let vat_point = settlement
        .text_at("ApplicableTradeTax/DueDateTypeCode")
        .map(|code| match code.as_str() {
            "5" => "3".to_owned(),
            "29" => "35".to_owned(),
            "72" => "432".to_owned(),
            _ => code,
        });
    put("vat_point_date_code", string(vat_point));
    let accounts = texts(
        &settlement
            .all("SpecifiedTradeSettlementPaymentMeans/PayeePartyCreditorFinancialAccount/IBANID"),
    );
    put("payee_accounts", Value::from(accounts));
    let attributes: Vec<String> = transaction
        .all("IncludedSupplyChainTradeLineItem")
        .iter()
        .flat_map(|line| {
            let id = line
                .text_at("AssociatedDocumentLineDocument/LineID")
                .unwrap_or_default();
            line.all("SpecifiedTradeProduct/ApplicableProductCharacteristic")
                .into_iter()
                .map(move |property| attribute_fact(&id, property, "Description"))
        })
        .collect();
    put("item_attributes", Value::from(attributes));

    let mut references: Vec<(&str, Option<String>)> = Vec::new();
    let mut add = |term, value| references.push((term, value));
    let delivery = transaction.first("ApplicableHeaderTradeDelivery");
    add("BT-11", agreement.text_at("SpecifiedProcuringProject/ID"));
    add(
        "BT-14",
        agreement.text_at("SellerOrderReferencedDocument/IssuerAssignedID"),
    );
    add(
        "BT-15",
        delivery.and_then(|delivery| {
            delivery.text_at("ReceivingAdviceReferencedDocument/IssuerAssignedID")
        }),
    );
    add(
        "BT-16",
        delivery.and_then(|delivery| {
            delivery.text_at("DespatchAdviceReferencedDocument/IssuerAssignedID")
        }),
    );
    add(
        "BT-19",
        settlement.text_at("ReceivableSpecifiedTradeAccountingAccount/ID"),
    );
    for document in agreement.all("AdditionalReferencedDocument") {
        let term = match document.text_at("TypeCode").as_deref() {
            Some("130") => "BT-18",
            Some("50") => "BT-17",
            _ => continue,
        };
        add(term, document.text_at("IssuerAssignedID"));
    }
    put("other_references", reference_facts(references));
    facts
}

/// Formats one VAT group as `category rate taxable tax`, with normalized numbers.
fn vat_group(
    category: Option<String>,
    rate: Option<String>,
    taxable: Option<String>,
    tax: Option<String>,
) -> String {
    let show = |value: Option<String>| match number(value) {
        Value::String(text) => text,
        _ => "-".to_owned(),
    };
    format!(
        "{} {} {} {}",
        category.unwrap_or_default(),
        show(rate),
        show(taxable),
        show(tax)
    )
}

/// Formats one line as `id | quantity | net amount | item name`.
fn line_fact(
    id: Option<String>,
    quantity: Option<String>,
    net_amount: Option<String>,
    name: Option<String>,
) -> Value {
    let show = |value: Option<String>| match number(value) {
        Value::String(text) => text,
        _ => "-".to_owned(),
    };
    Value::from(format!(
        "{} | {} | {} | {}",
        id.unwrap_or_default(),
        show(quantity),
        show(net_amount),
        name.unwrap_or_default()
    ))
}

fn facts_of(xml: &str) -> BTreeMap<String, Value> {
    let root = parse_tree(xml);
    if root.name == "CrossIndustryInvoice" {
        cii_facts(&root)
    } else {
        ubl_facts(&root)
    }
}

fn records() -> Vec<Value> {
    let record: Value = serde_json::from_str(RECORD).expect("sample_facts.json parses");
    record["samples"].as_array().expect("samples").clone()
}

fn syntax_of(record: &Value) -> Syntax {
    match record["syntax"].as_str() {
        Some("cii") => Syntax::Cii,
        _ => Syntax::Ubl,
    }
}

#[test]
fn samples_round_trip() {
    let records = records();
    assert!(records.len() >= 15, "{} samples recorded", records.len());
    for record in records {
        let json_path = record["json"].as_str().expect("json path");
        let text = std::fs::read_to_string(format!("{}/{json_path}", env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_else(|error| panic!("{json_path}: {error}"));
        let invoice = parse_invoice(&text).unwrap_or_else(|problems| panic!("{problems:?}"));
        let options = XmlOptions {
            syntax: syntax_of(&record),
            commented: false,
        };
        let xml = invoice
            .to_xml(options, None)
            .unwrap_or_else(|problems| panic!("{json_path}: {problems:#?}"));
        let generated = facts_of(&String::from_utf8(xml).expect("UTF-8"));

        let recorded = record["facts"].as_object().expect("facts");
        let deviations = record["deviations"].as_object().expect("deviations");
        assert_eq!(
            generated.keys().collect::<Vec<_>>(),
            recorded.keys().collect::<Vec<_>>(),
            "{json_path}: compared facts"
        );
        for (key, sample_value) in recorded {
            let expected = match deviations.get(key) {
                Some(deviation) => &deviation["ours"],
                None => sample_value,
            };
            assert_eq!(&generated[key], expected, "{json_path}: {key}");
        }
        for (key, deviation) in deviations {
            assert!(
                recorded.contains_key(key),
                "{json_path}: unknown fact {key}"
            );
            assert_ne!(
                &deviation["ours"], &recorded[key],
                "{json_path}: deviation {key} equals the sample"
            );
            assert!(
                deviation["reason"]
                    .as_str()
                    .is_some_and(|reason| !reason.is_empty()),
                "{json_path}: deviation {key} has no reason"
            );
        }
    }
}

#[test]
fn recorded_facts_match_samples() {
    let Some(folder) = std::env::var_os("CHORUS_SAMPLES_DIR").filter(|folder| !folder.is_empty())
    else {
        eprintln!(
            "CHORUS_SAMPLES_DIR is not set: the recorded sample facts were not compared with \
             the sample files"
        );
        return;
    };
    for record in records() {
        let sample = record["sample"].as_str().expect("sample file");
        let path = std::path::Path::new(&folder).join(sample);
        let xml = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let facts = facts_of(&xml);
        let recorded: BTreeMap<String, Value> = record["facts"]
            .as_object()
            .expect("facts")
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        for (key, value) in &recorded {
            assert_eq!(facts.get(key), Some(value), "{sample}: {key}");
        }
        assert_eq!(facts.len(), recorded.len(), "{sample}: compared facts");
    }
}

/// Collects every text and attribute value of a tree.
fn all_values(node: &Node, values: &mut Vec<String>) {
    values.push(node.text.clone());
    values.extend(node.attributes.values().cloned());
    for child in &node.children {
        all_values(child, values);
    }
}

/// Collects every string of a JSON document with one of `< > & " '` or a non-ASCII
/// character.
fn special_strings(value: &Value, strings: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains(['<', '>', '&', '"', '\'']) || !text.is_ascii() => {
            strings.push(text.clone())
        }
        Value::Array(items) => items.iter().for_each(|item| special_strings(item, strings)),
        Value::Object(map) => map.values().for_each(|item| special_strings(item, strings)),
        _ => {}
    }
}

#[test]
fn special_characters_round_trip() {
    let text = include_str!("../examples/invoices/special-characters.json");
    let json: Value = serde_json::from_str(text).unwrap();
    let mut expected = Vec::new();
    special_strings(&json, &mut expected);
    assert!(expected.len() >= 25, "{} special strings", expected.len());
    let invoice = parse_invoice(text).unwrap();
    for syntax in [Syntax::Ubl, Syntax::Cii] {
        for commented in [false, true] {
            let options = XmlOptions { syntax, commented };
            let xml = String::from_utf8(invoice.to_xml(options, None).unwrap()).unwrap();
            let mut values = Vec::new();
            all_values(&parse_tree(&xml), &mut values);
            for text in &expected {
                // UBL writes a note's subject code as a `#CODE#` prefix of its text.
                let found = values
                    .iter()
                    .any(|value| value == text || value.ends_with(&format!("#{text}")));
                assert!(
                    found,
                    "{syntax:?} commented={commented}: {text:?} not found"
                );
            }
        }
    }
}
