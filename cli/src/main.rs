//! `chorus`: the library's operations from a shell, for support staff and integrators.
//!
//! It reads the same configuration JSON as `chorus_configure`, prints readable output in
//! the configuration's language (or JSON with `--json`), and exits with a status derived
//! from the library's result code (see `EXIT_STATUS_HELP`).

use std::io::Write;
use std::process::ExitCode;

use chorus_pro::chorus_result as Code;
use chorus_pro::client::Session;
use chorus_pro::config::{Config, Language};
use chorus_pro::error::Error;
use chorus_pro::invoice::{requests, Syntax};
use serde_json::{json, Value};

const USAGE: &str = "\
usage: chorus [--config FILE] [--json] COMMAND [ARGUMENTS]

Commands:
  test-connection          test the PISTE and Chorus Pro settings step by step
  submit INVOICE.json      validate, write and deposit an invoice (UBL 2.1 unless the
                           invoice or the configuration names CII), or deposit a
                           ready file given as {\"file\": ...}
  status REFERENCE         read a deposit report and the invoices it created, given a
                           flux number (CPP...), or follow one invoice given its portal
                           id (digits only) or its invoice number
  lookup-buyer SIRET       show whether a public buyer needs a service code or an
                           engagement number, and its active services
  validate INVOICE.json    list every problem of an invoice or ready file; sends nothing
  build-xml INVOICE.json   print the XML file that submit would deposit

Options:
  --config FILE   configuration JSON, the same as chorus_configure takes
                  (default: the file named by CHORUS_CONFIG)
  --json          print the library's JSON result or error object as is
  -h, --help      print this help
";

const EXIT_STATUS_HELP: &str = "\
Exit status: 0 success; 1 wrong usage or unreadable file; 10 invalid input or
configuration (codes 1xxx); 20 setup problem reported by the portal (2xxx);
30 portal unavailable or network failure (3xxx); 40 rejected by the portal (4xxx);
90 internal error (9xxx).";

/// Options common to every command.
struct Options {
    config_path: Option<String>,
    json: bool,
    command: String,
    arguments: Vec<String>,
}

fn main() -> ExitCode {
    let options = match parse_arguments(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("chorus: {message}");
            }
            eprintln!("{USAGE}\n{EXIT_STATUS_HELP}");
            return ExitCode::from(if message.is_empty() { 0 } else { 1 });
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("chorus: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Library(error, language)) => {
            print_error(&error, language, options.json);
            ExitCode::from(exit_status(error.code))
        }
    }
}

enum Failure {
    Usage(String),
    Library(Error, Language),
}

fn parse_arguments(arguments: Vec<String>) -> Result<Options, String> {
    let mut config_path = std::env::var("CHORUS_CONFIG").ok();
    let mut json = false;
    let mut positional = Vec::new();
    let mut iterator = arguments.into_iter();
    while let Some(argument) = iterator.next() {
        match argument.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--json" => json = true,
            "--config" => {
                config_path = Some(iterator.next().ok_or("--config needs a file name")?);
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => positional.push(argument),
        }
    }
    if positional.is_empty() {
        return Err("a command is required".to_owned());
    }
    let command = positional.remove(0);
    Ok(Options {
        config_path,
        json,
        command,
        arguments: positional,
    })
}

fn exit_status(code: Code) -> u8 {
    match code as u32 {
        1000..=1999 => 10,
        2000..=2999 => 20,
        3000..=3999 => 30,
        4000..=4999 => 40,
        _ => 90,
    }
}

fn read_text(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|error| Failure::Usage(format!("cannot read {path}: {error}")))
}

/// Loads the configuration; commands that do not need the portal run without one.
fn load_config(options: &Options, required: bool) -> Result<Option<Config>, Failure> {
    let Some(path) = &options.config_path else {
        if required {
            return Err(Failure::Usage(
                "this command needs a configuration: pass --config FILE or set CHORUS_CONFIG"
                    .to_owned(),
            ));
        }
        return Ok(None);
    };
    let text = read_text(path)?;
    Config::from_json(&text)
        .map(Some)
        .map_err(|error| Failure::Library(error, Language::Fr))
}

fn single_argument<'a>(options: &'a Options, name: &str) -> Result<&'a str, Failure> {
    match options.arguments.as_slice() {
        [value] => Ok(value),
        _ => Err(Failure::Usage(format!(
            "{} takes exactly one argument: {name}",
            options.command
        ))),
    }
}

fn run(options: &Options) -> Result<(), Failure> {
    match options.command.as_str() {
        "test-connection" | "submit" | "status" | "lookup-buyer" => run_portal_command(options),
        "validate" | "build-xml" => {
            let config = load_config(options, false)?;
            let language = config
                .as_ref()
                .map_or(Language::Fr, |config| config.language);
            let path = single_argument(options, "INVOICE.json")?;
            let request = read_text(path)?;
            let bank = config
                .as_ref()
                .and_then(|config| config.bank_account.as_ref());
            // The same syntax as submit: the invoice's own, else the configuration's.
            let syntax = config
                .as_ref()
                .map_or(Syntax::default(), |config| config.syntax);
            let library = |error| Failure::Library(error, language);
            if options.command == "validate" {
                let result = requests::validate(&request, bank, syntax).map_err(library)?;
                print_result(options.json, &result, || {
                    label(language, "Facture valide.", "Invoice is valid.").to_owned()
                });
                return Ok(());
            }
            let result = requests::build_xml(&request, None, bank, syntax).map_err(library)?;
            if options.json {
                print_result(true, &result, String::new);
                return Ok(());
            }
            let xml = result["xml"].as_str().unwrap_or_default();
            std::io::stdout()
                .write_all(xml.as_bytes())
                .map_err(|error| Failure::Usage(format!("cannot write the XML: {error}")))?;
            Ok(())
        }
        other => Err(Failure::Usage(format!(
            "unknown command {other}; run chorus --help"
        ))),
    }
}

fn run_portal_command(options: &Options) -> Result<(), Failure> {
    let config = load_config(options, true)?.expect("required above");
    let language = config.language;
    let session = Session::new(config).map_err(|error| Failure::Library(error, language))?;
    let library = |error| Failure::Library(error, language);
    match options.command.as_str() {
        "test-connection" => {
            if !options.arguments.is_empty() {
                return Err(Failure::Usage(
                    "test-connection takes no argument".to_owned(),
                ));
            }
            let result = session.test_connection().map_err(library)?;
            print_result(options.json, &result, || {
                describe_steps(&result["steps"], language)
            });
        }
        "submit" => {
            let path = single_argument(options, "INVOICE.json")?;
            let result = session.submit(&read_text(path)?).map_err(library)?;
            print_result(options.json, &result, || {
                format!(
                    "{} {}: {} {}\n{}: {}\nSHA-256: {}",
                    label(language, "Facture", "Invoice"),
                    text(&result["invoice_number"]),
                    label(language, "déposée, flux", "deposited, flux"),
                    text(&result["flux_number"]),
                    label(language, "Fichier", "File"),
                    text(&result["file_name"]),
                    text(&result["sha256"]),
                )
            });
        }
        "lookup-buyer" => {
            let siret = single_argument(options, "SIRET")?;
            let query = json!({ "siret": siret }).to_string();
            let result = chorus_pro::directory::lookup_buyer(&session, &query).map_err(library)?;
            print_result(options.json, &result, || describe_buyer(&result, language));
        }
        _ => {
            let reference = single_argument(options, "FLUX_NUMBER")?;
            let query = status_query(reference).to_string();
            let result = session.get_status(&query).map_err(library)?;
            print_result(options.json, &result, || describe_status(&result, language));
        }
    }
    Ok(())
}

/// Builds the `chorus_get_status` query for a flux number, a portal invoice id or an
/// invoice number.
fn status_query(reference: &str) -> Value {
    if reference.starts_with("CPP") {
        json!({ "flux_number": reference })
    } else if let Ok(id) = reference.parse::<u64>() {
        json!({ "portal_invoice_id": id })
    } else {
        json!({ "invoice_number": reference })
    }
}

fn label(language: Language, french: &'static str, english: &'static str) -> &'static str {
    match language {
        Language::Fr => french,
        Language::En => english,
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

fn print_result(as_json: bool, result: &Value, describe: impl FnOnce() -> String) {
    if as_json {
        println!("{result}");
    } else {
        println!("{}", describe());
    }
}

fn describe_steps(steps: &Value, language: Language) -> String {
    let mut lines = Vec::new();
    for step in steps.as_array().map(Vec::as_slice).unwrap_or_default() {
        lines.push(format!(
            "{:<8} {:<20} {:>5} ms  {}",
            text(&step["outcome"]),
            text(&step["name"]),
            text(&step["duration_ms"]),
            text(&step["proves"]),
        ));
        let warning = match language {
            Language::Fr => &step["message_fr"],
            Language::En => &step["message_en"],
        };
        if warning.is_string() {
            lines.push(format!("         {}", text(warning)));
        }
    }
    lines.join("\n")
}

fn describe_status(status: &Value, language: Language) -> String {
    let finality = if status["final"] == true {
        label(language, "final", "final")
    } else {
        label(language, "en cours", "pending")
    };
    let mut lines = Vec::new();
    // A query by invoice id or number returns invoices only, with no flux of its own.
    if status.get("state").is_some() {
        lines.push(format!(
            "Flux {}: {} ({finality})",
            text(&status["flux_number"]),
            text(&status["state"])
        ));
    }
    for error in status["invoice_errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        lines.push(format!(
            "  {} {}: {} [{}]",
            label(language, "rejet", "rejected"),
            text(&error["invoice_number"]),
            text(&error["message"]),
            text(&error["name"]),
        ));
    }
    for error in status["technical_errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        lines.push(format!(
            "  {} {}: {}",
            label(language, "erreur technique", "technical error"),
            text(&error["code"]),
            text(&error["message"])
        ));
    }
    for invoice in status["invoices"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        // An invoice the portal did not create has no id and no status, only an outcome.
        let line = if invoice["portal_invoice_id"].is_null() {
            format!(
                "  {} {}: {} ({})",
                label(language, "facture", "invoice"),
                text(&invoice["invoice_number"]),
                text(&invoice["deposit_outcome"]),
                text(&invoice["reason"]),
            )
        } else {
            format!(
                "  {} {} (id {}): {}",
                label(language, "facture", "invoice"),
                text(&invoice["invoice_number"]),
                text(&invoice["portal_invoice_id"]),
                text(&invoice["status"]),
            )
        };
        lines.push(line);
    }
    if status["final"] != true {
        lines.push(format!(
            "  {} {} s",
            label(language, "redemander dans", "ask again in"),
            text(&status["retry_after_seconds"])
        ));
    }
    lines.join("\n")
}

fn describe_buyer(buyer: &Value, language: Language) -> String {
    let mut lines = vec![
        format!(
            "{} ({}, id {})",
            text(&buyer["name"]),
            text(&buyer["structure_type"]),
            text(&buyer["structure_id"])
        ),
        format!(
            "{}: {}",
            label(language, "exigence", "requirement"),
            text(&buyer["requirement"])
        ),
    ];
    for service in buyer["services"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let engagement = if service["engagement_required"] == true {
            label(
                language,
                " (engagement obligatoire)",
                " (engagement required)",
            )
        } else {
            ""
        };
        lines.push(format!(
            "  {} {}{engagement}",
            text(&service["code"]),
            text(&service["name"])
        ));
    }
    lines.join("\n")
}

fn print_error(error: &Error, language: Language, as_json: bool) {
    let object = error.to_json(language);
    if as_json {
        println!("{object}");
        return;
    }
    eprintln!(
        "{} {}: {}",
        object["code"],
        text(&object["name"]),
        text(&object["message"])
    );
    for problem in object["problems"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        eprintln!(
            "  {}: {}",
            text(&problem["path"]),
            text(&problem["message"])
        );
    }
    if let Some(steps) = object["details"].get("steps") {
        eprintln!("{}", describe_steps(steps, language));
    }
    // The library's hint speaks to a program calling chorus_configure; here the
    // configuration is the --config file.
    let hint = if error.code == Code::CHORUS_ERR_INVALID_CONFIGURATION {
        label(
            language,
            "corrigez chaque clé listée dans le fichier de --config, puis relancez la commande.",
            "fix each key listed in the --config file, then run the command again.",
        )
        .to_owned()
    } else {
        text(&object["hint"])
    };
    eprintln!("{}: {hint}", label(language, "à vérifier", "check"));
}
