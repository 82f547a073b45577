//! The one pass over a body's lines: how deep block containers nest, how many inline marks a
//! paragraph holds, whether raw HTML may be present, and a bound of table cells.

use crate::FieldError;

use super::MAX_BLOCK_NESTING;

/// The error for a body whose block containers nest too deep.
pub(super) fn too_deep_blocks(line: usize) -> FieldError {
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
    pub(super) depth: usize,
    /// Most `*`, `_`, `~` and `[` between two blank lines: a bound of inline nesting.
    pub(super) inline_marks: usize,
    /// Whether a `<` starts something that may be raw HTML or an autolink.
    pub(super) has_html: bool,
    /// At least the cells the tables would have: each line from a delimiter row (`|---|:-:|`)
    /// to the next blank line is a row of as many cells as that row has columns.
    pub(super) table_cells: usize,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Container {
    Quote,
    /// A list item whose continuation lines are indented by this many columns.
    Item(usize),
}

/// One line being matched against the open containers: byte position, its column (tabs
/// stop at multiples of 4) and columns left over from a tab partly consumed as indentation.
pub(super) struct Cursor<'a> {
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
    pub(super) col: usize,
    pub(super) virt: usize,
}

impl Cursor<'_> {
    /// Columns of indentation from here, counting no further than `cap`.
    pub(super) fn indent(&self, cap: usize) -> usize {
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
    pub(super) fn consume(&mut self, mut n: usize) {
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
    pub(super) fn bump(&mut self, len: usize) {
        self.virt = 0;
        self.pos += len;
        self.col += len;
    }

    /// After a block quote's `>`: one optional space (or one column of a tab).
    pub(super) fn optional_space(&mut self) {
        if matches!(self.b.get(self.pos), Some(b' ' | b'\t')) {
            self.consume(1);
        }
    }

    pub(super) fn byte(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }
}

/// Per line facts computed once, so that checks at every marker position stay O(1).
pub(super) struct LineFacts {
    /// The line is whitespace from this byte on.
    pub(super) blank_from: usize,
    /// For `-`, `*`, `_`, computed when first asked: from which byte on the line holds only
    /// that character and whitespace, and the byte index of the third occurrence of it
    /// counted from the end, if any.
    pub(super) breaks: [Option<(usize, Option<usize>)>; 3],
}

pub(super) const BREAK_CHARS: [u8; 3] = [b'-', b'*', b'_'];

impl LineFacts {
    pub(super) fn of(b: &[u8]) -> Self {
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
    pub(super) fn thematic_break_at(&mut self, b: &[u8], p: usize) -> bool {
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
pub(super) fn list_marker(b: &[u8], p: usize) -> Option<usize> {
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
pub(super) fn delimiter_row_columns(b: &[u8]) -> Option<usize> {
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
pub(super) fn fence_at(b: &[u8], p: usize) -> Option<(u8, usize)> {
    let c = *b.get(p)?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = b[p..].iter().take_while(|x| **x == c).count();
    (n >= 3).then_some((c, n))
}

/// An ATX heading (`#` to `######` then a space or the end of the line) at byte `p`.
pub(super) fn heading_at(b: &[u8], p: usize) -> bool {
    let n = b[p..].iter().take_while(|x| **x == b'#').count();
    (1..=6).contains(&n) && matches!(b.get(p + n), None | Some(b' ' | b'\t'))
}

/// Splits a text into lines at `\n`, `\r\n` and a lone `\r`, as CommonMark does.
pub(super) fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
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
