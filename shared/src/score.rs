//! The IHI project progress scale, defined once: 0.5 to 5.0 in steps of 0.5.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A progress score on the IHI scale. Kept as tenths (5 to 50) so it compares and stores exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProgressScore(u8);

/// Every point of the scale with its meaning (IHI's labels).
pub const SCALE: [(u8, &str, &str); 10] = [
    (
        5,
        "Intent to participate",
        "Project identified, no charter or team yet",
    ),
    (
        10,
        "Forming team",
        "Charter and team established, no work yet",
    ),
    (
        15,
        "Planning for the project has begun",
        "Planning for the project has begun",
    ),
    (
        20,
        "Activity, but no changes",
        "Baseline data, process study, surveys",
    ),
    (
        25,
        "Changes tested, but no improvement",
        "Changes tested, but no improvement",
    ),
    (
        30,
        "Modest improvement",
        "Some successful tests, small-scale implementation, early evidence",
    ),
    (
        35,
        "Improvement",
        "Testing and implementation continue, more improvement towards goals",
    ),
    (
        40,
        "Significant improvement",
        "Expected results achieved for major parts, goals 50% or more met",
    ),
    (
        45,
        "Sustainable improvement",
        "Key measures show the improvement is lasting",
    ),
    (
        50,
        "Outstanding sustainable results",
        "All goals met, changes made permanent",
    ),
];

impl ProgressScore {
    /// A score from its value (0.5, 1.0, ... 5.0).
    pub fn new(value: f64) -> Result<Self, String> {
        let tenths = (value * 10.0).round();
        if !value.is_finite()
            || (value * 10.0 - tenths).abs() > 1e-9
            || !(5.0..=50.0).contains(&tenths)
            || !(tenths as u8).is_multiple_of(5)
        {
            return Err("Score must be on the IHI scale: 0.5 to 5.0 in steps of 0.5".to_owned());
        }
        Ok(Self(tenths as u8))
    }

    pub fn from_tenths(tenths: i32) -> Option<Self> {
        u8::try_from(tenths)
            .ok()
            .filter(|t| (5..=50).contains(t) && t % 5 == 0)
            .map(Self)
    }

    pub fn tenths(self) -> i32 {
        self.0.into()
    }

    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The scale's name for this score, e.g. "Modest improvement".
    pub fn label(self) -> &'static str {
        SCALE
            .iter()
            .find(|(t, _, _)| *t == self.0)
            .map(|(_, label, _)| *label)
            .unwrap_or("")
    }

    pub fn description(self) -> &'static str {
        SCALE
            .iter()
            .find(|(t, _, _)| *t == self.0)
            .map(|(_, _, d)| *d)
            .unwrap_or("")
    }

    /// At least a modest improvement (3.0): what partnership targets count.
    pub fn shows_improvement(self) -> bool {
        self.0 >= 30
    }

    pub fn all() -> impl Iterator<Item = ProgressScore> {
        SCALE.iter().map(|(t, _, _)| ProgressScore(*t))
    }
}

impl fmt::Display for ProgressScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} {}", self.value(), self.label())
    }
}

impl Serialize for ProgressScore {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.value())
    }
}

impl<'de> Deserialize<'de> for ProgressScore {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        ProgressScore::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ProgressScore {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some(
                "A score on the IHI project progress scale: 0.5 to 5.0 in steps of 0.5",
            ))
            .minimum(Some(0.5))
            .maximum(Some(5.0))
            .multiple_of(Some(0.5))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ProgressScore {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_has_ten_points_with_their_labels() {
        let scores: Vec<f64> = ProgressScore::all().map(ProgressScore::value).collect();
        assert_eq!(
            scores,
            vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]
        );
        assert_eq!(
            ProgressScore::new(3.0).map(ProgressScore::label),
            Ok("Modest improvement")
        );
        assert_eq!(
            ProgressScore::new(0.5).map(ProgressScore::label),
            Ok("Intent to participate")
        );
        assert_eq!(
            ProgressScore::new(5.0).map(ProgressScore::label),
            Ok("Outstanding sustainable results")
        );
    }

    #[test]
    fn only_points_of_the_scale_are_scores() {
        for bad in [0.0, 0.25, 3.2, 5.5, -1.0, f64::NAN, f64::INFINITY] {
            assert!(ProgressScore::new(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ProgressScore::from_tenths(35).map(ProgressScore::value),
            Some(3.5)
        );
        assert_eq!(ProgressScore::from_tenths(33), None);
    }

    #[test]
    fn improvement_starts_at_three() {
        assert!(!ProgressScore::new(2.5).is_ok_and(ProgressScore::shows_improvement));
        assert!(ProgressScore::new(3.0).is_ok_and(ProgressScore::shows_improvement));
    }

    #[test]
    fn scores_are_numbers_on_the_wire() {
        let json = serde_json::to_string(&ProgressScore::new(3.5).ok());
        assert_eq!(json.ok().as_deref(), Some("3.5"));
        assert!(serde_json::from_str::<ProgressScore>("3.3").is_err());
        assert_eq!(
            serde_json::from_str::<ProgressScore>("4")
                .ok()
                .map(ProgressScore::value),
            Some(4.0)
        );
    }
}
