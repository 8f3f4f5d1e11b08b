//! Status queries (by flux, portal invoice id or invoice number) and the supplier's
//! actions on returned invoices (`completer`, `recycler`).

use serde_json::{json, Map, Value};

use crate::client::Session;
use crate::error::{chorus_result as Code, Error};
use crate::lifecycle;
use crate::portal::Portal;
use crate::status;

pub const REPORT_PATH: &str = "/cpro/transverses/v1/consulterCRDetaille";
pub const SEARCH_PATH: &str = "/cpro/factures/v1/rechercher/fournisseur";
pub const HISTORY_PATH: &str = "/cpro/factures/v1/consulter/historique";
pub const INVOICE_PATH: &str = "/cpro/factures/v1/consulter/fournisseur";
pub const COMPLETE_PATH: &str = "/cpro/factures/v1/completer";
pub const RECYCLE_PATH: &str = "/cpro/factures/v1/recycler";
pub const SUPPLIER_STRUCTURES_PATH: &str =
    "/cpro/transverses/v1/recuperer/structures/actives/fournisseur";

/// `codeRetour` of a deposit report requested for a flux the portal does not list (yet).
const FLUX_NOT_FOUND: i64 = 20001;
/// `codeRetour` of a search that found nothing.
pub const SEARCH_EMPTY: i64 = 20000;

/// Stops reading a paged reply whose paging never ends. With the portal's default of 10
/// results per page this reads 1,000 results, twice the 500 invoices a flux may hold.
const MAX_PAGES: u64 = 100;

/// Reads every page of a paged operation and returns the reply bodies, one per page.
///
/// `body_for_page(n)` builds the request for page `n` (from 1). `paging_of(reply)` finds
/// the `{pageCourante, pages, ...}` object; a reply without one is a single page. A
/// `codeRetour` of 20000 means no result and ends the reading.
pub fn read_all_pages(
    portal: &Portal,
    path: &str,
    body_for_page: impl Fn(u64) -> Value,
    paging_of: impl Fn(&Value) -> Option<&Value>,
) -> Result<Vec<Value>, Error> {
    let mut bodies = Vec::new();
    let mut page = 1;
    loop {
        let envelope = portal.post(path, &body_for_page(page))?;
        if envelope.code_retour == SEARCH_EMPTY {
            break;
        }
        let body = envelope.into_success(path)?;
        let pages = paging_of(&body)
            .and_then(|paging| paging.get("pages"))
            .and_then(Value::as_u64)
            .unwrap_or(1);
        bodies.push(body);
        if page >= pages || page >= MAX_PAGES {
            break;
        }
        page += 1;
    }
    Ok(bodies)
}

/// Returns the items of a list field that some replies send as a single object.
pub fn list_or_single(body: &Value, key: &str) -> Vec<Value> {
    match body.get(key) {
        Some(Value::Array(items)) => items.clone(),
        Some(item @ Value::Object(_)) => vec![item.clone()],
        _ => Vec::new(),
    }
}

/// Target of a status query.
enum StatusQuery {
    Flux(String),
    InvoiceId(i64),
    InvoiceNumber {
        number: String,
        supplier_siret: Option<String>,
    },
}

fn invalid_query(message_fr: impl Into<String>, message_en: impl Into<String>) -> Error {
    Error::new(Code::CHORUS_ERR_INVALID_QUERY, message_fr, message_en)
}

/// Reads the query object. Exactly one of `flux_number`, `portal_invoice_id` and
/// `invoice_number` is allowed; `supplier_siret` only with `invoice_number`.
fn parse_query(query_json: &str) -> Result<StatusQuery, Error> {
    let value: Value = serde_json::from_str(query_json).map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_INVALID_JSON,
            format!("Requête de statut invalide : {error}"),
            format!("Invalid status query: {error}"),
        )
    })?;
    let Some(object) = value.as_object() else {
        return Err(invalid_query(
            "La requête de statut doit être un objet JSON.",
            "The status query must be a JSON object.",
        ));
    };
    const KEYS: [&str; 4] = [
        "flux_number",
        "portal_invoice_id",
        "invoice_number",
        "supplier_siret",
    ];
    if let Some(unknown) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(invalid_query(
            format!(
                "Clé inconnue « {unknown} » ; clés acceptées : {}.",
                KEYS.join(", ")
            ),
            format!(
                "Unknown key \"{unknown}\"; accepted keys: {}.",
                KEYS.join(", ")
            ),
        ));
    }
    let flux_number = text_key(object, "flux_number")?;
    let invoice_number = text_key(object, "invoice_number")?;
    let supplier_siret = text_key(object, "supplier_siret")?;
    let invoice_id = match object.get("portal_invoice_id") {
        None | Some(Value::Null) => None,
        Some(Value::Number(number)) => {
            Some(number.as_i64().filter(|id| *id > 0).ok_or_else(|| {
                invalid_query(
                    "portal_invoice_id doit être un entier positif.",
                    "portal_invoice_id must be a positive integer.",
                )
            })?)
        }
        Some(Value::String(text)) => Some(text.trim().parse::<i64>().map_err(|_| {
            invalid_query(
                format!("portal_invoice_id « {text} » n'est pas un entier."),
                format!("portal_invoice_id \"{text}\" is not an integer."),
            )
        })?),
        Some(_) => {
            return Err(invalid_query(
                "portal_invoice_id doit être un entier.",
                "portal_invoice_id must be an integer.",
            ))
        }
    };
    let query_key_count = [
        flux_number.is_some(),
        invoice_id.is_some(),
        invoice_number.is_some(),
    ]
    .iter()
    .filter(|given| **given)
    .count();
    if query_key_count != 1 {
        return Err(invalid_query(
            "Donnez exactement une clé parmi flux_number, portal_invoice_id et invoice_number.",
            "Give exactly one of flux_number, portal_invoice_id and invoice_number.",
        ));
    }
    if supplier_siret.is_some() && invoice_number.is_none() {
        return Err(invalid_query(
            "supplier_siret ne s'emploie qu'avec invoice_number.",
            "supplier_siret is only used with invoice_number.",
        ));
    }
    Ok(match (flux_number, invoice_id, invoice_number) {
        (Some(flux), _, _) => StatusQuery::Flux(flux),
        (_, Some(id), _) => StatusQuery::InvoiceId(id),
        (_, _, Some(number)) => StatusQuery::InvoiceNumber {
            number,
            supplier_siret,
        },
        _ => unreachable!("exactly one key was counted above"),
    })
}

/// Reads an optional non-empty text key, trimmed.
fn text_key(object: &Map<String, Value>, key: &str) -> Result<Option<String>, Error> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.trim().to_owned())),
        Some(Value::String(_)) => Err(invalid_query(
            format!("{key} est vide."),
            format!("{key} is empty."),
        )),
        Some(_) => Err(invalid_query(
            format!("{key} doit être une chaîne."),
            format!("{key} must be a string."),
        )),
    }
}

/// Turns the portal's refusal of an invoice id it does not know into `CHORUS_ERR_NOT_FOUND`.
///
/// NOTE: the portal's `codeRetour` for an unknown invoice is not documented; its message
/// contains "introuvable" in the replies seen, so that word is what is recognised.
fn unknown_invoice(error: Error, id: i64) -> Error {
    let unknown = error.code == Code::CHORUS_ERR_REJECTED
        && error
            .libelle
            .as_deref()
            .is_some_and(|libelle| libelle.to_lowercase().contains("introuvable"));
    if !unknown {
        return error;
    }
    let mut not_found = Error::new(
        Code::CHORUS_ERR_NOT_FOUND,
        format!("Aucune facture d'identifiant {id} pour ce compte technique."),
        format!("No invoice with id {id} for this technical account."),
    );
    not_found.code_retour = error.code_retour;
    not_found.libelle = error.libelle.clone();
    not_found.endpoint = error.endpoint.clone();
    not_found.http_status = error.http_status;
    not_found
}

/// Runs a status query; see `chorus_get_status` for the result.
pub fn get_status(session: &Session, query_json: &str) -> Result<Value, Error> {
    match parse_query(query_json)? {
        StatusQuery::Flux(flux_number) => flux_status(session, &flux_number),
        StatusQuery::InvoiceId(id) => {
            let invoice =
                invoice_status(session, id, None).map_err(|error| unknown_invoice(error, id))?;
            Ok(invoices_result("portal_invoice_id", vec![invoice]))
        }
        StatusQuery::InvoiceNumber {
            number,
            supplier_siret,
        } => invoices_by_number(session, &number, supplier_siret.as_deref()),
    }
}

/// Builds the result of an invoice query, with the polling summary over every invoice.
fn invoices_result(query: &str, invoices: Vec<Value>) -> Value {
    let next_poll = next_poll_seconds(&invoices);
    json!({
        "query": query,
        "final": next_poll.is_none(),
        "retry_after_seconds": next_poll,
        "invoices": invoices,
    })
}

/// Returns the shortest `retry_after_seconds` of the non-final entries, `None` when all
/// are final.
fn next_poll_seconds(entries: &[Value]) -> Option<u64> {
    entries
        .iter()
        .filter(|entry| entry["final"] != true)
        .map(|entry| entry["retry_after_seconds"].as_u64().unwrap_or(0))
        .min()
}

fn flux_status(session: &Session, flux_number: &str) -> Result<Value, Error> {
    let envelope = session
        .portal
        .post(REPORT_PATH, &json!({"numeroFluxDepot": flux_number}))?;
    if envelope.code_retour == FLUX_NOT_FOUND {
        let retry = status::poll_delay_seconds(status::NOT_YET_VISIBLE);
        return Ok(json!({
            "query": "flux_number",
            "flux_number": flux_number,
            "state": status::NOT_YET_VISIBLE,
            "outcome": "pending",
            "final": false,
            "retry_after_seconds": retry,
            "all_final": false,
            "next_poll_seconds": retry,
            "codeRetour": envelope.code_retour,
            "libelle": envelope.libelle,
            "invoice_errors": [],
            "technical_errors": [],
            "integrated_count": 0,
            "rejected_count": 0,
            "invoices": [],
        }));
    }
    let report = envelope.into_success(REPORT_PATH)?;
    let state = report
        .get("etatCourantDepotFlux")
        .and_then(Value::as_str)
        .unwrap_or("UNKNOWN")
        .to_owned();
    let invoice_errors = status::invoice_errors(&report);

    let mut invoices = match state.as_str() {
        "IN_INTEGRE" | "IN_INTEGRE_PARTIEL" => flux_invoices(session, flux_number)?,
        _ => Vec::new(),
    };
    let integrated_count = invoices.len();
    invoices.extend(invoice_errors.iter().map(rejected_at_deposit));
    let rejected_count = invoices.len() - integrated_count;

    let flux_final = status::is_final_flux_state(&state);
    let flux_retry = status::poll_delay_seconds(&state);
    let invoices_retry = next_poll_seconds(&invoices);
    let next_poll = match (flux_retry, invoices_retry) {
        (Some(flux), Some(invoices)) => Some(flux.min(invoices)),
        (flux, invoices) => flux.or(invoices),
    };
    Ok(json!({
        "query": "flux_number",
        "flux_number": flux_number,
        "state": state,
        "outcome": status::flux_outcome(&state),
        "final": flux_final,
        "retry_after_seconds": flux_retry,
        "all_final": next_poll.is_none(),
        "next_poll_seconds": next_poll,
        "deposit_date": status::text(&report, "dateDepotFlux"),
        "state_date": status::text(&report, "dateHeureEtatCourantFlux"),
        "file_name": status::text(&report, "nomFichier"),
        "interface_code": status::text(&report, "codeInterfaceDepotFlux"),
        "invoice_errors": invoice_errors,
        "technical_errors": status::technical_errors(&report),
        "integrated_count": integrated_count,
        "rejected_count": rejected_count,
        "invoices": invoices,
    }))
}

/// Builds the entry of an invoice that the deposit rejected, so that it has no portal id.
fn rejected_at_deposit(error: &Value) -> Value {
    json!({
        "invoice_number": error["invoice_number"],
        "deposit_outcome": "rejected",
        "portal_invoice_id": null,
        "status": null,
        "state": "rejected_at_deposit",
        "final": true,
        "retry_after_seconds": null,
        "action": null,
        "reason": error["message"],
        "errors": [error],
        "history": [],
    })
}

/// Searches invoices with extra filters, reading every page, oldest deposit first so
/// that pages stay stable while new invoices arrive.
fn search_invoices(session: &Session, filters: Value) -> Result<Vec<Value>, Error> {
    let pages = read_all_pages(
        &session.portal,
        SEARCH_PATH,
        |page| {
            let mut body = filters.clone();
            body["rechercheFactureParFournisseur"] = json!({
                "pageResultatDemandee": page,
                "triSens": "Ascendant",
            });
            body
        },
        |body| body.get("parametresRetour"),
    )?;
    // A page boundary that moved between two reads may repeat an invoice.
    let mut seen = std::collections::HashSet::new();
    Ok(pages
        .iter()
        .flat_map(|body| list_or_single(body, "listeFactures"))
        .filter(|entry| seen.insert(entry["identifiantFactureCPP"].to_string()))
        .collect())
}

/// Lists every invoice a flux created, with each one's status and history.
fn flux_invoices(session: &Session, flux_number: &str) -> Result<Vec<Value>, Error> {
    search_invoices(session, json!({"numeroFluxDepot": flux_number}))?
        .iter()
        .map(|summary| match summary["identifiantFactureCPP"].as_i64() {
            Some(id) => invoice_status(session, id, Some(summary)),
            None => Ok(summary_only(summary)),
        })
        .collect()
}

fn invoices_by_number(
    session: &Session,
    number: &str,
    supplier_siret: Option<&str>,
) -> Result<Value, Error> {
    let mut filters = json!({"numeroFacture": number});
    if let Some(siret) = supplier_siret {
        filters["idFournisseur"] = Value::from(supplier_structure_id(session, siret)?);
    }
    let found = search_invoices(session, filters)?;
    // The search may match on a part of the number; keep exact matches only.
    let exact: Vec<&Value> = found
        .iter()
        .filter(|entry| entry["numeroFacture"].as_str() == Some(number))
        .collect();
    if exact.is_empty() {
        return Err(Error::new(
            Code::CHORUS_ERR_NOT_FOUND,
            format!("Aucune facture numéro « {number} » n'est intégrée sur Chorus Pro."),
            format!("No invoice numbered \"{number}\" is integrated on Chorus Pro."),
        )
        .endpoint(SEARCH_PATH)
        .hint(
            "Un dépôt récent peut ne pas être encore intégré : interrogez son flux.",
            "A recent deposit may not be integrated yet: query its flux.",
        ));
    }
    let invoices = exact
        .into_iter()
        .map(|summary| match summary["identifiantFactureCPP"].as_i64() {
            Some(id) => invoice_status(session, id, Some(summary)),
            None => Ok(summary_only(summary)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(invoices_result("invoice_number", invoices))
}

/// Finds the `idStructureCPP` of one of the technical account's supplier structures.
pub fn supplier_structure_id(session: &Session, siret: &str) -> Result<i64, Error> {
    let structures = supplier_structures(&session.portal)?;
    structures
        .iter()
        .find(|structure| structure["identifiant"].as_str() == Some(siret))
        .and_then(|structure| structure["idStructureCPP"].as_i64())
        .ok_or_else(|| {
            Error::new(
                Code::CHORUS_ERR_NOT_FOUND,
                format!(
                    "Le SIRET fournisseur {siret} n'est pas une structure du compte technique."
                ),
                format!("Supplier SIRET {siret} is not a structure of the technical account."),
            )
            .endpoint(SUPPLIER_STRUCTURES_PATH)
        })
}

/// Lists the structures the technical account may issue invoices for.
pub fn supplier_structures(portal: &Portal) -> Result<Vec<Value>, Error> {
    let envelope = portal.post(SUPPLIER_STRUCTURES_PATH, &json!({}))?;
    if envelope.code_retour == SEARCH_EMPTY {
        return Ok(Vec::new());
    }
    let body = envelope.into_success(SUPPLIER_STRUCTURES_PATH)?;
    Ok(list_or_single(&body, "listeStructures"))
}

/// Builds an invoice entry from a search result alone, when it carries no portal id.
fn summary_only(summary: &Value) -> Value {
    let code = summary["statut"].as_str().unwrap_or_default().to_owned();
    status_entry(&code, None, summary, Vec::new(), None)
}

/// Reads one invoice's status history, reading every page. Returns the first page's
/// reply (with `statutCourantCode` and `numeroFacture`) and the history, oldest first.
fn history(session: &Session, id: i64) -> Result<(Value, Vec<Value>), Error> {
    let pages = read_all_pages(
        &session.portal,
        HISTORY_PATH,
        |page| json!({"idFacture": id, "paramRechercheHistoStatuts": {"pageResultatDemandee": page}}),
        |body| body.pointer("/historiquesDesStatuts/paging"),
    )?;
    let mut history: Vec<Value> = pages
        .iter()
        .flat_map(|body| {
            list_or_single(
                body.get("historiquesDesStatuts").unwrap_or(&Value::Null),
                "histoStatut",
            )
        })
        .map(|entry| {
            let code = entry["histoStatutCode"].as_str().unwrap_or_default();
            json!({
                "status": status::text(&entry, "histoStatutCode"),
                "state": lifecycle::state_of(code),
                "date": status::text(&entry, "histoStatutDatePassage"),
                "comment": status::text(&entry, "histoStatutCommentaire"),
                "entry_id": entry.get("histoStatutId").cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    // The order of entries is not documented: sort by date, then entry id, both of which
    // grow with time, so that the history reads oldest first.
    history.sort_by(|a, b| {
        let key = |entry: &Value| {
            (
                entry["date"].as_str().unwrap_or_default().to_owned(),
                entry["entry_id"].as_i64().unwrap_or(0),
            )
        };
        key(a).cmp(&key(b))
    });
    let first = pages.into_iter().next().unwrap_or(Value::Null);
    Ok((first, history))
}

/// Reads an invoice's status and history. `summary` is its search result, when known;
/// without it, or for a mandated invoice, the invoice itself is read too.
fn invoice_status(session: &Session, id: i64, summary: Option<&Value>) -> Result<Value, Error> {
    let (current, history) = history(session, id)?;
    let code = current["statutCourantCode"]
        .as_str()
        .or_else(|| summary.and_then(|summary| summary["statut"].as_str()))
        .unwrap_or_default()
        .to_owned();

    let details = if summary.is_none() || code == lifecycle::MANDATED {
        let reply = session
            .portal
            .post(INVOICE_PATH, &json!({"identifiantFactureCPP": id}))?
            .into_success(INVOICE_PATH)?;
        Some(reply.get("facture").cloned().unwrap_or(Value::Null))
    } else {
        None
    };
    let base = match (summary, &details) {
        (Some(summary), _) => summary.clone(),
        (None, Some(facture)) => summary_from_invoice(facture, &current),
        (None, None) => Value::Null,
    };
    Ok(status_entry(
        &code,
        Some(id),
        &base,
        history,
        details.as_ref(),
    ))
}

/// Builds search-result fields from a `consulter/fournisseur` invoice.
fn summary_from_invoice(facture: &Value, current: &Value) -> Value {
    let destinataire = &facture["destinataire"];
    let references = &facture["references"];
    let totals = &facture["montantTotal"];
    json!({
        "numeroFacture": if facture["numeroFacture"].is_null() {
            current["numeroFacture"].clone()
        } else {
            facture["numeroFacture"].clone()
        },
        "typeFacture": references["typeFacture"],
        "codeDestinataire": destinataire["codeDestinataire"],
        "codeServiceExecutant": destinataire["codeServiceExecutant"],
        "montantHT": totals["montantHtTotal"],
        "montantTTC": totals["montantTtcTotal"],
        "montantAPayer": totals["montantAPayer"],
        "dateDepot": references["dateDepot"],
        "numeroBonCommande": references["numeroBonCommande"],
    })
}

/// Builds the invoice entry of a status result.
fn status_entry(
    code: &str,
    id: Option<i64>,
    summary: &Value,
    history: Vec<Value>,
    details: Option<&Value>,
) -> Value {
    let info = lifecycle::describe(code);
    let mut is_final = lifecycle::is_final(code);
    let mut final_reason = is_final.then_some("final_status");
    // A buyer that does not report payments leaves its invoices mandated for good.
    let payment_reported =
        details.and_then(|facture| facture["destinataire"]["miseEnPaiementDestinataire"].as_bool());
    if code == lifecycle::MANDATED && payment_reported == Some(false) {
        is_final = true;
        final_reason = Some("payment_not_reported");
    }
    let retry = if is_final {
        None
    } else {
        lifecycle::poll_seconds(code)
    };
    // The reason of a suspension, rejection or return is the comment of the entry that
    // set the current status.
    let reason = if info.is_some_and(|info| info.carries_reason) {
        history
            .iter()
            .rev()
            .find(|entry| entry["status"].as_str() == Some(code))
            .map(|entry| entry["comment"].clone())
            .filter(|comment| !comment.is_null())
            .unwrap_or_else(|| summary["commentaireEtatCourant"].clone())
    } else {
        Value::Null
    };
    json!({
        "portal_invoice_id": id,
        "invoice_number": status::text(summary, "numeroFacture"),
        "deposit_outcome": "integrated",
        "flux_number": status::text(summary, "numeroFluxDepot"),
        "status": code,
        "state": lifecycle::state_of(code),
        "final": is_final,
        "final_reason": final_reason,
        "retry_after_seconds": retry,
        "action": info.and_then(|info| info.action).map(|action| action.name()),
        "reason": reason,
        "status_date": status::text(summary, "dateHeureEtatCourant"),
        "status_comment": status::text(summary, "commentaireEtatCourant"),
        "payment_status_reported": payment_reported,
        "invoice_type": status::text(summary, "typeFacture"),
        "buyer": status::text(summary, "codeDestinataire"),
        "service_code": status::text(summary, "codeServiceExecutant"),
        "engagement_number": status::text(summary, "numeroBonCommande"),
        "deposit_date": status::text(summary, "dateDepot"),
        "amount_without_vat": summary.get("montantHT").cloned().unwrap_or(Value::Null),
        "amount_with_vat": summary.get("montantTTC").cloned().unwrap_or(Value::Null),
        "amount_due": summary.get("montantAPayer").cloned().unwrap_or(Value::Null),
        "history": history,
    })
}
