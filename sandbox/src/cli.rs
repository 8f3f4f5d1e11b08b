//! Command-line parsing and the run configuration.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

pub const DEFAULT_TOKEN_LIFETIME_SECONDS: u64 = 3600;

pub const HELP: &str = "\
chorus-sandbox: a local stand-in for the PISTE OAuth2 token endpoint and the
Chorus Pro qualification API, for tests and CI that must run without network.

USAGE:
    chorus-sandbox [OPTIONS]

OPTIONS:
    --port N                  TCP port to listen on. 0 (the default) picks a free port.
    --bind ADDRESS            IP address to listen on (default 127.0.0.1).
    --allow-non-loopback      Allow a --bind address that is not a loopback address.
                              Without it such addresses are rejected, because the
                              sandbox serves fixed, published credentials and
                              unauthenticated /_sandbox admin endpoints.
    --data FILE               Data set (JSON) with the PISTE applications, technical
                              accounts and structures. Default: the built-in data set.
    --speed FACTOR            Multiplies every flux and invoice processing delay, from
                              0 to 1000 (default 1.0). 0.1 runs the timelines ten
                              times faster, 0 makes them immediate.
    --token-lifetime SECONDS  Lifetime of issued access tokens, returned as
                              expires_in (default 3600, minimum 1).
    --tls-cert FILE           Serve HTTPS with this PEM certificate chain (server
                              certificate first). Needs --tls-key.
    --tls-key FILE            PEM private key (PKCS#8, PKCS#1 or SEC1) of --tls-cert.
    --tls-self-signed FILE    Serve HTTPS with a certificate generated at start-up for
                              localhost, 127.0.0.1 and ::1, signed by a new certificate
                              authority whose certificate (PEM) is written to FILE.
    --quiet                   Do not log requests, start-up and shutdown to stderr.
                              Warnings and errors are still logged.
    -h, --help                Print this help and exit.

On start-up the sandbox prints exactly one line to stdout:
    chorus-sandbox listening on http://127.0.0.1:PORT

It stops on SIGTERM, SIGINT or POST /_sandbox/shutdown.
See sandbox/README.md for the routes, fault injection and admin endpoints.
";

/// Settings of one sandbox run.
#[derive(Clone, Debug)]
pub struct Config {
    pub port: u16,
    pub bind: IpAddr,
    pub data_file: Option<PathBuf>,
    /// Multiplier applied to every flux and invoice delay.
    pub speed: f64,
    pub token_lifetime_seconds: u64,
    pub quiet: bool,
    /// Source of the HTTPS certificate; `None` serves plain HTTP.
    pub tls: Option<TlsSource>,
}

/// The certificate of an HTTPS sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsSource {
    Files {
        cert: PathBuf,
        key: PathBuf,
    },
    /// Generated at start-up; the certificate authority's PEM is written to `ca_cert_out`.
    SelfSigned {
        ca_cert_out: PathBuf,
    },
}

pub enum Command {
    Run(Config),
    Help,
}

/// Parses the arguments that follow the program name.
pub fn parse<I>(arguments: I) -> Result<Command, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut config = Config {
        port: 0,
        bind: IpAddr::from([127, 0, 0, 1]),
        data_file: None,
        speed: 1.0,
        token_lifetime_seconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
        quiet: false,
        tls: None,
    };
    let mut tls_cert: Option<PathBuf> = None;
    let mut tls_key: Option<PathBuf> = None;
    let mut tls_self_signed: Option<PathBuf> = None;
    let mut allow_non_loopback = false;
    let mut arguments = arguments.into_iter();

    while let Some(argument) = arguments.next() {
        let argument = argument
            .into_string()
            .map_err(|raw| format!("argument {raw:?} is not valid UTF-8"))?;
        // Accept both `--option value` and `--option=value`.
        let (name, inline_value) = match argument.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_string(), Some(value)),
            _ => (argument.clone(), None),
        };
        let mut value = |option: &str| -> Result<String, String> {
            if let Some(value) = inline_value {
                return Ok(value.to_string());
            }
            match arguments.next() {
                Some(value) => value
                    .into_string()
                    .map_err(|raw| format!("value {raw:?} of {option} is not valid UTF-8")),
                None => Err(format!("option {option} needs a value")),
            }
        };

        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => {
                let text = value("--port")?;
                config.port = text.parse().map_err(|_| {
                    format!("invalid --port value {text:?}: expected an integer from 0 to 65535")
                })?;
            }
            "--bind" => {
                let text = value("--bind")?;
                config.bind = text.parse().map_err(|_| {
                    format!("invalid --bind value {text:?}: expected an IP address such as 127.0.0.1 or ::1")
                })?;
            }
            "--allow-non-loopback" => allow_non_loopback = true,
            "--data" => config.data_file = Some(PathBuf::from(value("--data")?)),
            "--speed" => {
                let text = value("--speed")?;
                config.speed = match text.parse::<f64>() {
                    Ok(speed) if speed.is_finite() && (0.0..=1000.0).contains(&speed) => speed,
                    _ => {
                        return Err(format!(
                            "invalid --speed value {text:?}: expected a number from 0 to 1000"
                        ))
                    }
                };
            }
            "--token-lifetime" => {
                let text = value("--token-lifetime")?;
                config.token_lifetime_seconds = match text.parse::<u64>() {
                    Ok(seconds) if seconds >= 1 => seconds,
                    _ => {
                        return Err(format!(
                            "invalid --token-lifetime value {text:?}: expected a whole number of seconds, at least 1"
                        ))
                    }
                };
            }
            "--quiet" => config.quiet = true,
            "--tls-cert" => tls_cert = Some(PathBuf::from(value("--tls-cert")?)),
            "--tls-key" => tls_key = Some(PathBuf::from(value("--tls-key")?)),
            "--tls-self-signed" => {
                tls_self_signed = Some(PathBuf::from(value("--tls-self-signed")?));
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }

    config.tls = match (tls_cert, tls_key, tls_self_signed) {
        (None, None, None) => None,
        (Some(cert), Some(key), None) => Some(TlsSource::Files { cert, key }),
        (None, None, Some(ca_cert_out)) => Some(TlsSource::SelfSigned { ca_cert_out }),
        (_, _, Some(_)) => {
            return Err("--tls-self-signed cannot be combined with --tls-cert or --tls-key".into())
        }
        _ => return Err("--tls-cert and --tls-key must be given together".into()),
    };

    if !config.bind.is_loopback() && !allow_non_loopback {
        return Err(format!(
            "refusing to listen on {}, which is not a loopback address: the sandbox serves \
             published credentials and unauthenticated admin endpoints. \
             Pass --allow-non-loopback to listen there anyway",
            config.bind
        ));
    }
    Ok(Command::Run(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strings(arguments: &[&str]) -> Result<Command, String> {
        parse(arguments.iter().map(OsString::from))
    }

    fn parse_config(arguments: &[&str]) -> Config {
        match parse_strings(arguments) {
            Ok(Command::Run(config)) => config,
            Ok(Command::Help) => panic!("unexpected help for {arguments:?}"),
            Err(message) => panic!("unexpected error for {arguments:?}: {message}"),
        }
    }

    #[test]
    fn defaults() {
        let config = parse_config(&[]);
        assert_eq!(config.port, 0);
        assert_eq!(config.bind.to_string(), "127.0.0.1");
        assert_eq!(config.speed, 1.0);
        assert_eq!(config.token_lifetime_seconds, 3600);
        assert!(!config.quiet);
        assert!(config.data_file.is_none());
    }

    #[test]
    fn options_with_values() {
        let config = parse_config(&[
            "--port",
            "8080",
            "--speed=0.1",
            "--token-lifetime",
            "5",
            "--quiet",
            "--data",
            "x.json",
            "--bind",
            "::1",
        ]);
        assert_eq!(config.port, 8080);
        assert_eq!(config.speed, 0.1);
        assert_eq!(config.token_lifetime_seconds, 5);
        assert!(config.quiet);
        assert_eq!(config.data_file, Some(PathBuf::from("x.json")));
        assert_eq!(config.bind.to_string(), "::1");
    }

    #[test]
    fn non_loopback_bind_needs_flag() {
        let error = parse_strings(&["--bind", "0.0.0.0"]).err();
        assert!(error.is_some_and(|message| message.contains("--allow-non-loopback")));
        let config = parse_config(&["--bind", "0.0.0.0", "--allow-non-loopback"]);
        assert_eq!(config.bind.to_string(), "0.0.0.0");
    }

    #[test]
    fn tls_options() {
        assert_eq!(parse_config(&[]).tls, None);
        let files = parse_config(&["--tls-cert", "c.pem", "--tls-key=k.pem"]);
        assert_eq!(
            files.tls,
            Some(TlsSource::Files {
                cert: PathBuf::from("c.pem"),
                key: PathBuf::from("k.pem"),
            })
        );
        let generated = parse_config(&["--tls-self-signed", "ca.pem"]);
        assert_eq!(
            generated.tls,
            Some(TlsSource::SelfSigned {
                ca_cert_out: PathBuf::from("ca.pem"),
            })
        );
        for arguments in [
            &["--tls-cert", "c.pem"][..],
            &["--tls-key", "k.pem"],
            &[
                "--tls-self-signed",
                "ca.pem",
                "--tls-cert",
                "c.pem",
                "--tls-key",
                "k.pem",
            ],
            &["--tls-self-signed"],
        ] {
            assert!(parse_strings(arguments).is_err(), "{arguments:?}");
        }
    }

    #[test]
    fn invalid_values_rejected() {
        for arguments in [
            &["--port", "70000"][..],
            &["--speed", "-1"],
            &["--speed", "NaN"],
            &["--token-lifetime", "0"],
            &["--bind", "localhost"],
            &["--port"],
            &["--frobnicate"],
        ] {
            assert!(parse_strings(arguments).is_err(), "{arguments:?}");
        }
    }
}
