//! Keeps `schemas/*.schema.json` in step with the parsers: at every object level, the
//! properties the schema lists must be exactly the keys the library accepts.
//!
//! The accepted keys are read from the parser itself: an unknown key makes serde list
//! every accepted one ("unknown field `x`, expected one of `a`, `b`").

use chorus_pro::config::Config;
use chorus_pro::invoice::parse_invoice;
use serde_json::{json, Value};

const INVOICE_SCHEMA: &str = include_str!("../schemas/invoice.schema.json");
const CONFIG_SCHEMA: &str = include_str!("../schemas/config.schema.json");
const SAMPLE: &str = include_str!("../examples/invoices/facturx-ubl-21-en16931.json");

/// A key no level accepts.
const UNKNOWN_KEY: &str = "zz_unknown_key";

/// Returns the keys listed after "expected" in a serde message: "expected one of `a`,
/// `b`, `c`", or "expected `a` or `b`" when there are two.
fn accepted_keys(message: &str) -> Vec<String> {
    let (_, list) = message
        .split_once("expected ")
        .unwrap_or_else(|| panic!("no accepted keys in {message:?}"));
    let list = list.strip_prefix("one of ").unwrap_or(list);
    // The message may end with a position, " at line 1 column 9" or " (line 1, column 9)".
    let list = list.split(" at line ").next().unwrap_or(list);
    let list = list.split(" (line ").next().unwrap_or(list);
    let mut keys: Vec<String> = list
        .split(", ")
        .flat_map(|part| part.split(" or "))
        .map(|key| key.trim().trim_matches('`').to_owned())
        .collect();
    keys.sort();
    keys
}

/// Follows a local `$ref` such as `#/$defs/address`.
fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local reference");
            let target = schema.pointer(pointer).expect("reference resolves");
            resolve(schema, target)
        }
        None => node,
    }
}

/// Returns the sorted property names of the schema node reached through `path`, where
/// each step is an object key or `[]` for the items of an array.
fn schema_keys(schema: &Value, path: &[&str]) -> Vec<String> {
    let mut node = schema;
    for step in path {
        node = resolve(schema, node);
        node = if *step == "[]" {
            node.get("items").expect("array items")
        } else {
            node.pointer(&format!("/properties/{step}"))
                .unwrap_or_else(|| panic!("schema has no property {step} in {path:?}"))
        };
    }
    let node = resolve(schema, node);
    assert_eq!(
        node.get("additionalProperties"),
        Some(&Value::Bool(false)),
        "{path:?} must forbid unknown keys like the parser"
    );
    let mut keys: Vec<String> = node["properties"]
        .as_object()
        .expect("object properties")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// Returns the JSON object reached through `path` in `document`, `[]` meaning element 0.
fn object_at<'a>(document: &'a mut Value, path: &[&str]) -> &'a mut serde_json::Map<String, Value> {
    let mut node = document;
    for step in path {
        node = if *step == "[]" {
            &mut node[0]
        } else {
            &mut node[*step]
        };
    }
    node.as_object_mut()
        .unwrap_or_else(|| panic!("no object at {path:?}"))
}

/// Returns the invoice sample completed with the optional groups it lacks.
fn full_invoice() -> Value {
    let mut invoice: Value = serde_json::from_str(SAMPLE).unwrap();
    invoice["vat_exemptions"] = json!([{"vat_category": "E", "reason": "Exonéré"}]);
    invoice["attachments"] = json!([{
        "id": "A1", "file_name": "a.pdf", "mime_code": "application/pdf",
        "content_base64": "JVBERi0="
    }]);
    invoice["payment_instructions"]["credit_transfer"] =
        json!({"iban": "FR7630006000011234567890189"});
    invoice["seller"]["identifiers"] = json!([{"scheme": "0088", "id": "1238764941386"}]);
    invoice["seller"]["legal_registration"] = json!({"id": "57151520"});
    invoice
}

#[test]
fn invoice_schema_matches_parser() {
    let schema: Value = serde_json::from_str(INVOICE_SCHEMA).unwrap();
    let levels: &[&[&str]] = &[
        &[],
        &["preceding_invoices", "[]"],
        &["notes", "[]"],
        &["invoicing_period"],
        &["seller"],
        &["seller", "address"],
        &["seller", "contact"],
        &["seller", "electronic_address"],
        &["seller", "bank_account"],
        &["seller", "identifiers", "[]"],
        &["seller", "legal_registration"],
        &["buyer"],
        &["buyer", "address"],
        &["buyer", "contact"],
        &["delivery"],
        &["delivery", "location_id"],
        &["delivery", "address"],
        &["payment_instructions"],
        &["payment_instructions", "credit_transfer"],
        &["allowances", "[]"],
        &["charges", "[]"],
        &["lines", "[]"],
        &["lines", "[]", "allowances", "[]"],
        &["lines", "[]", "charges", "[]"],
        &["lines", "[]", "standard_item_id"],
        &["lines", "[]", "period"],
        &["vat_exemptions", "[]"],
        &["expected_totals"],
        &["attachments", "[]"],
    ];
    for path in levels {
        let mut invoice = full_invoice();
        object_at(&mut invoice, path).insert(UNKNOWN_KEY.to_owned(), json!(1));
        let problems = parse_invoice(&invoice.to_string()).expect_err("unknown key rejected");
        let parser_keys = accepted_keys(&problems[0].message_en);
        assert_eq!(schema_keys(&schema, path), parser_keys, "level {path:?}");
    }
}

#[test]
fn config_schema_matches_parser() {
    let schema: Value = serde_json::from_str(CONFIG_SCHEMA).unwrap();
    let levels: &[&[&str]] = &[&[], &["bank_account"], &["retry"]];
    for path in levels {
        let mut config = json!({
            "client_id": "a", "client_secret": "b", "technical_login": "c",
            "technical_password": "d", "bank_account": {"iban": "FR7630006000011234567890189"},
            "retry": {}
        });
        object_at(&mut config, path).insert(UNKNOWN_KEY.to_owned(), json!(1));
        let error = Config::from_json(&config.to_string()).expect_err("unknown key rejected");
        let parser_keys = accepted_keys(&error.problems[0].message_en);
        assert_eq!(schema_keys(&schema, path), parser_keys, "level {path:?}");
    }
}

#[test]
fn required_keys_match_parser() {
    let schema: Value = serde_json::from_str(INVOICE_SCHEMA).unwrap();
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key.as_str().unwrap())
        .collect();
    required.sort();
    for key in &required {
        let mut invoice = full_invoice();
        invoice.as_object_mut().unwrap().remove(*key);
        let problems = parse_invoice(&invoice.to_string()).expect_err("required key");
        assert!(
            problems[0].message_en.contains("missing field"),
            "{key}: {problems:?}"
        );
    }
    // Every other root key is optional for the parser.
    let invoice = full_invoice();
    let mut minimal = serde_json::Map::new();
    for key in &required {
        minimal.insert((*key).to_owned(), invoice[*key].clone());
    }
    assert!(parse_invoice(&Value::Object(minimal).to_string()).is_ok());
}
