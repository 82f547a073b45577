//! Every vector of the XSS corpus, through the same Markdown → HTML → sanitiser path items
//! take: nothing active may survive, and sanitising twice changes nothing.

use portal_core::render::{markdown_to_safe_html, sanitize_html};

fn corpus() -> Vec<String> {
    include_str!("xss_corpus.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.replace("PAYLOAD", "document.title='PWNED'"))
        .collect()
}

/// Active content in sanitised HTML: a tag or attribute that can run code or load a document.
/// Only markup is inspected (text is escaped by the sanitiser and cannot run).
fn active(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    const TAGS: &[&str] = &[
        "script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base",
        "form", "input", "button", "select", "textarea", "frameset", "frame", "applet", "template",
        "noscript", "video", "audio", "source", "marquee", "isindex", "body",
    ];
    for tag in lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if TAGS.contains(&name.as_str()) {
            return Some(format!("<{name}>"));
        }
        // Attributes: split on whitespace; any on* attribute or dangerous value is active.
        for attr in tag.split_whitespace().skip(1) {
            let attr_name: String = attr.chars().take_while(|c| *c != '=').collect();
            if attr_name.starts_with("on")
                || ["style", "srcdoc", "formaction", "background"].contains(&attr_name.as_str())
            {
                return Some(format!("attribute {attr_name}"));
            }
        }
        for needle in [
            "javascript:",
            "vbscript:",
            "data:text/html",
            "data:image/svg",
            "expression(",
        ] {
            if tag.contains(needle) {
                return Some(needle.to_string());
            }
        }
    }
    None
}

#[test]
fn no_vector_survives_sanitising() {
    let vectors = corpus();
    assert!(vectors.len() >= 70, "corpus has {} vectors", vectors.len());
    for v in &vectors {
        let html = markdown_to_safe_html(v);
        assert_eq!(
            active(&html),
            None,
            "vector {v:?} left active content: {html}"
        );
        assert_eq!(
            sanitize_html(&html),
            html,
            "sanitising is not idempotent for {v:?}"
        );
    }
    // All at once, as one body.
    let all = markdown_to_safe_html(&vectors.join("\n\n"));
    assert_eq!(active(&all), None, "{all}");
}

#[test]
fn the_checker_itself_catches_active_content() {
    assert!(active("<p onclick=\"x\">a</p>").is_some());
    assert!(active("<p>&lt;script&gt; javascript: is only text here</p>").is_none());
    assert!(active("<a href=\"javascript:x\">a</a>").is_some());
    assert!(active("<svg></svg>").is_some());
    assert!(active("<p>Một đoạn văn <strong>an toàn</strong> với <a href=\"https://bentre.gov.vn\">liên kết</a>.</p>").is_none());
}
