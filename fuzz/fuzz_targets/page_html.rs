//! What pages do with stored text: Markdown to sanitised HTML, HTML sanitising on its own, the
//! structural check ingest applies, the line diff between two versions, and media sniffing of
//! uploaded bytes. Nothing may panic, and nothing may take longer than `common::BUDGET`
//! (deeply nested text once took minutes to render).
#![no_main]

#[path = "common.rs"]
mod common;

use common::within_budget;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = portal_core::media::sniff(data);
    let text = String::from_utf8_lossy(data);
    within_budget("markdown_to_safe_html", data.len(), || {
        portal_core::render::markdown_to_safe_html(&text)
    });
    within_budget("sanitize_html", data.len(), || {
        portal_core::render::sanitize_html(&text)
    });
    within_budget("check_body", data.len(), || {
        portal_core::markdown_limits::check_body(&text)
    });
    let half = text.len() / 2;
    let cut = (0..=half)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let _ = portal_core::diff::diff_lines(&text[..cut], &text[cut..]);
});
