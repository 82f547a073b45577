//! The one time type of the federation: an instant as milliseconds since the Unix epoch (UTC).
//!
//! The hub, the agent, the store and the wire all speak of instants; before this type some
//! spoke milliseconds and some seconds (certificate expiry), in bare `i64`s that the compiler
//! could not tell apart. The database keeps the milliseconds as a plain integer column.
//! Reading the clock is I/O and happens in the binaries ([`UnixMillis::from_system_time`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct UnixMillis(i64);

impl UnixMillis {
    /// The epoch itself; also what "unknown" was written as on the wire.
    pub const EPOCH: UnixMillis = UnixMillis(0);

    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn from_secs(secs: i64) -> Self {
        Self(secs.saturating_mul(1000))
    }

    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds, rounded towards the past (what X.509 validity holds).
    pub const fn as_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// The instant a [`SystemTime`] names (times before the epoch clamp to it).
    pub fn from_system_time(t: SystemTime) -> Self {
        let ms = t
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Self(ms)
    }

    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(duration_ms(d)))
    }

    pub fn saturating_sub(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(duration_ms(d)))
    }

    /// How long after `earlier` this instant is (zero if it is not after it).
    pub fn duration_since(self, earlier: UnixMillis) -> Duration {
        Duration::from_millis(u64::try_from(self.0.saturating_sub(earlier.0)).unwrap_or(0))
    }

    /// RFC 3339 in UTC, e.g. `2024-05-14T01:30:00Z` (for `datetime` attributes and logs).
    pub fn to_rfc3339(self) -> String {
        chrono::DateTime::from_timestamp_millis(self.0)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    }

    /// `dd/mm/yyyy HH:MM` in Vietnam time (UTC+7), as Vietnamese readers write dates.
    pub fn to_vietnam_date_time(self) -> String {
        use chrono::{FixedOffset, TimeZone};
        let Some(tz) = FixedOffset::east_opt(7 * 3600) else {
            return String::new();
        };
        match tz.timestamp_millis_opt(self.0).single() {
            Some(d) => d.format("%d/%m/%Y %H:%M").to_string(),
            None => String::new(),
        }
    }

    /// The calendar day in Vietnam (UTC+7).
    pub fn to_vietnam_date(self) -> chrono::NaiveDate {
        let shifted = self.0.saturating_add(7 * 3600 * 1000);
        chrono::DateTime::from_timestamp_millis(shifted)
            .map(|d| d.date_naive())
            .unwrap_or_default()
    }

    /// `yyyy-mm-dd HH:MM:SS +07:00` in Vietnam time, for operators' tables: unambiguous and
    /// sortable, with the zone written out.
    pub fn to_operator_time(self) -> String {
        use chrono::{FixedOffset, TimeZone};
        let Some(tz) = FixedOffset::east_opt(7 * 3600) else {
            return String::new();
        };
        match tz.timestamp_millis_opt(self.0).single() {
            Some(d) => d.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
            None => String::new(),
        }
    }
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl std::fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_milliseconds_do_not_mix_up() {
        let t = UnixMillis::from_secs(1_717_203_600);
        assert_eq!(t.as_millis(), 1_717_203_600_000);
        assert_eq!(UnixMillis::from_millis(1_999).as_secs(), 1);
        assert_eq!(UnixMillis::from_millis(-1).as_secs(), -1);
        assert_eq!(t.to_rfc3339(), "2024-06-01T01:00:00Z");
        assert_eq!(t.to_vietnam_date_time(), "01/06/2024 08:00");
        assert_eq!(t.to_operator_time(), "2024-06-01 08:00:00 +07:00");
    }

    #[test]
    fn arithmetic_saturates() {
        let t = UnixMillis::from_millis(1_000);
        assert_eq!(t.saturating_add(Duration::from_secs(2)).as_millis(), 3_000);
        assert_eq!(t.saturating_sub(Duration::from_secs(2)).as_millis(), -1_000);
        assert_eq!(
            UnixMillis::from_millis(i64::MAX).saturating_add(Duration::from_secs(1)),
            UnixMillis::from_millis(i64::MAX)
        );
        assert_eq!(
            t.duration_since(UnixMillis::from_millis(400)).as_millis(),
            600
        );
        assert_eq!(UnixMillis::EPOCH.duration_since(t), Duration::ZERO);
    }
}
