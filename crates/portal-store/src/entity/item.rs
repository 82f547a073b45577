use sea_orm::entity::prelude::*;

/// The current state of an item; its history is in `item_versions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "items")]
pub(crate) struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub external_id: String,
    pub version: i32,
    pub content_hash: String,
    pub category: String,
    pub language: String,
    pub title: String,
    pub summary: Option<String>,
    pub author: String,
    pub source: String,
    pub source_url: Option<String>,
    pub published_at: i64,
    /// JSON array of strings.
    pub tags: String,
    pub translation_id: Option<String>,
    /// JSON object of the record's fields, for structured categories.
    #[sea_orm(column_type = "Text", nullable)]
    pub record: Option<String>,
    /// `published` or `withdrawn` on the tenant's own site.
    pub state: String,
    /// `pending`, `approved` or `rejected` for the provincial portal (Art 9.4).
    pub province_review: String,
    pub updated_at: i64,
    /// When the item was last withdrawn, and the reason its agent gave (read only while
    /// `state` is `withdrawn`).
    pub withdrawn_at: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub withdraw_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
