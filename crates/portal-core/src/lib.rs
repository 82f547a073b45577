//! The pure domain of the portal federation: tenants, items, validation, Vietnamese text and
//! HTML sanitising.
//!
//! This crate does no I/O (no files, network, database or clock): every function takes what it
//! needs as arguments, so the rules here are the same for the hub's gRPC and HTTP front ends and
//! are tested without any of them.

pub mod category;
pub mod diff;
pub mod duration;
pub mod front_matter;
pub mod item;
pub mod legacy;
pub mod markdown_limits;
pub mod media;
pub mod render;
pub mod tenant;
pub mod text;
pub mod time;

pub use item::{FieldError, ItemDraft, NormalizedItem, ProvinceReview, PublicationState};
pub use tenant::{TenantKind, validate_domain, validate_slug};
pub use time::UnixMillis;
