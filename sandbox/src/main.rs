//! chorus-sandbox: a local stand-in for the PISTE OAuth2 token endpoint and the
//! Chorus Pro qualification API, so that the chorus-pro library, its tests and
//! integrators' CI can run without network access. See `sandbox/README.md`.

mod admin;
mod app;
mod archive;
mod cli;
mod clock;
mod dataset;
mod factures;
mod facturx;
mod faults;
mod gateway;
mod http;
mod invoice_xml;
mod logging;
mod messages;
mod oauth;
mod params;
mod reference_data;
mod report_pdf;
mod server;
mod stats;
mod store;
mod structures;
mod syntax;
mod tls;
mod transverses;
mod utilisateurs;
mod validation;
mod wire;

use std::process::ExitCode;

fn main() -> ExitCode {
    let config = match cli::parse(std::env::args_os().skip(1)) {
        Ok(cli::Command::Run(config)) => config,
        Ok(cli::Command::Help) => {
            print!("{}", cli::HELP);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("chorus-sandbox: {message}\nRun `chorus-sandbox --help` for the options.");
            return ExitCode::from(2);
        }
    };
    logging::init(config.quiet);

    let data = match dataset::DataSet::load(config.data_file.as_deref()) {
        Ok(data) => data,
        Err(message) => {
            log::error!("{message}");
            return ExitCode::from(2);
        }
    };
    server::run(config, data)
}
