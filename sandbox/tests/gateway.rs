//! Token endpoint and the API gateway checks, over real HTTP.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{cpro_account, Sandbox, CLIENT_ID, CLIENT_SECRET, TECH_LOGIN, TECH_PASSWORD};
use serde_json::json;

const TAUX_TVA: &str = "/cpro/transverses/v1/recuperer/tauxtva";

fn form_token_request(sandbox: &Sandbox, form: &str) -> common::Response {
    sandbox.request(
        "POST",
        "/api/oauth/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
}

#[test]
fn token_issued_for_valid_client() {
    let sandbox = Sandbox::start(&[]);
    let response = sandbox.token_response(CLIENT_ID, CLIENT_SECRET);
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("Content-Type"),
        Some("application/json;charset=utf-8")
    );
    let body = response.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid");
    let token = body["access_token"].as_str().unwrap_or("");
    assert!(token.len() >= 32, "token too short: {token:?}");

    let second = sandbox.token();
    assert_ne!(second, token, "two token requests returned the same token");
}

#[test]
fn token_lifetime_option_sets_expires_in() {
    let sandbox = Sandbox::start(&["--token-lifetime", "120"]);
    let body = sandbox.token_response(CLIENT_ID, CLIENT_SECRET).json();
    assert_eq!(body["expires_in"], 120);
}

#[test]
fn token_errors() {
    let sandbox = Sandbox::start(&[]);
    let cases = [
        (
            "grant_type=client_credentials&client_id=sandbox-client-id&client_secret=wrong",
            "invalid_client",
        ),
        (
            "grant_type=client_credentials&client_id=nobody&client_secret=sandbox-client-secret",
            "invalid_client",
        ),
        (
            "grant_type=client_credentials&client_id=production-client-id&client_secret=production-client-secret",
            "invalid_client",
        ),
        (
            "grant_type=password&client_id=sandbox-client-id&client_secret=sandbox-client-secret",
            "unsupported_grant_type",
        ),
        ("client_id=sandbox-client-id&client_secret=sandbox-client-secret", "invalid_request"),
        ("grant_type=client_credentials&client_id=sandbox-client-id", "invalid_request"),
        ("grant_type=client_credentials&client_secret=x", "invalid_request"),
        ("grant_type=client_credentials&client_id=%zz&client_secret=x", "invalid_request"),
    ];
    for (form, expected_error) in cases {
        let response = form_token_request(&sandbox, form);
        assert_eq!(response.status, 400, "{form}");
        assert_eq!(response.json()["error"], expected_error, "{form}");
        assert!(response.json()["error_description"].is_string(), "{form}");
    }
}

#[test]
fn token_rejects_json_body() {
    let sandbox = Sandbox::start(&[]);
    let response = sandbox.post_json(
        "/api/oauth/token",
        &json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}),
    );
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["error"], "invalid_request");
}

#[test]
fn token_accepts_basic_client_authentication() {
    let sandbox = Sandbox::start(&[]);
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let response = sandbox.request(
        "POST",
        "/api/oauth/token",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &basic),
        ],
        b"grant_type=client_credentials&scope=openid",
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(response.json()["access_token"].is_string());
}

#[test]
fn missing_bearer_gets_invalid_token() {
    let sandbox = Sandbox::start(&[]);
    let account = cpro_account(TECH_LOGIN, TECH_PASSWORD);
    let response = sandbox.request(
        "POST",
        TAUX_TVA,
        &[
            ("cpro-account", &account),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    );
    assert_eq!(response.status, 401);
    assert!(response.body.is_empty());
    let challenge = response.header("WWW-Authenticate").unwrap_or("");
    assert!(
        challenge.starts_with("Bearer realm=\"PISTE\""),
        "{challenge}"
    );
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
}

#[test]
fn unknown_and_expired_tokens_rejected() {
    let sandbox = Sandbox::start(&["--token-lifetime", "1"]);
    let unknown = sandbox.api_with(
        "not-a-token",
        TECH_LOGIN,
        TECH_PASSWORD,
        TAUX_TVA,
        &json!({}),
    );
    assert_eq!(unknown.status, 401);
    assert!(unknown
        .header("WWW-Authenticate")
        .is_some_and(|value| value.contains("invalid_token")));

    let token = sandbox.token();
    let fresh = sandbox.api_with(&token, TECH_LOGIN, TECH_PASSWORD, TAUX_TVA, &json!({}));
    assert_eq!(fresh.status, 200);
    std::thread::sleep(Duration::from_millis(1100));
    let expired = sandbox.api_with(&token, TECH_LOGIN, TECH_PASSWORD, TAUX_TVA, &json!({}));
    assert_eq!(expired.status, 401);
    let challenge = expired.header("WWW-Authenticate").unwrap_or("");
    assert!(challenge.contains("invalid_token"), "{challenge}");
    assert!(challenge.contains("expired"), "{challenge}");
}

#[test]
fn wrong_technical_account_gets_401() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    for (login, password) in [
        (TECH_LOGIN, "wrong-password"),
        ("TECH_9_unknown@cpro.fr", TECH_PASSWORD),
    ] {
        let response = sandbox.api_with(&token, login, password, TAUX_TVA, &json!({}));
        assert_eq!(response.status, 401, "{login}");
        assert!(response.body.is_empty(), "{login}");
        let challenge = response.header("WWW-Authenticate").unwrap_or("");
        assert!(challenge.contains("realm=\"PISTE\""), "{challenge}");
        assert!(
            challenge.contains("error=\"invalid_client\""),
            "{challenge}"
        );
        assert!(
            challenge.contains("login or password incorrects"),
            "{challenge}"
        );
    }

    let bearer = format!("Bearer {token}");
    for header in [None, Some("!!!not base64!!!"), Some("bm8tY29sb24=")] {
        let mut headers = vec![
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some(value) = header {
            headers.push(("cpro-account", value));
        }
        let response = sandbox.request("POST", TAUX_TVA, &headers, b"{}");
        assert_eq!(response.status, 401, "cpro-account {header:?}");
        assert!(response
            .header("WWW-Authenticate")
            .is_some_and(|value| value.contains("invalid_client")));
    }
}

#[test]
fn expired_technical_password_gets_401() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    let response = sandbox.api_with(
        &token,
        "TECH_2_expired@cpro.fr",
        "expired-password",
        TAUX_TVA,
        &json!({}),
    );
    assert_eq!(response.status, 401);
    let challenge = response.header("WWW-Authenticate").unwrap_or("");
    assert!(challenge.contains("invalid_client"), "{challenge}");
    assert!(challenge.contains("expired"), "{challenge}");
    assert!(!challenge.contains("incorrects"), "{challenge}");
}

#[test]
fn unsubscribed_application_gets_403() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token_for("unsubscribed-client-id", "unsubscribed-client-secret");
    let response = sandbox.api_with(&token, TECH_LOGIN, TECH_PASSWORD, TAUX_TVA, &json!({}));
    assert_eq!(response.status, 403);
    assert!(response.body.is_empty());

    // This application has Factures and Transverses, not Structures.
    let partial = sandbox.token_for("factures-only-client-id", "factures-only-client-secret");
    let allowed = sandbox.api_with(&partial, TECH_LOGIN, TECH_PASSWORD, TAUX_TVA, &json!({}));
    assert_eq!(allowed.status, 200);
    let rejected = sandbox.api_with(
        &partial,
        TECH_LOGIN,
        TECH_PASSWORD,
        "/cpro/structures/v1/rechercher",
        &json!({}),
    );
    assert_eq!(rejected.status, 403);
}

#[test]
fn unknown_routes() {
    let sandbox = Sandbox::start(&[]);
    let token = sandbox.token();
    for path in [
        "/cpro/inconnue/v1/deposer/flux",
        "/cpro/factures/v2/deposer/flux",
        "/cpro/engagementsJuridiques/v1/rechercher",
    ] {
        let response = sandbox.api_with(&token, TECH_LOGIN, TECH_PASSWORD, path, &json!({}));
        assert_eq!(response.status, 404, "{path}");
        assert!(response.body.is_empty(), "{path}");
        assert_eq!(
            response.header("WWW-Authenticate"),
            Some("Bearer realm=\"DefaultRealm\""),
            "{path}"
        );
    }
    let response = sandbox.api_with(
        &token,
        TECH_LOGIN,
        TECH_PASSWORD,
        "/cpro/factures/v1/consulter/cr",
        &json!({}),
    );
    assert_eq!(response.status, 403);
    assert!(response.body.is_empty());
    assert_eq!(
        response.header("WWW-Authenticate"),
        Some("Bearer realm=\"DefaultRealm\"")
    );
}

#[test]
fn wrong_method_gets_405() {
    let sandbox = Sandbox::start(&[]);
    let bearer = format!("Bearer {}", sandbox.token());
    let account = cpro_account(TECH_LOGIN, TECH_PASSWORD);
    let headers = [
        ("Authorization", bearer.as_str()),
        ("cpro-account", account.as_str()),
    ];
    let response = sandbox.request("GET", "/cpro/factures/v1/deposer/flux", &headers, b"");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("Allow"), Some("POST"));

    let health = sandbox.request(
        "GET",
        "/cpro/transverses/v1/health-check",
        &headers[..1],
        b"",
    );
    assert_eq!(health.status, 200, "{}", health.text());
    assert_eq!(health.json()["statusCodeValue"], 200);
    let posted = sandbox.request("POST", "/cpro/transverses/v1/health-check", &headers, b"{}");
    assert_eq!(posted.status, 405);
}

#[test]
fn content_type_and_json_checks() {
    let sandbox = Sandbox::start(&[]);
    let bearer = format!("Bearer {}", sandbox.token());
    let account = cpro_account(TECH_LOGIN, TECH_PASSWORD);
    let send = |content_type: Option<&str>, body: &[u8]| {
        let mut headers = vec![
            ("Authorization", bearer.as_str()),
            ("cpro-account", account.as_str()),
        ];
        if let Some(content_type) = content_type {
            headers.push(("Content-Type", content_type));
        }
        sandbox.request("POST", TAUX_TVA, &headers, body)
    };

    assert_eq!(send(None, b"{}").status, 415);
    assert_eq!(send(Some("text/plain"), b"{}").status, 415);
    assert_eq!(
        send(Some("application/json;charset=iso-8859-1"), b"{}").status,
        415
    );
    assert_eq!(send(Some("application/json"), b"{}").status, 200);
    assert_eq!(
        send(Some("application/json;charset=utf-8"), b"{}").status,
        200
    );

    for body in [&b"{not json"[..], b"", b"[1, 2]"] {
        let response = send(Some("application/json"), body);
        assert_eq!(response.status, 400, "{:?}", String::from_utf8_lossy(body));
        let envelope = response.json();
        assert_eq!(envelope["codeRetour"], 400);
        assert!(envelope["libelle"].is_string());
    }
}

#[test]
fn reference_data_in_both_languages() {
    let sandbox = Sandbox::start(&[]);
    let french = sandbox.api(TAUX_TVA, &json!({})).json();
    assert_eq!(french["codeRetour"], 0);
    assert_eq!(french["libelle"], "TRA_MSG_00.000");
    let rates = french["listeTauxTva"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(rates.iter().any(|rate| rate["valeurTauxTva"] == 20.0));

    let english = sandbox
        .api(
            "/cpro/transverses/v1/recuperer/pays",
            &json!({"codeLangue": "EN"}),
        )
        .json();
    let countries = english["listePays"].as_array().cloned().unwrap_or_default();
    let germany = countries.iter().find(|country| country["codePays"] == "DE");
    assert_eq!(
        germany.map(|country| &country["libellePays"]),
        Some(&json!("Germany"))
    );

    let currencies = sandbox
        .api(
            "/cpro/transverses/v1/recuperer/devises",
            &json!({"codeLangue": "fr"}),
        )
        .json();
    assert!(currencies["listeDevises"]
        .as_array()
        .is_some_and(|list| list.iter().any(|currency| currency["codeDevise"] == "EUR")));

    let bad_language = sandbox
        .api(
            "/cpro/transverses/v1/recuperer/pays",
            &json!({"codeLangue": "DE"}),
        )
        .json();
    assert_ne!(bad_language["codeRetour"], 0);
}
