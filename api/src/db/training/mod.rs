//! Persistence of training: courses, cohorts, places, sessions, enrolments and attendance.
//!
//! - [`courses`]: the course catalogue.
//! - [`cohorts`]: cohorts with their facilitators, allocations and sessions.
//! - [`enrolments`]: places and the waiting list, under the cohort's lock.
//! - [`attendance`]: registers and the completions that follow from them.

pub mod attendance;
pub mod cohorts;
pub mod courses;
pub mod enrolments;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::{organisation, person};

/// Names of these organisations, by id.
pub(crate) async fn organisation_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// These people, by id.
pub(crate) async fn people(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, person::Model>, DbErr> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Escapes `%`, `_` and `\` so a search word matches only itself in a LIKE pattern.
pub(crate) fn like_pattern(words: &str) -> String {
    let mut pattern = String::from("%");
    for c in words.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
