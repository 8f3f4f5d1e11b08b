//! Result codes, the error type, and the error object written to `out_json`.
//!
//! Codes are grouped by origin, in blocks of a thousand: 1xxx caller input, 2xxx setup
//! problems the portal reports, 3xxx availability and transport, 4xxx portal outcomes,
//! 9xxx internal. A number is never reused: a retired code stays here as a comment.

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Language;
use crate::invoice::Problem;

/// Result code returned by every fallible exported function.
///
/// The C header declares these as named constants; functions return them as `uint32_t`.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum chorus_result {
    /// Success.
    CHORUS_OK = 0,
    /// A required pointer argument was NULL.
    CHORUS_ERR_NULL_ARGUMENT = 1001,
    /// A string argument was not valid UTF-8.
    CHORUS_ERR_INVALID_UTF8 = 1002,
    /// A JSON argument could not be parsed.
    CHORUS_ERR_INVALID_JSON = 1003,
    /// The configuration JSON is incomplete or inconsistent; `problems` lists each key.
    CHORUS_ERR_INVALID_CONFIGURATION = 1004,
    /// The handle was used before a successful `chorus_configure`.
    CHORUS_ERR_NOT_CONFIGURED = 1005,
    /// The invoice failed local validation; `problems` lists each field.
    CHORUS_ERR_INVALID_INVOICE = 1006,
    /// The status query JSON is invalid.
    CHORUS_ERR_INVALID_QUERY = 1007,
    /// An input is larger than the library accepts.
    CHORUS_ERR_INPUT_TOO_LARGE = 1008,
    /// The PISTE token endpoint rejected the client id or secret (`invalid_client`).
    CHORUS_ERR_PISTE_CLIENT_REJECTED = 2001,
    /// Chorus Pro rejected the technical account login or password (`cpro-account`).
    CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED = 2002,
    /// The technical account password has expired.
    CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED = 2003,
    /// HTTP 403: API not subscribed, terms not accepted, or API connection missing.
    CHORUS_ERR_API_ACCESS_DENIED = 2004,
    /// Settings of one environment used against the other (production vs qualification).
    CHORUS_ERR_WRONG_ENVIRONMENT = 2005,
    /// HTTP 404: wrong base URL or token URL, or API not open on this environment.
    CHORUS_ERR_ENDPOINT_NOT_FOUND = 2006,
    /// HTTP 500, 502, 503 or 504: the portal is unavailable or in maintenance.
    CHORUS_ERR_PORTAL_UNAVAILABLE = 3001,
    /// The connection failed (DNS, refused, reset) before a reply arrived.
    CHORUS_ERR_NETWORK = 3002,
    /// No reply within `timeout_seconds`.
    CHORUS_ERR_TIMEOUT = 3003,
    /// The TLS handshake or certificate check failed.
    CHORUS_ERR_TLS = 3004,
    /// HTTP 429: the gateway throttled the application.
    CHORUS_ERR_RATE_LIMITED = 3005,
    /// The host name of `token_url` or `base_url` did not resolve.
    CHORUS_ERR_DNS = 3006,
    /// The host rejected the TCP connection (nothing listens on that port).
    CHORUS_ERR_CONNECTION_REFUSED = 3007,
    /// The HTTP proxy failed or refused to relay the request.
    CHORUS_ERR_PROXY = 3008,
    /// The portal rejected the request or the invoice (non-zero `codeRetour`).
    CHORUS_ERR_REJECTED = 4001,
    /// The invoice number was already used by this supplier.
    CHORUS_ERR_DUPLICATE_INVOICE = 4002,
    /// The flux or invoice asked for does not exist.
    CHORUS_ERR_NOT_FOUND = 4003,
    /// The portal's reply could not be understood.
    CHORUS_ERR_UNEXPECTED_REPLY = 9001,
    /// A Rust panic was caught at the boundary; the handle stays usable.
    CHORUS_ERR_PANIC = 9002,
    /// An internal error that is a bug in the library.
    CHORUS_ERR_INTERNAL = 9003,
}

use chorus_result as Code;

/// Static facts of one result code: its name, whether retrying can help, and the hint.
struct CodeInfo {
    name: &'static str,
    retryable: bool,
    hint_fr: &'static str,
    hint_en: &'static str,
}

/// Every result code with its name, retryability and default hint.
///
/// `chorus_result_name`, the error object and the README table all come from here.
const CODE_TABLE: &[(Code, CodeInfo)] = &[
    (
        Code::CHORUS_OK,
        CodeInfo {
            name: "CHORUS_OK",
            retryable: false,
            hint_fr: "",
            hint_en: "",
        },
    ),
    (
        Code::CHORUS_ERR_NULL_ARGUMENT,
        CodeInfo {
            name: "CHORUS_ERR_NULL_ARGUMENT",
            retryable: false,
            hint_fr: "Passez un pointeur non nul pour chaque argument obligatoire.",
            hint_en: "Pass a non-NULL pointer for every required argument.",
        },
    ),
    (
        Code::CHORUS_ERR_INVALID_UTF8,
        CodeInfo {
            name: "CHORUS_ERR_INVALID_UTF8",
            retryable: false,
            hint_fr: "Encodez les chaînes en UTF-8 avant l'appel (pas en Windows-1252).",
            hint_en: "Encode strings as UTF-8 before the call (not Windows-1252).",
        },
    ),
    (
        Code::CHORUS_ERR_INVALID_JSON,
        CodeInfo {
            name: "CHORUS_ERR_INVALID_JSON",
            retryable: false,
            hint_fr: "Vérifiez la syntaxe JSON à la ligne et colonne indiquées.",
            hint_en: "Check the JSON syntax at the line and column given.",
        },
    ),
    (
        Code::CHORUS_ERR_INVALID_CONFIGURATION,
        CodeInfo {
            name: "CHORUS_ERR_INVALID_CONFIGURATION",
            retryable: false,
            hint_fr: "Corrigez chaque clé listée dans problems puis rappelez chorus_configure.",
            hint_en: "Fix each key listed in problems, then call chorus_configure again.",
        },
    ),
    (
        Code::CHORUS_ERR_NOT_CONFIGURED,
        CodeInfo {
            name: "CHORUS_ERR_NOT_CONFIGURED",
            retryable: false,
            hint_fr: "Appelez chorus_configure avec succès sur ce handle avant cet appel.",
            hint_en: "Call chorus_configure successfully on this handle before this call.",
        },
    ),
    (
        Code::CHORUS_ERR_INVALID_INVOICE,
        CodeInfo {
            name: "CHORUS_ERR_INVALID_INVOICE",
            retryable: false,
            hint_fr: "Corrigez chaque champ listé dans problems ; rien n'a été envoyé au portail.",
            hint_en: "Fix each field listed in problems; nothing was sent to the portal.",
        },
    ),
    (
        Code::CHORUS_ERR_INVALID_QUERY,
        CodeInfo {
            name: "CHORUS_ERR_INVALID_QUERY",
            retryable: false,
            hint_fr: "Vérifiez la requête JSON selon la documentation de l'appel (clés attendues \
                      et types) ; le message nomme la clé en cause.",
            hint_en: "Check the query JSON against the call's documentation (expected keys and \
                      types); the message names the key at fault.",
        },
    ),
    (
        Code::CHORUS_ERR_INPUT_TOO_LARGE,
        CodeInfo {
            name: "CHORUS_ERR_INPUT_TOO_LARGE",
            retryable: false,
            hint_fr: "Réduisez la taille de l'entrée (pièces jointes comprises).",
            hint_en: "Reduce the size of the input (attachments included).",
        },
    ),
    (
        Code::CHORUS_ERR_PISTE_CLIENT_REJECTED,
        CodeInfo {
            name: "CHORUS_ERR_PISTE_CLIENT_REJECTED",
            retryable: false,
            hint_fr: "Vérifiez client_id et client_secret de l'application PISTE, et qu'ils \
                      appartiennent à l'environnement choisi (l'application APP_SANDBOX ne \
                      sert qu'en qualification).",
            hint_en: "Check the PISTE application's client_id and client_secret, and that they \
                      belong to the chosen environment (the APP_SANDBOX application only \
                      works in qualification).",
        },
    ),
    (
        Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED,
        CodeInfo {
            name: "CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED",
            retryable: false,
            hint_fr: "Vérifiez technical_login et technical_password du compte technique Chorus \
                      Pro ; le mot de passe a pu être changé ou régénéré dans Chorus Pro.",
            hint_en: "Check technical_login and technical_password of the Chorus Pro technical \
                      account; the password may have been changed or regenerated in Chorus Pro.",
        },
    ),
    (
        Code::CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED,
        CodeInfo {
            name: "CHORUS_ERR_TECHNICAL_PASSWORD_EXPIRED",
            retryable: false,
            hint_fr: "Le mot de passe technique expire tous les 424 jours : le gestionnaire \
                      principal doit le renouveler dans Chorus Pro, puis mettez à jour \
                      technical_password.",
            hint_en: "The technical password expires every 424 days: the structure's main \
                      manager must renew it in Chorus Pro, then update technical_password.",
        },
    ),
    (
        Code::CHORUS_ERR_API_ACCESS_DENIED,
        CodeInfo {
            name: "CHORUS_ERR_API_ACCESS_DENIED",
            retryable: false,
            hint_fr: "Sur PISTE, abonnez l'application aux API Chorus Pro (Factures, \
                      Transverses) et acceptez leurs CGU pour cet environnement ; dans Chorus \
                      Pro, déclarez le raccordement API avec le nom de l'application PISTE.",
            hint_en: "On PISTE, subscribe the application to the Chorus Pro APIs (Factures, \
                      Transverses) and accept their terms for this environment; in Chorus Pro, \
                      declare the API connection naming the PISTE application.",
        },
    ),
    (
        Code::CHORUS_ERR_WRONG_ENVIRONMENT,
        CodeInfo {
            name: "CHORUS_ERR_WRONG_ENVIRONMENT",
            retryable: false,
            hint_fr: "Utilisez les URL, identifiants PISTE et compte technique du même \
                      environnement (production ou qualification).",
            hint_en: "Use the URLs, PISTE credentials and technical account of one and the same \
                      environment (production or qualification).",
        },
    ),
    (
        Code::CHORUS_ERR_ENDPOINT_NOT_FOUND,
        CodeInfo {
            name: "CHORUS_ERR_ENDPOINT_NOT_FOUND",
            retryable: false,
            hint_fr: "Vérifiez base_url et token_url (hôtes *.piste.gouv.fr) et que l'API est \
                      ouverte pour cet environnement.",
            hint_en: "Check base_url and token_url (*.piste.gouv.fr hosts) and that the API is \
                      open on this environment.",
        },
    ),
    (
        Code::CHORUS_ERR_PORTAL_UNAVAILABLE,
        CodeInfo {
            name: "CHORUS_ERR_PORTAL_UNAVAILABLE",
            retryable: true,
            hint_fr: "Chorus Pro est indisponible ou en maintenance ; réessayez plus tard.",
            hint_en: "Chorus Pro is unavailable or in maintenance; try again later.",
        },
    ),
    (
        Code::CHORUS_ERR_NETWORK,
        CodeInfo {
            name: "CHORUS_ERR_NETWORK",
            retryable: true,
            hint_fr: "Vérifiez l'accès réseau, le DNS et le proxy vers les hôtes configurés.",
            hint_en: "Check network access, DNS and proxy towards the configured hosts.",
        },
    ),
    (
        Code::CHORUS_ERR_TIMEOUT,
        CodeInfo {
            name: "CHORUS_ERR_TIMEOUT",
            retryable: true,
            hint_fr: "Réessayez ; si cela persiste, augmentez timeout_seconds.",
            hint_en: "Try again; if it persists, raise timeout_seconds.",
        },
    ),
    (
        Code::CHORUS_ERR_TLS,
        CodeInfo {
            name: "CHORUS_ERR_TLS",
            retryable: false,
            hint_fr: "Vérifiez l'heure du poste et le magasin de certificats (proxy d'entreprise).",
            hint_en: "Check the machine's clock and certificate store (corporate proxy).",
        },
    ),
    (
        Code::CHORUS_ERR_RATE_LIMITED,
        CodeInfo {
            name: "CHORUS_ERR_RATE_LIMITED",
            retryable: true,
            hint_fr: "Le quota PISTE est atteint ; ralentissez puis réessayez.",
            hint_en: "The PISTE quota is reached; slow down, then try again.",
        },
    ),
    (
        Code::CHORUS_ERR_DNS,
        CodeInfo {
            name: "CHORUS_ERR_DNS",
            retryable: true,
            hint_fr: "Vérifiez l'orthographe de l'hôte dans token_url et base_url, le DNS du \
                      poste et, derrière un proxy, HTTPS_PROXY.",
            hint_en: "Check the host spelling in token_url and base_url, the machine's DNS and, \
                      behind a proxy, HTTPS_PROXY.",
        },
    ),
    (
        Code::CHORUS_ERR_CONNECTION_REFUSED,
        CodeInfo {
            name: "CHORUS_ERR_CONNECTION_REFUSED",
            retryable: true,
            hint_fr: "Vérifiez le port de token_url et base_url et qu'un pare-feu ne bloque pas \
                      la sortie vers ces hôtes.",
            hint_en: "Check the port of token_url and base_url and that no firewall blocks \
                      outgoing traffic to these hosts.",
        },
    ),
    (
        Code::CHORUS_ERR_PROXY,
        CodeInfo {
            name: "CHORUS_ERR_PROXY",
            retryable: true,
            hint_fr: "Vérifiez HTTPS_PROXY / HTTP_PROXY / NO_PROXY et les identifiants du proxy.",
            hint_en: "Check HTTPS_PROXY / HTTP_PROXY / NO_PROXY and the proxy credentials.",
        },
    ),
    (
        Code::CHORUS_ERR_REJECTED,
        CodeInfo {
            name: "CHORUS_ERR_REJECTED",
            retryable: false,
            hint_fr: "Lisez codeRetour et libelle : le portail indique la donnée refusée.",
            hint_en: "Read codeRetour and libelle: the portal names the rejected data.",
        },
    ),
    (
        Code::CHORUS_ERR_DUPLICATE_INVOICE,
        CodeInfo {
            name: "CHORUS_ERR_DUPLICATE_INVOICE",
            retryable: false,
            hint_fr: "Ce numéro de facture est déjà déposé pour ce fournisseur ; ne renvoyez \
                      pas la facture, suivez celle déjà déposée.",
            hint_en: "This invoice number was already deposited for this supplier; do not send \
                      it again, follow the one already deposited.",
        },
    ),
    (
        Code::CHORUS_ERR_NOT_FOUND,
        CodeInfo {
            name: "CHORUS_ERR_NOT_FOUND",
            retryable: false,
            hint_fr: "Vérifiez le numéro demandé et le compte technique utilisé.",
            hint_en: "Check the number asked for and the technical account used.",
        },
    ),
    (
        Code::CHORUS_ERR_UNEXPECTED_REPLY,
        CodeInfo {
            name: "CHORUS_ERR_UNEXPECTED_REPLY",
            retryable: false,
            hint_fr: "Le portail a répondu dans une forme inattendue ; vérifiez base_url et \
                      transmettez ce message au support.",
            hint_en: "The portal replied in an unexpected form; check base_url and send this \
                      message to support.",
        },
    ),
    (
        Code::CHORUS_ERR_PANIC,
        CodeInfo {
            name: "CHORUS_ERR_PANIC",
            retryable: false,
            hint_fr: "Erreur interne de la bibliothèque ; transmettez ce message au support.",
            hint_en: "Internal library error; send this message to support.",
        },
    ),
    (
        Code::CHORUS_ERR_INTERNAL,
        CodeInfo {
            name: "CHORUS_ERR_INTERNAL",
            retryable: false,
            hint_fr: "Erreur interne de la bibliothèque ; transmettez ce message au support.",
            hint_en: "Internal library error; send this message to support.",
        },
    ),
];

fn info(code: Code) -> &'static CodeInfo {
    CODE_TABLE
        .iter()
        .find(|(candidate, _)| *candidate == code)
        .map(|(_, info)| info)
        .expect("every chorus_result variant has a CODE_TABLE row")
}

/// Writes the Markdown table of `docs/result-codes.md`: every code with its retryability
/// and the fix, in French and English, straight from `CODE_TABLE`.
pub fn result_codes_markdown() -> String {
    let mut text = String::from(
        "# Result codes and what to fix\n\n\
         Generated from `src/error.rs` by `UPDATE_DOCS=1 cargo test -p chorus-pro --lib \
         result_codes_doc`; a unit test fails when this page differs from the code.\n\n\
         | Code | Name | Retryable | À corriger (FR) | What to fix (EN) |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for (code, info) in CODE_TABLE.iter().skip(1) {
        let retryable = if info.retryable { "yes" } else { "no" };
        text.push_str(&format!(
            "| {} | `{}` | {retryable} | {} | {} |\n",
            *code as u32,
            info.name,
            info.hint_fr.replace('|', "\\|"),
            info.hint_en.replace('|', "\\|"),
        ));
    }
    text
}

impl chorus_result {
    /// Returns the code's C name, such as `"CHORUS_ERR_TIMEOUT"`.
    pub fn name(self) -> &'static str {
        info(self).name
    }

    /// Returns the code with this number, if there is one.
    pub fn from_u32(number: u32) -> Option<Code> {
        CODE_TABLE
            .iter()
            .map(|(code, _)| *code)
            .find(|code| *code as u32 == number)
    }

    /// Lists every code in numeric order.
    pub fn all() -> impl Iterator<Item = Code> {
        CODE_TABLE.iter().map(|(code, _)| *code)
    }
}

/// A failure with everything the ERP needs to act on it; its fields are in [`ErrorData`].
///
/// Holds no secret: messages and portal fields are built from replies and key names only.
/// Boxed so that `Result<T, Error>` stays one pointer wide on the success path.
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<ErrorData>);

impl std::ops::Deref for Error {
    type Target = ErrorData;

    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

/// The fields of an [`Error`].
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorData {
    pub code: Code,
    pub message_fr: String,
    pub message_en: String,
    /// Replaces the code's default hint when the situation calls for a more precise one.
    pub hint: Option<(String, String)>,
    pub retryable: bool,
    pub http_status: Option<u16>,
    /// The portal's `codeRetour`, when its reply carried one.
    pub code_retour: Option<i64>,
    /// The portal's `libelle`, when its reply carried one.
    pub libelle: Option<String>,
    /// The `WWW-Authenticate` header of a 401 or 403 reply.
    pub www_authenticate: Option<String>,
    /// OAuth2 `error` and `error_description` from the token endpoint.
    pub oauth_error: Option<String>,
    pub oauth_error_description: Option<String>,
    /// The URL path that failed, such as `/cpro/factures/v1/deposer/flux`.
    pub endpoint: Option<String>,
    pub problems: Vec<Problem>,
    /// Extra structured data, such as the steps of a connection test.
    pub details: Option<Value>,
}

impl Error {
    /// Creates an error with the code's default retryability and hint.
    pub fn new(code: Code, message_fr: impl Into<String>, message_en: impl Into<String>) -> Self {
        Error(Box::new(ErrorData {
            code,
            message_fr: message_fr.into(),
            message_en: message_en.into(),
            hint: None,
            retryable: info(code).retryable,
            http_status: None,
            code_retour: None,
            libelle: None,
            www_authenticate: None,
            oauth_error: None,
            oauth_error_description: None,
            endpoint: None,
            problems: Vec::new(),
            details: None,
        }))
    }

    /// Creates an error that lists `problems`, each with its field path.
    pub fn with_problems(code: Code, problems: Vec<Problem>) -> Self {
        let count = problems.len();
        let mut error = Error::new(
            code,
            format!("{count} problème(s) trouvé(s) ; voir problems."),
            format!("{count} problem(s) found; see problems."),
        );
        error.problems = problems;
        error
    }

    pub fn hint(mut self, fr: impl Into<String>, en: impl Into<String>) -> Self {
        self.hint = Some((fr.into(), en.into()));
        self
    }

    pub fn http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    pub fn endpoint(mut self, path: impl Into<String>) -> Self {
        self.endpoint = Some(path.into());
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Builds the JSON error object written to `out_json`.
    pub fn to_json(&self, language: Language) -> Value {
        let code_info = info(self.code);
        let (message, hint) = match language {
            Language::Fr => (
                &self.message_fr,
                self.hint
                    .as_ref()
                    .map_or(code_info.hint_fr, |h| h.0.as_str()),
            ),
            Language::En => (
                &self.message_en,
                self.hint
                    .as_ref()
                    .map_or(code_info.hint_en, |h| h.1.as_str()),
            ),
        };
        let mut object = json!({
            "code": self.code as u32,
            "name": code_info.name,
            "message": message,
            "hint": hint,
            "retryable": self.retryable,
        });
        let map = object.as_object_mut().expect("json! built an object");
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                map.insert(key.to_owned(), value);
            }
        };
        put("http_status", self.http_status.map(Value::from));
        put("codeRetour", self.code_retour.map(Value::from));
        put("libelle", self.libelle.clone().map(Value::from));
        put(
            "www_authenticate",
            self.www_authenticate.clone().map(Value::from),
        );
        put("oauth_error", self.oauth_error.clone().map(Value::from));
        put(
            "oauth_error_description",
            self.oauth_error_description.clone().map(Value::from),
        );
        put("endpoint", self.endpoint.clone().map(Value::from));
        if !self.problems.is_empty() {
            let problems = self
                .problems
                .iter()
                .map(|problem| ProblemJson::new(problem, language))
                .collect::<Vec<_>>();
            put("problems", serde_json::to_value(problems).ok());
        }
        put("details", self.details.clone());
        object
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.code.name(), self.message_en)
    }
}

impl std::error::Error for Error {}

/// One problem as written in the error object: the field path and the message in both languages.
#[derive(Serialize)]
struct ProblemJson<'a> {
    path: &'a str,
    message: &'a str,
    message_fr: &'a str,
    message_en: &'a str,
}

impl<'a> ProblemJson<'a> {
    fn new(problem: &'a Problem, language: Language) -> Self {
        let message = match language {
            Language::Fr => &problem.message_fr,
            Language::En => &problem.message_en,
        };
        ProblemJson {
            path: &problem.path,
            message,
            message_fr: &problem.message_fr,
            message_en: &problem.message_en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_table_covers_numbers_once() {
        let numbers: Vec<u32> = chorus_result::all().map(|code| code as u32).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(numbers.len(), sorted.len(), "a number appears twice");
        assert_eq!(numbers, sorted, "CODE_TABLE is not in numeric order");
    }

    #[test]
    fn names_match_variants() {
        for code in chorus_result::all() {
            assert_eq!(format!("{code:?}"), code.name());
            assert_eq!(chorus_result::from_u32(code as u32), Some(code));
        }
        assert_eq!(chorus_result::from_u32(42), None);
    }

    #[test]
    fn readme_lists_every_code() {
        let readme = include_str!("../README.md");
        for code in chorus_result::all() {
            let row = format!("| {} | `{}` |", code as u32, code.name());
            assert!(readme.contains(&row), "README.md lacks the row {row}");
        }
    }

    #[test]
    fn result_codes_doc_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/result-codes.md");
        let expected = result_codes_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).expect("docs/result-codes.md is writable");
        }
        let written = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            written == expected,
            "docs/result-codes.md is out of date: run UPDATE_DOCS=1 cargo test -p chorus-pro --lib result_codes_doc"
        );
    }

    #[test]
    fn error_json_carries_portal_fields() {
        let mut error =
            Error::new(Code::CHORUS_ERR_REJECTED, "refusé", "rejected").http_status(200);
        error.code_retour = Some(20001);
        error.libelle = Some("GDP_MSG_11.022".into());
        let object = error.to_json(Language::En);
        assert_eq!(object["code"], 4001);
        assert_eq!(object["name"], "CHORUS_ERR_REJECTED");
        assert_eq!(object["message"], "rejected");
        assert_eq!(object["codeRetour"], 20001);
        assert_eq!(object["libelle"], "GDP_MSG_11.022");
        assert_eq!(object["retryable"], false);
        assert!(object["hint"].as_str().unwrap().contains("codeRetour"));
        assert_eq!(error.to_json(Language::Fr)["message"], "refusé");
    }
}
