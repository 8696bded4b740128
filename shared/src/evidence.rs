//! Does a project's own data back its progress score?
//!
//! Scores are self-reported, so a claim of at least a modest improvement (3.0 or more on the IHI
//! scale) is held against the project's measures: if no outcome or process measure shows
//! improvement, the score is flagged "not yet supported by the data" for the team and coach, with
//! the reason. The flag is a prompt for a conversation, not a verdict: the rules below are the
//! ones the team's own charts apply, so the team can see for themselves why.
//!
//! How a measure is judged ([`measure_evidence`]):
//! - Against the project's starting point. A phase change records a change to the process, and
//!   the team's chart rebases there: the new phase gets its own mean and limits, so the very
//!   improvement the rebase records is invisible inside it. Evidence asks a different question
//!   from that chart, "is the process now different from before the change?", so every point is
//!   judged against the limits (or median) of the baseline, the points before the first phase
//!   change, and only points from that change on can show it. With no phase change the whole
//!   series is the baseline and any point can show it, exactly as on the team's chart.
//! - With 12 values or more (the fewest NHSRplotthedots fixes limits on), on an XmR chart, by the
//!   Making Data Count rules: the latest special cause point in that window decides, improvement
//!   or concern. The latest because a step change on a chart without a rebase makes points on
//!   both sides of it special cause, the early ones one way and the later ones the other, and it
//!   is the later ones that say which way the process moved; and because a measure that improved
//!   and has since got worse does not show improvement now. Not only the very last point (as the
//!   variation icon reads): a sustained shift stays evidence once its points are common cause
//!   again. Whether improvement lasts is IHI 4.5's question, which this check doesn't answer.
//! - With 10 or 11 values, on a run chart (the Anhøj rules). A runs signal says the points are not
//!   random around the median but not which way they moved, so the direction is read from where
//!   the recent points sit: the median of the points after the baseline (with a phase change) or
//!   of the later half of the series (without one), above or below the centre line. Above is
//!   improvement for a measure meant to increase, concern for one meant to decrease.
//! - With fewer than 10 values, not at all: the run chart rules can hardly signal on so few, and
//!   "collect more data" is more useful to the team than "no signal".
//! - A measure with no improvement direction can show a change but never an improvement, and a
//!   balancing measure watches for harm elsewhere, so neither ever supports a score.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    follow_up::Lasting,
    measure::{ImprovementDirection, Measure, MeasureType},
    score::ProgressScore,
    spc::{PointType, RunChartOptions, Series, SeriesPoint, XmrOptions, run_chart, xmr},
};

/// The fewest values judged on an XmR chart; fewer go on a run chart.
pub const MIN_VALUES_FOR_XMR: usize = 12;
/// The fewest values judged at all.
pub const MIN_VALUES_FOR_RUN_CHART: usize = 10;

/// What a measure's data says about improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Special cause improvement (XmR), or a run chart signal on the better side.
    Improvement,
    /// Special cause concern (XmR), or a run chart signal on the worse side.
    Concern,
    /// A signal in a measure with no improvement direction: a change, but neither better nor worse.
    Neutral,
    /// No signal: the data varies as it always has.
    #[serde(rename = "none")]
    NoSignal,
    /// Fewer than 10 values: too few to tell.
    TooFewPoints,
}

/// Which chart a measure was judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceChart {
    Xmr,
    RunChart,
}

/// What one measure says about the project's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeasureEvidence {
    pub measure_id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub measure_type: MeasureType,
    pub improvement_direction: ImprovementDirection,
    /// Its values (gaps not counted).
    pub values: usize,
    /// The chart it was judged on; `null` when it has too few values.
    pub chart: Option<EvidenceChart>,
    pub signal: Signal,
    /// An outcome or process measure showing improvement: evidence for the score.
    pub supports_score: bool,
    /// What the data shows, in plain English.
    pub explanation: String,
}

/// Whether a project's measures support its progress score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreEvidence {
    /// The project's current score; `null` before it has one.
    pub score: Option<ProgressScore>,
    /// At least one outcome or process measure shows improvement.
    pub supported: bool,
    /// The score claims improvement (3.0 or more) that no measure shows: "not yet supported by
    /// the data".
    pub flagged: bool,
    /// Why the score is or isn't flagged, in plain English.
    pub reason: String,
    /// Each measure, in the order given.
    pub measures: Vec<MeasureEvidence>,
    /// What the project's latest follow-up found (`crate::follow_up`), if it has one: a score
    /// of 4.5 or more claims the improvement lasts, which only a follow-up can show.
    #[serde(default)]
    pub lasting: Option<Lasting>,
}

/// The least score that claims the improvement lasts (4.5, "Sustainable improvement").
pub const LASTING_TENTHS: i32 = 45;

impl ScoreEvidence {
    /// Holds a score of 4.5 or more also against the project's latest follow-up, `lasting`: it
    /// claims the improvement lasts, so it is flagged until a follow-up finds it sustained.
    pub fn with_follow_up(mut self, lasting: Option<Lasting>) -> Self {
        self.lasting = lasting;
        let Some(score) = self.score.filter(|s| s.tenths() >= LASTING_TENTHS) else {
            return self;
        };
        if lasting == Some(Lasting::Sustained) {
            if self.supported {
                self.reason
                    .push_str("; its latest follow-up found the improvement sustained");
            }
            return self;
        }
        self.flagged = true;
        let found = match lasting {
            None => "no follow-up has found it sustained yet (one falls due 6 and 12 months \
                     after the project is completed)"
                .to_owned(),
            Some(found) => format!(
                "its latest follow-up found it {}",
                found.label().to_lowercase()
            ),
        };
        self.reason = if self.supported {
            format!(
                "Score {:.1} claims the improvement lasts, but {found}",
                score.value()
            )
        } else {
            format!(
                "{}; and it claims the improvement lasts, but {found}",
                self.reason
            )
        };
        self
    }
}

/// Holds a project's score against its measures (see the module documentation for the rules).
pub fn assess(score: Option<ProgressScore>, measures: &[Measure]) -> ScoreEvidence {
    let measures: Vec<MeasureEvidence> = measures.iter().map(measure_evidence).collect();
    let supporting: Vec<&str> = measures
        .iter()
        .filter(|m| m.supports_score)
        .map(|m| m.name.as_str())
        .collect();
    let supported = !supporting.is_empty();
    let flagged = score.is_some_and(ProgressScore::shows_improvement) && !supported;
    let reason = match score {
        None => "No progress score yet, so there is no claim to check".to_owned(),
        Some(score) if !score.shows_improvement() => {
            let mut reason = format!(
                "Score {:.1} claims no improvement yet, so it needs no evidence",
                score.value()
            );
            if supported {
                reason.push_str(&format!(
                    "; {} already {} special cause improvement",
                    list(&supporting),
                    verb(supporting.len())
                ));
            }
            reason
        }
        Some(score) if supported => format!(
            "Score {:.1} is supported: {} {} special cause improvement",
            score.value(),
            list(&supporting),
            verb(supporting.len())
        ),
        Some(score) => format!(
            "Score {:.1} needs evidence: {}",
            score.value(),
            missing_evidence(&measures)
        ),
    };
    ScoreEvidence {
        score,
        supported,
        flagged,
        reason,
        measures,
        lasting: None,
    }
}

/// Why no measure supports the score.
fn missing_evidence(measures: &[MeasureEvidence]) -> String {
    let candidates: Vec<&MeasureEvidence> = measures
        .iter()
        .filter(|m| m.measure_type != MeasureType::Balancing)
        .collect();
    if measures.is_empty() {
        return "the project has no measures yet".to_owned();
    }
    if candidates.is_empty() {
        return "its only measures are balancing measures, which watch for harm elsewhere and \
                can't show the aim improving"
            .to_owned();
    }
    let mut reason = match candidates.len() {
        1 => "its one outcome or process measure doesn't show special cause improvement yet"
            .to_owned(),
        n => format!(
            "none of the {n} outcome and process measures shows special cause improvement yet"
        ),
    };
    let too_few = candidates
        .iter()
        .filter(|m| m.signal == Signal::TooFewPoints)
        .count();
    let few = format!("fewer than {MIN_VALUES_FOR_RUN_CHART} values, too few to tell");
    match (candidates.len(), too_few) {
        (_, 0) => {}
        (1, _) => reason.push_str(&format!(" (it has {few})")),
        (_, 1) => reason.push_str(&format!(" (1 has {few})")),
        (_, n) => reason.push_str(&format!(" ({n} have {few})")),
    }
    reason
}

/// "A", "A and B", "A, B and 2 other measures".
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} and {second}"),
        [first, second, rest @ ..] => {
            let others = if rest.len() == 1 {
                "measure"
            } else {
                "measures"
            };
            format!("{first}, {second} and {} other {others}", rest.len())
        }
    }
}

fn verb(count: usize) -> &'static str {
    if count == 1 { "shows" } else { "show" }
}

/// What one measure's data says (see the module documentation for the rules).
pub fn measure_evidence(measure: &Measure) -> MeasureEvidence {
    let values = measure.points.iter().filter(|p| p.value.is_some()).count();
    let (chart, signal, mut explanation) = judge(measure, values);
    let balancing = measure.measure_type == MeasureType::Balancing;
    if balancing {
        explanation.push_str(
            ". A balancing measure watches for harm elsewhere, so it never counts as evidence \
             for the score",
        );
    }
    MeasureEvidence {
        measure_id: measure.id,
        name: measure.name.clone(),
        measure_type: measure.measure_type,
        improvement_direction: measure.improvement_direction,
        values,
        chart,
        signal,
        supports_score: signal == Signal::Improvement && !balancing,
        explanation,
    }
}

/// A series judged by the rules in the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub chart: EvidenceChart,
    pub signal: Signal,
    /// The phase change that ends the baseline, if any.
    pub since: Option<NaiveDate>,
}

/// Judges a measure's points (distinct dates, any order) and phase changes; `None` when they
/// have fewer than 10 values, too few to judge.
pub fn judge_series(
    points: &[SeriesPoint],
    phase_changes: &[NaiveDate],
    direction: ImprovementDirection,
) -> Option<Judged> {
    let values = points.iter().filter(|p| p.value.is_some()).count();
    if values < MIN_VALUES_FOR_RUN_CHART {
        return None;
    }
    let series = Series::new(points).ok()?;
    let baseline = Baseline::of(phase_changes, &series);
    let (chart, signal) = if values >= MIN_VALUES_FOR_XMR {
        (
            EvidenceChart::Xmr,
            xmr_signal(&series, &baseline, direction),
        )
    } else {
        (
            EvidenceChart::RunChart,
            run_chart_signal(&series, &baseline, direction),
        )
    };
    Some(Judged {
        chart,
        signal,
        since: baseline.change,
    })
}

/// The chart, the signal and its explanation for a measure with `values` values.
fn judge(measure: &Measure, values: usize) -> (Option<EvidenceChart>, Signal, String) {
    let points = measure.series_points();
    let judged = judge_series(
        &points,
        &measure.phase_change_dates(),
        measure.improvement_direction,
    );
    // A measure's points have distinct dates, so only too few values end up unjudged.
    let Some(Judged {
        chart,
        signal,
        since,
    }) = judged
    else {
        return (
            None,
            Signal::TooFewPoints,
            format!(
                "{values} {}: a chart needs at least {MIN_VALUES_FOR_RUN_CHART} before its \
                 rules can tell a signal from chance",
                if values == 1 { "value" } else { "values" }
            ),
        );
    };
    let since = since.map_or_else(String::new, |date| {
        format!(" since the phase change on {date}")
    });
    if chart == EvidenceChart::Xmr {
        let explanation = match signal {
            Signal::Improvement => format!("Special cause improvement on its XmR chart{since}"),
            Signal::Concern => {
                format!("Special cause concern on its XmR chart{since}: it has got worse")
            }
            Signal::Neutral => format!(
                "Special cause variation on its XmR chart{since}, but the measure has no \
                 improvement direction, so it can't show improvement"
            ),
            Signal::NoSignal | Signal::TooFewPoints => {
                format!(
                    "Only common cause variation on its XmR chart{since}: no sign of a change yet"
                )
            }
        };
        (Some(EvidenceChart::Xmr), signal, explanation)
    } else {
        let explanation = match signal {
            Signal::Improvement => format!(
                "A run chart signal{since} ({values} values), with the recent points on the \
                 better side of the median"
            ),
            Signal::Concern => format!(
                "A run chart signal{since} ({values} values), with the recent points on the \
                 worse side of the median: it has got worse"
            ),
            Signal::Neutral => format!(
                "A run chart signal{since} ({values} values), but the measure has no \
                 improvement direction, so it can't show improvement"
            ),
            Signal::NoSignal | Signal::TooFewPoints => format!(
                "No run chart signal{since} ({values} values): the points vary around the \
                 median as chance would have them"
            ),
        };
        (Some(EvidenceChart::RunChart), signal, explanation)
    }
}

/// Where the baseline ends: the first point on or after the earliest phase change that leaves
/// points on both sides of it. Without one, the whole series is the baseline.
struct Baseline {
    /// Positions `0..end` are the baseline.
    end: usize,
    /// The phase change that ends it.
    change: Option<NaiveDate>,
}

impl Baseline {
    fn of(phase_changes: &[NaiveDate], series: &Series) -> Self {
        let mut changes = phase_changes.to_vec();
        changes.sort_unstable();
        changes
            .into_iter()
            .map(|date| (series.first_on_or_after(date), date))
            .find(|&(start, _)| start > 0 && start < series.len())
            .map_or(
                Self {
                    end: series.len(),
                    change: None,
                },
                |(end, date)| Self {
                    end,
                    change: Some(date),
                },
            )
    }

    /// The positions that can show a change: after the baseline, or everything without one.
    fn window(&self, len: usize) -> std::ops::Range<usize> {
        if self.change.is_some() {
            self.end..len
        } else {
            0..len
        }
    }
}

/// The XmR signal in the window, with the limits fixed on the baseline.
fn xmr_signal(series: &Series, baseline: &Baseline, direction: ImprovementDirection) -> Signal {
    let options = XmrOptions {
        improvement_direction: direction,
        target: None,
        rebase_dates: Vec::new(),
        fix_after_n_points: Some(baseline.end),
        screen_outliers: true,
    };
    let chart = xmr(series, &options);
    let latest = chart.points[baseline.window(series.len())]
        .iter()
        .rev()
        .map(|p| p.point_type)
        .find(|&t| t != PointType::CommonCause);
    match latest {
        None | Some(PointType::CommonCause) => Signal::NoSignal,
        Some(PointType::SpecialCauseImprovement) => Signal::Improvement,
        Some(PointType::SpecialCauseConcern) => Signal::Concern,
        Some(PointType::SpecialCauseNeutralHigh | PointType::SpecialCauseNeutralLow) => {
            Signal::Neutral
        }
    }
}

/// The run chart signal, with the median frozen on the baseline, and its direction read from
/// where the recent points sit.
fn run_chart_signal(
    series: &Series,
    baseline: &Baseline,
    direction: ImprovementDirection,
) -> Signal {
    let len = series.len();
    let options = RunChartOptions {
        freeze_after: baseline.change.map(|_| series.dates()[baseline.end - 1]),
        ..RunChartOptions::default()
    };
    let chart = run_chart(series, &options);
    let Some(part) = chart.parts.first() else {
        return Signal::NoSignal;
    };
    let Some(centre_line) = part.centre_line.filter(|_| part.runs.runs_signal) else {
        return Signal::NoSignal;
    };
    let recent = if baseline.change.is_some() {
        baseline.end..len
    } else {
        len / 2..len
    };
    let mut values: Vec<f64> = series.values()[recent].iter().flatten().copied().collect();
    let Some(recent) = median(&mut values) else {
        return Signal::NoSignal;
    };
    let higher = if recent > centre_line {
        true
    } else if recent < centre_line {
        false
    } else {
        return Signal::NoSignal;
    };
    match (direction, higher) {
        (ImprovementDirection::Neutral, _) => Signal::Neutral,
        (ImprovementDirection::Increase, true) | (ImprovementDirection::Decrease, false) => {
            Signal::Improvement
        }
        _ => Signal::Concern,
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::measure::{Annotation, AnnotationKind, DataPoint, Frequency, Unit};

    fn month(i: usize) -> NaiveDate {
        let (year, month) = (2024 + i / 12, i % 12 + 1);
        NaiveDate::from_ymd_opt(year as i32, month as u32, 1).unwrap_or_default()
    }

    /// Flat data: no rule can fire on it (it crosses its mean at every point).
    fn flat(n: usize, level: f64) -> Vec<f64> {
        (0..n)
            .map(|i| level + [0.0, 1.0, -0.5, 0.5][i % 4])
            .collect()
    }

    /// 12 flat months, then 8 well above them.
    fn step_up() -> Vec<f64> {
        let mut values = flat(12, 10.0);
        values.extend(flat(8, 15.0));
        values
    }

    fn measure(
        id: i64,
        measure_type: MeasureType,
        direction: ImprovementDirection,
        values: &[f64],
    ) -> Measure {
        let points = values
            .iter()
            .enumerate()
            .map(|(i, &v)| DataPoint {
                id: i as i64,
                date: month(i),
                value: Some(v),
                numerator: None,
                denominator: None,
                note: String::new(),
            })
            .collect();
        Measure {
            id,
            project_id: 1,
            name: format!("Measure {id}"),
            measure_type,
            operational_definition: "Counted monthly".into(),
            unit: Unit::Count,
            rate_per: None,
            numerator_definition: String::new(),
            denominator_definition: String::new(),
            improvement_direction: direction,
            target: None,
            frequency: Frequency::Monthly,
            change_idea_ids: Vec::new(),
            points,
            annotations: Vec::new(),
            version: 1,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    fn outcome(values: &[f64]) -> Measure {
        measure(
            1,
            MeasureType::Outcome,
            ImprovementDirection::Increase,
            values,
        )
    }

    fn with_phase_change(mut m: Measure, at: usize) -> Measure {
        m.annotations.push(Annotation {
            id: 1,
            date: month(at),
            kind: AnnotationKind::PhaseChange,
            label: "Checklist adopted".into(),
            pdsa_cycle_id: None,
        });
        m
    }

    fn score(value: f64) -> Option<ProgressScore> {
        ProgressScore::new(value).ok()
    }

    #[test]
    fn a_claim_of_improvement_with_no_measures_is_flagged() {
        let evidence = assess(score(3.5), &[]);
        assert!(evidence.flagged && !evidence.supported);
        assert_eq!(
            evidence.reason,
            "Score 3.5 needs evidence: the project has no measures yet"
        );
    }

    #[test]
    fn balancing_measures_never_support_a_score() {
        let balancing = measure(
            7,
            MeasureType::Balancing,
            ImprovementDirection::Increase,
            &step_up(),
        );
        let evidence = assess(score(3.0), &[balancing]);
        assert_eq!(evidence.measures[0].signal, Signal::Improvement);
        assert!(!evidence.measures[0].supports_score);
        assert!(evidence.flagged);
        assert!(
            evidence
                .reason
                .contains("only measures are balancing measures")
        );
    }

    #[test]
    fn an_improving_outcome_measure_supports_the_score() {
        let evidence = assess(score(3.5), &[outcome(&step_up())]);
        let m = &evidence.measures[0];
        assert_eq!(
            (m.chart, m.signal, m.supports_score, m.values),
            (Some(EvidenceChart::Xmr), Signal::Improvement, true, 20)
        );
        assert!(evidence.supported && !evidence.flagged);
        assert_eq!(
            evidence.reason,
            "Score 3.5 is supported: Measure 1 shows special cause improvement"
        );
    }

    #[test]
    fn flat_data_leaves_a_claim_of_improvement_flagged() {
        let process = measure(
            2,
            MeasureType::Process,
            ImprovementDirection::Decrease,
            &flat(24, 50.0),
        );
        let evidence = assess(score(3.5), &[outcome(&flat(20, 10.0)), process]);
        assert!(
            evidence
                .measures
                .iter()
                .all(|m| m.signal == Signal::NoSignal)
        );
        assert!(evidence.flagged && !evidence.supported);
        assert_eq!(
            evidence.reason,
            "Score 3.5 needs evidence: none of the 2 outcome and process measures shows special \
             cause improvement yet"
        );
    }

    #[test]
    fn a_score_below_three_is_never_flagged() {
        let evidence = assess(score(2.5), &[outcome(&flat(20, 10.0))]);
        assert!(!evidence.flagged && !evidence.supported);
        assert!(
            evidence
                .reason
                .starts_with("Score 2.5 claims no improvement")
        );
        assert!(!assess(None, &[]).flagged);
    }

    #[test]
    fn an_improvement_stays_visible_when_the_team_rebases_at_the_change() {
        // On the team's chart the second phase has its own mean, so it is all common cause; against
        // the baseline before the change it is a shift.
        let evidence = assess(score(3.5), &[with_phase_change(outcome(&step_up()), 12)]);
        assert_eq!(evidence.measures[0].signal, Signal::Improvement);
        assert!(
            evidence.measures[0]
                .explanation
                .contains("since the phase change on 2025-01-01")
        );
        assert!(evidence.supported);
    }

    #[test]
    fn a_fall_is_an_improvement_only_for_a_measure_meant_to_decrease() {
        let mut values = flat(12, 20.0);
        values.extend(flat(8, 12.0));
        let falls = measure(
            3,
            MeasureType::Outcome,
            ImprovementDirection::Decrease,
            &values,
        );
        let uptake = measure(
            4,
            MeasureType::Process,
            ImprovementDirection::Increase,
            &values,
        );
        let neutral = measure(
            5,
            MeasureType::Process,
            ImprovementDirection::Neutral,
            &values,
        );
        let evidence = assess(score(4.0), &[falls, uptake, neutral]);
        let signals: Vec<Signal> = evidence.measures.iter().map(|m| m.signal).collect();
        assert_eq!(
            signals,
            [Signal::Improvement, Signal::Concern, Signal::Neutral]
        );
        assert!(evidence.supported);
    }

    #[test]
    fn an_improvement_that_has_since_been_lost_is_a_concern() {
        let mut values = step_up();
        values.extend(flat(8, 5.0));
        let evidence = assess(score(3.5), &[outcome(&values)]);
        assert_eq!(evidence.measures[0].signal, Signal::Concern);
        assert!(evidence.flagged);
    }

    #[test]
    fn a_short_series_with_a_run_chart_signal_upwards_supports_an_increase() {
        let values = [5.0, 6.0, 5.0, 6.0, 5.0, 9.0, 10.0, 9.0, 10.0, 9.0];
        let evidence = assess(score(3.0), &[outcome(&values)]);
        let m = &evidence.measures[0];
        assert_eq!(
            (m.chart, m.signal, m.supports_score),
            (Some(EvidenceChart::RunChart), Signal::Improvement, true)
        );
        assert!(!evidence.flagged);
    }

    #[test]
    fn a_run_chart_signal_downwards_does_not_support_an_increase() {
        let values = [9.0, 10.0, 9.0, 10.0, 9.0, 5.0, 6.0, 5.0, 6.0, 5.0];
        let evidence = assess(score(3.0), &[outcome(&values)]);
        assert_eq!(
            (evidence.measures[0].chart, evidence.measures[0].signal),
            (Some(EvidenceChart::RunChart), Signal::Concern)
        );
        assert!(evidence.flagged);
    }

    #[test]
    fn a_short_series_without_a_run_chart_signal_shows_nothing() {
        let evidence = assess(score(3.0), &[outcome(&flat(11, 10.0))]);
        assert_eq!(
            (evidence.measures[0].chart, evidence.measures[0].signal),
            (Some(EvidenceChart::RunChart), Signal::NoSignal)
        );
        assert!(evidence.flagged);
    }

    #[test]
    fn too_few_values_are_not_judged_and_the_reason_says_so() {
        let mut short = outcome(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        // A gap is not a value: nine values are too few.
        short.points[4].value = None;
        let evidence = assess(score(3.0), &[short]);
        let m = &evidence.measures[0];
        assert_eq!(
            (m.chart, m.signal, m.values),
            (None, Signal::TooFewPoints, 9)
        );
        assert_eq!(
            evidence.reason,
            "Score 3.0 needs evidence: its one outcome or process measure doesn't show special \
             cause improvement yet (it has fewer than 10 values, too few to tell)"
        );
    }

    #[test]
    fn supporting_measures_are_named_in_the_reason() {
        let improving = |id| {
            measure(
                id,
                MeasureType::Outcome,
                ImprovementDirection::Increase,
                &step_up(),
            )
        };
        let evidence = assess(score(4.0), &[improving(1), improving(2), improving(3)]);
        assert_eq!(
            evidence.reason,
            "Score 4.0 is supported: Measure 1, Measure 2 and 1 other measure show special cause \
             improvement"
        );
    }

    #[test]
    fn a_lasting_score_needs_a_follow_up_that_found_it_sustained() {
        let improving = measure(
            1,
            MeasureType::Outcome,
            ImprovementDirection::Increase,
            &step_up(),
        );
        let measures = [improving];
        let unproven = assess(score(4.5), &measures).with_follow_up(None);
        assert!(unproven.supported && unproven.flagged);
        assert!(
            unproven
                .reason
                .contains("no follow-up has found it sustained"),
            "{}",
            unproven.reason
        );
        let slipped = assess(score(5.0), &measures).with_follow_up(Some(Lasting::Partly));
        assert!(slipped.flagged);
        assert!(slipped.reason.contains("found it partly sustained"));
        let lasted = assess(score(4.5), &measures).with_follow_up(Some(Lasting::Sustained));
        assert!(!lasted.flagged);
        assert_eq!(lasted.lasting, Some(Lasting::Sustained));
        // Below 4.5 nothing is claimed about lasting.
        let improved = assess(score(4.0), &measures).with_follow_up(None);
        assert!(!improved.flagged);
        // Without support in the data, both reasons are given.
        let bare = assess(score(4.5), &[]).with_follow_up(None);
        assert!(bare.flagged);
        assert!(bare.reason.starts_with("Score 4.5 needs evidence"));
        assert!(bare.reason.contains("claims the improvement lasts"));
    }

    #[test]
    fn wire_names_are_snake_case() {
        let json = serde_json::to_value(assess(score(3.0), &[outcome(&flat(3, 1.0))]));
        let json = json.unwrap_or_default();
        assert_eq!(json["score"], 3.0);
        assert_eq!(json["measures"][0]["signal"], "too_few_points");
        assert_eq!(json["measures"][0]["type"], "outcome");
        assert_eq!(
            serde_json::to_value(Signal::NoSignal).unwrap_or_default(),
            "none"
        );
    }
}
