//! Markdown to HTML, then an allow-list sanitiser: no script, event handler, style or foreign
//! namespace (SVG, MathML) from an item ever reaches a page.

use std::sync::LazyLock;

use crate::FieldError;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    b
});

/// What a page shows instead of a body it cannot render in time: a body nested deeper than
/// the limits of [`crate::markdown_limits`] (stored before ingest enforced them). Rendering such
/// a body would hold a thread for seconds to minutes.
pub const UNRENDERABLE_NOTICE: &str = "<p>Nội dung này không thể hiển thị vì văn bản lồng nhau \
     quá sâu (trích dẫn, danh sách hoặc thẻ HTML).</p>";

/// Renders Markdown (CommonMark with tables and strikethrough) and sanitises the result. A body
/// over the structural limits becomes [`UNRENDERABLE_NOTICE`]; the time taken is linear in the
/// body's size either way.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    try_markdown_to_safe_html(markdown).unwrap_or_else(|_| UNRENDERABLE_NOTICE.to_string())
}

/// Like [`markdown_to_safe_html`], but says why a body cannot be rendered (the field error
/// ingest gives for it), for callers that log it.
pub fn try_markdown_to_safe_html(markdown: &str) -> Result<String, FieldError> {
    // The block check comes first: pulldown-cmark's own parse is slow on deep containers.
    crate::markdown_limits::block_shape(markdown)?;
    let raw = markdown_to_raw_html(markdown);
    crate::markdown_limits::check_html_within(&raw, markdown.len())?;
    Ok(clean(&raw))
}

/// The HTML pulldown-cmark makes of a body, before sanitising (what the sanitiser parses).
/// Callers check [`crate::markdown_limits::block_shape`] first.
pub(crate) fn markdown_to_raw_html(markdown: &str) -> String {
    to_html(markdown, true)
}

/// The body's HTML without the images written in Markdown, sanitised as for a page but with
/// images left as they are: what raw HTML puts on a page. `Err` when the body is over the
/// structural limits.
pub(crate) fn sanitized_raw_html_only(markdown: &str) -> Result<String, FieldError> {
    crate::markdown_limits::block_shape(markdown)?;
    let raw = to_html(markdown, false);
    crate::markdown_limits::check_html_within(&raw, markdown.len())?;
    Ok(SANITIZER.clean(&raw).to_string())
}

fn to_html(markdown: &str, markdown_images: bool) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    // Uploaded media are referenced as `media:<sha256>` and served by the hub at /media/<sha256>.
    let parser = Parser::new_ext(markdown, opts).filter_map(|event| match event {
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) if !markdown_images => None,
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Some(Event::Start(Tag::Image {
            link_type,
            dest_url: hub_url(dest_url),
            title,
            id,
        })),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Some(Event::Start(Tag::Link {
            link_type,
            dest_url: hub_url(dest_url),
            title,
            id,
        })),
        other => Some(other),
    });
    // The page's title is its only h1: a body's headings are moved so that its highest level
    // is h2 and the rest keep their distances (authors write `#` or `##` for their sections).
    let events: Vec<Event<'_>> = parser.collect();
    let top = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min();
    let shift = |level| match top {
        Some(top) => heading_level(level as usize + 2 - top),
        None => level,
    };
    let events = events.into_iter().map(|e| match e {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events);
    raw
}

/// The heading of level `n`, kept within h2..h6.
fn heading_level(n: usize) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match n {
        0..=2 => H2,
        3 => H3,
        4 => H4,
        5 => H5,
        _ => H6,
    }
}

/// Where a `media:<sha256>` reference is served; other destinations are kept.
fn hub_url(dest: pulldown_cmark::CowStr<'_>) -> pulldown_cmark::CowStr<'_> {
    match dest.strip_prefix(crate::media::MEDIA_SCHEME) {
        Some(sha) => format!("/media/{sha}").into(),
        None => dest,
    }
}

/// Sanitises HTML with the project's allow-list. HTML nested deeper than
/// [`crate::markdown_limits::MAX_HTML_NESTING`] becomes [`UNRENDERABLE_NOTICE`] (the sanitiser's
/// parser is quadratic in the depth).
pub fn sanitize_html(html: &str) -> String {
    try_sanitize_html(html).unwrap_or_else(|_| UNRENDERABLE_NOTICE.to_string())
}

/// Like [`sanitize_html`], but says why HTML is refused.
pub fn try_sanitize_html(html: &str) -> Result<String, FieldError> {
    crate::markdown_limits::check_html(html)?;
    Ok(clean(html))
}

/// The sanitiser, then alt text for images without (HTML already checked).
fn clean(html: &str) -> String {
    give_images_alt(&SANITIZER.clean(html).to_string())
}

/// Gives every image without an `alt` attribute an empty one.
///
/// Ingest rejects such images (every image needs a description, WCAG 1.1.1), so only versions
/// stored before that rule have them. For those, `alt=""` is the least bad choice: without the
/// attribute a screen reader reads out the image's address instead (for uploaded media a
/// 64-digit hash), which tells the listener nothing; with it the image is skipped, as a
/// decorative one, while sighted readers still see what the publisher published. Dropping the
/// image would take it from everyone, and a made-up generic description would be as empty as
/// the address while pretending otherwise.
fn give_images_alt(html: &str) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut done = 0;
    for img in serialized_images(html) {
        if img.alt.is_none() {
            out.push_str(&html[done..img.close]);
            out.push_str(" alt=\"\"");
            done = img.close;
        }
    }
    out.push_str(&html[done..]);
    out
}

/// An `<img>` in HTML as the sanitiser writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SerializedImage {
    /// Byte index of the tag's closing `>`.
    pub close: usize,
    /// Attribute values, entities decoded.
    pub src: Option<String>,
    pub alt: Option<String>,
}

/// The `<img>` tags of sanitised HTML. html5ever's serialisation is regular: text never holds
/// a raw `<` (it is written `&lt;`), comments are stripped, names are lower case and every
/// attribute is written `name="value"` with `"` as `&quot;` (a `>` may stay raw inside a
/// value, which is why the values are read and not skipped with a search for `>`).
pub(crate) fn serialized_images(html: &str) -> Vec<SerializedImage> {
    let b = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|c| *c == b'<') {
        let mut j = i + p + 1;
        let name_start = j;
        while j < b.len() && !matches!(b[j], b' ' | b'>' | b'/') {
            j += 1;
        }
        let is_img = &b[name_start..j] == b"img";
        let (mut src, mut alt) = (None, None);
        // Attributes up to the closing `>`.
        loop {
            while j < b.len() && matches!(b[j], b' ' | b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let attr_start = j;
            while j < b.len() && !matches!(b[j], b'=' | b' ' | b'>') {
                j += 1;
            }
            let attr = &html[attr_start..j];
            let mut value = None;
            if b.get(j) == Some(&b'=') && b.get(j + 1) == Some(&b'"') {
                let v = j + 2;
                let e = b[v..]
                    .iter()
                    .position(|c| *c == b'"')
                    .map_or(b.len(), |q| v + q);
                value = Some(decode_entities(&html[v..e]));
                j = (e + 1).min(b.len());
            }
            match attr {
                "src" => src = value.or(Some(String::new())),
                "alt" => alt = value.or(Some(String::new())),
                _ => {}
            }
        }
        if is_img && j < b.len() {
            found.push(SerializedImage { close: j, src, alt });
        }
        i = (j + 1).min(b.len());
    }
    found
}

/// Decodes the entities html5ever writes in attribute values.
fn decode_entities(v: &str) -> String {
    if !v.contains('&') {
        return v.to_string();
    }
    v.replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_do_not_survive() {
        let out = markdown_to_safe_html(
            "Xin chào <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))\n\n<svg onload=alert(1)></svg>",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("<svg"), "{out}");
        assert!(out.contains("Xin chào"));
    }

    #[test]
    fn body_headings_start_below_the_page_title() {
        let out = markdown_to_safe_html("# Một\n\n## Hai\n\n###### Sáu");
        assert_eq!(out, "<h2>Một</h2>\n<h3>Hai</h3>\n<h6>Sáu</h6>\n");
        // Sections written as `##` stay h2; a body that starts at h4 moves up to h2.
        let out = markdown_to_safe_html("## Một\n\n### Hai");
        assert_eq!(out, "<h2>Một</h2>\n<h3>Hai</h3>\n");
        let out = markdown_to_safe_html("#### Một\n\n##### Hai\n\nchữ");
        assert_eq!(out, "<h2>Một</h2>\n<h3>Hai</h3>\n<p>chữ</p>\n");
    }

    #[test]
    fn media_references_point_at_the_hub() {
        let sha = "b".repeat(64);
        let out = markdown_to_safe_html(&format!("![Bến Tre](media:{sha})"));
        assert!(out.contains(&format!("src=\"/media/{sha}\"")), "{out}");
        assert!(out.contains("alt=\"Bến Tre\""), "{out}");
    }

    #[test]
    fn sanitising_is_idempotent() {
        let once = markdown_to_safe_html("| a | b |\n|---|---|\n| <b onclick=x>1</b> | 2 |");
        assert_eq!(sanitize_html(&once), once);
        assert!(once.contains("<table>"));
    }

    #[test]
    fn ordinary_bodies_render_as_before() {
        let mut lists = String::new();
        for k in 0..10 {
            lists.push_str(&format!("{}- mức **{k}**\n", "  ".repeat(k)));
        }
        let bodies = [
            lists,
            "- a\n  > trích dẫn trong danh sách\n  > > sâu hơn\n\n- b\n\n  1. c".to_string(),
            "> # Tiêu đề\n>\n> - *x* [liên kết](https://x/)\n\n---\n\n```\ncode <b>\n```".to_string(),
            "| a | b |\n|:-|-:|\n| ~~x~~ | `y` |\n\n![Bến Tre](media:{sha})".to_string(),
            "<div><table><tr><td><b>Cũ</b><br>dòng<td><img alt=\"Cầu\" src=\"https://x/c.jpg\"></table></div>"
                .to_string(),
        ];
        for body in bodies {
            let body = body.replace("{sha}", &"c".repeat(64));
            // What rendering was: Markdown, then the sanitiser.
            let before = SANITIZER.clean(&to_html(&body, true)).to_string();
            assert_eq!(markdown_to_safe_html(&body), before, "{body}");
        }
    }

    #[test]
    fn a_stored_body_over_the_limits_renders_as_the_notice() {
        let deep = "> ".repeat(10_000);
        assert_eq!(markdown_to_safe_html(&deep), UNRENDERABLE_NOTICE);
        let err = try_markdown_to_safe_html(&deep).unwrap_err();
        assert_eq!(err.field, "body");
        assert_eq!(sanitize_html(&"<div>".repeat(10_000)), UNRENDERABLE_NOTICE);
        // The notice is safe HTML as it is.
        assert_eq!(
            SANITIZER.clean(UNRENDERABLE_NOTICE).to_string(),
            UNRENDERABLE_NOTICE
        );
    }

    #[test]
    fn stored_images_without_alt_get_an_empty_one() {
        let out = markdown_to_safe_html(
            "Ảnh <IMG SRC=\"https://x/a.png\" title=\"a>b\">\n\n<div><img src=https://x/b.png></div>",
        );
        assert_eq!(out.matches("alt=\"\"").count(), 2, "{out}");
        assert!(
            out.contains("<img src=\"https://x/a.png\" title=\"a&gt;b\" alt=\"\">"),
            "{out}"
        );
        // Images with alt text keep it; the result is stable under sanitising again.
        let out = markdown_to_safe_html("<img alt=\"Cầu Rạch Miễu\" src=\"https://x/c.png\">");
        assert!(out.contains("alt=\"Cầu Rạch Miễu\""), "{out}");
        assert!(!out.contains("alt=\"\""), "{out}");
        assert_eq!(sanitize_html(&out), out);
    }

    #[test]
    fn serialized_images_are_read_with_their_attributes() {
        let html = "<p title=\"<img src=no>\">x</p><img src=\"/a?b=1&amp;c=&quot;2&quot;\" alt=\"A &gt; B\"><img>";
        let imgs = serialized_images(html);
        assert_eq!(imgs.len(), 2, "{imgs:?}");
        assert_eq!(imgs[0].src.as_deref(), Some("/a?b=1&c=\"2\""));
        assert_eq!(imgs[0].alt.as_deref(), Some("A > B"));
        assert_eq!(imgs[1].src, None);
        assert_eq!(&html[imgs[1].close..], ">");
    }
}
