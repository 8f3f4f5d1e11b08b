//! Retries of the calls that are safe to repeat: exponential backoff with jitter, the
//! server's `Retry-After`, a maximum number of attempts and a total deadline.
//!
//! A deposit (`deposer/flux`) is never retried here: see `crate::deposit`, which
//! searches for the invoice before it sends it again.
//!
//! One C API call may make several calls that retry, such as the directory look-ups and
//! the deposit of `chorus_submit`. Inside [`one_deadline`] they all count the deadline
//! from the start of that call, so the retries of the whole call stop at the deadline.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::json;

use crate::config::RetrySettings;
use crate::error::{chorus_result as Code, Error};

/// A failed attempt: the error, and the wait the server asked for, if any.
pub struct Failure {
    pub error: Error,
    pub retry_after: Option<Duration>,
    /// Whether the request reached the network (written, at least in part). A failure
    /// before that, such as a refused connection or a failed token request, proves that
    /// the portal did not receive the request.
    pub request_sent: bool,
}

impl Failure {
    /// Builds the failure of a request that was never sent.
    pub fn unsent(error: Error) -> Failure {
        Failure {
            error,
            retry_after: None,
            request_sent: false,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::unsent(error)
    }
}

/// Tells whether an error is worth another attempt: network failures, 429, 500, 502,
/// 503 and 504. DNS, TLS and proxy failures are not, because they rarely clear within
/// seconds.
pub fn is_transient(error: &Error) -> bool {
    matches!(
        error.code,
        Code::CHORUS_ERR_NETWORK
            | Code::CHORUS_ERR_TIMEOUT
            | Code::CHORUS_ERR_CONNECTION_REFUSED
            | Code::CHORUS_ERR_PORTAL_UNAVAILABLE
            | Code::CHORUS_ERR_RATE_LIMITED
    )
}

/// Reads `Retry-After` as a number of seconds or as an HTTP date (RFC 9110), which
/// becomes the time left until that date, zero when it has passed.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

thread_local! {
    /// Start of the enclosing [`one_deadline`] call on this thread, if any.
    static CALL_START: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Clears [`CALL_START`] when the outermost [`one_deadline`] returns or unwinds.
struct CallStartReset;

impl Drop for CallStartReset {
    fn drop(&mut self) {
        CALL_START.with(|start| start.set(None));
    }
}

/// Runs `body` with every retry schedule it starts measuring the deadline from now.
/// A nested call keeps the outer start.
pub fn one_deadline<T>(body: impl FnOnce() -> T) -> T {
    if CALL_START.with(Cell::get).is_some() {
        return body();
    }
    CALL_START.with(|start| start.set(Some(Instant::now())));
    let _reset = CallStartReset;
    body()
}

/// The attempts of one call, with the clock started at the first one, or at the start of
/// the enclosing [`one_deadline`] call.
pub struct Schedule<'a> {
    settings: &'a RetrySettings,
    started: Instant,
    attempts: u32,
}

impl<'a> Schedule<'a> {
    pub fn new(settings: &'a RetrySettings) -> Schedule<'a> {
        Schedule {
            settings,
            started: CALL_START.with(Cell::get).unwrap_or_else(Instant::now),
            attempts: 0,
        }
    }

    /// Counts one more attempt.
    pub fn begin_attempt(&mut self) {
        self.attempts += 1;
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Time left before the deadline, at least `floor`, so that the last attempt still
    /// gets a usable timeout.
    pub fn remaining_or(&self, floor: Duration) -> Duration {
        self.settings
            .deadline
            .saturating_sub(self.started.elapsed())
            .max(floor)
    }

    /// Returns the wait before the next attempt, or `None` when the attempts or the
    /// deadline are used up, or when `Retry-After` requests more time than is left.
    pub fn next_delay(&self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.attempts >= self.settings.max_attempts {
            return None;
        }
        let backoff = backoff_delay(self.settings, self.attempts);
        let delay = retry_after.map_or(backoff, |asked| asked.max(backoff));
        let elapsed = self.started.elapsed();
        (elapsed + delay < self.settings.deadline).then_some(delay)
    }
}

/// Returns the wait after attempt number `attempt` (1 for the first): a random value
/// between half and all of `initial_delay × 2^(attempt-1)`, capped at `max_delay`.
///
/// The random half spreads the retries of many threads or processes hit by the same
/// outage, so that they do not come back at the same instant.
pub fn backoff_delay(settings: &RetrySettings, attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let ceiling = settings
        .initial_delay
        .saturating_mul(1u32 << exponent)
        .min(settings.max_delay);
    let half = ceiling / 2;
    let jitter_ms = fastrand::u64(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

/// Runs `attempt` until it succeeds, fails with an error that is not transient, or the
/// settings allow no further attempt.
///
/// The final error records the number of attempts in `details.attempts` when there was
/// more than one.
pub fn run<T>(
    settings: &RetrySettings,
    mut attempt: impl FnMut(&Schedule<'_>) -> Result<T, Failure>,
) -> Result<T, Error> {
    let mut schedule = Schedule::new(settings);
    loop {
        schedule.begin_attempt();
        let failure = match attempt(&schedule) {
            Ok(value) => return Ok(value),
            Err(failure) => failure,
        };
        let delay = if is_transient(&failure.error) {
            schedule.next_delay(failure.retry_after)
        } else {
            None
        };
        match delay {
            Some(delay) => {
                log::warn!(
                    "attempt {} failed ({}), retrying in {} ms",
                    schedule.attempts(),
                    failure.error,
                    delay.as_millis()
                );
                std::thread::sleep(delay);
            }
            None => return Err(with_attempts(failure.error, schedule.attempts())),
        }
    }
}

/// Records how many attempts were made, unless the error already carries details.
pub fn with_attempts(error: Error, attempts: u32) -> Error {
    if attempts <= 1 || error.details.is_some() {
        return error;
    }
    error.details(json!({ "attempts": attempts }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::cell::Cell;

    fn settings(
        max_attempts: u32,
        initial_ms: u64,
        max_ms: u64,
        deadline_ms: u64,
    ) -> RetrySettings {
        RetrySettings {
            max_attempts,
            initial_delay: Duration::from_millis(initial_ms),
            max_delay: Duration::from_millis(max_ms),
            deadline: Duration::from_millis(deadline_ms),
            lookup_window: Duration::ZERO,
        }
    }

    fn unavailable() -> Failure {
        Failure::unsent(Error::new(
            Code::CHORUS_ERR_PORTAL_UNAVAILABLE,
            "503",
            "503",
        ))
    }

    #[test]
    fn backoff_doubles_within_bounds() {
        let settings = settings(10, 100, 1_000, 60_000);
        for _ in 0..200 {
            let first = backoff_delay(&settings, 1);
            assert!(first >= Duration::from_millis(50), "{first:?}");
            assert!(first <= Duration::from_millis(100), "{first:?}");
            let third = backoff_delay(&settings, 3);
            assert!(third >= Duration::from_millis(200), "{third:?}");
            assert!(third <= Duration::from_millis(400), "{third:?}");
            let capped = backoff_delay(&settings, 40);
            assert!(capped >= Duration::from_millis(500), "{capped:?}");
            assert!(capped <= Duration::from_millis(1_000), "{capped:?}");
        }
    }

    #[test]
    fn transient_errors_retried_until_max_attempts() {
        let calls = Cell::new(0);
        let error = run(&settings(3, 1, 2, 60_000), |_| -> Result<(), Failure> {
            calls.set(calls.get() + 1);
            Err(unavailable())
        })
        .unwrap_err();
        assert_eq!(calls.get(), 3);
        assert_eq!(error.code, Code::CHORUS_ERR_PORTAL_UNAVAILABLE);
        assert_eq!(error.details.as_ref().unwrap()["attempts"], 3);
    }

    #[test]
    fn success_after_transient_failures() {
        let calls = Cell::new(0);
        let value = run(&settings(5, 1, 2, 60_000), |_| {
            calls.set(calls.get() + 1);
            if calls.get() < 3 {
                Err(unavailable())
            } else {
                Ok("done")
            }
        })
        .unwrap();
        assert_eq!(value, "done");
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn permanent_errors_not_retried() {
        for code in [
            Code::CHORUS_ERR_TECHNICAL_ACCOUNT_REJECTED,
            Code::CHORUS_ERR_TLS,
            Code::CHORUS_ERR_DNS,
            Code::CHORUS_ERR_REJECTED,
            Code::CHORUS_ERR_UNEXPECTED_REPLY,
        ] {
            let calls = Cell::new(0);
            let error = run(&settings(5, 1, 2, 60_000), |_| -> Result<(), Failure> {
                calls.set(calls.get() + 1);
                Err(Failure::unsent(Error::new(code, "x", "x")))
            })
            .unwrap_err();
            assert_eq!(calls.get(), 1, "{code:?}");
            assert_eq!(error.code, code);
            assert!(error.details.is_none(), "{code:?}");
        }
    }

    #[test]
    fn retry_after_beyond_deadline_stops() {
        let calls = Cell::new(0);
        let error = run(&settings(5, 1, 2, 500), |_| -> Result<(), Failure> {
            calls.set(calls.get() + 1);
            let mut failure = unavailable();
            failure.retry_after = Some(Duration::from_secs(30));
            Err(failure)
        })
        .unwrap_err();
        assert_eq!(calls.get(), 1);
        assert_eq!(error.code, Code::CHORUS_ERR_PORTAL_UNAVAILABLE);
    }

    #[test]
    fn retry_after_raises_the_wait() {
        let settings = settings(5, 1, 2, 60_000);
        let mut schedule = Schedule::new(&settings);
        schedule.begin_attempt();
        let delay = schedule.next_delay(Some(Duration::from_secs(3))).unwrap();
        assert_eq!(delay, Duration::from_secs(3));
        let delay = schedule.next_delay(None).unwrap();
        assert!(delay <= Duration::from_millis(2), "{delay:?}");
    }

    #[test]
    fn retry_after_header_read_as_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn retry_after_header_read_as_date() {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));

        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = retry_after(&headers).expect("a date is read");
        // The date has a one-second resolution, so up to a second is lost.
        assert!(wait <= Duration::from_secs(30), "{wait:?}");
        assert!(wait >= Duration::from_secs(28), "{wait:?}");
    }
}
