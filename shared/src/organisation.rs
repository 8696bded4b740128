//! Partner organisations of the partnership (the ICS): trusts, GP practices, social care...

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    FieldErrors,
    validation::{present, text},
};

/// The kind of a partner organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrganisationType {
    AcuteTrust,
    CommunityTrust,
    MentalHealthTrust,
    GpPractice,
    SocialCare,
    VoluntarySector,
    #[default]
    Other,
}

db_enum!(OrganisationType);

impl OrganisationType {
    pub const ALL: [OrganisationType; 7] = [
        Self::AcuteTrust,
        Self::CommunityTrust,
        Self::MentalHealthTrust,
        Self::GpPractice,
        Self::SocialCare,
        Self::VoluntarySector,
        Self::Other,
    ];

    /// The value on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AcuteTrust => "acute_trust",
            Self::CommunityTrust => "community_trust",
            Self::MentalHealthTrust => "mental_health_trust",
            Self::GpPractice => "gp_practice",
            Self::SocialCare => "social_care",
            Self::VoluntarySector => "voluntary_sector",
            Self::Other => "other",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::AcuteTrust => "Acute trust",
            Self::CommunityTrust => "Community trust",
            Self::MentalHealthTrust => "Mental health trust",
            Self::GpPractice => "GP practice",
            Self::SocialCare => "Social care",
            Self::VoluntarySector => "Voluntary sector",
            Self::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for OrganisationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An Organisation Data Service (ODS) code: the NHS identifier of an organisation.
///
/// Trusts have three characters (`RXH`), GP practices a letter and five digits (`A81001`), sites
/// and other bodies up to nine. We accept 3 to 9 letters and digits and store them upper-case, so
/// `rxh` and `RXH` are the same code. White space around it is dropped: the API document's
/// pattern ([`ODS_CODE_PATTERN`]) allows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OdsCode(String);

/// The API document's `pattern` for an ODS code: what [`OdsCode::parse`] accepts, white space
/// as Rust's `char::is_whitespace` has it.
pub const ODS_CODE_PATTERN: &str = r"^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z0-9]{3,9}[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$";

impl OdsCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("Enter an ODS code".to_owned());
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("ODS code must contain only letters and numbers".to_owned());
        }
        if !(3..=9).contains(&code.len()) {
            return Err(
                "ODS code must be between 3 and 9 characters, like RXH or A81001".to_owned(),
            );
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    /// The organisation's ODS code, upper-case.
    pub ods_code: String,
    pub org_type: OrganisationType,
    /// When the organisation was archived; archived organisations keep their data but take no new work.
    pub archived_at: Option<DateTime<Utc>>,
    /// People whose home organisation this is.
    pub people_count: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One page of organisations.
pub type OrganisationPage = crate::page::Page<Organisation>;

impl crate::page::Listed for Organisation {
    const PAGE: &'static str = "OrganisationPage";
    const PAGE_DESCRIPTION: &'static str = "One page of organisations.";
}

/// The fields of a new organisation, as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrganisation {
    /// 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
    /// 3 to 9 letters and digits, unique in the partnership.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z0-9]{3,9}[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
        )
    )]
    pub ods_code: String,
    pub org_type: OrganisationType,
}

/// A new organisation whose every field has been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidOrganisation {
    pub name: String,
    pub ods_code: OdsCode,
    pub org_type: OrganisationType,
}

/// The most characters of an organisation's name.
pub const MAX_NAME: usize = 200;

pub fn parse_organisation_name(raw: &str) -> Result<String, String> {
    text(raw, "a name", 1, MAX_NAME)
}

impl NewOrganisation {
    pub fn validate(&self) -> Result<ValidOrganisation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_organisation_name(&self.name));
        let ods_code = errors.check("ods_code", OdsCode::parse(&self.ods_code));
        errors.finish(|| {
            Some(ValidOrganisation {
                name: name?,
                ods_code: ods_code?,
                org_type: self.org_type,
            })
        })
    }
}

/// A change to an organisation: only the fields present are changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationUpdate {
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
            pattern = r"^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[A-Za-z0-9]{3,9}[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
        )
    )]
    pub ods_code: Option<String>,
    #[serde(default)]
    pub org_type: Option<OrganisationType>,
}

/// A checked [`OrganisationUpdate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidOrganisationUpdate {
    pub name: Option<String>,
    pub ods_code: Option<OdsCode>,
    pub org_type: Option<OrganisationType>,
}

impl OrganisationUpdate {
    pub fn validate(&self) -> Result<ValidOrganisationUpdate, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self
            .name
            .as_deref()
            .map(|n| errors.check("name", parse_organisation_name(n)));
        let ods_code = self
            .ods_code
            .as_deref()
            .map(|c| errors.check("ods_code", OdsCode::parse(c)));
        errors.finish(|| {
            Some(ValidOrganisationUpdate {
                name: present(name)?,
                ods_code: present(ods_code)?,
                org_type: self.org_type,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_codes_are_normalised_and_checked() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("RXH", Ok("RXH")),
            (" a81001 ", Ok("A81001")),
            ("RXH01ABC9", Ok("RXH01ABC9")),
            ("", Err("Enter an ODS code")),
            (
                "RX",
                Err("ODS code must be between 3 and 9 characters, like RXH or A81001"),
            ),
            (
                "RXH01ABC99",
                Err("ODS code must be between 3 and 9 characters, like RXH or A81001"),
            ),
            (
                "RX-H",
                Err("ODS code must contain only letters and numbers"),
            ),
            ("RXÉ", Err("ODS code must contain only letters and numbers")),
        ];
        for (raw, expected) in cases {
            let got = OdsCode::parse(raw);
            match expected {
                Ok(code) => assert_eq!(
                    got.as_ref().map(OdsCode::as_str),
                    Ok(*code),
                    "input {raw:?}"
                ),
                Err(message) => assert_eq!(got, Err((*message).to_owned()), "input {raw:?}"),
            }
        }
    }

    #[test]
    fn a_new_organisation_reports_every_bad_field() {
        let bad = NewOrganisation {
            name: " ".into(),
            ods_code: "?".into(),
            org_type: OrganisationType::GpPractice,
        };
        let errors = bad
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>());
        assert_eq!(errors, Some(vec!["name".to_owned(), "ods_code".to_owned()]));

        let good = NewOrganisation {
            name: "Riverside Surgery".into(),
            ods_code: "b82005".into(),
            org_type: OrganisationType::GpPractice,
        };
        let valid = good.validate().ok();
        assert_eq!(
            valid.map(|v| v.ods_code.into_inner()),
            Some("B82005".to_owned())
        );
    }

    #[test]
    fn organisation_types_round_trip() {
        for t in OrganisationType::ALL {
            assert_eq!(OrganisationType::parse(t.as_str()), Some(t));
            let json = serde_json::to_string(&t).ok();
            assert_eq!(json, Some(format!("\"{}\"", t.as_str())));
        }
    }
}
