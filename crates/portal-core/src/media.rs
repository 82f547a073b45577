//! Media (Art 5: images, audio, video, graphics, documents): the formats the portal accepts
//! (Circular 39/2017/TT-BTTTT), recognised by their content, never by their file name; size
//! limits per kind; and the references items make to uploaded media (`media:<sha256>`).

use crate::FieldError;

/// What a medium is, for limits and presentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Document,
    Audio,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Document => "document",
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }

    /// Largest accepted object of this kind, in bytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            Self::Image => 20 << 20,
            Self::Document => 100 << 20,
            Self::Audio => 200 << 20,
            Self::Video => 2 << 30,
        }
    }
}

/// A recognised format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaType {
    pub mime: &'static str,
    pub kind: MediaKind,
}

/// Bytes needed from the start of a file to recognise its type.
pub const SNIFF_BYTES: usize = 16;

/// Recognises a format from the first bytes of its content.
pub fn sniff(head: &[u8]) -> Option<MediaType> {
    let t = |mime, kind| Some(MediaType { mime, kind });
    match head {
        [0xFF, 0xD8, 0xFF, ..] => t("image/jpeg", MediaKind::Image),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => t("image/png", MediaKind::Image),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => t("image/gif", MediaKind::Image),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => t("image/webp", MediaKind::Image),
        [b'%', b'P', b'D', b'F', b'-', ..] => t("application/pdf", MediaKind::Document),
        [b'I', b'D', b'3', ..] => t("audio/mpeg", MediaKind::Audio),
        // MPEG audio frame sync (layer III) without an ID3 tag.
        [0xFF, b, ..] if b & 0xE6 == 0xE2 => t("audio/mpeg", MediaKind::Audio),
        // AAC in ADTS frames.
        [0xFF, b, ..] if b & 0xF6 == 0xF0 => t("audio/aac", MediaKind::Audio),
        [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..] => {
            if brand.starts_with(b"M4A ") || brand.starts_with(b"M4B ") {
                t("audio/mp4", MediaKind::Audio)
            } else {
                t("video/mp4", MediaKind::Video)
            }
        }
        _ => None,
    }
}

/// The scheme items use to point at uploaded media: `media:<64 hex digits>`.
pub const MEDIA_SCHEME: &str = "media:";

/// Whether `s` is a lower-case hex SHA-256.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A medium an item refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    pub sha256: String,
    /// Alt text for images (empty for links).
    pub alt: String,
    pub is_image: bool,
}

/// Finds the media an item's Markdown refers to, and checks that every image has alt text
/// (WCAG 1.1.1); a `media:` reference that is not a SHA-256 is an error too.
pub fn media_refs(markdown: &str) -> Result<Vec<MediaRef>, Vec<FieldError>> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    // Every image is written `![`, every media link names `media:`: without either there is
    // nothing to find, and most articles need no parse here.
    if !markdown.contains("![") && !markdown.contains(MEDIA_SCHEME) {
        return Ok(Vec::new());
    }
    // pulldown-cmark's parse is slow on deeply nested block quotes and lists: such a body is
    // refused for that before it is parsed.
    crate::markdown_limits::block_shape(markdown).map_err(|e| vec![e])?;
    let mut refs = Vec::new();
    let mut errors = Vec::new();
    // (destination, alt text so far) of the image being read.
    let mut image: Option<(String, String)> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((dest_url.to_string(), String::new()))
            }
            Event::Text(t) | Event::Code(t) if image.is_some() => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((dest, alt)) = image.take() {
                    let alt = crate::text::normalize_line(&alt);
                    if alt.is_empty() {
                        errors.push(FieldError::new("body", format!("image {dest} has no alt text; describe it for readers who cannot see it")));
                    }
                    if let Some(sha) = dest.strip_prefix(MEDIA_SCHEME) {
                        push_ref(&mut refs, &mut errors, sha, alt, true);
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(sha) = dest_url.strip_prefix(MEDIA_SCHEME) {
                    push_ref(&mut refs, &mut errors, sha, String::new(), false);
                }
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(refs)
    } else {
        Err(errors)
    }
}

/// Checks that every image raw HTML puts on a page has alt text, as Markdown images must
/// (`media_refs`): `<img>` in any case and attribute order, in HTML blocks or inline, and
/// `<image>`, which HTML parsers turn into `<img>`. Decided on the sanitised HTML, which is what
/// reaches the page, so markup the sanitiser drops or rewrites cannot hide an image or fake its
/// alt text. Only a body containing `<im` (any case) is rendered for this. A body over the
/// structural limits gets that error instead (see [`crate::markdown_limits`]).
pub fn html_images_without_alt(markdown: &str) -> Vec<FieldError> {
    let has_tag = markdown
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'<' && w[1..].eq_ignore_ascii_case(b"im"));
    if !has_tag {
        return Vec::new();
    }
    let html = match crate::render::sanitized_raw_html_only(markdown) {
        Ok(html) => html,
        Err(e) => return vec![e],
    };
    let mut errors = Vec::new();
    for img in crate::render::serialized_images(&html) {
        if img.alt.as_deref().is_some_and(|a| !a.trim().is_empty()) {
            continue;
        }
        let src = img.src.unwrap_or_default();
        let src: String = if src.chars().count() > 120 {
            src.chars().take(120).chain("…".chars()).collect()
        } else {
            src
        };
        let what = if src.is_empty() {
            "an HTML <img> without src".to_string()
        } else {
            format!("HTML image {src}")
        };
        let e = FieldError::new(
            "body",
            format!(
                "{what} has no alt text; add alt=\"...\" describing it for readers who cannot \
                 see it"
            ),
        );
        if !errors.contains(&e) {
            errors.push(e);
        }
    }
    errors
}

fn push_ref(
    refs: &mut Vec<MediaRef>,
    errors: &mut Vec<FieldError>,
    sha: &str,
    alt: String,
    is_image: bool,
) {
    if is_sha256_hex(sha) {
        if !refs.iter().any(|r| r.sha256 == sha) {
            refs.push(MediaRef {
                sha256: sha.to_string(),
                alt,
                is_image,
            });
        }
    } else {
        errors.push(FieldError::new(
            "body",
            format!("{MEDIA_SCHEME}{sha} is not a SHA-256 media reference"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_by_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().mime, "image/jpeg");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap().mime, "image/png");
        assert_eq!(sniff(b"GIF89a...").unwrap().mime, "image/gif");
        assert_eq!(sniff(b"%PDF-1.7\n").unwrap().kind, MediaKind::Document);
        assert_eq!(sniff(b"ID3\x04\0\0").unwrap().mime, "audio/mpeg");
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x00]).unwrap().mime, "audio/mpeg");
        assert_eq!(sniff(&[0xFF, 0xF1, 0x50, 0x80]).unwrap().mime, "audio/aac");
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0").unwrap().mime, "video/mp4");
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A \0\0").unwrap().mime, "audio/mp4");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap().mime, "image/webp");
        // An HTML or script file named .jpg is not an image.
        assert!(sniff(b"<html><script>").is_none());
        assert!(sniff(b"MZ\x90\0").is_none());
        assert!(sniff(b"").is_none());
    }

    #[test]
    fn images_need_alt_text_and_refs_are_found_once() {
        let sha = "a".repeat(64);
        let md = format!(
            "![Cầu Rạch Miễu](media:{sha}) và [báo cáo](media:{sha}) ![Ảnh](https://x/y.png)"
        );
        let refs = media_refs(&md).unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].alt, "Cầu Rạch Miễu");
        let errs = media_refs(&format!("![](media:{sha})")).unwrap_err();
        assert!(errs[0].reason.contains("alt text"));
        let errs = media_refs("[x](media:not-a-hash)").unwrap_err();
        assert_eq!(errs[0].field, "body");
        // Reference-style images and media links are found too; plain text has nothing.
        let errs = media_refs("Xem ![][anh].\n\n[anh]: https://x/y.png").unwrap_err();
        assert!(errs[0].reason.contains("alt text"));
        let refs = media_refs(&format!("Tải [tệp][t].\n\n[t]: media:{sha}")).unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(
            media_refs("Văn bản **thường** với [liên kết](https://x/).").unwrap(),
            []
        );
    }

    #[test]
    fn raw_html_images_need_alt_text() {
        let errs = html_images_without_alt("Xem <img src=\"https://x/a.png\"> nhé.");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].field, "body");
        assert!(
            errs[0].reason.contains("https://x/a.png"),
            "{}",
            errs[0].reason
        );
        assert!(errs[0].reason.contains("alt text"), "{}", errs[0].reason);
        // Any case, any attribute order, HTML blocks, empty or blank alt, `<image>`.
        for body in [
            "<div>\n<IMG ALT=\"\" SRC=https://x/b.png>\n</div>",
            "<p><img\n  class=x\n  src='https://x/c.png'\n  alt=\"  \"></p>",
            "Một <image src=https://x/d.png> ảnh",
            "| a |\n|---|\n| <img src=https://x/e.png> |",
        ] {
            assert_eq!(html_images_without_alt(body).len(), 1, "{body}");
        }
        // With alt text, or where the image is only text (code, escaped), nothing is wrong.
        for body in [
            "<img alt=\"Cầu Hàm Luông\" src=https://x/f.png>",
            "<IMG SRC=https://x/g.png ALT='Bản đồ'>",
            "Mã `<img src=x>` và\n\n    <img src=y>\n\n&lt;img src=z&gt;",
            "![Ảnh có mô tả](https://x/h.png)",
        ] {
            assert_eq!(html_images_without_alt(body), [], "{body}");
        }
        // A Markdown image without alt is reported by media_refs, not twice.
        assert_eq!(html_images_without_alt("![](https://x/i.png)"), []);
    }

    #[test]
    fn ingest_rejects_raw_images_without_alt_text() {
        let draft = crate::ItemDraft {
            id: "tin-2026-002".into(),
            title: "Ảnh".into(),
            category: "news".into(),
            language: "vi".into(),
            author: "A".into(),
            source: "B".into(),
            published_at_ms: 1_700_000_000_000,
            body_markdown: "Ảnh hiện trường:\n\n<img src=\"https://x/j.png\" width=300>".into(),
            ..Default::default()
        };
        let errors = draft.validate(1_800_000_000_000).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "body");
        assert!(
            errors[0].reason.contains("https://x/j.png"),
            "{}",
            errors[0].reason
        );
        let mut fixed = draft.clone();
        fixed.body_markdown =
            "Ảnh hiện trường:\n\n<img alt=\"Hiện trường\" src=\"https://x/j.png\">".into();
        assert!(fixed.validate(1_800_000_000_000).is_ok());
    }
}
