//! The periods data is collected in: from one date to the next for a measure's frequency, and
//! when a measure's next data is due.

use chrono::{Days, Months, NaiveDate};

use crate::measure::Frequency;

wire_enum! {
    /// How a measure's data collection stands on a day. Ordered: the most pressing first.
    DataDue {
        /// A whole period or more has passed since its next data was due: a period was missed.
        Overdue => "overdue", "Overdue";
        /// Its next data is due (from today, or within the last period).
        Due => "due", "Due";
        /// Its next data is not due yet.
        NotYet => "not_yet", "Not due yet";
    }
}

/// The next period after `date` for data collected this often; `None` past the end of the
/// calendar `chrono` can represent.
pub fn following(date: NaiveDate, frequency: Frequency) -> Option<NaiveDate> {
    match frequency {
        Frequency::Daily => date.succ_opt(),
        Frequency::Weekly => date.checked_add_days(Days::new(7)),
        Frequency::Monthly => date.checked_add_months(Months::new(1)),
        Frequency::Quarterly => date.checked_add_months(Months::new(3)),
    }
}

/// The day a measure's next data point is due: a period after its latest point (the date the next
/// point would carry), or the day the measure was made when it has no data yet (its baseline is
/// wanted from the start). `None` past the end of the calendar `chrono` can represent.
pub fn next_due(
    frequency: Frequency,
    latest_point: Option<NaiveDate>,
    created_on: NaiveDate,
) -> Option<NaiveDate> {
    match latest_point {
        Some(latest) => following(latest, frequency),
        None => Some(created_on),
    }
}

/// How data due on `due` stands on `today`: not yet before that day, due from it, overdue once a
/// whole further period has passed without it.
pub fn due_on(due: NaiveDate, frequency: Frequency, today: NaiveDate) -> DataDue {
    if today < due {
        DataDue::NotYet
    } else if following(due, frequency).is_some_and(|missed| today >= missed) {
        DataDue::Overdue
    } else {
        DataDue::Due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        // A mistyped date fails the comparison it is in.
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn each_frequency_moves_on_by_its_period() {
        let cases = [
            (
                Frequency::Daily,
                day(2026, 12, 31),
                day(2027, 1, 1),
                "a day, across a year",
            ),
            (
                Frequency::Weekly,
                day(2026, 2, 26),
                day(2026, 3, 5),
                "a week, across February",
            ),
            (
                Frequency::Monthly,
                day(2026, 1, 15),
                day(2026, 2, 15),
                "a month",
            ),
            (
                Frequency::Quarterly,
                day(2026, 11, 1),
                day(2027, 2, 1),
                "three months, across a year",
            ),
        ];
        for (frequency, from, expected, case) in cases {
            assert_eq!(following(from, frequency), Some(expected), "{case}");
        }
    }

    #[test]
    fn a_month_after_a_long_month_end_is_the_next_month_end() {
        assert_eq!(
            following(day(2026, 1, 31), Frequency::Monthly),
            Some(day(2026, 2, 28))
        );
        assert_eq!(
            following(day(2027, 11, 30), Frequency::Quarterly),
            Some(day(2028, 2, 29))
        );
    }

    #[test]
    fn there_is_no_period_after_the_last_day_chrono_knows() {
        assert_eq!(following(NaiveDate::MAX, Frequency::Daily), None);
        assert_eq!(following(NaiveDate::MAX, Frequency::Monthly), None);
    }

    #[test]
    fn the_next_point_is_due_a_period_after_the_latest() {
        let made = day(2026, 1, 5);
        let cases = [
            (Frequency::Daily, day(2026, 3, 9), day(2026, 3, 10), "daily"),
            (
                Frequency::Weekly,
                day(2026, 3, 2),
                day(2026, 3, 9),
                "weekly",
            ),
            (
                Frequency::Monthly,
                day(2026, 3, 1),
                day(2026, 4, 1),
                "monthly",
            ),
            (
                Frequency::Quarterly,
                day(2026, 1, 1),
                day(2026, 4, 1),
                "quarterly",
            ),
        ];
        for (frequency, latest, expected, case) in cases {
            assert_eq!(
                next_due(frequency, Some(latest), made),
                Some(expected),
                "{case}"
            );
        }
    }

    #[test]
    fn a_measure_without_data_is_due_from_the_day_it_was_made() {
        let made = day(2026, 1, 5);
        for frequency in Frequency::ALL {
            assert_eq!(next_due(frequency, None, made), Some(made), "{frequency:?}");
        }
    }

    #[test]
    fn data_is_due_from_its_day_and_overdue_a_period_later() {
        let due = day(2026, 4, 1);
        let cases = [
            (
                Frequency::Monthly,
                day(2026, 3, 31),
                DataDue::NotYet,
                "the day before",
            ),
            (Frequency::Monthly, due, DataDue::Due, "on the day"),
            (
                Frequency::Monthly,
                day(2026, 4, 30),
                DataDue::Due,
                "within the period",
            ),
            (
                Frequency::Monthly,
                day(2026, 5, 1),
                DataDue::Overdue,
                "a month late",
            ),
            (
                Frequency::Weekly,
                day(2026, 4, 7),
                DataDue::Due,
                "six days late, weekly",
            ),
            (
                Frequency::Weekly,
                day(2026, 4, 8),
                DataDue::Overdue,
                "a week late",
            ),
            (Frequency::Daily, due, DataDue::Due, "daily, on the day"),
            (
                Frequency::Daily,
                day(2026, 4, 2),
                DataDue::Overdue,
                "daily, a day late",
            ),
            (
                Frequency::Quarterly,
                day(2026, 6, 30),
                DataDue::Due,
                "two months late, quarterly",
            ),
            (
                Frequency::Quarterly,
                day(2026, 7, 1),
                DataDue::Overdue,
                "a quarter late",
            ),
        ];
        for (frequency, today, expected, case) in cases {
            assert_eq!(due_on(due, frequency, today), expected, "{case}");
        }
    }

    #[test]
    fn the_most_pressing_sorts_first() {
        let mut states = vec![DataDue::NotYet, DataDue::Overdue, DataDue::Due];
        states.sort();
        assert_eq!(states, [DataDue::Overdue, DataDue::Due, DataDue::NotYet]);
    }

    #[test]
    fn nothing_is_due_after_the_last_day_chrono_knows() {
        assert_eq!(
            next_due(Frequency::Daily, Some(NaiveDate::MAX), day(2026, 1, 1)),
            None
        );
        assert_eq!(
            due_on(NaiveDate::MAX, Frequency::Daily, NaiveDate::MAX),
            DataDue::Due
        );
    }
}
