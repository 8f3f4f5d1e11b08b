//! The supplier's responses to an invoice the buyer sent back: `completer` for a suspended
//! invoice, `recycler` for one to route again.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::client::Session;
use crate::directory;
use crate::error::{chorus_result as Code, Error};
use crate::lifecycle;
use crate::status;
use crate::tracking::{COMPLETE_PATH, RECYCLE_PATH};

/// Maximum length, in characters, of an engagement number on the portal.
const MAX_ENGAGEMENT_CHARS: usize = 50;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteRequest {
    portal_invoice_id: i64,
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecycleRequest {
    portal_invoice_id: i64,
    buyer_siret: Option<String>,
    service_code: Option<String>,
    engagement_number: Option<String>,
    comment: Option<String>,
}

fn parse<T: for<'de> Deserialize<'de>>(
    text: &str,
    what_fr: &str,
    what_en: &str,
) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|error| {
        let code = if error.is_syntax() || error.is_eof() && !text.trim_start().starts_with('{') {
            Code::CHORUS_ERR_INVALID_JSON
        } else {
            Code::CHORUS_ERR_INVALID_QUERY
        };
        Error::new(
            code,
            format!("{what_fr} invalide : {error}"),
            format!("Invalid {what_en}: {error}"),
        )
    })
}

fn check_invoice_id(id: i64) -> Result<(), Error> {
    if id > 0 {
        Ok(())
    } else {
        Err(Error::new(
            Code::CHORUS_ERR_INVALID_QUERY,
            "portal_invoice_id doit être un entier positif.",
            "portal_invoice_id must be a positive integer.",
        ))
    }
}

fn with_user(session: &Session, mut body: Value) -> Value {
    if let Some(user_id) = session.config.user_id {
        body["idUtilisateurCourant"] = Value::from(user_id);
    }
    body
}

/// Runs `chorus_complete_invoice`: `{"portal_invoice_id": n, "comment": "..."}`.
pub fn complete_invoice(session: &Session, request_json: &str) -> Result<Value, Error> {
    let request: CompleteRequest =
        parse(request_json, "Demande de complément", "completion request")?;
    check_invoice_id(request.portal_invoice_id)?;
    let mut body = json!({"identifiantFactureCPP": request.portal_invoice_id});
    if let Some(comment) = request.comment.filter(|comment| !comment.trim().is_empty()) {
        body["commentaire"] = Value::from(comment);
    }
    // NOTE: attachments (`pieceJointeComplementaire`) need an upload through
    // `ajouter/fichier` first, which this library does not offer yet.
    let reply = session
        .portal
        .post(COMPLETE_PATH, &with_user(session, body))?
        .into_success(COMPLETE_PATH)?;
    Ok(json!({
        "portal_invoice_id": reply.get("identifiantFactureCPP").cloned().unwrap_or(Value::from(request.portal_invoice_id)),
        "invoice_number": status::text(&reply, "numeroFacture"),
        "processed_at": status::text(&reply, "dateTraitement"),
    }))
}

/// Runs `chorus_recycle_invoice`: `{"portal_invoice_id": n, "buyer_siret"?, "service_code"?,
/// "engagement_number"?, "comment"?}`. The new routing is checked against the buyer
/// directory first, and sent only when it passes.
pub fn recycle_invoice(session: &Session, request_json: &str) -> Result<Value, Error> {
    let request: RecycleRequest = parse(request_json, "Demande de recyclage", "recycling request")?;
    check_invoice_id(request.portal_invoice_id)?;
    let trimmed = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let buyer_siret = trimmed(&request.buyer_siret);
    let service_code = trimmed(&request.service_code);
    let engagement = trimmed(&request.engagement_number);
    if engagement
        .as_ref()
        .is_some_and(|number| number.chars().count() > MAX_ENGAGEMENT_CHARS)
    {
        return Err(Error::with_problems(
            Code::CHORUS_ERR_INVALID_QUERY,
            vec![crate::invoice::Problem {
                path: "engagement_number".into(),
                message_fr: format!("au plus {MAX_ENGAGEMENT_CHARS} caractères"),
                message_en: format!("at most {MAX_ENGAGEMENT_CHARS} characters"),
            }],
        ));
    }

    // The directory check needs the buyer; without a new one it is the current buyer.
    let current_buyer = match &buyer_siret {
        Some(siret) => Some(siret.clone()),
        None => current_buyer(session, request.portal_invoice_id)?,
    };
    if let Some(buyer) = &current_buyer {
        let problems = match directory::buyer_profile(session, "SIRET", buyer, false) {
            Ok((profile, _, _)) => directory::routing_problems(
                &profile,
                true,
                service_code.as_deref(),
                engagement.as_deref(),
            )
            .into_iter()
            .map(|mut problem| {
                problem.path = match problem.path.as_str() {
                    "buyer_reference" => "service_code".into(),
                    "purchase_order_reference" => "engagement_number".into(),
                    _ => problem.path,
                };
                problem
            })
            .collect(),
            Err(error) if error.code == Code::CHORUS_ERR_NOT_FOUND => {
                vec![crate::invoice::Problem {
                    path: "buyer_siret".into(),
                    message_fr: format!(
                        "le SIRET acheteur {buyer} n'est pas dans l'annuaire Chorus Pro"
                    ),
                    message_en: format!("buyer SIRET {buyer} is not in the Chorus Pro directory"),
                }]
            }
            Err(error)
                if matches!(
                    error.code,
                    Code::CHORUS_ERR_API_ACCESS_DENIED | Code::CHORUS_ERR_ENDPOINT_NOT_FOUND
                ) =>
            {
                Vec::new()
            }
            Err(error) => return Err(error),
        };
        if !problems.is_empty() {
            return Err(Error::with_problems(
                Code::CHORUS_ERR_INVALID_QUERY,
                problems,
            ));
        }
    }

    let mut destinataire = json!({});
    if let Some(siret) = &buyer_siret {
        destinataire["codeDestinataire"] = Value::from(siret.as_str());
    }
    if let Some(code) = &service_code {
        destinataire["codeServiceExecutant"] = Value::from(code.as_str());
    }
    let mut body = json!({
        "identifiantFactureCPP": request.portal_invoice_id,
        "destinataire": destinataire,
    });
    if let Some(number) = &engagement {
        body["reference"] = json!({"numeroBonCommande": number});
    }
    if let Some(comment) = request.comment.filter(|comment| !comment.trim().is_empty()) {
        body["commentaire"] = Value::from(comment);
    }
    let reply = session
        .portal
        .post(RECYCLE_PATH, &with_user(session, body))?
        .into_success(RECYCLE_PATH)?;
    let code = reply["statutFacture"].as_str().unwrap_or_default();
    Ok(json!({
        "portal_invoice_id": reply.get("identifiantFactureCPP").cloned().unwrap_or(Value::from(request.portal_invoice_id)),
        "invoice_number": status::text(&reply, "numeroFacture"),
        "status": status::text(&reply, "statutFacture"),
        "state": lifecycle::state_of(code),
        "deposit_date": status::text(&reply, "dateDepot"),
    }))
}

/// Reads the SIRET of the buyer an invoice is currently addressed to.
fn current_buyer(session: &Session, id: i64) -> Result<Option<String>, Error> {
    let path = crate::tracking::INVOICE_PATH;
    let reply = session
        .portal
        .post(path, &json!({"identifiantFactureCPP": id}))?
        .into_success(path)?;
    Ok(reply["facture"]["destinataire"]["codeDestinataire"]
        .as_str()
        .map(str::to_owned))
}
