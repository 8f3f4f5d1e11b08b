//! JSON to [`Invoice`], with parse errors turned into a [`Problem`] that names the field.
//!
//! serde_json reports a line and column but not the field path, so the path is rebuilt by
//! scanning the JSON text up to the error position.

use super::decimal::{INVALID_CODE, INVALID_DECIMAL};
use super::model::Invoice;
use super::Problem;

/// Parses the ERP's invoice JSON. Syntax errors, wrong types, missing required fields and
/// unknown keys come back as one [`Problem`] whose path names the field.
pub fn parse_invoice(json: &str) -> Result<Invoice, Vec<Problem>> {
    serde_json::from_str(json).map_err(|error| vec![problem_from_serde(json, &error)])
}

/// Turns a serde_json error into a problem whose path names the JSON field at fault.
pub(crate) fn problem_from_serde(json: &str, error: &serde_json::Error) -> Problem {
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(end) => &full[..end],
        None => full.as_str(),
    };
    let offset = byte_offset(json, error.line(), error.column());
    let mut path = path_at(json, offset);

    // A missing field is reported at the closing brace of its object: add its name.
    if let Some(field) = quoted_name(message, "missing field `") {
        path = join_key(&path, field);
    }

    let position = format!("line {}, column {}", error.line(), error.column());
    let message_en = format!("{message} ({position})");
    let message_fr = format!(
        "{} (ligne {}, colonne {})",
        translate(message),
        error.line(),
        error.column()
    );
    Problem {
        path,
        message_fr,
        message_en,
    }
}

/// Converts serde_json's 1-based line and byte column to a byte offset into `json`.
fn byte_offset(json: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start: usize = json
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    (line_start + column).min(json.len())
}

fn quoted_name<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

enum Container {
    Object { key: Option<String> },
    Array { index: usize },
}

/// Rebuilds the JSON path (`lines[2].vat_rate`) of the value being read at `offset`.
fn path_at(json: &str, offset: usize) -> String {
    let bytes = &json.as_bytes()[..offset];
    let mut stack: Vec<Container> = Vec::new();
    let mut expecting_key = false;
    let mut position = 0;
    while position < bytes.len() {
        match bytes[position] {
            b'{' => {
                stack.push(Container::Object { key: None });
                expecting_key = true;
            }
            b'[' => {
                stack.push(Container::Array { index: 0 });
                expecting_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expecting_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Container::Array { index }) => *index += 1,
                Some(Container::Object { .. }) => expecting_key = true,
                None => {}
            },
            b'"' => {
                let start = position + 1;
                position = start;
                while position < bytes.len() && bytes[position] != b'"' {
                    if bytes[position] == b'\\' {
                        position += 1;
                    }
                    position += 1;
                }
                if expecting_key {
                    let end = position.min(bytes.len());
                    let key = String::from_utf8_lossy(&bytes[start..end]).into_owned();
                    if let Some(Container::Object { key: current }) = stack.last_mut() {
                        *current = Some(key);
                    }
                    expecting_key = false;
                }
            }
            _ => {}
        }
        position += 1;
    }

    let mut path = String::new();
    for container in &stack {
        match container {
            Container::Object { key: Some(key) } => path = join_key(&path, key),
            Container::Object { key: None } => {}
            Container::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// Translates serde_json's English messages, and the decimal and code messages of this
/// crate, into French. Details without a fixed wording stay in English after a colon.
fn translate(message: &str) -> String {
    if let Some(field) = quoted_name(message, "unknown field `") {
        return match message.split_once("expected one of ") {
            Some((_, accepted)) => {
                format!("champ inconnu `{field}` ; champs acceptés : {accepted}")
            }
            None => format!("champ inconnu `{field}` ; aucun champ n'est accepté ici"),
        };
    }
    if let Some(field) = quoted_name(message, "missing field `") {
        return format!("champ obligatoire `{field}` absent");
    }
    if let Some(field) = quoted_name(message, "duplicate field `") {
        return format!("champ `{field}` en double");
    }
    if let Some(rest) = message.strip_prefix(INVALID_DECIMAL) {
        let value = rest.split(':').next().unwrap_or_default().trim();
        let hint = if rest.contains("use a dot") {
            "le séparateur décimal est le point"
        } else {
            "attendu des chiffres comme \"13.50\""
        };
        return format!("nombre décimal invalide {value} : {hint}");
    }
    if let Some(value) = quoted_name(message, "unknown variant `") {
        let accepted = message
            .split_once("expected ")
            .map_or("", |(_, accepted)| accepted);
        return format!("valeur inconnue `{value}` ; valeurs acceptées : {accepted}");
    }
    let prefixes = [
        ("invalid type: ", "type invalide"),
        ("invalid value: ", "valeur invalide"),
        ("invalid length ", "longueur invalide"),
        (INVALID_CODE, "code invalide"),
    ];
    for (english, french) in prefixes {
        if let Some(detail) = message.strip_prefix(english) {
            return format!("{french} : {}", detail.trim());
        }
    }
    format!("JSON mal formé : {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../examples/invoices/facturx-ubl-21-en16931.json");

    fn single_problem(json: &str) -> Problem {
        let problems = parse_invoice(json).expect_err("JSON must be rejected");
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().unwrap()
    }

    #[test]
    fn sample_parses() {
        let invoice = parse_invoice(SAMPLE).unwrap();
        assert_eq!(invoice.number, "F124212");
        assert_eq!(invoice.lines.len(), 2);
        assert_eq!(invoice.currency_code, "EUR");
    }

    #[test]
    fn unknown_root_key_named() {
        let json = SAMPLE.replacen("{", "{\"colour\": 1,", 1);
        let problem = single_problem(&json);
        assert_eq!(problem.path, "colour");
        assert!(
            problem.message_en.contains("unknown field `colour`"),
            "{problem:?}"
        );
        assert!(
            problem
                .message_fr
                .starts_with("champ inconnu `colour` ; champs acceptés : `type_code`"),
            "{problem:?}"
        );
    }

    #[test]
    fn unknown_nested_key_named() {
        let json = SAMPLE.replacen("\"item_name\"", "\"vat_note\": \"x\", \"item_name\"", 2);
        let problem = single_problem(&json);
        assert_eq!(problem.path, "lines[0].vat_note");
    }

    #[test]
    fn unknown_key_in_second_line() {
        let marker = "\"item_name\": \"Nougats en cubes\"";
        assert!(SAMPLE.contains(marker));
        let json = SAMPLE.replace(marker, &format!("\"colour\": \"red\", {marker}"));
        let problem = single_problem(&json);
        assert_eq!(problem.path, "lines[1].colour");
    }

    #[test]
    fn missing_field_named() {
        let json = r#"{"type_code": "380", "number": "F1", "issue_date": "2026-01-01",
            "seller": {"name": "S", "address": {}}, "buyer": {}, "lines": []}"#;
        let problem = single_problem(json);
        assert_eq!(problem.path, "seller.address.country_code");
        assert!(problem.message_en.contains("missing field"), "{problem:?}");
        assert!(
            problem
                .message_fr
                .contains("champ obligatoire `country_code` absent"),
            "{problem:?}"
        );
    }

    #[test]
    fn wrong_type_named() {
        let json = SAMPLE.replacen("\"quantity\": \"10\"", "\"quantity\": true", 1);
        let problem = single_problem(&json);
        assert_eq!(problem.path, "lines[0].quantity");
        assert!(
            problem.message_fr.starts_with("type invalide"),
            "{problem:?}"
        );
    }

    #[test]
    fn bad_decimal_named() {
        let json = SAMPLE.replacen(
            "\"paid_amount\": \"100.00\"",
            "\"paid_amount\": \"100,00\"",
            1,
        );
        let problem = single_problem(&json);
        assert_eq!(problem.path, "paid_amount");
        assert!(problem.message_en.contains("use a dot"), "{problem:?}");
        assert!(
            problem
                .message_fr
                .contains("le séparateur décimal est le point"),
            "{problem:?}"
        );
    }

    #[test]
    fn syntax_error_reported() {
        let problem = single_problem("{\"number\": ");
        assert!(
            problem.message_fr.starts_with("JSON mal formé"),
            "{problem:?}"
        );
        assert!(problem.message_en.contains("line 1"), "{problem:?}");
    }

    #[test]
    fn truncated_json_reports_problem() {
        for end in 0..SAMPLE.trim_end().len() {
            if !SAMPLE.is_char_boundary(end) {
                continue;
            }
            let problems = parse_invoice(&SAMPLE[..end]).expect_err("truncated JSON is invalid");
            assert_eq!(problems.len(), 1, "cut at byte {end}");
        }
    }

    #[test]
    fn key_with_escaped_quote() {
        let json = "{\"a\\\"b\": 1}";
        let problem = single_problem(json);
        assert_eq!(problem.path, "a\\\"b");
    }
}
