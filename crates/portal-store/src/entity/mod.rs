//! sea-orm entities, one per table. Times are unix milliseconds (`i64`) so that both databases
//! store and sort them the same way.

pub mod agent;
pub mod audit_log;
pub mod category_registry;
pub mod certificate;
pub mod change_feed;
pub mod enrollment_token;
pub mod item;
pub mod item_version;
pub mod media;
pub mod tenant;
