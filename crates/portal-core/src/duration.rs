//! Human durations in configuration and on the command line: `90s`, `30m`, `24h`, `7d`.

/// Parses a duration into seconds. A bare number is seconds.
pub fn parse_duration_secs(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 90s, 30m, 24h, 7d)"))?;
    let mul = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: unit must be s, m, h or d")),
    };
    n.checked_mul(mul)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{s:?} is out of range"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        use super::parse_duration_secs as p;
        assert_eq!(p("90"), Ok(90));
        assert_eq!(p("30m"), Ok(1800));
        assert_eq!(p("24h"), Ok(86_400));
        assert_eq!(p("7d"), Ok(604_800));
        assert!(p("0s").is_err());
        assert!(p("1w").is_err());
        assert!(p("h").is_err());
    }
}
