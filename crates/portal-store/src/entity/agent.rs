use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agents")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// Highest outbox sequence number committed for this agent (replay protection).
    pub high_water_seq: i64,
    pub last_seen_at: Option<i64>,
    pub agent_version: Option<String>,
    pub outbox_depth: Option<i64>,
    pub last_publish_at: Option<i64>,
    pub uptime_secs: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
