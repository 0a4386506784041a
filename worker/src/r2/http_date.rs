//! HTTP-dates (RFC 9110, section 5.6.7), as sent in `If-Modified-Since` and `Expires`.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MILLIS_PER_DAY: u64 = 86_400_000;

/// Parses an HTTP-date into milliseconds since the Unix epoch.
///
/// Accepts the three forms recipients must accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37
/// GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
/// Returns `None` for anything else and for dates before 1970.
pub(crate) fn parse(text: &str) -> Option<u64> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let (year, month, day, time) = match fields.as_slice() {
        [weekday, day, month, year, time, "GMT"] => {
            check_weekday(weekday.strip_suffix(',')?, &WEEKDAYS)?;
            (
                digits(year, 4)?,
                month_number(month)?,
                digits(day, 2)?,
                *time,
            )
        }
        [weekday, date, time, "GMT"] => {
            check_weekday(weekday.strip_suffix(',')?, &LONG_WEEKDAYS)?;
            let mut parts = date.split('-');
            let day = digits(parts.next()?, 2)?;
            let month = month_number(parts.next()?)?;
            let year = two_digit_year(digits(parts.next()?, 2)?);
            if parts.next().is_some() {
                return None;
            }
            (year, month, day, *time)
        }
        [weekday, month, day, time, year] => {
            check_weekday(weekday, &WEEKDAYS)?;
            let day = day.parse::<u64>().ok().filter(|_| day.len() <= 2)?;
            (digits(year, 4)?, month_number(month)?, day, *time)
        }
        _ => return None,
    };
    let seconds = parse_time(time)?;
    if year < 1970 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * MILLIS_PER_DAY + seconds * 1000)
}

/// Formats milliseconds since the Unix epoch as an IMF-fixdate, dropping the milliseconds.
pub(crate) fn format(millis: u64) -> String {
    let days = millis / MILLIS_PER_DAY;
    let seconds = (millis % MILLIS_PER_DAY) / 1000;
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[((days + 4) % 7) as usize];
    let month = MONTHS[(month - 1) as usize];
    format!(
        "{weekday}, {day:02} {month} {year:04} {:02}:{:02}:{:02} GMT",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

fn check_weekday(name: &str, names: &[&str]) -> Option<()> {
    names.contains(&name).then_some(())
}

fn month_number(name: &str) -> Option<u64> {
    let index = MONTHS.iter().position(|month| *month == name)?;
    Some(index as u64 + 1)
}

/// Parses exactly `count` ASCII digits.
fn digits(text: &str, count: usize) -> Option<u64> {
    if text.len() != count || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Reads the two-digit year of an RFC 850 date. RFC 9110 requires the nearest year not more
/// than 50 years in the future; this approximates it with a fixed split, 00-69 as 2000-2069.
fn two_digit_year(year: u64) -> u64 {
    if year < 70 { 2000 + year } else { 1900 + year }
}

/// Parses `hh:mm:ss` into seconds since midnight.
fn parse_time(text: &str) -> Option<u64> {
    let mut parts = text.split(':');
    let hours = digits(parts.next()?, 2)?;
    let minutes = digits(parts.next()?, 2)?;
    let seconds = digits(parts.next()?, 2)?;
    // A leap second (60) is accepted and counts into the next minute.
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    Some(hours * 3600 + minutes * 60 + seconds)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Counts the days from 1970-01-01 to a date of the proleptic Gregorian calendar (1970 or
/// later), counting years from March so that the leap day comes last.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year % 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719_468 days separate 0000-03-01 from 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: returns `(year, month, day)`.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
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
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06T08:49:37Z, the example date of RFC 9110.
    const EXAMPLE_MILLIS: u64 = 784_111_777_000;

    #[test]
    fn parses_imf_fixdate() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(EXAMPLE_MILLIS));
    }

    #[test]
    fn parses_rfc850_date() {
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(EXAMPLE_MILLIS)
        );
    }

    #[test]
    fn parses_asctime_date() {
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(EXAMPLE_MILLIS));
    }

    #[test]
    fn parses_leap_day_and_epoch() {
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse("Thu, 29 Feb 2024 12:00:00 GMT"),
            Some(1_709_208_000_000)
        );
    }

    #[test]
    fn rejects_invalid_dates() {
        for text in [
            "",
            "garbage",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Thu, 29 Feb 2023 12:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn format_writes_imf_fixdate() {
        assert_eq!(
            format(EXAMPLE_MILLIS + 999),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn format_and_parse_round_trip() {
        for millis in [0, 951_782_400_000, 1_709_208_000_000, 4_102_444_799_000] {
            assert_eq!(parse(&format(millis)), Some(millis), "{millis}");
        }
    }
}
