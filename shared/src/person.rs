//! People, their accounts and their platform roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    validation::{present, text},
};

/// What a person may do on the platform, besides what every member may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform for the whole partnership.
    PartnershipAdmin,
    /// An organisation's QI lead: manages that organisation's people and records.
    OrganisationAdmin,
    /// A QI coach (Lead tier) who supports project teams.
    Coach,
    /// Every person with an account.
    Member,
}

db_enum!(Role);

impl Role {
    pub const ALL: [Role; 4] = [
        Self::PartnershipAdmin,
        Self::OrganisationAdmin,
        Self::Coach,
        Self::Member,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartnershipAdmin => "partnership_admin",
            Self::OrganisationAdmin => "organisation_admin",
            Self::Coach => "coach",
            Self::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PartnershipAdmin => "Partnership admin",
            Self::OrganisationAdmin => "Organisation admin",
            Self::Coach => "Coach",
            Self::Member => "Member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Normalises a set of roles: sorted, no duplicates, and `member` always present.
pub fn normalise_roles(roles: &[Role]) -> Vec<Role> {
    let mut roles: Vec<Role> = roles.iter().copied().chain([Role::Member]).collect();
    roles.sort();
    roles.dedup();
    roles
}

/// Whether the account can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    /// Invited but has not yet set a password.
    Invited,
    Active,
    /// Can no longer sign in; their records stay.
    Deactivated,
}

db_enum!(PersonStatus);

impl PersonStatus {
    pub const ALL: [Self; 3] = [Self::Invited, Self::Active, Self::Deactivated];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Deactivated => "deactivated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Invited, Self::Active, Self::Deactivated]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A work email address, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkEmail(String);

impl WorkEmail {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim();
        if email.is_empty() {
            return Err("Enter an email address".to_owned());
        }
        // The length as sent, as the API document states it (`maxLength`), and in bytes, as
        // RFC 5321 limits an address.
        if raw.chars().count() > MAX_EMAIL
            || email.len() > MAX_EMAIL
            || !email_address::EmailAddress::is_valid(email)
            || !email.contains('.')
        {
            return Err(
                "Enter an email address in the correct format, like name@nhs.net".to_owned(),
            );
        }
        Ok(Self(email.to_owned()))
    }

    /// As the person typed it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to look it up and to keep it unique.
    pub fn normalised(&self) -> String {
        self.0.to_lowercase()
    }
}

/// The most characters of a person's name, and of their job role.
pub const MAX_NAME: usize = 200;
pub const MAX_JOB_ROLE: usize = 200;

pub fn parse_person_name(raw: &str) -> Result<String, String> {
    text(raw, "a name", 1, MAX_NAME)
}

pub fn parse_job_role(raw: &str) -> Result<String, String> {
    text(raw, "a job role", 1, MAX_JOB_ROLE)
}

/// The most characters of an email address.
pub const MAX_EMAIL: usize = 254;
/// The fewest and the most characters of a password.
pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 256;

/// Passwords: at least 12 characters (NCSC advice favours length over composition rules).
pub fn parse_password(raw: &str) -> Result<String, String> {
    let len = raw.chars().count();
    if len == 0 {
        return Err("Enter a password".to_owned());
    }
    if len < MIN_PASSWORD {
        return Err(format!(
            "Password must be at least {MIN_PASSWORD} characters"
        ));
    }
    if len > MAX_PASSWORD {
        return Err(format!(
            "Password must be {MAX_PASSWORD} characters or fewer"
        ));
    }
    Ok(raw.to_owned())
}

/// A person with an account on the platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// Their home organisation.
    pub organisation_id: i64,
    pub organisation_name: String,
    pub job_role: String,
    /// What they can help with ("run charts", "co-design with patients"): found by search.
    #[serde(default)]
    pub expertise: Vec<String>,
    /// Always includes `member`.
    pub roles: Vec<Role>,
    pub status: PersonStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Person {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A person as the partnership's directory shows them to any colleague: enough to pick them
/// for a project team, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub job_role: String,
    /// Whether they are a QI coach.
    pub coach: bool,
}

/// One page of people.
pub type PersonPage = crate::page::Page<Person>;

impl crate::page::Listed for Person {
    const PAGE: &'static str = "PersonPage";
    const PAGE_DESCRIPTION: &'static str = "One page of people.";
}

/// An invitation to join the platform, as an admin sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInvitation {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// A work email address (at most 254 characters).
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
    pub organisation_id: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub job_role: String,
    /// Platform roles besides `member`, which everyone has.
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// A checked [`NewInvitation`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidInvitation {
    pub name: String,
    pub email: WorkEmail,
    pub organisation_id: i64,
    pub job_role: String,
    pub roles: Vec<Role>,
}

impl NewInvitation {
    pub fn validate(&self) -> Result<ValidInvitation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_person_name(&self.name));
        let email = errors.check("email", WorkEmail::parse(&self.email));
        let job_role = errors.check("job_role", parse_job_role(&self.job_role));
        errors.finish(|| {
            Some(ValidInvitation {
                name: name?,
                email: email?,
                organisation_id: self.organisation_id,
                job_role: job_role?,
                roles: normalise_roles(&self.roles),
            })
        })
    }
}

/// An invitation that has been sent: the person and the link they use to set a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSent {
    pub person: Person,
    /// The link the person uses to set a password: sent to them by email, and given here for
    /// an admin to pass on by hand (when no mail server is configured, for example).
    pub invitation_link: String,
    pub expires_at: DateTime<Utc>,
}

/// What the invitation page shows before the invitee sets a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationDetails {
    pub name: String,
    pub email: String,
    pub organisation_name: String,
    pub expires_at: DateTime<Utc>,
}

/// A change to a person's details: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonUpdate {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub job_role: Option<String>,
    /// What they can help with, replacing the list: at most 10 items of at most 60 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = expertise_schema))]
    pub expertise: Option<Vec<String>>,
    /// Move the person to another home organisation (partnership admins only).
    #[serde(default)]
    pub organisation_id: Option<i64>,
}

/// A checked [`PersonUpdate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidPersonUpdate {
    pub name: Option<String>,
    pub job_role: Option<String>,
    pub expertise: Option<Vec<String>>,
    pub organisation_id: Option<i64>,
}

impl PersonUpdate {
    pub fn validate(&self) -> Result<ValidPersonUpdate, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self
            .name
            .as_deref()
            .map(|n| errors.check("name", parse_person_name(n)));
        let job_role = self
            .job_role
            .as_deref()
            .map(|j| errors.check("job_role", parse_job_role(j)));
        let expertise = self
            .expertise
            .as_deref()
            .map(|e| errors.check("expertise", parse_expertise(e)));
        errors.finish(|| {
            Some(ValidPersonUpdate {
                name: present(name)?,
                job_role: present(job_role)?,
                expertise: present(expertise)?,
                organisation_id: self.organisation_id,
            })
        })
    }
}

/// The most items a person's expertise lists.
pub const MAX_EXPERTISE: usize = 10;
/// The longest item of a person's expertise, in characters.
pub const MAX_EXPERTISE_CHARS: usize = 60;

/// What a person can help with, as they list it: at most [`MAX_EXPERTISE`] items of one line
/// and at most [`MAX_EXPERTISE_CHARS`] characters each, each trimmed, repeats (whatever their
/// case) dropped.
pub fn parse_expertise(items: &[String]) -> Result<Vec<String>, String> {
    if items.len() > MAX_EXPERTISE {
        return Err(format!(
            "List at most {MAX_EXPERTISE} things you can help with"
        ));
    }
    let mut kept: Vec<String> = Vec::new();
    for item in items {
        let item =
            crate::validation::text(item, "each thing you can help with", 1, MAX_EXPERTISE_CHARS)?;
        if !kept.iter().any(|k| k.to_lowercase() == item.to_lowercase()) {
            kept.push(item);
        }
    }
    Ok(kept)
}

#[cfg(feature = "openapi")]
fn expertise_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
    // Null as well as a list: like the other fields of a change, left out or null changes nothing.
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_EXPERTISE_CHARS))
                .pattern(Some(crate::validation::REQUIRED_TEXT_PATTERN)),
        )
        .max_items(Some(MAX_EXPERTISE))
        .build()
}

/// The new set of platform roles for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolesUpdate {
    /// Roles besides `member`, which everyone has.
    pub roles: Vec<Role>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expertise_is_a_short_list_of_one_line_items() {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_expertise(&list(&[" Run charts ", "run charts", "Datix data"])),
            Ok(list(&["Run charts", "Datix data"]))
        );
        assert!(parse_expertise(&list(&["a", " "])).is_err());
        assert!(parse_expertise(&list(&["a\nb"])).is_err());
        assert!(parse_expertise(&list(&[&"x".repeat(61)])).is_err());
        let eleven: Vec<String> = (0..11).map(|i| format!("item {i}")).collect();
        assert!(parse_expertise(&eleven).is_err());
    }

    #[test]
    fn emails_are_checked_and_compared_without_case() {
        let email = WorkEmail::parse(" Jo.Bloggs@NHS.net ");
        assert_eq!(
            email.as_ref().map(WorkEmail::as_str),
            Ok("Jo.Bloggs@NHS.net")
        );
        assert_eq!(
            email.map(|e| e.normalised()),
            Ok("jo.bloggs@nhs.net".to_owned())
        );
        for bad in [
            "",
            "jo",
            "jo@",
            "@nhs.net",
            "jo bloggs@nhs.net",
            "jo@localhost",
        ] {
            assert!(WorkEmail::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(parse_password("").is_err());
        assert!(parse_password("short-pass1").is_err());
        assert!(parse_password("twelve-chars").is_ok());
    }

    #[test]
    fn roles_always_include_member_once() {
        assert_eq!(normalise_roles(&[]), vec![Role::Member]);
        assert_eq!(
            normalise_roles(&[Role::Coach, Role::Member, Role::Coach]),
            vec![Role::Coach, Role::Member]
        );
    }

    #[test]
    fn person_update_checks_only_present_fields() {
        let none = PersonUpdate::default().validate();
        assert_eq!(none, Ok(ValidPersonUpdate::default()));
        let bad = PersonUpdate {
            name: Some(" ".into()),
            ..Default::default()
        }
        .validate();
        assert!(bad.is_err());
        let good = PersonUpdate {
            job_role: Some(" Ward sister ".into()),
            ..Default::default()
        }
        .validate();
        assert_eq!(good.map(|u| u.job_role), Ok(Some("Ward sister".to_owned())));
    }
}
