//! The operations of one configured company file: connection test, deposit and status.

use std::sync::Arc;

use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{chorus_result as Code, Error};
use crate::invoice;
use crate::portal::Portal;

/// Syntax code of an EN 16931 UBL 2.1 invoice or credit note on the E1 (structured) channel.
pub const SYNTAX_UBL: &str = "IN_DP_E1_UBL_INVOICE";

/// Endpoints used by the operations below.
pub const DEPOSIT_PATH: &str = "/cpro/factures/v1/deposer/flux";
pub const REPORT_PATH: &str = "/cpro/transverses/v1/consulterCRDetaille";
pub const SEARCH_PATH: &str = "/cpro/factures/v1/rechercher/fournisseur";
pub const HISTORY_PATH: &str = "/cpro/factures/v1/consulter/historique";
pub const VAT_RATES_PATH: &str = "/cpro/transverses/v1/recuperer/tauxtva";
pub const ATTACHMENTS_PATH: &str = "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements";

/// The largest invoice JSON accepted; a Chorus Pro file may not exceed 10 MB once built.
pub(crate) const MAX_INVOICE_JSON_BYTES: usize = 64 * 1024 * 1024;

/// A configured company file.
pub struct Session {
    pub config: Arc<Config>,
    pub portal: Portal,
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

    /// Validates the invoice, writes it in its `syntax` (else the configuration's: UBL 2.1
    /// by default, or CII D16B) and deposits it with the matching `syntaxeFlux`. A
    /// `{"file": ...}` request is deposited as is instead.
    ///
    /// The deposit has no idempotency key. After a failure that leaves its outcome
    /// unknown, the invoice is searched for on the portal before it is sent again (see
    /// [`crate::deposit`]).
    ///
    /// The retries of the directory look-ups and of the deposit share one deadline,
    /// `retry.deadline_seconds` from the start of this call.
    pub fn submit(&self, invoice_json: &str) -> Result<Value, Error> {
        crate::retry::one_deadline(|| self.submit_within_deadline(invoice_json))
    }

    fn submit_within_deadline(&self, invoice_json: &str) -> Result<Value, Error> {
        invoice::requests::check_request_size(invoice_json)?;
        if invoice::ready_file::is_ready_file_request(invoice_json) {
            return self.submit_ready_file(invoice_json);
        }
        let invoice = invoice::requests::parse_request(invoice_json)?;
        let syntax = invoice.syntax_or(self.config.syntax);
        let options = invoice::XmlOptions {
            syntax,
            commented: false,
        };
        let xml = invoice
            .to_xml(options, self.config.bank_account.as_ref())
            .map_err(|problems| Error::with_problems(Code::CHORUS_ERR_INVALID_INVOICE, problems))?;
        if let Some(problem) = crate::invoice::requests::file_size_problem(xml.len()) {
            return Err(Error::with_problems(
                Code::CHORUS_ERR_INPUT_TOO_LARGE,
                vec![problem],
            ));
        }
        let routing_problems = crate::directory::check_invoice_routing(self, &invoice);
        if !routing_problems.is_empty() {
            return Err(Error::with_problems(
                Code::CHORUS_ERR_INVALID_INVOICE,
                routing_problems,
            ));
        }
        let file_name = deposit_file_name(syntax, invoice.number());
        let syntax = syntax.flux_code();
        let sha256 = hex(&Sha256::digest(&xml));
        let mut request = json!({
            "fichierFlux": base64::engine::general_purpose::STANDARD.encode(&xml),
            "nomFichier": file_name,
            "syntaxeFlux": syntax,
            "avecSignature": false,
        });
        if let Some(user_id) = self.config.user_id {
            request["idUtilisateurCourant"] = Value::from(user_id);
        }
        let prepared = crate::deposit::Prepared {
            request,
            invoice_number: invoice.number().to_owned(),
            seller_siret: invoice.seller_siret().map(str::to_owned),
            credit_note: invoice.is_credit_note(),
            summary: json!({
                "syntax": syntax,
                "file_name": file_name,
                "sha256": sha256,
                "size": xml.len(),
                "invoice_number": invoice.number(),
                "credit_note": invoice.is_credit_note(),
            }),
        };
        crate::deposit::deposit(&self.portal, &prepared)
    }

    /// Deposits a file the ERP already has, unchanged, after the checks of
    /// [`invoice::requests::parse_ready_request`] (see [`invoice::ready_file`]).
    fn submit_ready_file(&self, request_json: &str) -> Result<Value, Error> {
        let file = invoice::requests::parse_ready_request(request_json)?;
        let mut request = json!({
            "fichierFlux": base64::engine::general_purpose::STANDARD.encode(&file.content),
            "nomFichier": file.file_name,
            "syntaxeFlux": file.syntax,
            "avecSignature": false,
        });
        if let Some(user_id) = self.config.user_id {
            request["idUtilisateurCourant"] = Value::from(user_id);
        }
        let mut summary = invoice::requests::ready_file_summary(&file);
        summary["file_name"] = Value::from(file.file_name.as_str());
        let prepared = crate::deposit::Prepared {
            request,
            // Empty when a Factur-X PDF's XML cannot be extracted, which turns the resend
            // search off.
            invoice_number: file.invoice_number.clone().unwrap_or_default(),
            // Without a SIRET in the file, the resend search matches on the invoice number
            // and type only.
            seller_siret: file.seller_siret.clone(),
            credit_note: file.credit_note,
            summary,
        };
        crate::deposit::deposit(&self.portal, &prepared)
    }

    /// Runs a status query by flux number, portal invoice id or invoice number; see
    /// [`crate::tracking`].
    pub fn get_status(&self, query_json: &str) -> Result<Value, Error> {
        crate::tracking::get_status(self, query_json)
    }
}

/// Builds the file name sent as `nomFichier`: a prefix naming the syntax, the invoice
/// number reduced to safe characters, and the `.xml` extension the portal requires.
fn deposit_file_name(syntax: invoice::Syntax, invoice_number: &str) -> String {
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
    let prefix = match syntax {
        invoice::Syntax::Ubl => "UBL",
        invoice::Syntax::Cii => "CII",
    };
    format!("{prefix}_chorus_facture_{safe}.xml")
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
            deposit_file_name(invoice::Syntax::Ubl, "F-2026/001 a"),
            "UBL_chorus_facture_F-2026_001_a.xml"
        );
        assert_eq!(
            deposit_file_name(invoice::Syntax::Cii, "F1"),
            "CII_chorus_facture_F1.xml"
        );
    }

    #[test]
    fn hex_digest() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
