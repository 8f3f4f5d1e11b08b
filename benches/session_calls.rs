//! Per-call cost of `Session::submit` and `Session::get_status` against a local stand-in
//! server that replies with fixed JSON, next to the floor: the same request bytes sent on
//! a keep-alive connection by a raw `TcpStream` client and by a bare reqwest client.
//! `build_only` times the parsing, validation and UBL writing that `submit` does first.
//!
//! Run with `cargo bench --bench session_calls`; BENCHMARKS.md lists the results.

mod common;

use std::hint::black_box;

use base64::Engine;
use chorus_pro::client::{Session, DEPOSIT_PATH, REPORT_PATH};
use chorus_pro::config::Config;
use chorus_pro::invoice::parse_invoice;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;

const STATUS_QUERY: &str = r#"{"flux_number": "CPP1000000042"}"#;

/// Returns the UBL size of an invoice with `line_count` lines.
fn ubl_size(line_count: usize) -> usize {
    parse_invoice(&common::invoice_with_lines(line_count))
        .expect("generated invoice parses")
        .to_ubl(None)
        .expect("generated invoice is valid")
        .len()
}

/// Finds the smallest line count whose UBL reaches `target_bytes`, by linear
/// extrapolation from 10 and 20 lines and then one line at a time.
fn lines_for_ubl_size(target_bytes: usize) -> usize {
    let (at_10, at_20) = (ubl_size(10), ubl_size(20));
    let per_line = (at_20 - at_10) / 10;
    let mut line_count = if target_bytes <= at_10 {
        1
    } else {
        10 + (target_bytes - at_10) / per_line
    };
    while ubl_size(line_count) < target_bytes {
        line_count += 1;
    }
    line_count
}

/// Builds the JSON body that the library sends to `deposer/flux` for this invoice.
fn deposit_body(invoice_json: &str) -> Vec<u8> {
    let invoice = parse_invoice(invoice_json).expect("parses");
    let ubl = invoice.to_ubl(None).expect("valid");
    let body = json!({
        "fichierFlux": base64::engine::general_purpose::STANDARD.encode(&ubl),
        "nomFichier": format!("UBL_chorus_facture_{}.xml", invoice.number()),
        "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
        "avecSignature": false,
    });
    serde_json::to_vec(&body).expect("serializes")
}

fn reqwest_floor(base_url: &str, path: &str, body: Vec<u8>) -> impl FnMut() -> usize {
    let http = reqwest::blocking::Client::new();
    let url = format!("{base_url}{path}");
    move || {
        let reply = http
            .post(&url)
            .header("authorization", "Bearer bench-access-token")
            .header(
                "cpro-account",
                "VEVDSF8xX2JlbmNoQGNwcm8uZnI6YmVuY2gtdGVjaG5pY2FsLXBhc3N3b3Jk",
            )
            .header("content-type", "application/json;charset=utf-8")
            .header("accept", "application/json;charset=utf-8")
            .body(body.clone())
            .send()
            .expect("send");
        reply.bytes().expect("read the reply").len()
    }
}

fn session_calls(criterion: &mut Criterion) {
    let library_server = common::StandIn::start();
    let floor_server = common::StandIn::start();
    let config = Config::from_json(&common::config_json(
        &library_server.base_url,
        "bench-client",
    ))
    .expect("valid configuration");
    let session = Session::new(config).expect("session");

    let sizes = [("submit_20kB", 20_000), ("submit_2MB", 2_000_000)];
    for (name, target_bytes) in sizes {
        let line_count = lines_for_ubl_size(target_bytes);
        let invoice_json = common::invoice_with_lines(line_count);
        let body = deposit_body(&invoice_json);
        eprintln!(
            "{name}: {line_count} lines, {} bytes of JSON in, {} bytes of request body",
            invoice_json.len(),
            body.len()
        );
        // The first call fetches the token and the buyer's directory profile, which later
        // calls reuse.
        session
            .submit(&invoice_json)
            .expect("first deposit succeeds");

        let mut group = criterion.benchmark_group(name);
        group.throughput(Throughput::Elements(1));
        group.bench_function("library", |bencher| {
            bencher.iter(|| {
                session
                    .submit(black_box(&invoice_json))
                    .expect("deposit succeeds")
            })
        });
        // The part of `submit` that needs no network, to split its cost from the sending.
        group.bench_function("build_only", |bencher| {
            bencher.iter(|| {
                parse_invoice(black_box(&invoice_json))
                    .expect("parses")
                    .to_ubl(None)
                    .expect("valid")
            })
        });
        let mut raw = common::RawClient::new(&floor_server.base_url, DEPOSIT_PATH, &body);
        group.bench_function("floor_raw_tcp", |bencher| bencher.iter(|| raw.call()));
        let mut bare = reqwest_floor(&floor_server.base_url, DEPOSIT_PATH, body.clone());
        group.bench_function("floor_reqwest", |bencher| bencher.iter(&mut bare));
        group.finish();
    }

    let status_body = br#"{"numeroFluxDepot":"CPP1000000042"}"#.to_vec();
    let mut group = criterion.benchmark_group("get_status");
    group.throughput(Throughput::Elements(1));
    group.bench_function("library", |bencher| {
        bencher.iter(|| {
            session
                .get_status(black_box(STATUS_QUERY))
                .expect("status read")
        })
    });
    let mut raw = common::RawClient::new(&floor_server.base_url, REPORT_PATH, &status_body);
    group.bench_function("floor_raw_tcp", |bencher| bencher.iter(|| raw.call()));
    let mut bare = reqwest_floor(&floor_server.base_url, REPORT_PATH, status_body);
    group.bench_function("floor_reqwest", |bencher| bencher.iter(&mut bare));
    group.finish();

    let counters = &library_server.counters;
    eprintln!(
        "library against its stand-in: {} connections, {} token requests, {} deposits, {} status reports",
        counters.connections.load(std::sync::atomic::Ordering::Relaxed),
        counters.requests("/api/oauth/token"),
        counters.requests(DEPOSIT_PATH),
        counters.requests(REPORT_PATH),
    );
}

criterion_group!(benches, session_calls);
criterion_main!(benches);
