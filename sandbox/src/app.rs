//! Shared state of a sandbox run and the top-level request router.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::admin;
use crate::cli::Config;
use crate::clock::Clock;
use crate::dataset::DataSet;
use crate::faults::{self, Endpoint, FaultMode, FaultRules};
use crate::gateway;
use crate::http::{IncomingRequest, Outcome, Reply};
use crate::oauth::{self, TokenStore};
use crate::stats::{RequestRecord, Stats};
use crate::store::{Store, Timings};

pub struct App {
    pub config: Config,
    pub data: DataSet,
    pub clock: Clock,
    pub tokens: Mutex<TokenStore>,
    pub store: Mutex<Store>,
    pub faults: Mutex<FaultRules>,
    pub stats: Mutex<Stats>,
    /// Set by a signal or `POST /_sandbox/shutdown`. The workers stop when they see it.
    pub stop: Arc<AtomicBool>,
}

impl App {
    pub fn new(config: Config, data: DataSet) -> App {
        let timings = Timings::new(config.speed);
        App {
            config,
            data,
            clock: Clock::new(),
            tokens: Mutex::new(TokenStore::default()),
            store: Mutex::new(Store::new(timings)),
            faults: Mutex::new(FaultRules::default()),
            stats: Mutex::new(Stats::default()),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Locks a mutex, recovering the data if a panicking request poisoned it. Every
/// critical section leaves its data consistent before any call that could panic.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The result of routing one request.
pub struct Routed {
    pub outcome: Outcome,
    /// Present for token and API requests, which the stats count.
    pub record: Option<RequestRecord>,
}

/// Routes a request to the admin endpoints, the token endpoint or the API gateway,
/// applying any injected fault to the last two.
pub fn route(app: &App, request: &IncomingRequest, local_address: SocketAddr) -> Routed {
    if request.path == "/_sandbox" || request.path.starts_with("/_sandbox/") {
        return Routed {
            outcome: Outcome::Reply(admin::handle(app, request, local_address)),
            record: None,
        };
    }
    let endpoint = if request.path == oauth::TOKEN_PATH {
        Endpoint::Token
    } else if request.path.starts_with("/cpro/") {
        Endpoint::Api
    } else {
        // Neither PISTE host serves anything else.
        return Routed {
            outcome: Outcome::Reply(
                Reply::empty(404).with_header("WWW-Authenticate", "Bearer realm=\"DefaultRealm\""),
            ),
            record: None,
        };
    };

    let mut record = RequestRecord::new(request, endpoint, app.clock.now());
    let fault = match faults::select(request, endpoint, &mut lock(&app.faults)) {
        Ok(fault) => fault,
        Err(reply) => {
            return Routed {
                outcome: Outcome::Reply(reply),
                record: None,
            }
        }
    };
    record.fault = fault.map(|fault| fault.mode.name());

    let outcome = match fault {
        None => serve(app, request, endpoint, &mut record),
        Some(fault) if fault.mode == FaultMode::Slow => {
            std::thread::sleep(fault.delay);
            serve(app, request, endpoint, &mut record)
        }
        Some(fault) if fault.mode == FaultMode::TokenExpired => {
            Outcome::Reply(gateway::reject_as_expired(app, request))
        }
        Some(fault) => match faults::fixed_outcome(fault.mode) {
            Some(outcome) => outcome,
            None => serve(app, request, endpoint, &mut record),
        },
    };
    Routed {
        outcome,
        record: Some(record),
    }
}

fn serve(
    app: &App,
    request: &IncomingRequest,
    endpoint: Endpoint,
    record: &mut RequestRecord,
) -> Outcome {
    match endpoint {
        Endpoint::Token => {
            let (reply, issued) = oauth::handle_token_request(app, request);
            record.token_issued = issued;
            Outcome::Reply(reply)
        }
        Endpoint::Api => {
            let (reply, accepted_deposit) = gateway::handle(app, request);
            record.deposit_accepted = accepted_deposit;
            Outcome::Reply(reply)
        }
    }
}
