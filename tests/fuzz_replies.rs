//! Seeded fuzzing of portal replies into parsed results, on stable Rust.
//!
//! Mutations of the replies in `tests/fuzz-corpus/` and generated JSON documents, with
//! random status codes and headers, go through every reply parser: the `codeRetour`
//! envelope, HTTP and OAuth2 failure classification, `Retry-After`, and the deposit
//! report and search readers. No input may panic, and each parser's contract is checked.
//! A panicking input is saved under `build/fuzz-failures/` and named in the failure.
//!
//! `FUZZ_ITERATIONS` and `FUZZ_SEED` override the bounded default run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use chorus_pro::chorus_result as Code;
use chorus_pro::config::Language;
use chorus_pro::portal::{http_failure, parse_envelope};
use chorus_pro::retry::retry_after;
use chorus_pro::status;
use chorus_pro::token::token_failure;
use fastrand::Rng;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

const DEFAULT_SEED: u64 = 0x00c4_0125;
const DEFAULT_ITERATIONS: usize = 30_000;

/// Keys the parsers look for, so that generated documents reach their deeper branches.
const KEYS: &[&str] = &[
    "codeRetour",
    "libelle",
    "numeroFluxDepot",
    "dateDepot",
    "etatCourantDepotFlux",
    "listeErreurDP",
    "listeErreurTechnique",
    "numeroDP",
    "libelleErreurDP",
    "identifiantFournisseur",
    "codeErreur",
    "libelleErreur",
    "natureErreur",
    "listeFactures",
    "identifiantFactureCPP",
    "numeroFacture",
    "statut",
    "typeFacture",
    "codeFournisseur",
    "parametresRetour",
    "pages",
    "histoStatut",
    "access_token",
    "token_type",
    "expires_in",
    "error",
    "error_description",
];

/// Fragments that often break hand-written parsers.
const TOKENS: &[&str] = &[
    "null",
    "{}",
    "[]",
    "\"\"",
    "-1",
    "1e309",
    "18446744073709551616",
    "-9223372036854775809",
    "0.5",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "[[[[[[[[",
    "}}}}",
    "\"codeRetour\":",
    ",",
    ":",
    "\u{feff}",
    "déjà déposé une demande de paiement avec ce numéro",
];

const HEADER_VALUES: &[&str] = &[
    "Bearer realm=\"PISTE\", error=\"invalid_token\"",
    "Bearer realm=\"PISTE\", error=\"invalid_client\", error_description=\"technical account password expired\"",
    "Bearer realm=\"DefaultRealm\"",
    "0",
    "1",
    "120",
    "-5",
    "99999999999999999999",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "application/json;charset=utf-8",
    "text/html",
    "",
];

const STATUSES: &[u16] = &[
    0, 100, 200, 201, 204, 301, 400, 401, 403, 404, 405, 413, 415, 418, 429, 500, 502, 503, 504,
    599, 999, 65535,
];

fn corpus() -> Vec<(String, Vec<u8>)> {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut files: Vec<_> = std::fs::read_dir(&directory)
        .expect("tests/fuzz-corpus")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

fn mutate(random: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..random.usize(1..=4) {
        let length = bytes.len();
        match random.u8(0..7) {
            0 if length > 0 => {
                let index = random.usize(..length);
                bytes[index] ^= 1 << random.u8(0..8);
            }
            1 if length > 0 => {
                let index = random.usize(..length);
                bytes[index] = random.u8(..);
            }
            2 => {
                let token = TOKENS[random.usize(..TOKENS.len())].as_bytes();
                let index = random.usize(..=length);
                bytes.splice(index..index, token.iter().copied());
            }
            3 if length > 0 => {
                let start = random.usize(..length);
                let end = random.usize(start..=length.min(start + 64));
                bytes.drain(start..end);
            }
            4 if length > 0 => {
                let start = random.usize(..length);
                let end = random.usize(start..=length.min(start + 64));
                let copy = bytes[start..end].to_vec();
                let index = random.usize(..=bytes.len());
                bytes.splice(index..index, copy);
            }
            5 => bytes.truncate(random.usize(..=length)),
            _ => {
                let key = KEYS[random.usize(..KEYS.len())];
                let token = TOKENS[random.usize(..TOKENS.len())];
                let insertion = format!("\"{key}\":{token},");
                let index = bytes
                    .iter()
                    .position(|&byte| byte == b'{')
                    .map_or(0, |i| i + 1);
                bytes.splice(index..index, insertion.into_bytes());
            }
        }
    }
    bytes
}

fn generate_value(random: &mut Rng, depth: u32) -> Value {
    let choice = if depth >= 5 {
        random.u8(0..5)
    } else {
        random.u8(0..7)
    };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(random.bool()),
        2 => Value::from(random.i64(..)),
        3 => serde_json::Number::from_f64(random.f64() * 1e6).map_or(Value::Null, Value::Number),
        4 => {
            let texts = [
                "",
                "IN_INTEGRE",
                "IN_REJETE",
                "FACTURE",
                "AVOIR",
                "2026-12-04",
                "x",
            ];
            Value::from(texts[random.usize(..texts.len())])
        }
        5 => Value::Array(
            (0..random.usize(0..4))
                .map(|_| generate_value(random, depth + 1))
                .collect(),
        ),
        _ => Value::Object(generate_object(random, depth + 1)),
    }
}

fn generate_object(random: &mut Rng, depth: u32) -> Map<String, Value> {
    (0..random.usize(0..8))
        .map(|_| {
            let key = KEYS[random.usize(..KEYS.len())].to_owned();
            (key, generate_value(random, depth))
        })
        .collect()
}

fn random_headers(random: &mut Rng) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for name in ["www-authenticate", "retry-after", "content-type"] {
        if random.bool() {
            let value = HEADER_VALUES[random.usize(..HEADER_VALUES.len())];
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap(),
            );
        }
    }
    headers
}

/// Feeds one reply to every parser and checks their contracts.
fn exercise(body: &[u8], headers: &HeaderMap, status: u16) {
    if let Some(wait) = retry_after(headers) {
        let text = headers["retry-after"].to_str().unwrap().trim();
        match text.parse::<u64>() {
            Ok(seconds) => assert_eq!(wait.as_secs(), seconds),
            Err(_) => assert!(httpdate::parse_http_date(text).is_ok(), "{text:?}"),
        }
    }

    let failure = http_failure(
        status,
        Some(headers),
        body,
        "/cpro/factures/v1/deposer/flux",
    );
    assert_eq!(failure.http_status, Some(status));
    if matches!(status, 500 | 502 | 503 | 504) {
        assert_eq!(failure.code, Code::CHORUS_ERR_PORTAL_UNAVAILABLE);
    }
    assert!(failure.to_json(Language::En)["message"].is_string());

    let token_error = token_failure(status, body, "/api/oauth/token");
    assert!(token_error.to_json(Language::Fr)["code"].is_u64());

    match parse_envelope(body, headers, "/cpro/transverses/v1/consulterCRDetaille") {
        Ok(envelope) => {
            assert_eq!(
                envelope.body["codeRetour"].as_i64(),
                Some(envelope.code_retour)
            );
            let report = &envelope.body;
            for error in status::invoice_errors(report) {
                assert!(Code::from_u32(error["code"].as_u64().unwrap() as u32).is_some());
            }
            status::technical_errors(report);
            let state = report["etatCourantDepotFlux"].as_str().unwrap_or("UNKNOWN");
            status::flux_outcome(state);
            status::poll_delay_seconds(state);
            for entry in status::list_field(report, "listeFactures") {
                status::text(entry, "numeroFacture");
                status::text(entry, "statut");
            }
            let rejection = envelope.rejection("/p");
            assert_eq!(rejection.code_retour, Some(envelope.code_retour));
            match envelope.into_success("/p") {
                Ok(body) => assert_eq!(body["codeRetour"], 0),
                Err(error) => assert_eq!(error.code, Code::CHORUS_ERR_REJECTED),
            }
        }
        Err(error) => assert_eq!(error.code, Code::CHORUS_ERR_UNEXPECTED_REPLY),
    }
    status::classify_rejection(&String::from_utf8_lossy(body));
}

fn save_failure(seed: u64, index: usize, body: &[u8]) -> PathBuf {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("build/fuzz-failures");
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join(format!("seed-{seed:x}-input-{index}.bin"));
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn corpus_replies_parse() {
    for (name, body) in corpus() {
        let envelope = parse_envelope(&body, &HeaderMap::new(), "/p");
        let expected_ok =
            name.ends_with(".json") && name != "truncated.json" && !name.starts_with("token");
        assert_eq!(envelope.is_ok(), expected_ok, "{name}");
    }
}

#[test]
fn mutated_replies_never_panic() {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let iterations = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_ITERATIONS);
    let corpus = corpus();
    assert!(corpus.len() >= 10, "corpus too small");
    let mut random = Rng::with_seed(seed);

    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failure = None;
    for index in 0..iterations {
        let body = if random.u8(0..4) == 0 {
            let document = Value::Object(generate_object(&mut random, 0));
            let mut text = serde_json::to_vec(&document).unwrap();
            if random.bool() {
                text = mutate(&mut random, &text);
            }
            text
        } else {
            let (_, seed_body) = &corpus[random.usize(..corpus.len())];
            mutate(&mut random, seed_body)
        };
        let headers = random_headers(&mut random);
        let status = STATUSES[random.usize(..STATUSES.len())];
        let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&body, &headers, status)));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                .unwrap_or_default();
            failure = Some((index, body, status, message));
            break;
        }
    }
    std::panic::set_hook(previous_hook);

    if let Some((index, body, status, message)) = failure {
        let path = save_failure(seed, index, &body);
        panic!(
            "input {index} of seed {seed:#x} (HTTP {status}) panicked: {message}; saved to {}",
            path.display()
        );
    }
}
