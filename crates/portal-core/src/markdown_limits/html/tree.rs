//! The model of html5ever's tree builder.

use crate::FieldError;

use super::super::MAX_HTML_NESTING;
use super::kinds::*;
use super::*;

/// The model of html5ever's tree builder: its stack of open elements and its list of active
/// formatting elements, which it uses to reopen formatting elements closed by an implied end.
///
/// Modelling errs towards a deeper stack only where that cannot backfire: an element kept
/// open here but closed by html5ever could later let an end tag close, here, elements that
/// html5ever keeps. So every implied end that html5ever makes before an end tag could reach
/// across it is modelled (cells, rows, tables, selects, forms, templates), and start tags
/// html5ever ignores are ignored.
#[derive(Default)]
pub(super) struct Tree<'a> {
    pub(super) open: Vec<Open<'a>>,
    pub(super) active: Vec<Active<'a>>,
    /// Entries of `active` whose element is not open: html5ever may reopen them all.
    pub(super) closed_active: usize,
    pub(super) next_id: u32,
    /// Open SVG and MathML elements: while there are any, no element's text is read as raw
    /// text (inside foreign content `<style>` and the like are ordinary elements).
    pub(super) foreign: usize,
    /// html5ever's form element pointer is set (a `<form>` opened and not yet ended).
    pub(super) form: bool,
}

impl<'a> Tree<'a> {
    pub(super) fn depth(&self) -> usize {
        self.open.len() + self.closed_active
    }

    pub(super) fn push(&mut self, name: &'a str, kind: Kind, ns: Ns) -> Result<(), FieldError> {
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

    pub(super) fn push_html(&mut self, name: &'a str) -> Result<(), FieldError> {
        self.push(name, kind(name), Ns::Html)
    }

    /// Removes the open element at `i` (with `closed` as for `pop_to`).
    pub(super) fn remove(&mut self, i: usize, closed: bool) {
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
    pub(super) fn active_index(&self, id: u32) -> Option<usize> {
        self.active
            .iter()
            .rposition(|a| matches!(a, Active::Element { id: x, .. } if *x == id))
    }

    /// html5ever's "reconstruct the active formatting elements": reopens, in order, the
    /// entries after the last marker or open element, inside the current node.
    pub(super) fn reconstruct(&mut self) -> Result<(), FieldError> {
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
    pub(super) fn adoption_agency(&mut self, name: &str) -> bool {
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
    pub(super) fn pop_to(&mut self, at: usize, closed: bool) {
        while self.open.len() > at {
            let i = self.open.len() - 1;
            self.remove(i, closed && i == at);
        }
    }

    pub(super) fn is(e: &Open<'_>, names: &[&str]) -> bool {
        e.ns == Ns::Html && names.iter().any(|n| e.name.eq_ignore_ascii_case(n))
    }

    /// Index of the innermost open HTML element with one of `names`, looking no further than
    /// an element with any of the `stop` flags (0: the whole stack).
    pub(super) fn find(&self, names: &[&str], stop: u16) -> Option<usize> {
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
    pub(super) fn find_in_button_scope(&self, name: &str) -> Option<usize> {
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

    pub(super) fn close_p(&mut self) {
        if let Some(i) = self.find_in_button_scope("p") {
            self.pop_to(i, true);
        }
    }

    pub(super) fn top_is(&self, names: &[&str]) -> bool {
        self.open.last().is_some_and(|e| Self::is(e, names))
    }

    pub(super) fn pop_top(&mut self) {
        if let Some(i) = self.open.len().checked_sub(1) {
            self.pop_to(i, true);
        }
    }

    /// Pops elements that end by implication (`<p>`, `<li>`, `<option>`, ...) off the top.
    pub(super) fn generate_implied_end(&mut self, except: &str) {
        while let Some(e) = self.open.last() {
            if !Self::is(e, &IMPLIED_END) || e.name.eq_ignore_ascii_case(except) {
                break;
            }
            self.pop_top();
        }
    }

    /// Whether the current node is SVG or MathML other than an integration point, where start
    /// tags follow the rules for foreign content.
    pub(super) fn in_foreign(&self) -> bool {
        self.open
            .last()
            .is_some_and(|e| e.ns != Ns::Html && e.kind.flags & SPECIAL == 0)
    }

    /// Pops foreign elements down to an HTML element or an integration point.
    pub(super) fn break_out(&mut self) {
        while self.in_foreign() {
            self.pop_top();
        }
    }

    /// The innermost open element of a table's structure, which decides html5ever's table
    /// insertion modes: its index and name.
    pub(super) fn table_context(&self) -> Option<(usize, &'a str)> {
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
    pub(super) fn pop_above(&mut self, i: usize) {
        if i + 1 < self.open.len() {
            self.pop_to(i + 1, false);
        }
    }

    /// A start tag of a table's structure, in html5ever's table insertion modes. Returns
    /// whether the tag still has to be pushed.
    pub(super) fn table_start(&mut self, name: &'a str) -> Result<bool, FieldError> {
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
    pub(super) fn start(
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
    pub(super) fn text(&mut self) -> Result<(), FieldError> {
        if self.in_foreign() {
            Ok(())
        } else {
            self.reconstruct()
        }
    }

    /// An end tag.
    pub(super) fn end(&mut self, name: &str) {
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
