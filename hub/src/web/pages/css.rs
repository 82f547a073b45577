//! The one stylesheet: readable type, AA contrast (4.5:1 for text, 3:1 for focus rings and
//! controls), a visible focus everywhere (a 3 px ring, dark on the white page and yellow on the
//! red header, where a dark ring would not show), one column on a 360 px phone and at 200 %
//! zoom (nothing has a fixed width, long words and addresses break, code wraps; wide tables
//! scroll inside their own focusable region), and a print view of every page (content only,
//! link addresses written out). `tests/e2e/accessibility.rs` checks all of this in Chromium.

pub const SITE_CSS: &str = r#"
:root { --ink:#1a1a1a; --muted:#4a4a4a; --brand:#8f1a1a; --bg:#fff; --line:#c8c8c8; --link:#0b4f8a; --focus:#1a1a1a; --focus-on-dark:#ffd33d; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; font: 17px/1.6 system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color:var(--ink); background:var(--bg); overflow-wrap:anywhere; }
a { color:var(--link); }
:focus-visible { outline:3px solid var(--focus); outline-offset:2px; }
header.site :focus-visible { outline-color:var(--focus-on-dark); }
.skip:focus-visible { outline-color:var(--focus); box-shadow:0 0 0 6px var(--focus-on-dark); }
.vh { position:absolute !important; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
.skip { position:absolute; left:-999px; top:0; background:#fff; color:var(--link); padding:.5em 1em; z-index:10; }
.skip:focus { left:1em; top:.5em; }
header.site { background:var(--brand); color:#fff; padding:.75em 1.25em; display:flex; flex-wrap:wrap; gap:.5em 1.5em; align-items:center; justify-content:space-between; }
header.site a { color:#fff; }
header.site .brand p { margin:0; }
.site-name { font-size:1.25em; font-weight:700; }
.tenant-name { font-size:1.05em; }
.tools { display:flex; flex-wrap:wrap; gap:.5em 1em; align-items:center; }
.tools p { margin:0; }
form.search { display:flex; gap:.3em; }
form.search input { font:inherit; padding:.25em .5em; border:1px solid #fff; border-radius:3px; min-width:0; width:14em; max-width:100%; }
button { font:inherit; padding:.3em .9em; border:1px solid #5c0f0f; background:#5c0f0f; color:#fff; border-radius:3px; cursor:pointer; }
nav.menu { flex-basis:100%; }
nav.menu ul { list-style:none; margin:0; padding:0; display:flex; gap:.25em 1.25em; flex-wrap:wrap; }
nav.menu a { text-decoration:none; padding:.2em 0; display:inline-block; }
nav.menu a:hover, nav.menu a[aria-current] { text-decoration:underline; text-underline-offset:.25em; }
nav.crumbs { max-width:60em; margin:0 auto; padding:.5em 1.25em 0; font-size:.92em; }
nav.crumbs ol { list-style:none; margin:0; padding:0; display:flex; flex-wrap:wrap; }
nav.crumbs li + li::before { content:"›"; padding:0 .5em; color:var(--muted); }
main { max-width:60em; margin:0 auto; padding:1em 1.25em 3em; }
main:focus { outline:none; }
h1 { font-size:1.7em; line-height:1.3; margin:.4em 0 .6em; }
h2 { font-size:1.3em; line-height:1.3; border-bottom:2px solid var(--brand); padding-bottom:.2em; margin-top:1.6em; }
h3 { font-size:1.1em; }
.home { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(100%, 24em), 1fr)); gap:0 2em; }
ul.items { list-style:none; padding:0; margin:0; }
ul.items li { border-bottom:1px solid var(--line); padding:.6em 0; }
ul.items h2, ul.items h3 { margin:0; font-size:1.05em; border:0; padding:0; }
ul.items p { margin:.2em 0; }
p.more { margin:.5em 0 1em; }
ul.tenants, ul.categories { columns:2 16em; padding-left:1.2em; }
.meta, .count { color:var(--muted); font-size:.92em; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:.2em 1em; }
dl.meta dt { font-weight:600; } dl.meta dd { margin:0; }
.body table { border-collapse:collapse; } .body td, .body th { border:1px solid var(--line); padding:.3em .6em; }
.body img, .body video { max-width:100%; height:auto; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; }
.body pre { background:#f6f6f6; border:1px solid var(--line); padding:.6em .8em; font-size:.92em; }
.body blockquote { margin:1em 0; padding:.2em 1em; border-left:4px solid var(--line); color:var(--muted); }
.table-wrap { overflow-x:auto; margin:1em 0; }
.table-wrap > table { min-width:max(100%, 36em); }
.table-wrap th, .table-wrap td { overflow-wrap:break-word; min-width:7em; }
.table-wrap > table > caption { position:sticky; left:0; max-width:calc(100vw - 2.5em); }
table { border-collapse:collapse; }
table.listing, table.record, table.versions { width:100%; }
table caption { text-align:left; font-weight:700; padding:.3em 0; }
table th, table td { border:1px solid var(--line); padding:.35em .6em; text-align:left; vertical-align:top; }
table thead th { background:#f1f1f1; }
table.record th[scope=row] { width:30%; background:#f6f6f6; }
table tbody th[scope=row] { font-weight:600; }
th[aria-sort] { background:#e6eef6; }
.sorted { font-weight:400; font-size:.85em; color:var(--muted); }
form.filters fieldset, form.search-page fieldset { border:1px solid var(--line); padding:.6em 1em 1em; margin:0 0 1em; min-width:0; }
form.filters legend, form.search-page legend { font-weight:700; padding:0 .3em; }
form.filters .fields, form.search-page .fields { display:grid; grid-template-columns:repeat(auto-fill, minmax(min(100%, 14em), 1fr)); gap:.6em 1em; }
form.filters label, form.search-page label { display:block; font-size:.92em; font-weight:600; }
form.filters input, form.filters select, form.search-page input, form.search-page select { font:inherit; width:100%; max-width:100%; padding:.25em .4em; border:1px solid #767676; border-radius:3px; background:#fff; color:var(--ink); }
form.search-page > .field { margin-bottom:.8em; }
form.search-page .hint { color:var(--muted); font-size:.92em; margin:.3em 0 0; }
.search-problem { border-left:5px solid var(--brand); background:#fbf1f1; padding:.2em 1em .5em; margin:1em 0; }
.search-problem h2 { border:0; margin-top:.5em; }
form.filters .actions { margin-top:.8em; }
p.downloads { margin:.5em 0; }
nav.pager { margin:1em 0; display:flex; flex-wrap:wrap; gap:.5em 1.5em; align-items:center; }
.notice { border-left:5px solid var(--brand); background:#fbf1f1; padding:.5em 1em; margin:1em 0; }
.badge { color:var(--brand); font-weight:600; }
address.operator { font-style:normal; line-height:1.8; }
pre.diff { white-space:pre-wrap; border:1px solid var(--line); padding:.75em; font-size:.92em; }
pre.diff del { background:#fde2e2; color:#7a0b0b; text-decoration:none; display:inline; }
pre.diff ins { background:#dcf5dc; color:#0b4a0b; text-decoration:none; display:inline; }
.legend .del { background:#fde2e2; color:#7a0b0b; padding:0 .3em; } .legend .ins { background:#dcf5dc; color:#0b4a0b; padding:0 .3em; }
mark { background:#fff0a8; color:inherit; padding:0 .1em; }
ol.results { padding-left:1.4em; } ol.results li { margin:.6em 0; }
ol.results p { margin:.2em 0; }
footer.site { border-top:1px solid var(--line); color:var(--muted); padding:1em 1.25em 2em; font-size:.92em; }
footer.site > * { max-width:60em; margin-left:auto; margin-right:auto; }
footer.site a { color:var(--link); }
footer.site .footer-name { font-weight:700; color:var(--ink); margin-bottom:.2em; }
ul.operator { list-style:none; padding:0; margin:0 auto .5em; }
@media (max-width: 30em) {
  body { font-size:16px; }
  header.site { padding:.6em .8em; }
  main, nav.crumbs { padding-left:.8em; padding-right:.8em; }
  form.search input { width:10em; }
  dl.meta { grid-template-columns:1fr; } dl.meta dd { margin-bottom:.4em; }
  .body table { font-size:.9em; } .body td, .body th { padding:.25em .35em; }
}
@media print {
  header.site, nav.menu, nav.crumbs, nav.pager, form, .skip, p.downloads, footer.site .footer-links { display:none !important; }
  body { font-size:11pt; color:#000; }
  main { max-width:none; padding:0; }
  a { color:#000; }
  .table-wrap { overflow:visible; } .table-wrap > table, .table-wrap th, .table-wrap td { min-width:0; }
  table { font-size:9.5pt; } .table-wrap th, .table-wrap td { overflow-wrap:anywhere; padding:.2em .3em; }
  pre { white-space:pre-wrap; border:0; background:none; }
  .body a[href^="http"]::after, dl.meta a[href^="http"]::after { content:" <" attr(href) ">"; font-size:.85em; }
  table, pre, img { page-break-inside:avoid; }
  h1, h2, h3 { page-break-after:avoid; }
}
"#;
