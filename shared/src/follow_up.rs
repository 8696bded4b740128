//! "Did it last?": a completed project is followed up 6 and 12 months after it was completed,
//! and the team records whether the improvement has held, with the date.
//!
//! The SPC engine offers a verdict for each measure ([`check_measure`]), which the team confirms
//! or overrides with its own judgement (the outcome is theirs: they know what changed). A
//! measure has held when both:
//! - it still shows special cause improvement against its baseline, by the evidence check's rules
//!   (`crate::evidence`): the latest special cause is still improvement, so the process is still
//!   different from before the change; and
//! - on the team's own chart (a new phase, with new limits, at each phase change), no value since
//!   the project was completed is special cause concern: the improved process has stayed within
//!   its new limits rather than slipping back.
//!
//! It needs at least one value since completion: a chart that stopped at completion can't say
//! whether anything lasted. Balancing measures and those with no improvement direction can't
//! show an improvement lasting, so they are not counted.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    evidence::{Signal, judge_series},
    measure::{Measure, MeasureType},
    spc::{ImprovementDirection, PointType, Series, XmrOptions, xmr},
    validation::paragraphs,
};

wire_enum! {
    /// When a completed project is followed up.
    FollowUpPoint {
        SixMonths => "six_months", "6 months";
        TwelveMonths => "twelve_months", "12 months";
    }
}

impl FollowUpPoint {
    /// "6-month follow-up".
    pub fn title(self) -> String {
        format!("{}-month follow-up", self.months())
    }

    pub fn months(self) -> u32 {
        match self {
            Self::SixMonths => 6,
            Self::TwelveMonths => 12,
        }
    }

    /// The day it falls due for a project completed on `completed_on`.
    pub fn due_on(self, completed_on: NaiveDate) -> NaiveDate {
        // Adding months only fails past the year 262,143.
        completed_on
            .checked_add_months(Months::new(self.months()))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The first day it may be recorded: a month before it falls due, so the team meeting
    /// nearest the date can record it.
    pub fn opens_on(self, completed_on: NaiveDate) -> NaiveDate {
        self.due_on(completed_on)
            .checked_sub_days(Days::new(EARLY_DAYS))
            .unwrap_or(completed_on)
    }
}

/// How many days before it falls due a follow-up may be recorded.
pub const EARLY_DAYS: u64 = 30;

wire_enum! {
    /// What the team found at a follow-up.
    Lasting {
        /// The improvement has held in its key measures.
        Sustained => "sustained", "Sustained";
        /// Some of it has held, some has slipped.
        Partly => "partly", "Partly sustained";
        /// The process has gone back to how it was.
        NotSustained => "not_sustained", "Not sustained";
    }
}

wire_enum! {
    /// What a measure's data says about the improvement lasting.
    Held {
        Held => "held", "Held";
        NotHeld => "not_held", "Not held";
        /// No value since the project was completed.
        NoNewData => "no_new_data", "No data since completion";
        /// Fewer than 10 values: too few to tell.
        TooFewPoints => "too_few_points", "Too few values";
        /// A balancing measure, or one with no improvement direction.
        NotCounted => "not_counted", "Not counted";
    }
}

/// One measure, checked for whether its improvement lasted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureCheck {
    pub measure_id: i64,
    pub name: String,
    pub held: Held,
    /// Its values dated after the project was completed.
    pub values_since: usize,
    /// What the data shows, in plain English.
    pub explanation: String,
}

/// A project's measures, checked as of now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpCheck {
    /// What the data suggests, from the measures that could be judged (held or not held):
    /// sustained when every one held, partly when some did, not sustained when none did; `null`
    /// when no measure could be judged.
    pub suggested: Option<Lasting>,
    pub measures: Vec<MeasureCheck>,
}

/// A follow-up as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub point: FollowUpPoint,
    pub recorded_on: NaiveDate,
    pub outcome: Lasting,
    pub note: String,
    pub recorded_by: String,
    /// The check of the measures as it stood when the follow-up was recorded.
    pub check: FollowUpCheck,
}

/// One of a project's two follow-ups: when it is due, and what was found if it is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpSlot {
    pub point: FollowUpPoint,
    pub due_on: NaiveDate,
    /// The first day it may be recorded (a month before it is due).
    pub opens_on: NaiveDate,
    pub follow_up: Option<FollowUp>,
}

/// A project's follow-ups. Only a completed project has any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUps {
    /// The day it was last marked completed; `null` unless it is completed.
    pub completed_on: Option<NaiveDate>,
    /// The 6- and 12-month follow-ups, when completed.
    pub slots: Vec<FollowUpSlot>,
    /// Its measures checked now, when completed.
    pub check: Option<FollowUpCheck>,
    /// Whether the reader may record them (its team and its organisations' admins).
    pub may_record: bool,
}

/// A follow-up as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpInput {
    pub outcome: Lasting,
    /// The day it was judged: from a month before it is due, and not after today. Today if
    /// left out.
    #[serde(default)]
    pub recorded_on: Option<NaiveDate>,
    /// What the team found, at most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub note: String,
}

pub const MAX_NOTE: usize = 2000;

/// A follow-up as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFollowUp {
    pub point: FollowUpPoint,
    /// The completion it follows.
    pub completed_on: NaiveDate,
    pub outcome: Lasting,
    pub recorded_on: NaiveDate,
    pub note: String,
}

impl FollowUpInput {
    /// Checks the follow-up at `point` of a project completed on `completed_on`, on `today`.
    pub fn validate(
        &self,
        point: FollowUpPoint,
        completed_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<NewFollowUp, FieldErrors> {
        let mut errors = FieldErrors::new();
        let recorded_on = self.recorded_on.unwrap_or(today);
        let opens_on = point.opens_on(completed_on);
        if recorded_on > today {
            errors.push(
                "recorded_on",
                "A follow-up is recorded once it is done: not after today",
            );
        } else if recorded_on < opens_on {
            errors.push(
                "recorded_on",
                format!(
                    "The {} is due on {}; it can be recorded from {opens_on}",
                    point.title(),
                    point.due_on(completed_on)
                ),
            );
        }
        let note = errors.check("note", paragraphs(&self.note, "A note", MAX_NOTE));
        errors.finish(|| {
            Some(NewFollowUp {
                point,
                completed_on,
                outcome: self.outcome,
                recorded_on,
                note: note?,
            })
        })
    }
}

/// The follow-ups of a project completed on `completed_on`, with those recorded.
pub fn slots(completed_on: NaiveDate, recorded: &[FollowUp]) -> Vec<FollowUpSlot> {
    FollowUpPoint::ALL
        .iter()
        .map(|&point| FollowUpSlot {
            point,
            due_on: point.due_on(completed_on),
            opens_on: point.opens_on(completed_on),
            follow_up: recorded.iter().find(|f| f.point == point).cloned(),
        })
        .collect()
}

/// The latest of a completion's follow-ups: the one judged last, the 12-month one on a tie (the
/// dashboard's facts are in the same order).
pub fn latest(recorded: &[FollowUp]) -> Option<&FollowUp> {
    recorded.iter().max_by_key(|f| (f.recorded_on, f.point))
}

/// Checks every measure of a project completed on `completed_on`, and suggests an outcome from
/// those that could be judged: a measure with no data since completion or too few values says
/// nothing either way, so it neither holds nor slips.
pub fn check(measures: &[Measure], completed_on: NaiveDate) -> FollowUpCheck {
    let measures: Vec<MeasureCheck> = measures
        .iter()
        .map(|m| check_measure(m, completed_on))
        .collect();
    let held = measures.iter().filter(|m| m.held == Held::Held).count();
    let not_held = measures.iter().filter(|m| m.held == Held::NotHeld).count();
    let suggested = match (held, not_held) {
        (0, 0) => None,
        (_, 0) => Some(Lasting::Sustained),
        (0, _) => Some(Lasting::NotSustained),
        _ => Some(Lasting::Partly),
    };
    FollowUpCheck {
        suggested,
        measures,
    }
}

/// Whether one measure's improvement lasted after `completed_on` (the module's rules).
pub fn check_measure(measure: &Measure, completed_on: NaiveDate) -> MeasureCheck {
    let values_since = measure
        .points
        .iter()
        .filter(|p| p.date > completed_on && p.value.is_some())
        .count();
    let (held, explanation) = judge(measure, completed_on, values_since);
    MeasureCheck {
        measure_id: measure.id,
        name: measure.name.clone(),
        held,
        values_since,
        explanation,
    }
}

fn judge(measure: &Measure, completed_on: NaiveDate, values_since: usize) -> (Held, String) {
    if measure.measure_type == MeasureType::Balancing {
        return (
            Held::NotCounted,
            "A balancing measure watches for harm elsewhere, not for the improvement".to_owned(),
        );
    }
    let direction = measure.improvement_direction;
    if direction == ImprovementDirection::Neutral {
        return (
            Held::NotCounted,
            "It has no improvement direction, so it can't show an improvement lasting".to_owned(),
        );
    }
    if values_since == 0 {
        return (
            Held::NoNewData,
            format!("No value since the project was completed on {completed_on}"),
        );
    }
    let points = measure.series_points();
    let phase_changes = measure.phase_change_dates();
    let Some(judged) = judge_series(&points, &phase_changes, direction) else {
        return (
            Held::TooFewPoints,
            "Fewer than 10 values: too few to tell".to_owned(),
        );
    };
    match judged.signal {
        Signal::Improvement => {}
        Signal::Concern => {
            return (
                Held::NotHeld,
                "Special cause concern against its baseline: worse than before the change"
                    .to_owned(),
            );
        }
        _ => {
            return (
                Held::NotHeld,
                "No special cause improvement against its baseline now".to_owned(),
            );
        }
    }
    // A new phase, with new limits, at each phase change, as on the team's XmR chart.
    let Ok(series) = Series::new(&points) else {
        return (
            Held::TooFewPoints,
            "Its values could not be put on a chart".to_owned(),
        );
    };
    let concern = {
        let chart = xmr(
            &series,
            &XmrOptions {
                improvement_direction: direction,
                target: None,
                rebase_dates: phase_changes,
                fix_after_n_points: None,
                screen_outliers: true,
            },
        );
        chart
            .points
            .iter()
            .find(|p| p.date > completed_on && p.point_type == PointType::SpecialCauseConcern)
            .map(|p| p.date)
    };
    match concern {
        Some(date) => (
            Held::NotHeld,
            format!("Special cause concern on {date}, since completion: it is slipping back"),
        ),
        None => (
            Held::Held,
            format!(
                "Still special cause improvement against its baseline, and its {values_since} \
                 {} since completion show no special cause concern",
                if values_since == 1 { "value" } else { "values" }
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::measure::{Annotation, AnnotationKind, DataPoint, Frequency, Unit};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    /// A monthly measure from January 2024: `values` in order, a phase change on `change`.
    fn measure(values: &[f64], change: Option<NaiveDate>, kind: MeasureType) -> Measure {
        let points = values
            .iter()
            .enumerate()
            .map(|(n, &value)| DataPoint {
                id: n as i64,
                date: d(2024, 1, 1)
                    .checked_add_months(Months::new(n as u32))
                    .unwrap_or(NaiveDate::MIN),
                value: Some(value),
                numerator: None,
                denominator: None,
                note: String::new(),
            })
            .collect();
        Measure {
            id: 1,
            project_id: 1,
            name: "Falls per 1,000 bed days".to_owned(),
            measure_type: kind,
            operational_definition: String::new(),
            unit: Unit::Rate,
            rate_per: Some(1000),
            numerator_definition: String::new(),
            denominator_definition: String::new(),
            improvement_direction: ImprovementDirection::Decrease,
            target: None,
            frequency: Frequency::Monthly,
            change_idea_ids: Vec::new(),
            points,
            annotations: change
                .map(|date| Annotation {
                    id: 1,
                    date,
                    kind: AnnotationKind::PhaseChange,
                    label: "Falls bundle".to_owned(),
                    pdsa_cycle_id: None,
                })
                .into_iter()
                .collect(),
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        }
    }

    const BASELINE: [f64; 12] = [8.1, 7.9, 8.4, 8.0, 7.6, 8.3, 8.2, 7.8, 8.0, 8.5, 7.7, 8.1];
    const IMPROVED: [f64; 12] = [5.2, 5.0, 4.8, 5.1, 4.9, 5.3, 5.0, 4.7, 5.1, 4.9, 5.0, 5.2];

    fn series(after: &[f64]) -> Vec<f64> {
        BASELINE
            .iter()
            .chain(&IMPROVED)
            .chain(after)
            .copied()
            .collect()
    }

    // The bundle went in January 2025; the project completed at the end of 2025.
    fn completed() -> NaiveDate {
        d(2025, 12, 31)
    }

    #[test]
    fn follow_ups_fall_due_six_and_twelve_months_after_completion() {
        let done = d(2025, 8, 31);
        assert_eq!(FollowUpPoint::SixMonths.due_on(done), d(2026, 2, 28));
        assert_eq!(FollowUpPoint::TwelveMonths.due_on(done), d(2026, 8, 31));
        assert_eq!(FollowUpPoint::SixMonths.opens_on(done), d(2026, 1, 29));
        let slots = slots(done, &[]);
        assert_eq!(slots.len(), 2);
        assert!(slots.iter().all(|s| s.follow_up.is_none()));
    }

    #[test]
    fn an_improvement_within_its_new_limits_since_completion_held() {
        let m = measure(
            &series(&[5.0, 4.9, 5.2, 5.1, 4.8, 5.0]),
            Some(d(2025, 1, 1)),
            MeasureType::Outcome,
        );
        let check = check_measure(&m, completed());
        assert_eq!(check.held, Held::Held, "{}", check.explanation);
        assert_eq!(check.values_since, 6);
    }

    #[test]
    fn a_measure_slipping_back_after_completion_did_not_hold() {
        // Back to the old level: concern on the new phase's chart.
        let m = measure(
            &series(&[6.8, 7.4, 7.9, 8.2, 8.0, 7.7]),
            Some(d(2025, 1, 1)),
            MeasureType::Outcome,
        );
        let check = check_measure(&m, completed());
        assert_eq!(check.held, Held::NotHeld, "{}", check.explanation);
    }

    #[test]
    fn a_measure_that_shows_no_improvement_against_its_baseline_did_not_hold() {
        // Never improved: the same level before and after the change.
        let flat: Vec<f64> = BASELINE
            .iter()
            .chain(&BASELINE)
            .chain(&BASELINE[..6])
            .copied()
            .collect();
        let m = measure(&flat, Some(d(2025, 1, 1)), MeasureType::Outcome);
        let check = check_measure(&m, completed());
        assert_eq!(check.held, Held::NotHeld);
        assert!(
            check
                .explanation
                .starts_with("No special cause improvement"),
            "{}",
            check.explanation
        );
        // A measure that is neither better up nor down is not counted.
        let neutral = Measure {
            improvement_direction: ImprovementDirection::Neutral,
            ..m
        };
        assert_eq!(check_measure(&neutral, completed()).held, Held::NotCounted);
    }

    #[test]
    fn a_measure_without_new_data_says_nothing_either_way() {
        let held = measure(
            &series(&[5.0, 4.9, 5.2]),
            Some(d(2025, 1, 1)),
            MeasureType::Outcome,
        );
        let silent = Measure {
            id: 2,
            ..measure(&series(&[]), Some(d(2025, 1, 1)), MeasureType::Process)
        };
        let both = check(&[held, silent], completed());
        assert_eq!(both.measures[1].held, Held::NoNewData);
        assert_eq!(both.suggested, Some(Lasting::Sustained));
    }

    #[test]
    fn the_latest_follow_up_is_the_one_judged_last_the_later_one_on_a_tie() {
        let found = |point, on, outcome| FollowUp {
            point,
            recorded_on: on,
            outcome,
            note: String::new(),
            recorded_by: String::new(),
            check: FollowUpCheck {
                suggested: None,
                measures: Vec::new(),
            },
        };
        let six = found(FollowUpPoint::SixMonths, d(2026, 9, 1), Lasting::Sustained);
        let twelve = found(FollowUpPoint::TwelveMonths, d(2026, 9, 1), Lasting::Partly);
        assert_eq!(
            latest(&[twelve.clone(), six.clone()]).map(|f| f.outcome),
            Some(Lasting::Partly)
        );
        let later_six = FollowUp {
            recorded_on: d(2026, 9, 2),
            ..six
        };
        assert_eq!(
            latest(&[twelve, later_six]).map(|f| f.outcome),
            Some(Lasting::Sustained)
        );
        assert_eq!(latest(&[]), None);
    }

    #[test]
    fn without_data_since_completion_nothing_can_be_said() {
        let m = measure(&series(&[]), Some(d(2025, 1, 1)), MeasureType::Outcome);
        assert_eq!(check_measure(&m, completed()).held, Held::NoNewData);
        let few = measure(&[5.0, 5.1, 4.9], None, MeasureType::Outcome);
        assert_eq!(check_measure(&few, d(2024, 1, 15)).held, Held::TooFewPoints);
    }

    #[test]
    fn balancing_measures_are_not_counted_and_the_suggestion_follows_the_rest() {
        let held = measure(
            &series(&[5.0, 4.9, 5.2]),
            Some(d(2025, 1, 1)),
            MeasureType::Outcome,
        );
        let slipped = Measure {
            id: 2,
            ..measure(
                &series(&[7.9, 8.2, 8.0, 8.3, 7.9, 8.4]),
                Some(d(2025, 1, 1)),
                MeasureType::Process,
            )
        };
        let balancing = Measure {
            id: 3,
            ..measure(&series(&[8.0]), None, MeasureType::Balancing)
        };
        let all = check(&[held.clone(), balancing.clone()], completed());
        assert_eq!(all.measures[1].held, Held::NotCounted);
        assert_eq!(all.suggested, Some(Lasting::Sustained));
        let some = check(&[held, slipped.clone()], completed());
        assert_eq!(some.suggested, Some(Lasting::Partly));
        assert_eq!(
            check(&[slipped], completed()).suggested,
            Some(Lasting::NotSustained)
        );
        assert_eq!(check(&[balancing], completed()).suggested, None);
    }

    #[test]
    fn a_follow_up_is_recorded_from_a_month_before_it_is_due_and_not_after_today() {
        let done = d(2025, 6, 30);
        let input = |on: NaiveDate| FollowUpInput {
            outcome: Lasting::Sustained,
            recorded_on: Some(on),
            note: "  Still under 5 a month  ".to_owned(),
        };
        let today = d(2026, 1, 15);
        let ok = input(d(2025, 11, 30)).validate(FollowUpPoint::SixMonths, done, today);
        assert_eq!(ok.map(|f| f.note), Ok("Still under 5 a month".to_owned()));
        for (on, point) in [
            (d(2025, 11, 29), FollowUpPoint::SixMonths),
            (d(2026, 1, 16), FollowUpPoint::SixMonths),
            (d(2026, 1, 15), FollowUpPoint::TwelveMonths),
        ] {
            let refused = input(on).validate(point, done, today);
            assert!(
                refused.is_err_and(|e| e.0.iter().any(|f| f.field == "recorded_on")),
                "{on} {point:?}"
            );
        }
        let long = FollowUpInput {
            note: "x".repeat(MAX_NOTE + 1),
            ..input(today)
        };
        assert!(
            long.validate(FollowUpPoint::SixMonths, done, today)
                .is_err_and(|e| e.0.iter().any(|f| f.field == "note"))
        );
    }
}
