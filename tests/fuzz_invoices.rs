//! Bounded, seeded fuzzing of the invoice pipeline: mutated invoice JSON must never panic,
//! and must give either well-formed XML in both syntaxes or a non-empty list of problems.
//!
//! The corpus is every JSON in `examples/invoices/`. Each case applies a few random
//! mutations (structural edits of the JSON value, or byte edits of its text) with a
//! xorshift generator, so a failure is reproduced by its printed seed and case number.
//!
//! `FUZZ_CASES` sets the number of cases (default 3000) and `FUZZ_SEED` the seed. When
//! `FUZZ_XML_OUT` names a folder, every 25th accepted mutant of each syntax is written
//! there, at most `FUZZ_XML_MAX` per syntax (default 40), for the XSD and schematron
//! validators of `make validate-xml`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chorus_pro::invoice::{parse_invoice, Syntax, XmlOptions};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Value};

const DEFAULT_CASES: u64 = 3000;
const DEFAULT_SEED: u64 = 0x5EED_C0DE_2026;
/// Accepted mutants written per syntax when `FUZZ_XML_OUT` is set.
const DEFAULT_MAX_WRITTEN: u64 = 40;
/// One accepted mutant in this many is written, to spread the output over the run.
const WRITE_STRIDE: usize = 25;

/// xorshift64* generator: small, deterministic, good enough to pick mutations.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Values that probe parsing, escaping and the validation rules.
fn interesting_value(random: &mut Random) -> Value {
    let strings = [
        "",
        " ",
        "<b>&amp;</b> \"q\" 'a' -- fin",
        "]]><!-- -->",
        "é€ß🧾",
        "\u{0}\u{1}",
        "\u{FFFE}",
        "13,50",
        "1e3",
        "-0.001",
        "99999999999999999999999999999",
        "0.123456789",
        "380",
        "381",
        "261",
        "A2",
        "cii",
        "ubl",
        "O",
        "K",
        "E",
        "S",
        "FR7630006000011234567890189",
        "78787878400018",
        "35600000049837",
        "2026-02-29",
        "2024-02-29",
        "ZZZ",
        "58",
        "0009",
        "0088",
    ];
    match random.below(9) {
        0 => Value::from(strings[random.below(strings.len())]),
        1 => Value::from(random.next() as i64 % 100_000),
        2 => json!(-(random.below(1000) as f64) / 7.0),
        3 => Value::Bool(random.chance(50)),
        4 => Value::Null,
        5 => json!([]),
        6 => json!({}),
        7 => Value::from("x".repeat(random.below(3000))),
        _ => json!(random.next() as f64 * 1e12),
    }
}

/// Collects the JSON pointer of every node of `value`.
fn pointers(value: &Value, prefix: String, into: &mut Vec<String>) {
    into.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(child, format!("{prefix}/{key}"), into);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{prefix}/{index}"), into);
            }
        }
        _ => {}
    }
}

/// Applies one structural mutation at a random node.
fn mutate_value(document: &mut Value, random: &mut Random) {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    let pointer = all[random.below(all.len())].clone();
    let Some(node) = document.pointer_mut(&pointer) else {
        return;
    };
    match random.below(6) {
        0 => *node = interesting_value(random),
        1 => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(random.below(map.len())).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let index = random.below(items.len());
                items.remove(index);
            }
            _ => *node = Value::Null,
        },
        2 => match node {
            Value::Array(items) if !items.is_empty() => {
                let copy = items[random.below(items.len())].clone();
                items.push(copy);
            }
            Value::Object(map) => {
                let keys = [
                    "syntax",
                    "attachments",
                    "identifiers",
                    "legal_registration",
                    "vat_rate",
                    "unknown",
                ];
                let key = keys[random.below(keys.len())];
                map.insert(key.to_owned(), interesting_value(random));
            }
            _ => *node = interesting_value(random),
        },
        3 => {
            if let Value::String(text) = node {
                let suffixes = ["0", ".5", "-", "<", "&", "--", "é", "\u{7}", " "];
                text.push_str(suffixes[random.below(suffixes.len())]);
            }
        }
        4 => {
            if let Value::String(text) = node {
                let cut = random.below(text.len() + 1);
                let cut = (0..=cut)
                    .rev()
                    .find(|at| text.is_char_boundary(*at))
                    .unwrap_or(0);
                text.truncate(cut);
            }
        }
        _ => {
            if let Value::String(text) = node {
                *text = text.chars().rev().collect();
            }
        }
    }
}

/// Applies one byte-level edit to the JSON text, keeping it UTF-8.
fn mutate_text(text: &mut String, random: &mut Random) {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.is_empty() {
        return;
    }
    let at = random.below(bytes.len());
    match random.below(3) {
        0 => {
            bytes.truncate(at);
        }
        1 => {
            let inserted = [b'{', b'}', b'[', b']', b'"', b',', b':', b'\\', b'0'];
            bytes.insert(at, inserted[random.below(inserted.len())]);
        }
        _ => {
            bytes.remove(at);
        }
    }
    *text = String::from_utf8_lossy(&bytes).into_owned();
}

/// Reads `xml` to the end; returns the error of a document that is not well-formed.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    let mut depth: i64 = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Comment(comment)) => {
                if comment.as_ref().windows(2).any(|pair| pair == b"--") {
                    return Err("comment with --".to_owned());
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => return Err(error.to_string()),
        }
    }
    if depth == 0 {
        Ok(())
    } else {
        Err(format!("unbalanced elements ({depth})"))
    }
}

fn corpus() -> Vec<(String, Value)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/invoices");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("examples/invoices exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable example");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).expect("example is JSON"))
        })
        .collect()
}

fn environment_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|text| {
            let text = text.trim();
            match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => text.parse().ok(),
            }
        })
        .unwrap_or(default)
}

#[test]
fn mutated_invoices_never_panic() {
    let cases = environment_number("FUZZ_CASES", DEFAULT_CASES);
    let seed = environment_number("FUZZ_SEED", DEFAULT_SEED);
    let out_dir = std::env::var_os("FUZZ_XML_OUT").map(PathBuf::from);
    let max_written = environment_number("FUZZ_XML_MAX", DEFAULT_MAX_WRITTEN) as usize;
    if let Some(dir) = &out_dir {
        std::fs::create_dir_all(dir).expect("FUZZ_XML_OUT can be created");
    }
    let corpus = corpus();
    assert!(corpus.len() >= 5, "{} corpus entries", corpus.len());
    let mut random = Random(seed | 1);
    let mut accepted = [0usize; 2];
    let mut rejected = 0usize;
    let mut written = [0usize; 2];

    for case in 0..cases {
        let (name, original) = &corpus[random.below(corpus.len())];
        let mut document = original.clone();
        for _ in 0..=random.below(3) {
            mutate_value(&mut document, &mut random);
        }
        let mut text = document.to_string();
        if random.chance(15) {
            mutate_text(&mut text, &mut random);
        }
        let context = format!("seed {seed:#x}, case {case}, from {name}");

        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let invoice = match parse_invoice(&text) {
                Ok(invoice) => invoice,
                Err(problems) => return vec![Err(problems)],
            };
            [Syntax::Ubl, Syntax::Cii]
                .into_iter()
                .flat_map(|syntax| {
                    [false, true].map(|commented| {
                        invoice
                            .to_xml(XmlOptions { syntax, commented }, None)
                            .map(|xml| (syntax, commented, xml))
                    })
                })
                .collect::<Vec<_>>()
        }));
        let results = outcome.unwrap_or_else(|_| panic!("panic on {context}: {text}"));
        for result in results {
            match result {
                Ok((syntax, commented, xml)) => {
                    let xml = String::from_utf8(xml)
                        .unwrap_or_else(|_| panic!("XML not UTF-8 on {context}"));
                    if let Err(error) = well_formed(&xml) {
                        panic!("malformed XML ({error}) on {context}: {text}\n{xml}");
                    }
                    let slot = usize::from(syntax == Syntax::Cii);
                    accepted[slot] += 1;
                    if let Some(dir) = &out_dir {
                        let due = accepted[slot] % WRITE_STRIDE == 1;
                        if !commented && due && written[slot] < max_written {
                            written[slot] += 1;
                            let file = format!("fuzz-{case}.{}.xml", syntax.name());
                            std::fs::write(dir.join(file), &xml).expect("fuzz output written");
                        }
                    }
                }
                Err(problems) => {
                    assert!(!problems.is_empty(), "empty problem list on {context}");
                    for problem in &problems {
                        assert!(!problem.message_fr.is_empty(), "{context}: {problem:?}");
                        assert!(!problem.message_en.is_empty(), "{context}: {problem:?}");
                    }
                    rejected += 1;
                }
            }
        }
    }
    eprintln!(
        "fuzz: {cases} cases from seed {seed:#x}: {} UBL and {} CII documents built, {rejected} rejections",
        accepted[0], accepted[1]
    );
    // The mutations are small, so both outcomes must occur; otherwise the fuzzer tests
    // nothing useful.
    assert!(accepted[0] > 0, "no mutant was accepted as UBL");
    assert!(accepted[1] > 0, "no mutant was accepted as CII");
    assert!(rejected > 0, "no mutant was rejected");
}
