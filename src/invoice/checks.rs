//! Checks of French and international identifiers, and of codes.
//!
//! Algorithms as python-stdnum 2.2 implements them (`stdnum/fr/siren.py`, `siret.py`,
//! `tva.py`, `stdnum/iban.py`, `stdnum/bic.py`).

use super::code_lists;

/// SIREN of La Poste, whose establishments have SIRETs that fail the Luhn check.
const LA_POSTE_SIREN: &str = "356000000";
/// SIRET of La Poste's head office, the one La Poste SIRET that passes the Luhn check.
const LA_POSTE_HEAD_OFFICE: &str = "35600000000048";

fn is_digits(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Returns whether a string of ASCII digits passes the Luhn (mod 10) check.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(position, byte)| {
            let digit = u32::from(byte - b'0');
            if position % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum % 10 == 0
}

/// Returns whether `siren` is 9 digits passing the Luhn check.
pub fn is_valid_siren(siren: &str) -> bool {
    is_digits(siren, 9) && luhn_valid(siren)
}

/// Returns whether `siret` is 14 digits starting with a valid SIREN and passing the Luhn
/// check. La Poste establishments (SIREN 356000000) other than the head office instead
/// need a digit sum that is a multiple of 5.
pub fn is_valid_siret(siret: &str) -> bool {
    if !is_digits(siret, 14) || !is_valid_siren(&siret[..9]) {
        return false;
    }
    if siret.starts_with(LA_POSTE_SIREN) && siret != LA_POSTE_HEAD_OFFICE {
        let digit_sum: u32 = siret.bytes().map(|byte| u32::from(byte - b'0')).sum();
        return digit_sum % 5 == 0;
    }
    luhn_valid(siret)
}

/// Computes the 2-digit key of a French VAT number from its 9-digit SIREN:
/// (12 + 3 × (SIREN mod 97)) mod 97.
pub fn french_vat_key(siren: &str) -> Option<u32> {
    if !is_digits(siren, 9) {
        return None;
    }
    let number: u64 = siren.parse().ok()?;
    let key = (12 + 3 * (number % 97)) % 97;
    u32::try_from(key).ok()
}

/// Outcome of a VAT identifier check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VatIdCheck {
    /// Shape (and key, for French numbers with a numeric key) is correct.
    Valid,
    /// Not 2 country letters followed by 2 to 13 letters or digits.
    BadShape,
    /// French number whose SIREN part is not 9 digits or fails the Luhn check.
    BadFrenchSiren,
    /// French number whose numeric key does not match its SIREN.
    BadFrenchKey,
}

/// Characters of a French VAT key, in the order the letter-key check numbers them
/// (I and O are never used).
const FRENCH_VAT_KEY_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Checks a French VAT key made of two characters, at least one a letter (keys given to
/// companies without a numeric key): a mod 11 check over the key's position numbers.
fn french_letter_key_valid(key: &str, siren: &str) -> bool {
    let mut positions = key
        .chars()
        .map(|character| FRENCH_VAT_KEY_ALPHABET.find(character));
    let (Some(Some(first)), Some(Some(second))) = (positions.next(), positions.next()) else {
        return false;
    };
    let (Ok(first), Ok(second), Ok(number)) = (
        i64::try_from(first),
        i64::try_from(second),
        siren.parse::<i64>(),
    ) else {
        return false;
    };
    let check = if first < 10 {
        first * 24 + second - 10
    } else {
        first * 34 + second - 100
    };
    check >= 0 && (number + 1 + check / 11) % 11 == check % 11
}

/// Checks a VAT identifier: ISO 3166 prefix (EL for Greece) and, for FR, the SIREN part
/// and the key. Monaco numbers (SIREN part starting with 000) skip the SIREN Luhn check.
pub fn check_vat_id(vat_id: &str) -> VatIdCheck {
    let bytes = vat_id.as_bytes();
    let shape_ok = (4..=15).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..]
            .iter()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
    if !shape_ok {
        return VatIdCheck::BadShape;
    }
    if !vat_id.starts_with("FR") {
        return VatIdCheck::Valid;
    }
    if bytes.len() != 13 {
        return VatIdCheck::BadShape;
    }
    let key = &vat_id[2..4];
    let siren = &vat_id[4..];
    let monaco = siren.starts_with("000");
    if !is_digits(siren, 9) || (!monaco && !luhn_valid(siren)) {
        return VatIdCheck::BadFrenchSiren;
    }
    let key_valid = if is_digits(key, 2) {
        french_vat_key(siren) == key.parse().ok()
    } else {
        french_letter_key_valid(key, siren)
    };
    if key_valid {
        VatIdCheck::Valid
    } else {
        VatIdCheck::BadFrenchKey
    }
}

/// Outcome of an IBAN check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IbanCheck {
    Valid,
    /// Not 2 letters, 2 digits and 11 to 30 letters or digits (uppercase, no spaces).
    BadShape,
    /// A French IBAN that is not 27 characters long.
    BadFrenchLength,
    /// ISO 7064 MOD 97-10 check failed.
    BadChecksum,
}

/// Checks an IBAN: shape, French length (27), and ISO 7064 MOD 97-10 check digits.
pub fn check_iban(iban: &str) -> IbanCheck {
    let bytes = iban.as_bytes();
    let shape_ok = (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..]
            .iter()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
    if !shape_ok {
        return IbanCheck::BadShape;
    }
    if iban.starts_with("FR") && bytes.len() != 27 {
        return IbanCheck::BadFrenchLength;
    }
    // Move the country code and check digits to the end, read letters as 10..35, and
    // reduce modulo 97 after each digit, which keeps every intermediate value below 9735.
    let rearranged = bytes[4..].iter().chain(&bytes[..4]);
    let mut remainder: u32 = 0;
    for &byte in rearranged {
        let value = if byte.is_ascii_digit() {
            u32::from(byte - b'0')
        } else {
            u32::from(byte - b'A') + 10
        };
        let factor = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * factor + value) % 97;
    }
    if remainder == 1 {
        IbanCheck::Valid
    } else {
        IbanCheck::BadChecksum
    }
}

/// Returns whether `bic` has the ISO 9362 shape: 4 letters (institution), 2 letters
/// (country), 2 letters or digits (location), optionally 3 letters or digits (branch).
pub fn is_valid_bic(bic: &str) -> bool {
    let bytes = bic.as_bytes();
    let alphanumeric = |byte: &u8| byte.is_ascii_uppercase() || byte.is_ascii_digit();
    (bytes.len() == 8 || bytes.len() == 11)
        && bytes[..6].iter().all(u8::is_ascii_uppercase)
        && bytes[6..].iter().all(alphanumeric)
}

/// Returns whether `code` is an ISO 3166-1 alpha-2 country code that EN 16931 accepts.
pub fn is_country_code(code: &str) -> bool {
    code_lists::contains(&code_lists::COUNTRIES, code)
}

/// Returns whether `code` is an ISO 4217 currency code that EN 16931 accepts.
pub fn is_currency_code(code: &str) -> bool {
    code_lists::contains(&code_lists::CURRENCIES, code)
}

/// Returns whether `code` is a UN/ECE Recommendation 20 or 21 unit code.
pub fn is_unit_code(code: &str) -> bool {
    code_lists::contains(&code_lists::UNITS, code)
}

/// Returns whether `date` is a real calendar date written `YYYY-MM-DD`.
pub fn is_valid_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    if !digits_at(0..4) || !digits_at(5..7) || !digits_at(8..10) {
        return false;
    }
    let year: u32 = date[..4].parse().unwrap_or(0);
    let month: u32 = date[5..7].parse().unwrap_or(0);
    let day: u32 = date[8..].parse().unwrap_or(0);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && (1..=days_in_month).contains(&day)
}

/// Returns whether `number` is a Chorus Pro invoice number: 1 to 20 characters from
/// `A-Z a-z 0-9`, space, `-`, `+`, `_` and `/`.
pub fn is_valid_invoice_number(number: &str) -> bool {
    let allowed = |character: char| {
        character.is_ascii_alphanumeric() || matches!(character, ' ' | '-' | '+' | '_' | '/')
    };
    !number.trim().is_empty() && number.chars().count() <= 20 && number.chars().all(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_vectors() {
        assert!(is_valid_siret("73282932000074"));
        assert!(!is_valid_siret("73282932000079"));
        assert!(is_valid_siret("11000201100044"));
        assert!(is_valid_siret("99999999800019"));
        assert!(is_valid_siret("78787878400018"));
    }

    #[test]
    fn siret_shape() {
        assert!(!is_valid_siret("7328293200007"));
        assert!(!is_valid_siret("732829320000740"));
        assert!(!is_valid_siret("7328293200007A"));
        assert!(!is_valid_siret(""));
    }

    #[test]
    fn siret_la_poste_exception() {
        assert!(is_valid_siret("35600000000048"));
        assert!(is_valid_siret("35600000049837"));
        assert!(!is_valid_siret("35600000012345"));
    }

    #[test]
    fn siren_vectors() {
        assert!(is_valid_siren("732829320"));
        assert!(!is_valid_siren("732829321"));
        assert!(!is_valid_siren("73282932"));
        assert!(is_valid_siren("356000000"));
    }

    #[test]
    fn french_vat_vectors() {
        assert_eq!(french_vat_key("732829320"), Some(44));
        assert_eq!(check_vat_id("FR44732829320"), VatIdCheck::Valid);
        assert_eq!(check_vat_id("FR45732829320"), VatIdCheck::BadFrenchKey);
        assert_eq!(check_vat_id("FR11999999998"), VatIdCheck::Valid);
        assert_eq!(check_vat_id("FR19787878784"), VatIdCheck::Valid);
        assert_eq!(check_vat_id("FR44732829321"), VatIdCheck::BadFrenchSiren);
        assert_eq!(check_vat_id("FR4473282932"), VatIdCheck::BadShape);
        assert_eq!(check_vat_id("fr44732829320"), VatIdCheck::BadShape);
    }

    #[test]
    fn french_vat_letter_keys() {
        assert_eq!(check_vat_id("FR0E732829320"), VatIdCheck::Valid);
        assert_eq!(check_vat_id("FR1S732829320"), VatIdCheck::Valid);
        assert_eq!(check_vat_id("FR0F732829320"), VatIdCheck::BadFrenchKey);
        assert_eq!(check_vat_id("FRIO732829320"), VatIdCheck::BadFrenchKey);
    }

    #[test]
    fn foreign_vat_shape_only() {
        assert_eq!(check_vat_id("DE123456789"), VatIdCheck::Valid);
        assert_eq!(check_vat_id("ELX"), VatIdCheck::BadShape);
        assert_eq!(check_vat_id("DE 123456789"), VatIdCheck::BadShape);
    }

    #[test]
    fn iban_vectors() {
        assert_eq!(check_iban("FR7630006000011234567890189"), IbanCheck::Valid);
        assert_eq!(
            check_iban("FR7630006000011234567890188"),
            IbanCheck::BadChecksum
        );
        assert_eq!(check_iban("FR9862738461697634625245589"), IbanCheck::Valid);
        assert_eq!(check_iban("DE89370400440532013000"), IbanCheck::Valid);
        assert_eq!(
            check_iban("FR763000600001123456789018"),
            IbanCheck::BadFrenchLength
        );
        assert_eq!(
            check_iban("FR76 3000 6000 0112 3456 7890 189"),
            IbanCheck::BadShape
        );
    }

    #[test]
    fn bic_vectors() {
        assert!(is_valid_bic("BNPAFRPP"));
        assert!(is_valid_bic("AGRIFRPP882"));
        assert!(is_valid_bic("QNTOFRP1XXX"));
        assert!(!is_valid_bic("AGRIF2PP"));
        assert!(!is_valid_bic("BNPAFRP"));
        assert!(!is_valid_bic("bnpafrpp"));
    }

    #[test]
    fn dates() {
        assert!(is_valid_date("2026-06-17"));
        assert!(is_valid_date("2024-02-29"));
        assert!(!is_valid_date("2026-02-29"));
        assert!(!is_valid_date("2026-13-01"));
        assert!(!is_valid_date("2026-6-17"));
        assert!(!is_valid_date("17/06/2026"));
        assert!(!is_valid_date("2026-06-31"));
    }

    #[test]
    fn invoice_numbers() {
        assert!(is_valid_invoice_number("F124212"));
        assert!(is_valid_invoice_number("FA 2026/01-3+b_c"));
        assert!(!is_valid_invoice_number(""));
        assert!(!is_valid_invoice_number("   "));
        assert!(!is_valid_invoice_number("F-2026-000000000000001"));
        assert!(!is_valid_invoice_number("F#12"));
        assert!(!is_valid_invoice_number("Fé12"));
    }

    #[test]
    fn code_shapes() {
        assert!(is_country_code("FR"));
        assert!(!is_country_code("FRA"));
        assert!(!is_country_code("fr"));
        assert!(is_currency_code("EUR"));
        assert!(!is_currency_code("EU"));
        assert!(is_unit_code("C62"));
        assert!(is_unit_code("H87"));
        assert!(!is_unit_code("unit"));
        assert!(!is_unit_code("c62"));
    }
}
