use sea_orm::entity::prelude::*;

/// Append-only log of what changed; its `id` is the position integrators and caches follow.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_feed")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub item_id: Option<i64>,
    pub external_id: Option<String>,
    pub version: i32,
    /// `published`, `withdrawn` or `tenant_added`.
    pub kind: String,
    pub at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
