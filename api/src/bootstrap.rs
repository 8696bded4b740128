//! First run: the first partnership admin (from configuration, or through a
//! one-time set-up link printed in the log).

use qi_shared::{
    auth::{SetupRequest, ValidSetup},
    organisation::NewOrganisation,
    person::{PersonStatus, Role},
};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use secrecy::ExposeSecret;

use crate::{
    auth::password,
    db::{self, entity::person, secrets, tokens},
    error::{ApiError, ApiResult},
    settings::Bootstrap,
};

pub async fn is_set_up(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(db::partnership::get(db).await?.is_some())
}

/// On a database that has not been set up: create the admin from configuration if it names one,
/// otherwise log a one-time set-up link.
pub async fn first_run(
    db: &DatabaseConnection,
    config: &Bootstrap,
    public_url: &str,
) -> anyhow::Result<()> {
    if is_set_up(db).await? {
        return Ok(());
    }
    if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) {
        let request = SetupRequest {
            token: String::new(),
            partnership_name: config.partnership_name.clone(),
            organisation: NewOrganisation {
                name: config.organisation_name.clone(),
                ods_code: config.organisation_ods_code.clone(),
                org_type: qi_shared::organisation::OrganisationType::Other,
            },
            name: config.admin_name.clone(),
            email: email.clone(),
            job_role: "Partnership QI lead".to_owned(),
            password: password.expose_secret().to_owned(),
        };
        let setup = request.validate().map_err(|errors| {
            let reasons: Vec<String> = errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            anyhow::anyhow!(
                "the bootstrap admin in the configuration is not valid: {}",
                reasons.join("; ")
            )
        })?;
        let hash = password::hash(setup.password.clone()).await?;
        let txn = db.begin().await?;
        if !is_set_up(&txn).await? {
            create_partnership(&txn, &setup, hash).await?;
            tracing::info!(email = %setup.email.as_str(), "created the first partnership admin from configuration");
        }
        txn.commit().await?;
        return Ok(());
    }
    let token = tokens::generate();
    secrets::put(db, secrets::SETUP_TOKEN_HASH, tokens::hash(&token)).await?;
    tracing::warn!(
        "QI Commons is not set up yet. Open this one-time link to create the first admin: {public_url}/setup?token={token}"
    );
    Ok(())
}

/// Sets the platform up with the one-time token. `Ok(None)`: the token is wrong.
pub async fn setup_with_token(
    db: &DatabaseConnection,
    token: &str,
    setup: &ValidSetup,
) -> ApiResult<Option<person::Model>> {
    let already = || ApiError::Conflict {
        code: "already_set_up",
        detail: "QI Commons is already set up: sign in instead".to_owned(),
        errors: Vec::new(),
    };
    let stored = secrets::get(db, secrets::SETUP_TOKEN_HASH).await?;
    if is_set_up(db).await? {
        return Err(already());
    }
    if stored.as_deref() != Some(tokens::hash(token).as_str()) {
        return Ok(None);
    }
    let hash = password::hash(setup.password.clone()).await?;
    let txn = db.begin().await?;
    if is_set_up(&txn).await? {
        return Err(already());
    }
    let person = create_partnership(&txn, setup, hash).await?;
    secrets::delete(&txn, secrets::SETUP_TOKEN_HASH).await?;
    txn.commit().await?;
    Ok(Some(person))
}

/// Creates the partnership, the admin's organisation and the admin.
pub async fn create_partnership(
    db: &impl ConnectionTrait,
    setup: &ValidSetup,
    password_hash: String,
) -> Result<person::Model, sea_orm::DbErr> {
    let partnership = db::partnership::create(db, &setup.partnership_name).await?;
    let organisation = db::organisations::create(db, partnership.id, &setup.organisation).await?;
    db::people::create(
        db,
        db::people::NewPerson {
            name: &setup.name,
            email: setup.email.as_str(),
            organisation_id: organisation.id,
            job_role: &setup.job_role,
            roles: &[Role::PartnershipAdmin],
            status: PersonStatus::Active,
            password_hash: Some(password_hash),
        },
    )
    .await
}
