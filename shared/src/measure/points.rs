//! A measure's data points: one per date, a value or a gap, or for a percentage or a rate a
//! numerator and denominator from which the value is computed.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Unit;
use crate::{FieldErrors, validation::text};

/// The most data points one measure holds (and one CSV file brings).
pub const MAX_POINTS: usize = 100_000;
pub const MAX_NOTE: usize = 1000;

/// A data point as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointInput {
    /// The date of the period the value is for (`2026-03-01` for March, say).
    pub date: NaiveDate,
    /// The value; leave it out for a gap (no data for this period). For a percentage or a rate,
    /// send the numerator and denominator instead and it is computed; a value sent with them must
    /// agree with theirs to the decimal places it is given to.
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub numerator: Option<f64>,
    #[serde(default)]
    pub denominator: Option<f64>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 1000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub note: String,
}

impl PointInput {
    /// Checks one point of a measure in `unit`, naming its fields plainly (`value`, `date`).
    pub fn validate(&self, unit: Unit, rate_per: Option<u32>) -> Result<PointInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let point = self.check(unit, rate_per, "", &mut errors);
        errors.finish(|| point)
    }

    /// Checks a point, naming its fields `{prefix}value` and so on; gives it back with its value
    /// computed from a numerator and denominator, and its note trimmed.
    pub(super) fn check(
        &self,
        unit: Unit,
        rate_per: Option<u32>,
        prefix: &str,
        errors: &mut FieldErrors,
    ) -> Option<PointInput> {
        let before = errors.0.len();
        let field = |name: &str| format!("{prefix}{name}");
        for (name, number) in [
            ("value", self.value),
            ("numerator", self.numerator),
            ("denominator", self.denominator),
        ] {
            if number.is_some_and(|n| !n.is_finite()) {
                errors.push(field(name), "Enter a number");
            }
        }
        let note = errors
            .check(&field("note"), text(&self.note, "the note", 0, MAX_NOTE))
            .unwrap_or_default();
        let value = match (self.numerator, self.denominator) {
            (None, None) => self.value,
            _ if !unit.is_fraction() => {
                let name = if self.numerator.is_some() {
                    "numerator"
                } else {
                    "denominator"
                };
                errors.push(
                    field(name),
                    format!(
                        "Only a percentage or a rate has a numerator and denominator; give the value of this {}",
                        unit.as_str()
                    ),
                );
                None
            }
            (Some(_), None) => {
                errors.push(field("denominator"), "Give the denominator too");
                None
            }
            (None, Some(_)) => {
                errors.push(field("numerator"), "Give the numerator too");
                None
            }
            (Some(numerator), Some(denominator)) => {
                if numerator < 0.0 {
                    errors.push(field("numerator"), "The numerator cannot be negative");
                }
                if denominator == 0.0 {
                    errors.push(
                        field("denominator"),
                        "The denominator cannot be 0 (for a period with nothing to count, leave the numerator, denominator and value empty)",
                    );
                } else if denominator < 0.0 {
                    errors.push(field("denominator"), "The denominator cannot be negative");
                }
                let computed = unit.value_of(rate_per, numerator, denominator);
                if let (Some(given), Some(computed)) = (self.value, computed)
                    && given.is_finite()
                    && computed.is_finite()
                    && !agrees(given, computed)
                {
                    errors.push(
                        field("value"),
                        format!(
                            "{given} does not match the numerator and denominator ({}); leave the value out and it is worked out from them",
                            round_for_people(computed)
                        ),
                    );
                }
                computed
            }
        };
        (errors.0.len() == before).then_some(PointInput {
            date: self.date,
            value,
            numerator: self.numerator,
            denominator: self.denominator,
            note,
        })
    }
}

/// Does `given` agree with `computed` to the decimal places `given` is written with? So `33`,
/// `33.3` and `33.33` all agree with 1/3 as a percentage, rounded either way at a half.
fn agrees(given: f64, computed: f64) -> bool {
    // Rust writes the shortest decimal that reads back as the same number, never in exponent form.
    let written = given.to_string();
    let decimals = written
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    let half_step = 0.5 * 10f64.powi(-i32::try_from(decimals).unwrap_or(i32::MAX));
    (given - computed).abs() <= half_step * (1.0 + 1e-9) + f64::EPSILON * computed.abs()
}

fn round_for_people(value: f64) -> String {
    let rounded = format!("{value:.4}");
    rounded
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
}

/// Checks every point of a whole grid (a measure's data replaced at once), naming each field by
/// its place: `points[3].date`. Two points on one date are refused.
pub fn validate_points(
    points: &[PointInput],
    unit: Unit,
    rate_per: Option<u32>,
) -> Result<Vec<PointInput>, FieldErrors> {
    let mut errors = FieldErrors::new();
    if points.len() > MAX_POINTS {
        errors.push(
            "points",
            format!("A measure can have at most {MAX_POINTS} data points"),
        );
        return Err(errors);
    }
    let mut seen: HashMap<NaiveDate, usize> = HashMap::with_capacity(points.len());
    let mut checked = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        if let Some(first) = seen.insert(point.date, i) {
            seen.insert(point.date, first);
            errors.push(
                format!("points[{i}].date"),
                format!("points[{first}] has this date too: one point per date"),
            );
        }
        checked.extend(point.check(unit, rate_per, &format!("points[{i}]."), &mut errors));
    }
    errors.finish(|| Some(checked))
}

/// A data point of a measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataPoint {
    pub id: i64,
    pub date: NaiveDate,
    /// `null` is a gap: no data for this period.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub note: String,
}

/// A measure's whole data, as a grid saves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsInput {
    pub points: Vec<PointInput>,
}

/// What an import does with the data already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// The file's rows change the points on their dates and add the others; the rest stay.
    #[default]
    Merge,
    /// The file's rows become the measure's data: points on dates the file lacks are removed.
    Replace,
}

/// How to import a CSV file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ImportQuery {
    /// `merge` (the default) or `replace`. Replacing needs the measure's ETag as `If-Match`.
    #[serde(default)]
    pub mode: Option<ImportMode>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsImported {
    pub mode: ImportMode,
    /// Rows on dates the measure had no point for.
    pub added: u64,
    /// Rows that changed the point on their date.
    pub updated: u64,
    /// Rows the same as the point already on their date.
    pub unchanged: u64,
    /// Points on dates the file lacks (replace only).
    pub removed: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(date: &str) -> PointInput {
        PointInput {
            date: date.parse().unwrap_or_default(),
            value: None,
            numerator: None,
            denominator: None,
            note: String::new(),
        }
    }

    fn fields(result: Result<impl std::fmt::Debug, FieldErrors>) -> Vec<String> {
        result
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_fraction_computes_its_value() {
        let p = PointInput {
            numerator: Some(3.0),
            denominator: Some(1500.0),
            ..point("2026-01-01")
        };
        assert_eq!(
            p.validate(Unit::Rate, Some(1000)).map(|p| p.value),
            Ok(Some(2.0))
        );
        assert_eq!(
            p.validate(Unit::Percentage, None).map(|p| p.value),
            Ok(Some(0.2))
        );
        // A gap is a point without a value.
        assert_eq!(
            point("2026-01-01")
                .validate(Unit::Percentage, None)
                .map(|p| p.value),
            Ok(None)
        );
    }

    #[test]
    fn bad_points_name_the_field() {
        let cases: [(PointInput, Unit, &[&str]); 8] = [
            (
                PointInput {
                    numerator: Some(1.0),
                    denominator: Some(0.0),
                    ..point("2026-01-01")
                },
                Unit::Percentage,
                &["denominator"],
            ),
            (
                PointInput {
                    numerator: Some(1.0),
                    ..point("2026-01-01")
                },
                Unit::Percentage,
                &["denominator"],
            ),
            (
                PointInput {
                    denominator: Some(1.0),
                    ..point("2026-01-01")
                },
                Unit::Rate,
                &["numerator"],
            ),
            (
                PointInput {
                    numerator: Some(-1.0),
                    denominator: Some(4.0),
                    ..point("2026-01-01")
                },
                Unit::Percentage,
                &["numerator"],
            ),
            (
                PointInput {
                    numerator: Some(1.0),
                    denominator: Some(4.0),
                    ..point("2026-01-01")
                },
                Unit::Count,
                &["numerator"],
            ),
            (
                PointInput {
                    value: Some(f64::INFINITY),
                    ..point("2026-01-01")
                },
                Unit::Count,
                &["value"],
            ),
            (
                PointInput {
                    value: Some(30.0),
                    numerator: Some(1.0),
                    denominator: Some(4.0),
                    ..point("2026-01-01")
                },
                Unit::Percentage,
                &["value"],
            ),
            (
                PointInput {
                    note: "a\u{7}".into(),
                    ..point("2026-01-01")
                },
                Unit::Count,
                &["note"],
            ),
        ];
        for (p, unit, expected) in cases {
            assert_eq!(fields(p.validate(unit, Some(1000))), expected, "{p:?}");
        }
    }

    #[test]
    fn a_value_agrees_with_its_fraction_to_the_places_it_is_given_to() {
        let third = 100.0 / 3.0;
        for given in [33.0, 33.3, 33.33, 33.333_333_333_333_336] {
            assert!(agrees(given, third), "{given}");
        }
        assert!(!agrees(34.0, third));
        assert!(!agrees(33.4, third));
        // Exactly half way: a spreadsheet rounds up, others to even; both agree.
        assert!(agrees(13.0, 12.5) && agrees(12.0, 12.5));
    }

    #[test]
    fn a_grid_names_each_point_by_its_place_and_refuses_a_date_twice() {
        let points = [
            point("2026-01-01"),
            PointInput {
                value: Some(f64::NAN),
                ..point("2026-02-01")
            },
            point("2026-01-01"),
        ];
        assert_eq!(
            fields(validate_points(&points, Unit::Count, None)),
            ["points[1].value", "points[2].date"]
        );
        assert_eq!(
            validate_points(&points[..2], Unit::Count, None).map(|_| ()),
            Err(FieldErrors(vec![crate::FieldError::new(
                "points[1].value",
                "Enter a number"
            )]))
        );
    }
}
