//! Business time: the spans of a weekly schedule in an IANA time zone, DST-correct (a day's
//! hours are local wall-clock hours, whatever the offset that day), and the instant at which a
//! number of business seconds have passed, not counting the spans a clock was stopped for.
//! Without business hours, time is calendar time: one span that never ends.

use crate::sla_stream::{BusinessHours, DAYS};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use time::OffsetDateTime;

/// How far ahead a schedule is searched for business time before the clock is said never to
/// be due (a schedule with no open day, a target of years).
const HORIZON_DAYS: usize = 366 * 30;

/// A weekly schedule in a time zone.
#[derive(Clone, Debug)]
pub struct Calendar {
    zone: TimeZone,
    /// Monday first: each day's opening and closing local times, or closed.
    days: [Option<(Time, Time)>; 7],
}

/// Why business hours cannot be used.
pub fn check(hours: &BusinessHours) -> Result<(), String> {
    Calendar::new(hours).map(|_| ())
}

fn local_time(text: &str) -> Result<Time, String> {
    let (hour, minute) = text
        .split_once(':')
        .filter(|(h, m)| h.len() == 2 && m.len() == 2)
        .and_then(|(h, m)| Some((h.parse::<i8>().ok()?, m.parse::<i8>().ok()?)))
        .ok_or_else(|| format!("{text:?} is not a time like 09:00"))?;
    if hour == 24 && minute == 0 {
        // The end of the day.
        return Ok(Time::MAX);
    }
    Time::new(hour, minute, 0, 0).map_err(|_| format!("{text:?} is not a time like 09:00"))
}

impl Calendar {
    pub fn new(hours: &BusinessHours) -> Result<Self, String> {
        let zone = TimeZone::get(&hours.timezone)
            .map_err(|_| format!("{:?} is not an IANA time zone", hours.timezone))?;
        let mut days = [None; 7];
        for (name, [open, close]) in &hours.days {
            let index = DAYS
                .iter()
                .position(|day| day == name)
                .ok_or_else(|| format!("{name:?} is not one of {}", DAYS.join(", ")))?;
            let (open, close) = (local_time(open)?, local_time(close)?);
            if open >= close {
                return Err(format!("{name}: {open} is not before {close}"));
            }
            if let Some(day) = days.get_mut(index) {
                *day = Some((open, close));
            }
        }
        Ok(Self { zone, days })
    }

    /// The business spans that end after `from`, in order, clipped to start no earlier.
    fn spans_from(
        &self,
        from: OffsetDateTime,
    ) -> impl Iterator<Item = (OffsetDateTime, OffsetDateTime)> + '_ {
        let first = to_jiff(from).to_zoned(self.zone.clone()).date();
        let mut date = Some(first);
        std::iter::from_fn(move || {
            let day = date?;
            date = day.tomorrow().ok();
            Some(day)
        })
        .take(HORIZON_DAYS)
        .filter_map(move |day| self.span_on(day))
        .filter(move |(_, end)| *end > from)
        .map(move |(start, end)| (start.max(from), end))
    }

    /// The day's span as instants; a closing time of 24:00 is the next midnight.
    fn span_on(&self, day: Date) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let weekday = day.weekday().to_monday_zero_offset();
        let (open, close) = (*self.days.get(usize::try_from(weekday).ok()?)?)?;
        let instant = |time: Time| -> Option<OffsetDateTime> {
            let zoned = if time == Time::MAX {
                day.tomorrow().ok()?.to_zoned(self.zone.clone()).ok()?
            } else {
                day.to_datetime(time).to_zoned(self.zone.clone()).ok()?
            };
            from_jiff(zoned.timestamp())
        };
        let (start, end) = (instant(open)?, instant(close)?);
        (start < end).then_some((start, end))
    }
}

/// The instant a local day starts in an IANA zone (its first instant: midnight, or when a
/// DST change skips midnight, the first time after it).
pub fn start_of_day(zone: &str, date: time::Date) -> Result<OffsetDateTime, String> {
    let zone = TimeZone::get(zone).map_err(|_| format!("{zone:?} is not an IANA time zone"))?;
    let date = Date::new(
        i16::try_from(date.year()).map_err(|e| e.to_string())?,
        i8::try_from(u8::from(date.month())).map_err(|e| e.to_string())?,
        i8::try_from(date.day()).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let start = date
        .to_zoned(zone)
        .and_then(|day| day.start_of_day())
        .map_err(|e| e.to_string())?;
    from_jiff(start.timestamp()).ok_or_else(|| "out of range".to_owned())
}

fn to_jiff(at: OffsetDateTime) -> Timestamp {
    Timestamp::from_nanosecond(at.unix_timestamp_nanos()).unwrap_or(Timestamp::MAX)
}

fn from_jiff(at: Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(at.as_nanosecond()).ok()
}

/// The spans a clock counts from `from` on: the calendar's, or all time.
fn working(
    calendar: Option<&Calendar>,
    from: OffsetDateTime,
) -> Box<dyn Iterator<Item = (OffsetDateTime, OffsetDateTime)> + '_> {
    match calendar {
        Some(calendar) => Box::new(calendar.spans_from(from)),
        None => Box::new(std::iter::once((
            from,
            OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT),
        ))),
    }
}

/// A span a clock was stopped for: from, until (`None`: still stopped).
pub type Stop = (OffsetDateTime, Option<OffsetDateTime>);

/// Business seconds in `[from, to)`, not counting `stops` (sorted, not overlapping).
pub fn business_seconds(
    calendar: Option<&Calendar>,
    from: OffsetDateTime,
    to: OffsetDateTime,
    stops: &[Stop],
) -> i64 {
    let mut total = 0;
    for (start, end) in working(calendar, from) {
        if start >= to {
            break;
        }
        for (start, end) in running(start, end.min(to), stops) {
            total += (end - start).whole_seconds();
        }
    }
    total
}

/// The parts of `[start, end)` outside every stop.
fn running(
    start: OffsetDateTime,
    end: OffsetDateTime,
    stops: &[Stop],
) -> Vec<(OffsetDateTime, OffsetDateTime)> {
    let mut parts = Vec::new();
    let mut cursor = start;
    for (stop_from, stop_to) in stops {
        if cursor >= end {
            break;
        }
        let stop_to = stop_to.unwrap_or(end);
        if stop_to <= cursor || *stop_from >= end {
            continue;
        }
        if *stop_from > cursor {
            parts.push((cursor, *stop_from));
        }
        cursor = cursor.max(stop_to);
    }
    if cursor < end {
        parts.push((cursor, end));
    }
    parts
}

/// The instant at which `seconds` of business time have run from `start`, not counting
/// `stops`; `None` while a stop is still open before then (the clock is paused) or when the
/// schedule has no time within the horizon.
pub fn due(
    calendar: Option<&Calendar>,
    start: OffsetDateTime,
    seconds: i64,
    stops: &[Stop],
) -> Option<OffsetDateTime> {
    let mut left = seconds;
    for (span_start, span_end) in working(calendar, start) {
        for (from, to) in running(span_start, span_end, stops) {
            let length = (to - from).whole_seconds();
            if left <= length {
                // Past the last instant time can write: never due.
                return from.checked_add(time::Duration::seconds(left));
            }
            left -= length;
        }
        // A stop still open within this span: the clock waits on it.
        let waiting = stops
            .iter()
            .any(|(from, to)| to.is_none() && *from < span_end);
        if waiting {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::collections::BTreeMap;
    use time::macros::datetime;

    #[test]
    fn a_day_starts_at_local_midnight_in_its_zone_whatever_the_offset_that_day() {
        use time::macros::date;
        let start = |zone, day| start_of_day(zone, day).unwrap();
        assert_eq!(
            start("UTC", date!(2026 - 03 - 29)),
            datetime!(2026-03-29 00:00 UTC)
        );
        // London is on GMT on the 28th of March 2026 and on BST from the 29th.
        assert_eq!(
            start("Europe/London", date!(2026 - 03 - 28)),
            datetime!(2026-03-28 00:00 UTC)
        );
        assert_eq!(
            start("Europe/London", date!(2026 - 03 - 30)),
            datetime!(2026-03-29 23:00 UTC)
        );
        assert_eq!(
            start("Asia/Kolkata", date!(2026 - 03 - 30)),
            datetime!(2026-03-29 18:30 UTC)
        );
        assert!(start_of_day("Mars/Olympus", date!(2026 - 03 - 30)).is_err());
    }

    fn weekdays(zone: &str) -> Calendar {
        let days: BTreeMap<String, [String; 2]> = ["mon", "tue", "wed", "thu", "fri"]
            .into_iter()
            .map(|d| (d.to_owned(), ["09:00".to_owned(), "17:00".to_owned()]))
            .collect();
        Calendar::new(&BusinessHours {
            timezone: zone.into(),
            days,
        })
        .unwrap()
    }

    #[test]
    fn calendar_time_counts_every_second_and_stops_pause_it() {
        let start = datetime!(2026-03-02 10:00 UTC);
        assert_eq!(
            due(None, start, 3600, &[]),
            Some(datetime!(2026-03-02 11:00 UTC))
        );
        let stops = [(
            datetime!(2026-03-02 10:30 UTC),
            Some(datetime!(2026-03-02 12:30 UTC)),
        )];
        assert_eq!(
            due(None, start, 3600, &stops),
            Some(datetime!(2026-03-02 13:00 UTC))
        );
        let open = [(datetime!(2026-03-02 10:30 UTC), None)];
        assert_eq!(due(None, start, 3600, &open), None, "paused: no due time");
        assert_eq!(
            business_seconds(None, start, datetime!(2026-03-02 14:00 UTC), &stops),
            2 * 3600
        );
    }

    #[test]
    fn business_hours_count_only_opening_hours_across_a_weekend() {
        let berlin = weekdays("Europe/Berlin");
        // Friday 16:00 in Berlin (15:00 UTC), 2 hours: 1 on Friday, 1 on Monday morning.
        let friday = datetime!(2026-01-09 15:00 UTC);
        assert_eq!(
            due(Some(&berlin), friday, 7200, &[]),
            Some(datetime!(2026-01-12 09:00 UTC)),
            "Monday 10:00 Berlin"
        );
        assert_eq!(
            business_seconds(Some(&berlin), friday, datetime!(2026-01-12 09:00 UTC), &[]),
            7200
        );
    }

    #[test]
    fn business_hours_follow_the_local_clock_across_a_dst_change() {
        let berlin = weekdays("Europe/Berlin");
        // Friday 27 March 2026, 16:00 CET (15:00 UTC); clocks go forward on Sunday 29 March:
        // Monday opens at 09:00 CEST, which is 07:00 UTC, not 08:00.
        let friday = datetime!(2026-03-27 15:00 UTC);
        assert_eq!(
            due(Some(&berlin), friday, 7200, &[]),
            Some(datetime!(2026-03-30 08:00 UTC))
        );
        // And back in October: Monday 26 October 2026 opens at 09:00 CET = 08:00 UTC.
        let friday = datetime!(2026-10-23 14:00 UTC);
        assert_eq!(
            due(Some(&berlin), friday, 7200, &[]),
            Some(datetime!(2026-10-26 09:00 UTC))
        );
        // New York moves on another day (8 March 2026): a week of hours, the same count.
        let new_york = weekdays("America/New_York");
        let week = business_seconds(
            Some(&new_york),
            datetime!(2026-03-02 00:00 UTC),
            datetime!(2026-03-16 00:00 UTC),
            &[],
        );
        assert_eq!(week, 10 * 8 * 3600);
    }

    #[test]
    fn a_schedule_is_refused_with_its_reason() {
        let hours = |zone: &str, day: &str, open: &str, close: &str| BusinessHours {
            timezone: zone.into(),
            days: BTreeMap::from([(day.to_owned(), [open.to_owned(), close.to_owned()])]),
        };
        assert!(check(&hours("Europe/Berlin", "mon", "09:00", "24:00")).is_ok());
        for bad in [
            hours("Mars/Olympus", "mon", "09:00", "17:00"),
            hours("Europe/Berlin", "monday", "09:00", "17:00"),
            hours("Europe/Berlin", "mon", "9:00", "17:00"),
            hours("Europe/Berlin", "mon", "17:00", "09:00"),
            hours("Europe/Berlin", "mon", "09:00", "25:00"),
        ] {
            assert!(check(&bad).is_err(), "{bad:?}");
        }
        let last = datetime!(9999-12-31 23:00 UTC);
        assert_eq!(
            due(None, last, 7200, &[]),
            None,
            "beyond the last instant: never due"
        );
        let closed = Calendar::new(&BusinessHours {
            timezone: "UTC".into(),
            days: BTreeMap::new(),
        })
        .unwrap();
        assert_eq!(
            due(Some(&closed), datetime!(2026-01-01 0:00 UTC), 60, &[]),
            None
        );
    }
}
