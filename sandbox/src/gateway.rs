//! The PISTE API gateway in front of Chorus Pro: the checks every `/cpro/...` call
//! goes through, in order, before it reaches an operation.
//!
//! 1. `Authorization: Bearer` token: missing, unknown or expired → 401 `invalid_token`.
//! 2. Route: unknown API family or version → 404; unknown operation of a known family
//!    → 403; both with `realm="DefaultRealm"`. Application not subscribed → 403.
//! 3. Method: POST, or GET for the health check → else 405.
//! 4. `cpro-account` technical account → 401 `invalid_client` (not for the health check).
//! 5. `Content-Type` JSON → else 415; body a JSON object → else 400.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::app::{lock, App};
use crate::clock::Timestamp;
use crate::dataset::{TechnicalAccount, API_FAMILIES};
use crate::http::{IncomingRequest, Reply};
use crate::messages::{self, Retour};
use crate::oauth::{scheme_is, TokenError};
use crate::params::Body;
use crate::store::Store;
use crate::{factures, structures, transverses, utilisateurs};

const API_VERSION: &str = "v1";

/// Result of an operation handler: the reply fields on success, or a business error.
pub type HandlerResult = Result<Map<String, Value>, Retour>;

/// Everything an operation handler may use.
pub struct Call<'a> {
    pub app: &'a App,
    pub account: &'a TechnicalAccount,
    pub body: &'a Body,
    pub now: Timestamp,
    pub store: &'a mut Store,
}

struct Operation {
    family: &'static str,
    path: &'static str,
    /// `libelle` sent with `codeRetour` 0.
    success_libelle: &'static str,
    handler: fn(&mut Call<'_>) -> HandlerResult,
}

const DEPOSIT_PATH: &str = "deposer/flux";
const HEALTH_CHECK: (&str, &str) = ("transverses", "health-check");

/// Operations served with POST, by API family and path after `/cpro/<family>/v1/`.
const OPERATIONS: [Operation; 18] = [
    Operation {
        family: "factures",
        path: DEPOSIT_PATH,
        success_libelle: messages::SUCCESS_GCU,
        handler: factures::deposer_flux,
    },
    Operation {
        family: "factures",
        path: "rechercher/fournisseur",
        success_libelle: messages::SUCCESS_TRA,
        handler: factures::rechercher_fournisseur,
    },
    Operation {
        family: "factures",
        path: "consulter/historique",
        success_libelle: messages::SUCCESS_TRA,
        handler: factures::consulter_historique,
    },
    Operation {
        family: "factures",
        path: "consulter/fournisseur",
        success_libelle: messages::SUCCESS_TRA,
        handler: factures::consulter_fournisseur,
    },
    Operation {
        family: "factures",
        path: "completer",
        success_libelle: messages::SUCCESS_TRA,
        handler: factures::completer,
    },
    Operation {
        family: "factures",
        path: "recycler",
        success_libelle: messages::SUCCESS_TRA,
        handler: factures::recycler,
    },
    Operation {
        family: "transverses",
        path: "consulterCRDetaille",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::consulter_cr_detaille,
    },
    Operation {
        family: "transverses",
        path: "consulterCR",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::consulter_cr,
    },
    Operation {
        family: "transverses",
        path: "recuperer/tauxtva",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::recuperer_taux_tva,
    },
    Operation {
        family: "transverses",
        path: "recuperer/devises",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::recuperer_devises,
    },
    Operation {
        family: "transverses",
        path: "recuperer/pays",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::recuperer_pays,
    },
    Operation {
        family: "transverses",
        path: "recuperer/coordbanc/valides",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::recuperer_coordonnees_bancaires,
    },
    Operation {
        family: "transverses",
        path: "recuperer/structures/actives/fournisseur",
        success_libelle: messages::SUCCESS_TRA,
        handler: transverses::recuperer_structures_actives_fournisseur,
    },
    Operation {
        family: "structures",
        path: "rechercher",
        success_libelle: messages::SUCCESS_TRA,
        handler: structures::rechercher,
    },
    Operation {
        family: "structures",
        path: "consulter",
        success_libelle: messages::SUCCESS_GCU,
        handler: structures::consulter,
    },
    Operation {
        family: "structures",
        path: "rechercher/services",
        success_libelle: messages::SUCCESS_TRA,
        handler: structures::rechercher_services,
    },
    Operation {
        family: "structures",
        path: "consulter/service",
        success_libelle: messages::SUCCESS_TRA,
        handler: structures::consulter_service,
    },
    Operation {
        family: "utilisateurs",
        path: "monCompte/recuperer/rattachements",
        success_libelle: messages::SUCCESS_TRA,
        handler: utilisateurs::recuperer_rattachements,
    },
];

/// Lists the served routes, for the test that checks the README documents them all.
#[cfg(test)]
fn served_routes() -> Vec<String> {
    let mut routes: Vec<String> = OPERATIONS
        .iter()
        .map(|operation| format!("POST /cpro/{}/v1/{}", operation.family, operation.path))
        .collect();
    routes.push(format!(
        "GET /cpro/{}/v1/{}",
        HEALTH_CHECK.0, HEALTH_CHECK.1
    ));
    routes
}

/// Turns a `json!` object into the field map of a handler result.
pub fn fields(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Handles a `/cpro/...` request. Returns the reply and whether it accepted a deposit.
pub fn handle(app: &App, request: &IncomingRequest) -> (Reply, bool) {
    match run_checks_and_dispatch(app, request) {
        Ok(outcome) => outcome,
        Err(reply) => (reply, false),
    }
}

fn run_checks_and_dispatch(app: &App, request: &IncomingRequest) -> Result<(Reply, bool), Reply> {
    let now = app.clock.now();

    // 1. Bearer token.
    let token = bearer_token(request).ok_or_else(|| invalid_token(messages::BEARER_MISSING))?;
    let client_id = match lock(&app.tokens).check(token, now) {
        Ok(issued) => issued.client_id.clone(),
        Err(TokenError::Unknown) => return Err(invalid_token(messages::BEARER_UNKNOWN)),
        Err(TokenError::Expired) => return Err(invalid_token(messages::BEARER_EXPIRED)),
    };

    // 2. Route and subscription.
    let (family, version, operation_path) =
        split_api_path(&request.path).ok_or_else(unknown_api)?;
    if !API_FAMILIES.contains(&family) || version != API_VERSION {
        return Err(unknown_api());
    }
    let is_health_check = (family, operation_path) == HEALTH_CHECK;
    let operation = OPERATIONS
        .iter()
        .find(|operation| operation.family == family && operation.path == operation_path);
    if operation.is_none() && !is_health_check {
        return Err(default_realm(403));
    }
    let subscribed = app
        .data
        .application(&client_id)
        .is_some_and(|application| application.subscribed_apis.iter().any(|api| api == family));
    if !subscribed {
        return Err(Reply::empty(403));
    }

    // 3. Method.
    let expected_method = if is_health_check { "GET" } else { "POST" };
    if request.method != expected_method {
        return Err(Reply::empty(405).with_header("Allow", expected_method));
    }
    let Some(operation) = operation else {
        return Ok((health_check_reply(), false));
    };

    // 4. Technical account.
    let account = technical_account(app, request)?;

    // 5. JSON body.
    let body = json_body(request)?;

    let mut store = lock(&app.store);
    store.advance(&app.data, now);
    let mut call = Call {
        app,
        account,
        body: &body,
        now,
        store: &mut store,
    };
    let envelope = match (operation.handler)(&mut call) {
        Ok(fields) => {
            let mut envelope = Map::new();
            envelope.insert("codeRetour".to_string(), json!(0));
            envelope.insert("libelle".to_string(), json!(operation.success_libelle));
            envelope.extend(fields);
            envelope
        }
        Err(retour) => {
            let mut envelope = Map::new();
            envelope.insert("codeRetour".to_string(), json!(retour.code));
            envelope.insert("libelle".to_string(), json!(retour.libelle));
            envelope
        }
    };
    let accepted_deposit = operation.path == DEPOSIT_PATH && envelope["codeRetour"] == json!(0);
    Ok((Reply::json(200, &Value::Object(envelope)), accepted_deposit))
}

/// Replies 401 as if the presented token had expired, and makes it expire for real so
/// that the client has to fetch a new one (the `token_expired` fault).
pub fn reject_as_expired(app: &App, request: &IncomingRequest) -> Reply {
    if let Some(token) = bearer_token(request) {
        lock(&app.tokens).expire(token, app.clock.now());
    }
    invalid_token(messages::BEARER_EXPIRED)
}

fn bearer_token(request: &IncomingRequest) -> Option<&str> {
    let header = request.header("authorization")?;
    if !scheme_is(header, "bearer") {
        return None;
    }
    let token = header.split_once(' ')?.1.trim();
    (!token.is_empty()).then_some(token)
}

/// Splits `/cpro/<family>/<version>/<operation...>`.
fn split_api_path(path: &str) -> Option<(&str, &str, &str)> {
    let rest = path.strip_prefix("/cpro/")?;
    let (family, rest) = rest.split_once('/')?;
    let (version, operation) = rest.split_once('/').unwrap_or((rest, ""));
    Some((family, version, operation))
}

fn technical_account<'a>(
    app: &'a App,
    request: &IncomingRequest,
) -> Result<&'a TechnicalAccount, Reply> {
    let rejected = || invalid_client(messages::CPRO_ACCOUNT_REJECTED);
    let header = request.header("cpro-account").ok_or_else(rejected)?;
    let decoded = STANDARD.decode(header.trim()).map_err(|_| rejected())?;
    let text = String::from_utf8(decoded).map_err(|_| rejected())?;
    let (login, password) = text.split_once(':').ok_or_else(rejected)?;
    let account = app
        .data
        .technical_account(login)
        .filter(|account| account.password == password)
        .ok_or_else(rejected)?;
    // The password is accepted through its expiry day, in Paris time.
    if account.password_expires_on < app.clock.now().date_paris() {
        return Err(invalid_client(messages::CPRO_ACCOUNT_PASSWORD_EXPIRED));
    }
    Ok(account)
}

fn json_body(request: &IncomingRequest) -> Result<Body, Reply> {
    let content_type = request.header("content-type").unwrap_or("");
    if !is_json_content_type(content_type) {
        return Err(Reply::empty(415));
    }
    let invalid = |detail: &str| {
        Reply::json(
            400,
            &json!({
                "codeRetour": messages::INVALID_JSON_CODE,
                "libelle": messages::invalid_json_body(detail),
            }),
        )
    };
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(_) => Err(invalid("un objet JSON est attendu, par exemple {}")),
        Err(error) => Err(invalid(&error.to_string())),
    }
}

/// Accepts `application/json` without a charset or with charset UTF-8.
fn is_json_content_type(content_type: &str) -> bool {
    let mut parts = content_type.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|media_type| media_type.eq_ignore_ascii_case("application/json"))
    {
        return false;
    }
    parts.all(|parameter| match parameter.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

fn health_check_reply() -> Reply {
    // NOTE: the real body is not documented; this mimics a serialised Spring ResponseEntity.
    Reply::json(
        200,
        &json!({
            "headers": {},
            "body": "OK",
            "statusCode": "OK",
            "statusCodeValue": 200,
        }),
    )
}

fn invalid_token(description: &str) -> Reply {
    Reply::empty(401).with_header(
        "WWW-Authenticate",
        &format!(
            "Bearer realm=\"PISTE\", error=\"invalid_token\", error_description=\"{description}\""
        ),
    )
}

fn invalid_client(description: &str) -> Reply {
    Reply::empty(401).with_header(
        "WWW-Authenticate",
        &format!(
            "Bearer realm=\"PISTE\", error=\"invalid_client\", error_description=\"{description}\""
        ),
    )
}

fn default_realm(status: u16) -> Reply {
    Reply::empty(status).with_header("WWW-Authenticate", "Bearer realm=\"DefaultRealm\"")
}

fn unknown_api() -> Reply {
    default_realm(404)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_api_paths() {
        assert_eq!(
            split_api_path("/cpro/factures/v1/deposer/flux"),
            Some(("factures", "v1", "deposer/flux"))
        );
        assert_eq!(
            split_api_path("/cpro/factures/v1"),
            Some(("factures", "v1", ""))
        );
        assert_eq!(split_api_path("/cpro/factures"), None);
        assert_eq!(split_api_path("/api/oauth/token"), None);
    }

    #[test]
    fn readme_documents_every_route() {
        let readme = include_str!("../README.md");
        for route in served_routes() {
            let path = route.split_once(' ').map_or("", |(_, path)| path);
            assert!(readme.contains(path), "README.md does not mention {route}");
        }
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("application/json;charset=utf-8"));
        assert!(is_json_content_type("Application/JSON; charset=\"UTF-8\""));
        assert!(!is_json_content_type("application/json;charset=iso-8859-1"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type(""));
    }
}
