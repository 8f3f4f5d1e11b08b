//! Deposits that are never lost and never sent twice on purpose.
//!
//! `deposer/flux` has no idempotency key: sending a file again creates a second flux,
//! which the portal then rejects as a duplicate invoice number. So a deposit is sent again
//! only when the previous attempt surely did not reach the portal, or after a search by
//! invoice number (`rechercher/fournisseur` with `numeroFacture`) found nothing.
//!
//! An invoice appears in that search only once its flux is integrated, which the real
//! portal may take minutes to do. The search is therefore repeated for
//! `retry.lookup_window_seconds` before the deposit is sent again.
//!
//! NOTE: if the earlier flux is integrated after that window, the deposit sent again
//! creates a second flux. The portal then rejects it as a duplicate number, and
//! `chorus_get_status` reports `CHORUS_ERR_DUPLICATE_INVOICE` for it. The invoice is
//! still on the portal once, but the ERP sees two flux numbers.
//!
//! A ready file is searched for like a built invoice, by the number read from its XML (for
//! Factur-X, the embedded `factur-x.xml`) and by the seller SIRET when the file gives one.
//! A Factur-X PDF whose embedded XML the library cannot extract, such as one encoded with
//! another filter than `/FlateDecode`, has no number to search for. Its deposit is then
//! never sent again after an ambiguous failure: the error reports the outcome as unknown,
//! and the ERP checks the portal before depositing it again.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::client::{DEPOSIT_PATH, SEARCH_PATH};
use crate::error::{chorus_result as Code, Error};
use crate::portal::{Envelope, Portal};
use crate::retry::{self, Failure, Schedule};

/// `codeRetour` of a search that found nothing.
const SEARCH_EMPTY: i64 = 20000;
/// Start of the portal's rejection text for an invoice number already used by the supplier.
const DUPLICATE_TEXT: &str = "déjà déposé une demande de paiement avec ce numéro";
/// First and longest pause between two searches for an ambiguous deposit.
const FIRST_LOOKUP_PAUSE: Duration = Duration::from_millis(250);
const MAX_LOOKUP_PAUSE: Duration = Duration::from_secs(2);
/// Results asked per search; one supplier rarely has more than a few invoices per number.
const LOOKUP_PAGE_SIZE: u64 = 50;
/// A portal invoice deposited on or after this many days before the first attempt counts
/// as the deposit of this call: one day covers the gap between UTC and Paris time.
const RECENT_DAYS: i64 = 1;

/// The deposit request of one invoice and the result fields known before sending it.
pub struct Prepared {
    pub request: Value,
    /// BT-1 searched for after an ambiguous failure; empty when the file does not give it
    /// in readable form, which turns resending off.
    pub invoice_number: String,
    /// The seller SIRET. When given, the search keeps only invoices whose
    /// `codeFournisseur` is this SIRET, or that have no `codeFournisseur`.
    pub seller_siret: Option<String>,
    pub credit_note: bool,
    /// The fields of the success result computed before sending (file name, digest, size).
    pub summary: Value,
}

/// Invoices whose last deposit ended without a clear outcome and were not found since.
/// A new deposit of one of them starts with a search.
#[derive(Default)]
pub struct Unresolved(Mutex<HashSet<String>>);

impl Unresolved {
    fn key(prepared: &Prepared) -> String {
        format!(
            "{}\u{1f}{}",
            prepared.seller_siret.as_deref().unwrap_or_default(),
            prepared.invoice_number
        )
    }

    fn set(&self, prepared: &Prepared, unresolved: bool) {
        let mut keys = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if unresolved {
            keys.insert(Self::key(prepared));
        } else {
            keys.remove(&Self::key(prepared));
        }
    }

    fn contains(&self, prepared: &Prepared) -> bool {
        let keys = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.contains(&Self::key(prepared))
    }
}

/// Deposits one invoice, sending it again only when that cannot create a second deposit
/// that this call could have detected.
///
/// Returns the success result with `"recovered": false`, or `"recovered": true` when an
/// earlier deposit whose reply was lost is found on the portal.
pub fn deposit(portal: &Portal, prepared: &Prepared) -> Result<Value, Error> {
    let first_day = today_days_since_epoch();
    let settings = &portal.config.retry;
    let searchable = !prepared.invoice_number.is_empty();
    if searchable && portal.unresolved.contains(prepared) {
        if let Some(result) = look_for_earlier(portal, prepared, first_day, Duration::ZERO)? {
            return Ok(result);
        }
    }
    let mut schedule = Schedule::new(settings);
    loop {
        schedule.begin_attempt();
        let failure = match portal.attempt(DEPOSIT_PATH, &prepared.request) {
            Ok(envelope) => {
                portal.unresolved.set(prepared, false);
                return accepted(portal, prepared, envelope);
            }
            Err(failure) => failure,
        };
        if is_ambiguous(&failure) && !searchable {
            log::warn!(
                "deposit of a file without a readable invoice number may have reached the \
                 portal ({}); not sending it again",
                failure.error.code.name()
            );
            return Err(unknown_outcome_error(failure.error));
        }
        if is_ambiguous(&failure) {
            portal.unresolved.set(prepared, true);
            log::warn!(
                "deposit of invoice {} may have reached the portal ({}); searching for it \
                 before sending it again",
                prepared.invoice_number,
                failure.error.code.name()
            );
            match look_for_earlier(portal, prepared, first_day, settings.lookup_window) {
                Ok(Some(result)) => return Ok(result),
                // Not on the portal within the window: sending again is the lesser risk.
                Ok(None) => {}
                Err(lookup_error) => {
                    return Err(unresolved_error(failure.error, &lookup_error));
                }
            }
        }
        let delay = if retry::is_transient(&failure.error) {
            schedule.next_delay(failure.retry_after)
        } else {
            None
        };
        // An invoice whose last attempt was ambiguous stays marked, so that the caller's
        // next deposit of it starts with a search.
        let Some(delay) = delay else {
            return Err(retry::with_attempts(failure.error, schedule.attempts()));
        };
        portal.unresolved.set(prepared, false);
        log::info!(
            "sending invoice {} again in {} ms after {}",
            prepared.invoice_number,
            delay.as_millis(),
            failure.error.code.name()
        );
        std::thread::sleep(delay);
    }
}

/// Tells whether a failed deposit may have been processed by the portal: the request was
/// sent and no reply proves the contrary.
///
/// 429 and 503 are taken as "not received": PISTE throttles before forwarding, and 503 is
/// its maintenance reply.
// NOTE: that reading of 503 comes from the gateway's documented role, not from a test
// against the real portal.
fn is_ambiguous(failure: &Failure) -> bool {
    if !failure.request_sent {
        return false;
    }
    match failure.error.code {
        Code::CHORUS_ERR_TIMEOUT | Code::CHORUS_ERR_NETWORK => true,
        Code::CHORUS_ERR_PORTAL_UNAVAILABLE => failure.error.http_status != Some(503),
        Code::CHORUS_ERR_UNEXPECTED_REPLY => failure.error.http_status == Some(200),
        _ => false,
    }
}

/// Builds the result of a deposit that got a 200 reply.
fn accepted(portal: &Portal, prepared: &Prepared, envelope: Envelope) -> Result<Value, Error> {
    if envelope.code_retour != 0 {
        if envelope.libelle.contains(DUPLICATE_TEXT) && !prepared.invoice_number.is_empty() {
            let existing = search(portal, prepared).ok().flatten();
            return Err(duplicate_error(prepared, existing.as_ref()));
        }
        return Err(envelope.rejection(DEPOSIT_PATH));
    }
    let body = envelope.body;
    let Some(flux_number) = body.get("numeroFluxDepot").and_then(Value::as_str) else {
        return Err(Error::new(
            Code::CHORUS_ERR_UNEXPECTED_REPLY,
            "Dépôt accepté sans numeroFluxDepot : vérifiez le statut avant tout renvoi.",
            "Deposit accepted without numeroFluxDepot: check the status before sending again.",
        )
        .endpoint(DEPOSIT_PATH));
    };
    let mut result = prepared.summary.clone();
    result["flux_number"] = Value::from(flux_number);
    result["deposit_date"] = body.get("dateDepot").cloned().unwrap_or(Value::Null);
    result["recovered"] = Value::Bool(false);
    Ok(result)
}

/// Searches for the invoice for up to `window`, and turns what is found into the result
/// of this call: the earlier deposit when it is recent, else a duplicate-number error.
fn look_for_earlier(
    portal: &Portal,
    prepared: &Prepared,
    first_day: i64,
    window: Duration,
) -> Result<Option<Value>, Error> {
    let until = Instant::now() + window;
    let mut pause = FIRST_LOOKUP_PAUSE;

    let found = loop {
        if let Some(entry) = search(portal, prepared)? {
            break entry;
        }
        let now = Instant::now();
        if now >= until {
            return Ok(None);
        }
        std::thread::sleep(pause.min(until - now));
        pause = (pause * 2).min(MAX_LOOKUP_PAUSE);
    };
    portal.unresolved.set(prepared, false);

    let recent = found
        .get("dateDepot")
        .and_then(Value::as_str)
        .and_then(days_since_epoch)
        .is_some_and(|day| day >= first_day - RECENT_DAYS);
    if !recent {
        return Err(duplicate_error(prepared, Some(&found)));
    }

    log::info!(
        "invoice {} found on the portal in flux {}: returning that deposit",
        prepared.invoice_number,
        found["numeroFluxDepot"]
    );
    let mut result = prepared.summary.clone();
    result["flux_number"] = found.get("numeroFluxDepot").cloned().unwrap_or(Value::Null);
    result["deposit_date"] = found.get("dateDepot").cloned().unwrap_or(Value::Null);
    result["portal_invoice_id"] = found
        .get("identifiantFactureCPP")
        .cloned()
        .unwrap_or(Value::Null);
    result["status"] = found.get("statut").cloned().unwrap_or(Value::Null);
    result["recovered"] = Value::Bool(true);
    Ok(Some(result))
}

/// Searches the supplier invoices for this invoice number, type and supplier; returns the
/// most recently deposited match.
fn search(portal: &Portal, prepared: &Prepared) -> Result<Option<Value>, Error> {
    let envelope = portal.post(
        SEARCH_PATH,
        &json!({
            "numeroFacture": prepared.invoice_number,
            "rechercheFactureParFournisseur": {
                "pageResultatDemandee": 1,
                "nbResultatsParPage": LOOKUP_PAGE_SIZE,
                "triColonne": "DateDepot",
                "triSens": "Descendant",
            },
        }),
    )?;
    if envelope.code_retour == SEARCH_EMPTY {
        return Ok(None);
    }
    let body = envelope.into_success(SEARCH_PATH)?;
    let wanted_type = if prepared.credit_note {
        "AVOIR"
    } else {
        "FACTURE"
    };
    let found = body
        .get("listeFactures")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|entry| entry["numeroFacture"].as_str() == Some(&prepared.invoice_number))
        .filter(|entry| {
            entry["typeFacture"]
                .as_str()
                .is_none_or(|kind| kind == wanted_type)
        })
        .filter(|entry| {
            match (
                prepared.seller_siret.as_deref(),
                entry["codeFournisseur"].as_str(),
            ) {
                (Some(siret), Some(code)) => siret == code,
                _ => true,
            }
        })
        .max_by(|left, right| {
            let date = |entry: &Value| entry["dateDepot"].as_str().unwrap_or_default().to_owned();
            date(left).cmp(&date(right))
        })
        .cloned();
    Ok(found)
}

fn duplicate_error(prepared: &Prepared, existing: Option<&Value>) -> Error {
    let number = &prepared.invoice_number;
    let field = |name: &str| {
        existing
            .and_then(|entry| entry.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let invoice_id = field("identifiantFactureCPP");
    let flux_number = field("numeroFluxDepot");
    let reference = match (&invoice_id, &flux_number) {
        (Value::Null, _) => String::new(),
        (id, Value::String(flux)) => format!(" (identifiantFactureCPP {id}, flux {flux})"),
        (id, _) => format!(" (identifiantFactureCPP {id})"),
    };
    Error::new(
        Code::CHORUS_ERR_DUPLICATE_INVOICE,
        format!(
            "La facture {number} est déjà déposée sur Chorus Pro pour ce fournisseur{reference}."
        ),
        format!(
            "Invoice {number} is already deposited on Chorus Pro for this supplier{reference}."
        ),
    )
    .endpoint(DEPOSIT_PATH)
    .details(json!({
        "invoice_number": number,
        "portal_invoice_id": invoice_id,
        "flux_number": flux_number,
        "deposit_date": field("dateDepot"),
        "status": field("statut"),
    }))
}

/// Marks a deposit error as leaving the outcome unknown, because the file gives no
/// invoice number to search for.
fn unknown_outcome_error(mut error: Error) -> Error {
    // Calling again would send the file again without any search, so an ERP that
    // retries on `retryable` must not do it here.
    error.retryable = false;
    error.details = Some(json!({
        "deposit_outcome": "unknown",
        "lookup_error": null,
    }));
    error.hint = Some((
        "Le dépôt a pu être reçu et le numéro de facture du fichier est illisible, donc il \
         n'a pas été renvoyé : vérifiez les flux déposés sur Chorus Pro avant de le renvoyer."
            .to_owned(),
        "The deposit may have been received and the file's invoice number is unreadable, so \
         it was not sent again: check the deposited flows on Chorus Pro before sending it \
         again."
            .to_owned(),
    ));
    error
}

/// Marks a deposit error as leaving the outcome unknown, because the search failed too.
fn unresolved_error(mut error: Error, lookup_error: &Error) -> Error {
    error.details = Some(json!({
        "deposit_outcome": "unknown",
        "lookup_error": {
            "code": lookup_error.code as u32,
            "name": lookup_error.code.name(),
            "message": lookup_error.message_en,
        },
    }));
    error.hint = Some((
        "Le dépôt a pu être reçu et la recherche de la facture a échoué : un nouvel appel \
         recherche d'abord la facture avant de la renvoyer."
            .to_owned(),
        "The deposit may have been received and the search for the invoice failed: calling \
         again first searches for the invoice before sending it again."
            .to_owned(),
    ));
    error
}

/// Days since 1970-01-01 of today's UTC date.
fn today_days_since_epoch() -> i64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    (seconds / 86_400) as i64
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the rest of the text is ignored), by the
/// proleptic Gregorian calendar.
fn days_since_epoch(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Counts from March so that the leap day ends the year.
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_to_days() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
        assert_eq!(days_since_epoch("2024-02-29T10:00:00+01:00"), Some(19_782));
        assert_eq!(days_since_epoch("2026-12-04"), Some(20_791));
        assert_eq!(days_since_epoch("2026-13-04"), None);
        assert_eq!(days_since_epoch("04/12/2026"), None);
    }

    fn failure(code: Code, status: Option<u16>, sent: bool) -> Failure {
        let mut error = Error::new(code, "x", "x");
        error.http_status = status;
        Failure {
            error,
            retry_after: None,
            request_sent: sent,
        }
    }

    #[test]
    fn ambiguous_failures() {
        let cases = [
            (Code::CHORUS_ERR_TIMEOUT, None, true, true),
            (Code::CHORUS_ERR_TIMEOUT, None, false, false),
            (Code::CHORUS_ERR_NETWORK, None, true, true),
            (Code::CHORUS_ERR_CONNECTION_REFUSED, None, false, false),
            (Code::CHORUS_ERR_PORTAL_UNAVAILABLE, Some(500), true, true),
            (Code::CHORUS_ERR_PORTAL_UNAVAILABLE, Some(502), true, true),
            (Code::CHORUS_ERR_PORTAL_UNAVAILABLE, Some(504), true, true),
            (Code::CHORUS_ERR_PORTAL_UNAVAILABLE, Some(503), true, false),
            (Code::CHORUS_ERR_RATE_LIMITED, Some(429), true, false),
            (Code::CHORUS_ERR_UNEXPECTED_REPLY, Some(200), true, true),
            (
                Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED,
                Some(401),
                true,
                false,
            ),
        ];
        for (code, status, sent, expected) in cases {
            assert_eq!(
                is_ambiguous(&failure(code, status, sent)),
                expected,
                "{code:?} {status:?} sent={sent}"
            );
        }
    }
}
