//! Checks of the optional details that Chorus Pro does not route on: the document
//! references besides the service code, engagement and market numbers, and the item
//! details of a line.

use super::checker::Checker;
use crate::invoice::code_lists;
use crate::invoice::model::{Invoice, Line};

impl Invoice {
    /// Checks BT-11 and BT-14 to BT-19, the references that Chorus Pro does not route on.
    pub(super) fn check_other_references(&self, checker: &mut Checker) {
        let texts = [
            ("project_reference", &self.project_reference),
            ("sales_order_reference", &self.sales_order_reference),
            (
                "receiving_advice_reference",
                &self.receiving_advice_reference,
            ),
            ("despatch_advice_reference", &self.despatch_advice_reference),
            ("tender_reference", &self.tender_reference),
            (
                "buyer_accounting_reference",
                &self.buyer_accounting_reference,
            ),
        ];
        for (path, value) in texts {
            checker.optional_text(path, value.as_ref(), None);
        }
        let Some(object) = &self.invoiced_object else {
            return;
        };
        checker.text("invoiced_object.id", &object.id, None);
        if let Some(scheme) = &object.scheme {
            if !code_lists::contains(&code_lists::OBJECT_IDENTIFIER_SCHEMES, scheme) {
                checker.add(
                    "invoiced_object.scheme",
                    format!("schéma d'identifiant d'objet inconnu « {scheme} » : attendu un code UNTDID 1153, par exemple AAG (BR-CL-07)"),
                    format!("unknown object identifier scheme \"{scheme}\": expected a UNTDID 1153 code, for example AAG (BR-CL-07)"),
                );
            }
        }
    }
}

/// Checks the item's buyer identifier (BT-156), classifications (BT-158), country of
/// origin (BT-159) and attributes (BG-32).
pub(super) fn check_item_details(checker: &mut Checker, path: &str, line: &Line) {
    checker.optional_text(
        &format!("{path}.buyer_item_id"),
        line.buyer_item_id.as_ref(),
        None,
    );
    for (index, classification) in line.classifications.iter().enumerate() {
        let item_path = format!("{path}.classifications[{index}]");
        checker.text(&format!("{item_path}.id"), &classification.id, None);
        checker.optional_text(
            &format!("{item_path}.scheme_version"),
            classification.scheme_version.as_ref(),
            None,
        );
        let scheme = classification.scheme.as_str();
        if !code_lists::contains(&code_lists::ITEM_CLASSIFICATION_SCHEMES, scheme) {
            checker.add(
                format!("{item_path}.scheme"),
                format!("schéma de classification inconnu « {scheme} » : attendu un code UNTDID 7143, par exemple STI, CV ou HS (BR-CL-13)"),
                format!("unknown classification scheme \"{scheme}\": expected a UNTDID 7143 code, for example STI, CV or HS (BR-CL-13)"),
            );
        }
    }
    if let Some(country) = &line.origin_country {
        checker.country_code(&format!("{path}.origin_country"), country);
    }
    for (index, attribute) in line.attributes.iter().enumerate() {
        let item_path = format!("{path}.attributes[{index}]");
        checker.text(&format!("{item_path}.name"), &attribute.name, None);
        checker.text(&format!("{item_path}.value"), &attribute.value, None);
    }
}
