use sea_orm::entity::prelude::*;

/// Every client certificate the CA issued, bound to its agent (and so to its tenant).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub serial: String,
    pub agent_id: String,
    pub issued_at: i64,
    pub not_after: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
