//! The operations of one configured company file: connection test, deposit and status.

use std::sync::Arc;

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{chorus_result as Code, Error};
use crate::invoice;
use crate::portal::Portal;
use crate::status;

/// Syntax code of an EN 16931 UBL 2.1 invoice or credit note on the E1 (structured) channel.
pub const SYNTAX_UBL: &str = "IN_DP_E1_UBL_INVOICE";

/// Endpoints used by the operations below.
pub const DEPOSIT_PATH: &str = "/cpro/factures/v1/deposer/flux";
pub const REPORT_PATH: &str = "/cpro/transverses/v1/consulterCRDetaille";
pub const SEARCH_PATH: &str = "/cpro/factures/v1/rechercher/fournisseur";
pub const HISTORY_PATH: &str = "/cpro/factures/v1/consulter/historique";
pub const VAT_RATES_PATH: &str = "/cpro/transverses/v1/recuperer/tauxtva";
pub const ATTACHMENTS_PATH: &str = "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements";

/// `codeRetour` of a deposit report asked for a flux the portal does not know (yet).
const FLUX_NOT_FOUND: i64 = 20001;
/// `codeRetour` of a search that found nothing.
const SEARCH_EMPTY: i64 = 20000;

/// Invoices asked per page when listing the invoices of a flux.
const SEARCH_PAGE_SIZE: u64 = 100;
/// Stops a search whose paging never ends (a flux holds at most 500 invoices).
const MAX_SEARCH_PAGES: u64 = 100;

/// The largest invoice JSON accepted; a Chorus Pro file may not exceed 10 MB once built.
pub(crate) const MAX_INVOICE_JSON_BYTES: usize = 64 * 1024 * 1024;

/// A configured company file.
pub struct Session {
    pub config: Arc<Config>,
    pub portal: Portal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusQuery {
    flux_number: String,
}

impl Session {
    pub fn new(config: Config) -> Result<Session, Error> {
        let config = Arc::new(config);
        Ok(Session {
            portal: Portal::new(config.clone())?,
            config,
        })
    }

    /// Tests the connection step by step; see [`crate::diagnostics`].
    pub fn test_connection(&self) -> Result<Value, Error> {
        crate::diagnostics::test_connection(self)
    }

    /// Validates the invoice, writes it as UBL 2.1 and deposits it.
    ///
    /// A deposit is sent once: it has no idempotency key, so a failure after the request
    /// was written is returned to the caller, who must check the status before sending again.
    pub fn submit(&self, invoice_json: &str) -> Result<Value, Error> {
        if invoice_json.len() > MAX_INVOICE_JSON_BYTES {
            return Err(Error::new(
                Code::CHORUS_ERR_INPUT_TOO_LARGE,
                format!(
                    "Facture JSON de {} octets : au plus {MAX_INVOICE_JSON_BYTES}.",
                    invoice_json.len()
                ),
                format!(
                    "Invoice JSON of {} bytes: at most {MAX_INVOICE_JSON_BYTES}.",
                    invoice_json.len()
                ),
            ));
        }
        let invoice = invoice::parse_invoice(invoice_json)
            .map_err(|problems| Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, problems))?;
        let xml = invoice
            .to_ubl(self.config.bank_account.as_ref())
            .map_err(|problems| Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, problems))?;

        let file_name = deposit_file_name(invoice.number());
        let sha256 = hex(&Sha256::digest(&xml));
        let mut request = json!({
            "fichierFlux": base64::engine::general_purpose::STANDARD.encode(&xml),
            "nomFichier": file_name,
            "syntaxeFlux": SYNTAX_UBL,
            "avecSignature": false,
        });
        if let Some(user_id) = self.config.user_id {
            request["idUtilisateurCourant"] = Value::from(user_id);
        }
        let body = self
            .portal
            .post(DEPOSIT_PATH, &request)?
            .into_success(DEPOSIT_PATH)?;
        let Some(flux_number) = body.get("numeroFluxDepot").and_then(Value::as_str) else {
            return Err(Error::new(
                Code::CHORUS_ERR_UNEXPECTED_REPLY,
                "Dépôt accepté sans numeroFluxDepot : vérifiez le statut avant tout renvoi.",
                "Deposit accepted without numeroFluxDepot: check the status before sending again.",
            )
            .endpoint(DEPOSIT_PATH));
        };
        Ok(json!({
            "flux_number": flux_number,
            "deposit_date": status::text(&body, "dateDepot"),
            "syntax": SYNTAX_UBL,
            "file_name": file_name,
            "sha256": sha256,
            "size": xml.len(),
            "invoice_number": invoice.number(),
            "credit_note": invoice.is_credit_note(),
        }))
    }

    /// Reads the deposit report of a flux and, once integrated, its invoices with their
    /// status history.
    pub fn get_status(&self, query_json: &str) -> Result<Value, Error> {
        let query: StatusQuery = serde_json::from_str(query_json).map_err(|error| {
            let code = if error.is_data() || error.is_eof() && query_json.trim().starts_with('{') {
                Code::CHORUS_ERR_INVALID_QUERY
            } else {
                Code::CHORUS_ERR_INVALID_JSON
            };
            Error::new(
                code,
                format!("Requête de statut invalide : {error}"),
                format!("Invalid status query: {error}"),
            )
        })?;
        let flux_number = query.flux_number.trim();
        if flux_number.is_empty() {
            return Err(Error::new(
                Code::CHORUS_ERR_INVALID_QUERY,
                "flux_number est vide.",
                "flux_number is empty.",
            ));
        }

        let envelope = self
            .portal
            .post(REPORT_PATH, &json!({"numeroFluxDepot": flux_number}))?;
        if envelope.code_retour == FLUX_NOT_FOUND {
            return Ok(json!({
                "flux_number": flux_number,
                "state": status::NOT_YET_VISIBLE,
                "outcome": "pending",
                "final": false,
                "retry_after_seconds": status::poll_delay_seconds(status::NOT_YET_VISIBLE),
                "codeRetour": envelope.code_retour,
                "libelle": envelope.libelle,
                "invoice_errors": [],
                "technical_errors": [],
                "invoices": [],
            }));
        }
        let report = envelope.into_success(REPORT_PATH)?;
        let state = report
            .get("etatCourantDepotFlux")
            .and_then(Value::as_str)
            .unwrap_or("UNKNOWN")
            .to_owned();
        let invoices = match state.as_str() {
            "IN_INTEGRE" | "IN_INTEGRE_PARTIEL" => self.flux_invoices(flux_number)?,
            _ => Vec::new(),
        };
        Ok(json!({
            "flux_number": flux_number,
            "state": state,
            "outcome": status::flux_outcome(&state),
            "final": status::is_final_flux_state(&state),
            "retry_after_seconds": status::poll_delay_seconds(&state),
            "deposit_date": status::text(&report, "dateDepotFlux"),
            "state_date": status::text(&report, "dateHeureEtatCourantFlux"),
            "file_name": status::text(&report, "nomFichier"),
            "interface_code": status::text(&report, "codeInterfaceDepotFlux"),
            "invoice_errors": status::invoice_errors(&report),
            "technical_errors": status::technical_errors(&report),
            "invoices": invoices,
        }))
    }

    /// Lists every invoice a flux created, reading all result pages, with each one's history.
    fn flux_invoices(&self, flux_number: &str) -> Result<Vec<Value>, Error> {
        let mut invoices = Vec::new();
        let mut page = 1;
        loop {
            let envelope = self.portal.post(
                SEARCH_PATH,
                &json!({
                    "numeroFluxDepot": flux_number,
                    "rechercheFactureParFournisseur": {
                        "pageResultatDemandee": page,
                        "nbResultatsParPage": SEARCH_PAGE_SIZE,
                    },
                }),
            )?;
            if envelope.code_retour == SEARCH_EMPTY {
                break;
            }
            let body = envelope.into_success(SEARCH_PATH)?;
            for entry in status::list_field(&body, "listeFactures") {
                invoices.push(self.invoice_with_history(entry)?);
            }
            let pages = body
                .get("parametresRetour")
                .and_then(|paging| paging.get("pages"))
                .and_then(Value::as_u64)
                .unwrap_or(1);
            if page >= pages || page >= MAX_SEARCH_PAGES {
                break;
            }
            page += 1;
        }
        Ok(invoices)
    }

    fn invoice_with_history(&self, entry: &Value) -> Result<Value, Error> {
        let invoice_id = entry
            .get("identifiantFactureCPP")
            .cloned()
            .unwrap_or(Value::Null);
        let mut status_code = status::text(entry, "statut");
        let mut history = Vec::new();
        if !invoice_id.is_null() {
            let reply = self
                .portal
                .post(HISTORY_PATH, &json!({"idFacture": invoice_id}))?
                .into_success(HISTORY_PATH)?;
            let (current, statuses) = status::invoice_history(&reply);
            if !current.is_null() {
                status_code = current;
            }
            history = statuses;
        }
        let is_final = status_code
            .as_str()
            .is_some_and(status::is_final_invoice_status);
        Ok(json!({
            "portal_invoice_id": invoice_id,
            "invoice_number": status::text(entry, "numeroFacture"),
            "status": status_code,
            "final": is_final,
            "status_date": status::text(entry, "dateHeureEtatCourant"),
            "status_comment": status::text(entry, "commentaireEtatCourant"),
            "invoice_type": status::text(entry, "typeFacture"),
            "buyer": status::text(entry, "codeDestinataire"),
            "service_code": status::text(entry, "codeServiceExecutant"),
            "amount_without_vat": entry.get("montantHT").cloned().unwrap_or(Value::Null),
            "amount_with_vat": entry.get("montantTTC").cloned().unwrap_or(Value::Null),
            "amount_due": entry.get("montantAPayer").cloned().unwrap_or(Value::Null),
            "history": history,
        }))
    }
}

/// Builds the file name sent as `nomFichier`: a fixed prefix, the invoice number reduced
/// to safe characters, and the `.xml` extension the portal requires.
fn deposit_file_name(invoice_number: &str) -> String {
    let safe: String = invoice_number
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '-' {
                character
            } else {
                '_'
            }
        })
        .collect();
    format!("UBL_chorus_facture_{safe}.xml")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_is_safe() {
        assert_eq!(
            deposit_file_name("F-2026/001 a"),
            "UBL_chorus_facture_F-2026_001_a.xml"
        );
    }

    #[test]
    fn hex_digest() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
