//! What the tree builder needs to know of each element.

/// html5ever's formatting elements, which it reopens after an implied end.
pub(super) const FORMATTING: [&str; 14] = [
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

// What a tag name is to the tree builder.
pub(super) const SPECIAL: u16 = 1;
/// Ends the default scope (`applet caption html table td th marquee object template`, and
/// MathML/SVG integration points).
pub(super) const SCOPE: u16 = 2;
/// Ends the table scope (`html table template`).
pub(super) const TABLE_SCOPE: u16 = 4;
/// Inserts a marker in the list of active formatting elements.
pub(super) const MARKER: u16 = 8;
pub(super) const VOID: u16 = 16;
/// Closes an open `<p>` before it opens.
pub(super) const CLOSES_P: u16 = 32;
/// Part of a table's structure (`caption col colgroup tbody td tfoot th thead tr`).
pub(super) const TABLE_PART: u16 = 64;
pub(super) const IGNORED: u16 = 128;
pub(super) const HEADING: u16 = 256;
pub(super) const RAW_TEXT: u16 = 512;

#[derive(Clone, Copy)]
pub(super) struct Kind {
    pub(super) flags: u16,
    /// Index in [`FORMATTING`].
    pub(super) formatting: Option<usize>,
}

/// Classifies an HTML tag name (ASCII case-insensitive).
pub(super) fn kind(name: &str) -> Kind {
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
pub(super) enum Ns {
    Html,
    Svg,
    Math,
}

/// What a foreign (SVG, MathML) element is to the tree builder: the integration points are
/// special and end the default scope; no foreign element is a formatting element.
/// (`annotation-xml` is one only with some attributes; taking it for one keeps the stack
/// deeper: breaking out of foreign content stops there.)
pub(super) fn foreign_kind(name: &str, ns: Ns) -> Kind {
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
pub(super) fn breaks_out(name: &str) -> bool {
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
pub(super) fn reconstructs(name: &str, k: Kind) -> bool {
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
pub(super) const IMPLIED_END: [&str; 10] = [
    "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc",
];

pub(super) struct Open<'a> {
    pub(super) name: &'a str,
    pub(super) kind: Kind,
    pub(super) ns: Ns,
    /// Tells elements apart, for the list of active formatting elements.
    pub(super) id: u32,
}

/// An entry of html5ever's list of active formatting elements.
#[derive(Clone, Copy)]
pub(super) enum Active<'a> {
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
