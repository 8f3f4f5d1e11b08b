//! Admin endpoints under `/_sandbox`, for tests: stats, request log, stored flows,
//! manual invoice status changes, fault rules and shutdown.
//!
//! They need no authentication, so they only accept requests from loopback clients.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use crate::app::{lock, App};
use crate::faults::FaultRule;
use crate::http::{IncomingRequest, Reply};
use crate::stats::MAX_RECORDS;
use crate::store::{FluxView, INVOICE_STATUSES};

/// Records returned by `/_sandbox/requests` when `limit` is absent.
const DEFAULT_REQUEST_LIMIT: usize = 100;

pub fn handle(app: &App, request: &IncomingRequest, local_address: SocketAddr) -> Reply {
    let from_loopback = request
        .remote_address
        .is_some_and(|address| address.ip().is_loopback());
    if !from_loopback {
        return error(
            403,
            "the /_sandbox admin endpoints only accept loopback clients",
        );
    }

    let tail = request
        .path
        .trim_start_matches("/_sandbox")
        .trim_matches('/');
    let segments: Vec<&str> = tail.split('/').collect();
    let method = request.method.as_str();
    match (method, segments.as_slice()) {
        ("GET", ["stats"]) => Reply::json(200, &lock(&app.stats).counters_json()),
        ("POST", ["reset-stats"]) => {
            lock(&app.stats).reset();
            Reply::json(200, &json!({"reset": true}))
        }
        ("GET", ["requests"]) => recent_requests(app, request),
        ("GET", ["flux", numero]) => flux_details(app, numero),
        ("POST", ["invoices", id, "status"]) => set_invoice_status(app, request, id),
        ("GET", ["faults"]) => Reply::json(200, &lock(&app.faults).to_json()),
        ("POST", ["faults"]) => add_fault_rule(app, request),
        ("DELETE", ["faults"]) => {
            lock(&app.faults).clear();
            Reply::json(200, &json!([]))
        }
        ("POST", ["shutdown"]) => {
            log::info!("shutdown requested through POST /_sandbox/shutdown on {local_address}");
            app.stop.store(true, Ordering::SeqCst);
            Reply::json(200, &json!({"stopping": true}))
        }
        (
            _,
            ["stats"]
            | ["reset-stats"]
            | ["requests"]
            | ["flux", _]
            | ["invoices", _, "status"]
            | ["faults"]
            | ["shutdown"],
        ) => error(
            405,
            &format!("method {method} is not allowed on {}", request.path),
        ),
        _ => error(404, &format!("no admin endpoint {}", request.path)),
    }
}

fn error(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({ "error": message }))
}

fn parse_json_body(request: &IncomingRequest) -> Result<Value, Reply> {
    serde_json::from_slice(&request.body)
        .map_err(|parse_error| error(400, &format!("the body is not valid JSON: {parse_error}")))
}

fn recent_requests(app: &App, request: &IncomingRequest) -> Reply {
    let limit = match request.query_parameter("limit") {
        None => DEFAULT_REQUEST_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if limit <= MAX_RECORDS => limit,
            _ => {
                return error(
                    400,
                    &format!("invalid limit {text:?}: expected an integer from 0 to {MAX_RECORDS}"),
                )
            }
        },
    };
    Reply::json(200, &lock(&app.stats).recent_json(limit))
}

fn flux_details(app: &App, numero: &str) -> Reply {
    let now = app.clock.now();
    let mut store = lock(&app.store);
    store.advance(&app.data, now);
    let Some(flux) = store.flux(numero) else {
        return error(404, &format!("no flux {numero}"));
    };
    let (state, invoice_ids) = match store.flux_view(flux, now) {
        FluxView::NotYetVisible => (None, Vec::new()),
        FluxView::Visible { state, result, .. } => (
            Some(state),
            result
                .map(|result| result.invoice_ids.clone())
                .unwrap_or_default(),
        ),
    };
    Reply::json(
        200,
        &json!({
            "numero_flux_depot": flux.numero,
            "syntaxe_flux": flux.syntax.code,
            "nom_fichier": flux.client_file_name,
            "server_file_name": flux.server_file_name(),
            "avec_signature": flux.avec_signature,
            "id_utilisateur_courant": flux.id_utilisateur_courant,
            "depositor_login": flux.depositor,
            "deposited_at": flux.deposited_at.rfc3339_paris(),
            "state": state,
            "size": flux.file_size,
            "sha256": flux.file_sha256,
            "invoice_ids": invoice_ids,
        }),
    )
}

fn set_invoice_status(app: &App, request: &IncomingRequest, id: &str) -> Reply {
    let Ok(id) = id.parse::<i64>() else {
        return error(
            400,
            &format!("invalid invoice id {id:?}: expected an integer"),
        );
    };
    let body = match parse_json_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(status) = body.get("status").and_then(Value::as_str) else {
        return error(400, "missing string field \"status\"");
    };
    if !INVOICE_STATUSES.contains(&status) {
        return error(
            400,
            &format!(
                "unknown invoice status {status:?}; expected a Chorus Pro status such as MANDATEE"
            ),
        );
    }
    let comment = match body.get("comment") {
        None | Some(Value::Null) => None,
        Some(Value::String(comment)) => Some(comment.clone()),
        Some(_) => return error(400, "\"comment\" must be a string"),
    };

    let now = app.clock.now();
    let mut store = lock(&app.store);
    store.advance(&app.data, now);
    if !store.set_invoice_status(id, status, comment, now) {
        return error(404, &format!("no invoice {id}"));
    }
    log::info!("invoice {id} moved to {status} through the admin endpoint");
    let history: Vec<Value> = store
        .invoice(id)
        .map(|invoice| {
            invoice
                .visible_history(now)
                .map(|entry| json!({"status": entry.code, "at": entry.at.rfc3339_paris(), "comment": entry.comment}))
                .collect()
        })
        .unwrap_or_default();
    Reply::json(
        200,
        &json!({"identifiantFactureCPP": id, "status": status, "history": history}),
    )
}

fn add_fault_rule(app: &App, request: &IncomingRequest) -> Reply {
    let body = match parse_json_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    match FaultRule::from_json(&body) {
        Ok(rule) => {
            log::info!("fault rule added: {}", rule.to_json());
            let mut rules = lock(&app.faults);
            rules.add(rule);
            Reply::json(200, &rules.to_json())
        }
        Err(message) => error(400, &message),
    }
}
