//! UK wall-clock time. Instants are stored and sent in UTC; people read and enter times as the
//! clock on their wall shows them, which is an hour ahead of UTC from late March to late October
//! (British Summer Time). Both the browser and the server convert here, so a session entered as
//! "10:00" in June is 10:00 on the cohort page, on the sign-in sheet and in the demo data.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::London;

/// The wall-clock time in the UK at an instant.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&London).naive_local()
}

/// The UK calendar day an instant falls on.
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    local(at).date()
}

/// The instant a UK wall-clock time names. When the clocks go back an hour repeats, and the
/// earlier of the two is taken; when they go forward an hour is skipped, and a time in it is
/// read as the same time before the change (01:30 on the last Sunday of March is 01:30 GMT),
/// so no entry is ever refused or lost.
pub fn instant(wall: NaiveDateTime) -> DateTime<Utc> {
    match London.from_local_datetime(&wall) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => Utc.from_utc_datetime(&wall),
    }
}

/// The instant a UK calendar day starts (midnight on the wall clock).
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    instant(day.and_time(chrono::NaiveTime::MIN))
}

/// The instant a UK calendar day ends: the start of the next day (a day is 23 or 25 hours long
/// when the clocks change).
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt()
        .map(start_of_day)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// "GMT" or "BST": what a UK clock is showing at an instant, for labels next to times.
pub fn zone_name(at: DateTime<Utc>) -> &'static str {
    if local(at) == at.naive_utc() {
        "GMT"
    } else {
        "BST"
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn wall(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
    }
    fn utc(s: &str) -> DateTime<Utc> {
        Utc.from_utc_datetime(&wall(s))
    }
    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn winter_is_gmt_and_summer_is_an_hour_ahead() {
        assert_eq!(instant(wall("2026-01-15 10:00")), utc("2026-01-15 10:00"));
        assert_eq!(instant(wall("2026-06-15 10:00")), utc("2026-06-15 09:00"));
        assert_eq!(local(utc("2026-06-15 09:00")), wall("2026-06-15 10:00"));
        assert_eq!(zone_name(utc("2026-01-15 10:00")), "GMT");
        assert_eq!(zone_name(utc("2026-06-15 10:00")), "BST");
    }

    #[test]
    fn the_clocks_change_on_the_last_sundays_of_march_and_october() {
        // 2026: forward at 01:00 UTC on 29 March, back at 01:00 UTC on 25 October.
        assert_eq!(local(utc("2026-03-29 00:59")), wall("2026-03-29 00:59"));
        assert_eq!(local(utc("2026-03-29 01:00")), wall("2026-03-29 02:00"));
        assert_eq!(local(utc("2026-10-25 00:59")), wall("2026-10-25 01:59"));
        assert_eq!(local(utc("2026-10-25 01:00")), wall("2026-10-25 01:00"));
    }

    #[test]
    fn skipped_and_repeated_wall_times_still_name_an_instant() {
        // 01:30 on 29 March 2026 never shows on a UK clock; it is read as GMT.
        assert_eq!(instant(wall("2026-03-29 01:30")), utc("2026-03-29 01:30"));
        // 01:30 on 25 October 2026 shows twice; the first (BST) is taken.
        assert_eq!(instant(wall("2026-10-25 01:30")), utc("2026-10-25 00:30"));
    }

    #[test]
    fn days_are_uk_days() {
        // 23:30 UTC on 30 June is 00:30 on 1 July in London.
        assert_eq!(day_of(utc("2026-06-30 23:30")), day("2026-07-01"));
        assert_eq!(start_of_day(day("2026-07-01")), utc("2026-06-30 23:00"));
        assert_eq!(end_of_day(day("2026-01-31")), utc("2026-02-01 00:00"));
        // The day the clocks go forward is 23 hours long.
        let d = day("2026-03-29");
        assert_eq!((end_of_day(d) - start_of_day(d)).num_hours(), 23);
    }
}
