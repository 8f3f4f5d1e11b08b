//! HTTP calls to the Chorus Pro API: headers, the `codeRetour`/`libelle` envelope, and the
//! mapping of every failure to a result code.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::blocking::{Client, Response};
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE,
};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::error::{chorus_result as Code, Error};
use crate::retry::{self, Failure};
use crate::token::TokenSlot;

/// Media type of every Chorus Pro request and the preferred reply type.
const JSON_UTF8: &str = "application/json;charset=utf-8";

/// The largest API reply read into memory; deposit reports and searches stay far below it.
const MAX_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// A reply whose HTTP status was 200 and whose body is a JSON object.
#[derive(Debug)]
pub struct Envelope {
    /// `codeRetour`: 0 on success, a 2xxxx business code otherwise.
    pub code_retour: i64,
    pub libelle: String,
    pub body: Value,
}

impl Envelope {
    /// Turns a non-zero `codeRetour` into a `CHORUS_ERR_REJECTED` error.
    pub fn into_success(self, endpoint: &str) -> Result<Value, Error> {
        if self.code_retour == 0 {
            return Ok(self.body);
        }
        Err(self.rejection(endpoint))
    }

    pub fn rejection(&self, endpoint: &str) -> Error {
        let mut error = Error::new(
            Code::CHORUS_ERR_REJECTED,
            format!(
                "Chorus Pro a refusé la demande : {} (codeRetour {}).",
                self.libelle, self.code_retour
            ),
            format!(
                "Chorus Pro rejected the request: {} (codeRetour {}).",
                self.libelle, self.code_retour
            ),
        )
        .http_status(200)
        .endpoint(endpoint);
        error.code_retour = Some(self.code_retour);
        error.libelle = Some(self.libelle.clone());
        with_invoice_field(error)
    }
}

/// Adds a problem naming the invoice JSON field that a rejected deposit's `libelle` is
/// about, when the message cites a mapped element or keyword. Other endpoints are left
/// alone, because their messages are not about the invoice file.
fn with_invoice_field(mut error: Error) -> Error {
    if error.endpoint.as_deref() != Some(crate::client::DEPOSIT_PATH) {
        return error;
    }
    let Some(libelle) = error.libelle.clone() else {
        return error;
    };
    if let Some(field) = crate::invoice::field_for_portal_message(&libelle) {
        error.problems.push(crate::invoice::Problem {
            path: field.to_owned(),
            message_fr: format!("refus de Chorus Pro : {libelle}"),
            message_en: format!("Chorus Pro rejected this field: {libelle}"),
        });
    }
    error
}

/// The connection of one company file to the portal.
pub struct Portal {
    pub config: Arc<Config>,
    http: Client,
    tokens: Arc<TokenSlot>,
    cpro_account: Zeroizing<String>,
    /// The technical password's expiry date (`YYYY-MM-DD`) once a connection test read it.
    password_expiry: Mutex<Option<String>>,
    /// Deposits whose outcome is still unknown, searched for before being sent again.
    pub unresolved: crate::deposit::Unresolved,
}

impl Portal {
    pub fn new(config: Arc<Config>) -> Result<Portal, Error> {
        let mut builder = Client::builder()
            .connect_timeout(config.timeout)
            .timeout(config.timeout)
            .user_agent(concat!("chorus-pro/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &config.ca_file {
            // The system trust store stays in use; these authorities are added to it.
            builder = builder.tls_certs_merge(read_ca_file(path)?);
        }
        let http = builder.build().map_err(|error| {
            Error::new(
                Code::CHORUS_ERR_INTERNAL,
                format!("Impossible de créer le client HTTP : {error}"),
                format!("Could not create the HTTP client: {error}"),
            )
        })?;
        let credentials = Zeroizing::new(format!(
            "{}:{}",
            config.technical_login,
            config.technical_password.expose()
        ));
        let cpro_account = Zeroizing::new(
            base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes()),
        );
        Ok(Portal {
            tokens: crate::token::slot_for(&config),
            config,
            http,
            cpro_account,
            password_expiry: Mutex::new(None),
            unresolved: Default::default(),
        })
    }

    /// Records the technical password's expiry date, so that a later 401 can name the
    /// date the password expired.
    pub fn remember_password_expiry(&self, date: &str) {
        let day = date.get(..10).unwrap_or(date).to_owned();
        *self
            .password_expiry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(day);
    }

    /// Sends a GET to the gateway root: any HTTP reply proves that TLS works.
    pub fn probe_tls(&self) -> Result<(), Error> {
        self.http
            .get(format!("{}/", self.config.base_url))
            .send()
            .map(|_| ())
            .map_err(|error| transport_error(&error, "/"))
    }

    pub fn token_slot(&self) -> &TokenSlot {
        &self.tokens
    }

    /// Sends `body` to `path` (such as `/cpro/transverses/v1/consulterCRDetaille`) and
    /// returns the envelope of a 200 reply, retrying transient failures as the `retry`
    /// settings allow.
    ///
    /// Only for calls that are safe to repeat: never for `deposer/flux`.
    pub fn post(&self, path: &str, body: &Value) -> Result<Envelope, Error> {
        let payload = serialize(body)?;
        retry::run(&self.config.retry, |schedule| {
            let timeout = self
                .config
                .timeout
                .min(schedule.remaining_or(MIN_ATTEMPT_TIMEOUT));
            self.send(path, &payload, timeout)
        })
    }

    /// Sends `body` to `path` once, with no retry, for a connection test.
    pub fn post_once(&self, path: &str, body: &Value) -> Result<Envelope, Error> {
        self.attempt(path, body).map_err(|failure| failure.error)
    }

    /// Sends `body` to `path` once and reports, on failure, whether the request may have
    /// reached the portal.
    pub fn attempt(&self, path: &str, body: &Value) -> Result<Envelope, Failure> {
        let payload = serialize(body)?;
        self.send(path, &payload, self.config.timeout)
    }

    /// Returns a bearer token, requesting one when needed and retrying transient failures.
    pub fn token(&self) -> Result<Arc<crate::token::AccessToken>, Error> {
        retry::run(&self.config.retry, |_| {
            self.tokens
                .get(&self.http, &self.config)
                .map_err(Failure::unsent)
        })
    }

    /// Returns a bearer token with at most one token request, for a connection test.
    pub fn token_once(&self) -> Result<Arc<crate::token::AccessToken>, Error> {
        self.tokens.get(&self.http, &self.config)
    }

    /// Sends one attempt of a call. When the gateway rejects the bearer token, the token is
    /// renewed and the request sent once more. A 401 that points at the technical account
    /// is returned at once.
    ///
    /// A token requested after the first rejection and rejected too usually means that
    /// `token_url` and `base_url` belong to different environments. A token requested
    /// earlier, expired in flight or already replaced by another thread may simply have
    /// been revoked, so it is renewed again, at most `MAX_TOKEN_RENEWALS` times in all.
    fn send(&self, path: &str, payload: &[u8], timeout: Duration) -> Result<Envelope, Failure> {
        let mut renewals = 0;
        let mut first_rejection: Option<Instant> = None;
        loop {
            let token = self.tokens.get(&self.http, &self.config)?;
            let response = self
                .http
                .post(format!("{}{}", self.config.base_url, path))
                .header(AUTHORIZATION, sensitive_header(&token.header_value())?)
                .header("cpro-account", sensitive_header(&self.cpro_account)?)
                .header(CONTENT_TYPE, JSON_UTF8)
                .header(ACCEPT, JSON_UTF8)
                .timeout(timeout)
                .body(payload.to_vec())
                .send()
                .map_err(|error| Failure {
                    error: transport_error(&error, path),
                    retry_after: None,
                    // A failure while connecting proves that nothing was sent.
                    request_sent: !error.is_connect(),
                })?;
            let status = response.status().as_u16();
            log::debug!("POST {path}: HTTP {status}");
            let headers = response.headers().clone();
            let sent = |error: Error| Failure {
                error,
                retry_after: retry::retry_after(&headers),
                request_sent: true,
            };
            let reply = read_body(response, MAX_REPLY_BYTES, path).map_err(sent)?;
            if status == 401 && points_at_bearer(&headers) {
                let requested_since_rejection =
                    first_rejection.is_some_and(|at| token.requested_at() >= at);
                let replaced = self.tokens.current_generation() != Some(token.generation());
                let explained = !requested_since_rejection || replaced || token.has_expired();
                if renewals == 0 || (explained && renewals < MAX_TOKEN_RENEWALS) {
                    log::info!("POST {path}: the gateway rejected the bearer token, renewing it");
                    first_rejection.get_or_insert_with(Instant::now);
                    self.tokens.invalidate(token.generation());
                    renewals += 1;
                    continue;
                }
            }
            if status != 200 {
                let error = http_failure(status, Some(&headers), &reply, path);
                return Err(sent(self.with_known_expiry(error)));
            }
            return parse_envelope(&reply, &headers, path).map_err(sent);
        }
    }
}

/// Builds a header value marked sensitive, so that the HTTP stack never shows it in
/// `Debug` output or logs.
fn sensitive_header(value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::new(
            Code::CHORUS_ERR_INVALID_CONFIGURATION,
            "Un identifiant contient un caractère interdit dans un en-tête HTTP.",
            "A credential contains a character that is not allowed in an HTTP header.",
        )
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Reads the certificate authorities of the `ca_file` setting (PEM, one or more).
fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, Error> {
    let invalid = |fr: String, en: String| {
        Error::with_problems(
            Code::CHORUS_ERR_INVALID_CONFIGURATION,
            vec![crate::invoice::Problem {
                path: "ca_file".to_owned(),
                message_fr: fr,
                message_en: en,
            }],
        )
    };
    let shown_path = path.display();
    let pem = std::fs::read(path).map_err(|error| {
        invalid(
            format!("ca_file : lecture de {shown_path} impossible : {error}"),
            format!("ca_file: cannot read {shown_path}: {error}"),
        )
    })?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|error| {
        invalid(
            format!("ca_file : {shown_path} n'est pas un fichier PEM de certificats : {error}"),
            format!("ca_file: {shown_path} is not a PEM certificate file: {error}"),
        )
    })?;
    if certificates.is_empty() {
        return Err(invalid(
            format!("ca_file : aucun certificat dans {shown_path}"),
            format!("ca_file: no certificate in {shown_path}"),
        ));
    }
    Ok(certificates)
}

/// Token renewals within one attempt after the gateway rejected the bearer token.
const MAX_TOKEN_RENEWALS: u32 = 3;

/// The shortest timeout given to an attempt started close to the retry deadline.
const MIN_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);

fn serialize(body: &Value) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_INTERNAL,
            format!("Sérialisation JSON impossible : {error}"),
            format!("JSON serialization failed: {error}"),
        )
    })
}

impl Portal {
    /// Turns a rejected technical account into an expired one when the expiry date read
    /// earlier has passed, naming that date.
    fn with_known_expiry(&self, error: Error) -> Error {
        if error.code != Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED {
            return error;
        }
        let known = self
            .password_expiry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let Some(date) =
            known.filter(|date| crate::diagnostics::days_until(date).is_some_and(|days| days < 0))
        else {
            return error;
        };
        let mut expired = Error::new(
            Code::CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED,
            format!("Chorus Pro refuse le compte technique : son mot de passe a expiré le {date}."),
            format!("Chorus Pro rejects the technical account: its password expired on {date}."),
        );
        expired.http_status = error.http_status;
        expired.www_authenticate = error.www_authenticate.clone();
        expired.endpoint = error.endpoint.clone();
        expired.code_retour = error.code_retour;
        expired.libelle = error.libelle.clone();
        expired
    }
}

/// Returns the path part of a URL, used to name the endpoint in errors.
pub fn url_path(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(index) => without_scheme[index..].to_owned(),
        None => "/".to_owned(),
    }
}

/// Reads at most `limit` bytes of a reply body.
pub fn read_body(response: Response, limit: usize, endpoint: &str) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    let mut reader = response.take(limit as u64 + 1);
    reader.read_to_end(&mut body).map_err(|error| {
        Error::new(
            Code::CHORUS_ERR_NETWORK,
            format!("Lecture de la réponse interrompue : {error}"),
            format!("Reading the reply was interrupted: {error}"),
        )
        .endpoint(endpoint)
    })?;
    if body.len() > limit {
        return Err(Error::new(
            Code::CHORUS_ERR_UNEXPECTED_REPLY,
            format!("Réponse de plus de {limit} octets refusée."),
            format!("Reply larger than {limit} bytes rejected."),
        )
        .endpoint(endpoint));
    }
    Ok(body)
}

/// Tells whether a 401's `WWW-Authenticate` header blames the bearer token (expired or
/// unknown) rather than the technical account.
fn points_at_bearer(headers: &HeaderMap) -> bool {
    header_text(headers, WWW_AUTHENTICATE.as_str())
        .is_some_and(|value| value.to_ascii_lowercase().contains("invalid_token"))
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Maps a transport failure (nothing or an incomplete reply received) to a result code.
pub fn transport_error(error: &reqwest::Error, endpoint: &str) -> Error {
    let chain = error_chain(error);
    let lower = chain.to_ascii_lowercase();
    let (code, fr, en) = if error.is_timeout() {
        (
            Code::CHORUS_ERR_TIMEOUT,
            "Délai dépassé sans réponse du portail",
            "Timed out waiting for the portal",
        )
    } else if lower.contains("proxy") {
        (
            Code::CHORUS_ERR_PROXY,
            "Échec du proxy HTTP",
            "HTTP proxy failure",
        )
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        (
            Code::CHORUS_ERR_DNS,
            "Nom d'hôte introuvable",
            "Host name did not resolve",
        )
    } else if lower.contains("connection refused") {
        (
            Code::CHORUS_ERR_CONNECTION_REFUSED,
            "Connexion refusée",
            "Connection refused",
        )
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        (Code::CHORUS_ERR_TLS, "Échec TLS", "TLS failure")
    } else {
        (
            Code::CHORUS_ERR_NETWORK,
            "Connexion au portail interrompue",
            "Connection to the portal failed",
        )
    };
    Error::new(
        code,
        format!("{fr} ({endpoint}) : {chain}"),
        format!("{en} ({endpoint}): {chain}"),
    )
    .endpoint(endpoint)
}

/// Joins an error and its sources, without the URL (which carries no secret but is
/// already in `endpoint`).
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = vec![error.without_url_ref().to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(&format!(" for url ({url})"), "");
        }
        text
    }
}

/// Classifies an HTTP reply other than 200, keeping the status, the `WWW-Authenticate`
/// header and any `codeRetour`/`libelle` the body carries.
pub fn http_failure(
    status: u16,
    headers: Option<&HeaderMap>,
    body: &[u8],
    endpoint: &str,
) -> Error {
    let www_authenticate =
        headers.and_then(|headers| header_text(headers, WWW_AUTHENTICATE.as_str()));
    let authenticate_lower = www_authenticate
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let family = api_family(endpoint);
    let mut error = match status {
        401 if authenticate_lower.contains("expir")
            && !authenticate_lower.contains("invalid_token") =>
        {
            Error::new(
                Code::CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED,
                "Chorus Pro refuse le compte technique : son mot de passe a expiré.",
                "Chorus Pro rejects the technical account: its password has expired.",
            )
        }
        // A token refused right after renewal was issued for another gateway.
        401 if authenticate_lower.contains("invalid_token") => Error::new(
            Code::CHORUS_ERR_WRONG_ENVIRONMENT,
            "PISTE refuse un jeton d'accès tout juste obtenu : token_url et base_url \
             appartiennent sans doute à deux environnements différents.",
            "PISTE rejects a freshly issued access token: token_url and base_url probably \
             belong to two different environments.",
        ),
        401 => Error::new(
            Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED,
            "Chorus Pro refuse l'identifiant ou le mot de passe du compte technique (HTTP 401). \
             Le mot de passe a pu expirer.",
            "Chorus Pro rejects the technical account login or password (HTTP 401). The \
             password may have expired.",
        ),
        403 => Error::new(
            Code::CHORUS_ERR_API_ACCESS_DENIED,
            format!("Accès refusé à l'API {family} (HTTP 403)."),
            format!("Access to the {family} API denied (HTTP 403)."),
        ),
        404 => Error::new(
            Code::CHORUS_ERR_ENDPOINT_NOT_FOUND,
            format!("Adresse introuvable : {endpoint} (HTTP 404)."),
            format!("Endpoint not found: {endpoint} (HTTP 404)."),
        ),
        413 => Error::new(
            Code::CHORUS_ERR_INPUT_TOO_LARGE,
            "Le portail refuse un envoi trop volumineux (HTTP 413).",
            "The portal rejects a too large upload (HTTP 413).",
        ),
        429 => Error::new(
            Code::CHORUS_ERR_RATE_LIMITED,
            "Trop de requêtes : PISTE limite le débit (HTTP 429).",
            "Too many requests: PISTE throttles the application (HTTP 429).",
        ),
        500 | 502 | 503 | 504 => Error::new(
            Code::CHORUS_ERR_PORTAL_UNAVAILABLE,
            format!("Chorus Pro est indisponible ou en maintenance (HTTP {status})."),
            format!("Chorus Pro is unavailable or in maintenance (HTTP {status})."),
        ),
        400 => Error::new(
            Code::CHORUS_ERR_REJECTED,
            "Le portail refuse la requête comme mal formée (HTTP 400).",
            "The portal rejects the request as malformed (HTTP 400).",
        ),
        _ => Error::new(
            Code::CHORUS_ERR_UNEXPECTED_REPLY,
            format!("Réponse HTTP {status} inattendue."),
            format!("Unexpected HTTP {status} reply."),
        ),
    };
    error = error.http_status(status).endpoint(endpoint);
    error.www_authenticate = www_authenticate;
    if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
        error.code_retour = object.get("codeRetour").and_then(Value::as_i64);
        error.libelle = object
            .get("libelle")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    with_invoice_field(error)
}

/// Names the API family of a path, such as `Factures` for `/cpro/factures/v1/...`.
fn api_family(endpoint: &str) -> String {
    let family = endpoint
        .trim_start_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or("Chorus Pro");
    let mut letters = family.chars();
    match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => "Chorus Pro".to_owned(),
    }
}

/// Reads the body of a 200 reply: a JSON object with an integer `codeRetour`, else
/// `CHORUS_ERR_UNEXPECTED_REPLY`.
pub fn parse_envelope(body: &[u8], headers: &HeaderMap, endpoint: &str) -> Result<Envelope, Error> {
    let unexpected = |detail_fr: String, detail_en: String| {
        Error::new(
            Code::CHORUS_ERR_UNEXPECTED_REPLY,
            format!("Réponse illisible de {endpoint} : {detail_fr}"),
            format!("Unreadable reply from {endpoint}: {detail_en}"),
        )
        .http_status(200)
        .endpoint(endpoint)
    };
    if body.is_empty() {
        return Err(unexpected("corps vide".into(), "empty body".into()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        let content_type =
            header_text(headers, CONTENT_TYPE.as_str()).unwrap_or_else(|| "none".into());
        unexpected(
            format!("pas du JSON (Content-Type {content_type}) : {error}"),
            format!("not JSON (Content-Type {content_type}): {error}"),
        )
    })?;
    let Value::Object(object) = &value else {
        return Err(unexpected(
            "pas un objet JSON".into(),
            "not a JSON object".into(),
        ));
    };
    let Some(code_retour) = object.get("codeRetour").and_then(Value::as_i64) else {
        return Err(unexpected(
            "codeRetour absent".into(),
            "codeRetour missing".into(),
        ));
    };
    let libelle = object
        .get("libelle")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(Envelope {
        code_retour,
        libelle,
        body: value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authenticate: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(authenticate).unwrap(),
        );
        map
    }

    #[test]
    fn classify_statuses() {
        let cases = [
            (403, Code::CHORUS_ERR_API_ACCESS_DENIED),
            (404, Code::CHORUS_ERR_ENDPOINT_NOT_FOUND),
            (429, Code::CHORUS_ERR_RATE_LIMITED),
            (500, Code::CHORUS_ERR_PORTAL_UNAVAILABLE),
            (502, Code::CHORUS_ERR_PORTAL_UNAVAILABLE),
            (503, Code::CHORUS_ERR_PORTAL_UNAVAILABLE),
            (504, Code::CHORUS_ERR_PORTAL_UNAVAILABLE),
            (418, Code::CHORUS_ERR_UNEXPECTED_REPLY),
        ];
        for (status, code) in cases {
            let error = http_failure(
                status,
                None,
                b"<html>maintenance</html>",
                "/cpro/factures/v1/x",
            );
            assert_eq!(error.code, code, "HTTP {status}");
            assert_eq!(error.http_status, Some(status));
        }
    }

    #[test]
    fn unauthorized_technical_account_vs_expired() {
        let wrong = headers(
            r#"Bearer realm="PISTE", error="invalid_client", error_description="login or password incorrects""#,
        );
        let error = http_failure(
            401,
            Some(&wrong),
            b"",
            "/cpro/transverses/v1/recuperer/tauxtva",
        );
        assert_eq!(error.code, Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED);
        assert!(error
            .www_authenticate
            .as_deref()
            .unwrap()
            .contains("incorrects"));

        let expired = headers(
            r#"Bearer realm="PISTE", error="invalid_client", error_description="technical account password expired""#,
        );
        let error = http_failure(401, Some(&expired), b"", "/cpro/x");
        assert_eq!(error.code, Code::CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED);
    }

    #[test]
    fn bearer_detection() {
        assert!(points_at_bearer(&headers(
            r#"Bearer realm="PISTE", error="invalid_token""#
        )));
        assert!(!points_at_bearer(&headers(
            r#"Bearer realm="PISTE", error="invalid_client""#
        )));
        assert!(!points_at_bearer(&HeaderMap::new()));
    }

    #[test]
    fn forbidden_names_api_family() {
        let error = http_failure(403, None, b"", "/cpro/factures/v1/deposer/flux");
        assert!(
            error.message_en.contains("Factures"),
            "{}",
            error.message_en
        );
    }

    #[test]
    fn portal_fields_kept_on_400() {
        let error = http_failure(
            400,
            None,
            br#"{"codeRetour": 20002, "libelle": "bad"}"#,
            "/x",
        );
        assert_eq!(error.code_retour, Some(20002));
        assert_eq!(error.libelle.as_deref(), Some("bad"));
        assert!(error.problems.is_empty());
    }

    #[test]
    fn deposit_rejection_names_invoice_field() {
        let libelle = "Le code service est obligatoire (balise : BuyerReference).";
        let envelope = Envelope {
            code_retour: 20001,
            libelle: libelle.to_owned(),
            body: Value::Null,
        };
        let error = envelope.rejection(crate::client::DEPOSIT_PATH);
        assert_eq!(error.problems.len(), 1);
        assert_eq!(error.problems[0].path, "buyer_reference");
        assert!(error.problems[0].message_en.ends_with(libelle));
        // The same text from another endpoint is not about the deposited file.
        assert!(envelope
            .rejection("/cpro/factures/v1/rechercher/fournisseur")
            .problems
            .is_empty());

        let body = format!(r#"{{"codeRetour": 20003, "libelle": "{libelle}"}}"#);
        let error = http_failure(400, None, body.as_bytes(), crate::client::DEPOSIT_PATH);
        assert_eq!(error.problems[0].path, "buyer_reference");
    }

    #[test]
    fn envelope_parsing() {
        let empty = HeaderMap::new();
        let ok = parse_envelope(
            br#"{"codeRetour":0,"libelle":"TRA_MSG_00.000","x":1}"#,
            &empty,
            "/p",
        )
        .unwrap();
        assert_eq!(ok.code_retour, 0);
        assert_eq!(ok.body["x"], 1);
        for bad in [&b""[..], b"<html/>", b"[1]", br#"{"libelle":"x"}"#] {
            let error = parse_envelope(bad, &empty, "/p").unwrap_err();
            assert_eq!(error.code, Code::CHORUS_ERR_UNEXPECTED_REPLY);
        }
    }

    #[test]
    fn path_of_url() {
        assert_eq!(
            url_path("https://oauth.piste.gouv.fr/api/oauth/token"),
            "/api/oauth/token"
        );
        assert_eq!(url_path("http://127.0.0.1:9"), "/");
    }
}
