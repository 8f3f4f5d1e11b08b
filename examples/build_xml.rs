//! Writes the XML files the library builds for each invoice JSON given, for the external
//! validators of `make validate-xml`.
//!
//! Usage: `cargo run --example build_xml -- OUT_DIR INVOICE.json...`
//!
//! For `INVOICE.json` it writes `INVOICE.ubl.xml`, `INVOICE.ubl.commented.xml`,
//! `INVOICE.cii.xml` and `INVOICE.cii.commented.xml`. The syntax the invoice names (UBL
//! when it names none) must be valid. The other syntax is written when the invoice is valid
//! in it too, and otherwise reported as skipped with the problems. Invoices without a bank
//! account use the sandbox configuration's default account.

use std::path::Path;
use std::process::ExitCode;

use chorus_pro::config::BankAccount;
use chorus_pro::invoice::{parse_invoice, Invoice, Syntax, XmlOptions};

fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1);
    let Some(out_dir) = arguments.next() else {
        eprintln!("usage: build_xml OUT_DIR INVOICE.json...");
        return ExitCode::from(2);
    };
    let default_bank = BankAccount {
        iban: "FR7630006000011234567890189".to_owned(),
        bic: Some("AGRIFRPP882".to_owned()),
        account_name: Some("Au bon moulin SARL".to_owned()),
    };
    let mut failed = false;
    for input in arguments {
        let invoice = match std::fs::read_to_string(&input)
            .map_err(|error| format!("cannot read: {error}"))
            .and_then(|text| parse_invoice(&text).map_err(|problems| format!("{problems:?}")))
        {
            Ok(invoice) => invoice,
            Err(message) => {
                eprintln!("{input}: {message}");
                failed = true;
                continue;
            }
        };
        let stem = Path::new(&input)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        for syntax in [Syntax::Ubl, Syntax::Cii] {
            match write_syntax(&invoice, syntax, &default_bank, Path::new(&out_dir), &stem) {
                Ok(outputs) => println!("{input} -> {}", outputs.join(", ")),
                Err(problems) if syntax != invoice.syntax_or(Syntax::Ubl) => {
                    println!("{input}: {} skipped: {problems}", syntax.name());
                }
                Err(problems) => {
                    eprintln!(
                        "{input}: invalid in its own syntax {}: {problems}",
                        syntax.name()
                    );
                    failed = true;
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes the plain and commented files of one syntax; returns their paths.
fn write_syntax(
    invoice: &Invoice,
    syntax: Syntax,
    default_bank: &BankAccount,
    out_dir: &Path,
    stem: &str,
) -> Result<Vec<String>, String> {
    let mut outputs = Vec::new();
    for commented in [false, true] {
        let options = XmlOptions { syntax, commented };
        let xml = invoice
            .to_xml(options, Some(default_bank))
            .map_err(|problems| format!("{problems:?}"))?;
        let suffix = if commented { ".commented" } else { "" };
        let output = out_dir.join(format!("{stem}.{}{suffix}.xml", syntax.name()));
        std::fs::write(&output, xml)
            .map_err(|error| format!("cannot write {}: {error}", output.display()))?;
        outputs.push(output.display().to_string());
    }
    Ok(outputs)
}
