//! Field rules that any aggregate may use. Each returns the message for a broken rule.

use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// Ids become part of a key (`<type>#<id>`), so they are short and plain: letters, digits,
/// `-` and `_`. UUIDs, the default, fit.
pub fn id(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > 64 {
        return Err("must be 1 to 64 characters".into());
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err("may hold only letters, digits, '-' and '_'".into());
    }
    Ok(())
}

/// Trimmed text of 1 to `max` characters.
pub fn text(max: usize) -> impl Fn(&str) -> Result<(), String> {
    move |value| {
        let len = value.trim().chars().count();
        if len == 0 {
            Err("must not be empty".into())
        } else if len > max {
            Err(format!("must be at most {max} characters"))
        } else if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            Err("must not hold control characters".into())
        } else {
            Ok(())
        }
    }
}

/// A plausible address: one `@`, something before it, a dotted domain after it, no spaces.
pub fn email(value: &str) -> Result<(), String> {
    let value = value.trim();
    let message = || Err("must be an email address like name@example.com".to_owned());
    if value.len() > 254 || value.chars().any(char::is_whitespace) {
        return message();
    }
    match value.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && local.len() <= 64
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..") =>
        {
            Ok(())
        }
        _ => message(),
    }
}

/// Digits with the usual separators, optionally after a leading `+`: 5 to 20 digits.
pub fn phone(value: &str) -> Result<(), String> {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value.char_indices().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.') || (c == '+' && i == 0)
    });
    if allowed && (5..=20).contains(&digits) && value.len() <= 32 {
        Ok(())
    } else {
        Err(
            "must be a phone number: 5 to 20 digits, optional leading '+', spaces, '-', '(', ')'"
                .into(),
        )
    }
}

/// An RFC 3339 timestamp, in UTC. Its UTC instant must be one RFC 3339 can write (years 0001
/// to 9999): `9999-12-31T23:30:00-01:00` is valid input whose UTC instant is not.
pub fn parse_rfc3339(value: &str) -> Result<OffsetDateTime, String> {
    let at = OffsetDateTime::parse(value.trim(), &Rfc3339)
        .map_err(|_| "must be an RFC 3339 timestamp like 2024-05-01T12:00:00Z".to_owned())?;
    at.checked_to_offset(time::UtcOffset::UTC)
        .filter(|utc| (1..=9999).contains(&utc.year()))
        .ok_or_else(|| "must fall between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z".to_owned())
}

pub fn rfc3339(value: &str) -> Result<(), String> {
    parse_rfc3339(value).map(|_| ())
}

/// A calendar date, `2027-03-31`.
pub fn parse_date(value: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let value = value.trim();
    // Four-digit years only (no sign): dates sort as their text.
    let plain = value.len() == 10 && value.starts_with(|c: char| c.is_ascii_digit());
    plain
        .then(|| time::Date::parse(value, &format).ok())
        .flatten()
        .ok_or_else(|| "must be a date like 2027-03-31".to_owned())
}

pub fn date(value: &str) -> Result<(), String> {
    parse_date(value).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_within_the_years_rfc3339_can_write() {
        let at = parse_rfc3339("2026-01-01T10:00:00+01:00").unwrap();
        assert_eq!(at.offset(), time::UtcOffset::UTC);
        assert_eq!(at.hour(), 9);
        assert!(parse_rfc3339("9999-12-31T23:30:00-01:00").is_err());
        assert!(parse_rfc3339("0000-01-01T00:00:00+01:00").is_err());
        assert!(parse_rfc3339("0001-01-01T00:00:00Z").is_ok());
        assert!(parse_rfc3339("9999-12-31T23:59:59Z").is_ok());
    }

    #[test]
    fn ids() {
        assert!(id("6f1c2a9e-0a4b-4c55-9a43-2b1d8f0e7c11").is_ok());
        assert!(id("c_1").is_ok());
        for bad in ["", "a#b", "a b", "é", &"x".repeat(65), "a/b"] {
            assert!(id(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails() {
        assert!(email("ada@example.com").is_ok());
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@c.d",
            "a@b@c.d",
            "a@.c",
            "a@c..d",
        ] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phones() {
        for good in ["+34 600 123 456", "(555) 010-0199", "12345"] {
            assert!(phone(good).is_ok(), "{good:?} refused");
        }
        for bad in ["", "1234", "call me", "12+345", &"1".repeat(21)] {
            assert!(phone(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn texts_and_times() {
        let name = text(5);
        assert!(name("Ada").is_ok());
        assert!(name("  ").is_err());
        assert!(name("Ada Lovelace").is_err());
        assert!(name("a\u{0}").is_err());
        assert!(rfc3339("2024-05-01T12:00:00Z").is_ok());
        assert!(rfc3339("2024-05-01T12:00:00+02:00").is_ok());
        assert!(rfc3339("2024-05-01").is_err());
        assert!(rfc3339("yesterday").is_err());
    }

    #[test]
    fn dates_are_calendar_days() {
        assert_eq!(
            parse_date("2027-03-31"),
            Ok(time::macros::date!(2027 - 03 - 31))
        );
        for bad in [
            "2027-02-30",
            "31/03/2027",
            "2027-3-31",
            "+2027-03-31",
            "-0001-01-01",
            "2027-03-31T00:00:00Z",
            "",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }
}
