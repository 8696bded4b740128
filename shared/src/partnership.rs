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
    pub name: String,
}

pub fn parse_partnership_name(raw: &str) -> Result<String, String> {
    text(raw, "a partnership name", 1, 200)
}

/// Whether the platform has been set up, for the first-run page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    pub set_up: bool,
}
