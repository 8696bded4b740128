//! Improvement projects: the Model for Improvement's aim, team, status, spread and visibility.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    page::{Listed, Page},
    score::ProgressScore,
    validation::text,
};

wire_enum! {
    /// Where a project is in its life.
    ProjectStatus {
        Proposed => "proposed", "Proposed";
        Active => "active", "Active";
        Completed => "completed", "Completed";
        Abandoned => "abandoned", "Abandoned";
    }
}

wire_enum! {
    /// Who may see a project.
    Visibility {
        /// Its team (and the admins of its organisations).
        Team => "team", "Team only";
        /// Everyone in its lead and partner organisations.
        Organisation => "organisation", "Its organisations";
        /// Everyone in the partnership.
        Partnership => "partnership", "The partnership";
        /// Anyone, in the public learning library.
        Public => "public", "Public learning library";
    }
}

wire_enum! {
    /// The part an organisation takes in a project: it leads it, is a partner in it, or has
    /// adopted its changes.
    OrganisationPart {
        Lead => "lead", "Lead organisation";
        Partner => "partner", "Partner organisation";
        Adopter => "adopter", "Adopting organisation";
    }
}

wire_enum! {
    /// How far a project's changes have spread.
    Spread {
        Unit => "unit", "Its unit only";
        Organisation => "organisation", "Its whole organisation";
        Partnership => "partnership", "Other partner organisations";
        Beyond => "beyond", "Beyond the partnership";
    }
}

wire_enum! {
    /// What kind of work a project is: the partnership counts and supports all three, and
    /// their methods differ (a QI project tests changes in PDSA cycles; an audit measures
    /// practice against a standard; an evaluation judges a service as it runs).
    ProjectType {
        QiProject => "qi_project", "QI project";
        ClinicalAudit => "clinical_audit", "Clinical audit";
        ServiceEvaluation => "service_evaluation", "Service evaluation";
    }
}

wire_enum! {
    /// A dimension of quality a project serves: the CQC's five key questions, and equity for
    /// projects addressing health inequalities.
    QualityDimension {
        Safe => "safe", "Safe";
        Effective => "effective", "Effective";
        Caring => "caring", "Caring";
        Responsive => "responsive", "Responsive";
        WellLed => "well_led", "Well-led";
        Equity => "equity", "Equity";
    }
}

impl QualityDimension {
    /// What the dimension asks of a project, for the form's hints.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Safe => "People are protected from avoidable harm",
            Self::Effective => "Care and treatment achieve good outcomes, based on evidence",
            Self::Caring => "People are treated with compassion, kindness and respect",
            Self::Responsive => "Services meet people's needs, without undue waits",
            Self::WellLed => "Leadership and culture support high-quality care",
            Self::Equity => "Narrows health inequalities in access, experience or outcomes",
        }
    }
}

wire_enum! {
    /// A person's part in a project team.
    TeamRole {
        Lead => "lead", "Project lead";
        Member => "member", "Team member";
        Sponsor => "sponsor", "Sponsor";
        Coach => "coach", "QI coach";
    }
}

/// An organisation as a project names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationRef {
    pub id: i64,
    pub name: String,
}

/// A member of a project team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    pub person_id: i64,
    pub name: String,
    pub organisation_name: String,
    pub role: TeamRole,
}

/// A change of status, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub status: ProjectStatus,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// A progress score given to a project: who, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreChange {
    pub score: ProgressScore,
    /// The scale's name for the score.
    pub label: String,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// Patient and public involvement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Involvement {
    pub involved: bool,
    /// How patients and the public are involved.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 2000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub how: String,
}

/// The environmental and financial side of the triple bottom line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sustainability {
    pub has_aspect: bool,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 2000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub description: String,
    /// Estimated CO2e saved a year, in kg.
    #[serde(default)]
    pub co2e_kg_per_year: Option<f64>,
    /// Estimated money saved a year, in pounds.
    #[serde(default)]
    pub money_per_year: Option<f64>,
}

/// An improvement project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: i64,
    pub title: String,
    pub problem: String,
    /// What are we trying to accomplish? Specific, measurable, time-bound.
    pub aim: String,
    pub lead_organisation: OrganisationRef,
    /// Organisations running the project with the lead organisation (joint projects).
    pub partner_organisations: Vec<OrganisationRef>,
    pub team: Vec<TeamMember>,
    /// People of other organisations invited to the team who have not yet answered: not on
    /// the team until they (or their organisation's admin) accept. A save names them in `team`
    /// to keep the invitation, and leaves them out to withdraw it.
    #[serde(default)]
    pub invited: Vec<TeamMember>,
    /// Clinical areas and themes, lower-case.
    pub tags: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub expected_end_date: Option<NaiveDate>,
    pub status: ProjectStatus,
    pub status_history: Vec<StatusChange>,
    pub project_type: ProjectType,
    /// In the order of [`QualityDimension::ALL`].
    pub quality_dimensions: Vec<QualityDimension>,
    pub involvement: Involvement,
    pub sustainability: Sustainability,
    pub spread: Spread,
    /// Organisations that have adopted its changes.
    pub adopting_organisations: Vec<OrganisationRef>,
    pub visibility: Visibility,
    /// The latest progress score, if any.
    pub score: Option<ProgressScore>,
    /// Awards its submissions to calls have won, latest first.
    #[serde(default)]
    pub awards: Vec<crate::event::submission::Award>,
    /// Increases with every change; send it back as `If-Match` to change the project.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A project in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    pub id: i64,
    pub title: String,
    pub aim: String,
    pub lead_organisation: OrganisationRef,
    pub partner_count: u64,
    pub tags: Vec<String>,
    pub status: ProjectStatus,
    pub project_type: ProjectType,
    /// In the order of [`QualityDimension::ALL`].
    pub quality_dimensions: Vec<QualityDimension>,
    pub spread: Spread,
    pub visibility: Visibility,
    pub score: Option<ProgressScore>,
    pub involvement: bool,
    pub sustainability: bool,
    /// Awards its submissions to calls have won, latest first.
    #[serde(default)]
    pub awards: Vec<crate::event::submission::Award>,
    pub updated_at: DateTime<Utc>,
}

/// One page of projects.
pub type ProjectPage = Page<ProjectSummary>;

impl Listed for ProjectSummary {
    const PAGE: &'static str = "ProjectPage";
    const PAGE_DESCRIPTION: &'static str = "One page of projects.";
}

/// A team member as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMemberInput {
    pub person_id: i64,
    pub role: TeamRole,
}

/// The fields of a project, as sent to create one or to replace its details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectInput {
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
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 4000, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
    )]
    pub problem: String,
    /// 1 to 2,000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub aim: String,
    pub lead_organisation_id: i64,
    /// At most 50 organisations.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub partner_organisation_ids: Vec<i64>,
    /// The team (at most 100 people); it needs one lead. When creating, the creator is added as
    /// lead if the team has none.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub team: Vec<TeamMemberInput>,
    /// At most 20 themes, each 1 to 50 characters, compared without case.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = tags_schema))]
    pub tags: Vec<String>,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub expected_end_date: Option<NaiveDate>,
    #[serde(default = "default_status")]
    pub status: ProjectStatus,
    /// A QI project when left out.
    #[serde(default = "default_type")]
    pub project_type: ProjectType,
    /// The dimensions of quality it serves, each at most once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 6))]
    pub quality_dimensions: Vec<QualityDimension>,
    #[serde(default)]
    pub involvement: Involvement,
    #[serde(default)]
    pub sustainability: Sustainability,
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
}

fn default_status() -> ProjectStatus {
    ProjectStatus::Proposed
}
fn default_type() -> ProjectType {
    ProjectType::QiProject
}
fn default_visibility() -> Visibility {
    Visibility::Partnership
}

pub const MAX_TAGS: usize = 20;
/// The most characters of a tag, as sent.
pub const MAX_TAG: usize = 50;
/// The most characters of a project's texts (the API document states them too).
pub const MAX_TITLE: usize = 200;
pub const MAX_AIM: usize = 2000;
pub const MAX_PROBLEM: usize = 4000;
pub const MAX_INVOLVEMENT: usize = 2000;
pub const MAX_SUSTAINABILITY: usize = 2000;
pub const MAX_SCORE_REASON: usize = 2000;
/// The most people a project's team names (the API document says so too).
pub const MAX_TEAM: usize = 100;
/// The most partner, or adopting, organisations a project names.
pub const MAX_ORGANISATIONS: usize = 50;

/// The API document's schema of a project's tags: [`MAX_TAGS`] of them, each checked as
/// [`normalise_tag`] checks it.
#[cfg(feature = "openapi")]
pub(crate) fn tags_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_TAG))
                .pattern(Some(crate::validation::REQUIRED_TEXT_PATTERN)),
        )
        .max_items(Some(MAX_TAGS))
        .build()
}

/// Tags are compared without case or surrounding space: " Falls " and "falls" are one theme.
pub fn normalise_tag(raw: &str) -> Result<String, String> {
    text(raw, "a tag", 1, MAX_TAG).map(|tag| tag.to_lowercase())
}

impl ProjectInput {
    /// A project started with no lead is led by whoever starts it, unless they are on its team
    /// in another role (then the team must name its lead).
    pub fn led_by_default(mut self, person_id: i64) -> Self {
        if !self.team.iter().any(|m| m.person_id == person_id)
            && !self.team.iter().any(|m| m.role == TeamRole::Lead)
        {
            self.team.push(TeamMemberInput {
                person_id,
                role: TeamRole::Lead,
            });
        }
        self
    }

    /// The organisations and people a project names, to look up before it is saved.
    pub fn references(&self) -> (Vec<i64>, Vec<i64>) {
        let organisations = std::iter::once(self.lead_organisation_id)
            .chain(self.partner_organisation_ids.iter().copied())
            .collect();
        let people = self.team.iter().map(|m| m.person_id).collect();
        (organisations, people)
    }

    /// Checks that what the project names exists and can take part: `organisations` maps each
    /// organisation found to whether it is archived; `deactivated` maps each person found to
    /// whether their account is deactivated.
    pub fn check_references(
        &self,
        organisations: &std::collections::HashMap<i64, bool>,
        deactivated: &std::collections::HashMap<i64, bool>,
    ) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        match organisations.get(&self.lead_organisation_id) {
            None => errors.push("lead_organisation_id", "No such organisation"),
            Some(true) => errors.push("lead_organisation_id", "This organisation is archived"),
            Some(false) => {}
        }
        for (i, id) in self.partner_organisation_ids.iter().enumerate() {
            if !organisations.contains_key(id) {
                errors.push(
                    format!("partner_organisation_ids[{i}]"),
                    "No such organisation",
                );
            }
        }
        for (i, member) in self.team.iter().enumerate() {
            match deactivated.get(&member.person_id) {
                None => errors.push(format!("team[{i}].person_id"), "No such person"),
                Some(true) => errors.push(
                    format!("team[{i}].person_id"),
                    "This person's account is deactivated",
                ),
                Some(false) => {}
            }
        }
        errors.finish(|| Some(()))
    }

    /// Checks every field; gives back the input tidied (text trimmed, tags normalised and
    /// de-duplicated, the lead organisation not repeated as a partner).
    pub fn validate(&self) -> Result<ProjectInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", text(&self.title, "a title", 1, MAX_TITLE));
        let aim = errors.check("aim", text(&self.aim, "an aim statement", 1, MAX_AIM));
        let problem = errors.check(
            "problem",
            text(&self.problem, "the problem", 0, MAX_PROBLEM),
        );
        let mut tags = Vec::new();
        for (i, raw) in self.tags.iter().enumerate() {
            if let Some(tag) = errors.check(&format!("tags[{i}]"), normalise_tag(raw))
                && !tags.contains(&tag)
            {
                tags.push(tag);
            }
        }
        // As sent, like every other limit the API document states (`maxItems`): twenty tags
        // of which two are the same are still too many.
        if self.tags.len() > MAX_TAGS {
            errors.push(
                "tags",
                format!("A project can have at most {MAX_TAGS} tags"),
            );
        }
        if let (Some(start), Some(end)) = (self.start_date, self.expected_end_date)
            && end < start
        {
            errors.push(
                "expected_end_date",
                "The expected end date must be on or after the start date",
            );
        }
        let how = errors.check(
            "involvement.how",
            text(
                &self.involvement.how,
                "how patients are involved",
                0,
                MAX_INVOLVEMENT,
            ),
        );
        if self.involvement.involved && how.as_deref().is_some_and(str::is_empty) {
            errors.push(
                "involvement.how",
                "Say how patients and the public are involved",
            );
        }
        let description = errors.check(
            "sustainability.description",
            text(
                &self.sustainability.description,
                "the description",
                0,
                MAX_SUSTAINABILITY,
            ),
        );
        for (field, value) in [
            (
                "sustainability.co2e_kg_per_year",
                self.sustainability.co2e_kg_per_year,
            ),
            (
                "sustainability.money_per_year",
                self.sustainability.money_per_year,
            ),
        ] {
            if value.is_some_and(|v| !(0.0..=1e12).contains(&v)) {
                errors.push(field, "Enter a number of 0 or more");
            }
        }
        if self.team.len() > MAX_TEAM {
            errors.push("team", format!("A team can have at most {MAX_TEAM} people"));
        }
        if self.partner_organisation_ids.len() > MAX_ORGANISATIONS {
            errors.push(
                "partner_organisation_ids",
                format!("A project can name at most {MAX_ORGANISATIONS} organisations here"),
            );
        }
        let mut seen = Vec::new();
        for (i, member) in self.team.iter().enumerate() {
            if seen.contains(&member.person_id) {
                errors.push(
                    format!("team[{i}].person_id"),
                    "This person is already in the team",
                );
            }
            seen.push(member.person_id);
        }
        match self
            .team
            .iter()
            .filter(|m| m.role == TeamRole::Lead)
            .count()
        {
            0 => errors.push("team", "Name the project lead"),
            1 => {}
            _ => errors.push("team", "A project has one lead"),
        }
        let mut quality_dimensions = Vec::new();
        for (i, dimension) in self.quality_dimensions.iter().enumerate() {
            if quality_dimensions.contains(dimension) {
                errors.push(
                    format!("quality_dimensions[{i}]"),
                    "This dimension is already named",
                );
            }
            quality_dimensions.push(*dimension);
        }
        quality_dimensions.sort_unstable();
        let mut partners: Vec<i64> = Vec::new();
        for id in &self.partner_organisation_ids {
            if *id != self.lead_organisation_id && !partners.contains(id) {
                partners.push(*id);
            }
        }
        errors.finish(|| {
            Some(ProjectInput {
                title: title?,
                problem: problem?,
                aim: aim?,
                lead_organisation_id: self.lead_organisation_id,
                partner_organisation_ids: partners,
                team: self.team.clone(),
                tags,
                start_date: self.start_date,
                expected_end_date: self.expected_end_date,
                status: self.status,
                project_type: self.project_type,
                quality_dimensions,
                involvement: Involvement {
                    involved: self.involvement.involved,
                    how: how?,
                },
                sustainability: Sustainability {
                    description: description?,
                    ..self.sustainability.clone()
                },
                visibility: self.visibility,
            })
        })
    }
}

/// A new progress score and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreInput {
    pub score: ProgressScore,
    /// Why the project has this score now (1 to 2,000 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub reason: String,
}

impl ScoreInput {
    pub fn validate(&self) -> Result<(ProgressScore, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check(
            "reason",
            text(
                &self.reason,
                "the reason for the score",
                1,
                MAX_SCORE_REASON,
            ),
        );
        errors.finish(|| Some((self.score, reason?)))
    }
}

/// The projects a list shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ProjectQuery {
    /// Words to find in the title, aim or tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Projects this organisation leads or is a partner in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProjectStatus>,
    /// A clinical area or theme tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_type: Option<ProjectType>,
    /// Projects serving this dimension of quality (among others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_dimension: Option<QualityDimension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 0.5, maximum = 5.0, multiple_of = 0.5)
    )]
    pub score_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 0.5, maximum = 5.0, multiple_of = 0.5)
    )]
    pub score_max: Option<f64>,
    /// With (true) or without (false) patient and public involvement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub involvement: Option<bool>,
    /// With (true) or without (false) a sustainability aspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sustainability: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    /// Projects this person coaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coach_id: Option<i64>,
    /// Projects this person is on the team of (in any role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<i64>,
    /// `updated` (newest first, the default), `title` or `score` (highest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<ProjectSort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub per_page: Option<u64>,
}

/// A project's dates as its page shows them: "1 March 2026 to 31 March 2027", "From 1 March
/// 2026", "Until 31 March 2027", or "Not set".
pub fn dates_text(start: Option<NaiveDate>, end: Option<NaiveDate>) -> String {
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    match (start, end) {
        (Some(start), Some(end)) => format!("{} to {}", day(start), day(end)),
        (Some(start), None) => format!("From {}", day(start)),
        (None, Some(end)) => format!("Until {}", day(end)),
        (None, None) => "Not set".to_owned(),
    }
}

impl ProjectQuery {
    /// Checks the scores and the page asked for; gives back the page and its size.
    pub fn validate(&self) -> Result<(u64, u64), FieldErrors> {
        let mut errors = FieldErrors::new();
        for (field, value) in [("score_min", self.score_min), ("score_max", self.score_max)] {
            if let Some(value) = value {
                errors.check(field, ProgressScore::new(value));
            }
        }
        match crate::page::parse_page(self.page, self.per_page) {
            Ok(page) if errors.is_empty() => Ok(page),
            Ok(_) => Err(errors),
            Err(page_errors) => {
                errors.0.extend(page_errors.0);
                Err(errors)
            }
        }
    }
}

wire_enum! {
    /// Orders of the project list.
    ProjectSort {
        Updated => "updated", "Recently updated";
        Title => "title", "Title";
        Score => "score", "Highest score";
    }
}

impl Project {
    /// The input that saves the project as it is: sending it back changes nothing (the
    /// invited stay invited).
    pub fn input(&self) -> ProjectInput {
        ProjectInput {
            title: self.title.clone(),
            problem: self.problem.clone(),
            aim: self.aim.clone(),
            lead_organisation_id: self.lead_organisation.id,
            partner_organisation_ids: self.partner_organisations.iter().map(|o| o.id).collect(),
            team: self
                .team
                .iter()
                .chain(&self.invited)
                .map(|m| TeamMemberInput {
                    person_id: m.person_id,
                    role: m.role,
                })
                .collect(),
            tags: self.tags.clone(),
            start_date: self.start_date,
            expected_end_date: self.expected_end_date,
            status: self.status,
            project_type: self.project_type,
            quality_dimensions: self.quality_dimensions.clone(),
            involvement: self.involvement.clone(),
            sustainability: self.sustainability.clone(),
            visibility: self.visibility,
        }
    }

    /// What the access rules ([`crate::access::Actor`]) need to know of a loaded project.
    pub fn access_context(&self) -> crate::access::ProjectContext {
        crate::access::ProjectContext {
            visibility: self.visibility,
            lead_organisation_id: self.lead_organisation.id,
            organisation_ids: std::iter::once(self.lead_organisation.id)
                .chain(self.partner_organisations.iter().map(|o| o.id))
                .collect(),
            team: self.team.iter().map(|m| (m.person_id, m.role)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProjectInput {
        ProjectInput {
            title: " Fewer falls on ward 7 ".into(),
            problem: String::new(),
            aim: "Reduce falls on ward 7 by 30% by March".into(),
            lead_organisation_id: 1,
            partner_organisation_ids: vec![2, 1, 2],
            team: vec![member(7, TeamRole::Lead)],
            tags: vec!["Falls".into(), " falls ".into(), "Older people".into()],
            start_date: None,
            expected_end_date: None,
            status: ProjectStatus::Active,
            project_type: ProjectType::QiProject,
            quality_dimensions: vec![QualityDimension::Equity, QualityDimension::Safe],
            involvement: Involvement::default(),
            sustainability: Sustainability::default(),
            visibility: Visibility::Partnership,
        }
    }

    #[test]
    fn tags_are_checked_as_sent_as_the_document_states_them() {
        let fails = |tags: Vec<String>| {
            let mut input = input();
            input.tags = tags;
            input.validate().err().map(|e| e.0[0].field.clone())
        };
        assert_eq!(normalise_tag(" Falls "), Ok("falls".to_owned()));
        assert!(normalise_tag(&"a".repeat(MAX_TAG)).is_ok());
        // 50 characters once trimmed, but 52 as sent.
        let padded = format!(" {} ", "a".repeat(MAX_TAG));
        assert_eq!(fails(vec![padded]), Some("tags[0]".to_owned()));
        assert_eq!(fails(vec!["falls\n".into()]), Some("tags[0]".to_owned()));
        assert_eq!(fails(vec!["  ".into()]), Some("tags[0]".to_owned()));
        // Twenty-one sent, though two are the same theme.
        let mut many: Vec<String> = (0..MAX_TAGS).map(|i| format!("theme {i}")).collect();
        many.push("Theme 0".into());
        assert_eq!(fails(many), Some("tags".to_owned()));
    }

    #[test]
    fn a_good_project_is_tidied() {
        let valid = input().validate().ok();
        assert_eq!(
            valid.as_ref().map(|v| v.title.as_str()),
            Some("Fewer falls on ward 7")
        );
        assert_eq!(
            valid.as_ref().map(|v| v.tags.clone()),
            Some(vec!["falls".to_owned(), "older people".to_owned()])
        );
        assert_eq!(
            valid.as_ref().map(|v| v.quality_dimensions.clone()),
            Some(vec![QualityDimension::Safe, QualityDimension::Equity]),
            "dimensions are kept in their own order"
        );
        assert_eq!(
            valid.map(|v| v.partner_organisation_ids),
            Some(vec![2]),
            "the lead is not its own partner"
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = ProjectInput {
            title: " ".into(),
            aim: String::new(),
            tags: vec![" ".into()],
            start_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            expected_end_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            involvement: Involvement {
                involved: true,
                how: String::new(),
            },
            sustainability: Sustainability {
                co2e_kg_per_year: Some(-1.0),
                ..Default::default()
            },
            team: vec![
                TeamMemberInput {
                    person_id: 1,
                    role: TeamRole::Lead,
                },
                TeamMemberInput {
                    person_id: 1,
                    role: TeamRole::Member,
                },
            ],
            quality_dimensions: vec![QualityDimension::Caring, QualityDimension::Caring],
            ..input()
        };
        let fields: Vec<String> = bad
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(
            fields,
            [
                "title",
                "aim",
                "tags[0]",
                "expected_end_date",
                "involvement.how",
                "sustainability.co2e_kg_per_year",
                "team[1].person_id",
                "quality_dimensions[1]"
            ]
        );
    }

    fn member(person_id: i64, role: TeamRole) -> TeamMemberInput {
        TeamMemberInput { person_id, role }
    }

    fn team_errors(team: Vec<TeamMemberInput>) -> Vec<String> {
        ProjectInput { team, ..input() }
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.message).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_project_has_exactly_one_lead() {
        assert_eq!(
            team_errors(vec![member(1, TeamRole::Member)]),
            ["Name the project lead"]
        );
        assert_eq!(
            team_errors(vec![member(1, TeamRole::Lead), member(2, TeamRole::Lead)]),
            ["A project has one lead"]
        );
        assert!(
            team_errors(vec![member(1, TeamRole::Lead), member(2, TeamRole::Member)]).is_empty()
        );
    }

    #[test]
    fn whoever_starts_a_project_without_a_lead_leads_it() {
        let started = |team| ProjectInput { team, ..input() }.led_by_default(5).team;
        assert_eq!(started(vec![]), [member(5, TeamRole::Lead)]);
        assert_eq!(
            started(vec![member(1, TeamRole::Lead)]),
            [member(1, TeamRole::Lead)],
            "a team with a lead keeps it and does not gain the starter"
        );
        assert_eq!(
            started(vec![member(5, TeamRole::Member)]),
            [member(5, TeamRole::Member)],
            "a starter in another role is not made lead"
        );
    }

    #[test]
    fn references_that_are_missing_archived_or_deactivated_are_named() {
        let project = ProjectInput {
            partner_organisation_ids: vec![2, 3, 4],
            team: vec![
                member(7, TeamRole::Lead),
                member(8, TeamRole::Member),
                member(9, TeamRole::Member),
            ],
            ..input()
        };
        assert_eq!(project.references(), (vec![1, 2, 3, 4], vec![7, 8, 9]));
        let organisations = [(1, true), (2, false), (4, false)].into_iter().collect();
        let people = [(7, false), (8, true)].into_iter().collect();
        let fields: Vec<String> = project
            .check_references(&organisations, &people)
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(
            fields,
            [
                "lead_organisation_id",
                "partner_organisation_ids[1]",
                "team[1].person_id",
                "team[2].person_id"
            ]
        );
    }

    #[test]
    fn a_project_query_names_each_bad_score_and_page_field() {
        let fields = |query: ProjectQuery| -> Vec<String> {
            query
                .validate()
                .err()
                .map(|e| e.0.into_iter().map(|f| f.field).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            ProjectQuery::default().validate(),
            Ok((1, crate::page::DEFAULT_PER_PAGE))
        );
        assert_eq!(
            fields(ProjectQuery {
                score_min: Some(0.7),
                score_max: Some(9.0),
                page: Some(0),
                ..Default::default()
            }),
            ["score_min", "score_max", "page"]
        );
    }

    #[test]
    fn a_projects_dates_read_as_a_sentence_whichever_are_set() {
        let (start, end) = (
            NaiveDate::from_ymd_opt(2026, 3, 1),
            NaiveDate::from_ymd_opt(2027, 3, 31),
        );
        assert_eq!(dates_text(start, end), "1 March 2026 to 31 March 2027");
        assert_eq!(dates_text(start, None), "From 1 March 2026");
        assert_eq!(dates_text(None, end), "Until 31 March 2027");
        assert_eq!(dates_text(None, None), "Not set");
    }

    #[test]
    fn teams_and_organisation_lists_have_a_most() {
        let team: Vec<_> = (0..=MAX_TEAM as i64)
            .map(|id| {
                member(
                    id,
                    if id == 0 {
                        TeamRole::Lead
                    } else {
                        TeamRole::Member
                    },
                )
            })
            .collect();
        let organisations: Vec<i64> = (2..=MAX_ORGANISATIONS as i64 + 2).collect();
        let fields: Vec<String> = ProjectInput {
            team,
            partner_organisation_ids: organisations,
            ..input()
        }
        .validate()
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
        assert_eq!(fields, ["team", "partner_organisation_ids"]);
    }

    #[test]
    fn a_score_needs_a_reason() {
        let score = ProgressScore::new(3.0).ok();
        let missing = score.map(|score| {
            ScoreInput {
                score,
                reason: " ".into(),
            }
            .validate()
            .is_err()
        });
        assert_eq!(missing, Some(true));
    }

    #[test]
    fn access_context_names_the_lead_then_the_partners_and_every_team_member() {
        let organisation = |id: i64| OrganisationRef {
            id,
            name: format!("Organisation {id}"),
        };
        let member = |person_id: i64, role: TeamRole| TeamMember {
            person_id,
            name: format!("Person {person_id}"),
            organisation_name: "Organisation 1".into(),
            role,
        };
        let at = DateTime::<Utc>::default();
        let project = Project {
            awards: Vec::new(),
            id: 7,
            title: "Fewer falls".into(),
            problem: String::new(),
            aim: "Reduce falls".into(),
            lead_organisation: organisation(1),
            partner_organisations: vec![organisation(3), organisation(2)],
            team: vec![member(10, TeamRole::Lead), member(11, TeamRole::Coach)],
            invited: vec![],
            tags: vec![],
            start_date: None,
            expected_end_date: None,
            status: ProjectStatus::Active,
            status_history: vec![],
            project_type: ProjectType::ClinicalAudit,
            quality_dimensions: vec![QualityDimension::Effective],
            involvement: Involvement::default(),
            sustainability: Sustainability::default(),
            spread: Spread::Unit,
            adopting_organisations: vec![organisation(4)],
            visibility: Visibility::Organisation,
            score: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };

        // Sent back as it is, it is valid and says the same.
        let input = project.input();
        assert_eq!(input.validate().as_ref(), Ok(&input));
        assert_eq!(input.project_type, ProjectType::ClinicalAudit);
        assert_eq!(input.team.len(), 2);

        let context = project.access_context();

        assert_eq!(context.visibility, Visibility::Organisation);
        assert_eq!(context.organisation_ids, vec![1, 3, 2]);
        assert_eq!(
            context.team,
            vec![(10, TeamRole::Lead), (11, TeamRole::Coach)]
        );
    }
}
