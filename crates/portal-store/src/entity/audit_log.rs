use sea_orm::entity::prelude::*;

/// Who did what, when: agents' publications and withdrawals, enrollments, revocations and
/// operator commands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub(crate) struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: i64,
    /// `agent:<id>` or `operator:<name>`.
    pub actor: String,
    pub action: String,
    pub tenant_id: Option<i64>,
    pub subject: String,
    /// JSON object with details.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
