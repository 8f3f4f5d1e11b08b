//! OAuth2 client-credentials tokens from PISTE, cached once per credential set.
//!
//! Every handle configured with the same token URL, client id and client secret shares one
//! cache slot, so a process makes one token request per token lifetime whatever the number
//! of handles and threads. The slot's mutex is held while a token is fetched: threads that
//! find the token expired wait for that one request instead of sending their own.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::error::{chorus_result as Code, Error};
use crate::portal::{read_body, transport_error};

/// How long before `expires_in` runs out a token is renewed (PISTE issues 3600 s tokens).
const RENEWAL_MARGIN: Duration = Duration::from_secs(240);

/// The largest token reply read; a real one is well under a kilobyte.
const MAX_TOKEN_REPLY_BYTES: usize = 64 * 1024;

/// A bearer token and when it stops being used.
pub struct AccessToken {
    value: Zeroizing<String>,
    renew_at: Instant,
    /// Moment the token was requested.
    requested_at: Instant,
    /// Moment `expires_in` runs out, counted from `requested_at`.
    expires_at: Instant,
    /// Distinguishes tokens of one slot, so that a 401 only discards the token it hit.
    generation: u64,
}

impl AccessToken {
    /// Returns the `Authorization` header value.
    pub fn header_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("Bearer {}", self.value.as_str()))
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Returns when the token was requested.
    pub fn requested_at(&self) -> Instant {
        self.requested_at
    }

    /// Tells whether the token's `expires_in` has run out, as happens to a token sent on a
    /// request that took longer than the renewal margin.
    pub fn has_expired(&self) -> bool {
        Instant::now() >= self.expires_at
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AccessToken")
            .field("value", &"****")
            .field("generation", &self.generation)
            .finish()
    }
}

/// The cache entry of one credential set.
#[derive(Default)]
pub struct TokenSlot {
    current: Mutex<Option<Arc<AccessToken>>>,
    generation: AtomicU64,
    requests: AtomicU64,
}

/// Cache key: token URL, client id and a SHA-256 digest of the secret (never the secret).
type SlotKey = (String, String, [u8; 32]);

static SLOTS: Lazy<Mutex<HashMap<SlotKey, Arc<TokenSlot>>>> = Lazy::new(Default::default);

/// Returns the shared slot for the configuration's credential set.
pub fn slot_for(config: &Config) -> Arc<TokenSlot> {
    let digest: [u8; 32] = Sha256::digest(config.client_secret.expose().as_bytes()).into();
    let key = (config.token_url.clone(), config.client_id.clone(), digest);
    let mut slots = SLOTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    slots.entry(key).or_default().clone()
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    token_type: String,
    expires_in: u64,
}

#[derive(Deserialize)]
struct OAuthErrorReply {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl TokenSlot {
    /// Returns a valid token, requesting a new one when none is cached or it is due for renewal.
    pub fn get(
        &self,
        http: &reqwest::blocking::Client,
        config: &Config,
    ) -> Result<Arc<AccessToken>, Error> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(token) = current.as_ref() {
            if Instant::now() < token.renew_at {
                return Ok(token.clone());
            }
        }
        let token = Arc::new(self.request(http, config)?);
        *current = Some(token.clone());
        Ok(token)
    }

    /// Returns the generation of the cached token, or `None` when none is cached.
    pub fn current_generation(&self) -> Option<u64> {
        let current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        current.as_ref().map(|token| token.generation)
    }

    /// Drops the cached token if it is still the one of `generation`.
    ///
    /// Called after the gateway refused a bearer token; a newer token fetched meanwhile by
    /// another thread is kept.
    pub fn invalidate(&self, generation: u64) {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if current
            .as_ref()
            .is_some_and(|token| token.generation == generation)
        {
            *current = None;
        }
    }

    /// Counts the token requests this slot sent, for tests and benchmarks.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn request(
        &self,
        http: &reqwest::blocking::Client,
        config: &Config,
    ) -> Result<AccessToken, Error> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let endpoint = crate::portal::url_path(&config.token_url);
        // NOTE: the request body that reqwest builds from this form is not zeroized when
        // freed; only the copies this crate keeps (`Secret`, `AccessToken`) are.
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.expose()),
            ("scope", "openid"),
        ];
        let started = Instant::now();
        let response = http
            .post(&config.token_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .timeout(config.timeout)
            .send()
            .map_err(|error| transport_error(&error, &endpoint))?;
        let status = response.status().as_u16();
        log::info!(
            "token request for PISTE client id {} at {endpoint}: HTTP {status}",
            config.client_id
        );
        let body = read_body(response, MAX_TOKEN_REPLY_BYTES, &endpoint)?;
        if status == 200 {
            let reply: TokenReply = serde_json::from_slice(&body).map_err(|error| {
                Error::new(
                    Code::CHORUS_ERR_UNEXPECTED_REPLY,
                    format!("Réponse du serveur de jetons illisible : {error}"),
                    format!("Unreadable token endpoint reply: {error}"),
                )
                .http_status(status)
                .endpoint(&endpoint)
            })?;
            return self.accept(reply, started, status, &endpoint);
        }
        Err(token_failure(status, &body, &endpoint))
    }

    fn accept(
        &self,
        reply: TokenReply,
        started: Instant,
        status: u16,
        endpoint: &str,
    ) -> Result<AccessToken, Error> {
        let reply_problem = if !reply.token_type.eq_ignore_ascii_case("bearer") {
            Some(format!("token_type {:?}", reply.token_type))
        } else if reply.access_token.is_empty() {
            Some("access_token empty".to_owned())
        } else if reply.expires_in == 0 {
            Some("expires_in 0".to_owned())
        } else {
            None
        };
        if let Some(detail) = reply_problem {
            return Err(Error::new(
                Code::CHORUS_ERR_UNEXPECTED_REPLY,
                format!("Jeton OAuth2 inutilisable ({detail})."),
                format!("Unusable OAuth2 token ({detail})."),
            )
            .http_status(status)
            .endpoint(endpoint));
        }
        let lifetime = Duration::from_secs(reply.expires_in);
        // A token shorter-lived than twice the margin is renewed at half its lifetime.
        let margin = RENEWAL_MARGIN.min(lifetime / 2);
        Ok(AccessToken {
            value: Zeroizing::new(reply.access_token),
            renew_at: started + lifetime - margin,
            requested_at: started,
            expires_at: started + lifetime,
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }
}

/// Classifies a non-200 reply of the token endpoint.
pub fn token_failure(status: u16, body: &[u8], endpoint: &str) -> Error {
    let oauth: Option<OAuthErrorReply> = serde_json::from_slice(body).ok();
    let mut error = match (status, oauth.as_ref().map(|reply| reply.error.as_str())) {
        (400 | 401, Some("invalid_client" | "unauthorized_client")) => Error::new(
            Code::CHORUS_ERR_PISTE_CLIENT_REJECTED,
            "PISTE a refusé l'identifiant client ou le secret (invalid_client).",
            "PISTE rejected the client id or secret (invalid_client).",
        ),
        (400, Some(other)) => Error::new(
            Code::CHORUS_ERR_UNEXPECTED_REPLY,
            format!("PISTE a refusé la demande de jeton ({other})."),
            format!("PISTE rejected the token request ({other})."),
        ),
        _ => return crate::portal::http_failure(status, None, body, endpoint),
    };
    error = error.http_status(status).endpoint(endpoint);
    if let Some(reply) = oauth {
        error.oauth_error = Some(reply.error);
        error.oauth_error_description = reply.error_description;
    }
    error
}
