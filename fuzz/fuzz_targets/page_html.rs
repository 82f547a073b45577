//! What pages do with stored text: Markdown to sanitised HTML, HTML sanitising on its own, the
//! line diff between two versions, and media sniffing of uploaded bytes. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = portal_core::media::sniff(data);
    let text = String::from_utf8_lossy(data);
    let _ = portal_core::render::markdown_to_safe_html(&text);
    let _ = portal_core::render::sanitize_html(&text);
    let half = text.len() / 2;
    let cut = (0..=half)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let _ = portal_core::diff::diff_lines(&text[..cut], &text[cut..]);
});
