//! Capability: tiers and their rules and overrides, coaching sessions and caseloads, and a person's own record.

use utoipa_actix_web::service_config::ServiceConfig;

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(_cfg: &mut ServiceConfig) {}
