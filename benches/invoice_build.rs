//! Cost of turning invoice JSON into a validated EN 16931 file, with no network. Each
//! invoice of 10 and 1000 lines, made from the sample invoice, is timed for parsing alone,
//! then for parsing, validation and writing UBL 2.1 or CII D16B. The CII copy keeps one
//! preceding invoice of the sample's two.
//!
//! Run with `cargo bench --bench invoice_build`; BENCHMARKS.md lists the results.

mod common;

use std::hint::black_box;

use chorus_pro::invoice::{parse_invoice, Syntax, XmlOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn build_and_validate(criterion: &mut Criterion) {
    for line_count in [10, 1000] {
        let json = common::invoice_with_lines(line_count);
        let ubl = parse_invoice(&json)
            .expect("generated invoice parses")
            .to_ubl(None)
            .expect("generated invoice is valid");
        eprintln!(
            "invoice of {line_count} lines: {} bytes of JSON, {} bytes of UBL",
            json.len(),
            ubl.len()
        );

        let mut group = criterion.benchmark_group(format!("invoice_{line_count}_lines"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("parse", |bencher| {
            bencher.iter(|| parse_invoice(black_box(&json)).expect("parses"))
        });
        group.bench_function("parse_validate_ubl", |bencher| {
            bencher.iter(|| {
                parse_invoice(black_box(&json))
                    .expect("parses")
                    .to_ubl(None)
                    .expect("valid")
            })
        });
        // CII D16B carries one preceding invoice, and the sample has two.
        let mut cii_invoice: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        cii_invoice["preceding_invoices"]
            .as_array_mut()
            .expect("sample has preceding invoices")
            .truncate(1);
        let cii_json = cii_invoice.to_string();
        group.bench_function("parse_validate_cii", |bencher| {
            let options = XmlOptions {
                syntax: Syntax::Cii,
                commented: false,
            };
            bencher.iter(|| {
                parse_invoice(black_box(&cii_json))
                    .expect("parses")
                    .to_xml(options, None)
                    .expect("valid")
            })
        });
        group.finish();
    }
}

criterion_group!(benches, build_and_validate);
criterion_main!(benches);
