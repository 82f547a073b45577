//! What the store records about changes: change-feed events (what readers, caches, replicas
//! and integrators follow) and audit entries (who did what). Both are enums here and text in
//! the database, so a new kind is one variant, and a stored kind this build does not know is a
//! clear error instead of a silent default.

use portal_core::UnixMillis;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::entity::{audit_log, change_feed};
use crate::{Result, StoreError};

/// What a change-feed event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// A new version of an item was accepted.
    Published,
    /// An item left the public pages (it stays in the archive).
    Withdrawn,
    /// A tenant (component portal) was added.
    TenantAdded,
    /// Another version of the category registry was put in force.
    CategoriesUpdated,
}

impl FeedKind {
    pub const ALL: [FeedKind; 4] = [
        Self::Published,
        Self::Withdrawn,
        Self::TenantAdded,
        Self::CategoriesUpdated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
            Self::TenantAdded => "tenant_added",
            Self::CategoriesUpdated => "categories_updated",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| unknown("change-feed kind", s))
    }
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    TenantAdd,
    TokenIssue,
    AgentEnroll,
    /// Enrollment attempts with a token that was unknown, used or expired, counted per source
    /// address over a window (one entry per window, not per attempt: see the hub's limiter).
    EnrollFailed,
    AgentRenew,
    /// A renewal with a new key (key rotation).
    AgentRekey,
    AgentRevoke,
    ItemPublish,
    ItemWithdraw,
    MediaUpload,
    CategoriesLoad,
}

impl AuditAction {
    pub const ALL: [AuditAction; 11] = [
        Self::TenantAdd,
        Self::TokenIssue,
        Self::AgentEnroll,
        Self::EnrollFailed,
        Self::AgentRenew,
        Self::AgentRekey,
        Self::AgentRevoke,
        Self::ItemPublish,
        Self::ItemWithdraw,
        Self::MediaUpload,
        Self::CategoriesLoad,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TenantAdd => "tenant.add",
            Self::TokenIssue => "token.issue",
            Self::AgentEnroll => "agent.enroll",
            Self::EnrollFailed => "agent.enroll_failed",
            Self::AgentRenew => "agent.renew",
            Self::AgentRekey => "agent.rekey",
            Self::AgentRevoke => "agent.revoke",
            Self::ItemPublish => "item.publish",
            Self::ItemWithdraw => "item.withdraw",
            Self::MediaUpload => "media.upload",
            Self::CategoriesLoad => "categories.load",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Who did something: an agent (from its certificate) or an operator (from the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Agent(String),
    Operator(String),
    /// The hub itself (e.g. the built-in registry loaded into a new database).
    Hub,
}

impl Actor {
    pub fn as_text(&self) -> String {
        match self {
            Self::Agent(id) => format!("agent:{id}"),
            Self::Operator(name) => format!("operator:{name}"),
            Self::Hub => "hub".into(),
        }
    }
}

/// One change-feed event, as integrators and caches read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Position in the feed: strictly increasing, the resume point of whoever follows it.
    pub position: i64,
    pub kind: FeedKind,
    /// 0 for events that are about no tenant (registry updates).
    pub tenant_id: i64,
    pub item_id: Option<i64>,
    pub external_id: Option<String>,
    pub version: i32,
    pub at: UnixMillis,
}

impl TryFrom<change_feed::Model> for FeedEntry {
    type Error = StoreError;
    fn try_from(m: change_feed::Model) -> Result<Self> {
        Ok(Self {
            position: m.id,
            kind: FeedKind::parse(&m.kind)?,
            tenant_id: m.tenant_id,
            item_id: m.item_id,
            external_id: m.external_id,
            version: m.version,
            at: UnixMillis::from_millis(m.at),
        })
    }
}

fn unknown(what: &str, value: &str) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!(
        "unknown {what} {value:?} in the database (written by a newer hub?)"
    )))
}

/// Appends one change-feed event that is not about an item (inside whatever transaction `c` is).
pub(crate) async fn feed_event<C: sea_orm::ConnectionTrait>(
    c: &C,
    tenant_id: i64,
    kind: FeedKind,
    version: i32,
    at: UnixMillis,
) -> Result<()> {
    change_feed::Entity::insert(change_feed::ActiveModel {
        tenant_id: Set(tenant_id),
        item_id: Set(None),
        external_id: Set(None),
        version: Set(version),
        kind: Set(kind.as_str().to_string()),
        at: Set(at.as_millis()),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Inserts one audit entry (inside whatever transaction `c` is).
pub(crate) async fn audit<C: sea_orm::ConnectionTrait>(
    c: &C,
    at: UnixMillis,
    actor: &Actor,
    action: AuditAction,
    tenant_id: Option<i64>,
    subject: &str,
    detail: serde_json::Value,
) -> Result<()> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        at: Set(at.as_millis()),
        actor: Set(actor.as_text()),
        action: Set(action.as_str().to_string()),
        tenant_id: Set(tenant_id),
        subject: Set(subject.to_string()),
        detail: Set(detail.to_string()),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_actions_round_trip_through_their_text() {
        for k in FeedKind::ALL {
            assert_eq!(FeedKind::parse(k.as_str()).unwrap(), k);
        }
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
        assert!(FeedKind::parse("exploded").is_err());
    }
}
