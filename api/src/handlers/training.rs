//! Training: courses, cohorts, shared places, sessions, enrolment with a waiting list, attendance (and its CSV import) and completion.

use utoipa_actix_web::service_config::ServiceConfig;

/// This module's routes, registered under `/api/v1` by `crate::routes`.
pub fn routes(_cfg: &mut ServiceConfig) {}
