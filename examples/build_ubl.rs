//! Writes the UBL 2.1 file the library would deposit for each invoice JSON given.
//!
//! Usage: `cargo run --example build_ubl -- OUT_DIR INVOICE.json...`; each output is named
//! after its input (`INVOICE.xml`). Uses the default bank account of the sandbox
//! configuration when an invoice carries none.

use std::path::Path;
use std::process::ExitCode;

use chorus_pro::config::BankAccount;
use chorus_pro::invoice::parse_invoice;

fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1);
    let Some(out_dir) = arguments.next() else {
        eprintln!("usage: build_ubl OUT_DIR INVOICE.json...");
        return ExitCode::from(2);
    };
    let default_bank = BankAccount {
        iban: "FR7630006000011234567890189".to_owned(),
        bic: Some("AGRIFRPP882".to_owned()),
        account_name: Some("Au bon moulin SARL".to_owned()),
    };
    let mut failed = false;
    for input in arguments {
        let written = std::fs::read_to_string(&input)
            .map_err(|error| format!("cannot read: {error}"))
            .and_then(|text| parse_invoice(&text).map_err(|problems| format!("{problems:?}")))
            .and_then(|invoice| {
                invoice
                    .to_ubl(Some(&default_bank))
                    .map_err(|problems| format!("{problems:?}"))
            })
            .and_then(|xml| {
                let stem = Path::new(&input)
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                let output = Path::new(&out_dir).join(format!("{stem}.xml"));
                std::fs::write(&output, xml)
                    .map_err(|error| format!("cannot write {}: {error}", output.display()))?;
                Ok(output)
            });
        match written {
            Ok(output) => println!("{input} -> {}", output.display()),
            Err(message) => {
                eprintln!("{input}: {message}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
