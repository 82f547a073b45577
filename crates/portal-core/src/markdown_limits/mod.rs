//! Structural limits on item bodies, so that rendering a body stays linear in its size.
//!
//! Rendering is Markdown (pulldown-cmark) → HTML → ammonia, which parses the HTML again with
//! html5ever. Two of these steps cost time in proportion to *nesting*, not size:
//!
//! - pulldown-cmark matches every line against every open block container (block quote, list
//!   item), so lazy continuation lines under a deep container cost depth × lines;
//! - html5ever's tree builder scans its stack of open elements for many tags (closing a `<p>`
//!   before a block, `<li>`, end tags that match nothing, formatting elements reopened in each
//!   paragraph), so a deep stack costs depth × tags.
//!
//! Measured (release build, before these limits): `"> "` repeated to 64 KiB rendered in 3.9 s
//! and to 256 KiB in 74 s; `"- "` repeated then `a` in 35 s at 64 KiB; 160 KiB of open
//! emphasis followed by unmatched end tags in 3.5 s; 1 MiB of `<font face=Arial>a` paragraphs
//! (each reopening every unclosed `<font>` before it) in 16 s. Almost all of it in html5ever.
//! Sizes alone are linear: a 1 MiB body of any flat shape renders in well under a second.
//!
//! So a body may nest at most [`MAX_BLOCK_NESTING`] block containers, and the HTML it becomes
//! may hold at most [`MAX_HTML_NESTING`] open elements at once, Markdown's and raw HTML's
//! together. (And, found by fuzzing with a time limit, its tables at most
//! [`MAX_TABLE_CELLS_PER_BYTE`] cells per byte: short rows are filled up to the header's
//! columns.) The checks are linear: they stop as soon as a limit is passed, so their own
//! per-line or per-tag work is bounded by the limit. Most bodies are decided by one pass over
//! their lines (about 2 ns a byte); those with raw HTML, much emphasis or wide tables are turned
//! into HTML, whose tags are run through a model of html5ever's tree builder. Ingest rejects a body over a limit with a
//! field error ([`check_structure`]); rendering shows a short notice instead of a body stored
//! before the limits ([`crate::render::markdown_to_safe_html`]).

use crate::FieldError;

/// Block quotes and list items nested in one another. Real documents use a handful (a quote
/// in a list in a quote); 32 leaves room for any outline while keeping pulldown-cmark's
/// per-line container matching small.
pub const MAX_BLOCK_NESTING: usize = 32;

/// Elements open at once in the HTML a body becomes, as the HTML parser of the sanitiser sees
/// it: Markdown's own (`<blockquote>`, `<ul><li>` per list level, `<p>`, emphasis, links) and
/// raw HTML's, including the formatting elements (`<b>`, `<font>`, ...) the parser reopens in
/// each paragraph when they were never closed. 32 lists nested deepest make 64 + a few; the
/// rest is for emphasis and honest HTML. At this depth a 1 MiB body of the worst tag soup
/// still renders in a fraction of a second.
pub const MAX_HTML_NESTING: usize = 100;

/// Table cells per byte of body. A Markdown table fills every row up to the header's columns,
/// so a few short rows under a wide header make many cells out of little text: 2.4 KiB of
/// one-letter rows under a 500-column header became 875 KiB of empty cells, 0.3 s to sanitise.
/// Rows written in full have at most one cell per byte; four leave room for honest short rows.
pub const MAX_TABLE_CELLS_PER_BYTE: usize = 4;

/// Elements a block adds around its inline content at most: `<table><tbody><tr><td>`.
const BLOCK_WRAPPERS: usize = 4;

/// Checks that a body (Markdown, possibly with raw HTML) stays within [`MAX_BLOCK_NESTING`] and
/// [`MAX_HTML_NESTING`]. Linear in the body's size. Most bodies (no raw HTML, modest emphasis)
/// are decided by one pass over their lines; the others are turned into HTML (not sanitised)
/// and that is checked: what the sanitiser would parse.
pub fn check_structure(markdown: &str) -> Result<(), FieldError> {
    let shape = block_shape(markdown)?;
    if !shape.has_html
        && 2 * shape.depth + BLOCK_WRAPPERS + shape.inline_marks <= MAX_HTML_NESTING
        && shape.table_cells <= max_cells(markdown.len())
    {
        // Without raw HTML the page's HTML is Markdown's alone: two elements per container
        // level at most (`<ul><li>`), the block's wrappers, and one element per emphasis or
        // link level, each of which needs at least one `*`, `_`, `~` or `[` in its paragraph.
        // And tables cannot have more cells than the bound counted.
        return Ok(());
    }
    check_html_within(
        &crate::render::markdown_to_raw_html(markdown),
        markdown.len(),
    )
}

/// Every structural error of a body: [`check_structure`], then (when that passed, so the
/// rendering is cheap) raw HTML images without alt text
/// ([`crate::media::html_images_without_alt`]).
pub fn check_body(markdown: &str) -> Vec<FieldError> {
    match check_structure(markdown) {
        Err(e) => vec![e],
        Ok(()) => crate::media::html_images_without_alt(markdown),
    }
}

/// Adds [`check_body`]'s errors to `errors`, leaving out any already there (media reference
/// checks report the same structure error when they could not parse the body).
pub fn push_body_errors(markdown: &str, errors: &mut Vec<FieldError>) {
    for e in check_body(markdown) {
        if !errors.contains(&e) {
            errors.push(e);
        }
    }
}

mod blocks;
mod html;

pub(crate) use blocks::block_shape;
use html::max_cells;
pub use html::{check_html, check_html_within};

#[cfg(test)]
mod tests;
