use sea_orm::entity::prelude::*;

/// A change idea of the original project that an adoption took up.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "adoption_change_ideas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub adoption_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub driver_node_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::driver_node::Entity",
        from = "Column::DriverNodeId",
        to = "super::driver_node::Column::Id"
    )]
    DriverNode,
}

impl ActiveModelBehavior for ActiveModel {}
