//! Flux states and rejection reasons read back from the portal. Invoice statuses are in
//! [`crate::lifecycle`].
//!
//! The portal documents no enum for flux states. Unknown values are passed through as they
//! are and treated as not final, so a new portal value never stops a poll loop for good.

use serde_json::{json, Value};

use crate::error::chorus_result as Code;

/// Flux states after which the deposit report no longer changes.
///
/// `IN_INCIDENTE` is final for the flux: the exchange system did not process it and the
/// whole file must be sent again.
const FINAL_FLUX_STATES: &[&str] = &[
    "IN_INTEGRE",
    "IN_INTEGRE_PARTIEL",
    "IN_REJETE",
    "IN_INCIDENTE",
];

/// The state reported while the portal does not know a fresh flux yet (`codeRetour` 20001).
pub const NOT_YET_VISIBLE: &str = "NOT_YET_VISIBLE";

/// Suggested seconds before asking again about a flux in this state.
pub fn poll_delay_seconds(state: &str) -> Option<u64> {
    if is_final_flux_state(state) {
        None
    } else if state == NOT_YET_VISIBLE {
        Some(5)
    } else {
        Some(30)
    }
}

pub fn is_final_flux_state(state: &str) -> bool {
    FINAL_FLUX_STATES.contains(&state)
}

/// Normalized outcome of a flux state: `pending`, `integrated`, `partially_integrated`,
/// `rejected` or `incident`.
pub fn flux_outcome(state: &str) -> &'static str {
    match state {
        "IN_INTEGRE" => "integrated",
        "IN_INTEGRE_PARTIEL" => "partially_integrated",
        "IN_REJETE" => "rejected",
        "IN_INCIDENTE" => "incident",
        _ => "pending",
    }
}

/// A recognised rejection reason: a fragment of the portal's message (compared without
/// accents or case), the reason name, and its result code.
struct RejectionPattern {
    fragment: &'static str,
    reason: &'static str,
    code: Code,
}

/// Portal messages are not documented as a list; these fragments come from messages seen
/// in deposit reports. One row per reason, so a reworded message means one edit here.
const REJECTION_PATTERNS: &[RejectionPattern] = &[
    RejectionPattern {
        fragment: "deja depose une demande de paiement avec ce numero",
        reason: "duplicate_invoice_number",
        code: Code::CHORUS_ERR_DUPLICATE_INVOICE,
    },
    RejectionPattern {
        fragment: "existe deja",
        reason: "duplicate_invoice_number",
        code: Code::CHORUS_ERR_DUPLICATE_INVOICE,
    },
    RejectionPattern {
        fragment: "accountingsupplierparty",
        reason: "supplier_identifier",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "accountingcustomerparty.accountingcontact",
        reason: "service_code",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "code service",
        reason: "service_code",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "engagement",
        reason: "engagement_number",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "accountingcustomerparty",
        reason: "buyer_identifier",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "destinataire",
        reason: "buyer_identifier",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "ne doit pas depasser 20 caracteres",
        reason: "invoice_number_too_long",
        code: Code::CHORUS_ERR_REJECTED,
    },
    RejectionPattern {
        fragment: "pays",
        reason: "country",
        code: Code::CHORUS_ERR_REJECTED,
    },
];

/// Folds a French message to lower-case ASCII so that accents do not defeat matching.
fn fold(text: &str) -> String {
    text.chars()
        .map(|character| match character {
            'à' | 'â' | 'ä' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Û' => 'u',
            'ç' | 'Ç' => 'c',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

/// Classifies a portal rejection message into a reason name and a result code.
pub fn classify_rejection(message: &str) -> (&'static str, Code) {
    let folded = fold(message);
    REJECTION_PATTERNS
        .iter()
        .find(|pattern| folded.contains(pattern.fragment))
        .map_or(("other", Code::CHORUS_ERR_REJECTED), |pattern| {
            (pattern.reason, pattern.code)
        })
}

fn text_field(object: &Value, key: &str) -> Value {
    match object.get(key) {
        Some(Value::String(text)) => Value::from(text.as_str()),
        Some(Value::Number(number)) => Value::from(number.to_string()),
        _ => Value::Null,
    }
}

fn array_field<'a>(object: &'a Value, key: &str) -> &'a [Value] {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Converts the `listeErreurDP` of a deposit report into per-invoice errors.
pub fn invoice_errors(report: &Value) -> Vec<Value> {
    array_field(report, "listeErreurDP")
        .iter()
        .map(|entry| {
            let message = entry
                .get("libelleErreurDP")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let (reason, code) = classify_rejection(message);
            json!({
                "invoice_number": text_field(entry, "numeroDP"),
                "supplier_identifier": text_field(entry, "identifiantFournisseur"),
                "buyer_identifier": text_field(entry, "identifiantDestinataire"),
                "message": message,
                "reason": reason,
                "field": crate::invoice::field_for_portal_message(message),
                "code": code as u32,
                "name": code.name(),
            })
        })
        .collect()
}

/// Converts the `listeErreurTechnique` of a deposit report.
pub fn technical_errors(report: &Value) -> Vec<Value> {
    array_field(report, "listeErreurTechnique")
        .iter()
        .map(|entry| {
            json!({
                "code": text_field(entry, "codeErreur"),
                "message": text_field(entry, "libelleErreur"),
                "nature": text_field(entry, "natureErreur"),
            })
        })
        .collect()
}

pub fn list_field<'a>(object: &'a Value, key: &str) -> &'a [Value] {
    array_field(object, key)
}

pub fn text(object: &Value, key: &str) -> Value {
    text_field(object, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states() {
        for state in [
            "IN_INTEGRE",
            "IN_INTEGRE_PARTIEL",
            "IN_REJETE",
            "IN_INCIDENTE",
        ] {
            assert!(is_final_flux_state(state), "{state}");
            assert_eq!(poll_delay_seconds(state), None);
        }
        for state in [
            "IN_RECU",
            "IN_EN_COURS_TRAITEMENT_CPP",
            "IN_SOMETHING_NEW",
            NOT_YET_VISIBLE,
        ] {
            assert!(!is_final_flux_state(state), "{state}");
            assert!(poll_delay_seconds(state).is_some());
        }
    }

    #[test]
    fn rejection_reasons() {
        let cases = [
            (
                "L'identifiant fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification.ID.value) n'est pas reference dans notre systeme.",
                "supplier_identifier",
                Code::CHORUS_ERR_REJECTED,
            ),
            (
                "Vous avez déjà déposé une demande de paiement avec ce numéro de facture pour cette structure",
                "duplicate_invoice_number",
                Code::CHORUS_ERR_DUPLICATE_INVOICE,
            ),
            (
                "Le champ identifiant de la facture (FichierXml.ExchangedDocument.ID.value) ne doit pas depasser 20 caracteres",
                "invoice_number_too_long",
                Code::CHORUS_ERR_REJECTED,
            ),
            ("Something new", "other", Code::CHORUS_ERR_REJECTED),
        ];
        for (message, reason, code) in cases {
            assert_eq!(classify_rejection(message), (reason, code), "{message}");
        }
    }
}
