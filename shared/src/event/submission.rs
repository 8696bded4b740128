//! Calls for submissions and awards: an event (typically the celebration) asks for posters,
//! masterclasses and stories by a deadline; teams submit one of their projects with an abstract
//! and a file; reviewers the organiser assigns score each submission against the call's rubric
//! without seeing each other's scores until the organiser closes the review; the organiser
//! shortlists and gives awards, which show on the project and in the library.
//!
//! - [`CallInput`], [`SubmissionInput`], [`ReviewInput`], [`AwardInput`]: what is sent, with
//!   their rules.
//! - [`weighted_score`]: one review's score out of 5, the criteria weighted; [`mean_score`]: a
//!   submission's, over its reviews.
//! - [`FileType::sniff`]: what an uploaded file is by its first bytes, never by its name.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    project::OrganisationRef,
    training::PersonRef,
    validation::{paragraphs, text},
};

wire_enum! {
    /// What a team submits.
    SubmissionKind {
        Poster => "poster", "Poster";
        Masterclass => "masterclass", "Masterclass";
        Story => "story", "Improvement story";
    }
}

wire_enum! {
    /// How an award ranks within its category.
    AwardLevel {
        Winner => "winner", "Winner";
        HighlyCommended => "highly_commended", "Highly commended";
    }
}

pub const MAX_INTRO: usize = 4000;
pub const MAX_CRITERIA: usize = 8;
pub const MAX_CRITERION_NAME: usize = 100;
pub const MAX_CRITERION_DESCRIPTION: usize = 500;
pub const MAX_WEIGHT: u8 = 10;
pub const MAX_TITLE: usize = 200;
pub const MAX_ABSTRACT: usize = 3000;
pub const MAX_COMMENT: usize = 2000;
pub const MAX_REVIEWERS: usize = 10;
pub const MAX_CATEGORY: usize = 100;
pub const MAX_FILE_NAME: usize = 200;
/// The largest file a submission takes unless the server is configured otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// A score against one criterion: 1 (weak) to 5 (excellent).
pub const MAX_SCORE: u8 = 5;

/// The kinds of file a submission takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FileType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
}

impl FileType {
    pub const ALL: &'static [FileType] = &[FileType::Pdf, FileType::Png, FileType::Jpeg];

    /// The media type, as sent in `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Png => "PNG image",
            FileType::Jpeg => "JPEG image",
        }
    }

    /// The media type as a `Content-Type` header gives it (parameters and case aside).
    pub fn from_mime(mime: &str) -> Option<FileType> {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.mime().eq_ignore_ascii_case(essence))
    }

    /// What the file is by its first bytes: a PDF, PNG or JPEG signature, or none.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileType::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else {
            None
        }
    }
}

/// Why an upload is refused, before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge {
        max: u64,
    },
    /// The media type sent is not one a submission takes.
    NotAccepted,
    /// The content is not the media type sent (or any accepted one).
    NotWhatItSays {
        sent: FileType,
    },
}

impl FileProblem {
    pub fn message(&self) -> String {
        match self {
            FileProblem::Empty => "The file is empty".to_owned(),
            FileProblem::TooLarge { max } => format!(
                "The file is larger than {} MB, the most a submission takes",
                max / (1024 * 1024)
            ),
            FileProblem::NotAccepted => {
                "A submission takes a PDF, a PNG image or a JPEG image".to_owned()
            }
            FileProblem::NotWhatItSays { sent } => {
                format!("The file is not a {} as it says", sent.label())
            }
        }
    }
}

/// Checks an upload: its media type as sent, its size, and that its bytes are what it says.
pub fn check_file(mime: &str, bytes: &[u8], max: u64) -> Result<FileType, FileProblem> {
    let sent = FileType::from_mime(mime).ok_or(FileProblem::NotAccepted)?;
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() as u64 > max {
        return Err(FileProblem::TooLarge { max });
    }
    if FileType::sniff(bytes) != Some(sent) {
        return Err(FileProblem::NotWhatItSays { sent });
    }
    Ok(sent)
}

/// A file's name as it is offered for download: its last path part, without control
/// characters or quotes, at most 200 characters; `fallback` when nothing is left.
pub fn file_name(raw: &str, fallback: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .take(MAX_FILE_NAME)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        fallback.to_owned()
    } else {
        clean
    }
}

/// One criterion of a call's rubric as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionInput {
    /// 1 to 100 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// What reviewers look for (at most 500 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub description: String,
    /// How much it counts against the others, 1 to 10.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub weight: u8,
}

/// A call for submissions as sent to open or change one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallInput {
    /// What the call asks for (paragraphs, at most 4000 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub intro: String,
    /// The kinds it takes: at least one, each once.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub kinds: Vec<SubmissionKind>,
    /// Submissions are taken until then; reviews open after it.
    pub deadline: DateTime<Utc>,
    /// The rubric: 1 to 8 criteria, names distinct.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 8))]
    pub criteria: Vec<CriterionInput>,
}

impl CallInput {
    pub fn validate(&self) -> Result<CallInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let intro = errors.check("intro", paragraphs(&self.intro, "The call", MAX_INTRO));
        if self.kinds.is_empty() {
            errors.push("kinds", "Choose at least one kind of submission");
        }
        let mut kinds = self.kinds.clone();
        kinds.sort();
        kinds.dedup();
        if kinds.len() != self.kinds.len() {
            errors.push("kinds", "Name each kind of submission once");
        }
        if self.criteria.is_empty() {
            errors.push("criteria", "A rubric needs at least one criterion");
        }
        if self.criteria.len() > MAX_CRITERIA {
            errors.push(
                "criteria",
                format!("A rubric has at most {MAX_CRITERIA} criteria"),
            );
        }
        let mut criteria = Vec::with_capacity(self.criteria.len());
        for (i, c) in self.criteria.iter().enumerate() {
            let name = errors.check(
                &format!("criteria[{i}].name"),
                text(&c.name, "the criterion", 1, MAX_CRITERION_NAME),
            );
            let description = errors.check(
                &format!("criteria[{i}].description"),
                text(
                    &c.description,
                    "what reviewers look for",
                    0,
                    MAX_CRITERION_DESCRIPTION,
                ),
            );
            if !(1..=MAX_WEIGHT).contains(&c.weight) {
                errors.push(
                    format!("criteria[{i}].weight"),
                    format!("A weight is 1 to {MAX_WEIGHT}"),
                );
            }
            if let Some(name) = &name
                && criteria
                    .iter()
                    .any(|p: &CriterionInput| p.name.eq_ignore_ascii_case(name))
            {
                errors.push(
                    format!("criteria[{i}].name"),
                    "Each criterion needs a name of its own",
                );
            }
            if let (Some(name), Some(description)) = (name, description) {
                criteria.push(CriterionInput {
                    name,
                    description,
                    weight: c.weight,
                });
            }
        }
        errors.finish(|| {
            Some(CallInput {
                intro: intro?,
                kinds: self.kinds.clone(),
                deadline: self.deadline,
                criteria,
            })
        })
    }
}

/// One criterion of a call's rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub weight: u8,
}

/// An event's call for submissions, as the signed-in person sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    pub event_id: i64,
    pub event_title: String,
    pub intro: String,
    pub kinds: Vec<SubmissionKind>,
    pub deadline: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    /// Submissions are still taken (the deadline is to come).
    pub open: bool,
    /// When the organiser closed the review: the scores are then shown to the reviewers and
    /// awards may be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_closed_at: Option<DateTime<Utc>>,
    /// Submissions so far.
    pub submissions: u32,
    /// The signed-in person manages the event (and so the call).
    pub can_manage: bool,
    /// Submissions the signed-in person is asked to review, and how many they have scored.
    pub assigned_to_me: u32,
    pub reviewed_by_me: u32,
}

/// A submission as a team sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionInput {
    /// One of your projects (you can change it). A submission stays with the project it was
    /// made for.
    pub project_id: i64,
    pub kind: SubmissionKind,
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub title: String,
    /// The abstract: paragraphs, 1 to 3000 characters.
    #[serde(rename = "abstract")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 3000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub abstract_text: String,
}

impl SubmissionInput {
    pub fn validate(&self) -> Result<SubmissionInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text(&self.title, "a title", 1, MAX_TITLE));
        let abstract_text = errors.check(
            "abstract",
            paragraphs(&self.abstract_text, "The abstract", MAX_ABSTRACT).and_then(|a| {
                if a.is_empty() {
                    Err("Enter an abstract".to_owned())
                } else {
                    Ok(a)
                }
            }),
        );
        errors.finish(|| {
            Some(SubmissionInput {
                project_id: self.project_id,
                kind: self.kind,
                title: title?,
                abstract_text: abstract_text?,
            })
        })
    }
}

/// The file of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionFile {
    pub name: String,
    pub content_type: FileType,
    pub bytes: u64,
    pub uploaded_at: DateTime<Utc>,
}

/// A project, as a submission or an award names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectRef {
    pub id: i64,
    pub title: String,
    pub lead_organisation: OrganisationRef,
}

/// A reviewer of a submission, as the organiser sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reviewer {
    pub person: PersonRef,
    /// They have scored it.
    pub reviewed: bool,
}

/// An award, as the event, the project and the library show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Award {
    pub id: i64,
    pub event_id: i64,
    pub event_title: String,
    pub event_starts_at: DateTime<Utc>,
    pub category: String,
    pub level: AwardLevel,
    pub submission_id: i64,
    pub submission_title: String,
    pub kind: SubmissionKind,
    pub project: ProjectRef,
    pub awarded_at: DateTime<Utc>,
}

/// A submission, as the signed-in person may see it: its team, the organiser, its reviewers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub id: i64,
    pub event_id: i64,
    pub project: ProjectRef,
    pub kind: SubmissionKind,
    pub title: String,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub submitted_by: PersonRef,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<SubmissionFile>,
    /// Shown to the organiser, and to the team once the review is closed.
    pub shortlisted: bool,
    /// Shown to the organiser only.
    #[serde(default)]
    pub reviewers: Vec<Reviewer>,
    /// Reviews scored so far (the organiser sees it; a reviewer too once the review is closed).
    pub reviews: u32,
    /// The mean of its reviews' weighted scores, out of 5: the organiser sees it, and its
    /// reviewers once the review is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub awards: Vec<Award>,
    /// The signed-in person is on its project's team and the call is still open.
    pub can_edit: bool,
    /// The signed-in person is assigned to review it and the review is open.
    pub can_review: bool,
    /// The signed-in person is assigned to review it and has scored it.
    #[serde(default)]
    pub reviewed_by_me: bool,
    /// The signed-in person manages the event.
    pub can_manage: bool,
}

/// One page of submissions.
pub type SubmissionPage = crate::page::Page<Submission>;

impl crate::page::Listed for Submission {
    const PAGE: &'static str = "SubmissionPage";
    const PAGE_DESCRIPTION: &'static str = "One page of submissions.";
}

/// Filters of a call's submissions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct SubmissionQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SubmissionKind>,
    /// Only those shortlisted (or only those not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortlisted: Option<bool>,
    /// Only those the signed-in person is asked to review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to_me: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// The organiser names a submission's reviewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewersInput {
    /// People in the partnership who may see the event and are not on the project's team; at
    /// most 10, each once.
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub person_ids: Vec<i64>,
}

impl ReviewersInput {
    pub fn validate(&self) -> Result<ReviewersInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.person_ids.len() > MAX_REVIEWERS {
            errors.push(
                "person_ids",
                format!("A submission has at most {MAX_REVIEWERS} reviewers"),
            );
        }
        for (i, id) in self.person_ids.iter().enumerate() {
            if self.person_ids[..i].contains(id) {
                errors.push(format!("person_ids[{i}]"), "Name each reviewer once");
            }
        }
        errors.finish(|| Some(self.clone()))
    }
}

/// A score against one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub criterion_id: i64,
    /// 1 (weak) to 5 (excellent).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: u8,
}

/// A reviewer's scores of one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    /// One score for each of the call's criteria.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 8))]
    pub scores: Vec<CriterionScore>,
    /// A note for the organiser (at most 2000 characters).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
        )
    )]
    pub comment: String,
}

impl ReviewInput {
    /// Checks the scores against the call's criteria: each scored once, 1 to 5.
    pub fn validate(&self, criteria: &[Criterion]) -> Result<ReviewInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let comment = errors.check("comment", paragraphs(&self.comment, "A note", MAX_COMMENT));
        for (i, s) in self.scores.iter().enumerate() {
            if !(1..=MAX_SCORE).contains(&s.score) {
                errors.push(
                    format!("scores[{i}].score"),
                    format!("A score is 1 to {MAX_SCORE}"),
                );
            }
            if !criteria.iter().any(|c| c.id == s.criterion_id) {
                errors.push(
                    format!("scores[{i}].criterion_id"),
                    "Not one of this call's criteria",
                );
            } else if self.scores[..i]
                .iter()
                .any(|p| p.criterion_id == s.criterion_id)
            {
                errors.push(
                    format!("scores[{i}].criterion_id"),
                    "Score each criterion once",
                );
            }
        }
        for c in criteria {
            if !self.scores.iter().any(|s| s.criterion_id == c.id) {
                errors.push("scores", format!("Score \"{}\" too", c.name));
            }
        }
        errors.finish(|| {
            Some(ReviewInput {
                scores: self.scores.clone(),
                comment: comment?,
            })
        })
    }
}

/// One review of a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub submission_id: i64,
    pub reviewer: PersonRef,
    pub scores: Vec<CriterionScore>,
    pub comment: String,
    /// Out of 5, the criteria weighted.
    pub score: f64,
    pub reviewed_at: DateTime<Utc>,
}

/// One review's score out of 5: the mean of its scores weighted by their criteria. None when a
/// criterion is unscored (a review scores them all) or there are none.
pub fn weighted_score(criteria: &[Criterion], scores: &[CriterionScore]) -> Option<f64> {
    let mut sum = 0.0;
    let mut weights = 0.0;
    for c in criteria {
        let s = scores.iter().find(|s| s.criterion_id == c.id)?;
        sum += f64::from(s.score) * f64::from(c.weight);
        weights += f64::from(c.weight);
    }
    (weights > 0.0).then(|| sum / weights)
}

/// A submission's score: the mean of its reviews' weighted scores, if it has any.
pub fn mean_score(reviews: &[f64]) -> Option<f64> {
    (!reviews.is_empty()).then(|| reviews.iter().sum::<f64>() / reviews.len() as f64)
}

/// The organiser shortlists a submission, or takes it off the shortlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShortlistInput {
    pub shortlisted: bool,
}

/// An award as the organiser gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardInput {
    pub submission_id: i64,
    /// The award's category, such as "Best poster" (1 to 100 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub category: String,
    pub level: AwardLevel,
}

impl AwardInput {
    pub fn validate(&self) -> Result<AwardInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let category = errors.check(
            "category",
            text(&self.category, "a category", 1, MAX_CATEGORY),
        );
        errors.finish(|| {
            Some(AwardInput {
                submission_id: self.submission_id,
                category: category?,
                level: self.level,
            })
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // A test that cannot build its fixtures should stop.
mod tests {
    use super::*;

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion {
                id: 1,
                name: "Impact".into(),
                description: String::new(),
                weight: 3,
            },
            Criterion {
                id: 2,
                name: "Method".into(),
                description: String::new(),
                weight: 1,
            },
        ]
    }

    #[test]
    fn a_review_is_weighted_by_its_criteria() {
        let scores = [
            CriterionScore {
                criterion_id: 1,
                score: 5,
            },
            CriterionScore {
                criterion_id: 2,
                score: 1,
            },
        ];
        assert_eq!(weighted_score(&criteria(), &scores), Some(4.0));
        assert_eq!(weighted_score(&criteria(), &scores[..1]), None);
        assert_eq!(mean_score(&[4.0, 3.0]), Some(3.5));
        assert_eq!(mean_score(&[]), None);
    }

    #[test]
    fn a_review_scores_every_criterion_once_from_one_to_five() {
        let review = |scores: Vec<(i64, u8)>| ReviewInput {
            scores: scores
                .into_iter()
                .map(|(criterion_id, score)| CriterionScore {
                    criterion_id,
                    score,
                })
                .collect(),
            comment: "Clear aims\nGood data".into(),
        };
        assert!(review(vec![(1, 4), (2, 3)]).validate(&criteria()).is_ok());
        let fields = |r: ReviewInput| -> Vec<String> {
            r.validate(&criteria())
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(review(vec![(1, 4)])), ["scores"]);
        assert_eq!(
            fields(review(vec![(1, 0), (2, 6)])),
            ["scores[0].score", "scores[1].score"]
        );
        assert_eq!(
            fields(review(vec![(1, 4), (1, 3), (2, 2)])),
            ["scores[1].criterion_id"]
        );
        assert_eq!(
            fields(review(vec![(1, 4), (2, 3), (9, 2)])),
            ["scores[2].criterion_id"]
        );
    }

    #[test]
    fn a_call_needs_kinds_and_a_rubric_of_distinct_criteria() {
        let call = CallInput {
            intro: "Posters on any improvement.\n\nTell us what changed.".into(),
            kinds: vec![SubmissionKind::Poster, SubmissionKind::Story],
            deadline: Utc::now(),
            criteria: vec![
                CriterionInput {
                    name: " Impact ".into(),
                    description: String::new(),
                    weight: 3,
                },
                CriterionInput {
                    name: "Method".into(),
                    description: "Use of PDSA and data".into(),
                    weight: 1,
                },
            ],
        };
        let ok = call.validate().unwrap();
        assert_eq!(ok.criteria[0].name, "Impact");
        let mut bad = call.clone();
        bad.kinds = vec![SubmissionKind::Poster, SubmissionKind::Poster];
        bad.criteria[1].name = "impact".into();
        bad.criteria[0].weight = 0;
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["kinds", "criteria[0].weight", "criteria[1].name"]);
        let mut empty = call;
        empty.kinds.clear();
        empty.criteria.clear();
        assert_eq!(empty.validate().unwrap_err().0.len(), 2);
    }

    #[test]
    fn a_file_is_what_its_bytes_say() {
        let pdf = b"%PDF-1.7\n...";
        assert_eq!(check_file("application/pdf", pdf, 100), Ok(FileType::Pdf));
        assert_eq!(
            check_file("Image/PNG; q=1", b"\x89PNG\r\n\x1a\n...", 100),
            Ok(FileType::Png)
        );
        assert_eq!(
            check_file("image/png", pdf, 100),
            Err(FileProblem::NotWhatItSays {
                sent: FileType::Png
            })
        );
        assert_eq!(
            check_file("text/html", b"<script>", 100),
            Err(FileProblem::NotAccepted)
        );
        assert_eq!(
            check_file("application/pdf", b"", 100),
            Err(FileProblem::Empty)
        );
        assert_eq!(
            check_file("application/pdf", pdf, 4),
            Err(FileProblem::TooLarge { max: 4 })
        );
    }

    #[test]
    fn a_file_name_is_its_last_part_without_quotes() {
        assert_eq!(
            file_name("C:\\posters\\sepsis \"v2\".pdf", "f"),
            "sepsis v2.pdf"
        );
        assert_eq!(file_name("../../etc/passwd", "f"), "passwd");
        assert_eq!(file_name("..", "poster.pdf"), "poster.pdf");
        assert_eq!(file_name("", "poster.pdf"), "poster.pdf");
    }
}
