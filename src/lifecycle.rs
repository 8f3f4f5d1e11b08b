//! The invoice lifecycle: each of the 56 portal statuses mapped to a normalized state,
//! whether it is final for the supplier, the action it expects and when to poll again.
//!
//! The status codes are the `statutFacture` enum of the Chorus Pro Factures API Swagger
//! 1.0.0. A code outside that list is kept as it is, with state `unknown`, not final.

/// Seconds before asking again about an invoice that has not reached the buyer yet.
const POLL_BEFORE_BUYER: u64 = 300;
/// Seconds before asking again while the buyer or a validator works on the invoice.
const POLL_WITH_BUYER: u64 = 3600;
/// Seconds before asking again about a mandated invoice, whose payment takes days.
const POLL_MANDATED: u64 = 21_600;
/// Seconds before asking again about a draft not sent yet.
const POLL_DRAFT: u64 = 86_400;

/// Action the supplier is expected to take on an invoice in a given status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupplierAction {
    /// Respond to a suspension with `chorus_complete_invoice`.
    Complete,
    /// Give a new routing with `chorus_recycle_invoice`.
    Recycle,
    /// Fix the validator or project manager on the portal (works and subcontracting flows).
    CorrectRouting,
}

impl SupplierAction {
    pub fn name(self) -> &'static str {
        match self {
            SupplierAction::Complete => "complete",
            SupplierAction::Recycle => "recycle",
            SupplierAction::CorrectRouting => "correct_routing",
        }
    }
}

/// One portal status and what it means to the supplier.
#[derive(Clone, Copy, Debug)]
pub struct StatusInfo {
    /// The portal's code, such as `MISE_A_DISPOSITION`.
    pub code: &'static str,
    /// Normalized state, such as `available_to_buyer`.
    pub state: &'static str,
    /// True when the supplier has nothing more to follow on this invoice.
    pub is_final: bool,
    /// Seconds before polling again; ignored when `is_final`.
    pub poll_seconds: u64,
    pub action: Option<SupplierAction>,
    /// True when the status entry's comment carries the buyer's or validator's reason.
    pub carries_reason: bool,
}

const fn status(code: &'static str, state: &'static str, poll_seconds: u64) -> StatusInfo {
    StatusInfo {
        code,
        state,
        is_final: false,
        poll_seconds,
        action: None,
        carries_reason: false,
    }
}

const fn final_status(code: &'static str, state: &'static str, carries_reason: bool) -> StatusInfo {
    StatusInfo {
        code,
        state,
        is_final: true,
        poll_seconds: 0,
        action: None,
        carries_reason,
    }
}

const fn returned(code: &'static str, state: &'static str, action: SupplierAction) -> StatusInfo {
    StatusInfo {
        code,
        state,
        is_final: false,
        poll_seconds: POLL_WITH_BUYER,
        action: Some(action),
        carries_reason: true,
    }
}

const fn refused(code: &'static str) -> StatusInfo {
    StatusInfo {
        carries_reason: true,
        ..status(code, "validation_refused", POLL_WITH_BUYER)
    }
}

/// Every status of the Swagger enum, in its order.
///
/// Final: payment under way and the buyer's accounting statuses after it, rejection,
/// abandonment, deletion, replacement by an A22 invoice and duplication after refusal.
/// `MANDATEE` is final only when the buyer does not report payments, which the status
/// query reads from the invoice. Refusals by a validator or project manager are not final
/// because the invoice may be corrected and validated again.
// NOTE: the poll delays are this library's choice; the portal publishes no service level.
pub const STATUSES: [StatusInfo; 56] = [
    status("BROUILLON", "draft", POLL_DRAFT),
    status("A_VALIDER_1", "awaiting_validation", POLL_WITH_BUYER),
    returned(
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    refused("REFUSEE_1"),
    status("VALIDEE_1", "validated", POLL_WITH_BUYER),
    status(
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        "validation_expired",
        POLL_WITH_BUYER,
    ),
    status("A_VALIDER_2", "awaiting_validation", POLL_WITH_BUYER),
    returned(
        "ERREUR_COTRAITANT_SUR_VALIDEUR",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    refused("REFUSEE_2"),
    status("VALIDEE_2", "validated", POLL_WITH_BUYER),
    status(
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        "validation_expired",
        POLL_WITH_BUYER,
    ),
    status("DEPOSEE", "deposited", POLL_BEFORE_BUYER),
    returned(
        "ERREUR_FOURNISSEUR_SUR_MOE",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    status("EN_COURS_ACHEMINEMENT", "in_transit", POLL_BEFORE_BUYER),
    status("MISE_A_DISPOSITION", "available_to_buyer", POLL_WITH_BUYER),
    returned("A_RECYCLER", "to_recycle", SupplierAction::Recycle),
    returned("SUSPENDUE", "suspended", SupplierAction::Complete),
    final_status("REJETEE", "rejected", true),
    status("MANDATEE", "mandated", POLL_MANDATED),
    final_status("MISE_EN_PAIEMENT", "payment_under_way", false),
    final_status("COMPTABILISEE", "accounted", false),
    final_status("MISE_A_DISPOSITION_COMPTABLE", "accounted", false),
    final_status("ABANDONNEE", "abandoned", true),
    final_status("SUPPRIMEE", "deleted", true),
    status("ASSOCIEE", "associated", POLL_WITH_BUYER),
    status(
        "EN_COURS_TRAITEMENT_PIVOT_S",
        "in_transit",
        POLL_BEFORE_BUYER,
    ),
    status("A_VALIDER_MOE", "awaiting_validation", POLL_WITH_BUYER),
    refused("REFUSEE_MOE"),
    returned(
        "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
        "to_recycle",
        SupplierAction::Recycle,
    ),
    returned(
        "ERREUR_MOE_SUR_FOURNISSEUR",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    returned(
        "ERREUR_MOA_SUR_FOURNISSEUR",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    status("INTERPRETEE_OCR", "draft", POLL_DRAFT),
    status("COMPLETEE", "completed", POLL_WITH_BUYER),
    returned(
        "ERREUR_FOURNISSEUR_SUR_MOA",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    returned(
        "ERREUR_MOE_SUR_MOA",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    returned(
        "ERREUR_DESTINATAIRE_PD",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    returned(
        "ERREUR_DESTINATAIRE_EA",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    status("SERVICE_FAIT", "service_done", POLL_WITH_BUYER),
    StatusInfo {
        carries_reason: true,
        ..status("NON_CONFORME", "non_compliant", POLL_WITH_BUYER)
    },
    status("A_ASSOCIER_MOE", "awaiting_association", POLL_WITH_BUYER),
    returned(
        "ERREUR_DE_MOE",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    status(
        "MISE_A_DISPOSITION_MOE",
        "available_to_buyer",
        POLL_WITH_BUYER,
    ),
    status(
        "PRISE_EN_COMPTE_MOE",
        "taken_over_by_buyer",
        POLL_WITH_BUYER,
    ),
    status("A_ASSOCIER_MOA", "awaiting_association", POLL_WITH_BUYER),
    returned(
        "ERREUR_DE_MOA",
        "routing_error",
        SupplierAction::CorrectRouting,
    ),
    refused("REFUSEE_MOA"),
    status(
        "A_ASSOCIER_FOURNISSEUR",
        "awaiting_association",
        POLL_WITH_BUYER,
    ),
    refused("REFUSEE_FOURNISSEUR"),
    returned("A_COMPLETER", "suspended", SupplierAction::Complete),
    status("TRANSMISE_MOA", "in_transit", POLL_BEFORE_BUYER),
    status(
        "PRISE_EN_COMPTE_DESTINATAIRE",
        "taken_over_by_buyer",
        POLL_WITH_BUYER,
    ),
    final_status("REMPLACEE_PAR_A22", "replaced", false),
    final_status("DUPLIQUE_APRES_REFUS", "duplicated", false),
    status(
        "MISE_A_DISPOSITION_MOA",
        "available_to_buyer",
        POLL_WITH_BUYER,
    ),
    status(
        "PRISE_EN_COMPTE_MOA",
        "taken_over_by_buyer",
        POLL_WITH_BUYER,
    ),
    status("TECHNIQUE_INCONNU", "unknown", POLL_WITH_BUYER),
];

/// The status a mandated invoice is in while the buyer may still report its payment.
pub const MANDATED: &str = "MANDATEE";

/// The state given to a code outside the table.
pub const UNKNOWN_STATE: &str = "unknown";

/// Returns what a status code means, or `None` for a code outside the Swagger enum.
pub fn describe(code: &str) -> Option<&'static StatusInfo> {
    STATUSES.iter().find(|info| info.code == code)
}

/// Returns the normalized state of a status code, `unknown` for codes outside the table.
pub fn state_of(code: &str) -> &'static str {
    describe(code).map_or(UNKNOWN_STATE, |info| info.state)
}

pub fn is_final(code: &str) -> bool {
    describe(code).is_some_and(|info| info.is_final)
}

/// Seconds before polling again, `None` for a final status.
pub fn poll_seconds(code: &str) -> Option<u64> {
    match describe(code) {
        Some(info) if info.is_final => None,
        Some(info) => Some(info.poll_seconds),
        None => Some(POLL_WITH_BUYER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_has_each_swagger_code_once() {
        let codes: HashSet<&str> = STATUSES.iter().map(|info| info.code).collect();
        assert_eq!(codes.len(), 56);
        for code in ["BROUILLON", "MISE_A_DISPOSITION", "TECHNIQUE_INCONNU"] {
            assert!(codes.contains(code), "{code}");
        }
    }

    #[test]
    fn final_statuses() {
        for code in ["MISE_EN_PAIEMENT", "REJETEE", "ABANDONNEE", "SUPPRIMEE"] {
            assert!(is_final(code), "{code}");
            assert_eq!(poll_seconds(code), None, "{code}");
        }
        for code in [
            "DEPOSEE",
            "MISE_A_DISPOSITION",
            "SUSPENDUE",
            "A_RECYCLER",
            "MANDATEE",
            "REFUSEE_1",
            "SOMETHING_NEW",
        ] {
            assert!(!is_final(code), "{code}");
            assert!(poll_seconds(code).is_some(), "{code}");
        }
    }

    #[test]
    fn docs_list_every_status() {
        let docs = include_str!("../docs/status-and-buyers.md");
        for info in &STATUSES {
            let row = format!("| `{}` | `{}` |", info.code, info.state);
            assert!(docs.contains(&row), "docs/status-and-buyers.md lacks {row}");
        }
    }

    #[test]
    fn returned_statuses_expect_an_action() {
        assert_eq!(
            describe("SUSPENDUE").and_then(|info| info.action),
            Some(SupplierAction::Complete)
        );
        assert_eq!(
            describe("A_RECYCLER").and_then(|info| info.action),
            Some(SupplierAction::Recycle)
        );
        assert_eq!(state_of("MISE_A_DISPOSITION"), "available_to_buyer");
        assert_eq!(state_of("SOMETHING_NEW"), UNKNOWN_STATE);
    }
}
