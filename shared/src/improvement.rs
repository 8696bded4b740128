//! The Model for Improvement inside a project: the driver diagram (aim -> primary drivers ->
//! secondary drivers -> change ideas) and the PDSA cycles that test the change ideas.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{FieldErrors, validation::text};

/// The level of a node in a driver diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DriverKind {
    Primary,
    Secondary,
    ChangeIdea,
}

db_enum!(DriverKind);

impl DriverKind {
    pub const ALL: [Self; 3] = [Self::Primary, Self::Secondary, Self::ChangeIdea];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Secondary => "secondary",
            Self::ChangeIdea => "change_idea",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Primary, Self::Secondary, Self::ChangeIdea]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A change idea, as sent: `id` keeps an existing one (and its PDSA cycles).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeIdeaNode {
    #[serde(default)]
    pub id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub text: String,
}

/// A secondary driver and the change ideas under it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondaryDriver {
    #[serde(default)]
    pub id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub text: String,
    #[serde(default)]
    pub change_ideas: Vec<ChangeIdeaNode>,
}

/// A primary driver, its secondary drivers, and change ideas that act on it directly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrimaryDriver {
    #[serde(default)]
    pub id: Option<i64>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub text: String,
    #[serde(default)]
    pub secondary_drivers: Vec<SecondaryDriver>,
    #[serde(default)]
    pub change_ideas: Vec<ChangeIdeaNode>,
}

/// A project's driver diagram: its aim and the tree of drivers and change ideas.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DriverDiagram {
    /// The project's aim statement (changed with the project).
    #[serde(default)]
    pub aim: String,
    pub primary_drivers: Vec<PrimaryDriver>,
}

pub const MAX_NODES: usize = 200;
/// The most characters of a driver's or a change idea's text.
pub const MAX_NODE_TEXT: usize = 500;
/// The most characters of a PDSA cycle's objective, and of each of its other texts.
pub const MAX_OBJECTIVE: usize = 1000;
pub const MAX_CYCLE_TEXT: usize = 4000;

impl DriverDiagram {
    /// Checks every node's text and the diagram's size; gives back the text trimmed.
    pub fn validate(&self) -> Result<DriverDiagram, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut count = 0;
        let mut node = |field: String, raw: &str, errors: &mut FieldErrors| {
            count += 1;
            errors
                .check(&field, text(raw, "the text", 1, MAX_NODE_TEXT))
                .unwrap_or_default()
        };
        let mut primaries = Vec::new();
        for (p, primary) in self.primary_drivers.iter().enumerate() {
            let base = format!("primary_drivers[{p}]");
            let mut secondaries = Vec::new();
            for (s, secondary) in primary.secondary_drivers.iter().enumerate() {
                let sbase = format!("{base}.secondary_drivers[{s}]");
                let ideas = secondary
                    .change_ideas
                    .iter()
                    .enumerate()
                    .map(|(c, idea)| ChangeIdeaNode {
                        id: idea.id,
                        text: node(
                            format!("{sbase}.change_ideas[{c}].text"),
                            &idea.text,
                            &mut errors,
                        ),
                    })
                    .collect();
                secondaries.push(SecondaryDriver {
                    id: secondary.id,
                    text: node(format!("{sbase}.text"), &secondary.text, &mut errors),
                    change_ideas: ideas,
                });
            }
            let ideas = primary
                .change_ideas
                .iter()
                .enumerate()
                .map(|(c, idea)| ChangeIdeaNode {
                    id: idea.id,
                    text: node(
                        format!("{base}.change_ideas[{c}].text"),
                        &idea.text,
                        &mut errors,
                    ),
                })
                .collect();
            primaries.push(PrimaryDriver {
                id: primary.id,
                text: node(format!("{base}.text"), &primary.text, &mut errors),
                secondary_drivers: secondaries,
                change_ideas: ideas,
            });
        }
        if count > MAX_NODES {
            errors.push(
                "primary_drivers",
                format!("A driver diagram can have at most {MAX_NODES} drivers and change ideas"),
            );
        }
        errors.finish(|| {
            Some(DriverDiagram {
                aim: self.aim.clone(),
                primary_drivers: primaries,
            })
        })
    }

    /// Every change idea with the drivers above it, in diagram order.
    pub fn change_ideas(&self) -> Vec<(&ChangeIdeaNode, &PrimaryDriver, Option<&SecondaryDriver>)> {
        let mut ideas = Vec::new();
        for primary in &self.primary_drivers {
            for secondary in &primary.secondary_drivers {
                ideas.extend(
                    secondary
                        .change_ideas
                        .iter()
                        .map(|c| (c, primary, Some(secondary))),
                );
            }
            ideas.extend(primary.change_ideas.iter().map(|c| (c, primary, None)));
        }
        ideas
    }
}

/// What the team decided after studying a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActDecision {
    Adopt,
    Adapt,
    Abandon,
}

db_enum!(ActDecision);

impl ActDecision {
    pub const ALL: [Self; 3] = [Self::Adopt, Self::Adapt, Self::Abandon];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Adopt => "adopt",
            Self::Adapt => "adapt",
            Self::Abandon => "abandon",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Adopt => "Adopt",
            Self::Adapt => "Adapt",
            Self::Abandon => "Abandon",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Adopt, Self::Adapt, Self::Abandon]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// A PDSA cycle as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PdsaInput {
    /// The change idea this cycle tests (its id in the driver diagram).
    pub change_idea_id: i64,
    /// Plan: what this cycle is for.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub objective: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub questions: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub predictions: String,
    /// Plan: who, what, when and where.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub plan: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub data_to_collect: String,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Do: what happened.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub what_happened: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub problems: String,
    /// Study: results against the predictions.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub study: String,
    /// Act: adopt, adapt or abandon.
    #[serde(default)]
    pub act: Option<ActDecision>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub next_step: String,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

impl PdsaInput {
    pub fn validate(&self) -> Result<PdsaInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let objective = errors.check(
            "objective",
            text(&self.objective, "the objective", 1, MAX_OBJECTIVE),
        );
        let long = |field: &str, value: &str, errors: &mut FieldErrors| {
            errors
                .check(field, text(value, "this", 0, MAX_CYCLE_TEXT))
                .unwrap_or_default()
        };
        let questions = long("questions", &self.questions, &mut errors);
        let predictions = long("predictions", &self.predictions, &mut errors);
        let plan = long("plan", &self.plan, &mut errors);
        let data_to_collect = long("data_to_collect", &self.data_to_collect, &mut errors);
        let what_happened = long("what_happened", &self.what_happened, &mut errors);
        let problems = long("problems", &self.problems, &mut errors);
        let study = long("study", &self.study, &mut errors);
        let next_step = long("next_step", &self.next_step, &mut errors);
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && end < start
        {
            errors.push(
                "end_date",
                "The end date must be on or after the start date",
            );
        }
        errors.finish(|| {
            Some(PdsaInput {
                change_idea_id: self.change_idea_id,
                objective: objective?,
                questions,
                predictions,
                plan,
                data_to_collect,
                start_date: self.start_date,
                what_happened,
                problems,
                study,
                act: self.act,
                next_step,
                end_date: self.end_date,
            })
        })
    }
}

/// A PDSA cycle of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PdsaCycle {
    pub id: i64,
    pub change_idea_id: i64,
    pub change_idea: String,
    /// Its place in the ramp of its change idea: 1, 2, 3...
    pub sequence: i32,
    pub objective: String,
    pub questions: String,
    pub predictions: String,
    pub plan: String,
    pub data_to_collect: String,
    pub start_date: Option<NaiveDate>,
    pub what_happened: String,
    pub problems: String,
    pub study: String,
    pub act: Option<ActDecision>,
    pub next_step: String,
    pub end_date: Option<NaiveDate>,
    /// Send it back as `If-Match` to change the cycle.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PdsaCycle {
    /// How far the cycle has got: Plan, Do, Study or Act.
    pub fn stage(&self) -> &'static str {
        if self.act.is_some() {
            "Act"
        } else if !self.study.is_empty() {
            "Study"
        } else if !self.what_happened.is_empty() {
            "Do"
        } else {
            "Plan"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idea(text: &str) -> ChangeIdeaNode {
        ChangeIdeaNode {
            id: None,
            text: text.into(),
        }
    }

    #[test]
    fn a_diagram_reports_each_empty_node_by_its_place() {
        let diagram = DriverDiagram {
            aim: String::new(),
            primary_drivers: vec![PrimaryDriver {
                id: None,
                text: "Reliable risk assessment".into(),
                secondary_drivers: vec![SecondaryDriver {
                    id: None,
                    text: " ".into(),
                    change_ideas: vec![idea("Checklist"), idea("")],
                }],
                change_ideas: vec![],
            }],
        };
        let fields: Vec<String> = diagram
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(
            fields,
            [
                "primary_drivers[0].secondary_drivers[0].change_ideas[1].text",
                "primary_drivers[0].secondary_drivers[0].text"
            ]
        );
    }

    #[test]
    fn change_ideas_are_listed_with_their_drivers() {
        let diagram = DriverDiagram {
            aim: "Fewer falls".into(),
            primary_drivers: vec![PrimaryDriver {
                id: None,
                text: "P".into(),
                secondary_drivers: vec![SecondaryDriver {
                    id: None,
                    text: "S".into(),
                    change_ideas: vec![idea("A")],
                }],
                change_ideas: vec![idea("B")],
            }],
        };
        let ideas: Vec<(&str, Option<&str>)> = diagram
            .change_ideas()
            .into_iter()
            .map(|(c, _, s)| (c.text.as_str(), s.map(|s| s.text.as_str())))
            .collect();
        assert_eq!(ideas, [("A", Some("S")), ("B", None)]);
    }

    #[test]
    fn a_cycle_needs_an_objective_and_ends_after_it_starts() {
        let cycle = PdsaInput {
            change_idea_id: 1,
            start_date: NaiveDate::from_ymd_opt(2026, 5, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 4, 1),
            ..Default::default()
        };
        let fields: Vec<String> = cycle
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["objective", "end_date"]);
    }

    #[test]
    fn a_cycle_shows_its_stage() {
        let mut cycle = PdsaCycle {
            id: 1,
            change_idea_id: 1,
            change_idea: "A".into(),
            sequence: 1,
            objective: "Try it".into(),
            questions: String::new(),
            predictions: String::new(),
            plan: String::new(),
            data_to_collect: String::new(),
            start_date: None,
            what_happened: String::new(),
            problems: String::new(),
            study: String::new(),
            act: None,
            next_step: String::new(),
            end_date: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(cycle.stage(), "Plan");
        cycle.what_happened = "Done on 3 wards".into();
        assert_eq!(cycle.stage(), "Do");
        cycle.study = "As predicted".into();
        assert_eq!(cycle.stage(), "Study");
        cycle.act = Some(ActDecision::Adapt);
        assert_eq!(cycle.stage(), "Act");
    }
}
