//! Demo coaching sessions, then every demo person's tier derived from their record.

use sea_orm::ConnectionTrait;

pub async fn seed(_db: &impl ConnectionTrait) -> anyhow::Result<()> {
    Ok(())
}
