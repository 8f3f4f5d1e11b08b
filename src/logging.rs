//! Delivery of the library's log records to a callback of the host.
//!
//! The library logs through the `log` crate. Once the host sets a callback, a logger
//! forwards every record of this crate at or above the chosen level to it. Records never
//! contain a secret: call sites log ids, paths, codes and durations only.

use std::cell::Cell;
use std::ffi::{c_char, c_void, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Once, RwLock};

/// Host function receiving one log record: `chorus_log_callback` without its NULL case.
pub type LogCallback = unsafe extern "C" fn(
    userdata: *mut c_void,
    level: u32,
    target: *const c_char,
    message: *const c_char,
);

/// The callback in force, its user data (stored as an address so that the sink is `Send`),
/// and the most detailed level delivered.
#[derive(Clone, Copy)]
struct Sink {
    callback: LogCallback,
    userdata: usize,
    max_level: log::LevelFilter,
}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static INSTALL: Once = Once::new();
/// Whether this crate's logger owns the `log` facade of the process.
static OWNS_FACADE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while a record is delivered, so that a callback calling back into the library
    /// does not recurse.
    static DELIVERING: Cell<bool> = const { Cell::new(false) };
}

struct CallbackLogger;

static LOGGER: CallbackLogger = CallbackLogger;

impl log::Log for CallbackLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("chorus_pro")
            && current_sink().is_some_and(|sink| metadata.level() <= sink.max_level)
    }

    fn log(&self, record: &log::Record<'_>) {
        let Some(sink) = current_sink() else {
            return;
        };
        if !record.target().starts_with("chorus_pro") || record.level() > sink.max_level {
            return;
        }
        if DELIVERING.with(|flag| flag.replace(true)) {
            return;
        }
        let target = c_text(record.target());
        let message = c_text(&record.args().to_string());
        // SAFETY: the host promised, when setting the callback, that it stays callable
        // with this user data until it is replaced or cleared.
        unsafe {
            (sink.callback)(
                sink.userdata as *mut c_void,
                level_number(record.level()),
                target.as_ptr(),
                message.as_ptr(),
            );
        }
        DELIVERING.with(|flag| flag.set(false));
    }

    fn flush(&self) {}
}

fn current_sink() -> Option<Sink> {
    *SINK.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Converts text to a C string, replacing any NUL byte so that nothing is cut off.
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', "\u{FFFD}")).expect("NUL bytes were replaced")
}

/// Maps a `log` level to its `CHORUS_LOG_*` number.
pub fn level_number(level: log::Level) -> u32 {
    match level {
        log::Level::Error => 1,
        log::Level::Warn => 2,
        log::Level::Info => 3,
        log::Level::Debug => 4,
        log::Level::Trace => 5,
    }
}

/// Maps a `CHORUS_LOG_*` number to the most detailed level delivered; 0 turns logging off
/// and numbers above 5 mean trace.
pub fn level_filter(number: u32) -> log::LevelFilter {
    match number {
        0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Error,
        2 => log::LevelFilter::Warn,
        3 => log::LevelFilter::Info,
        4 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

/// Sets or clears (`None`) the callback. Returns false when another logger already owns
/// the process's `log` facade. That happens only when the crate is linked as an rlib into
/// a Rust program that installed its own logger.
pub fn set_callback(
    callback: Option<LogCallback>,
    userdata: *mut c_void,
    max_level: log::LevelFilter,
) -> bool {
    INSTALL.call_once(|| {
        OWNS_FACADE.store(log::set_logger(&LOGGER).is_ok(), Ordering::Relaxed);
    });
    let installed = OWNS_FACADE.load(Ordering::Relaxed);
    let sink = callback.map(|callback| Sink {
        callback,
        userdata: userdata as usize,
        max_level,
    });
    *SINK
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = sink;
    let enabled = sink.map_or(log::LevelFilter::Off, |sink| sink.max_level);
    if installed {
        log::set_max_level(enabled);
    }
    installed
}
