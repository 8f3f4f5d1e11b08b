//! Every return code, `libelle`, rejection text and error description the sandbox sends.
//!
//! Kept in one place so that a change of wording is one edit, and so that the values
//! copied from the real portal are easy to tell from the ones the sandbox made up.
//!
//! Observed on the real portal (per published client code and fixtures):
//! `TRA_MSG_00.000`, `GCU_MSG_01_000`, 20000 `TRA_MSG_00.015`, 20001 `POQ_MSG_01.003`,
//! 20001 `GDP_MSG_11.022` (key only), `ERR_XSD_001` with an `IRRECEVABILITE:` text,
//! the unknown-supplier and too-long-number rejection texts, the duplicate-number text,
//! and `login or password incorrects`.
//! Everything else is sandbox wording. Keys made up by the sandbox start with `SBX_`.

/// A non-zero `codeRetour` with its `libelle`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retour {
    pub code: i64,
    pub libelle: String,
}

impl Retour {
    fn new(code: i64, libelle: impl Into<String>) -> Retour {
        Retour {
            code,
            libelle: libelle.into(),
        }
    }
}

// ---- Success libelles (codeRetour 0) ----

/// Success libelle of the Transverses, Factures search and consultation operations.
pub const SUCCESS_TRA: &str = "TRA_MSG_00.000";
/// Success libelle seen on `soumettre`, `structures/v1/consulter` and deposits.
pub const SUCCESS_GCU: &str = "GCU_MSG_01_000";

// ---- Business errors: HTTP 200 with a non-zero codeRetour ----

pub fn no_result() -> Retour {
    Retour::new(
        20000,
        "TRA_MSG_00.015 - La recherche n'a retourné aucun résultat",
    )
}

pub fn flux_not_found() -> Retour {
    Retour::new(20001, "POQ_MSG_01.003 - Flux introuvable.")
}

pub fn file_too_large(size: usize, max: usize) -> Retour {
    // NOTE: only the key GDP_MSG_11.022 is known; the text after it is sandbox wording.
    Retour::new(
        20001,
        format!(
            "GDP_MSG_11.022 - La taille du fichier ({size} octets) dépasse la taille maximale autorisée ({max} octets)."
        ),
    )
}

pub fn missing_parameter(name: &str) -> Retour {
    Retour::new(
        20002,
        format!("SBX_MSG_00.002 - Le paramètre obligatoire {name} est absent."),
    )
}

pub fn invalid_parameter(name: &str, detail: &str) -> Retour {
    Retour::new(
        20003,
        format!("SBX_MSG_00.003 - La valeur du paramètre {name} est invalide : {detail}"),
    )
}

pub fn invalid_base64(name: &str) -> Retour {
    Retour::new(
        20004,
        format!("SBX_MSG_00.004 - Le paramètre {name} n'est pas un contenu base64 valide."),
    )
}

pub fn invoice_not_found(id: i64) -> Retour {
    Retour::new(
        20005,
        format!("SBX_MSG_00.005 - La facture {id} est introuvable."),
    )
}

pub fn structure_not_found(id: i64) -> Retour {
    Retour::new(
        20006,
        format!("SBX_MSG_00.006 - La structure {id} est introuvable."),
    )
}

pub fn service_not_found(id_structure: i64, id_service: i64) -> Retour {
    Retour::new(
        20007,
        format!(
            "SBX_MSG_00.007 - Le service {id_service} de la structure {id_structure} est introuvable."
        ),
    )
}

pub fn invoice_wrong_status(id: i64, current: &str, expected: &str) -> Retour {
    Retour::new(
        20008,
        format!(
            "SBX_MSG_00.008 - La facture {id} est au statut {current} : cette action demande le statut {expected}."
        ),
    )
}

pub fn rerouting_rejected(id: i64, reasons: &str) -> Retour {
    Retour::new(
        20009,
        format!("SBX_MSG_00.009 - Le recyclage de la facture {id} est refuse : {reasons}"),
    )
}

// ---- Comments a buyer writes when it returns an invoice (`histoStatutCommentaire`) ----

pub const SUSPENSION_REASON: &str =
    "Facture suspendue : le bon de livraison signe est manquant. Merci de le joindre.";
pub const REJECTION_REASON: &str =
    "Facture rejetee : le montant ne correspond pas au bon de commande.";
pub const RECYCLING_REASON: &str =
    "Facture a recycler : le service destinataire est errone, adressez-la au service PAIEMENT.";

// ---- HTTP 400 replies of the API gateway ----

/// `codeRetour` of the HTTP 400 envelope sent for a body that is not a JSON object.
pub const INVALID_JSON_CODE: i64 = 400;

pub fn invalid_json_body(detail: &str) -> String {
    format!("SBX_MSG_00.400 - Le corps de la requête n'est pas un objet JSON valide : {detail}")
}

// ---- `error_description` values of WWW-Authenticate headers ----

pub const BEARER_MISSING: &str = "The access token is missing";
pub const BEARER_UNKNOWN: &str = "The access token is invalid";
pub const BEARER_EXPIRED: &str = "The access token expired";
/// Quoted from a real 401 header; the spelling is the portal's.
pub const CPRO_ACCOUNT_REJECTED: &str = "login or password incorrects";
pub const CPRO_ACCOUNT_PASSWORD_EXPIRED: &str = "technical account password expired";

// ---- OAuth2 token endpoint `error_description` values ----

pub const OAUTH_CLIENT_AUTHENTICATION_FAILED: &str = "Client authentication failed";
pub const OAUTH_UNSUPPORTED_GRANT_TYPE: &str = "grant_type must be client_credentials";
pub const OAUTH_NOT_FORM_ENCODED: &str =
    "The request body must be application/x-www-form-urlencoded";
pub const OAUTH_INVALID_FORM: &str = "The request body is not valid form data";
pub const OAUTH_CONFLICTING_CLIENT_AUTHENTICATION: &str =
    "Client credentials were sent both in the Authorization header and in the body, with different values";
pub const OAUTH_INVALID_BASIC_HEADER: &str = "The Basic Authorization header is not valid";

pub fn oauth_missing_parameter(name: &str) -> String {
    format!("Missing parameter: {name}")
}

pub fn oauth_repeated_parameter(name: &str) -> String {
    format!("Parameter {name} is repeated")
}

// ---- Per-invoice rejections (`listeErreurDP[].libelleErreurDP`) ----

/// Quoted from the official example of `consulterCRDetaille`.
pub const DP_SUPPLIER_UNKNOWN: &str = "L'identifiant fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification.ID.value) n'est pas reference dans notre systeme.";
pub const DP_SUPPLIER_NOT_ATTACHED: &str = "La structure fournisseur de la demande de paiement (balise : AccountingSupplierParty.Party.PartyIdentification.ID.value) n'est pas rattachee au compte technique qui a depose le flux.";
/// Quoted from a live qualification rejection, which read a CII file. The sandbox sends
/// the same text for UBL files.
pub const DP_INVOICE_NUMBER_TOO_LONG: &str = "Le champ identifiant de la facture (FichierXml.ExchangedDocument.ID.value) ne doit pas depasser 20 caracteres";
/// Quoted from the Chorus Pro community page on invoice numbers.
pub const DP_DUPLICATE_INVOICE_NUMBER: &str =
    "Vous avez déjà déposé une demande de paiement avec ce numéro de facture pour cette structure";
pub const DP_BUYER_UNKNOWN: &str = "L'identifiant destinataire de la demande de paiement (balise : AccountingCustomerParty.Party.PartyIdentification.ID.value) n'est pas reference dans notre systeme.";
pub const DP_SERVICE_REQUIRED: &str =
    "Le code service est obligatoire pour ce destinataire (balise : BuyerReference).";
pub const DP_ENGAGEMENT_REQUIRED: &str =
    "Le numero d'engagement est obligatoire pour ce destinataire (balise : OrderReference.ID).";
pub const DP_SERVICE_OR_ENGAGEMENT_REQUIRED: &str =
    "Le code service ou le numero d'engagement doit etre renseigne pour ce destinataire.";
pub const DP_FACTURES_PUBLIQUES_FOR_PRIVATE_SUPPLIER: &str = "Le service FACTURES_PUBLIQUES est reserve a la facturation entre structures publiques et ne peut pas etre utilise par un fournisseur prive.";

pub fn dp_service_unknown_or_inactive(code: &str) -> String {
    format!(
        "Le code service {code} de la structure publique destinataire est inconnu ou inactif dans Chorus Pro."
    )
}

pub fn dp_engagement_required_by_service(code: &str) -> String {
    format!(
        "Le numero d'engagement est obligatoire pour le service {code} de ce destinataire (balise : OrderReference.ID)."
    )
}

/// Separator between several rejection reasons of one invoice in `libelleErreurDP`.
pub const DP_ERROR_SEPARATOR: &str = "|";

// ---- Flux-level rejections (`listeErreurTechnique[]`) ----

pub const TECHNICAL_XSD_CODE: &str = "ERR_XSD_001";
pub const TECHNICAL_UNSUPPORTED_SYNTAX_CODE: &str = "ERR_SBX_001";
// NOTE: the real values of natureErreur are unknown; this one is a guess.
pub const TECHNICAL_NATURE: &str = "IRRECEVABILITE";

pub fn technical_not_well_formed(line: usize, column: usize, detail: &str) -> String {
    format!(
        "IRRECEVABILITE: ligne {line}, colonne {column} : le fichier n'est pas un document XML bien forme : {detail}"
    )
}

pub fn technical_not_utf8() -> String {
    "IRRECEVABILITE: le fichier n'est pas encode en UTF-8.".to_string()
}

pub fn technical_wrong_root(expected: &str, found: &str) -> String {
    format!(
        "IRRECEVABILITE: cvc-elt.1.a : l'element racine {found} ne correspond pas a la syntaxe deposee, qui attend {expected}."
    )
}

pub fn technical_missing_element(element: &str) -> String {
    format!("IRRECEVABILITE: cvc-complex-type.2.4.b : l'element obligatoire {element} est absent.")
}

pub fn technical_invalid_archive(detail: &str) -> String {
    format!("IRRECEVABILITE: archive de factures illisible : {detail}.")
}

pub fn technical_archive_entry(entry_name: &str, message: &str) -> String {
    format!("{entry_name} : {message}")
}

pub fn technical_invalid_facturx(detail: &str) -> String {
    format!("IRRECEVABILITE: le XML factur-x.xml du PDF Factur-X est illisible : {detail}")
}

pub fn technical_unsupported_syntax(syntax: &str, supported: &str) -> String {
    format!(
        "IRRECEVABILITE: chorus-sandbox ne traite pas la syntaxe {syntax} ; syntaxes traitees : {supported}."
    )
}

// ---- Bodies of injected gateway faults ----

pub const MAINTENANCE_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"fr\">\n<head><meta charset=\"utf-8\"><title>Chorus Pro - Maintenance</title></head>\n<body>\n<h1>Chorus Pro est en maintenance</h1>\n<p>Le service est momentanément indisponible. Merci de réessayer ultérieurement.</p>\n<p>(page simulée par chorus-sandbox)</p>\n</body>\n</html>\n";
pub const BAD_GATEWAY_PAGE: &str = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<h1>502 Bad Gateway</h1>\n<p>(simulated by chorus-sandbox)</p>\n</body>\n</html>\n";
pub const GATEWAY_TIMEOUT_PAGE: &str = "<html>\n<head><title>504 Gateway Time-out</title></head>\n<body>\n<h1>504 Gateway Time-out</h1>\n<p>(simulated by chorus-sandbox)</p>\n</body>\n</html>\n";
/// Body of the `invalid_json_200` fault: a JSON document cut in the middle.
pub const TRUNCATED_JSON: &str = "{\"codeRetour\":0,\"libelle\":\"TRA_MSG_00.0";
