//! Time as cognito-auth uses it: whole seconds since the epoch, shown as RFC 3339 UTC.

use std::time::SystemTime;

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    DateTime::from(SystemTime::now()).secs()
}

/// `2026-01-02T03:04:05Z` for a number of seconds since the epoch.
pub fn rfc3339(secs: i64) -> String {
    DateTime::from_secs(secs)
        .fmt(Format::DateTime)
        .expect("any i64 second count within DateTime's range formats")
}

/// Parses an RFC 3339 timestamp into seconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    DateTime::from_str(text, Format::DateTime)
        .ok()
        .map(|d| d.secs())
}

/// "1 minute", "42 minutes".
pub fn minutes(secs: i64) -> String {
    let m = secs.max(0) / 60;
    if m == 1 {
        "1 minute".into()
    } else {
        format!("{m} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_whole_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_323_045), "2026-01-02T03:04:05Z");
        assert_eq!(parse_rfc3339("2026-01-02T03:04:05Z"), Some(1_767_323_045));
        assert_eq!(parse_rfc3339("2026-01-02T03:04:05.9Z"), Some(1_767_323_045));
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(minutes(59), "0 minutes");
        assert_eq!(minutes(60), "1 minute");
        assert_eq!(minutes(3600), "60 minutes");
    }
}
