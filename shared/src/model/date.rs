//! ISO 8601 date-times as Wallet accepts them: a date, a time to the minute (seconds and
//! fractions optional) and a mandatory time zone (`Z` or `±hh:mm`).

/// A parsed Wallet date-time, kept as seconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalletDate {
    pub unix_seconds: i64,
}

/// Why a string is not a Wallet date-time; phrased to follow "must be an ISO 8601 date-time:".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub &'static str);

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

pub fn parse_wallet_date(text: &str) -> Result<WalletDate, DateError> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        } else {
            None
        }
    };
    let shape = DateError("expected YYYY-MM-DDThh:mm[:ss[.fff]] followed by Z or ±hh:mm");
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't') || b[13] != b':' {
        return Err(shape);
    }
    let (year, month, day) =
        (digits(0..4).ok_or(shape.clone())?, digits(5..7).ok_or(shape.clone())?, digits(8..10).ok_or(shape.clone())?);
    let (hour, minute) = (digits(11..13).ok_or(shape.clone())?, digits(14..16).ok_or(shape.clone())?);
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = digits(i + 1..i + 3).ok_or(shape.clone())?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(shape);
            }
        }
    }
    let offset_seconds = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let rest = &b[i + 1..];
            let (oh, om) = match rest.len() {
                5 if rest[2] == b':' => (digits(i + 1..i + 3), digits(i + 4..i + 6)),
                4 => (digits(i + 1..i + 3), digits(i + 3..i + 5)),
                _ => (None, None),
            };
            let (oh, om) = (oh.ok_or(shape.clone())?, om.ok_or(shape.clone())?);
            if oh > 23 || om > 59 {
                return Err(DateError("time zone offset out of range"));
            }
            let magnitude = oh * 3600 + om * 60;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        None => return Err(DateError("a time zone is required (Z or ±hh:mm)")),
        _ => return Err(shape),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(DateError("no such calendar date"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(DateError("time of day out of range"));
    }
    let days = days_from_civil(year, month, day);
    Ok(WalletDate { unix_seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// UTC calendar fields (year, month, day, hour, minute, second) of a Unix time.
pub fn civil_from_unix(unix_seconds: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, (secs / 3600) as u32, (secs % 3600 / 60) as u32, (secs % 60) as u32)
}

/// `2026-11-24T07:11:00.000Z` for a time in milliseconds since the epoch.
pub fn format_millis(millis: i64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix(millis.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", millis.rem_euclid(1000))
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) for Last-Modified.
pub fn format_http_date(unix_seconds: i64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix(unix_seconds);
    let weekday = WEEKDAYS[unix_seconds.div_euclid(86_400).rem_euclid(7) as usize];
    format!("{weekday}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", MONTHS[(mo - 1) as usize])
}

/// Parses an HTTP date as `format_http_date` writes it (the form HTTP requires senders use).
pub fn parse_http_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let month = MONTHS.iter().position(|m| m == month)? + 1;
    let iso = format!("{year}-{month:02}-{day:0>2}T{time}Z");
    parse_wallet_date(&iso).ok().map(|d| d.unix_seconds)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_wallet_forms_and_computes_utc() {
        assert_eq!(parse_wallet_date("1970-01-01T00:00Z").unwrap().unix_seconds, 0);
        assert_eq!(parse_wallet_date("1970-01-01T01:00+01:00").unwrap().unix_seconds, 0);
        assert_eq!(parse_wallet_date("2024-02-29T12:30:15.250-0500").unwrap().unix_seconds, 1_709_227_815);
    }

    #[test]
    fn civil_from_unix_inverts_parsing() {
        let t = parse_wallet_date("2031-12-31T23:59:58Z").unwrap().unix_seconds;
        assert_eq!(civil_from_unix(t), (2031, 12, 31, 23, 59, 58));
        assert_eq!(civil_from_unix(0), (1970, 1, 1, 0, 0, 0));
    }

    #[test]
    fn http_dates_round_trip() {
        assert_eq!(format_http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("garbage"), None);
    }

    #[test]
    fn rejects_missing_zone_bad_calendar_and_junk() {
        assert!(parse_wallet_date("2024-03-10T19:30").unwrap_err().0.contains("time zone"));
        assert_eq!(parse_wallet_date("2023-02-29T10:00Z").unwrap_err().0, "no such calendar date");
        assert_eq!(parse_wallet_date("2023-01-01T24:00Z").unwrap_err().0, "time of day out of range");
        assert!(parse_wallet_date("tomorrow").is_err());
        assert!(parse_wallet_date("2023-01-01T10:00+25:00").is_err());
        assert!(parse_wallet_date("2023-01-01T10:00Zjunk").is_err());
    }
}
