//! Markdown to HTML, then an allow-list sanitiser: no script, event handler, style or foreign
//! namespace (SVG, MathML) from an item ever reaches a page.

use std::sync::LazyLock;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    b
});

/// Renders Markdown (CommonMark with tables and strikethrough) and sanitises the result.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, html};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    // Uploaded media are referenced as `media:<sha256>` and served by the hub at /media/<sha256>.
    let parser = Parser::new_ext(markdown, opts).map(|event| match event {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: hub_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: hub_url(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    sanitize_html(&raw)
}

/// Where a `media:<sha256>` reference is served; other destinations are kept.
fn hub_url(dest: pulldown_cmark::CowStr<'_>) -> pulldown_cmark::CowStr<'_> {
    match dest.strip_prefix(crate::media::MEDIA_SCHEME) {
        Some(sha) => format!("/media/{sha}").into(),
        None => dest,
    }
}

/// Sanitises HTML with the project's allow-list.
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
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
}
