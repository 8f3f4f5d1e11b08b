//! Checks of the parties besides the seller and the buyer: the validating structure of an
//! A9 or A12 invoice, the payee (BG-10) and the seller's tax representative (BG-11).

use super::checker::Checker;
use super::{MAX_BUYER_REFERENCE, MAX_CHORUS_NAME};
use crate::invoice::codes;
use crate::invoice::model::{Invoice, PartyIdentifier};

impl Invoice {
    pub(super) fn check_roles(&self, checker: &mut Checker) {
        self.check_validator(checker);
        if let Some(payee) = &self.payee {
            checker.text("payee.name", &payee.name, None);
            if payee.name.trim() == self.seller.name.trim() {
                checker.add(
                    "payee.name",
                    "le bénéficiaire porte le nom du vendeur : retirer payee, qui ne sert qu'à un bénéficiaire autre que le vendeur (UBL-SR-19)".to_owned(),
                    "the payee has the seller's name: leave payee out, it is only for a payee other than the seller (UBL-SR-19)".to_owned(),
                );
            }
            if let Some(identifier) = &payee.identifier {
                payee_identifier(checker, "payee.identifier", identifier);
            }
            if let Some(registration) = &payee.legal_registration {
                payee_identifier(checker, "payee.legal_registration", registration);
            }
        }
        if let Some(representative) = &self.tax_representative {
            let path = "tax_representative";
            checker.text(&format!("{path}.name"), &representative.name, None);
            checker.vat_id(
                &format!("{path}.vat_identifier"),
                &representative.vat_identifier,
            );
            checker.address(&format!("{path}.address"), &representative.address);
        }
    }

    /// Checks that an A9 or A12 invoice names the structure that validates it, and that
    /// no other invoice does.
    fn check_validator(&self, checker: &mut Checker) {
        let framework = self.business_process_type.as_str();
        let needs_validator = codes::FRAMEWORKS_WITH_VALIDATOR.contains(&framework);
        let Some(validator) = &self.validator else {
            if needs_validator {
                checker.add(
                    "validator",
                    format!("le cadre de facturation {framework} exige la structure valideuse : donner validator.siret (et validator.service_code si elle a des services)"),
                    format!("billing framework {framework} needs the validating structure: give validator.siret (and validator.service_code if it has services)"),
                );
            }
            return;
        };
        if !needs_validator {
            checker.add(
                "validator",
                format!("une structure valideuse ne sert qu'aux cadres A9 et A12, pas à {framework} : retirer validator ou changer business_process_type"),
                format!("a validating structure is only used by frameworks A9 and A12, not {framework}: remove validator or change business_process_type"),
            );
        }
        checker.siret("validator.siret", &validator.siret);
        if self.seller.siret.as_deref() == Some(validator.siret.as_str()) {
            checker.add(
                "validator.siret",
                "la structure valideuse est le titulaire du marché, pas le fournisseur lui-même : SIRET identique à seller.siret".to_owned(),
                "the validating structure is the main contractor, not the supplier itself: same SIRET as seller.siret".to_owned(),
            );
        }
        if self.buyer.siret.as_deref() == Some(validator.siret.as_str()) {
            checker.add(
                "validator.siret",
                "la structure valideuse est le titulaire du marché, pas l'acheteur : SIRET identique à buyer.siret".to_owned(),
                "the validating structure is the main contractor, not the buyer: same SIRET as buyer.siret".to_owned(),
            );
        }
        checker.optional_text(
            "validator.name",
            validator.name.as_ref(),
            Some(MAX_CHORUS_NAME),
        );
        checker.optional_text(
            "validator.service_code",
            validator.service_code.as_ref(),
            Some(MAX_BUYER_REFERENCE),
        );
    }
}

/// Checks a BT-60 or BT-61 identifier: a SIRET or SIREN by its own rules, any other
/// identifier as a party identifier.
fn payee_identifier(checker: &mut Checker, path: &str, identifier: &PartyIdentifier) {
    let id_path = format!("{path}.id");
    match identifier.scheme.as_deref() {
        Some(codes::SCHEME_SIRET) => checker.siret(&id_path, &identifier.id),
        Some(codes::SCHEME_SIREN) => checker.siren(&id_path, &identifier.id, None),
        _ => checker.party_identifier(path, identifier),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::BankAccount;
    use crate::invoice::model::{Classification, ItemAttribute, PartyIdentifier, Syntax};
    use crate::invoice::{parse_invoice, problem_paths, Invoice, Problem};

    const A9: &str = include_str!("../../../examples/invoices/subcontractor-a9.json");

    fn problems_after(edit: impl FnOnce(&mut Invoice)) -> Vec<Problem> {
        let mut invoice = parse_invoice(A9).expect("A9 example parses");
        edit(&mut invoice);
        invoice.validate(None)
    }

    #[test]
    fn a9_example_valid_in_ubl_only() {
        let invoice = parse_invoice(A9).expect("A9 example parses");
        assert_eq!(invoice.validate(None), Vec::<Problem>::new());
        let problems = invoice.validate_as(Syntax::Cii, None);
        assert_eq!(problem_paths(&problems), ["validator"]);
        assert!(problems[0].message_en.contains("use the ubl syntax"));
    }

    #[test]
    fn validator_required_by_a9_and_a12_only() {
        for framework in ["A9", "A12"] {
            let problems = problems_after(|invoice| {
                invoice.business_process_type = framework.to_owned();
                invoice.validator = None;
            });
            assert_eq!(problem_paths(&problems), ["validator"], "{framework}");
            assert!(problems[0].message_en.contains(framework));
        }
        let problems = problems_after(|invoice| invoice.business_process_type = "A1".to_owned());
        assert_eq!(problem_paths(&problems), ["validator"]);
        assert!(problems[0]
            .message_en
            .contains("only used by frameworks A9 and A12"));
    }

    #[test]
    fn validator_siret_checked() {
        let problems = problems_after(|invoice| {
            invoice.validator.as_mut().unwrap().siret = "41234567000002".to_owned();
        });
        assert_eq!(problem_paths(&problems), ["validator.siret"]);
        let problems = problems_after(|invoice| {
            invoice.validator.as_mut().unwrap().siret = invoice.seller.siret.clone().unwrap();
        });
        assert_eq!(problem_paths(&problems), ["validator.siret"]);
        assert!(problems[0].message_en.contains("main contractor"));
    }

    #[test]
    fn payee_and_representative_checked() {
        let problems = problems_after(|invoice| {
            let payee = invoice.payee.as_mut().unwrap();
            payee.name = " ".to_owned();
            payee.identifier = Some(PartyIdentifier {
                scheme: Some("0009".to_owned()),
                id: "55210055400014".to_owned(),
            });
            payee.legal_registration = Some(PartyIdentifier {
                scheme: Some("9999".to_owned()),
                id: "X".to_owned(),
            });
        });
        assert_eq!(
            problem_paths(&problems),
            [
                "payee.name",
                "payee.identifier.id",
                "payee.legal_registration.scheme"
            ]
        );

        let representative = r#"{"name": "Rep", "vat_identifier": "FR00412345670",
            "address": {"country_code": "fr"}}"#;
        let problems = problems_after(|invoice| {
            invoice.tax_representative = Some(serde_json::from_str(representative).unwrap());
        });
        assert_eq!(
            problem_paths(&problems),
            [
                "tax_representative.vat_identifier",
                "tax_representative.address.country_code"
            ]
        );
    }

    #[test]
    fn payee_and_validator_not_other_parties() {
        let problems = problems_after(|invoice| {
            invoice.payee.as_mut().unwrap().name = invoice.seller.name.clone();
        });
        assert_eq!(problem_paths(&problems), ["payee.name"]);
        assert!(problems[0].message_en.contains("UBL-SR-19"));
        let problems = problems_after(|invoice| {
            invoice.validator.as_mut().unwrap().siret = invoice.buyer.siret.clone().unwrap();
        });
        assert_eq!(problem_paths(&problems), ["validator.siret"]);
        assert!(problems[0].message_en.contains("not the buyer"));
    }

    #[test]
    fn vat_point_date_code_from_list() {
        for code in ["3", "35", "432"] {
            let problems =
                problems_after(|invoice| invoice.vat_point_date_code = Some(code.to_owned()));
            assert_eq!(problems, Vec::new(), "{code}");
        }
        let problems = problems_after(|invoice| invoice.vat_point_date_code = Some("5".to_owned()));
        assert_eq!(problem_paths(&problems), ["vat_point_date_code"]);
    }

    #[test]
    fn additional_accounts_checked() {
        let problems = problems_after(|invoice| {
            let instructions = invoice.payment_instructions.as_mut().unwrap();
            instructions.additional_credit_transfers.push(BankAccount {
                iban: "FR7610107001011234567890128".to_owned(),
                bic: None,
                account_name: None,
            });
        });
        assert_eq!(
            problem_paths(&problems),
            ["payment_instructions.additional_credit_transfers[1].iban"]
        );
        // The problem names the key the invoice gives, not the one it leaves out.
        let problems = problems_after(|invoice| {
            invoice.payment_instructions.as_mut().unwrap().means_code = Some("49".to_owned());
        });
        assert_eq!(
            problem_paths(&problems),
            ["payment_instructions.additional_credit_transfers"]
        );
    }

    #[test]
    fn item_details_checked() {
        let problems = problems_after(|invoice| {
            let line = &mut invoice.lines[0];
            line.classifications.push(Classification {
                scheme: "XX".to_owned(),
                scheme_version: None,
                id: "1".to_owned(),
            });
            line.origin_country = Some("France".to_owned());
            line.attributes.push(ItemAttribute {
                name: "Colour".to_owned(),
                value: "\u{1}".to_owned(),
            });
            line.buyer_item_id = Some(String::new());
        });
        assert_eq!(
            problem_paths(&problems),
            [
                "lines[0].buyer_item_id",
                "lines[0].classifications[1].scheme",
                "lines[0].origin_country",
                "lines[0].attributes[1].value"
            ]
        );
    }
}
