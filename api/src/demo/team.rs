//! Invitations to project teams waiting for an answer: two for the demo member (a nurse at
//! Northmoor), from projects other organisations lead, so her home page shows them.

use chrono::Utc;
use qi_shared::project::{TeamRole, Visibility};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::{
    self,
    entity::{person, project, project_member},
};

const INVITED: &str = "member@demo.qicommons.org";

/// Returns how many invitations it made.
pub async fn seed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let Some(nurse) = person::Entity::find()
        .filter(person::Column::Email.eq(INVITED))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let candidates = project::Entity::find()
        .filter(project::Column::LeadOrganisationId.ne(nurse.organisation_id))
        .filter(project::Column::Visibility.eq(Visibility::Partnership))
        .order_by_asc(project::Column::Id)
        .all(db)
        .await?;
    let mut invited = 0;
    for candidate in candidates {
        if invited == 2 {
            break;
        }
        let team = project_member::Entity::find()
            .filter(project_member::Column::ProjectId.eq(candidate.id))
            .all(db)
            .await?;
        let Some(lead) = team.iter().find(|m| m.role == TeamRole::Lead) else {
            continue;
        };
        if team.iter().any(|m| m.person_id == nurse.id) {
            continue;
        }
        db::team::replace(
            db,
            candidate.id,
            &[(nurse.id, TeamRole::Member)],
            lead.person_id,
            Utc::now(),
        )
        .await?;
        invited += 1;
    }
    Ok(invited)
}
