//! The partnership row: one per deployment.

use chrono::Utc;
use qi_shared::partnership::Partnership;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryOrder,
};

use super::entity::partnership;

impl From<partnership::Model> for Partnership {
    fn from(m: partnership::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            created_at: m.created_at,
        }
    }
}

pub async fn get(db: &impl ConnectionTrait) -> Result<Option<partnership::Model>, DbErr> {
    partnership::Entity::find()
        .order_by_asc(partnership::Column::Id)
        .one(db)
        .await
}

pub async fn create(db: &impl ConnectionTrait, name: &str) -> Result<partnership::Model, DbErr> {
    partnership::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn rename(
    db: &impl ConnectionTrait,
    model: partnership::Model,
    name: &str,
) -> Result<partnership::Model, DbErr> {
    let mut active: partnership::ActiveModel = model.into();
    active.name = Set(name.to_owned());
    active.update(db).await
}
