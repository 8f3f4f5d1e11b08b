//! Fault injection: gateway failures that tests can trigger on purpose.
//!
//! A fault is chosen per request with the `X-Sandbox-Fault` header, or for the
//! following requests with rules posted to `/_sandbox/faults`. The header wins over
//! rules and does not use up a rule's count.

use std::time::Duration;

use serde_json::{json, Value};

use crate::http::{IncomingRequest, Outcome, Reply, JSON_CONTENT_TYPE};
use crate::messages;

pub const FAULT_HEADER: &str = "x-sandbox-fault";
/// Delay of the `slow` fault selected by header, in milliseconds.
pub const DELAY_HEADER: &str = "x-sandbox-fault-delay-ms";
pub const DEFAULT_DELAY_MS: u64 = 3000;
/// Longest accepted `slow` delay, so that a typo cannot hold a worker for hours.
pub const MAX_DELAY_MS: u64 = 600_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultMode {
    Maintenance500,
    Maintenance503,
    BadGateway502,
    GatewayTimeout504,
    RateLimited429,
    ApiNotSubscribed,
    UnknownRoute,
    Slow,
    DropConnection,
    DropAfterProcessing,
    EmptyBody200,
    InvalidJson200,
    TokenExpired,
}

const ALL_MODES: [FaultMode; 13] = [
    FaultMode::Maintenance500,
    FaultMode::Maintenance503,
    FaultMode::BadGateway502,
    FaultMode::GatewayTimeout504,
    FaultMode::RateLimited429,
    FaultMode::ApiNotSubscribed,
    FaultMode::UnknownRoute,
    FaultMode::Slow,
    FaultMode::DropConnection,
    FaultMode::DropAfterProcessing,
    FaultMode::EmptyBody200,
    FaultMode::InvalidJson200,
    FaultMode::TokenExpired,
];

/// Kind of endpoint a request is addressed to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Endpoint {
    Token,
    Api,
}

impl FaultMode {
    pub fn name(self) -> &'static str {
        match self {
            FaultMode::Maintenance500 => "maintenance_500",
            FaultMode::Maintenance503 => "maintenance_503",
            FaultMode::BadGateway502 => "bad_gateway_502",
            FaultMode::GatewayTimeout504 => "gateway_timeout_504",
            FaultMode::RateLimited429 => "rate_limited_429",
            FaultMode::ApiNotSubscribed => "api_not_subscribed",
            FaultMode::UnknownRoute => "unknown_route",
            FaultMode::Slow => "slow",
            FaultMode::DropConnection => "drop_connection",
            FaultMode::DropAfterProcessing => "drop_after_processing",
            FaultMode::EmptyBody200 => "empty_body_200",
            FaultMode::InvalidJson200 => "invalid_json_200",
            FaultMode::TokenExpired => "token_expired",
        }
    }

    pub fn parse(name: &str) -> Result<FaultMode, String> {
        ALL_MODES
            .into_iter()
            .find(|mode| mode.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL_MODES.iter().map(|mode| mode.name()).collect();
                format!(
                    "unknown fault mode {name:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }

    /// Modes that only make sense behind the API gateway do not apply to the token endpoint.
    fn applies_to(self, endpoint: Endpoint) -> bool {
        match self {
            FaultMode::ApiNotSubscribed | FaultMode::UnknownRoute | FaultMode::TokenExpired => {
                endpoint == Endpoint::Api
            }
            _ => true,
        }
    }
}

/// A fault picked for one request.
#[derive(Clone, Copy, Debug)]
pub struct ActiveFault {
    pub mode: FaultMode,
    pub delay: Duration,
}

/// A fault rule posted to `/_sandbox/faults`.
pub struct FaultRule {
    pub mode: FaultMode,
    /// How many more matching requests get the fault; `None` means no limit.
    pub remaining: Option<u64>,
    pub path_prefix: Option<String>,
    pub delay_ms: u64,
}

impl FaultRule {
    /// Parses the JSON body of `POST /_sandbox/faults`.
    pub fn from_json(body: &Value) -> Result<FaultRule, String> {
        let object = body
            .as_object()
            .ok_or("the body must be a JSON object such as {\"mode\": \"maintenance_503\"}")?;
        for key in object.keys() {
            if !["mode", "count", "path_prefix", "delay_ms"].contains(&key.as_str()) {
                return Err(format!(
                    "unknown field {key:?}; expected mode, count, path_prefix or delay_ms"
                ));
            }
        }
        let mode = object
            .get("mode")
            .and_then(Value::as_str)
            .ok_or("missing string field \"mode\"")?;
        let mode = FaultMode::parse(mode)?;
        let remaining = match object.get("count") {
            None | Some(Value::Null) => None,
            Some(count) => Some(
                count
                    .as_u64()
                    .filter(|&count| count >= 1)
                    .ok_or("\"count\" must be a positive integer")?,
            ),
        };
        let path_prefix = match object.get("path_prefix") {
            None | Some(Value::Null) => None,
            Some(prefix) => Some(
                prefix
                    .as_str()
                    .filter(|prefix| prefix.starts_with('/'))
                    .ok_or("\"path_prefix\" must be a string starting with '/'")?
                    .to_string(),
            ),
        };
        let delay_ms = match object.get("delay_ms") {
            None | Some(Value::Null) => DEFAULT_DELAY_MS,
            Some(delay) => delay
                .as_u64()
                .filter(|&delay| delay <= MAX_DELAY_MS)
                .ok_or_else(|| {
                    format!("\"delay_ms\" must be an integer from 0 to {MAX_DELAY_MS}")
                })?,
        };
        Ok(FaultRule {
            mode,
            remaining,
            path_prefix,
            delay_ms,
        })
    }

    pub fn to_json(&self) -> Value {
        json!({
            "mode": self.mode.name(),
            "remaining": self.remaining,
            "path_prefix": self.path_prefix,
            "delay_ms": self.delay_ms,
        })
    }
}

/// Active fault rules, tried in the order they were posted.
#[derive(Default)]
pub struct FaultRules {
    rules: Vec<FaultRule>,
}

impl FaultRules {
    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    pub fn to_json(&self) -> Value {
        Value::Array(self.rules.iter().map(FaultRule::to_json).collect())
    }

    /// Returns the fault of the first rule matching this request and uses up one of its count.
    fn take(&mut self, path: &str, endpoint: Endpoint) -> Option<ActiveFault> {
        let index = self.rules.iter().position(|rule| {
            rule.mode.applies_to(endpoint)
                && rule
                    .path_prefix
                    .as_deref()
                    .is_none_or(|prefix| path.starts_with(prefix))
        })?;
        let rule = &mut self.rules[index];
        let fault = ActiveFault {
            mode: rule.mode,
            delay: Duration::from_millis(rule.delay_ms),
        };
        if let Some(remaining) = rule.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                self.rules.remove(index);
            }
        }
        Some(fault)
    }
}

/// Picks the fault for a request: the header's, else the first matching rule's.
/// Returns an error reply when the header names an unknown mode or a bad delay.
pub fn select(
    request: &IncomingRequest,
    endpoint: Endpoint,
    rules: &mut FaultRules,
) -> Result<Option<ActiveFault>, Reply> {
    let Some(name) = request.header(FAULT_HEADER) else {
        return Ok(rules.take(&request.path, endpoint));
    };
    let mode = FaultMode::parse(name.trim()).map_err(sandbox_error)?;
    let delay_ms = match request.header(DELAY_HEADER) {
        None => DEFAULT_DELAY_MS,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&delay| delay <= MAX_DELAY_MS)
            .ok_or_else(|| {
                sandbox_error(format!(
                    "invalid {DELAY_HEADER} value {text:?}: expected an integer from 0 to {MAX_DELAY_MS}"
                ))
            })?,
    };
    if !mode.applies_to(endpoint) {
        return Err(sandbox_error(format!(
            "fault mode {} does not apply to the token endpoint",
            mode.name()
        )));
    }
    Ok(Some(ActiveFault {
        mode,
        delay: Duration::from_millis(delay_ms),
    }))
}

/// Builds the reply of a fault that replaces the normal reply. Returns `None` for
/// `slow` and `token_expired`, which the caller handles, and for
/// `drop_after_processing`, which serves the request and then drops the reply.
pub fn fixed_outcome(mode: FaultMode) -> Option<Outcome> {
    let reply = match mode {
        FaultMode::Maintenance500 => Reply::html(500, messages::MAINTENANCE_PAGE),
        FaultMode::Maintenance503 => Reply::html(503, messages::MAINTENANCE_PAGE),
        FaultMode::BadGateway502 => Reply::html(502, messages::BAD_GATEWAY_PAGE),
        FaultMode::GatewayTimeout504 => Reply::html(504, messages::GATEWAY_TIMEOUT_PAGE),
        FaultMode::RateLimited429 => Reply::empty(429).with_header("Retry-After", "1"),
        FaultMode::ApiNotSubscribed => Reply::empty(403),
        FaultMode::UnknownRoute => {
            Reply::empty(404).with_header("WWW-Authenticate", "Bearer realm=\"DefaultRealm\"")
        }
        FaultMode::EmptyBody200 => Reply::empty(200).with_header("Content-Type", JSON_CONTENT_TYPE),
        FaultMode::InvalidJson200 => Reply {
            status: 200,
            headers: vec![("Content-Type".to_string(), JSON_CONTENT_TYPE.to_string())],
            body: messages::TRUNCATED_JSON.as_bytes().to_vec(),
        },
        FaultMode::DropConnection => return Some(Outcome::DropConnection),
        FaultMode::Slow | FaultMode::TokenExpired | FaultMode::DropAfterProcessing => return None,
    };
    Some(Outcome::Reply(reply))
}

fn sandbox_error(message: String) -> Reply {
    Reply::json(400, &json!({ "sandbox_error": message }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for mode in ALL_MODES {
            assert_eq!(FaultMode::parse(mode.name()), Ok(mode));
        }
        assert!(FaultMode::parse("maintenance").is_err());
    }

    #[test]
    fn rule_count_and_prefix() {
        let mut rules = FaultRules::default();
        let rule = FaultRule::from_json(
            &json!({"mode": "maintenance_503", "count": 2, "path_prefix": "/cpro/factures"}),
        );
        rules.add(rule.unwrap_or_else(|error| panic!("{error}")));
        assert!(rules
            .take("/cpro/transverses/v1/consulterCR", Endpoint::Api)
            .is_none());
        assert!(rules
            .take("/cpro/factures/v1/deposer/flux", Endpoint::Api)
            .is_some());
        assert!(rules
            .take("/cpro/factures/v1/deposer/flux", Endpoint::Api)
            .is_some());
        assert!(rules
            .take("/cpro/factures/v1/deposer/flux", Endpoint::Api)
            .is_none());
    }

    #[test]
    fn api_only_modes_skip_token_endpoint() {
        let mut rules = FaultRules::default();
        let rule = FaultRule::from_json(&json!({"mode": "token_expired", "count": 1}));
        rules.add(rule.unwrap_or_else(|error| panic!("{error}")));
        assert!(rules.take("/api/oauth/token", Endpoint::Token).is_none());
        assert!(rules
            .take("/cpro/factures/v1/deposer/flux", Endpoint::Api)
            .is_some());
    }

    #[test]
    fn invalid_rules_rejected() {
        for body in [
            json!({}),
            json!({"mode": "nope"}),
            json!({"mode": "slow", "count": 0}),
            json!({"mode": "slow", "path_prefix": "cpro"}),
            json!({"mode": "slow", "delay_ms": -1}),
            json!({"mode": "slow", "colour": "red"}),
        ] {
            assert!(FaultRule::from_json(&body).is_err(), "{body}");
        }
    }
}
