//! Time source and the date formats that Chorus Pro uses in its replies.
//!
//! Chorus Pro runs in Paris and its timestamps carry the Paris offset (`+01:00` in
//! winter, `+02:00` in summer), so the sandbox formats every date in Paris local time.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Wall-clock time that never goes backwards within one run.
///
/// The sandbox reads the system clock once at start-up and then adds the elapsed
/// monotonic time, so flux and invoice timelines stay ordered even if the system
/// clock is changed while it runs.
pub struct Clock {
    started: Instant,
    started_unix_millis: i64,
}

impl Clock {
    pub fn new() -> Clock {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Clock {
            started: Instant::now(),
            started_unix_millis: i64::try_from(since_epoch.as_millis()).unwrap_or(0),
        }
    }

    pub fn now(&self) -> Timestamp {
        let elapsed = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX / 2);
        Timestamp {
            unix_millis: self.started_unix_millis + elapsed,
        }
    }
}

/// A point in time, in milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub unix_millis: i64,
}

impl Timestamp {
    pub fn plus(self, duration: Duration) -> Timestamp {
        let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX / 2);
        Timestamp {
            unix_millis: self.unix_millis.saturating_add(millis),
        }
    }

    /// Formats as RFC 3339 with milliseconds and the Paris offset,
    /// e.g. `2018-02-16T15:10:25.536+01:00` (the shape of `dateDepotFlux`).
    pub fn rfc3339_paris(self) -> String {
        let local = self.paris_local();
        let offset_hours = local.offset_seconds / 3600;
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+{:02}:00",
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.millisecond,
            offset_hours
        )
    }

    /// Formats the Paris calendar date as `YYYY-MM-DD` (the shape of `dateDepot`).
    pub fn date_paris(self) -> String {
        let local = self.paris_local();
        format!("{:04}-{:02}-{:02}", local.year, local.month, local.day)
    }

    /// Formats as `YYYY-MM-DD HH:MM` in Paris time (the shape of history timestamps).
    pub fn minute_paris(self) -> String {
        let local = self.paris_local();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            local.year, local.month, local.day, local.hour, local.minute
        )
    }

    /// Formats as RFC 3339 in UTC with milliseconds, for the sandbox's own logs.
    pub fn rfc3339_utc(self) -> String {
        let fields = LocalTime::from_unix_millis(self.unix_millis, 0);
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            fields.year,
            fields.month,
            fields.day,
            fields.hour,
            fields.minute,
            fields.second,
            fields.millisecond
        )
    }

    fn paris_local(self) -> LocalTime {
        let offset_seconds = paris_offset_seconds(self.unix_millis.div_euclid(1000));
        LocalTime::from_unix_millis(self.unix_millis, offset_seconds)
    }
}

struct LocalTime {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    millisecond: i64,
    offset_seconds: i64,
}

impl LocalTime {
    fn from_unix_millis(unix_millis: i64, offset_seconds: i64) -> LocalTime {
        let local_millis = unix_millis + offset_seconds * 1000;
        let days = local_millis.div_euclid(86_400_000);
        let millis_of_day = local_millis.rem_euclid(86_400_000);
        let (year, month, day) = civil_from_days(days);
        LocalTime {
            year,
            month,
            day,
            hour: millis_of_day / 3_600_000,
            minute: millis_of_day / 60_000 % 60,
            second: millis_of_day / 1000 % 60,
            millisecond: millis_of_day % 1000,
            offset_seconds,
        }
    }
}

/// Returns the Paris UTC offset in seconds at the given Unix time.
///
/// EU summer time starts on the last Sunday of March at 01:00 UTC and ends on the
/// last Sunday of October at 01:00 UTC.
fn paris_offset_seconds(unix_seconds: i64) -> i64 {
    let (year, _, _) = civil_from_days(unix_seconds.div_euclid(86_400));
    let summer_starts = last_sunday_days(year, 3) * 86_400 + 3600;
    let summer_ends = last_sunday_days(year, 10) * 86_400 + 3600;
    if unix_seconds >= summer_starts && unix_seconds < summer_ends {
        2 * 3600
    } else {
        3600
    }
}

/// Returns the day number (days since 1970-01-01) of the last Sunday of a 31-day month.
fn last_sunday_days(year: i64, month: u32) -> i64 {
    let last_day = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday, so `(days + 4) % 7` numbers weekdays from Sunday = 0.
    let weekday = (last_day + 4).rem_euclid(7);
    last_day - weekday
}

/// Converts a proleptic Gregorian date to a day number counted from 1970-01-01.
///
/// Counts in 400-year eras (146 097 days each) with years starting on 1 March, so
/// that the leap day is the last day of its year.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Converts a day number counted from 1970-01-01 to a proleptic Gregorian date.
/// This is the inverse of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// Checks that a string is a real calendar date written `YYYY-MM-DD`.
pub fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        text[0..4].parse::<i64>(),
        text[5..7].parse::<u32>(),
        text[8..10].parse::<u32>(),
    ) else {
        return false;
    };
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    civil_from_days(days_from_civil(year, month, day)) == (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 11_016, 19_000, 20_000, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days, "day {days}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
    }

    #[test]
    fn paris_offset_follows_summer_time() {
        // 2026-03-29 00:59:59 UTC, one second before summer time starts.
        let before = days_from_civil(2026, 3, 29) * 86_400 + 3599;
        assert_eq!(paris_offset_seconds(before), 3600);
        assert_eq!(paris_offset_seconds(before + 1), 7200);
        // 2026-10-25 01:00:00 UTC, when summer time ends.
        let end = days_from_civil(2026, 10, 25) * 86_400 + 3600;
        assert_eq!(paris_offset_seconds(end - 1), 7200);
        assert_eq!(paris_offset_seconds(end), 3600);
    }

    #[test]
    fn formats_in_paris_time() {
        // 2018-02-16T14:10:25.536Z is 15:10:25.536 in Paris (winter).
        let millis =
            (days_from_civil(2018, 2, 16) * 86_400 + 14 * 3600 + 10 * 60 + 25) * 1000 + 536;
        let timestamp = Timestamp {
            unix_millis: millis,
        };
        assert_eq!(timestamp.rfc3339_paris(), "2018-02-16T15:10:25.536+01:00");
        assert_eq!(timestamp.date_paris(), "2018-02-16");
        assert_eq!(timestamp.minute_paris(), "2018-02-16 15:10");
        assert_eq!(timestamp.rfc3339_utc(), "2018-02-16T14:10:25.536Z");
    }

    #[test]
    fn iso_date_check() {
        assert!(is_iso_date("2099-12-31"));
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2025-02-29"));
        assert!(!is_iso_date("2025-13-01"));
        assert!(!is_iso_date("2025-1-01"));
        assert!(!is_iso_date("31/12/2099"));
    }
}
