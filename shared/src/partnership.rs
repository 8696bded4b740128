//! The partnership (the ICS) that this platform serves.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::text;

/// The partnership: one per deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Partnership {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A new name for the partnership.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnershipUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
        )
    )]
    pub name: String,
}

/// The most characters of the partnership's name.
pub const MAX_NAME: usize = 200;

pub fn parse_partnership_name(raw: &str) -> Result<String, String> {
    text(raw, "a partnership name", 1, MAX_NAME)
}

/// Whether the platform has been set up, for the first-run page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    pub set_up: bool,
}
