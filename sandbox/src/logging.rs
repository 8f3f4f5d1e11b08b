//! A `log` backend that writes one line per record to stderr.
//!
//! Request lines carry the method, path (without query string), status and duration
//! only. Headers, query strings and bodies are never logged, because they carry
//! client secrets, technical passwords and tokens.

use std::io::Write;

use log::{Level, LevelFilter, Log, Metadata, Record};

use crate::clock::Clock;

struct StderrLogger {
    clock: Clock,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = match record.level() {
            Level::Error => "ERROR",
            Level::Warn => "WARN ",
            Level::Info => "INFO ",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        };
        let line = format!(
            "{} {level} chorus-sandbox: {}\n",
            self.clock.now().rfc3339_utc(),
            record.args()
        );
        // A failed write to stderr cannot be reported anywhere, so it is ignored.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

/// Installs the stderr logger. `quiet` keeps only warnings and errors.
pub fn init(quiet: bool) {
    let logger = Box::new(StderrLogger {
        clock: Clock::new(),
    });
    if log::set_boxed_logger(logger).is_ok() {
        log::set_max_level(if quiet {
            LevelFilter::Warn
        } else {
            LevelFilter::Info
        });
    }
}
