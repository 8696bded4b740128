//! Demo API tokens: Northmoor's data warehouse reading every night, and a theatre dashboard's
//! feed that pushed data until it was revoked. Their secrets are thrown away: the demo shows the
//! list, not a working credential.

use chrono::{Duration, Utc};
use qi_shared::{
    api_token::{ApiTokenInput, TokenScope},
    uk_time,
};
use sea_orm::ConnectionTrait;

use crate::db;

pub async fn seed(
    db: &impl ConnectionTrait,
    admin_id: i64,
    organisation_id: i64,
) -> anyhow::Result<usize> {
    let now = Utc::now();
    let today = uk_time::day_of(now);
    let tokens = [
        (
            "Northmoor data warehouse (nightly)",
            vec![
                TokenScope::ReadProjects,
                TokenScope::ReadMeasures,
                TokenScope::ReadTraining,
            ],
            300,
            Some(Duration::hours(6)),
            None,
        ),
        (
            "Theatre utilisation dashboard feed",
            vec![TokenScope::ReadMeasures, TokenScope::WriteMeasureData],
            90,
            Some(Duration::days(35)),
            Some(Duration::days(34)),
        ),
    ];
    let mut made = 0;
    for (name, scopes, days, used, revoked) in tokens {
        let input = ApiTokenInput {
            name: name.to_owned(),
            organisation_id: Some(organisation_id),
            scopes,
            expires_on: today + Duration::days(days),
        };
        let (token, _secret) = db::api_tokens::create(
            db,
            &input,
            organisation_id,
            admin_id,
            now - Duration::days(60),
        )
        .await?;
        if let Some(ago) = used {
            db::api_tokens::note_use(db, token.id, now - ago).await?;
        }
        if let Some(ago) = revoked {
            db::api_tokens::revoke(db, token.id, now - ago).await?;
        }
        made += 1;
    }
    Ok(made)
}
