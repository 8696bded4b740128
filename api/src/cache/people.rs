//! A short-lived, per-node cache of people as `GET /me` returns them, and of their access
//! stamps, which every authenticated request checks.
//!
//! The web app asks "who am I?" on every page load, so `GET /me` is the hottest authenticated
//! endpoint. Entries live for a few seconds: a change made on this node forgets the entry at
//! once; a change made on another node of a deployment shows here within the time to live.
//!
//! An access token carries the person's roles and the access stamp it was signed with. The
//! stamp moves on when the person is deactivated or their roles or organisation change
//! (`db::tokens::stamp_moves_on`), and a token whose stamp is not the person's is refused; this
//! node re-reads a stamp at most `auth.stamp_cache_seconds` after it last read it.

use std::time::Duration;

use moka::sync::Cache;
use qi_shared::person::Person;
use sea_orm::{ConnectionTrait, DbErr};

use crate::db;

pub const TIME_TO_LIVE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct PersonCache {
    people: Cache<i64, Person>,
    /// A person's access stamp, or `None` when they may not be signed in. Absent when stamps
    /// are read on every request (a bound of 0).
    stamps: Option<Cache<i64, Option<i64>>>,
}

impl Default for PersonCache {
    fn default() -> Self {
        Self::new(Duration::from_secs(2))
    }
}

impl PersonCache {
    /// A cache that trusts an access stamp it read for `stamp_bound`.
    pub fn new(stamp_bound: Duration) -> Self {
        Self {
            people: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(TIME_TO_LIVE)
                .build(),
            stamps: (!stamp_bound.is_zero()).then(|| {
                Cache::builder()
                    .max_capacity(100_000)
                    .time_to_live(stamp_bound)
                    .build()
            }),
        }
    }

    pub async fn get(&self, db: &impl ConnectionTrait, id: i64) -> Result<Option<Person>, DbErr> {
        if let Some(person) = self.people.get(&id) {
            return Ok(Some(person));
        }
        let person = db::people::get(db, id).await?;
        if let Some(person) = &person {
            self.people.insert(id, person.clone());
        }
        Ok(person)
    }

    /// Whether a token signed with `stamp` still speaks for the person: they are active and
    /// nothing the token says about them has changed since.
    pub async fn stamp_is_current(
        &self,
        db: &impl ConnectionTrait,
        id: i64,
        stamp: i64,
    ) -> Result<bool, DbErr> {
        let current = match self.stamps.as_ref().and_then(|stamps| stamps.get(&id)) {
            Some(current) => current,
            None => {
                let current = db::tokens::access_stamp(db, id).await?;
                if let Some(stamps) = &self.stamps {
                    stamps.insert(id, current);
                }
                current
            }
        };
        Ok(current == Some(stamp))
    }

    /// Call after changing a person.
    pub fn forget(&self, id: i64) {
        self.people.invalidate(&id);
        if let Some(stamps) = &self.stamps {
            stamps.invalidate(&id);
        }
    }

    /// Call after a change that shows in many people (an organisation's name).
    pub fn forget_all(&self) {
        self.people.invalidate_all();
    }
}
