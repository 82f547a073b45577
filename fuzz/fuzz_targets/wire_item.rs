//! An item as it arrives in a `PublishRequest`: every field attacker-chosen (valid UTF-8, as
//! protobuf strings are). The hub validates and normalises it, applies the category rules for
//! each kind of tenant, finds its media references and renders its body. Nothing may panic,
//! and validating or rendering may not take longer than `common::BUDGET`.
//!
//! Input layout: fields separated by 0xFF bytes; the first byte picks a built-in category when
//! the category field is empty, so record categories are reached without guessing their codes.
#![no_main]

#[path = "common.rs"]
mod common;

use common::{NOW, registry, within_budget};
use libfuzzer_sys::fuzz_target;
use portal_core::{ItemDraft, TenantKind};
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest
        .split(|b| *b == 0xff)
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let mut next = || parts.next().unwrap_or_default();
    let mut draft = ItemDraft {
        id: next(),
        title: next(),
        category: next(),
        language: next(),
        author: next(),
        source: next(),
        source_url: next(),
        published_at_ms: next().parse().unwrap_or(NOW),
        summary: next(),
        tags: next().split(',').map(str::to_string).collect(),
        body_markdown: next(),
        translation_id: next(),
        record: BTreeMap::new(),
        notes: Vec::new(),
    };
    for pair in next().split('\n') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        draft.record.insert(k.to_string(), v.to_string());
    }
    let reg = registry();
    if draft.category.is_empty() && !reg.categories.is_empty() {
        draft.category = reg.categories[pick as usize % reg.categories.len()]
            .code
            .clone();
    }
    let len = data.len();
    let _ = within_budget("media_refs", len, || {
        portal_core::media::media_refs(&draft.body_markdown)
    });
    within_budget("markdown_to_safe_html", len, || {
        portal_core::render::markdown_to_safe_html(&draft.body_markdown)
    });
    if let Ok(item) = within_budget("validate", len, || draft.validate(NOW)) {
        for kind in [
            TenantKind::ProvincialOffice,
            TenantKind::Department,
            TenantKind::District,
            TenantKind::Unit,
        ] {
            let _ = reg.apply(item.clone(), kind, "skhdt");
        }
    }
});
