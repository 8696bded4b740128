//! A short-lived, per-node cache of people as `GET /me` returns them.
//!
//! The web app asks "who am I?" on every page load, so `GET /me` is the hottest authenticated
//! endpoint. Entries live for a few seconds: a change made on this node forgets the entry at
//! once; a change made on another node of a deployment shows here within the time to live.
//! That is well inside what access tokens already allow (roles travel in the token).

use std::time::Duration;

use moka::sync::Cache;
use qi_shared::person::Person;
use sea_orm::{ConnectionTrait, DbErr};

use crate::db;

pub const TIME_TO_LIVE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct PersonCache(Cache<i64, Person>);

impl Default for PersonCache {
    fn default() -> Self {
        Self(
            Cache::builder()
                .max_capacity(100_000)
                .time_to_live(TIME_TO_LIVE)
                .build(),
        )
    }
}

impl PersonCache {
    pub async fn get(&self, db: &impl ConnectionTrait, id: i64) -> Result<Option<Person>, DbErr> {
        if let Some(person) = self.0.get(&id) {
            return Ok(Some(person));
        }
        let person = db::people::get(db, id).await?;
        if let Some(person) = &person {
            self.0.insert(id, person.clone());
        }
        Ok(person)
    }

    /// Call after changing a person.
    pub fn forget(&self, id: i64) {
        self.0.invalidate(&id);
    }

    /// Call after a change that shows in many people (an organisation's name).
    pub fn forget_all(&self) {
        self.0.invalidate_all();
    }
}
