//! Demo training: courses at each tier, past and future cohorts with attendance.

use sea_orm::ConnectionTrait;

pub async fn seed(_db: &impl ConnectionTrait) -> anyhow::Result<()> {
    Ok(())
}
