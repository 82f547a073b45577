//! Human durations in configuration and on the command line: `500ms`, `90s`, `30m`, `24h`,
//! `7d`.
//!
//! Configuration holds them as [`HumanDuration`], parsed once when the file is loaded (an error
//! names the key), and written back the way the operator wrote them.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("{0:?} is not a duration (e.g. 90s, 30m, 24h, 7d)")]
    NotANumber(String),
    #[error("{0:?}: the unit must be ms, s, m, h or d")]
    Unit(String),
    #[error("{0:?} must be more than zero and at most 100 years")]
    OutOfRange(String),
}

/// Parses a duration. A bare number is seconds; zero is refused (every duration configured
/// here is a lifetime, a timeout or an interval, for which zero means a mistake).
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| DurationError::NotANumber(s.to_string()))?;
    let millis_per_unit = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(DurationError::Unit(s.to_string())),
    };
    n.checked_mul(millis_per_unit)
        .filter(|v| *v > 0 && *v <= 100 * 365 * 86_400_000)
        .map(Duration::from_millis)
        .ok_or_else(|| DurationError::OutOfRange(s.to_string()))
}

/// A duration as configuration writes it (`"7d"`), parsed when the configuration is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanDuration {
    text: String,
    value: Duration,
}

impl HumanDuration {
    pub fn parse(s: &str) -> Result<Self, DurationError> {
        Ok(Self {
            value: parse_duration(s)?,
            text: s.trim().to_string(),
        })
    }

    pub fn get(&self) -> Duration {
        self.value
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::str::FromStr for HumanDuration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// A bare integer is seconds, as on the command line.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Secs(u64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Text(t) => t,
            Raw::Secs(n) => n.to_string(),
        };
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let p = |s| parse_duration(s).map(|d| d.as_secs());
        assert_eq!(p("90"), Ok(90));
        assert_eq!(p("30m"), Ok(1800));
        assert_eq!(p("24h"), Ok(86_400));
        assert_eq!(p("7d"), Ok(604_800));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(p("0s"), Err(DurationError::OutOfRange("0s".into())));
        assert_eq!(p("1w"), Err(DurationError::Unit("1w".into())));
        assert_eq!(p("h"), Err(DurationError::NotANumber("h".into())));
        assert!(p("99999999999999d").is_err());
    }

    #[test]
    fn configuration_keeps_what_the_operator_wrote() {
        #[derive(Deserialize, Serialize)]
        struct C {
            ttl: HumanDuration,
        }
        let c: C = toml::from_str("ttl = \"24h\"").unwrap();
        assert_eq!(c.ttl.get(), Duration::from_secs(86_400));
        assert_eq!(toml::to_string(&c).unwrap().trim(), "ttl = \"24h\"");
        let c: C = toml::from_str("ttl = 90").unwrap();
        assert_eq!(c.ttl.get(), Duration::from_secs(90));
        let e = toml::from_str::<C>("ttl = \"1w\"")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("unit must be"), "{e}");
    }
}
