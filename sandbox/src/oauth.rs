//! The PISTE OAuth2 token endpoint (client-credentials grant) and the token store.

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::json;

use crate::app::App;
use crate::clock::Timestamp;
use crate::dataset::SANDBOX_ENVIRONMENT;
use crate::http::{IncomingRequest, Reply};
use crate::messages;

pub const TOKEN_PATH: &str = "/api/oauth/token";

/// Expired tokens are kept this long so that using one reports "expired", not "invalid".
const EXPIRED_TOKEN_RETENTION: Duration = Duration::from_secs(24 * 3600);

pub struct IssuedToken {
    pub client_id: String,
    pub expires_at: Timestamp,
}

pub enum TokenError {
    Unknown,
    Expired,
}

/// Access tokens issued by this run, keyed by the token string.
#[derive(Default)]
pub struct TokenStore {
    tokens: HashMap<String, IssuedToken>,
}

impl TokenStore {
    fn issue(&mut self, client_id: &str, now: Timestamp, lifetime: Duration) -> Option<String> {
        self.tokens
            .retain(|_, token| token.expires_at.plus(EXPIRED_TOKEN_RETENTION) > now);
        let mut random = [0u8; 32];
        if let Err(error) = getrandom::fill(&mut random) {
            log::error!("cannot generate an access token: random source failed: {error}");
            return None;
        }
        let token = URL_SAFE_NO_PAD.encode(random);
        self.tokens.insert(
            token.clone(),
            IssuedToken {
                client_id: client_id.to_string(),
                expires_at: now.plus(lifetime),
            },
        );
        Some(token)
    }

    pub fn check(&self, token: &str, now: Timestamp) -> Result<&IssuedToken, TokenError> {
        match self.tokens.get(token) {
            None => Err(TokenError::Unknown),
            Some(issued) if issued.expires_at <= now => Err(TokenError::Expired),
            Some(issued) => Ok(issued),
        }
    }

    /// Makes a token expire at `now`, as if its lifetime had run out.
    pub fn expire(&mut self, token: &str, now: Timestamp) {
        if let Some(issued) = self.tokens.get_mut(token) {
            issued.expires_at = issued.expires_at.min(now);
        }
    }
}

/// Handles `POST /api/oauth/token`. Returns the reply and whether a token was issued.
pub fn handle_token_request(app: &App, request: &IncomingRequest) -> (Reply, bool) {
    match issue_token(app, request) {
        Ok(reply) => (reply, true),
        Err(reply) => (reply, false),
    }
}

fn issue_token(app: &App, request: &IncomingRequest) -> Result<Reply, Reply> {
    if request.method != "POST" {
        return Err(Reply::empty(405).with_header("Allow", "POST"));
    }
    if request.media_type().as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(oauth_error(
            "invalid_request",
            messages::OAUTH_NOT_FORM_ENCODED,
        ));
    }
    let form = std::str::from_utf8(&request.body)
        .ok()
        .and_then(parse_form)
        .ok_or_else(|| oauth_error("invalid_request", messages::OAUTH_INVALID_FORM))?;
    let field = |name: &str| -> Result<Option<&str>, Reply> {
        let mut values = form
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(oauth_error(
                "invalid_request",
                &messages::oauth_repeated_parameter(name),
            ));
        }
        Ok(first)
    };

    let grant_type = field("grant_type")?.ok_or_else(|| {
        oauth_error(
            "invalid_request",
            &messages::oauth_missing_parameter("grant_type"),
        )
    })?;
    if grant_type != "client_credentials" {
        return Err(oauth_error(
            "unsupported_grant_type",
            messages::OAUTH_UNSUPPORTED_GRANT_TYPE,
        ));
    }

    let (client_id, client_secret) = client_credentials(
        request.header("authorization"),
        field("client_id")?,
        field("client_secret")?,
    )?;
    let authenticated = app.data.application(&client_id).filter(|application| {
        application.client_secret == client_secret && application.environment == SANDBOX_ENVIRONMENT
    });
    if authenticated.is_none() {
        return Err(oauth_error(
            "invalid_client",
            messages::OAUTH_CLIENT_AUTHENTICATION_FAILED,
        ));
    }

    let lifetime = app.config.token_lifetime_seconds;
    let token = crate::app::lock(&app.tokens).issue(
        &client_id,
        app.clock.now(),
        Duration::from_secs(lifetime),
    );
    let Some(token) = token else {
        return Err(Reply::json(500, &json!({"error": "server_error"})));
    };
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": "openid",
    });
    Ok(Reply::json(200, &body)
        .with_header("Cache-Control", "no-store")
        .with_header("Pragma", "no-cache"))
}

/// Picks the client credentials from HTTP Basic or from the form (RFC 6749 §2.3.1).
/// Both may be sent only if they agree.
fn client_credentials(
    authorization: Option<&str>,
    form_id: Option<&str>,
    form_secret: Option<&str>,
) -> Result<(String, String), Reply> {
    let basic = match authorization {
        Some(header) if scheme_is(header, "basic") => {
            Some(decode_basic(header).ok_or_else(|| {
                oauth_error("invalid_request", messages::OAUTH_INVALID_BASIC_HEADER)
            })?)
        }
        _ => None,
    };
    let form = match (form_id, form_secret) {
        (Some(id), Some(secret)) => Some((id.to_string(), secret.to_string())),
        (Some(_), None) if basic.is_none() => {
            return Err(oauth_error(
                "invalid_request",
                &messages::oauth_missing_parameter("client_secret"),
            ))
        }
        (None, Some(_)) if basic.is_none() => {
            return Err(oauth_error(
                "invalid_request",
                &messages::oauth_missing_parameter("client_id"),
            ))
        }
        _ => None,
    };
    match (basic, form) {
        (Some(basic), Some(form)) if basic != form => Err(oauth_error(
            "invalid_request",
            messages::OAUTH_CONFLICTING_CLIENT_AUTHENTICATION,
        )),
        (Some(credentials), _) | (None, Some(credentials)) => Ok(credentials),
        (None, None) => Err(oauth_error(
            "invalid_request",
            &messages::oauth_missing_parameter("client_id"),
        )),
    }
}

/// Decodes `Basic base64(urlencode(id):urlencode(secret))`.
fn decode_basic(header: &str) -> Option<(String, String)> {
    let encoded = header.split_once(' ')?.1.trim();
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((percent_decode(id)?, percent_decode(secret)?))
}

pub fn scheme_is(header: &str, scheme: &str) -> bool {
    header
        .split(' ')
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case(scheme))
}

fn oauth_error(error: &str, description: &str) -> Reply {
    Reply::json(
        400,
        &json!({"error": error, "error_description": description}),
    )
    .with_header("Cache-Control", "no-store")
}

/// Parses `application/x-www-form-urlencoded` text. Returns `None` on bad percent-encoding.
fn parse_form(body: &str) -> Option<Vec<(String, String)>> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(key)?, percent_decode(value)?))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (space). Returns `None` on a bad escape or non-UTF-8 result.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = text.get(index + 1..index + 3)?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form() {
        let form = parse_form("a=1&b=x%2By+z&c").unwrap_or_default();
        assert_eq!(
            form,
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "x+y z".to_string()),
                ("c".to_string(), String::new()),
            ]
        );
        assert!(parse_form("a=%zz").is_none());
        assert!(parse_form("a=%4").is_none());
    }

    #[test]
    fn basic_and_form_credentials_must_agree() {
        let header = format!("Basic {}", STANDARD.encode("id:se%3Acret"));
        let from_header = client_credentials(Some(&header), None, None).ok();
        assert_eq!(from_header, Some(("id".to_string(), "se:cret".to_string())));
        let agreeing = client_credentials(Some(&header), Some("id"), Some("se:cret")).ok();
        assert!(agreeing.is_some());
        let conflicting = client_credentials(Some(&header), Some("id"), Some("other"));
        assert!(conflicting.is_err());
        assert!(client_credentials(None, Some("id"), None).is_err());
        assert!(client_credentials(None, None, None).is_err());
    }
}
