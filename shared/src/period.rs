//! The periods data is collected in: from one date to the next for a measure's frequency.

use chrono::{Days, Months, NaiveDate};

use crate::measure::Frequency;

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
}
