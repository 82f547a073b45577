use sea_orm::entity::prelude::*;

/// Every accepted version of every item, never updated or deleted (Art 12).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "item_versions")]
pub(crate) struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
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
    pub tags: String,
    pub translation_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub record: Option<String>,
    /// JSON array of normalisation notes (e.g. legacy encoding converted).
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    pub agent_id: String,
    pub agent_seq: i64,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
