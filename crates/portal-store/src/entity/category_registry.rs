use sea_orm::entity::prelude::*;

/// Every version of the category registry the operator loaded (the TOML text as given).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "category_registries")]
pub(crate) struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `version` the registry declares.
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub loaded_at: i64,
    pub actor: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
