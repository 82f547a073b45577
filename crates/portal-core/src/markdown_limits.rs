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

/// The error for a body whose block containers nest too deep.
fn too_deep_blocks(line: usize) -> FieldError {
    FieldError::new(
        "body",
        format!(
            "block quotes and lists are nested more than {MAX_BLOCK_NESTING} levels deep \
             (line {line}); at most {MAX_BLOCK_NESTING} are allowed: quote or indent less"
        ),
    )
}

/// What one pass over a body's lines finds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockShape {
    /// Deepest nesting of block quotes and list items (an upper bound of pulldown-cmark's).
    pub depth: usize,
    /// Most `*`, `_`, `~` and `[` between two blank lines: a bound of inline nesting.
    pub inline_marks: usize,
    /// Whether a `<` starts something that may be raw HTML or an autolink.
    pub has_html: bool,
    /// At least the cells the tables would have: each line from a delimiter row (`|---|:-:|`)
    /// to the next blank line is a row of as many cells as that row has columns.
    pub table_cells: usize,
}

#[derive(Debug, Clone, Copy)]
enum Container {
    Quote,
    /// A list item whose continuation lines are indented by this many columns.
    Item(usize),
}

/// One line being matched against the open containers: byte position, its column (tabs
/// stop at multiples of 4) and columns left over from a tab partly consumed as indentation.
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
    col: usize,
    virt: usize,
}

impl Cursor<'_> {
    /// Columns of indentation from here, counting no further than `cap`.
    fn indent(&self, cap: usize) -> usize {
        let mut n = self.virt;
        let mut col = self.col;
        for &c in &self.b[self.pos..] {
            if n >= cap {
                break;
            }
            match c {
                b' ' => {
                    n += 1;
                    col += 1;
                }
                b'\t' => {
                    let w = 4 - col % 4;
                    n += w;
                    col += w;
                }
                _ => break,
            }
        }
        n.min(cap)
    }

    /// Consumes `n` columns of indentation (the caller measured them with `indent`).
    fn consume(&mut self, mut n: usize) {
        let v = self.virt.min(n);
        self.virt -= v;
        n -= v;
        while n > 0 {
            match self.b.get(self.pos) {
                Some(b' ') => {
                    self.pos += 1;
                    self.col += 1;
                    n -= 1;
                }
                Some(b'\t') => {
                    let w = 4 - self.col % 4;
                    self.pos += 1;
                    self.col += w;
                    if w > n {
                        self.virt = w - n;
                        n = 0;
                    } else {
                        n -= w;
                    }
                }
                _ => break,
            }
        }
    }

    /// Consumes one byte that is not whitespace (a marker character).
    fn bump(&mut self, len: usize) {
        self.virt = 0;
        self.pos += len;
        self.col += len;
    }

    /// After a block quote's `>`: one optional space (or one column of a tab).
    fn optional_space(&mut self) {
        if matches!(self.b.get(self.pos), Some(b' ' | b'\t')) {
            self.consume(1);
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }
}

/// Per line facts computed once, so that checks at every marker position stay O(1).
struct LineFacts {
    /// The line is whitespace from this byte on.
    blank_from: usize,
    /// For `-`, `*`, `_`, computed when first asked: from which byte on the line holds only
    /// that character and whitespace, and the byte index of the third occurrence of it
    /// counted from the end, if any.
    breaks: [Option<(usize, Option<usize>)>; 3],
}

const BREAK_CHARS: [u8; 3] = [b'-', b'*', b'_'];

impl LineFacts {
    fn of(b: &[u8]) -> Self {
        let blank_from = b
            .iter()
            .rposition(|c| !matches!(c, b' ' | b'\t'))
            .map_or(0, |i| i + 1);
        LineFacts {
            blank_from,
            breaks: [None; 3],
        }
    }

    /// Whether a thematic break (`---`, `* * *`, `___`) starts at byte `p`.
    fn thematic_break_at(&mut self, b: &[u8], p: usize) -> bool {
        let Some(k) = b
            .get(p)
            .and_then(|c| BREAK_CHARS.iter().position(|x| x == c))
        else {
            return false;
        };
        let (only_from, third_last) = *self.breaks[k].get_or_insert_with(|| {
            let ch = BREAK_CHARS[k];
            let mut only_from = b.len();
            let mut third_last = None;
            let mut seen = 0;
            for (i, &c) in b.iter().enumerate().rev() {
                if c == ch {
                    seen += 1;
                    if seen == 3 {
                        third_last = Some(i);
                    }
                } else if !matches!(c, b' ' | b'\t') {
                    break;
                }
                only_from = i;
            }
            (only_from, third_last)
        });
        p >= only_from && third_last.is_some_and(|t| t >= p)
    }
}

/// A list marker at byte `p`: its width in bytes (`-`, `+`, `*`, or 1–9 digits and `.`/`)`),
/// when a space, a tab or the end of the line follows.
fn list_marker(b: &[u8], p: usize) -> Option<usize> {
    let w = match b.get(p)? {
        b'-' | b'+' | b'*' => 1,
        c if c.is_ascii_digit() => {
            let digits = b[p..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 || !matches!(b.get(p + digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    matches!(b.get(p + w), None | Some(b' ' | b'\t')).then_some(w)
}

/// The columns of a table delimiter row (`|---|:--:|`, `--- | ---`, also behind `>` or list
/// markers): the runs of `-` on a line of only `|`, `-`, `:`, `>`, `+`, `*`, digits, `.`, `)`,
/// spaces and tabs with at least one `|`. Counting more lines as such rows only makes the
/// bound higher.
fn delimiter_row_columns(b: &[u8]) -> Option<usize> {
    if !b.contains(&b'|')
        || !b
            .iter()
            .all(|c| b"|-:>+*.) \t".contains(c) || c.is_ascii_digit())
    {
        return None;
    }
    let runs = b
        .iter()
        .zip(std::iter::once(&b' ').chain(b.iter()))
        .filter(|(c, prev)| **c == b'-' && **prev != b'-')
        .count();
    (runs > 0).then_some(runs)
}

/// A code fence (three or more `` ` `` or `~`) at byte `p`: its character and length.
fn fence_at(b: &[u8], p: usize) -> Option<(u8, usize)> {
    let c = *b.get(p)?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = b[p..].iter().take_while(|x| **x == c).count();
    (n >= 3).then_some((c, n))
}

/// An ATX heading (`#` to `######` then a space or the end of the line) at byte `p`.
fn heading_at(b: &[u8], p: usize) -> bool {
    let n = b[p..].iter().take_while(|x| **x == b'#').count();
    (1..=6).contains(&n) && matches!(b.get(p + n), None | Some(b' ' | b'\t'))
}

/// Splits a text into lines at `\n`, `\r\n` and a lone `\r`, as CommonMark does.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.iter().position(|c| *c == b'\n' || *c == b'\r') {
            Some(i) => {
                let skip = if r[i] == b'\r' && r.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = Some(&r[i + skip..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// One pass over the lines of a body: how deep block quotes and list items nest (an upper
/// bound of what CommonMark, and pulldown-cmark, make of it), how many emphasis and link
/// marks a paragraph holds at most, and whether raw HTML may be present. Fails as soon as the
/// nesting passes [`MAX_BLOCK_NESTING`], so the work per line is its length plus that limit.
///
/// Where CommonMark's rules are involved (lazy continuation, which list markers may interrupt
/// a paragraph, HTML blocks) it errs on keeping containers open or opening them: a count too
/// high can only reject an absurd document, a count too low would let one through.
pub(crate) fn block_shape(markdown: &str) -> Result<BlockShape, FieldError> {
    let bytes = markdown.as_bytes();
    let mut shape = BlockShape {
        has_html: bytes
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || b"/!?".contains(&w[1]))),
        ..BlockShape::default()
    };
    let mut stack: Vec<Container> = Vec::new();
    // The innermost open leaf is a paragraph (so a line matching fewer containers may be a
    // lazy continuation of it).
    let mut in_paragraph = false;
    // An open fenced code block: its character and length. It belongs to the innermost
    // container, since none can open inside it.
    let mut fence: Option<(u8, usize)> = None;
    let mut marks = 0usize;
    // Columns of the table whose rows the lines may be (0: none).
    let mut columns = 0usize;
    for (number, b) in lines(bytes).enumerate() {
        let mut facts = LineFacts::of(b);
        if facts.blank_from == 0 {
            marks = 0;
            columns = 0;
        } else {
            if let Some(k) = delimiter_row_columns(b) {
                // The header row above and this row; the rows below are counted as they come.
                columns = k;
                shape.table_cells += k;
            }
            shape.table_cells += columns;
            marks += b
                .iter()
                .filter(|c| matches!(c, b'*' | b'_' | b'~' | b'['))
                .count();
            shape.inline_marks = shape.inline_marks.max(marks);
        }
        let mut cur = Cursor {
            b,
            pos: 0,
            col: 0,
            virt: 0,
        };
        // 1. Match the open containers, outermost first.
        let mut matched = 0;
        for c in &stack {
            match *c {
                Container::Quote => {
                    let ind = cur.indent(4);
                    let mut probe = Cursor { b, ..cur };
                    probe.consume(ind);
                    if ind <= 3 && probe.byte(probe.pos) == Some(b'>') {
                        cur = probe;
                        cur.bump(1);
                        cur.optional_space();
                    } else {
                        break;
                    }
                }
                Container::Item(width) => {
                    if cur.pos >= facts.blank_from {
                        // A blank line continues a list item.
                    } else if cur.indent(width) >= width {
                        cur.consume(width);
                    } else {
                        break;
                    }
                }
            }
            matched += 1;
        }
        let all_matched = matched == stack.len();
        // 2. Inside fenced code: a code line or the closing fence, unless a container ended.
        if let Some((fc, flen)) = fence {
            if all_matched {
                let ind = cur.indent(4);
                let p = {
                    let mut probe = Cursor { b, ..cur };
                    probe.consume(ind);
                    probe.pos
                };
                if ind <= 3
                    && fence_at(b, p).is_some_and(|(c, n)| c == fc && n >= flen)
                    && b[p..]
                        .iter()
                        .skip_while(|x| **x == fc)
                        .all(|x| matches!(x, b' ' | b'\t'))
                {
                    fence = None;
                }
                continue;
            }
            fence = None;
        }
        // 3. A blank line ends the containers it did not match and any paragraph.
        if cur.pos >= facts.blank_from {
            stack.truncate(matched);
            in_paragraph = false;
            continue;
        }
        // 4. New containers at the start of what is left.
        let mut opened = false;
        loop {
            let ind = cur.indent(4);
            if ind >= 4 {
                break;
            }
            let mut probe = Cursor { b, ..cur };
            probe.consume(ind);
            let p = probe.pos;
            let new = if probe.byte(p) == Some(b'>') {
                probe.bump(1);
                probe.optional_space();
                Container::Quote
            } else if let Some(w) = list_marker(b, p).filter(|_| !facts.thematic_break_at(b, p)) {
                probe.bump(w);
                // Content starts after 1–4 spaces; with more (indented code) or none (an empty
                // first line) continuation lines need one column after the marker.
                let spaces = if probe.pos >= facts.blank_from {
                    0
                } else {
                    probe.indent(5)
                };
                let gap = if (1..=4).contains(&spaces) { spaces } else { 1 };
                if spaces > 0 {
                    probe.consume(gap);
                }
                Container::Item(ind + w + gap)
            } else {
                break;
            };
            if !opened {
                // A new container is no lazy continuation: the unmatched ones end here.
                stack.truncate(matched);
                opened = true;
            }
            stack.push(new);
            cur = probe;
            if stack.len() > MAX_BLOCK_NESTING {
                return Err(too_deep_blocks(number + 1));
            }
            shape.depth = shape.depth.max(stack.len());
        }
        // 5. What the line holds: a lazy paragraph line keeps every container open.
        let ind = cur.indent(4);
        let p = {
            let mut probe = Cursor { b, ..cur };
            probe.consume(ind);
            probe.pos
        };
        let starts_block = ind <= 3
            && (fence_at(b, p).is_some() || heading_at(b, p) || facts.thematic_break_at(b, p));
        let lazy = in_paragraph && !starts_block;
        if !opened && !all_matched && !lazy {
            stack.truncate(matched);
            in_paragraph = false;
        }
        if p >= facts.blank_from {
            // An empty list item or block quote line.
            in_paragraph = false;
        } else if ind >= 4 {
            // Indented code, or a continuation of a paragraph: either way no new block.
        } else if let Some(f) = fence_at(b, p) {
            fence = Some(f);
            in_paragraph = false;
        } else {
            in_paragraph = !starts_block;
        }
    }
    Ok(shape)
}

/// The error for HTML that nests too deep, naming the element where it happened.
fn too_deep_html(name: &str) -> FieldError {
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
const MIN_CELLS: usize = 256;

fn max_cells(source_len: usize) -> usize {
    source_len
        .saturating_mul(MAX_TABLE_CELLS_PER_BYTE)
        .max(MIN_CELLS)
}

fn too_many_cells() -> FieldError {
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
enum TextMode {
    Normal,
    /// Text up to the matching end tag (`<script>`, `<style>`, `<textarea>`, ...).
    Raw,
    /// Text to the end (`<plaintext>`).
    Plaintext,
}

enum TokKind {
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

struct Token {
    kind: TokKind,
    /// Byte range of the tag name.
    name: (usize, usize),
    /// Where the next token may start.
    end: usize,
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r')
}

/// The token at `lt` (a `<`), as html5ever's tokeniser reads it; `None` when the text ends
/// inside a tag.
fn next_token(b: &[u8], lt: usize) -> Option<Token> {
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
fn tag_rest(b: &[u8], from: usize) -> Option<(usize, usize, bool)> {
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
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
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

/// html5ever's formatting elements, which it reopens after an implied end.
const FORMATTING: [&str; 14] = [
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

// What a tag name is to the tree builder.
const SPECIAL: u16 = 1;
/// Ends the default scope (`applet caption html table td th marquee object template`, and
/// MathML/SVG integration points).
const SCOPE: u16 = 2;
/// Ends the table scope (`html table template`).
const TABLE_SCOPE: u16 = 4;
/// Inserts a marker in the list of active formatting elements.
const MARKER: u16 = 8;
const VOID: u16 = 16;
/// Closes an open `<p>` before it opens.
const CLOSES_P: u16 = 32;
/// Part of a table's structure (`caption col colgroup tbody td tfoot th thead tr`).
const TABLE_PART: u16 = 64;
const IGNORED: u16 = 128;
const HEADING: u16 = 256;
const RAW_TEXT: u16 = 512;

#[derive(Clone, Copy)]
struct Kind {
    flags: u16,
    /// Index in [`FORMATTING`].
    formatting: Option<usize>,
}

/// Classifies an HTML tag name (ASCII case-insensitive).
fn kind(name: &str) -> Kind {
    let mut buf = [0u8; 16];
    let n = name.len();
    if n > buf.len() {
        return Kind {
            flags: 0,
            formatting: None,
        };
    }
    for (d, s) in buf.iter_mut().zip(name.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(&buf[..n]).unwrap_or("");
    let formatting = FORMATTING.iter().position(|f| *f == lower);
    let flags = match lower {
        "html" => SPECIAL | SCOPE | TABLE_SCOPE | IGNORED,
        "head" | "body" | "frameset" | "frame" => SPECIAL | IGNORED,
        "table" => SPECIAL | SCOPE | TABLE_SCOPE | CLOSES_P,
        "template" => SPECIAL | SCOPE | TABLE_SCOPE | MARKER,
        "td" | "th" | "caption" => SPECIAL | SCOPE | MARKER | TABLE_PART,
        "applet" | "marquee" | "object" => SPECIAL | SCOPE | MARKER,
        "col" => SPECIAL | VOID | TABLE_PART,
        "colgroup" | "tbody" | "tfoot" | "thead" | "tr" => SPECIAL | TABLE_PART,
        "area" | "base" | "basefont" | "bgsound" | "br" | "embed" | "img" | "input" | "keygen"
        | "link" | "meta" | "param" | "source" | "track" | "wbr" | "image" => SPECIAL | VOID,
        "hr" => SPECIAL | VOID | CLOSES_P,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => SPECIAL | CLOSES_P | HEADING,
        "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog"
        | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "header"
        | "hgroup" | "main" | "menu" | "nav" | "ol" | "p" | "search" | "section" | "summary"
        | "ul" | "pre" | "listing" | "form" | "li" | "dd" | "dt" => SPECIAL | CLOSES_P,
        "xmp" | "plaintext" => SPECIAL | CLOSES_P | RAW_TEXT,
        "script" | "style" | "iframe" | "noembed" | "noframes" | "noscript" | "textarea"
        | "title" => SPECIAL | RAW_TEXT,
        "button" | "select" => SPECIAL,
        _ => 0,
    };
    Kind { flags, formatting }
}

/// The namespace of an open element.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Html,
    Svg,
    Math,
}

/// What a foreign (SVG, MathML) element is to the tree builder: the integration points are
/// special and end the default scope; no foreign element is a formatting element.
/// (`annotation-xml` is one only with some attributes; taking it for one keeps the stack
/// deeper: breaking out of foreign content stops there.)
fn foreign_kind(name: &str, ns: Ns) -> Kind {
    let points: &[&str] = match ns {
        Ns::Svg => &["foreignobject", "desc", "title"],
        _ => &["mi", "mo", "mn", "ms", "mtext", "annotation-xml"],
    };
    let ip = points.iter().any(|n| name.eq_ignore_ascii_case(n));
    Kind {
        flags: if ip { SPECIAL | SCOPE } else { 0 },
        formatting: None,
    }
}

/// HTML start tags that end SVG or MathML content (and `<font>` with `color`, `face` or
/// `size`).
fn breaks_out(name: &str) -> bool {
    [
        "b",
        "big",
        "blockquote",
        "body",
        "br",
        "center",
        "code",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "hr",
        "i",
        "img",
        "li",
        "listing",
        "menu",
        "meta",
        "nobr",
        "ol",
        "p",
        "pre",
        "ruby",
        "s",
        "small",
        "span",
        "strong",
        "strike",
        "sub",
        "sup",
        "table",
        "tt",
        "u",
        "ul",
        "var",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// Whether html5ever reopens closed formatting elements before this start tag (in the body):
/// inline and void elements and those it knows nothing about, not blocks, lists, headings,
/// tables, forms or raw text elements.
fn reconstructs(name: &str, k: Kind) -> bool {
    k.formatting.is_some()
        || (k.flags == 0
            && !["rb", "rp", "rt", "rtc"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n)))
        || [
            "button", "applet", "marquee", "object", "area", "br", "embed", "img", "keygen", "wbr",
            "image", "input", "xmp", "select", "option", "optgroup",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// Elements that "generate implied end tags" closes.
const IMPLIED_END: [&str; 10] = [
    "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc",
];

struct Open<'a> {
    name: &'a str,
    kind: Kind,
    ns: Ns,
    /// Tells elements apart, for the list of active formatting elements.
    id: u32,
}

/// An entry of html5ever's list of active formatting elements.
#[derive(Clone, Copy)]
enum Active<'a> {
    /// Inserted by a cell, caption, `<applet>`, `<marquee>`, `<object>` or `<template>`:
    /// reconstruction stops there and closing that element clears the list back to it.
    Marker,
    Element {
        name: &'a str,
        id: u32,
        /// Whether the element is open. One that is not (closed by an implied end) is
        /// reopened by the next text or inline start tag.
        open: bool,
    },
}

/// The model of html5ever's tree builder: its stack of open elements and its list of active
/// formatting elements, which it uses to reopen formatting elements closed by an implied end.
///
/// Modelling errs towards a deeper stack only where that cannot backfire: an element kept
/// open here but closed by html5ever could later let an end tag close, here, elements that
/// html5ever keeps. So every implied end that html5ever makes before an end tag could reach
/// across it is modelled (cells, rows, tables, selects, forms, templates), and start tags
/// html5ever ignores are ignored.
#[derive(Default)]
struct Tree<'a> {
    open: Vec<Open<'a>>,
    active: Vec<Active<'a>>,
    /// Entries of `active` whose element is not open: html5ever may reopen them all.
    closed_active: usize,
    next_id: u32,
    /// Open SVG and MathML elements: while there are any, no element's text is read as raw
    /// text (inside foreign content `<style>` and the like are ordinary elements).
    foreign: usize,
    /// html5ever's form element pointer is set (a `<form>` opened and not yet ended).
    form: bool,
}

impl<'a> Tree<'a> {
    fn depth(&self) -> usize {
        self.open.len() + self.closed_active
    }

    fn push(&mut self, name: &'a str, kind: Kind, ns: Ns) -> Result<(), FieldError> {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        if ns == Ns::Html && kind.flags & MARKER != 0 {
            self.active.push(Active::Marker);
        }
        if ns == Ns::Html && kind.formatting.is_some() {
            self.active.push(Active::Element {
                name,
                id,
                open: true,
            });
        }
        if ns != Ns::Html {
            self.foreign += 1;
        }
        self.open.push(Open { name, kind, ns, id });
        if self.depth() > MAX_HTML_NESTING {
            return Err(too_deep_html(name));
        }
        Ok(())
    }

    fn push_html(&mut self, name: &'a str) -> Result<(), FieldError> {
        self.push(name, kind(name), Ns::Html)
    }

    /// Removes the open element at `i` (with `closed` as for `pop_to`).
    fn remove(&mut self, i: usize, closed: bool) {
        let e = self.open.remove(i);
        if e.ns != Ns::Html {
            self.foreign = self.foreign.saturating_sub(1);
            return;
        }
        if e.kind.flags & MARKER != 0 {
            // Closing a cell, caption, applet, marquee, object or template clears the list
            // of active formatting elements back to its marker.
            while let Some(a) = self.active.pop() {
                match a {
                    Active::Marker => break,
                    Active::Element { open: false, .. } => self.closed_active -= 1,
                    Active::Element { .. } => {}
                }
            }
        }
        if e.kind.formatting.is_some()
            && let Some(j) = self.active_index(e.id)
        {
            if closed {
                self.active.remove(j);
            } else if let Active::Element { open, .. } = &mut self.active[j] {
                *open = false;
                self.closed_active += 1;
            }
        }
    }

    /// Where the element `id` is in the list of active formatting elements.
    fn active_index(&self, id: u32) -> Option<usize> {
        self.active
            .iter()
            .rposition(|a| matches!(a, Active::Element { id: x, .. } if *x == id))
    }

    /// html5ever's "reconstruct the active formatting elements": reopens, in order, the
    /// entries after the last marker or open element, inside the current node.
    fn reconstruct(&mut self) -> Result<(), FieldError> {
        let mut from = self.active.len();
        while from > 0 && matches!(self.active[from - 1], Active::Element { open: false, .. }) {
            from -= 1;
        }
        for j in from..self.active.len() {
            let Active::Element { name, .. } = self.active[j] else {
                continue;
            };
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            self.active[j] = Active::Element {
                name,
                id,
                open: true,
            };
            self.closed_active -= 1;
            self.open.push(Open {
                name,
                kind: kind(name),
                ns: Ns::Html,
                id,
            });
            if self.depth() > MAX_HTML_NESTING {
                return Err(too_deep_html(name));
            }
        }
        Ok(())
    }

    /// html5ever's adoption agency for an end tag (or a nested `<a>`, `<nobr>`) of a
    /// formatting element: the last entry of that name after the last marker is dropped if it
    /// is not open; if it is open with no special element above it, it is closed. With a
    /// special element above it html5ever moves elements around without making the stack
    /// shallower; it stays as it is here. Returns false when there is no such entry (the end
    /// tag is then handled as any other).
    fn adoption_agency(&mut self, name: &str) -> bool {
        let mut found = None;
        for (j, a) in self.active.iter().enumerate().rev() {
            match a {
                Active::Marker => break,
                Active::Element { name: n, id, open } if n.eq_ignore_ascii_case(name) => {
                    found = Some((j, *id, *open));
                    break;
                }
                Active::Element { .. } => {}
            }
        }
        let Some((j, id, open)) = found else {
            return false;
        };
        if !open {
            self.active.remove(j);
            self.closed_active -= 1;
            return true;
        }
        for (i, e) in self.open.iter().enumerate().rev() {
            if e.id == id {
                self.pop_to(i, true);
                return true;
            }
            if e.kind.flags & SPECIAL != 0 {
                break;
            }
        }
        true
    }

    /// Pops the open elements above index `at` and the one at `at`. `closed` says whether an
    /// end tag closed that one itself (otherwise a formatting element there is only put
    /// aside, to be reopened, as are those above it).
    fn pop_to(&mut self, at: usize, closed: bool) {
        while self.open.len() > at {
            let i = self.open.len() - 1;
            self.remove(i, closed && i == at);
        }
    }

    fn is(e: &Open<'_>, names: &[&str]) -> bool {
        e.ns == Ns::Html && names.iter().any(|n| e.name.eq_ignore_ascii_case(n))
    }

    /// Index of the innermost open HTML element with one of `names`, looking no further than
    /// an element with any of the `stop` flags (0: the whole stack).
    fn find(&self, names: &[&str], stop: u16) -> Option<usize> {
        for (i, e) in self.open.iter().enumerate().rev() {
            if Self::is(e, names) {
                return Some(i);
            }
            if e.kind.flags & stop != 0 {
                return None;
            }
        }
        None
    }

    /// Like `find` in the button scope (the default scope and `<button>`).
    fn find_in_button_scope(&self, name: &str) -> Option<usize> {
        for (i, e) in self.open.iter().enumerate().rev() {
            if Self::is(e, &[name]) {
                return Some(i);
            }
            if e.kind.flags & SCOPE != 0 || Self::is(e, &["button"]) {
                return None;
            }
        }
        None
    }

    fn close_p(&mut self) {
        if let Some(i) = self.find_in_button_scope("p") {
            self.pop_to(i, true);
        }
    }

    fn top_is(&self, names: &[&str]) -> bool {
        self.open.last().is_some_and(|e| Self::is(e, names))
    }

    fn pop_top(&mut self) {
        if let Some(i) = self.open.len().checked_sub(1) {
            self.pop_to(i, true);
        }
    }

    /// Pops elements that end by implication (`<p>`, `<li>`, `<option>`, ...) off the top.
    fn generate_implied_end(&mut self, except: &str) {
        while let Some(e) = self.open.last() {
            if !Self::is(e, &IMPLIED_END) || e.name.eq_ignore_ascii_case(except) {
                break;
            }
            self.pop_top();
        }
    }

    /// Whether the current node is SVG or MathML other than an integration point, where start
    /// tags follow the rules for foreign content.
    fn in_foreign(&self) -> bool {
        self.open
            .last()
            .is_some_and(|e| e.ns != Ns::Html && e.kind.flags & SPECIAL == 0)
    }

    /// Pops foreign elements down to an HTML element or an integration point.
    fn break_out(&mut self) {
        while self.in_foreign() {
            self.pop_top();
        }
    }

    /// The innermost open element of a table's structure, which decides html5ever's table
    /// insertion modes: its index and name.
    fn table_context(&self) -> Option<(usize, &'a str)> {
        for (i, e) in self.open.iter().enumerate().rev() {
            if e.ns != Ns::Html {
                continue;
            }
            if e.kind.flags & TABLE_PART != 0 || Self::is(e, &["table", "template"]) {
                return Some((i, e.name));
            }
        }
        None
    }

    /// Pops the elements above index `i`.
    fn pop_above(&mut self, i: usize) {
        if i + 1 < self.open.len() {
            self.pop_to(i + 1, false);
        }
    }

    /// A start tag of a table's structure, in html5ever's table insertion modes. Returns
    /// whether the tag still has to be pushed.
    fn table_start(&mut self, name: &'a str) -> Result<bool, FieldError> {
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        // Each round closes one level (a cell, a row, a row group, a caption, a column group)
        // or ends; a cell needs at most four.
        for _ in 0..6 {
            let Some((i, ctx)) = self.table_context() else {
                // Outside a table html5ever ignores these tags.
                return Ok(false);
            };
            let ctx_is = |n: &str| ctx.eq_ignore_ascii_case(n);
            if ctx_is("template") {
                return Ok(true);
            }
            if ctx_is("td") || ctx_is("th") || ctx_is("caption") {
                // A new row, cell or group ends the cell or caption first.
                self.pop_to(i, true);
                continue;
            }
            if ctx_is("colgroup") {
                if is("col") {
                    return Ok(false);
                }
                self.pop_to(i, true);
                continue;
            }
            if ctx_is("tr") {
                if is("td") || is("th") {
                    self.pop_above(i);
                    return Ok(true);
                }
                self.pop_to(i, true);
                continue;
            }
            if ctx_is("tbody") || ctx_is("thead") || ctx_is("tfoot") {
                if is("tr") {
                    self.pop_above(i);
                    return Ok(true);
                }
                if is("td") || is("th") {
                    self.pop_above(i);
                    self.push_html("tr")?;
                    return Ok(true);
                }
                self.pop_to(i, true);
                continue;
            }
            // In a table.
            self.pop_above(i);
            if is("caption") || is("colgroup") || is("tbody") || is("thead") || is("tfoot") {
                return Ok(true);
            }
            if is("col") {
                self.push_html("colgroup")?;
                return Ok(false);
            }
            self.push_html("tbody")?;
        }
        Ok(true)
    }

    /// A start tag.
    fn start(
        &mut self,
        name: &'a str,
        self_closing: bool,
        font_attrs: bool,
    ) -> Result<TextMode, FieldError> {
        if self.in_foreign() {
            if !(breaks_out(name) || font_attrs && name.eq_ignore_ascii_case("font")) {
                // A foreign element in the current node's namespace; `/>` closes it at once.
                let ns = self.open.last().map_or(Ns::Html, |e| e.ns);
                if !self_closing {
                    self.push(name, foreign_kind(name, ns), ns)?;
                }
                return Ok(TextMode::Normal);
            }
            self.break_out();
        }
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        let k = kind(name);
        if k.flags & IGNORED != 0 {
            return Ok(TextMode::Normal);
        }
        if self.top_is(&["colgroup"]) && !is("col") {
            // Anything but a column ends a column group.
            self.pop_top();
        }
        if is("svg") || is("math") {
            let ns = if is("svg") { Ns::Svg } else { Ns::Math };
            self.reconstruct()?;
            if !self_closing {
                self.push(name, foreign_kind(name, ns), ns)?;
            }
            return Ok(TextMode::Normal);
        }
        if k.flags & TABLE_PART != 0 {
            if self.table_start(name)? && k.flags & VOID == 0 {
                self.push(name, k, Ns::Html)?;
            }
            return Ok(TextMode::Normal);
        }
        if is("table")
            && let Some((i, ctx)) = self.table_context()
            && ["table", "tbody", "thead", "tfoot", "tr"]
                .iter()
                .any(|n| ctx.eq_ignore_ascii_case(n))
        {
            // A table directly in a table ends that one.
            if let Some(t) = self.find(&["table"], TABLE_SCOPE).filter(|t| *t <= i) {
                self.pop_to(t, true);
            }
        }
        if is("form") {
            if self.form && self.find(&["template"], 0).is_none() {
                return Ok(TextMode::Normal);
            }
            if self.find(&["template"], 0).is_none() {
                self.form = true;
            }
        }
        if is("li") || is("dd") || is("dt") {
            // An open item of the same list ends, unless a special element (other than
            // address, div, p) is in between.
            let same: &[&str] = if is("li") { &["li"] } else { &["dd", "dt"] };
            for (i, e) in self.open.iter().enumerate().rev() {
                if Self::is(e, same) {
                    self.pop_to(i, true);
                    break;
                }
                if e.kind.flags & SPECIAL != 0 && !Self::is(e, &["address", "div", "p"]) {
                    break;
                }
            }
        }
        if k.flags & CLOSES_P != 0 {
            self.close_p();
        }
        if k.flags & HEADING != 0 && self.top_is(&["h1", "h2", "h3", "h4", "h5", "h6"]) {
            self.pop_top();
        }
        if is("a") {
            // A new link ends an open one.
            self.adoption_agency("a");
        }
        if is("nobr") {
            self.reconstruct()?;
            if self.find(&["nobr"], SCOPE).is_some() {
                self.adoption_agency("nobr");
            }
        }
        if is("button")
            && let Some(i) = self.find(&["button"], SCOPE)
        {
            self.pop_to(i, true);
        }
        let in_select = self.find(&["select"], SCOPE).is_some();
        if is("select") || is("input") {
            // html5ever ends an open select first; a select in a select only ends it.
            if let Some(i) = self.find(&["select"], SCOPE) {
                self.pop_to(i, true);
                if is("select") {
                    return Ok(TextMode::Normal);
                }
            }
        }
        if is("option") || is("optgroup") {
            if in_select {
                self.generate_implied_end(if is("option") { "optgroup" } else { "" });
            } else if self.top_is(&["option"]) {
                self.pop_top();
            }
        }
        if is("hr") && in_select {
            self.generate_implied_end("");
        }
        if (is("rb") || is("rtc") || is("rp") || is("rt")) && self.find(&["ruby"], SCOPE).is_some()
        {
            self.generate_implied_end(if is("rp") || is("rt") { "rtc" } else { "" });
        }
        if reconstructs(name, k) {
            self.reconstruct()?;
        }
        if k.flags & VOID != 0 {
            return Ok(TextMode::Normal);
        }
        self.push(name, k, Ns::Html)?;
        Ok(if k.flags & RAW_TEXT == 0 || self.foreign > 0 {
            TextMode::Normal
        } else if is("plaintext") {
            TextMode::Plaintext
        } else {
            TextMode::Raw
        })
    }

    /// Text: html5ever reopens closed formatting elements before it (outside SVG and MathML).
    fn text(&mut self) -> Result<(), FieldError> {
        if self.in_foreign() {
            Ok(())
        } else {
            self.reconstruct()
        }
    }

    /// An end tag.
    fn end(&mut self, name: &str) {
        if self.open.last().is_some_and(|e| e.ns != Ns::Html) {
            if name.eq_ignore_ascii_case("br") || name.eq_ignore_ascii_case("p") {
                self.break_out();
            } else {
                // The innermost element of that name while only foreign elements are passed;
                // at the first HTML element the HTML rules take over.
                let mut i = self.open.len() - 1;
                loop {
                    if self.open[i].name.eq_ignore_ascii_case(name) {
                        self.pop_to(i, true);
                        return;
                    }
                    if i == 0 {
                        return;
                    }
                    i -= 1;
                    if self.open[i].ns == Ns::Html {
                        break;
                    }
                }
            }
        }
        let k = kind(name);
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("br") || k.flags & IGNORED != 0 {
            return;
        }
        let at = if is("p") {
            self.find_in_button_scope("p")
        } else if k.flags & HEADING != 0 {
            self.find(&["h1", "h2", "h3", "h4", "h5", "h6"], SCOPE)
        } else if k.formatting.is_some() && self.adoption_agency(name) {
            return;
        } else if is("template") {
            self.find(&["template"], 0)
        } else if is("form") {
            // Ends the form element pointer's element, and only that one.
            let had = std::mem::replace(&mut self.form, false);
            if self.find(&["template"], 0).is_none() {
                if had && let Some(i) = self.find(&["form"], SCOPE) {
                    self.remove(i, true);
                }
                return;
            }
            self.find(&["form"], SCOPE)
        } else if k.flags & TABLE_PART != 0 || is("table") {
            self.find(&[name], TABLE_SCOPE)
        } else if is("li") {
            // List item scope: the default scope and lists.
            let mut found = None;
            for (i, e) in self.open.iter().enumerate().rev() {
                if Self::is(e, &["li"]) {
                    found = Some(i);
                    break;
                }
                if e.kind.flags & SCOPE != 0 || Self::is(e, &["ul", "ol"]) {
                    break;
                }
            }
            found
        } else if k.flags & SPECIAL != 0 {
            self.find(&[name], SCOPE)
        } else {
            self.find(&[name], SPECIAL)
        };
        if let Some(i) = at {
            self.pop_to(i, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{UNRENDERABLE_NOTICE, markdown_to_safe_html};
    use std::time::{Duration, Instant};

    const KIB64: usize = 64 << 10;
    const MIB: usize = crate::item::MAX_BODY_BYTES;

    /// `unit` repeated to at most `size` bytes.
    fn fill(unit: &str, size: usize) -> String {
        unit.repeat(size / unit.len())
    }

    /// Bodies that took super-linear time to render before the limits (figures in the module
    /// documentation): each at a given size.
    fn deep_shapes(size: usize) -> Vec<(&'static str, String)> {
        let per_line = |prefix: fn(usize) -> String| {
            let mut s = String::new();
            let mut k = 1;
            while s.len() + prefix(k).len() + 3 <= size {
                s.push_str(&prefix(k));
                s.push_str("a\n");
                k += 1;
            }
            s
        };
        vec![
            ("quotes on one line", fill("> ", size)),
            ("one quote more per line", per_line(|k| "> ".repeat(k))),
            ("lists on one line", format!("{}a", fill("- ", size - 1))),
            (
                "ordered lists on one line",
                format!("{}a", fill("1. ", size - 1)),
            ),
            (
                "quotes and lists on one line",
                format!("{}a", fill("> - ", size - 1)),
            ),
            (
                "one list level more per line",
                per_line(|k| format!("{}- ", "  ".repeat(k))),
            ),
            (
                "deep quote then lazy lines",
                format!("{}a\n{}", "> ".repeat(size / 8), fill("b\n", size / 2)),
            ),
            ("div blocks", fill("<div>", size)),
            ("div lines", fill("<div>\n", size)),
            ("blockquote tags", fill("<blockquote>", size)),
            ("ul li tags", fill("<ul><li>", size)),
            ("spans then end tags", {
                let half = size / 2;
                format!("a {}{}", fill("<span>", half), fill("</x>", half - 4))
            }),
            ("open emphasis then end tags", {
                let k = size / 16;
                format!(
                    "{}a{}{}",
                    "*a ".repeat(k),
                    "</x>".repeat(k),
                    " a*".repeat(k)
                )
            }),
            (
                "unclosed font in every paragraph",
                fill("<font face=Arial>a\n\n", size),
            ),
            ("bold with ids then paragraphs", {
                let mut s = String::from("a ");
                let mut i = 0;
                while s.len() < size / 2 {
                    s.push_str(&format!("<b id={i}>"));
                    i += 1;
                }
                let rest = fill("x\n\n", size - s.len() - 2);
                s + "\n\n" + &rest
            }),
            (
                "nobr in selects",
                format!("<select>{}", fill("<nobr><select><select>", size - 8)),
            ),
        ]
    }

    /// Flat bodies of the same sizes: accepted, and rendered in linear time.
    fn flat_shapes(size: usize) -> Vec<(&'static str, String)> {
        vec![
            ("open brackets", fill("[", size)),
            ("alternating emphasis", fill("*a **b ", size)),
            ("backtick runs", fill("`a", size)),
            ("less-than signs", fill("<", size)),
            ("unclosed tags", fill("<a", size)),
            ("wide table", {
                let c = size / 8;
                format!("{}|\n{}|\n", "|a".repeat(c), "|-".repeat(c))
            }),
            (
                "many table rows",
                fill("|x|y|\n", size).replacen("|x|y|\n", "|a|b|\n|-|-|\n", 1),
            ),
            (
                "closed divs",
                fill(
                    &format!("{}a{}\n", "<div>".repeat(20), "</div>".repeat(20)),
                    size,
                ),
            ),
            (
                "quotes 30 deep per line",
                fill(&format!("{}a\n", "> ".repeat(30)), size),
            ),
            ("unclosed paragraphs and items", fill("<p>a<li>b", size)),
        ]
    }

    pub(crate) fn good_draft() -> crate::ItemDraft {
        crate::ItemDraft {
            id: "tin-2026-001".into(),
            title: "Hội nghị xúc tiến đầu tư".into(),
            category: "news".into(),
            language: "vi".into(),
            author: "Nguyễn Văn A".into(),
            source: "Sở Kế hoạch và Đầu tư".into(),
            published_at_ms: 1_700_000_000_000,
            body_markdown: "Nội dung.".into(),
            ..Default::default()
        }
    }

    fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
        let t = Instant::now();
        let out = f();
        (out, t.elapsed())
    }

    #[test]
    fn deep_bodies_are_rejected_and_render_as_a_notice_quickly() {
        // In a release build each takes at most 0.05 s. A debug build is some 20 times slower
        // and shares the machine with the other tests: the budget is 1 s for 64 KiB, 2 s for
        // 1 MiB (parsed in full before the HTML is checked).
        for (size, budget) in [(KIB64, 1), (MIB, 2)] {
            let budget = Duration::from_secs(budget);
            for (name, body) in deep_shapes(size) {
                assert!(body.len() <= size, "{name}");
                let (check, took) = timed(|| check_structure(&body));
                let err = check.expect_err(name);
                assert_eq!(err.field, "body", "{name}");
                assert!(err.reason.contains("at most"), "{name}: {}", err.reason);
                assert!(took < budget, "{name} ({size} B): check took {took:?}");
                let (html, took) = timed(|| markdown_to_safe_html(&body));
                assert_eq!(html, UNRENDERABLE_NOTICE, "{name}");
                assert!(took < budget, "{name} ({size} B): render took {took:?}");
            }
        }
    }

    #[test]
    fn flat_bodies_are_accepted_and_render_in_time() {
        for (name, body) in flat_shapes(KIB64) {
            let (check, took) = timed(|| check_structure(&body));
            assert_eq!(check, Ok(()), "{name}");
            assert!(took < Duration::from_secs(1), "{name}: check took {took:?}");
            // A flat 64 KiB body renders in 0.05 s in a release build; a debug build, sharing
            // the machine with the other tests, is some 20 times slower.
            let (html, took) = timed(|| markdown_to_safe_html(&body));
            assert_ne!(html, UNRENDERABLE_NOTICE, "{name}");
            assert!(
                took < Duration::from_secs(3),
                "{name}: render took {took:?}"
            );
        }
        // At 1 MiB ingest's check alone (rendering a flat 1 MiB body is linear, and slow only
        // in a debug build).
        for (name, body) in flat_shapes(MIB) {
            let (check, took) = timed(|| check_structure(&body));
            assert_eq!(check, Ok(()), "{name}");
            assert!(took < Duration::from_secs(2), "{name}: check took {took:?}");
        }
    }

    #[test]
    fn tables_filled_far_beyond_their_text_are_rejected() {
        // Found by fuzzing with a time limit: 2.4 KiB rendered to 875 KiB of empty cells in
        // 0.3 s (3.4 s in the instrumented fuzzing build).
        // (Beyond 2^18 filled cells pulldown-cmark fills no more: a large body can hold more
        // cells than this, none of them filled for free.)
        for rows in [250, 2_000] {
            let body = format!(
                "{}|\n{}|\n{}",
                "|a".repeat(500),
                "|-".repeat(500),
                "x\n".repeat(rows)
            );
            let (check, took) = timed(|| check_structure(&body));
            let err = check.unwrap_err();
            assert!(err.reason.contains("cells"), "{}", err.reason);
            assert!(took < Duration::from_secs(1), "check took {took:?}");
            let (html, took) = timed(|| markdown_to_safe_html(&body));
            assert_eq!(html, UNRENDERABLE_NOTICE);
            assert!(took < Duration::from_secs(1), "render took {took:?}");
        }
        // Rows written in full, or a few short ones, are fine.
        let full = format!(
            "| a | b | c |\n|---|:-:|--:|\n{}",
            "| 1 | 2 | 3 |\n".repeat(1000)
        );
        assert_eq!(check_structure(&full), Ok(()));
        let short = format!(
            "{}|\n{}|\n{}",
            "|cột".repeat(12),
            "|-".repeat(12),
            "|x|\n".repeat(20)
        );
        assert_eq!(check_structure(&short), Ok(()));
    }

    #[test]
    fn ingest_reports_a_deep_body_on_the_body_field() {
        let mut draft = good_draft();
        draft.body_markdown = fill("> ", 4096);
        let errors = draft.validate(1_800_000_000_000).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "body");
        assert!(
            errors[0].reason.contains("at most 32"),
            "{}",
            errors[0].reason
        );
        // Also when the media reference check had to parse it too (it reports the same error).
        draft.body_markdown = format!("![ảnh](https://x/y.png)\n\n{}", fill("> ", 4096));
        let errors = draft.validate(1_800_000_000_000).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn block_nesting_is_counted_as_commonmark_nests() {
        let depth = |md: &str| block_shape(md).map(|s| s.depth);
        assert_eq!(depth("Văn bản."), Ok(0));
        assert_eq!(depth("> > a"), Ok(2));
        assert_eq!(depth("> a\n> > b\n> > > c"), Ok(3));
        assert_eq!(depth("- a\n  - b\n    - c\n      > d"), Ok(4));
        assert_eq!(depth("1. a\n   1. b\n      - c"), Ok(3));
        // A blank line ends a quote; list items survive it.
        assert_eq!(depth("> a\n\n> b\n\n> c"), Ok(1));
        assert_eq!(depth("- a\n\n  - b\n\n    - c"), Ok(3));
        // Lazy continuation keeps the containers; a new marker line starts again.
        assert_eq!(depth("> > > a\nb\n> c"), Ok(3));
        // Thematic breaks, code and fenced code open nothing.
        assert_eq!(depth("- - -\n* * *"), Ok(0));
        assert_eq!(depth("    > > > code"), Ok(0));
        assert_eq!(depth("```\n> > > > quoted in code\n```"), Ok(0));
        assert_eq!(depth("- a\n  ```\n  > > > code\n  ```"), Ok(1));
        // Tabs count to the next multiple of four.
        assert_eq!(depth("-\ta\n\t-\tb"), Ok(2));
        let at_limit = format!("{}a", "> ".repeat(MAX_BLOCK_NESTING));
        assert_eq!(depth(&at_limit), Ok(MAX_BLOCK_NESTING));
        let over = format!("x\n\n{}a", "> ".repeat(MAX_BLOCK_NESTING + 1));
        let err = depth(&over).unwrap_err();
        assert!(err.reason.contains("line 3"), "{}", err.reason);
        assert!(err.reason.contains("at most 32"), "{}", err.reason);
    }

    #[test]
    fn html_nesting_follows_the_html_parser() {
        let ok = |html: &str| check_html(html).is_ok();
        let n = MAX_HTML_NESTING;
        assert!(ok(&"<div>".repeat(n)));
        assert!(!ok(&"<div>".repeat(n + 1)));
        // Closed, implied and void elements do not add up.
        assert!(ok(&"<div><b>a</b></div>".repeat(10 * n)));
        assert!(ok(&"<p>a<p>b<li>c<li>d<br><img src=x><hr>".repeat(10 * n)));
        assert!(ok(&"<table><tr><td><font>a<td><b>b</table>".repeat(10 * n)));
        assert!(ok(&format!(
            "<table>{}</table>",
            "<tr><td><font>a".repeat(10 * n)
        )));
        assert!(ok(&"<h1>a<h2>b</h2>".repeat(10 * n)));
        // What is not a tag does not count: comments, quoted attributes, raw text, SVG `/>`.
        assert!(ok(&format!("<!-- {} -->", "<div>".repeat(2 * n))));
        assert!(ok(&format!(
            "<span title=\"{}\">a</span>",
            "<div>".repeat(2 * n)
        )));
        assert!(ok(&format!("<script>{}</script>", "<div>".repeat(2 * n))));
        assert!(ok(&format!(
            "<svg>{}</svg>",
            "<path d=\"M0\"/>".repeat(2 * n)
        )));
        // Formatting elements left open are reopened in every paragraph: they add up.
        assert!(!ok(&"<p><font face=Arial>a</p>\n".repeat(n + 1)));
        assert!(ok(&"<p><font face=Arial>a</font></p>\n".repeat(10 * n)));
        // Unmatched end tags close nothing.
        assert!(!ok(&format!(
            "{}{}",
            "<span>".repeat(n / 2),
            "</x><div>".repeat(n)
        )));
        // The error names the element where the limit was passed.
        let err = check_html(&format!("{}<section>", "<div>".repeat(n))).unwrap_err();
        assert_eq!(err.field, "body");
        assert!(err.reason.contains("<section>"), "{}", err.reason);
    }

    #[test]
    fn ordinary_nesting_is_accepted() {
        let mut lists = String::new();
        for k in 0..10 {
            lists.push_str(&format!("{}- mức {k}\n", "  ".repeat(k)));
        }
        let bodies = [
            lists,
            "- a\n  > trích dẫn trong danh sách\n  > > và sâu hơn\n- b".to_string(),
            "> - danh sách\n>   - trong trích dẫn\n>\n> **đậm *nghiêng* ~~gạch~~**".to_string(),
            "| a | b |\n|---|---|\n| *x* | [y](https://x/) |".to_string(),
            "<div><table><tr><td><b>Cũ</b><br>dòng<td><font face=Arial>x</font></table></div>"
                .to_string(),
        ];
        for body in bodies {
            assert_eq!(check_structure(&body), Ok(()), "{body}");
            assert_ne!(markdown_to_safe_html(&body), UNRENDERABLE_NOTICE, "{body}");
        }
    }
}
