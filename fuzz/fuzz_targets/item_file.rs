//! An item file as an agent reads it from its content folder: bytes in any encoding (legacy
//! TCVN3/VNI detection), front matter in YAML, TOML or JSON, then the hub's validation and
//! category rules, then the page's rendering of the body. Nothing may panic, and validating or
//! rendering may not take longer than `common::BUDGET`.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{NOW, registry, within_budget};
use libfuzzer_sys::fuzz_target;
use portal_core::{TenantKind, front_matter};

fuzz_target!(|data: &[u8]| {
    let Ok((text, _conversion)) = portal_core::legacy::decode_bytes(data) else {
        return;
    };
    let _ = portal_core::legacy::repair_text(&text);
    for parsed in [
        front_matter::parse_item_file(&text, "fuzz-item"),
        front_matter::parse_item_json(&text, "fuzz-item"),
    ] {
        let Ok(draft) = parsed else { continue };
        within_budget("markdown_to_safe_html", data.len(), || {
            portal_core::render::markdown_to_safe_html(&draft.body_markdown)
        });
        if let Ok(item) = within_budget("validate", data.len(), || draft.validate(NOW)) {
            for kind in [TenantKind::Department, TenantKind::District] {
                let _ = registry().apply(item.clone(), kind, "skhdt");
            }
        }
    }
});
