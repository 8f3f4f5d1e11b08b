//! Configuration of one company file (dossier), parsed from the JSON the ERP stores.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::error::{chorus_result as Code, Error};
use crate::invoice::{Problem, Syntax};

/// Default hosts of each environment. Moving a host means editing this table only.
///
/// The `*.aife.economie.gouv.fr` names were retired in 2023–2024 with no redirect.
pub struct EnvironmentUrls {
    pub token_url: &'static str,
    pub base_url: &'static str,
}

pub const PRODUCTION_URLS: EnvironmentUrls = EnvironmentUrls {
    token_url: "https://oauth.piste.gouv.fr/api/oauth/token",
    base_url: "https://api.piste.gouv.fr",
};

pub const QUALIFICATION_URLS: EnvironmentUrls = EnvironmentUrls {
    token_url: "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
    base_url: "https://sandbox-api.piste.gouv.fr",
};

/// Host suffix of the retired gateway names, refused with a hint to the new ones.
const LEGACY_HOST_SUFFIX: &str = ".aife.economie.gouv.fr";

const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
const MAX_TIMEOUT_SECONDS: u64 = 600;

/// The largest configuration JSON accepted; a real one is well under a kilobyte.
pub const MAX_CONFIG_JSON_BYTES: usize = 1024 * 1024;

/// Retry defaults: 4 attempts, waits from 0.5 s doubling up to 8 s, at most 60 s in all.
const DEFAULT_MAX_ATTEMPTS: u64 = 4;
const DEFAULT_INITIAL_DELAY_MS: u64 = 500;
const DEFAULT_MAX_DELAY_MS: u64 = 8_000;
const DEFAULT_DEADLINE_SECONDS: u64 = 60;
/// How long an ambiguous deposit is looked for by default before it is sent again.
const DEFAULT_LOOKUP_WINDOW_SECONDS: u64 = 60;
const MAX_ATTEMPTS: u64 = 20;
const MAX_DELAY_MS: u64 = 300_000;
const MAX_DEADLINE_SECONDS: u64 = 3_600;

/// Chorus Pro platform that the company file talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Production,
    /// The PISTE sandbox, backed by Chorus Pro's qualification platform.
    Qualification,
}

impl Environment {
    pub fn urls(self) -> &'static EnvironmentUrls {
        match self {
            Environment::Production => &PRODUCTION_URLS,
            Environment::Qualification => &QUALIFICATION_URLS,
        }
    }
}

/// Language of messages and hints in the JSON the library returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

/// A bank account written into invoices (BG-17).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    /// BT-84 payment account identifier (IBAN).
    pub iban: String,
    /// BT-86 payment service provider identifier (BIC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// BT-85 payment account name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

/// Retry settings of the calls that are safe to repeat, and of the deposit lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySettings {
    /// Attempts of one call, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// Wait before the second attempt; each later wait doubles, up to `max_delay`.
    pub initial_delay: Duration,
    pub max_delay: Duration,
    /// No new attempt starts once this much time has passed since the first one.
    pub deadline: Duration,
    /// How long a deposit whose outcome is unknown (timeout, connection lost after
    /// sending) is searched for on the portal before it is sent again.
    pub lookup_window: Duration,
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings {
            max_attempts: DEFAULT_MAX_ATTEMPTS as u32,
            initial_delay: Duration::from_millis(DEFAULT_INITIAL_DELAY_MS),
            max_delay: Duration::from_millis(DEFAULT_MAX_DELAY_MS),
            deadline: Duration::from_secs(DEFAULT_DEADLINE_SECONDS),
            lookup_window: Duration::from_secs(DEFAULT_LOOKUP_WINDOW_SECONDS),
        }
    }
}

/// The `retry` object as the ERP sends it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetryInput {
    max_attempts: Option<u64>,
    initial_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
    deadline_seconds: Option<u64>,
    lookup_window_seconds: Option<u64>,
}

impl RetryInput {
    /// Applies defaults and range checks, adding one problem per invalid key.
    fn into_settings(self, problems: &mut Vec<Problem>) -> RetrySettings {
        let mut in_range = |key: &str, value: Option<u64>, default: u64, min: u64, max: u64| {
            let value = value.unwrap_or(default);
            if value < min || value > max {
                problems.push(problem(
                    &format!("retry.{key}"),
                    &format!("doit être entre {min} et {max}"),
                    &format!("must be between {min} and {max}"),
                ));
                return default;
            }
            value
        };
        let max_attempts = in_range(
            "max_attempts",
            self.max_attempts,
            DEFAULT_MAX_ATTEMPTS,
            1,
            MAX_ATTEMPTS,
        );
        let initial_delay_ms = in_range(
            "initial_delay_ms",
            self.initial_delay_ms,
            DEFAULT_INITIAL_DELAY_MS,
            0,
            MAX_DELAY_MS,
        );
        let max_delay_ms = in_range(
            "max_delay_ms",
            self.max_delay_ms,
            DEFAULT_MAX_DELAY_MS.max(initial_delay_ms),
            initial_delay_ms,
            MAX_DELAY_MS,
        );
        let deadline_seconds = in_range(
            "deadline_seconds",
            self.deadline_seconds,
            DEFAULT_DEADLINE_SECONDS,
            1,
            MAX_DEADLINE_SECONDS,
        );
        let lookup_window_seconds = in_range(
            "lookup_window_seconds",
            self.lookup_window_seconds,
            DEFAULT_LOOKUP_WINDOW_SECONDS,
            0,
            MAX_DEADLINE_SECONDS,
        );
        RetrySettings {
            max_attempts: max_attempts as u32,
            initial_delay: Duration::from_millis(initial_delay_ms),
            max_delay: Duration::from_millis(max_delay_ms),
            deadline: Duration::from_secs(deadline_seconds),
            lookup_window: Duration::from_secs(lookup_window_seconds),
        }
    }
}

/// A secret string: wiped from memory when dropped, never shown by `Debug`.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Secret(Zeroizing::new(text)))
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(****)")
    }
}

/// The configuration JSON as the ERP sends it; every key is optional here so that all
/// missing keys can be reported at once.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigInput {
    environment: Option<Environment>,
    token_url: Option<String>,
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    technical_login: Option<String>,
    technical_password: Option<Secret>,
    user_id: Option<i64>,
    bank_account: Option<BankAccount>,
    language: Option<Language>,
    timeout_seconds: Option<u64>,
    retry: Option<RetryInput>,
    ca_file: Option<String>,
    syntax: Option<Syntax>,
}

/// The effective configuration of one company file.
#[derive(Clone, Debug)]
pub struct Config {
    pub environment: Environment,
    pub token_url: String,
    /// Gateway root without a trailing slash, such as `https://api.piste.gouv.fr`.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub technical_login: String,
    pub technical_password: Secret,
    /// The portal's `idUtilisateurCourant`, sent only when set.
    pub user_id: Option<i64>,
    pub bank_account: Option<BankAccount>,
    pub language: Language,
    pub timeout: Duration,
    pub retry: RetrySettings,
    /// PEM file of certificate authorities trusted in addition to the system's.
    pub ca_file: Option<PathBuf>,
    /// Syntax of the files built from invoices whose JSON has no `syntax` key.
    pub syntax: Syntax,
}

impl Config {
    /// Parses and checks the configuration JSON, reporting every problem at once.
    pub fn from_json(text: &str) -> Result<Config, Error> {
        if text.len() > MAX_CONFIG_JSON_BYTES {
            return Err(Error::new(
                Code::CHORUS_ERR_INPUT_TOO_LARGE,
                format!(
                    "Configuration JSON de {} octets : au plus {MAX_CONFIG_JSON_BYTES}.",
                    text.len()
                ),
                format!(
                    "Configuration JSON of {} bytes: at most {MAX_CONFIG_JSON_BYTES}.",
                    text.len()
                ),
            ));
        }
        let parsed = serde_json::from_str::<ConfigInput>(text);
        // The configuration has no list, so any JSON array in valid JSON is misplaced.
        if !matches!(&parsed, Err(error) if !error.is_data()) {
            let misplaced = crate::invoice::parse::misplaced_arrays(text, &[]);
            if !misplaced.is_empty() {
                return Err(Error::with_problems(
                    Code::CHORUS_ERR_INVALID_CONFIGURATION,
                    misplaced,
                ));
            }
        }
        let input: ConfigInput = parsed.map_err(|error| {
            let secret_keys = ["client_secret", "technical_password"];
            let problems = crate::invoice::parse::structure_problems::<ConfigInput>(
                text,
                &error,
                &secret_keys,
            )
            .into_iter()
            .map(|located| Problem {
                path: located.path,
                message_fr: format!("JSON de configuration invalide : {}", located.message_fr),
                message_en: format!("invalid configuration JSON: {}", located.message_en),
            })
            .collect();
            let code = if error.is_data() {
                Code::CHORUS_ERR_INVALID_CONFIGURATION
            } else {
                Code::CHORUS_ERR_INVALID_JSON
            };
            Error::with_problems(code, problems)
        })?;
        let mut problems = Vec::new();
        let environment = input.environment.unwrap_or_default();
        let urls = environment.urls();
        let token_url = input.token_url.unwrap_or_else(|| urls.token_url.to_owned());
        let base_url = input
            .base_url
            .unwrap_or_else(|| urls.base_url.to_owned())
            .trim_end_matches('/')
            .to_owned();
        check_url("token_url", &token_url, &mut problems);
        check_url("base_url", &base_url, &mut problems);

        let client_id = required_text("client_id", input.client_id, &mut problems);
        let technical_login =
            required_text("technical_login", input.technical_login, &mut problems);
        let client_secret = required_secret("client_secret", input.client_secret, &mut problems);
        let technical_password = required_secret(
            "technical_password",
            input.technical_password,
            &mut problems,
        );
        if let Some(login) = &technical_login {
            if login.contains(':') {
                problems.push(problem(
                    "technical_login",
                    "ne doit pas contenir « : » (séparateur de l'en-tête cpro-account)",
                    "must not contain ':' (the cpro-account header separator)",
                ));
            }
        }
        if let Some(user_id) = input.user_id {
            if user_id <= 0 {
                problems.push(problem(
                    "user_id",
                    "doit être un entier positif (idUtilisateurCourant)",
                    "must be a positive integer (idUtilisateurCourant)",
                ));
            }
        }
        if let Some(account) = &input.bank_account {
            if account.iban.trim().is_empty() {
                problems.push(problem("bank_account.iban", "est vide", "is empty"));
            }
        }
        let timeout_seconds = input.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        if timeout_seconds == 0 || timeout_seconds > MAX_TIMEOUT_SECONDS {
            problems.push(problem(
                "timeout_seconds",
                &format!("doit être entre 1 et {MAX_TIMEOUT_SECONDS} secondes"),
                &format!("must be between 1 and {MAX_TIMEOUT_SECONDS} seconds"),
            ));
        }
        let ca_file = input.ca_file.map(|path| path.trim().to_owned());
        if ca_file.as_deref() == Some("") {
            problems.push(problem("ca_file", "est vide", "is empty"));
        }
        let retry = match input.retry {
            Some(retry) => retry.into_settings(&mut problems),
            None => RetrySettings::default(),
        };
        if !problems.is_empty() {
            return Err(Error::with_problems(
                Code::CHORUS_ERR_INVALID_CONFIGURATION,
                problems,
            ));
        }
        check_environment(environment, &token_url, &base_url)?;

        Ok(Config {
            environment,
            token_url,
            base_url,
            client_id: client_id.expect("checked above"),
            client_secret: client_secret.expect("checked above"),
            technical_login: technical_login.expect("checked above"),
            technical_password: technical_password.expect("checked above"),
            user_id: input.user_id,
            bank_account: input.bank_account,
            language: input.language.unwrap_or_default(),
            timeout: Duration::from_secs(timeout_seconds),
            retry,
            ca_file: ca_file.map(PathBuf::from),
            syntax: input.syntax.unwrap_or_default(),
        })
    }

    /// Describes the effective configuration with every secret masked.
    pub fn to_masked_json(&self) -> Value {
        json!({
            "environment": self.environment,
            "token_url": self.token_url,
            "base_url": self.base_url,
            "client_id": self.client_id,
            "client_secret": MASK,
            "technical_login": self.technical_login,
            "technical_password": MASK,
            "user_id": self.user_id,
            "bank_account": self.bank_account,
            "language": self.language,
            "timeout_seconds": self.timeout.as_secs(),
            "ca_file": self.ca_file.as_ref().map(|path| path.display().to_string()),
            "syntax": self.syntax.name(),
            "retry": {
                "max_attempts": self.retry.max_attempts,
                "initial_delay_ms": self.retry.initial_delay.as_millis() as u64,
                "max_delay_ms": self.retry.max_delay.as_millis() as u64,
                "deadline_seconds": self.retry.deadline.as_secs(),
                "lookup_window_seconds": self.retry.lookup_window.as_secs(),
            },
        })
    }
}

/// Text shown in place of a secret in the masked configuration.
const MASK: &str = "********";

fn problem(path: &str, message_fr: &str, message_en: &str) -> Problem {
    Problem {
        path: path.to_owned(),
        message_fr: format!("{path} {message_fr}"),
        message_en: format!("{path} {message_en}"),
    }
}

fn required_text(key: &str, value: Option<String>, problems: &mut Vec<Problem>) -> Option<String> {
    match value.map(|text| text.trim().to_owned()) {
        Some(text) if !text.is_empty() => Some(text),
        _ => {
            problems.push(problem(key, "est obligatoire", "is required"));
            None
        }
    }
}

fn required_secret(
    key: &str,
    value: Option<Secret>,
    problems: &mut Vec<Problem>,
) -> Option<Secret> {
    match value {
        Some(secret) if !secret.expose().is_empty() => Some(secret),
        _ => {
            problems.push(problem(key, "est obligatoire", "is required"));
            None
        }
    }
}

/// Returns the host of an `http` or `https` URL, without port or credentials.
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// Tells whether a host is this machine: `localhost` or a loopback address.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|address| address.is_loopback())
            .unwrap_or(false)
}

fn check_url(key: &str, url: &str, problems: &mut Vec<Problem>) {
    let Some(host) = url_host(url) else {
        problems.push(problem(
            key,
            &format!("n'est pas une URL http(s) valide : « {url} »"),
            &format!("is not a valid http(s) URL: '{url}'"),
        ));
        return;
    };
    if url.starts_with("http://") && !is_loopback_host(host) {
        problems.push(problem(
            key,
            &format!(
                "doit utiliser https (http n'est permis que vers la machine locale) : « {url} »"
            ),
            &format!("must use https (http is allowed only towards this machine): '{url}'"),
        ));
    }
    if host.to_ascii_lowercase().ends_with(LEGACY_HOST_SUFFIX) {
        problems.push(problem(
            key,
            &format!(
                "désigne un ancien hôte {LEGACY_HOST_SUFFIX}, hors service : utilisez les \
                 hôtes *.piste.gouv.fr"
            ),
            &format!("names a retired {LEGACY_HOST_SUFFIX} host: use the *.piste.gouv.fr hosts"),
        ));
    }
}

/// Refuses production settings pointing at the PISTE sandbox, and the reverse.
///
/// Loopback URLs (a local sandbox) are accepted in both environments.
fn check_environment(
    environment: Environment,
    token_url: &str,
    base_url: &str,
) -> Result<(), Error> {
    for url in [token_url, base_url] {
        let host = url_host(url).unwrap_or_default().to_ascii_lowercase();
        let is_sandbox_host = host.starts_with("sandbox-") && host.ends_with(".piste.gouv.fr");
        let is_production_host = !is_sandbox_host && host.ends_with(".piste.gouv.fr");
        let mismatch = match environment {
            Environment::Production => is_sandbox_host,
            Environment::Qualification => is_production_host,
        };
        if mismatch {
            let name = match environment {
                Environment::Production => "production",
                Environment::Qualification => "qualification",
            };
            return Err(Error::new(
                Code::CHORUS_ERR_WRONG_ENVIRONMENT,
                format!("L'environnement est « {name} » mais l'URL {url} appartient à l'autre environnement."),
                format!("The environment is '{name}' but the URL {url} belongs to the other environment."),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"client_id": "id", "client_secret": "s3cret",
        "technical_login": "TECH_1@cpro.fr", "technical_password": "p4ss"}"#;

    #[test]
    fn arrays_for_objects_rejected() {
        let text = MINIMAL.replacen('{', r#"{"retry": [3, 100],"#, 1);
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
        assert_eq!(error.problems[0].path, "retry");
    }

    #[test]
    fn every_structure_problem_listed() {
        let text = MINIMAL.replacen(
            "\"client_id\"",
            "\"clientid\": 1, \"timeout_seconds\": \"ten\", \"client_id\"",
            1,
        );
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["clientid", "timeout_seconds"],
            "{:?}",
            error.problems
        );
        for problem in &error.problems {
            assert!(!problem.message_en.contains("s3cret"), "{problem:?}");
            assert!(!problem.message_fr.contains("s3cret"), "{problem:?}");
        }
    }

    #[test]
    fn defaults_to_production_hosts() {
        let config = Config::from_json(MINIMAL).unwrap();
        assert_eq!(config.environment, Environment::Production);
        assert_eq!(config.token_url, PRODUCTION_URLS.token_url);
        assert_eq!(config.base_url, PRODUCTION_URLS.base_url);
        assert_eq!(config.language, Language::Fr);
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.syntax, Syntax::Ubl);
        assert_eq!(config.to_masked_json()["syntax"], "ubl");
    }

    #[test]
    fn syntax_key_read_and_checked() {
        let cii = MINIMAL.replace('{', r#"{"syntax": "cii","#);
        let config = Config::from_json(&cii).unwrap();
        assert_eq!(config.syntax, Syntax::Cii);
        assert_eq!(config.to_masked_json()["syntax"], "cii");

        let unknown = MINIMAL.replace('{', r#"{"syntax": "xcbl","#);
        let error = Config::from_json(&unknown).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
        assert!(error.problems[0].message_en.contains("xcbl"), "{error}");
    }

    #[test]
    fn qualification_switch_picks_sandbox_hosts() {
        let text = MINIMAL.replace('{', r#"{"environment": "qualification","#);
        let config = Config::from_json(&text).unwrap();
        assert_eq!(config.token_url, QUALIFICATION_URLS.token_url);
        assert_eq!(config.base_url, QUALIFICATION_URLS.base_url);
    }

    #[test]
    fn unknown_key_is_named() {
        let text = MINIMAL.replace('{', r#"{"clientid": "x","#);
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
        assert!(error.problems[0].message_en.contains("clientid"));
        assert_eq!(error.problems[0].path, "clientid");
    }

    #[test]
    fn wrong_type_names_key() {
        let text = MINIMAL.replace('{', r#"{"timeout_seconds": "30","#);
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
        assert_eq!(error.problems[0].path, "timeout_seconds");
    }

    #[test]
    fn missing_keys_reported_together() {
        let error = Config::from_json("{}").unwrap_err();
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "client_id",
                "technical_login",
                "client_secret",
                "technical_password"
            ]
        );
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let local = MINIMAL.replace('{', r#"{"base_url": "http://127.0.0.1:8080/","#);
        assert_eq!(
            Config::from_json(&local).unwrap().base_url,
            "http://127.0.0.1:8080"
        );
        let remote = MINIMAL.replace('{', r#"{"base_url": "http://api.example.org","#);
        let error = Config::from_json(&remote).unwrap_err();
        assert_eq!(error.problems[0].path, "base_url");
    }

    #[test]
    fn sandbox_host_in_production_is_wrong_environment() {
        let text = MINIMAL.replace('{', r#"{"base_url": "https://sandbox-api.piste.gouv.fr","#);
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_WRONG_ENVIRONMENT);
    }

    #[test]
    fn legacy_host_refused() {
        let text = MINIMAL.replace('{', r#"{"base_url": "https://api.aife.economie.gouv.fr","#);
        let error = Config::from_json(&text).unwrap_err();
        assert!(error.problems[0].message_en.contains("retired"));
    }

    #[test]
    fn secrets_masked_everywhere() {
        let config = Config::from_json(MINIMAL).unwrap();
        let masked = config.to_masked_json().to_string();
        let debug = format!("{config:?}");
        for secret in ["s3cret", "p4ss"] {
            assert!(!masked.contains(secret), "{masked}");
            assert!(!debug.contains(secret), "{debug}");
        }
    }

    #[test]
    fn retry_defaults_and_echo() {
        let config = Config::from_json(MINIMAL).unwrap();
        assert_eq!(config.retry, RetrySettings::default());
        assert_eq!(config.retry.max_attempts, 4);
        assert_eq!(config.retry.initial_delay, Duration::from_millis(500));
        assert_eq!(config.retry.max_delay, Duration::from_secs(8));
        assert_eq!(config.retry.deadline, Duration::from_secs(60));
        assert_eq!(config.retry.lookup_window, Duration::from_secs(60));
        let masked = config.to_masked_json();
        assert_eq!(masked["retry"]["max_attempts"], 4);
        assert_eq!(masked["retry"]["initial_delay_ms"], 500);
        assert_eq!(masked["retry"]["lookup_window_seconds"], 60);
    }

    #[test]
    fn retry_settings_read() {
        let text = MINIMAL.replace(
            '{',
            r#"{"retry": {"max_attempts": 2, "initial_delay_ms": 10, "max_delay_ms": 20,
                "deadline_seconds": 5, "lookup_window_seconds": 0},"#,
        );
        let retry = Config::from_json(&text).unwrap().retry;
        assert_eq!(retry.max_attempts, 2);
        assert_eq!(retry.initial_delay, Duration::from_millis(10));
        assert_eq!(retry.max_delay, Duration::from_millis(20));
        assert_eq!(retry.deadline, Duration::from_secs(5));
        assert_eq!(retry.lookup_window, Duration::ZERO);
    }

    #[test]
    fn retry_problems_reported_together() {
        let text = MINIMAL.replace(
            '{',
            r#"{"retry": {"max_attempts": 0, "initial_delay_ms": 100, "max_delay_ms": 50,
                "deadline_seconds": 0},"#,
        );
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INVALID_CONFIGURATION);
        let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "retry.max_attempts",
                "retry.max_delay_ms",
                "retry.deadline_seconds"
            ]
        );

        let unknown = MINIMAL.replace('{', r#"{"retry": {"attempts": 3},"#);
        let error = Config::from_json(&unknown).unwrap_err();
        assert!(error.problems[0].message_en.contains("attempts"));
    }

    #[test]
    fn oversized_configuration_rejected() {
        let text = format!(
            r#"{{"client_id": "{}"}}"#,
            "a".repeat(MAX_CONFIG_JSON_BYTES)
        );
        let error = Config::from_json(&text).unwrap_err();
        assert_eq!(error.code, Code::CHORUS_ERR_INPUT_TOO_LARGE);
    }

    #[test]
    fn url_host_parsing() {
        assert_eq!(url_host("https://a.b:443/x"), Some("a.b"));
        assert_eq!(url_host("http://[::1]:80/"), Some("::1"));
        assert_eq!(url_host("ftp://a.b"), None);
        assert!(is_loopback_host("127.0.0.2"));
        assert!(is_loopback_host("::1"));
        assert!(!is_loopback_host("10.0.0.1"));
    }
}
