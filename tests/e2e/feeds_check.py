#!/usr/bin/env python3
"""What independent parsers make of the hub's feeds and sitemaps (tests/e2e/feeds.rs runs it).

    feeds_check.py feed PATH CONTENT_TYPE [PATH CONTENT_TYPE ...]
        Each feed parsed by feedparser, with the Content-Type it was served with (feedparser
        flags a feed served as something other than XML).
    feeds_check.py sitemap SCHEMA_DIR PATH [PATH ...]
        Each sitemap file or index validated by xmlschema against the sitemap protocol's XML
        Schema (sitemap.xsd for <urlset>, siteindex.xsd for <sitemapindex>), offline.

Prints one JSON list with a result per document; judging the results is the Rust test's job.
Exits non-zero only when a library is missing or the arguments are wrong.
"""

import html
import json
import sys
import time
import xml.etree.ElementTree as ET

try:
    import feedparser
    import xmlschema
except ImportError as e:
    sys.exit(f"feeds_check.py: {e}: run deploy/test-deps.sh (pip install feedparser xmlschema)")

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def iso(parsed):
    """A struct_time from feedparser as RFC 3339 in UTC, or None."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed) if parsed else None


def text_of(detail):
    """An element's text as a reader shows it: HTML is unescaped, plain text is as is."""
    if detail is None:
        return None
    value = detail.get("value")
    if value is not None and detail.get("type") == "text/html":
        value = html.unescape(value)
    return value


def check_feed(path, content_type):
    with open(path, "rb") as f:
        data = f.read()
    d = feedparser.parse(data, response_headers={"content-type": content_type})
    return {
        "bozo": int(bool(d.bozo)),
        "bozo_exception": repr(d.get("bozo_exception")) if d.bozo else None,
        "version": d.version,
        "title": d.feed.get("title"),
        "link": d.feed.get("link"),
        "updated": iso(d.feed.get("updated_parsed")),
        "entries": [
            {
                "title": e.get("title"),
                "link": e.get("link"),
                "id": e.get("id"),
                "published": iso(e.get("published_parsed")),
                "updated": iso(e.get("updated_parsed")),
                "author": e.get("author"),
                "tags": [t.get("term") for t in e.get("tags", [])],
                "summary": text_of(e.get("summary_detail")),
            }
            for e in d.entries
        ],
    }


def check_sitemap(schema_dir, path):
    tree = ET.parse(path)
    root = tree.getroot()
    kind = {SITEMAP_NS + "urlset": "urlset", SITEMAP_NS + "sitemapindex": "sitemapindex"}.get(
        root.tag
    )
    result = {"root": kind or root.tag, "valid": False, "errors": [], "locs": [], "lastmods": []}
    if kind is None:
        result["errors"].append(f"unexpected root element {root.tag}")
        return result
    xsd = "sitemap.xsd" if kind == "urlset" else "siteindex.xsd"
    schema = xmlschema.XMLSchema(f"{schema_dir}/{xsd}")
    result["errors"] = [str(e.reason or e) for e in schema.iter_errors(path)]
    result["valid"] = not result["errors"]
    entry = SITEMAP_NS + ("url" if kind == "urlset" else "sitemap")
    for el in root.iter(entry):
        loc = el.find(SITEMAP_NS + "loc")
        lastmod = el.find(SITEMAP_NS + "lastmod")
        result["locs"].append(loc.text if loc is not None else None)
        result["lastmods"].append(lastmod.text if lastmod is not None else None)
    return result


def main(argv):
    if len(argv) >= 3 and argv[0] == "feed" and len(argv) % 2 == 1:
        pairs = zip(argv[1::2], argv[2::2])
        print(json.dumps([check_feed(p, t) for p, t in pairs], ensure_ascii=False))
    elif len(argv) >= 3 and argv[0] == "sitemap":
        print(json.dumps([check_sitemap(argv[1], p) for p in argv[2:]], ensure_ascii=False))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
