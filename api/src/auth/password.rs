//! Password hashing with argon2id (OWASP's first choice), off the async executor: hashing takes
//! tens of milliseconds of CPU and would otherwise stall every request on that worker.
//!
//! Each hash also takes about 19 MiB of memory while it runs, so at most a few run at once (one
//! per core by default, `auth.hashing_concurrency`) and the rest wait their turn: a burst of
//! sign-ins costs time, never all the memory (issue 14, item 5; see docs/performance.md).

use std::sync::OnceLock;

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Process-wide, because the memory it protects is the process's: every server in a process
/// (tests start many) shares one limit.
static HASHING: OnceLock<Semaphore> = OnceLock::new();

/// Sets how many passwords may be hashed at once. Only the first call counts; without one, the
/// limit is the number of CPU cores.
pub fn limit_concurrency(permits: usize) {
    let _ = HASHING.set(Semaphore::new(permits.max(1)));
}

fn hashing() -> &'static Semaphore {
    HASHING.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
    })
}

/// A turn at hashing: hold one while a hash runs.
pub struct HashingPermit {
    _turn: SemaphorePermit<'static>,
}

/// Waits for a turn at hashing.
pub async fn permit() -> anyhow::Result<HashingPermit> {
    Ok(HashingPermit {
        _turn: hashing().acquire().await?,
    })
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    let turn = permit().await?;
    let hashed = tokio::task::spawn_blocking(move || hash_now(&password)).await?;
    drop(turn);
    hashed
}

pub fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Checks a password against a stored hash, in the turn `permit` gives (the caller takes it
/// first, so it can decide, once its turn has come, that the check is no longer wanted).
///
/// With no hash (an unknown email, or a person who has not set a password) a dummy hash is
/// checked anyway, so the answer takes as long either way and does not reveal which emails have
/// accounts.
pub async fn verify(
    permit: HashingPermit,
    password: String,
    stored: Option<String>,
) -> anyhow::Result<bool> {
    let checked = tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("stored password hash is malformed: {e}"))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?;
    drop(permit);
    checked
}

/// An argon2id hash (default parameters) of a random string nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0N1hw3Jvt2TzT0hbXN0TvpgSUs21Pb3gkE9iNXzYL1s";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() -> anyhow::Result<()> {
        let stored = hash("correct horse battery".to_owned()).await?;
        let check = async |password: &str, stored: Option<String>| {
            verify(permit().await?, password.to_owned(), stored).await
        };
        assert!(check("correct horse battery", Some(stored.clone())).await?);
        assert!(!check("wrong horse battery", Some(stored)).await?);
        assert!(!check("anything", None).await?);
        Ok(())
    }
}
