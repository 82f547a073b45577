"""Helpers of the sample-content generator (see generate.py): item files, small PDFs, legacy text."""

import hashlib
import json
import os
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # deploy/demo
CONTENT = os.path.join(ROOT, "content")
MEDIA = os.path.join(ROOT, "media")

SOURCES = {
    "vpubnd": ("Văn phòng UBND tỉnh Bến Tre", "https://vpubnd.bentre.gov.vn"),
    "skhdt": ("Sở Kế hoạch và Đầu tư tỉnh Bến Tre", "https://skhdt.bentre.gov.vn"),
    "stc": ("Sở Tài chính tỉnh Bến Tre", "https://stc.bentre.gov.vn"),
    "chauthanh": ("Ủy ban nhân dân huyện Châu Thành", "https://chauthanh.bentre.gov.vn"),
    "thanhphu": ("Ủy ban nhân dân huyện Thạnh Phú", "https://thanhphu.bentre.gov.vn"),
    "bqlkcn": ("Ban Quản lý các khu công nghiệp tỉnh Bến Tre", "https://bqlkcn.bentre.gov.vn"),
}

# Every file this generator wrote, so that a re-run removes files it no longer makes.
MANIFEST = os.path.join(ROOT, "gen", "generated.txt")
written = []


def ascii_fold(s):
    s = s.replace("đ", "d").replace("Đ", "D").replace("–", "-").replace("—", "-")
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if not unicodedata.combining(c) and ord(c) < 128)


def pdf(lines):
    """A one-page PDF (Helvetica, ASCII) holding `lines`, with a correct cross-reference table."""
    esc = lambda t: ascii_fold(t).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td", "/F2 13 Tf", "(%s) Tj" % esc(lines[0]), "T*", "/F1 11 Tf"]
    for line in lines[1:]:
        ops += ["(%s) Tj" % esc(line), "T*"]
    ops += ["T*", "(Tai lieu minh hoa cho ban demo - khong co gia tri phap ly.) Tj", "ET"]
    stream = "\n".join(ops).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def media_pdf(slug, name, lines):
    """Writes deploy/demo/media/<slug>/tep/<name>.pdf; returns (relative link, sha256 hex)."""
    data = pdf(lines)
    path = os.path.join(MEDIA, slug, "tep", name + ".pdf")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    written.append(os.path.relpath(path, ROOT))
    return "tep/%s.pdf" % name, hashlib.sha256(data).hexdigest()


def q(v):
    return json.dumps(v, ensure_ascii=False)


def item(slug, id, title, category, published_at, body, summary=None, author=None, tags=(),
         record=None, language="vi", translation=None, source_url=None, source=None):
    """The text of one Markdown item file (YAML front matter)."""
    src_name, base = SOURCES[slug]
    fm = ["---", "id: " + id, "title: " + q(title), "category: " + category, "language: " + language]
    fm.append("author: " + q(author or "Văn phòng"))
    fm.append("source: " + q(source or src_name))
    # The unit's own items need no source link: the hub now serves <slug>.bentre.gov.vn itself, so
    # a link to the old component portal's page there would be a broken link on the portal.
    if source_url:
        fm.append("source_url: " + q(source_url))
    if len(published_at) == 10:
        published_at += "T08:00:00+07:00"
    fm.append("published_at: " + published_at)
    if summary:
        fm.append("summary: " + q(summary))
    if tags:
        fm.append("tags: [" + ", ".join(q(t) for t in tags) + "]")
    if translation:
        fm.append("translation: " + translation)
    if record:
        fm.append("record:")
        for k, v in record.items():
            if v is None:
                continue
            if isinstance(v, list):
                fm.append("  %s:" % k)
                for row in v:
                    fm.append("    - " + q(row))
            else:
                fm.append("  %s: %s" % (k, q(v)))
    fm.append("---")
    return "\n".join(fm) + "\n" + body.strip() + "\n"


def write(slug, id, text, encoding=None):
    path = os.path.join(CONTENT, slug, id + ".md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode("utf-8") if encoding is None else encoding(text)
    with open(path, "wb") as f:
        f.write(data)
    written.append(os.path.relpath(path, ROOT))


# TCVN3 (ABC) bytes 0xA0..0xFF, as in crates/portal-core/src/legacy.rs. Toned capitals have no
# byte of their own: they are typed with the lower-case byte (the hub restores the capital at the
# start of a sentence), so sample text in TCVN3 only has them there.
_TCVN3 = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđ\0"
    "\0\0\0\0\0àảãáạ\0ằẳẵắ\0"
    "\0\0\0\0\0\0ặầẩẫấậè\0ẻẽ"
    "éẹềểễếệìỉ\0\0\0ĩíịò"
    "\0ỏõóọồổỗốộờởỡớợù"
    "\0ủũúụừửữứựỳỷỹýỵ\0"
)
_TCVN3_MAP = {c: 0xA0 + i for i, c in enumerate(_TCVN3) if c not in "\0\u00a0"}


def tcvn3(text):
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        if ord(c) < 128:
            out.append(ord(c))
        elif c in _TCVN3_MAP:
            out.append(_TCVN3_MAP[c])
        elif c.lower() in _TCVN3_MAP:
            out.append(_TCVN3_MAP[c.lower()])
        else:
            raise ValueError("no TCVN3 byte for %r" % c)
    return bytes(out)


def tcvn3_seen_as_cp1252(text):
    """TCVN3 bytes that a tool on the way decoded as Windows-1252, saved as UTF-8 ("ViÖt Nam")."""
    return tcvn3(text).decode("cp1252").encode("utf-8")


def nfd(text):
    return unicodedata.normalize("NFD", text).encode("utf-8")
