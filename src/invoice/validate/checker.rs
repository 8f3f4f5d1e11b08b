//! Field-level checks shared by the invoice rules: text, dates, identifiers, bank
//! accounts, addresses, VAT categories and allowance or charge amounts.

use rust_decimal::Decimal;

use super::super::checks::{self, IbanCheck, VatIdCheck};
use super::super::code_lists;
use super::super::codes::{self, vat};
use super::super::decimal::{format_amount, round_amount, significant_decimals};
use super::super::model::{
    Address, Contact, DocumentAllowanceCharge, LineAllowanceCharge, PartyIdentifier, Period,
    SchemedId,
};
use super::super::Problem;
use super::{MAX_AMOUNT_DECIMALS, MAX_RATE_DECIMALS, MAX_REASON};
use crate::config::BankAccount;

/// The code list a scheme identifier belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SchemeList {
    /// CEF electronic address schemes, for BT-34 and BT-49 (BR-CL-25).
    Eas,
    /// ISO 6523 ICD schemes, for BT-71 and BT-157 (BR-CL-21, BR-CL-26).
    Icd,
}

pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
}

impl Checker {
    pub(super) fn add(&mut self, path: impl Into<String>, message_fr: String, message_en: String) {
        self.problems.push(Problem {
            path: path.into(),
            message_fr,
            message_en,
        });
    }

    /// Checks a text value: not blank, no character that XML 1.0 forbids, and at most
    /// `max_chars` characters when a limit is given.
    pub(super) fn text(&mut self, path: &str, value: &str, max_chars: Option<usize>) {
        if value.trim().is_empty() {
            self.add(
                path,
                "valeur vide : renseigner le champ ou l'omettre".to_owned(),
                "empty value: fill in the field or leave it out".to_owned(),
            );
            return;
        }
        let forbidden = value.chars().find(|character| {
            let code = u32::from(*character);
            (code < 0x20 && !matches!(character, '\t' | '\n' | '\r'))
                || code == 0xFFFE
                || code == 0xFFFF
        });
        if let Some(character) = forbidden {
            let code = u32::from(character);
            self.add(
                path,
                format!("caractère de contrôle U+{code:04X} interdit en XML : le supprimer"),
                format!("control character U+{code:04X} is not allowed in XML: remove it"),
            );
        }
        if let Some(max) = max_chars {
            let count = value.chars().count();
            if count > max {
                self.add(
                    path,
                    format!("{count} caractères, Chorus Pro en accepte au plus {max}"),
                    format!("{count} characters, Chorus Pro accepts at most {max}"),
                );
            }
        }
    }

    pub(super) fn optional_text(
        &mut self,
        path: &str,
        value: Option<&String>,
        max_chars: Option<usize>,
    ) {
        if let Some(value) = value {
            self.text(path, value, max_chars);
        }
    }

    pub(super) fn date(&mut self, path: &str, value: &str) {
        if !checks::is_valid_date(value) {
            self.add(
                path,
                format!("date invalide « {value} » : attendu AAAA-MM-JJ, par exemple 2026-06-17"),
                format!("invalid date \"{value}\": expected YYYY-MM-DD, for example 2026-06-17"),
            );
        }
    }

    pub(super) fn optional_date(&mut self, path: &str, value: Option<&String>) {
        if let Some(value) = value {
            self.date(path, value);
        }
    }

    /// Checks BG-14 or BG-26: at least one date (BR-CO-19), and end not before start
    /// (BR-29, BR-30).
    pub(super) fn period(&mut self, path: &str, period: &Period) {
        let start_path = format!("{path}.start_date");
        let end_path = format!("{path}.end_date");
        self.optional_date(&start_path, period.start_date.as_ref());
        self.optional_date(&end_path, period.end_date.as_ref());
        match (&period.start_date, &period.end_date) {
            (None, None) => self.add(
                path,
                "période sans date : donner start_date, end_date ou les deux".to_owned(),
                "period without dates: give start_date, end_date or both".to_owned(),
            ),
            // ISO dates in the same format compare correctly as strings.
            (Some(start), Some(end)) if checks::is_valid_date(start) && end < start => self.add(
                end_path,
                format!("la date de fin {end} précède la date de début {start}"),
                format!("end date {end} is before start date {start}"),
            ),
            _ => {}
        }
    }

    pub(super) fn decimals(
        &mut self,
        path: &str,
        value: Decimal,
        max: u32,
        what_fr: &str,
        what_en: &str,
    ) {
        let decimals = significant_decimals(value);
        if decimals > max {
            self.add(
                path,
                format!("{what_fr} {value} a {decimals} décimales, au plus {max} sont admises"),
                format!("{what_en} {value} has {decimals} decimals, at most {max} are allowed"),
            );
        }
    }

    pub(super) fn amount(&mut self, path: &str, value: Decimal) {
        self.decimals(path, value, MAX_AMOUNT_DECIMALS, "le montant", "amount");
    }

    pub(super) fn not_negative(&mut self, path: &str, value: Decimal, rule: &str) {
        if value.is_sign_negative() && !value.is_zero() {
            self.add(
                path,
                format!("valeur négative {value} interdite ({rule})"),
                format!("negative value {value} is not allowed ({rule})"),
            );
        }
    }

    pub(super) fn siret(&mut self, path: &str, siret: &str) {
        if !checks::is_valid_siret(siret) {
            self.add(
                path,
                format!("SIRET invalide « {siret} » : 14 chiffres sans espace, clé de Luhn correcte"),
                format!("invalid SIRET \"{siret}\": expected 14 digits without spaces and a valid Luhn check digit"),
            );
        }
    }

    /// Checks a SIREN and, when the SIRET is given too, that the SIRET starts with it.
    pub(super) fn siren(&mut self, path: &str, siren: &str, siret: Option<&String>) {
        if !checks::is_valid_siren(siren) {
            self.add(
                path,
                format!("SIREN invalide « {siren} » : 9 chiffres sans espace, clé de Luhn correcte"),
                format!("invalid SIREN \"{siren}\": expected 9 digits without spaces and a valid Luhn check digit"),
            );
            return;
        }
        if let Some(siret) = siret {
            if !siret.starts_with(siren) {
                self.add(
                    path,
                    format!("le SIRET {siret} ne commence pas par le SIREN {siren}"),
                    format!("SIRET {siret} does not start with SIREN {siren}"),
                );
            }
        }
    }

    pub(super) fn vat_id(&mut self, path: &str, vat_id: &str) {
        let (fr, en) = match checks::check_vat_id(vat_id) {
            VatIdCheck::Valid => return,
            VatIdCheck::BadShape => (
                "attendu le code pays ISO 3166 (EL pour la Grèce) suivi du numéro, sans espace",
                "expected the ISO 3166 country code (EL for Greece) followed by the number, without spaces",
            ),
            VatIdCheck::BadFrenchSiren => (
                "les 9 derniers chiffres doivent former un SIREN valide",
                "the last 9 digits must be a valid SIREN",
            ),
            VatIdCheck::BadFrenchKey => (
                "la clé (3e et 4e caractères) ne correspond pas au SIREN",
                "the key (3rd and 4th characters) does not match the SIREN",
            ),
        };
        self.add(
            path,
            format!("numéro de TVA invalide « {vat_id} » : {fr}"),
            format!("invalid VAT identifier \"{vat_id}\": {en}"),
        );
    }

    pub(super) fn bank_account(&mut self, path: &str, account: &BankAccount) {
        let iban_path = format!("{path}.iban");
        let iban = account.iban.as_str();
        let reason = match checks::check_iban(iban) {
            IbanCheck::Valid => None,
            IbanCheck::BadShape => Some((
                "attendu 2 lettres, 2 chiffres puis lettres ou chiffres, en majuscules et sans espace",
                "expected 2 letters, 2 digits, then uppercase letters or digits without spaces",
            )),
            IbanCheck::BadFrenchLength => Some((
                "un IBAN français compte 27 caractères",
                "a French IBAN has 27 characters",
            )),
            IbanCheck::BadChecksum => Some((
                "la clé de contrôle (modulo 97) est fausse",
                "the check digits (mod 97) are wrong",
            )),
        };
        if let Some((fr, en)) = reason {
            self.add(
                iban_path,
                format!("IBAN invalide « {iban} » : {fr}"),
                format!("invalid IBAN \"{iban}\": {en}"),
            );
        }
        if let Some(bic) = &account.bic {
            if !checks::is_valid_bic(bic) {
                self.add(
                    format!("{path}.bic"),
                    format!(
                        "BIC invalide « {bic} » : attendu 8 ou 11 caractères, par exemple BNPAFRPP"
                    ),
                    format!(
                        "invalid BIC \"{bic}\": expected 8 or 11 characters, for example BNPAFRPP"
                    ),
                );
            }
        }
        self.optional_text(
            &format!("{path}.account_name"),
            account.account_name.as_ref(),
            None,
        );
    }

    pub(super) fn country_code(&mut self, path: &str, code: &str) {
        if !checks::is_country_code(code) {
            self.add(
                path,
                format!("code pays invalide « {code} » : attendu 2 lettres majuscules ISO 3166-1, par exemple FR"),
                format!("invalid country code \"{code}\": expected 2 uppercase ISO 3166-1 letters, for example FR"),
            );
        }
    }

    pub(super) fn address(&mut self, path: &str, address: &Address) {
        let fields = [
            ("line1", &address.line1),
            ("line2", &address.line2),
            ("line3", &address.line3),
            ("city", &address.city),
            ("post_code", &address.post_code),
            ("country_subdivision", &address.country_subdivision),
        ];
        for (name, value) in fields {
            self.optional_text(&format!("{path}.{name}"), value.as_ref(), None);
        }
        self.country_code(&format!("{path}.country_code"), &address.country_code);
    }

    pub(super) fn contact(&mut self, path: &str, contact: &Contact) {
        self.optional_text(&format!("{path}.name"), contact.name.as_ref(), None);
        self.optional_text(
            &format!("{path}.telephone"),
            contact.telephone.as_ref(),
            None,
        );
        if let Some(email) = &contact.email {
            let email_path = format!("{path}.email");
            self.text(&email_path, email, None);
            let well_formed = email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
            if !well_formed {
                self.add(
                    email_path,
                    format!("adresse électronique invalide « {email} »"),
                    format!("invalid e-mail address \"{email}\""),
                );
            }
        }
        if contact.name.is_none() && contact.telephone.is_none() && contact.email.is_none() {
            self.add(
                path,
                "contact vide : donner name, telephone ou email, ou omettre contact".to_owned(),
                "empty contact: give name, telephone or email, or leave contact out".to_owned(),
            );
        }
    }

    /// Checks a schemed identifier and that its scheme is in `list`. SIRET (0009), SIREN
    /// (0002) and French e-invoicing addresses (0225, a SIREN optionally followed by
    /// `_suffix`) are checked in depth.
    pub(super) fn schemed_id(&mut self, path: &str, identifier: &SchemedId, list: SchemeList) {
        let scheme_path = format!("{path}.scheme");
        let id_path = format!("{path}.id");
        self.text(&scheme_path, &identifier.scheme, None);
        self.text(&id_path, &identifier.id, None);
        let scheme = identifier.scheme.as_str();
        let (known, list_fr, list_en) = match list {
            SchemeList::Eas => (
                code_lists::contains(&code_lists::EAS, scheme),
                "un schéma d'adresse électronique EAS, par exemple 0225 ou 0009",
                "a CEF EAS electronic address scheme, for example 0225 or 0009",
            ),
            SchemeList::Icd => (
                code_lists::contains(&code_lists::ICD, scheme),
                "un code ICD ISO 6523, par exemple 0009 (SIRET) ou 0160 (GTIN)",
                "an ISO 6523 ICD code, for example 0009 (SIRET) or 0160 (GTIN)",
            ),
        };
        if !known && !scheme.trim().is_empty() {
            self.add(
                &scheme_path,
                format!("schéma inconnu « {scheme} » : attendu {list_fr}"),
                format!("unknown scheme \"{scheme}\": expected {list_en}"),
            );
        }
        match identifier.scheme.as_str() {
            codes::SCHEME_SIRET => self.siret(&id_path, &identifier.id),
            codes::SCHEME_SIREN => self.siren(&id_path, &identifier.id, None),
            codes::SCHEME_FR_EINVOICING_ADDRESS => {
                let siren = identifier.id.split('_').next().unwrap_or_default();
                if !checks::is_valid_siren(siren) {
                    self.add(
                        id_path,
                        format!("adresse 0225 invalide « {} » : attendu un SIREN valide, suivi ou non de _suffixe", identifier.id),
                        format!("invalid 0225 address \"{}\": expected a valid SIREN, optionally followed by _suffix", identifier.id),
                    );
                }
            }
            _ => {}
        }
    }

    /// Checks a BT-29 or BT-30 identifier of a seller established abroad: its scheme,
    /// when given, is an ISO 6523 ICD (BR-CL-10 and BR-CL-11), and SIRET and SIREN go in
    /// their own fields.
    pub(super) fn party_identifier(&mut self, path: &str, identifier: &PartyIdentifier) {
        self.text(&format!("{path}.id"), &identifier.id, None);
        let Some(scheme) = &identifier.scheme else {
            return;
        };
        let scheme_path = format!("{path}.scheme");
        if scheme == codes::SCHEME_SIRET || scheme == codes::SCHEME_SIREN {
            self.add(
                scheme_path,
                format!("schéma {scheme} : donner le SIRET dans siret et le SIREN dans siren"),
                format!("scheme {scheme}: give the SIRET in siret and the SIREN in siren"),
            );
        } else if !code_lists::contains(&code_lists::ICD, scheme) {
            self.add(
                scheme_path,
                format!("schéma inconnu « {scheme} » : attendu un code ICD ISO 6523, par exemple 0088 (GLN)"),
                format!("unknown scheme \"{scheme}\": expected an ISO 6523 ICD code, for example 0088 (GLN)"),
            );
        }
    }

    /// Checks a VAT category and rate against the EN 16931 rules BR-x-05 to BR-x-07:
    /// S needs a rate above zero, Z/E/AE/K/G a zero rate, L/M a rate of zero or more,
    /// and O no rate at all.
    pub(super) fn vat_category_and_rate(
        &mut self,
        path: &str,
        category: &str,
        rate: Option<Decimal>,
    ) {
        let category_path = format!("{path}.vat_category");
        let rate_path = format!("{path}.vat_rate");
        if !vat::ALL.contains(&category) {
            self.add(
                category_path,
                format!("catégorie de TVA inconnue « {category} » : attendu S, Z, E, AE, K, G, O, L ou M"),
                format!("unknown VAT category \"{category}\": expected S, Z, E, AE, K, G, O, L or M"),
            );
            return;
        }
        let Some(rate) = rate else {
            if category != vat::NOT_SUBJECT {
                self.add(
                    rate_path,
                    format!("taux de TVA absent : obligatoire pour la catégorie {category}"),
                    format!("missing VAT rate: required for category {category}"),
                );
            }
            return;
        };
        self.decimals(&rate_path, rate, MAX_RATE_DECIMALS, "le taux", "rate");
        let (valid, rule_fr, rule_en) = if category == vat::NOT_SUBJECT {
            (
                false,
                "la catégorie O (hors champ) ne porte pas de taux : supprimer vat_rate",
                "category O (not subject to VAT) has no rate: remove vat_rate",
            )
        } else if category == vat::STANDARD {
            (
                rate > Decimal::ZERO,
                "la catégorie S exige un taux supérieur à 0",
                "category S needs a rate above 0",
            )
        } else if vat::ZERO_RATE.contains(&category) {
            (
                rate.is_zero(),
                "cette catégorie exige un taux de 0",
                "this category needs a rate of 0",
            )
        } else {
            (
                !rate.is_sign_negative() || rate.is_zero(),
                "le taux ne peut pas être négatif",
                "the rate cannot be negative",
            )
        };
        if !valid {
            self.add(
                rate_path,
                format!("taux {rate} invalide pour la catégorie {category} : {rule_fr}"),
                format!("rate {rate} is invalid for category {category}: {rule_en}"),
            );
        }
    }

    /// Checks the reason (BR-33, BR-38, BR-42, BR-44, with codes from UNTDID 5189 for
    /// allowances and UNTDID 7161 for charges), percentage and amounts shared by document
    /// and line allowances and charges.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn allowance_charge_common(
        &mut self,
        path: &str,
        is_charge: bool,
        amount: Decimal,
        base_amount: Option<Decimal>,
        percentage: Option<Decimal>,
        reason: Option<&String>,
        reason_code: Option<&String>,
    ) {
        self.amount(&format!("{path}.amount"), amount);
        if let Some(base_amount) = base_amount {
            self.amount(&format!("{path}.base_amount"), base_amount);
        }
        if let (Some(base_amount), Some(percentage)) = (base_amount, percentage) {
            let expected = base_amount
                .checked_mul(percentage)
                .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
                .map(round_amount);
            if expected.is_some_and(|expected| expected != amount) {
                let expected = expected.map(format_amount).unwrap_or_default();
                self.add(
                    format!("{path}.amount"),
                    format!(
                        "montant {amount} différent de base_amount × percentage / 100 = {expected}"
                    ),
                    format!(
                        "amount {amount} differs from base_amount × percentage / 100 = {expected}"
                    ),
                );
            }
        } else if percentage.is_some() {
            self.add(
                format!("{path}.base_amount"),
                "percentage exige base_amount, le montant auquel il s'applique".to_owned(),
                "percentage needs base_amount, the amount it applies to".to_owned(),
            );
        }
        self.optional_text(&format!("{path}.reason"), reason, Some(MAX_REASON));
        if let Some(code) = reason_code {
            let (list, list_fr, list_en): (&[&str], _, _) = if is_charge {
                (
                    &code_lists::CHARGE_REASONS,
                    "un code de frais UNTDID 7161, par exemple FC (fret)",
                    "a UNTDID 7161 charge code, for example FC (freight)",
                )
            } else {
                (
                    &code_lists::ALLOWANCE_REASONS,
                    "un code de remise UNTDID 5189, par exemple 95 (remise)",
                    "a UNTDID 5189 allowance code, for example 95 (discount)",
                )
            };
            if !code_lists::contains(list, code) {
                self.add(
                    format!("{path}.reason_code"),
                    format!("code motif invalide « {code} » : attendu {list_fr}"),
                    format!("invalid reason code \"{code}\": expected {list_en}"),
                );
            }
        }
        if reason.is_none() && reason_code.is_none() {
            self.add(
                path,
                "motif absent : donner reason, reason_code ou les deux".to_owned(),
                "missing reason: give reason, reason_code or both".to_owned(),
            );
        }
    }

    pub(super) fn document_allowance_charge(
        &mut self,
        path: &str,
        is_charge: bool,
        item: &DocumentAllowanceCharge,
    ) {
        self.allowance_charge_common(
            path,
            is_charge,
            item.amount,
            item.base_amount,
            item.percentage,
            item.reason.as_ref(),
            item.reason_code.as_ref(),
        );
        self.vat_category_and_rate(path, &item.vat_category, item.vat_rate);
    }

    pub(super) fn line_allowance_charge(
        &mut self,
        path: &str,
        is_charge: bool,
        item: &LineAllowanceCharge,
    ) {
        self.allowance_charge_common(
            path,
            is_charge,
            item.amount,
            item.base_amount,
            item.percentage,
            item.reason.as_ref(),
            item.reason_code.as_ref(),
        );
    }
}
