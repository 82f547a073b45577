//! Reading one item file into a draft: bytes (legacy encodings converted), front matter or
//! JSON, and links to media files beside it rewritten to their content address. The folder
//! scan and `portal-agent publish FILE` both read files here.

use std::io::Read;
use std::path::{Component, Path};

use portal_core::{FieldError, ItemDraft};
use sha2::{Digest, Sha256};

use super::{default_id, extension, is_media_file};

/// An item file read into a draft.
#[derive(Debug, Clone)]
pub struct ItemFile {
    /// Media links already rewritten to `media:<sha256>`.
    pub draft: ItemDraft,
    /// The media files the body links to (each once): they must be queued for upload before
    /// the item, or the hub refuses it.
    pub media: Vec<LinkedMedium>,
}

/// A media file an item links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedMedium {
    /// Relative to the folder the item was read from, '/'-separated.
    pub rel: String,
    pub sha256: String,
    pub size: u64,
}

/// Why a file is not an item.
#[derive(Debug, Clone)]
pub struct NotAnItem {
    pub errors: Vec<FieldError>,
    /// Media files the body links to that do not exist (relative to the folder): the file is
    /// worth reading again when one appears. Empty when nothing but an edit can mend the file.
    pub missing_media: Vec<String>,
}

impl NotAnItem {
    fn one(field: &str, reason: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError::new(field, reason)],
            missing_media: Vec::new(),
        }
    }
}

impl std::fmt::Display for NotAnItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&why.join("; "))
    }
}

/// Reads the bytes of the item file `rel` (relative to `root`) into a draft: Unicode as it
/// should be, TCVN3 or VNI bytes from an old CMS converted (the conversion travels with the
/// item and is noted on its version), front matter or JSON parsed, the id defaulting to the
/// file name, and links to media files beside it rewritten to their content address. Media
/// links must stay inside `root`.
pub fn read_item(root: &Path, rel: &str, bytes: &[u8]) -> Result<ItemFile, NotAnItem> {
    let fallback = default_id(rel);
    let (text, conversion) = portal_core::legacy::decode_bytes(bytes)
        .map_err(|reason| NotAnItem::one("file", reason.to_string()))?;
    let mut draft = if extension(rel) == "json" {
        portal_core::front_matter::parse_item_json(&text, &fallback)
            .map_err(|e| NotAnItem::one("file", e.to_string()))?
    } else {
        portal_core::front_matter::parse_item_file(&text, &fallback)
            .map_err(|e| NotAnItem::one("front_matter", e.to_string()))?
    };
    let base = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    let (body, media) = link_media(&draft.body_markdown, root, base)?;
    draft.body_markdown = body;
    if let Some(c) = conversion {
        draft.notes.push(format!("file {rel}: {}", c.describe()));
    }
    Ok(ItemFile { draft, media })
}

/// Rewrites links and images that point at media files beside the item (`![Cầu](anh/cau.jpg)`)
/// into content-addressed references (`media:<sha256>`), which the hub serves. A referenced file
/// that does not exist is an error (the page would show a hole); every such file is named.
fn link_media(
    markdown: &str,
    root: &Path,
    base: &str,
) -> Result<(String, Vec<LinkedMedium>), NotAnItem> {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut out = markdown.to_string();
    let mut media: Vec<LinkedMedium> = Vec::new();
    let mut refused = NotAnItem {
        errors: Vec::new(),
        missing_media: Vec::new(),
    };
    for event in Parser::new(markdown) {
        let dest = match &event {
            Event::Start(Tag::Image { dest_url, .. })
            | Event::Start(Tag::Link { dest_url, .. }) => dest_url.to_string(),
            _ => continue,
        };
        let local = !(dest.contains("://")
            || dest.starts_with('/')
            || dest.starts_with('#')
            || dest.contains(':'));
        if !local || !is_media_file(&dest) {
            continue;
        }
        let Some(rel) = inside(base, &dest) else {
            refused.errors.push(FieldError::new(
                "body",
                format!("{dest}: media must be inside the content folder"),
            ));
            continue;
        };
        let sha = if let Some(m) = media.iter().find(|m| m.rel == rel) {
            m.sha256.clone()
        } else {
            match hash_file(&root.join(&rel)) {
                Ok((sha256, size)) => {
                    media.push(LinkedMedium {
                        rel,
                        sha256: sha256.clone(),
                        size,
                    });
                    sha256
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if !refused.missing_media.contains(&rel) {
                        refused.errors.push(FieldError::new(
                            "body",
                            format!("{dest}: file not found beside the item"),
                        ));
                        refused.missing_media.push(rel);
                    }
                    continue;
                }
                Err(e) => {
                    refused.errors.push(FieldError::new(
                        "body",
                        format!("{dest}: cannot be read ({e})"),
                    ));
                    continue;
                }
            }
        };
        out = out.replace(&format!("]({dest})"), &format!("](media:{sha})"));
        out = out.replace(&format!("]({dest} "), &format!("](media:{sha} "));
    }
    if refused.errors.is_empty() {
        Ok((out, media))
    } else {
        Err(refused)
    }
}

/// `dest` (a link in a file of folder `base`) as a path relative to the root, '/'-separated;
/// `None` when it climbs out of the root.
pub(super) fn inside(base: &str, dest: &str) -> Option<String> {
    let joined = Path::new(base).join(dest);
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// SHA-256 (hex) and length of a file, read in pieces so that a large video is never held in
/// memory whole.
pub(super) fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), len))
}
