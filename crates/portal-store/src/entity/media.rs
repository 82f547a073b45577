use sea_orm::entity::prelude::*;

/// Uploaded media, content-addressed; the bytes live in the hub's media directory.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: String,
    pub content_type: String,
    /// `image`, `document`, `audio` or `video`.
    pub kind: String,
    pub size: i64,
    /// Tenant whose agent uploaded it first.
    pub tenant_id: i64,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
