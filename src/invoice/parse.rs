//! JSON to [`Invoice`], with parse errors turned into a [`Problem`] that names the field.
//!
//! serde_json reports a line and column but not the field path, so the path is rebuilt by
//! scanning the JSON text up to the error position.

use super::decimal::{INVALID_CODE, INVALID_DECIMAL};
use super::model::Invoice;
use super::Problem;

/// Parses the ERP's invoice JSON. Syntax errors, wrong types, missing required fields and
/// unknown keys come back as [`Problem`]s whose paths name the fields.
pub fn parse_invoice(json: &str) -> Result<Invoice, Vec<Problem>> {
    let parsed = serde_json::from_str::<Invoice>(json);
    // Arrays are looked for in valid JSON only, so a syntax error keeps its position.
    let syntax_error = matches!(&parsed, Err(error) if !error.is_data());
    if !syntax_error {
        let misplaced = misplaced_arrays(json, INVOICE_LIST_KEYS);
        if !misplaced.is_empty() {
            return Err(misplaced);
        }
    }
    parsed.map_err(|error| structure_problems::<Invoice>(json, &error, &[]))
}

/// Keys of the invoice JSON whose value is an array of objects. Every other array is
/// misplaced, because serde would read it as an object.
const INVOICE_LIST_KEYS: &[&str] = &[
    "additional_credit_transfers",
    "allowances",
    "attachments",
    "attributes",
    "charges",
    "classifications",
    "identifiers",
    "lines",
    "notes",
    "preceding_invoices",
    "vat_exemptions",
];

/// Lists the arrays of `json` that stand where an object is expected: serde reads an
/// array as an object's fields in order, so `"payee": ["Factor"]` would otherwise be a
/// payee named Factor. An array is allowed only as the value of a key in `list_keys`.
pub(crate) fn misplaced_arrays(json: &str, list_keys: &[&str]) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(json.as_bytes(), |stack| {
        let allowed = matches!(
            stack.last(),
            Some(Container::Object { key: Some(key) })
                if list_keys.iter().any(|list_key| list_key.as_bytes() == *key)
        );
        if !allowed {
            let path = container_path(stack);
            let (shown_fr, shown_en) = if path.is_empty() {
                ("(racine)".to_owned(), "(root)".to_owned())
            } else {
                (path.clone(), path.clone())
            };
            problems.push(Problem {
                message_fr: format!(
                    "type invalide à {shown_fr} : tableau JSON, attendu un objet ou une valeur"
                ),
                message_en: format!(
                    "invalid type at {shown_en}: JSON array, expected an object or a value"
                ),
                path,
            });
        }
        allowed
    });
    problems
}

/// Joins the keys and indexes of the open containers into a path such as `lines[2].x`.
fn container_path(stack: &[Container]) -> String {
    let mut path = String::new();
    for container in stack {
        match container {
            Container::Object { key: Some(key) } => {
                path = join_key(&path, &String::from_utf8_lossy(key));
            }
            Container::Object { key: None } => {}
            Container::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// Most structure problems collected from one document, so that several misspelt keys
/// or wrongly typed values are reported together.
const MAX_STRUCTURE_PROBLEMS: usize = 50;

/// Lists the structure problems of a document (an invoice or a configuration) that
/// serde rejected with `first` when reading it as a `T`.
///
/// serde stops at the first problem. When the text is valid JSON, the value at fault is
/// removed and the invoice read again, until it reads, a problem repeats or a field is
/// missing (removing nothing cannot reveal more). Only the first problem gives a line and
/// column, because the later ones are found in the re-serialized text.
///
/// The string values of the root keys in `secret_keys` are wiped before the copies are
/// made, so that no unzeroized copy of a secret is left behind.
pub(crate) fn structure_problems<T: serde::de::DeserializeOwned>(
    json: &str,
    first: &serde_json::Error,
    secret_keys: &[&str],
) -> Vec<Problem> {
    let mut problems = vec![problem_from_serde(json, first)];
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(json) else {
        return problems;
    };
    for key in secret_keys {
        if let Some(serde_json::Value::String(secret)) = value.get_mut(*key) {
            zeroize::Zeroize::zeroize(secret);
        }
    }
    while problems.len() < MAX_STRUCTURE_PROBLEMS {
        let last = &problems[problems.len() - 1].path;
        if last.is_empty() || !remove_at(&mut value, last) {
            break;
        }
        let text = zeroize::Zeroizing::new(value.to_string());
        let Err(error) = serde_json::from_str::<T>(&text) else {
            break;
        };
        let mut problem = problem_from_serde(&text, &error);
        if problems.iter().any(|known| known.path == problem.path) {
            break;
        }
        problem.message_en = without_position(&problem.message_en, " (line ");
        problem.message_fr = without_position(&problem.message_fr, " (ligne ");
        problems.push(problem);
    }
    problems
}

fn without_position(message: &str, marker: &str) -> String {
    match message.rfind(marker) {
        Some(end) => message[..end].to_owned(),
        None => message.to_owned(),
    }
}

/// Removes the value at a problem path such as `lines[2].vat_rate`; returns whether
/// there was one.
fn remove_at(value: &mut serde_json::Value, path: &str) -> bool {
    let mut steps: Vec<(&str, Vec<usize>)> = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        let key = pieces.next().unwrap_or_default();
        let indexes = pieces
            .map(|index| index.trim_end_matches(']').parse().ok())
            .collect::<Option<Vec<usize>>>();
        let Some(indexes) = indexes else {
            return false;
        };
        steps.push((key, indexes));
    }
    let Some(((last_key, last_indexes), parents)) = steps.split_last() else {
        return false;
    };
    let mut current = value;
    for (key, indexes) in parents {
        let Some(next) = step_into(current, key, indexes) else {
            return false;
        };
        current = next;
    }
    match last_indexes.split_last() {
        None => current
            .as_object_mut()
            .is_some_and(|object| object.remove(*last_key).is_some()),
        Some((last_index, inner)) => {
            let Some(array) = step_into(current, last_key, inner).and_then(|v| v.as_array_mut())
            else {
                return false;
            };
            if *last_index < array.len() {
                array.remove(*last_index);
                true
            } else {
                false
            }
        }
    }
}

/// Follows `key` (unless empty) then each array index.
fn step_into<'a>(
    value: &'a mut serde_json::Value,
    key: &str,
    indexes: &[usize],
) -> Option<&'a mut serde_json::Value> {
    let mut current = if key.is_empty() {
        value
    } else {
        value.get_mut(key)?
    };
    for index in indexes {
        current = current.get_mut(*index)?;
    }
    Some(current)
}

/// Turns a serde_json error into a problem whose path names the JSON field at fault.
pub(crate) fn problem_from_serde(json: &str, error: &serde_json::Error) -> Problem {
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(end) => &full[..end],
        None => full.as_str(),
    };
    let plain = json_type_names(message);
    let message = plain.as_str();
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

/// An open JSON container; an object keeps the raw bytes of its current key.
enum Container<'a> {
    Object { key: Option<&'a [u8]> },
    Array { index: usize },
}

/// Rebuilds the JSON path (`lines[2].vat_rate`) of the value being read at `offset`.
fn path_at(json: &str, offset: usize) -> String {
    container_path(&walk(&json.as_bytes()[..offset], |_| true))
}

/// Walks JSON text and returns the containers still open at its end, each object with its
/// current key. `on_array` gets the open containers before each `[`, and the walk stops
/// when it returns `false`.
fn walk<'a>(
    bytes: &'a [u8],
    mut on_array: impl FnMut(&[Container<'a>]) -> bool,
) -> Vec<Container<'a>> {
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
                if !on_array(&stack) {
                    return stack;
                }
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
                    if let Some(Container::Object { key: current }) = stack.last_mut() {
                        *current = Some(&bytes[start..end]);
                    }
                    expecting_key = false;
                }
            }
            _ => {}
        }
        position += 1;
    }

    stack
}

/// Translates serde_json's English messages, and the decimal and code messages of this
/// crate, into French. Details without a fixed wording stay in English after a colon.
/// Replaces serde's Rust type names in a type error with JSON ones: `map` and
/// `struct Seller` become object, `sequence` becomes array, `u64` an integer.
fn json_type_names(message: &str) -> String {
    let Some(detail) = message.strip_prefix("invalid type: ") else {
        return message.to_owned();
    };
    let (found, expected) = detail.split_once(", expected ").unwrap_or((detail, ""));
    let found = match found {
        "map" => "object",
        "sequence" => "array",
        other => other,
    };
    let expected = if expected.starts_with("struct ") || expected == "a map" {
        "an object"
    } else if expected == "a sequence" {
        "an array"
    } else if expected.starts_with('u') || expected.starts_with('i') && expected.len() <= 5 {
        "an integer"
    } else {
        expected
    };
    format!("invalid type: {found}, expected {expected}")
}

/// Translates the JSON type words of a type error detail.
fn french_type_words(detail: &str) -> String {
    let words = [
        ("an object", "un objet"),
        ("an array", "un tableau"),
        ("an integer", "un entier"),
        ("a string", "une chaîne"),
        ("a boolean", "un booléen"),
        ("a decimal", "un nombre décimal"),
        ("object", "objet"),
        ("array", "tableau"),
        ("string", "chaîne"),
        ("integer", "entier"),
        ("floating point", "nombre à virgule"),
        ("boolean", "booléen"),
        (", expected ", ", attendu "),
    ];
    // Quoted parts are the ERP's own values and stay as they are.
    detail
        .split('"')
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                return part.to_owned();
            }
            words
                .iter()
                .fold(part.to_owned(), |text, (english, french)| {
                    text.replace(english, french)
                })
        })
        .collect::<Vec<_>>()
        .join("\"")
}

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
            return format!("{french} : {}", french_type_words(detail.trim()));
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
    fn several_structure_problems_listed() {
        let json = SAMPLE
            .replacen("\"number\"", "\"colour\": \"red\", \"number\"", 1)
            .replacen("\"quantity\"", "\"quantty\": 1, \"quantity\"", 1)
            .replacen("\"issue_date\": \"", "\"issue_date\": 7, \"x\": \"", 1);
        let problems = parse_invoice(&json).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["colour", "issue_date", "lines[0].quantty", "x"],
            "{problems:#?}"
        );
        assert!(problems[0].message_en.contains("(line "), "{problems:#?}");
        assert!(!problems[1].message_en.contains("(line "), "{problems:#?}");
        assert!(!problems[1].message_fr.contains("(ligne "), "{problems:#?}");
    }

    #[test]
    fn missing_field_ends_the_list() {
        let mut value: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        value.as_object_mut().unwrap().remove("number");
        value["colour"] = serde_json::json!("red");
        let problems = parse_invoice(&value.to_string()).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["colour", "number"], "{problems:#?}");
    }

    #[test]
    fn arrays_for_objects_rejected() {
        let cases = [
            ("\"payee\": [\"Factor\"], \"number\"", "payee"),
            (
                "\"validator\": [\"41234567000001\"], \"number\"",
                "validator",
            ),
        ];
        for (replacement, path) in cases {
            let json = SAMPLE.replacen("\"number\"", replacement, 1);
            let problems = parse_invoice(&json).unwrap_err();
            let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths, [path]);
            assert!(
                problems[0].message_en.contains("JSON array"),
                "{problems:?}"
            );
        }
        let nested = SAMPLE.replacen(
            "\"item_name\"",
            "\"period\": [\"2026-01-01\"], \"item_name\"",
            1,
        );
        let problems = parse_invoice(&nested).unwrap_err();
        assert_eq!(problems[0].path, "lines[0].period");
        let problems = parse_invoice(&format!("[{SAMPLE}]")).unwrap_err();
        assert_eq!(problems[0].path, "");
        assert!(problems[0].message_en.contains("(root)"), "{problems:?}");
    }

    #[test]
    fn type_errors_name_json_types() {
        let json = SAMPLE.replacen("\"number\"", "\"payee\": \"a string value\", \"number\"", 1);
        let problems = parse_invoice(&json).unwrap_err();
        assert_eq!(problems[0].path, "payee");
        let english = &problems[0].message_en;
        assert!(
            english.starts_with("invalid type: string \"a string value\", expected an object"),
            "{english}"
        );
        let french = &problems[0].message_fr;
        assert!(
            french.starts_with("type invalide : chaîne \"a string value\", attendu un objet"),
            "{french}"
        );
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
        let problems = parse_invoice(&json).unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["lines[0].vat_note", "lines[1].vat_note"]);
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
