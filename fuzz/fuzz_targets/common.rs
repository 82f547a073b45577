//! What the targets share.

use portal_core::category::Registry;
use std::sync::OnceLock;

/// A fixed "now" (September 2026), so runs are repeatable.
pub const NOW: i64 = 1_790_000_000_000;

/// The built-in category registry, parsed once per process.
pub fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(Registry::builtin)
}
