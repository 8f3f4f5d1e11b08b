//! Reading request fields and pagination objects, with the portal's error envelopes.

use serde_json::{json, Map, Value};

use crate::messages::{self, Retour};

pub type Body = Map<String, Value>;

/// Returns a field, treating JSON `null` as absent.
fn field<'a>(body: &'a Body, name: &str) -> Option<&'a Value> {
    body.get(name).filter(|value| !value.is_null())
}

pub fn required_string(body: &Body, name: &str) -> Result<String, Retour> {
    match optional_string(body, name)? {
        Some(text) if !text.is_empty() => Ok(text),
        _ => Err(messages::missing_parameter(name)),
    }
}

pub fn optional_string(body: &Body, name: &str) -> Result<Option<String>, Retour> {
    match field(body, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        // Identifiers such as a SIRET are often sent as numbers, so they are accepted as text.
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(_) => Err(messages::invalid_parameter(name, "une chaîne est attendue")),
    }
}

pub fn required_integer(body: &Body, name: &str) -> Result<i64, Retour> {
    optional_integer(body, name)?.ok_or_else(|| messages::missing_parameter(name))
}

/// Reads an integer sent as a JSON number or as a string of digits.
pub fn optional_integer(body: &Body, name: &str) -> Result<Option<i64>, Retour> {
    let invalid = || messages::invalid_parameter(name, "un entier est attendu");
    match field(body, name) {
        None => Ok(None),
        Some(Value::Number(number)) => number.as_i64().map(Some).ok_or_else(invalid),
        Some(Value::String(text)) if text.is_empty() => Ok(None),
        Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| invalid()),
        Some(_) => Err(invalid()),
    }
}

pub fn optional_bool(body: &Body, name: &str) -> Result<Option<bool>, Retour> {
    match field(body, name) {
        None => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(_) => Err(messages::invalid_parameter(name, "un booléen est attendu")),
    }
}

pub fn optional_object<'a>(body: &'a Body, name: &str) -> Result<Option<&'a Body>, Retour> {
    match field(body, name) {
        None => Ok(None),
        Some(Value::Object(object)) => Ok(Some(object)),
        Some(_) => Err(messages::invalid_parameter(name, "un objet est attendu")),
    }
}

/// Reads an array of codes. Items may be strings or one-field objects such as
/// `{"statutFacture": "DEPOSEE"}`, whose string value is taken.
pub fn optional_code_list(body: &Body, name: &str) -> Result<Option<Vec<String>>, Retour> {
    let invalid = || messages::invalid_parameter(name, "un tableau de codes est attendu");
    let items = match field(body, name) {
        None => return Ok(None),
        Some(Value::Array(items)) => items,
        Some(Value::String(code)) => return Ok(Some(vec![code.clone()])),
        Some(_) => return Err(invalid()),
    };
    let mut codes = Vec::with_capacity(items.len());
    for item in items {
        let code = match item {
            Value::String(code) => code.clone(),
            Value::Object(object) => object
                .values()
                .find_map(Value::as_str)
                .ok_or_else(invalid)?
                .to_string(),
            _ => return Err(invalid()),
        };
        codes.push(code);
    }
    Ok(Some(codes))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Language {
    French,
    English,
}

/// Reads `codeLangue` (`FR` or `EN`, any case). French when absent.
pub fn language(body: &Body) -> Result<Language, Retour> {
    match optional_string(body, "codeLangue")? {
        None => Ok(Language::French),
        Some(code) if code.eq_ignore_ascii_case("fr") => Ok(Language::French),
        Some(code) if code.eq_ignore_ascii_case("en") => Ok(Language::English),
        Some(code) => Err(messages::invalid_parameter(
            "codeLangue",
            &format!("{code:?} n'est pas FR ou EN"),
        )),
    }
}

/// A page request read from a pagination object.
#[derive(Clone, Debug)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: usize,
    pub per_page: usize,
    pub descending: bool,
    pub column: Option<String>,
}

/// Reads the pagination object `name` (`pageResultatDemandee`, `nbResultatsParPage`,
/// `triSens`, `triColonne`), using the given defaults for absent fields.
pub fn page_request(
    body: &Body,
    name: &str,
    default_per_page: usize,
    default_descending: bool,
) -> Result<PageRequest, Retour> {
    let mut request = PageRequest {
        page: 1,
        per_page: default_per_page,
        descending: default_descending,
        column: None,
    };
    let Some(object) = optional_object(body, name)? else {
        return Ok(request);
    };
    if let Some(page) = optional_integer(object, "pageResultatDemandee")? {
        request.page = usize::try_from(page)
            .ok()
            .filter(|&page| page >= 1)
            .ok_or_else(|| {
                messages::invalid_parameter("pageResultatDemandee", "un entier positif est attendu")
            })?;
    }
    if let Some(per_page) = optional_integer(object, "nbResultatsParPage")? {
        request.per_page = usize::try_from(per_page)
            .ok()
            .filter(|&per_page| per_page >= 1)
            .ok_or_else(|| {
                messages::invalid_parameter("nbResultatsParPage", "un entier positif est attendu")
            })?;
    }
    match optional_string(object, "triSens")?.as_deref() {
        None | Some("") => {}
        Some(direction) if direction.eq_ignore_ascii_case("Ascendant") => {
            request.descending = false
        }
        Some(direction) if direction.eq_ignore_ascii_case("Descendant") => {
            request.descending = true
        }
        Some(direction) => {
            return Err(messages::invalid_parameter(
                "triSens",
                &format!("{direction:?} n'est pas Ascendant ou Descendant"),
            ))
        }
    }
    request.column = optional_string(object, "triColonne")?.filter(|column| !column.is_empty());
    Ok(request)
}

/// Cuts one page out of `items` and builds the matching `parametresRetour`.
pub fn paginate<T>(items: Vec<T>, request: &PageRequest) -> (Vec<T>, Value) {
    let total = items.len();
    let pages = total.div_ceil(request.per_page);
    let start = (request.page - 1).saturating_mul(request.per_page);
    let page_items = items
        .into_iter()
        .skip(start)
        .take(request.per_page)
        .collect();
    let parametres_retour = json!({
        "pageCourante": request.page,
        "pages": pages,
        "nbResultatsParPage": request.per_page,
        "total": total,
    });
    (page_items, parametres_retour)
}

/// Converts a decimal amount written in an invoice into a JSON number.
pub fn amount(text: Option<&str>) -> Value {
    text.and_then(|text| text.parse::<serde_json::Number>().ok())
        .map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Body {
        match value {
            Value::Object(object) => object,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn integers_from_numbers_and_strings() {
        let body = body(json!({"a": 12, "b": "34", "c": "x", "d": null, "e": 1.5}));
        assert_eq!(optional_integer(&body, "a"), Ok(Some(12)));
        assert_eq!(optional_integer(&body, "b"), Ok(Some(34)));
        assert!(optional_integer(&body, "c").is_err());
        assert_eq!(optional_integer(&body, "d"), Ok(None));
        assert!(optional_integer(&body, "e").is_err());
        assert_eq!(
            required_integer(&body, "z"),
            Err(messages::missing_parameter("z"))
        );
    }

    #[test]
    fn pagination() {
        let request = page_request(
            &body(json!({"p": {"pageResultatDemandee": 2, "nbResultatsParPage": 2, "triSens": "Ascendant"}})),
            "p",
            10,
            true,
        )
        .unwrap_or_else(|error| panic!("{error:?}"));
        let (items, parametres) = paginate(vec![1, 2, 3, 4, 5], &request);
        assert_eq!(items, vec![3, 4]);
        assert_eq!(
            parametres,
            json!({"pageCourante": 2, "pages": 3, "nbResultatsParPage": 2, "total": 5})
        );
        assert!(!request.descending);
        let bad = page_request(&body(json!({"p": {"triSens": "up"}})), "p", 10, true);
        assert!(bad.is_err());
    }

    #[test]
    fn amounts_become_numbers() {
        assert_eq!(amount(Some("308.03")), json!(308.03));
        assert_eq!(amount(Some("12,5")), Value::Null);
        assert_eq!(amount(None), Value::Null);
    }
}
