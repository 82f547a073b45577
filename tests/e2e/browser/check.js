#!/usr/bin/env node
// The portal's pages in a real browser, for tests/e2e/accessibility.rs: headless Chromium
// (Debian's, through playwright-core: no browser of Playwright's own is downloaded) loads each
// page, axe-core judges it against WCAG 2.0/2.1 A and AA, the page is laid out on a 360 px wide
// phone and at 200 % zoom to see whether the whole document scrolls sideways, and its
// structure is read (headings in order, landmarks, captioned tables). A keyboard scenario walks
// the home page with Tab and Enter only. This script reports facts as JSON on standard output;
// the Rust test decides what fails, so that its assertions read as requirements.
//
// Input (standard input, JSON):
//   { "chromium": "/usr/bin/chromium",
//     "pages": [ { "name": "home", "url": "http://127.0.0.1:1234/" }, ... ],
//     "keyboard": { "home": "http://127.0.0.1:1234/", "query": "đầu tư" },   (optional)
//     "screenshots": "/tmp/shots" }   (optional: full-page PNGs of each page on the phone and zoomed)
// Output: { "pages": [ { name, url, status, lang, violations, passes, overflow, structure, print } ],
//           "keyboard": [ { step, ok, detail } ] }

'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// A desktop window; then a phone; then a 1280 x 800 window at 200 % zoom, which lays the page
// out in 640 x 400 CSS pixels (what zooming does) drawn at twice the density; and printed.
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const LAYOUTS = [
  { name: '360px', viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  { name: 'zoom200', viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
  // An A4 page printed with 2 cm margins: 17 cm at 96 dpi.
  { name: 'print', viewport: { width: 642, height: 1000 }, media: 'print' },
];
const TIMEOUT = 30000;

function readInput() {
  return JSON.parse(fs.readFileSync(0, 'utf8'));
}

// Runs axe-core on the loaded page. The hub's Content-Security-Policy allows no script, so
// the context bypasses CSP for this injected script only (the page's own markup is unchanged).
async function axe(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  return {
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      tags: v.tags.filter((t) => t.startsWith('wcag')),
      nodes: v.nodes.slice(0, 10).map((n) => ({
        target: n.target.join(' '),
        html: n.html.slice(0, 300),
        summary: (n.failureSummary || '').slice(0, 500),
      })),
    })),
    passes: result.passes.length,
  };
}

// Does the whole document scroll sideways? And if so, which elements stick out (those not
// inside a region that scrolls on its own, such as a wide table's).
function overflowFacts() {
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += '#' + e.id;
    if (e.classList.length) s += '.' + Array.from(e.classList).join('.');
    return s;
  };
  const scrollsItself = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const sticking = [];
  if (root.scrollWidth > width + 1) {
    for (const e of document.body.querySelectorAll('*')) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && !scrollsItself(e)) {
        sticking.push(`${describe(e)} (right edge ${Math.round(r.right)} px)`);
        if (sticking.length >= 8) break;
      }
    }
  }
  return { scrollWidth: root.scrollWidth, clientWidth: width, sticking };
}

// What a screen reader user relies on, read from the DOM: headings in order starting with one
// h1, the landmarks of the layout, tables with captions and header cells with a scope.
function structureFacts() {
  const problems = [];
  const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter((h) => !h.closest('[hidden]'))
    .map((h) => ({ level: Number(h.tagName[1]), text: h.textContent.trim().slice(0, 60) }));
  const h1s = headings.filter((h) => h.level === 1).length;
  if (h1s !== 1) problems.push(`${h1s} h1 headings (one expected)`);
  if (headings.length && headings[0].level !== 1) problems.push(`the first heading is h${headings[0].level}`);
  for (let i = 1; i < headings.length; i++) {
    if (headings[i].level > headings[i - 1].level + 1) {
      problems.push(`h${headings[i - 1].level} "${headings[i - 1].text}" is followed by h${headings[i].level} "${headings[i].text}"`);
    }
  }
  for (const [sel, what] of [['header', 'banner'], ['nav', 'navigation'], ['main', 'main'], ['footer', 'contentinfo']]) {
    const n = document.querySelectorAll(`body > ${sel}, body > * > ${sel}, [role=${what}]`).length;
    if (n === 0) problems.push(`no ${what} landmark`);
  }
  if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one main');
  const skip = document.querySelector('body a');
  if (!skip || skip.getAttribute('href') !== '#' + (document.querySelector('main') || {}).id) {
    problems.push('the first link is not a skip link to main');
  }
  for (const t of document.querySelectorAll('table')) {
    const cap = t.querySelector(':scope > caption');
    // An item's own body is Markdown, which has no captions; the portal's tables all have one.
    if (!t.closest('.body') && (!cap || !cap.textContent.trim())) problems.push(`a table without a caption: ${t.outerHTML.slice(0, 80)}`);
    for (const th of t.querySelectorAll('th')) {
      if (!th.closest('thead') && !th.hasAttribute('scope')) {
        problems.push(`a header cell without scope: ${th.outerHTML.slice(0, 80)}`);
        break;
      }
    }
  }
  for (const img of document.querySelectorAll('img:not([alt])')) {
    problems.push(`an image without alt: ${img.outerHTML.slice(0, 80)}`);
  }
  const wide = Array.from(document.querySelectorAll('.table-wrap'))
    .filter((w) => w.getAttribute('tabindex') !== '0' || w.getAttribute('role') !== 'region'
      || !(w.getAttribute('aria-label') || w.getAttribute('aria-labelledby')));
  if (wide.length) problems.push(`${wide.length} table scroll regions not focusable, named regions`);
  return { headings: headings.map((h) => `h${h.level} ${h.text}`), problems };
}

async function checkPage(browser, p, shots) {
  const out = { name: p.name, url: p.url, status: null, violations: [], passes: 0, overflow: {}, structure: null };
  const ctx = await browser.newContext({ ...DESKTOP, bypassCSP: true });
  try {
    const page = await ctx.newPage();
    const resp = await page.goto(p.url, { waitUntil: 'load', timeout: TIMEOUT });
    out.status = resp ? resp.status() : null;
    out.lang = await page.evaluate(() => document.documentElement.lang);
    out.structure = await page.evaluate(structureFacts);
    Object.assign(out, await axe(page));
    // The print view: the content without the header, menus and forms.
    await page.emulateMedia({ media: 'print' });
    out.print = await page.evaluate(() => {
      const shown = (sel) => {
        const e = document.querySelector(sel);
        return Boolean(e && getComputedStyle(e).display !== 'none');
      };
      return { header: shown('header'), search: shown('form[role=search]'), main: shown('main') };
    });
  } finally {
    await ctx.close();
  }
  for (const layout of LAYOUTS) {
    const { name, media, ...options } = layout;
    const c = await browser.newContext(options);
    try {
      const page = await c.newPage();
      if (media) await page.emulateMedia({ media });
      await page.goto(p.url, { waitUntil: 'load', timeout: TIMEOUT });
      out.overflow[name] = await page.evaluate(overflowFacts);
      if (shots) {
        const file = `${shots}/${p.name.replace(/[^a-z0-9]+/gi, '-')}-${name}.png`;
        await page.screenshot({ path: file, fullPage: true });
      }
    } finally {
      await c.close();
    }
  }
  return out;
}

// The focused element as the browser sees it, with whether its focus can be seen: an outline
// at least 2 px wide that contrasts 3:1 with what is behind it (WCAG 1.4.11), or a box shadow.
function focusFacts() {
  const e = document.activeElement;
  if (!e || e === document.body) return { tag: 'body' };
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  // The ring is drawn outside the element: what is behind it is the nearest ancestor's
  // background that is not transparent.
  let behind = [255, 255, 255];
  for (let p = e.parentElement; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0)) { behind = c.slice(0, 3); break; }
  }
  const [l1, l2] = [luminance(rgb(s.outlineColor).slice(0, 3)), luminance(behind)].sort((a, b) => b - a);
  const ringContrast = Math.round(((l1 + 0.05) / (l2 + 0.05)) * 10) / 10;
  // The site's own ring, not the browser's thin default: at least 2 px, or a shadow.
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && ringContrast >= 3;
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id || null,
    cls: e.className || null,
    name: e.getAttribute('name'),
    href: e.getAttribute('href'),
    hreflang: e.getAttribute('hreflang'),
    text: (e.textContent || '').trim().slice(0, 60),
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    behind: `rgb(${behind.join(', ')})`,
    ringContrast,
    boxShadow: s.boxShadow,
    visible: outline || s.boxShadow !== 'none',
    onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
  };
}

// Presses Tab until `want(focused)` holds, at most `limit` times; every element focused on
// the way must show its focus. Returns the element reached, or null.
async function tabTo(page, want, limit, unseen) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(focusFacts);
    if (f.tag !== 'body' && !(f.visible && f.onScreen)) unseen.push(f);
    if (want(f)) return f;
  }
  return null;
}

async function keyboard(browser, k) {
  const steps = [];
  const step = (name, ok, detail) => steps.push({ step: name, ok: Boolean(ok), detail });
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const unseen = [];
  try {
    // The first Tab reaches the skip link, shown on screen with its focus drawn; Enter on it
    // moves the focus to the main content.
    await page.goto(k.home, { waitUntil: 'load', timeout: TIMEOUT });
    await page.keyboard.press('Tab');
    const first = await page.evaluate(focusFacts);
    step('the first Tab reaches the skip link', first.tag === 'a' && first.href === '#noi-dung', first);
    step('the skip link is on screen with its focus visible', first.visible && first.onScreen, first);
    if (k.screenshots) await page.screenshot({ path: `${k.screenshots}/keyboard-skip-link.png` });
    await page.keyboard.press('Enter');
    const afterSkip = await page.evaluate(() => {
      const e = document.activeElement;
      return { tag: e.tagName.toLowerCase(), id: e.id, hash: location.hash };
    });
    step('Enter on the skip link moves the focus to main', afterSkip.tag === 'main', afterSkip);
    // From there Tab goes on into the content, not back to the top.
    const next = await tabTo(page, () => true, 1, unseen);
    const inMain = next && (await page.evaluate(() => Boolean(document.activeElement.closest('main'))));
    step('the next Tab after the skip stays in main', inMain, next);

    // From the top of the page, Tab alone reaches the search box; a Vietnamese query typed
    // there and Enter lead to the search results for that query.
    await page.goto(k.home, { waitUntil: 'load', timeout: TIMEOUT });
    const box = await tabTo(page, (f) => f.tag === 'input' && f.name === 'q', 30, unseen);
    step('Tab reaches the search box', box, box);
    if (box && k.screenshots) await page.screenshot({ path: `${k.screenshots}/keyboard-search-box.png` });
    if (box) {
      await page.keyboard.type(k.query);
      const [resp] = await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.keyboard.press('Enter')]);
      const u = new URL(page.url());
      const h1 = await page.evaluate(() => (document.querySelector('h1') || {}).textContent || '');
      step(
        'Enter in the search box opens the results of the query typed',
        u.pathname.endsWith('/search') && u.searchParams.get('q') === k.query
          && resp && resp.status() === 200 && h1.includes(k.query),
        { url: page.url(), q: u.searchParams.get('q'), status: resp && resp.status(), h1 },
      );
    }

    // The language switch, reached by keyboard, opens the English page, and the switch there
    // leads back to Vietnamese.
    await page.goto(k.home, { waitUntil: 'load', timeout: TIMEOUT });
    const en = await tabTo(page, (f) => f.tag === 'a' && f.hreflang === 'en', 40, unseen);
    step('Tab reaches the switch to English', en, en);
    if (en) {
      await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.keyboard.press('Enter')]);
      const lang = await page.evaluate(() => document.documentElement.lang);
      step('Enter on it opens the English page', lang === 'en', { url: page.url(), lang });
      const vi = await tabTo(page, (f) => f.tag === 'a' && f.hreflang === 'vi', 40, unseen);
      step('Tab reaches the switch back to Vietnamese', vi, vi);
      if (vi) {
        await Promise.all([page.waitForNavigation({ timeout: TIMEOUT }), page.keyboard.press('Enter')]);
        const back = await page.evaluate(() => document.documentElement.lang);
        step('Enter on it opens the Vietnamese page', back === 'vi', { url: page.url(), lang: back });
      }
    }
    step('every element focused on the way shows its focus', unseen.length === 0, unseen.slice(0, 5));
  } catch (e) {
    step('the keyboard scenario runs to its end', false, String(e && e.stack ? e.stack : e));
  } finally {
    await ctx.close();
  }
  return steps;
}

async function main() {
  const input = readInput();
  const browser = await chromium.launch({
    executablePath: input.chromium || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update'],
  });
  const report = { pages: [], keyboard: null };
  try {
    for (const p of input.pages || []) {
      try {
        report.pages.push(await checkPage(browser, p, input.screenshots));
      } catch (e) {
        report.pages.push({ name: p.name, url: p.url, error: String(e && e.stack ? e.stack : e) });
      }
    }
    if (input.keyboard) report.keyboard = await keyboard(browser, { ...input.keyboard, screenshots: input.screenshots });
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
}

main().catch((e) => {
  process.stderr.write(`check.js: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
