//! What the targets share. (Not every target uses every item.)
#![allow(dead_code)]

use portal_core::category::Registry;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A fixed "now" (September 2026), so runs are repeatable.
pub const NOW: i64 = 1_790_000_000_000;

/// The built-in category registry, parsed once per process.
pub fn registry() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(Registry::builtin)
}

/// The longest one input may take to validate and render. A release build renders any
/// accepted 1 MiB body in under a second (a flat 64 KiB one in 0.05 s) and refuses a deeply
/// nested one in milliseconds; a body that takes longer has found super-linear work, which is
/// a finding like a panic. (libFuzzer's own `-timeout=`, see README.md, catches an input
/// that never returns.)
pub const BUDGET: Duration = Duration::from_secs(3);

/// Runs `f`, panicking when it takes longer than [`BUDGET`].
pub fn within_budget<T>(what: &str, len: usize, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(
        took <= BUDGET,
        "{what} took {took:?} for {len} bytes of input: super-linear time"
    );
    out
}
