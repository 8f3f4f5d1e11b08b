//! Fault soak: 1000 invoices from 8 threads and two company files while the sandbox drops
//! connections, replies with bursts of 5xx and 429, slows down and expires tokens early.
//!
//! Every invoice must end up deposited exactly once, and every failure the library
//! returns to its caller must be marked retryable. The run is bounded: each invoice gets
//! at most `MAX_CALLS_PER_INVOICE` calls, and the fault injector stops when the workers
//! are done or after `MAX_INJECTIONS` rounds of `INJECTION_INTERVAL`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use chorus_pro::client::{Session, SEARCH_PATH};
use chorus_pro::config::Config;
use serde_json::{json, Value};

use common::{sample_invoice, Sandbox};

const INVOICES_PER_COMPANY: usize = 500;
const THREADS_PER_COMPANY: usize = 4;
const MAX_CALLS_PER_INVOICE: usize = 10;
const MAX_INJECTIONS: u64 = 1_200;
/// Pause before each look at the pending rules; with `MAX_INJECTIONS`, it bounds the
/// injector to about two minutes.
const INJECTION_INTERVAL: Duration = Duration::from_millis(100);
/// API fault rules left unused at one time; the injector waits while more are pending.
const MAX_PENDING_RULES: usize = 2;
const SEED: u64 = 0x5eed_c0de;
/// Minimum time between the use of one `token_expired` rule and the posting of the next.
/// The library takes the rejection of a token it requested after a first rejection, within
/// one request, as a configuration error. Two revocations in a row on one request are
/// therefore not a transient fault.
const TOKEN_EXPIRY_SPACING: Duration = Duration::from_secs(1);

const DEPOSIT: &str = "/cpro/factures/v1/deposer/flux";
const TOKEN: &str = "/api/oauth/token";

/// One company file: its configuration changes and how its invoices are made.
struct Company {
    prefix: &'static str,
    changes: Value,
    /// (text in the sample invoice, replacement) pairs that move the seller.
    seller_changes: &'static [(&'static str, &'static str)],
}

fn companies() -> [Company; 2] {
    let retry = json!({
        "max_attempts": 6,
        "initial_delay_ms": 20,
        "max_delay_ms": 200,
        "deadline_seconds": 30,
        "lookup_window_seconds": 3,
    });
    [
        Company {
            prefix: "SK-A-",
            changes: json!({"timeout_seconds": 2, "retry": retry}),
            seller_changes: &[],
        },
        // Another technical account, so another supplier, with a longer timeout.
        Company {
            prefix: "SK-B-",
            changes: json!({
                "timeout_seconds": 3,
                "retry": retry,
                "technical_login": "TECH_3_levant@cpro.fr",
                "technical_password": "levant-technical-password",
            }),
            seller_changes: &[
                ("99999999800019", "73282932000074"),
                ("FR11999999998", "FR44732829320"),
                ("999999998_042", "732829320"),
                ("999999998", "732829320"),
            ],
        },
    ]
}

fn invoice_json(company: &Company, number: &str) -> String {
    let mut text = sample_invoice(number);
    for (from, to) in company.seller_changes {
        text = text.replace(from, to);
    }
    text
}

/// A fault rule the injector may post: mode, path prefix, count, and `slow` delay.
const FAULTS: &[(&str, &str, u64, u64)] = &[
    ("drop_connection", DEPOSIT, 1, 0),
    ("drop_after_processing", DEPOSIT, 1, 0),
    ("drop_after_processing", DEPOSIT, 1, 0),
    ("maintenance_503", "/cpro/", 3, 0),
    ("maintenance_500", "/cpro/", 2, 0),
    ("bad_gateway_502", "/cpro/", 2, 0),
    ("gateway_timeout_504", "/cpro/", 2, 0),
    ("rate_limited_429", "/cpro/", 1, 0),
    ("slow", DEPOSIT, 1, 2_500),
    ("slow", "/cpro/", 2, 300),
    ("token_expired", "/cpro/", 1, 0),
    ("token_expired", "/cpro/", 1, 0),
    ("maintenance_503", TOKEN, 2, 0),
    ("drop_connection", TOKEN, 1, 0),
];

#[derive(Default)]
struct Outcomes {
    /// Invoice number to the flux number returned by the successful call.
    flux_by_invoice: BTreeMap<String, String>,
    recovered: u64,
    returned_failures: u64,
    /// Failures returned to the caller that were not marked retryable.
    permanent_failures: Vec<String>,
    /// Invoices still not deposited after `MAX_CALLS_PER_INVOICE` calls.
    given_up: Vec<String>,
}

#[test]
fn soak_every_invoice_deposited_once() {
    let started = Instant::now();
    // Tokens live 6 s, so they are renewed every 3 s, and outlive the slowest request
    // (2.5 s): a token expires in flight only through an injected `token_expired`.
    let sandbox = Arc::new(Sandbox::start(&["--speed", "0", "--token-lifetime", "6"]));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let workers_done = Arc::new(AtomicBool::new(false));
    let posted_faults = Arc::new(AtomicU64::new(0));

    let injector = {
        let sandbox = sandbox.clone();
        let done = workers_done.clone();
        let posted = posted_faults.clone();
        thread::spawn(move || inject_faults(&sandbox, &done, &posted))
    };

    let mut workers = Vec::new();
    for company in companies() {
        let company = Arc::new(company);
        let config = Config::from_json(&sandbox.config(company.changes.clone())).expect("config");
        let session = Arc::new(Session::new(config).expect("session"));
        for thread_index in 0..THREADS_PER_COMPANY {
            let session = session.clone();
            let company = company.clone();
            let outcomes = outcomes.clone();
            workers.push(thread::spawn(move || {
                let numbers = (thread_index..INVOICES_PER_COMPANY).step_by(THREADS_PER_COMPANY);
                for index in numbers {
                    let number = format!("{}{index:04}", company.prefix);
                    submit_until_done(&session, &company, &number, &outcomes);
                }
            }));
        }
    }
    for worker in workers {
        worker.join().expect("worker thread");
    }
    workers_done.store(true, Ordering::SeqCst);
    injector.join().expect("injector thread");

    let pending: u64 = sandbox
        .admin_get("/_sandbox/faults")
        .as_array()
        .map_or(0, |rules| {
            rules
                .iter()
                .map(|rule| rule["remaining"].as_u64().unwrap_or(0))
                .sum()
        });
    sandbox.clear_faults();
    let faults_applied = posted_faults.load(Ordering::SeqCst) - pending;

    let outcomes = outcomes.lock().unwrap();
    let total = 2 * INVOICES_PER_COMPANY;
    assert!(
        outcomes.permanent_failures.is_empty(),
        "{} failures not marked retryable, the first ones: {:?}",
        outcomes.permanent_failures.len(),
        &outcomes.permanent_failures[..outcomes.permanent_failures.len().min(5)]
    );
    assert!(
        outcomes.given_up.is_empty(),
        "invoices never deposited: {:?}",
        outcomes.given_up
    );
    assert_eq!(outcomes.flux_by_invoice.len(), total);
    let distinct_flux: BTreeSet<&String> = outcomes.flux_by_invoice.values().collect();
    assert_eq!(distinct_flux.len(), total, "two invoices share a flux");

    let stats = sandbox.admin_get("/_sandbox/stats");
    assert_eq!(
        stats["deposits"].as_u64(),
        Some(total as u64),
        "deposits accepted by the sandbox"
    );

    // Each invoice number appears once on the portal, in the flux its call returned.
    for company in companies() {
        let config = Config::from_json(&sandbox.config(company.changes.clone())).unwrap();
        let session = Session::new(config).unwrap();
        let listed = list_invoices(&session, company.prefix);
        assert_eq!(listed.len(), INVOICES_PER_COMPANY, "{}", company.prefix);
        for (number, flux_numbers) in &listed {
            assert_eq!(
                flux_numbers.len(),
                1,
                "invoice {number} in {flux_numbers:?}"
            );
            assert_eq!(
                Some(&flux_numbers[0]),
                outcomes.flux_by_invoice.get(number),
                "invoice {number}"
            );
        }
    }

    eprintln!(
        "soak: {total} invoices, {} submissions, {} failures returned (all retryable), \
         {} recovered after a lost reply, {faults_applied} faults applied, {} deposits \
         counted, {} API and {} token requests, {:.1} s",
        total as u64 + outcomes.returned_failures,
        outcomes.returned_failures,
        outcomes.recovered,
        stats["deposits"],
        stats["api_requests"],
        stats["token_requests"],
        started.elapsed().as_secs_f64()
    );
    assert!(
        faults_applied >= 100,
        "only {faults_applied} faults applied"
    );
}

/// Submits one invoice the way an ERP would: again after a retryable failure.
fn submit_until_done(
    session: &Session,
    company: &Company,
    number: &str,
    outcomes: &Mutex<Outcomes>,
) {
    let invoice = invoice_json(company, number);
    for _ in 0..MAX_CALLS_PER_INVOICE {
        match session.submit(&invoice) {
            Ok(result) => {
                let flux_number = result["flux_number"].as_str().unwrap_or_default();
                let mut outcomes = outcomes.lock().unwrap();
                if result["recovered"] == true {
                    outcomes.recovered += 1;
                }
                let previous = outcomes
                    .flux_by_invoice
                    .insert(number.to_owned(), flux_number.to_owned());
                assert!(previous.is_none(), "invoice {number} deposited twice");
                return;
            }
            Err(error) => {
                let mut outcomes = outcomes.lock().unwrap();
                outcomes.returned_failures += 1;
                if !error.retryable {
                    outcomes
                        .permanent_failures
                        .push(format!("{number}: {error}"));
                    return;
                }
            }
        }
    }
    outcomes.lock().unwrap().given_up.push(number.to_owned());
}

/// Posts fault rules, a few at a time, until the workers finish or the bound is reached.
fn inject_faults(sandbox: &Sandbox, done: &AtomicBool, posted: &AtomicU64) {
    let mut random = fastrand::Rng::with_seed(SEED);
    // The last moment a `token_expired` rule was seen unused.
    let mut token_expiry_pending_at = Instant::now();
    for _ in 0..MAX_INJECTIONS {
        thread::sleep(INJECTION_INTERVAL);
        if done.load(Ordering::SeqCst) {
            return;
        }
        // Token requests are rare, so a rule for the token endpoint may wait for seconds.
        // It neither blocks the API rules nor gets a second one queued behind it.
        let rules = sandbox.admin_get("/_sandbox/faults");
        let rules = rules.as_array().cloned().unwrap_or_default();
        let token_rules = rules
            .iter()
            .filter(|rule| rule["path_prefix"] == TOKEN)
            .count();
        let expiry_pending = rules.iter().any(|rule| rule["mode"] == "token_expired");
        if expiry_pending {
            token_expiry_pending_at = Instant::now();
        }
        if rules.len() - token_rules < MAX_PENDING_RULES {
            let (mode, path_prefix, count, delay_ms) = FAULTS[random.usize(..FAULTS.len())];
            if path_prefix == TOKEN && token_rules > 0 {
                continue;
            }
            let expiry_too_soon =
                expiry_pending || token_expiry_pending_at.elapsed() < TOKEN_EXPIRY_SPACING;
            if mode == "token_expired" && expiry_too_soon {
                continue;
            }
            let mut rule = json!({"mode": mode, "count": count, "path_prefix": path_prefix});
            if mode == "slow" {
                rule["delay_ms"] = json!(delay_ms);
            }
            sandbox.admin_post("/_sandbox/faults", rule);
            posted.fetch_add(count, Ordering::SeqCst);
        }
    }
}

/// Lists the portal invoices whose number starts with `prefix`, with their flux numbers.
fn list_invoices(session: &Session, prefix: &str) -> BTreeMap<String, Vec<String>> {
    let mut listed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for page in 1..=100 {
        let body = session
            .portal
            .post(
                SEARCH_PATH,
                &json!({"rechercheFactureParFournisseur": {
                    "pageResultatDemandee": page, "nbResultatsParPage": 100}}),
            )
            .expect("search")
            .into_success(SEARCH_PATH)
            .expect("search result");
        for entry in body["listeFactures"].as_array().expect("listeFactures") {
            let number = entry["numeroFacture"].as_str().unwrap_or_default();
            if number.starts_with(prefix) {
                let flux = entry["numeroFluxDepot"].as_str().unwrap_or_default();
                listed
                    .entry(number.to_owned())
                    .or_default()
                    .push(flux.to_owned());
            }
        }
        if page >= body["parametresRetour"]["pages"].as_u64().unwrap_or(1) {
            break;
        }
    }
    listed
}
