//! The connection test: named steps from the configuration to the technical password's
//! expiry date, stopping at the first blocking failure with its code and hint.
//!
//! Each step reports `outcome` (`ok`, `failed`, `warning` or `skipped`), `duration_ms` and
//! what it proves, so that support staff can read which setting is wrong without the ERP.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::client::{Session, ATTACHMENTS_PATH, SEARCH_PATH, VAT_RATES_PATH};
use crate::config::{is_loopback_host, url_host, Config, Language};
use crate::error::{chorus_result as Code, Error};
use crate::status;

/// Endpoint of `consulterStructure`, which carries the technical password's expiry date.
pub const STRUCTURE_PATH: &str = "/cpro/structures/v1/consulter";

/// A technical password expiring within this many days raises a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// `codeRetour` of a search that found nothing, which still proves the API replies.
const SEARCH_EMPTY: i64 = 20000;

/// Outcome of one step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Failed,
    Warning,
    Skipped,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Warning => "warning",
            Outcome::Skipped => "skipped",
        }
    }
}

/// A sentence of the report in French and in English; the report keeps the one of the
/// configuration's `language`.
#[derive(Clone, Copy)]
struct Text {
    fr: &'static str,
    en: &'static str,
}

const fn text(fr: &'static str, en: &'static str) -> Text {
    Text { fr, en }
}

impl Text {
    fn pick(self, language: Language) -> &'static str {
        match language {
            Language::Fr => self.fr,
            Language::En => self.en,
        }
    }
}

/// The report under construction.
struct Report {
    steps: Vec<Value>,
    language: Language,
}

impl Report {
    /// Returns the detail of a step skipped for `reason`.
    fn reason(&self, reason: Text) -> Value {
        json!({ "reason": reason.pick(self.language) })
    }

    /// Returns the detail of a step that ended with `error`, as a warning.
    fn error_detail(&self, error: &Error) -> Value {
        let message = match self.language {
            Language::Fr => &error.message_fr,
            Language::En => &error.message_en,
        };
        json!({"code": error.code as u32, "code_name": error.code.name(), "message": message})
    }

    fn record(
        &mut self,
        name: &str,
        proves: Text,
        started: Instant,
        outcome: Outcome,
        detail: Value,
    ) {
        let elapsed = started.elapsed().as_millis();
        match outcome {
            Outcome::Failed => {
                log::warn!("connection test step {name} failed after {elapsed} ms: {detail}")
            }
            _ => log::info!(
                "connection test step {name}: {} in {elapsed} ms",
                outcome.as_str()
            ),
        }
        let mut step = json!({
            "name": name,
            "outcome": outcome.as_str(),
            "duration_ms": started.elapsed().as_millis() as u64,
            "proves": proves.pick(self.language),
        });
        if let (Value::Object(step), Value::Object(detail)) = (&mut step, detail) {
            step.extend(detail);
        }
        self.steps.push(step);
    }

    /// Records a blocking failure and returns the error carrying every step so far.
    fn fail(mut self, name: &str, proves: Text, started: Instant, error: Error) -> Error {
        let detail = json!({"code": error.code as u32, "code_name": error.code.name()});
        self.record(name, proves, started, Outcome::Failed, detail);
        error.details(json!({ "steps": self.steps }))
    }
}

/// Runs every step; returns the report, or the first blocking failure with the steps in
/// its `details`.
pub fn test_connection(session: &Session) -> Result<Value, Error> {
    let config = &session.config;
    let mut report = Report {
        steps: Vec::new(),
        language: config.language,
    };

    let started = Instant::now();
    let warnings = configuration_warnings(config);
    let outcome = if warnings.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Warning
    };
    report.record(
        "configuration",
        text(
            "les réglages sont complets et les URL appartiennent à l'environnement choisi",
            "the settings are complete and the URLs belong to the chosen environment",
        ),
        started,
        outcome,
        json!({"environment": config.environment, "token_url": config.token_url,
               "base_url": config.base_url,
               "warnings": warnings.iter().map(|warning| warning.pick(config.language)).collect::<Vec<_>>()}),
    );

    for (name, url) in [
        ("token_host", &config.token_url),
        ("api_host", &config.base_url),
    ] {
        let started = Instant::now();
        let proves = text(
            "le nom d'hôte se résout et accepte les connexions TCP",
            "the host name resolves and accepts TCP connections",
        );
        match reach(url, config.timeout) {
            Ok(address) => report.record(
                name,
                proves,
                started,
                Outcome::Ok,
                json!({"address": address.to_string()}),
            ),
            Err(Reach::ProxyInUse) => report.record(
                name,
                proves,
                started,
                Outcome::Skipped,
                report.reason(text(
                    "un proxy HTTP est configuré, c'est donc lui qui résout le nom et se connecte",
                    "an HTTP proxy is configured, so the proxy resolves and connects",
                )),
            ),
            Err(Reach::Failed(error)) => return Err(report.fail(name, proves, started, error)),
        }
    }

    let started = Instant::now();
    let proves = text(
        "la négociation TLS avec la passerelle réussit et son certificat est reconnu",
        "the TLS handshake with the gateway succeeds and its certificate is trusted",
    );
    if config.base_url.starts_with("https://") {
        if let Err(error) = session.portal.probe_tls() {
            return Err(report.fail("tls", proves, started, error));
        }
        report.record("tls", proves, started, Outcome::Ok, json!({}));
    } else {
        report.record(
            "tls",
            proves,
            started,
            Outcome::Skipped,
            report.reason(text(
                "http simple sur la boucle locale",
                "plain http on loopback",
            )),
        );
    }

    let started = Instant::now();
    let proves = text(
        "PISTE accepte l'identifiant et le secret client et a délivré un jeton OAuth2",
        "PISTE accepts the client id and secret and issued an OAuth2 token",
    );
    if let Err(error) = session.portal.token_once() {
        return Err(report.fail("token", proves, started, error));
    }
    report.record("token", proves, started, Outcome::Ok, json!({}));

    let started = Instant::now();
    let proves = text(
        "Chorus Pro accepte le compte technique (API Transverses)",
        "Chorus Pro accepts the technical account (Transverses API)",
    );
    let technical = session
        .portal
        .post_once(VAT_RATES_PATH, &json!({"codeLangue": "FR"}))
        .and_then(|envelope| envelope.into_success(VAT_RATES_PATH));
    if let Err(error) = technical {
        return Err(report.fail("technical_account", proves, started, error));
    }
    report.record("technical_account", proves, started, Outcome::Ok, json!({}));

    let started = Instant::now();
    let proves = text(
        "l'API Factures répond pour cette application",
        "the Factures API answers for this application",
    );
    let search = session.portal.post_once(
        SEARCH_PATH,
        &json!({"rechercheFactureParFournisseur": {"pageResultatDemandee": 1, "nbResultatsParPage": 1}}),
    );
    match search {
        Ok(envelope) if envelope.code_retour == 0 || envelope.code_retour == SEARCH_EMPTY => {
            report.record("factures_api", proves, started, Outcome::Ok, json!({}));
        }
        Ok(envelope) => {
            return Err(report.fail(
                "factures_api",
                proves,
                started,
                envelope.rejection(SEARCH_PATH),
            ))
        }
        Err(error) => return Err(report.fail("factures_api", proves, started, error)),
    }

    let structures = attached_structures(session, &mut report);
    password_expiry(session, &structures, &mut report);

    Ok(json!({
        "ok": true,
        "environment": config.environment,
        "token_url": config.token_url,
        "base_url": config.base_url,
        "steps": report.steps,
        "structures": structures,
    }))
}

/// Lists the structures the technical account is attached to (Utilisateurs API).
///
/// An ERP that only deposits invoices may not subscribe to that API, so a refusal is a
/// warning, not a failure.
fn attached_structures(session: &Session, report: &mut Report) -> Vec<Value> {
    let started = Instant::now();
    let proves = text(
        "le compte technique est rattaché à au moins une structure fournisseur",
        "the technical account is attached to at least one supplier structure",
    );
    let body =
        json!({"parametresRecherche": {"pageResultatDemandee": 1, "nbResultatsParPage": 100}});
    let envelope = match session.portal.post_once(ATTACHMENTS_PATH, &body) {
        Ok(envelope) if envelope.code_retour == 0 => envelope,
        Ok(envelope) => {
            let detail = json!({"codeRetour": envelope.code_retour, "libelle": envelope.libelle});
            report.record(
                "supplier_structures",
                proves,
                started,
                Outcome::Warning,
                detail,
            );
            return Vec::new();
        }
        Err(error) => {
            let detail = report.error_detail(&error);
            report.record(
                "supplier_structures",
                proves,
                started,
                Outcome::Warning,
                detail,
            );
            return Vec::new();
        }
    };
    let structures: Vec<Value> = status::list_field(&envelope.body, "listeStructureRattachement")
        .iter()
        .map(|entry| {
            json!({
                "structure_id": entry.get("idStructure").cloned().unwrap_or(Value::Null),
                "identifier": status::text(entry, "identifiantStructure"),
                "name": status::text(entry, "designationStructure"),
            })
        })
        .collect();
    let outcome = if structures.is_empty() {
        Outcome::Warning
    } else {
        Outcome::Ok
    };
    report.record(
        "supplier_structures",
        proves,
        started,
        outcome,
        json!({"count": structures.len()}),
    );
    structures
}

/// Reads the technical password's expiry date through `consulterStructure` (Structures
/// API) and warns when it is close.
fn password_expiry(session: &Session, structures: &[Value], report: &mut Report) {
    let started = Instant::now();
    let proves = text(
        "le mot de passe du compte technique n'expire pas bientôt",
        "the technical password is not about to expire",
    );
    let Some(structure_id) = structures
        .first()
        .and_then(|entry| entry["structure_id"].as_i64())
    else {
        report.record(
            "password_expiry",
            proves,
            started,
            Outcome::Skipped,
            report.reason(text(
                "aucune structure à consulter",
                "no structure to consult",
            )),
        );
        return;
    };
    let reply = session
        .portal
        .post_once(
            STRUCTURE_PATH,
            &json!({"idStructureCPP": structure_id, "codeLangue": "FR"}),
        )
        .and_then(|envelope| envelope.into_success(STRUCTURE_PATH));
    let body = match reply {
        Ok(body) => body,
        Err(error) => {
            let detail = report.error_detail(&error);
            report.record("password_expiry", proves, started, Outcome::Warning, detail);
            return;
        }
    };
    let expiry = body
        .get("informationGenerales")
        .and_then(|info| info.get("dateExpirationMotPasseCompteTech"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(days_left) = days_until(expiry) else {
        report.record(
            "password_expiry",
            proves,
            started,
            Outcome::Skipped,
            report.reason(text(
                "le portail n'a pas donné de date d'expiration",
                "the portal gave no expiry date",
            )),
        );
        return;
    };
    session.portal.remember_password_expiry(expiry);
    let outcome = if days_left <= EXPIRY_WARNING_DAYS {
        Outcome::Warning
    } else {
        Outcome::Ok
    };
    let mut detail = json!({"expires_on": &expiry[..10], "days_left": days_left});
    if outcome == Outcome::Warning {
        detail["message_fr"] = Value::from(format!(
            "Le mot de passe du compte technique expire dans {days_left} jour(s) ({}) : faites-le renouveler.",
            &expiry[..10]
        ));
        detail["message_en"] = Value::from(format!(
            "The technical account password expires in {days_left} day(s) ({}): have it renewed.",
            &expiry[..10]
        ));
    }
    report.record("password_expiry", proves, started, outcome, detail);
}

/// Lists configuration points that work but deserve attention.
fn configuration_warnings(config: &Config) -> Vec<Text> {
    let mut warnings = Vec::new();
    let token_host = url_host(&config.token_url)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let api_host = url_host(&config.base_url)
        .unwrap_or_default()
        .to_ascii_lowercase();
    // A copy-paste of one host into the other field has broken connectors before.
    if token_host.ends_with(".piste.gouv.fr") && !token_host.contains("oauth") {
        warnings.push(text(
            "token_url ne désigne pas un hôte OAuth de PISTE (oauth.piste.gouv.fr)",
            "token_url does not name a PISTE OAuth host (oauth.piste.gouv.fr)",
        ));
    }
    if api_host.ends_with(".piste.gouv.fr") && token_host != api_host && api_host.contains("oauth")
    {
        warnings.push(text(
            "base_url désigne l'hôte OAuth de PISTE au lieu de la passerelle d'API",
            "base_url names the PISTE OAuth host instead of the API gateway",
        ));
    }
    warnings
}

enum Reach {
    ProxyInUse,
    Failed(Error),
}

/// Resolves the URL's host and opens a TCP connection to it.
fn reach(url: &str, timeout: Duration) -> Result<SocketAddr, Reach> {
    let host = url_host(url).unwrap_or_default();
    if !is_loopback_host(host) && proxy_configured() {
        return Err(Reach::ProxyInUse);
    }
    let default_port = if url.starts_with("https://") { 443 } else { 80 };
    let port = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|authority| authority.rsplit_once(':'))
        .and_then(|(_, port)| port.parse::<u16>().ok())
        .unwrap_or(default_port);
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|error| {
            Reach::Failed(Error::new(
                Code::CHORUS_ERR_DNS,
                format!("Le nom d'hôte {host} est introuvable : {error}"),
                format!("Host name {host} did not resolve: {error}"),
            ))
        })?
        .collect();
    let mut last_error = None;
    for address in &addresses {
        match TcpStream::connect_timeout(address, timeout) {
            Ok(_) => return Ok(*address),
            Err(error) => last_error = Some(error),
        }
    }
    let error = last_error.map_or_else(|| "no address".to_owned(), |error| error.to_string());
    let code = if error.to_ascii_lowercase().contains("refused") {
        Code::CHORUS_ERR_CONNECTION_REFUSED
    } else if error.to_ascii_lowercase().contains("timed out") {
        Code::CHORUS_ERR_TIMEOUT
    } else {
        Code::CHORUS_ERR_NETWORK
    };
    Err(Reach::Failed(Error::new(
        code,
        format!("Connexion TCP à {host}:{port} impossible : {error}"),
        format!("TCP connection to {host}:{port} failed: {error}"),
    )))
}

fn proxy_configured() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// Returns the days from today (UTC) to a date given as `YYYY-MM-DD`, possibly followed by
/// a time; negative once the date has passed.
pub fn days_until(date: &str) -> Option<i64> {
    let target = parse_day_number(date)?;
    let today = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() as i64 / 86_400;
    Some(target - today)
}

/// Converts `YYYY-MM-DD` to days since 1970-01-01 (proleptic Gregorian calendar).
pub fn parse_day_number(date: &str) -> Option<i64> {
    let year: i64 = date.get(0..4)?.parse().ok()?;
    let month: i64 = date.get(5..7)?.parse().ok()?;
    let day: i64 = date.get(8..10)?.parse().ok()?;
    if date.get(4..5)? != "-"
        || date.get(7..8)? != "-"
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    // Shift the year to start in March so that the leap day is last.
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
    fn day_numbers() {
        assert_eq!(parse_day_number("1970-01-01"), Some(0));
        assert_eq!(parse_day_number("2000-03-01"), Some(11_017));
        assert_eq!(parse_day_number("2026-12-04T10:00:00"), Some(20_791));
        assert_eq!(parse_day_number("2026-13-04"), None);
        assert_eq!(parse_day_number("04/12/2026"), None);
    }

    #[test]
    fn host_mixups_warned() {
        let text = r#"{"client_id": "a", "client_secret": "b", "technical_login": "c",
            "technical_password": "d", "token_url": "https://api.piste.gouv.fr/api/oauth/token"}"#;
        let config = Config::from_json(text).unwrap();
        assert_eq!(configuration_warnings(&config).len(), 1);
        let fine = Config::from_json(
            &text.replace("https://api.piste.gouv.fr", "https://oauth.piste.gouv.fr"),
        )
        .unwrap();
        assert!(configuration_warnings(&fine).is_empty());
    }

    #[test]
    fn refused_port_classified() {
        let error = match reach("http://127.0.0.1:1/x", Duration::from_secs(2)) {
            Err(Reach::Failed(error)) => error,
            _ => panic!("port 1 accepted a connection"),
        };
        assert_eq!(error.code, Code::CHORUS_ERR_CONNECTION_REFUSED);
    }
}
