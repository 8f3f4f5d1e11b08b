//! Decimal input and output: JSON strings or numbers in, EN 16931 text out.
//!
//! JSON numbers arrive from serde_json as `f64`. They are converted through Rust's
//! shortest round-trip text (`13.5_f64` prints `13.5`), then parsed exactly, so no
//! float arithmetic ever touches an amount.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// Message prefix of an invalid decimal, matched by the French translation of parse errors.
pub(crate) const INVALID_DECIMAL: &str = "invalid decimal";
/// Message prefix of an invalid code, matched by the French translation of parse errors.
pub(crate) const INVALID_CODE: &str = "invalid code";

/// Parses a decimal written with a dot separator and no exponent, without rounding.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, String> {
    if text.contains(',') {
        return Err(format!(
            "{INVALID_DECIMAL} \"{text}\": use a dot as the decimal separator"
        ));
    }
    Decimal::from_str_exact(text.trim())
        .map_err(|_| format!("{INVALID_DECIMAL} \"{text}\": expected digits like \"13.50\""))
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a decimal as a JSON string (\"13.50\") or number (13.5)")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Decimal, E> {
        parse_decimal(value).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        // `Display` for f64 prints the shortest text that reads back as the same value.
        parse_decimal(&value.to_string()).map_err(E::custom)
    }
}

/// Decimal read from a JSON string or number.
struct DecimalInput(Decimal);

impl<'de> Deserialize<'de> for DecimalInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(DecimalVisitor)
            .map(DecimalInput)
    }
}

/// Deserializes a required decimal field (`deserialize_with`).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    DecimalInput::deserialize(deserializer).map(|input| input.0)
}

/// Deserializes an optional decimal field, used together with `#[serde(default)]`.
pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    Option::<DecimalInput>::deserialize(deserializer).map(|input| input.map(|value| value.0))
}

struct CodeVisitor;

impl<'de> Visitor<'de> for CodeVisitor {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a code as a JSON string (\"380\") or whole number (380)")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
        Err(E::custom(format!(
            "{INVALID_CODE} {value}: codes are not negative"
        )))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<String, E> {
        Err(E::custom(format!(
            "{INVALID_CODE} {value}: codes are whole numbers or text"
        )))
    }
}

struct CodeInput(String);

impl<'de> Deserialize<'de> for CodeInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodeVisitor).map(CodeInput)
    }
}

/// Deserializes a code such as BT-3 or BT-81 given as a string or a whole number.
pub(crate) fn deserialize_code<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    CodeInput::deserialize(deserializer).map(|input| input.0)
}

/// Deserializes an optional code, used together with `#[serde(default)]`.
pub(crate) fn deserialize_code_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<CodeInput>::deserialize(deserializer).map(|input| input.map(|code| code.0))
}

/// Rounds to 2 decimals, halves away from zero (13.425 becomes 13.43, -13.425 becomes
/// -13.43), the commercial rounding EN 16931 expects for amounts.
pub fn round_amount(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Number of decimals once trailing zeros are dropped (`13.500` has 1).
pub(crate) fn significant_decimals(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// Formats an amount with exactly 2 decimals, rounding first.
pub(crate) fn format_amount(value: Decimal) -> String {
    format!("{:.2}", round_amount(value))
}

/// Formats a VAT rate with 2 decimals (`20.00`, `5.50`). Validation rejects rates with
/// more decimals, so nothing is rounded away.
pub(crate) fn format_rate(value: Decimal) -> String {
    format_amount(value)
}

/// Formats a unit price with at least 2 decimals and every significant decimal kept.
pub(crate) fn format_price(value: Decimal) -> String {
    let normalized = value.normalize();
    if normalized.scale() < 2 {
        format!("{normalized:.2}")
    } else {
        normalized.to_string()
    }
}

/// Formats a quantity or percentage without trailing zeros (`10`, `2.5`).
pub(crate) fn format_plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Parses a decimal literal in tests, panicking on invalid text.
#[cfg(test)]
pub(crate) fn dec(text: &str) -> Decimal {
    text.parse().expect("valid decimal literal")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "deserialize")]
        value: Decimal,
        #[serde(default, deserialize_with = "deserialize_option")]
        optional: Option<Decimal>,
        #[serde(default, deserialize_with = "deserialize_code_option")]
        code: Option<String>,
    }

    fn read(json: &str) -> Result<Holder, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn decimal_from_string_keeps_scale() {
        let holder = read(r#"{"value": "13.50"}"#).unwrap();
        assert_eq!(holder.value.to_string(), "13.50");
        assert_eq!(holder.optional, None);
    }

    #[test]
    fn decimal_from_number_is_exact() {
        let holder = read(r#"{"value": 0.1, "optional": 13.5}"#).unwrap();
        assert_eq!(holder.value, dec("0.1"));
        assert_eq!(holder.optional, Some(dec("13.5")));
        let holder = read(r#"{"value": 1234567.89}"#).unwrap();
        assert_eq!(holder.value.to_string(), "1234567.89");
        let holder = read(r#"{"value": -7}"#).unwrap();
        assert_eq!(holder.value, dec("-7"));
    }

    #[test]
    fn decimal_comma_rejected() {
        let error = read(r#"{"value": "13,50"}"#).err().unwrap().to_string();
        assert!(error.contains("use a dot"), "{error}");
    }

    #[test]
    fn decimal_garbage_rejected() {
        assert!(read(r#"{"value": "abc"}"#).is_err());
        assert!(read(r#"{"value": "1e3"}"#).is_err());
        assert!(read(r#"{"value": true}"#).is_err());
    }

    #[test]
    fn code_from_number_or_string() {
        let holder = read(r#"{"value": 1, "code": 380}"#).unwrap();
        assert_eq!(holder.code.as_deref(), Some("380"));
        let holder = read(r#"{"value": 1, "code": "ZZZ"}"#).unwrap();
        assert_eq!(holder.code.as_deref(), Some("ZZZ"));
        assert!(read(r#"{"value": 1, "code": 3.5}"#).is_err());
    }

    #[test]
    fn rounding_half_away_from_zero() {
        assert_eq!(round_amount(dec("7.425")), dec("7.43"));
        assert_eq!(round_amount(dec("-7.425")), dec("-7.43"));
        assert_eq!(round_amount(dec("7.4249")), dec("7.42"));
    }

    #[test]
    fn formats() {
        assert_eq!(format_amount(dec("27.6")), "27.60");
        assert_eq!(format_amount(dec("0")), "0.00");
        assert_eq!(format_amount(dec("-3.005")), "-3.01");
        assert_eq!(format_rate(dec("5.5")), "5.50");
        assert_eq!(format_price(dec("13.5")), "13.50");
        assert_eq!(format_price(dec("0.123400")), "0.1234");
        assert_eq!(format_plain(dec("10.000")), "10");
        assert_eq!(format_plain(dec("2.50")), "2.5");
        assert_eq!(significant_decimals(dec("1.2300")), 2);
    }
}
