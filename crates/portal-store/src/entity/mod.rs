//! sea-orm entities, one per table. Times are unix milliseconds (`i64`) so that both databases
//! store and sort them the same way.

pub(crate) mod agent;
pub(crate) mod audit_log;
pub(crate) mod category_registry;
pub(crate) mod certificate;
pub(crate) mod change_feed;
pub(crate) mod enrollment_token;
pub(crate) mod item;
pub(crate) mod item_version;
pub(crate) mod media;
pub(crate) mod tenant;
