//! The HTML check: a tokeniser as html5ever reads HTML, feeding a model of its tree builder
//! (`tree`), with the element kinds it needs (`kinds`).

mod kinds;
mod tree;

use crate::FieldError;

use super::{MAX_HTML_NESTING, MAX_TABLE_CELLS_PER_BYTE};
use tree::Tree;

/// The error for HTML that nests too deep, naming the element where it happened.
pub(super) fn too_deep_html(name: &str) -> FieldError {
    let name: String = name.chars().take(20).collect();
    FieldError::new(
        "body",
        format!(
            "the text nests more than {MAX_HTML_NESTING} HTML elements deep (at <{name}>); \
             at most {MAX_HTML_NESTING} are allowed: close the HTML tags you open (an unclosed \
             <b> or <font> is reopened in every following paragraph) and nest fewer quotes, \
             lists and emphasis"
        ),
    )
}

/// Checks the depth of HTML as html5ever (in ammonia) would build it, in one linear pass.
///
/// This is a model of the HTML tree builder, not a parser: it tokenises as html5ever does
/// (comments, quoted attributes, raw text elements) and keeps a stack of open elements with the
/// rules that shrink it (implied ends of `<p>`, `<li>`, table cells; end tags within their
/// scope), and counts formatting elements that an implied end closed, since html5ever reopens
/// them in the next paragraph. Where it is unsure it keeps elements open, so its depth is at
/// least html5ever's. Each tag costs at most [`MAX_HTML_NESTING`] steps.
pub fn check_html(html: &str) -> Result<(), FieldError> {
    // Written cells take at least four bytes each (`<td>`): only the depth can fail here.
    check_html_within(html, html.len() / MAX_TABLE_CELLS_PER_BYTE)
}

/// [`check_html`] for the HTML a Markdown body of `source_len` bytes became: its tables may
/// hold at most [`MAX_TABLE_CELLS_PER_BYTE`] cells per byte of the body.
pub fn check_html_within(html: &str, source_len: usize) -> Result<(), FieldError> {
    let mut tree = Tree::default();
    let mut cells = 0usize;
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|c| *c == b'<') {
        let lt = i + off;
        if off > 0 {
            tree.text()?;
        }
        let Some(tok) = next_token(b, lt) else {
            // A tag cut off by the end of the text is dropped by html5ever.
            return Ok(());
        };
        i = tok.end;
        match tok.kind {
            TokKind::Start(self_closing, font_attrs) => {
                let name = &html[tok.name.0..tok.name.1];
                if name.eq_ignore_ascii_case("td") || name.eq_ignore_ascii_case("th") {
                    cells += 1;
                    if cells > max_cells(source_len) {
                        return Err(too_many_cells());
                    }
                }
                let raw = tree.start(name, self_closing, font_attrs)?;
                match raw {
                    TextMode::Normal => {}
                    TextMode::Plaintext => break,
                    TextMode::Raw => match find_end_tag(b, i, name.as_bytes()) {
                        Some(at) => i = at,
                        None => break,
                    },
                }
            }
            TokKind::End => tree.end(&html[tok.name.0..tok.name.1]),
            TokKind::Other => {}
            TokKind::Text => tree.text()?,
        }
    }
    if i < b.len() {
        tree.text()?;
    }
    Ok(())
}

/// Cells any body may have, however short.
pub(super) const MIN_CELLS: usize = 256;

pub(super) fn max_cells(source_len: usize) -> usize {
    source_len
        .saturating_mul(MAX_TABLE_CELLS_PER_BYTE)
        .max(MIN_CELLS)
}

pub(super) fn too_many_cells() -> FieldError {
    FieldError::new(
        "body",
        format!(
            "the tables have more than {MAX_TABLE_CELLS_PER_BYTE} cells per character of text \
             (a row with fewer cells than the header is filled up to the header's columns): \
             write fewer columns, or the rows in full"
        ),
    )
}

/// How the tokeniser reads what follows a start tag.
pub(super) enum TextMode {
    Normal,
    /// Text up to the matching end tag (`<script>`, `<style>`, `<textarea>`, ...).
    Raw,
    /// Text to the end (`<plaintext>`).
    Plaintext,
}

pub(super) enum TokKind {
    /// A start tag: whether it ends in `/>` (which only matters in SVG and MathML), and
    /// whether it has a `color`, `face` or `size` attribute (which makes `<font>` end SVG or
    /// MathML content).
    Start(bool, bool),
    End,
    /// A comment, doctype or bogus comment.
    Other,
    /// A `<` that starts nothing: text.
    Text,
}

pub(super) struct Token {
    pub(super) kind: TokKind,
    /// Byte range of the tag name.
    pub(super) name: (usize, usize),
    /// Where the next token may start.
    pub(super) end: usize,
}

pub(super) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// The token at `lt` (a `<`), as html5ever's tokeniser reads it; `None` when the text ends
/// inside a tag.
pub(super) fn next_token(b: &[u8], lt: usize) -> Option<Token> {
    let other = |end| {
        Some(Token {
            kind: TokKind::Other,
            name: (0, 0),
            end,
        })
    };
    let to_gt = |from: usize| {
        b[from..]
            .iter()
            .position(|c| *c == b'>')
            .map(|p| from + p + 1)
    };
    match b.get(lt + 1) {
        Some(b'!') => {
            if b[lt..].starts_with(b"<!--") {
                let s = lt + 4;
                // `<!-->` and `<!--->` end at once; otherwise `-->` or `--!>` ends a comment.
                if b.get(s) == Some(&b'>') {
                    return other(s + 1);
                }
                if b[s..].starts_with(b"->") {
                    return other(s + 2);
                }
                let mut j = s;
                while let Some(p) = b[j..].windows(2).position(|w| w == b"--") {
                    let at = j + p + 2;
                    if b.get(at) == Some(&b'>') {
                        return other(at + 1);
                    }
                    if b[at..].starts_with(b"!>") {
                        return other(at + 2);
                    }
                    j = at - 1;
                }
                // An unclosed comment takes the rest of the text.
                other(b.len())
            } else {
                other(to_gt(lt).unwrap_or(b.len()))
            }
        }
        Some(b'?') => other(to_gt(lt).unwrap_or(b.len())),
        Some(b'/') => match b.get(lt + 2) {
            Some(c) if c.is_ascii_alphabetic() => {
                let (name_end, end, _) = tag_rest(b, lt + 2)?;
                Some(Token {
                    kind: TokKind::End,
                    name: (lt + 2, name_end),
                    end,
                })
            }
            Some(b'>') => other(lt + 3),
            Some(_) => other(to_gt(lt).unwrap_or(b.len())),
            None => Some(Token {
                kind: TokKind::Text,
                name: (0, 0),
                end: lt + 2,
            }),
        },
        Some(c) if c.is_ascii_alphabetic() => {
            let (name_end, end, font_attrs) = tag_rest(b, lt + 1)?;
            Some(Token {
                kind: TokKind::Start(end >= 2 && b[end - 2] == b'/', font_attrs),
                name: (lt + 1, name_end),
                end,
            })
        }
        _ => Some(Token {
            kind: TokKind::Text,
            name: (0, 0),
            end: lt + 1,
        }),
    }
}

/// Reads a tag from its name at `from`: the end of the name, the byte after its `>` and
/// whether it has a `color`, `face` or `size` attribute, skipping attributes with their quoted
/// values as html5ever does. `None` at the end of text.
pub(super) fn tag_rest(b: &[u8], from: usize) -> Option<(usize, usize, bool)> {
    let mut j = from;
    while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name_end = j;
    let mut font_attrs = false;
    loop {
        // Before an attribute name.
        while j < b.len() && (is_ws(b[j]) || b[j] == b'/') {
            j += 1;
        }
        match b.get(j)? {
            b'>' => return Some((name_end, j + 1, font_attrs)),
            _ => {
                // The name (an `=` first is part of it).
                let attr = j;
                j += 1;
                while j < b.len() && !is_ws(b[j]) && !b"/>=".contains(&b[j]) {
                    j += 1;
                }
                let attr = &b[attr..j];
                font_attrs |= [&b"color"[..], b"face", b"size"]
                    .iter()
                    .any(|n| attr.eq_ignore_ascii_case(n));
                while j < b.len() && is_ws(b[j]) {
                    j += 1;
                }
                if b.get(j) != Some(&b'=') {
                    continue;
                }
                j += 1;
                while j < b.len() && is_ws(b[j]) {
                    j += 1;
                }
                match b.get(j)? {
                    q @ (b'"' | b'\'') => {
                        let q = *q;
                        let close = b[j + 1..].iter().position(|c| *c == q)?;
                        j += close + 2;
                    }
                    b'>' => return Some((name_end, j + 1, font_attrs)),
                    _ => {
                        while j < b.len() && !is_ws(b[j]) && b[j] != b'>' {
                            j += 1;
                        }
                    }
                }
            }
        }
    }
}

/// In raw text after `<name>`: where its end tag (`</name` then whitespace, `/` or `>`)
/// starts.
pub(super) fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut j = from;
    while let Some(p) = b[j..].windows(2).position(|w| w == b"</") {
        let at = j + p;
        let n = at + 2;
        if b.len() >= n + name.len()
            && b[n..n + name.len()].eq_ignore_ascii_case(name)
            && b.get(n + name.len())
                .is_none_or(|c| is_ws(*c) || *c == b'/' || *c == b'>')
        {
            return Some(at);
        }
        j = at + 2;
    }
    None
}
