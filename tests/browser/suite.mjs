#!/usr/bin/env node
// Browser accessibility suite of the ReSPI portal and reserved area.
//
// For every page it runs, in Debian's headless Chromium:
//   load        the page answers 200 with HTML (422 for a form sent with errors)
//   structure   `<html lang>`, exactly one h1, one main, every nav named and named
//               differently (T1, T4, T5)
//   axe         axe-core with the WCAG 2.0/2.1 A+AA and 2.2 AA tags: no violation
//   skip-link   the first Tab stop is an in-page link whose target exists, it is visible
//               when focused, and following it moves keyboard focus past the header (T3)
//   focus       the first Tab stops, and the first ones after the skip link, show a
//               focus indicator (outline >= 2px or box-shadow) that differs from their
//               unfocused style, and are not covered by other content (T9)
//   reflow-320  no horizontal scroll in a 320 CSS px wide viewport (T10)
//   cookies     a public page sets no cookie; a reserved-area page only first-party,
//               Secure, HttpOnly, SameSite cookies (S4)
//   requests    no request leaves the served origins, no sub-resource fails (S5)
// and then the Nu HTML Checker once over every HTML file (T16).
//
// Pages come from sitemap.xml (plus, when serving a folder, any HTML file of the
// output the sitemap does not list) and from the reserved area's own route list
// (`$RESPI_TICKETS_URL/__routes`): never from a hand-kept list, so a new page cannot
// escape the suite.
//
// The reserved area's pages are visited as every demo login that `/__routes` says may open
// them, since what a page shows depends on the role. Each login gets its own browser context
// and signs in once through the real login form (with its TOTP code when the account has
// one): the service accepts a TOTP code once, so signing in again for every page would
// stall. The same contexts send invalid input to the login form, the TOTP step and the forms
// of tickets.mjs, and the error pages get every check above plus F4 (error summary, title,
// aria-invalid and aria-describedby, typed values kept). The Nu HTML Checker reads the HTML
// each page answered in the browser, so it sees the signed-in pages and the error states.
//
// Usage:
//   node suite.mjs --dir public --base-path /respi/    serve a built folder on loopback
//   node suite.mjs --url http://127.0.0.1:8000/respi/  check a site that already runs
//   RESPI_TICKETS_URL=http://127.0.0.1:8090 RESPI_TICKETS_ACCOUNTS=serve.log node suite.mjs ...
//       also the reserved area, started with `respi-tickets serve --demo`; RESPI_TICKETS_ACCOUNTS
//       is a file holding what that command printed (the demo passwords and TOTP keys)
// Options: --concurrency N (2), --limit N (only the first N portal pages, for a quick
// sample), --report FILE (JSON of every failure), --chromium PATH (/usr/bin/chromium).
// RESPI_ALLOWED_ORIGINS (comma-separated) adds origins a page may load from, such as a
// statistics endpoint.
// The last line printed is always "N passed, M failed"; the exit code is 1 on any failure.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import {
  f4Problems, FORM_ERRORS, logIn, openSignedIn, readDemoAccounts, sendInvalid, ticketRoutes, WRONG_CODE,
  WRONG_PASSWORD,
} from './tickets.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');
const VNU_JAR = join(dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

// Pages of the bundled portal the suite must visit: training and meetings (the listing, a
// page per kind, events upcoming and past) and a document that is an event's material.
const BUNDLED_PAGES = [
  'formazione/',
  'formazione/formazione-trimestrale/',
  'formazione/incontri-con-esperti/',
  'formazione/rete-allargata/',
  'formazione/riunioni-equipe/',
  'formazione/incontri-territoriali/',
  'formazione/formazione-trimestrale/permesso-di-soggiorno-rinnovi-conversioni/',
  'formazione/riunioni-equipe/riunione-equipe-dicembre-2026/',
  'formazione/incontri-territoriali/incontro-bacino-saluzzo-2027/',
  'documenti/dispense-corso-permesso-soggiorno/',
];

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Debian's chromium, never a browser downloaded by a tool. Host resolution is mapped so
// that any host other than the served ones fails at once: a third-party request is then
// recorded by the `requests` check without waiting for a network that may not be there.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const DESKTOP = { width: 1280, height: 800 };
const NARROW = { width: 320, height: 640 };
// How many Tab stops are checked for a focus indicator from the top of the page, and how
// many after following the skip link (the first controls of the main content).
const HEADER_STOPS = 5;
const MAIN_STOPS = 3;
const PAGE_TIMEOUT_MS = 30_000;

const MIME = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.pdf': 'application/pdf', '.wasm': 'application/wasm', '.ics': 'text/calendar',
  '.csv': 'text/csv; charset=utf-8',
};

// ---------------------------------------------------------------------------------------
// Results

const results = []; // { page, check, ok, details: string[] }

function record(page, check, details) {
  const ok = details.length === 0;
  results.push({ page, check, ok, details });
  return ok;
}

function printFailures(entries) {
  for (const r of entries.filter((e) => !e.ok)) {
    console.log(`  ✗ ${r.check} — ${r.page}`);
    for (const d of r.details) console.log(`      ${d}`);
  }
}

// ---------------------------------------------------------------------------------------
// A static server for a built folder, mounted under the sub-path the site was built for.
// Like the production host it redirects a folder without its trailing slash and answers
// unknown paths with 404.html.

async function serveFolder(root, basePath) {
  root = resolve(root);
  const notFound = join(root, '404.html');
  const server = http.createServer(async (req, res) => {
    const send = (status, headers, file) => {
      res.writeHead(status, headers);
      if (file && req.method !== 'HEAD') createReadStream(file).pipe(res);
      else res.end();
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { Allow: 'GET, HEAD' });
      const url = new URL(req.url, 'http://localhost');
      const path = decodeURIComponent(url.pathname);
      let file = path.startsWith(basePath) ? resolve(root, `./${path.slice(basePath.length)}`) : null;
      if (file && file !== root && !file.startsWith(root + sep)) file = null; // no ".." escape
      let info = file && (await stat(file).catch(() => null));
      if (info?.isDirectory()) {
        if (!path.endsWith('/')) return send(301, { Location: `${url.pathname}/${url.search}` });
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (info?.isFile()) {
        const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
        return send(200, { 'Content-Type': type, 'Content-Length': info.size }, file);
      }
      const page = await stat(notFound).catch(() => null);
      return page ? send(404, { 'Content-Type': MIME['.html'] }, notFound) : send(404, {});
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}${basePath}` };
}

// axe-core is served to the pages from its own loopback origin with a long cache
// lifetime, not inlined: Chromium then keeps its compiled code between pages, which saves
// a fifth of the time a page takes. Requests to it are the suite's, not the page's.
async function suiteAssets() {
  const axe = await readFile(AXE_SOURCE_PATH);
  const server = http.createServer((req, res) => {
    if (new URL(req.url, 'http://localhost').pathname !== '/axe.min.js') {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': MIME['.js'], 'Cache-Control': 'public, max-age=86400, immutable' });
    res.end(axe);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, axeUrl: `http://127.0.0.1:${server.address().port}/axe.min.js` };
}

// ---------------------------------------------------------------------------------------
// Page lists

const decodeXml = (s) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e) => {
    const named = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[e.toLowerCase()];
    if (named) return named;
    return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

// Every page URL of sitemap.xml (following a sitemap index), translations included, moved
// onto `base`: the site may have been built for another host, but it must have been built
// for the same sub-path or its own links would not resolve here.
async function sitemapPages(base) {
  const baseUrl = new URL(base);
  const onBase = (loc) => {
    const u = new URL(loc);
    if (!u.pathname.startsWith(baseUrl.pathname)) {
      throw new Error(`sitemap URL ${loc} is outside ${baseUrl.pathname}: was the site built for another sub-path?`);
    }
    return new URL(u.pathname + u.search, baseUrl).href;
  };
  const pages = new Set();
  const pending = [new URL('sitemap.xml', baseUrl).href];
  const seen = new Set();
  while (pending.length) {
    const url = pending.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const xml = await res.text();
    const locs = [...xml.matchAll(/<loc>\s*([^<]+?)\s*<\/loc>/g)].map((m) => decodeXml(m[1]));
    if (/<sitemapindex[\s>]/.test(xml)) {
      pending.push(...locs.map(onBase));
      continue;
    }
    for (const loc of locs) pages.add(onBase(loc));
    for (const m of xml.matchAll(/<xhtml:link\b[^>]*\bhref="([^"]+)"/g)) pages.add(onBase(decodeXml(m[1])));
  }
  return [...pages].sort();
}

async function htmlFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.html?$/i.test(entry.name)) out.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return out.sort();
}

// HTML files of the output that the sitemap does not list (taxonomy pages, the 404 page):
// they are pages a reader can reach, so they are visited too. Redirect stubs left for old
// addresses are not pages and are only validated.
async function unlistedPages(dir, base, listed) {
  const listedSet = new Set(listed);
  const extra = [];
  for (const file of await htmlFiles(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    const url = new URL(rel.replace(/(^|\/)index\.html$/, '$1'), base).href;
    if (listedSet.has(url)) continue;
    const head = (await readFile(file, 'utf8')).slice(0, 4096);
    if (/<meta[^>]+http-equiv=["']?refresh/i.test(head)) continue;
    extra.push(url);
  }
  return extra;
}

// ---------------------------------------------------------------------------------------
// In-page helpers, injected with axe-core (the page runs them, so they are self-contained).

function inPageHelpers() {
  const cssPath = (el) => {
    const parts = [];
    for (let n = el; n && n.nodeType === 1 && parts.length < 5; n = n.parentElement) {
      if (n.id) { parts.unshift(`#${CSS.escape(n.id)}`); break; }
      let part = n.localName;
      const cls = [...n.classList].slice(0, 2).map((c) => `.${CSS.escape(c)}`).join('');
      part += cls;
      const same = n.parentElement ? [...n.parentElement.children].filter((c) => c.localName === n.localName) : [];
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(n) + 1})`;
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const ringStyle = (el) => {
    const cs = getComputedStyle(el);
    return { outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth, outlineColor: cs.outlineColor, boxShadow: cs.boxShadow };
  };
  const FOCUSABLE = 'a[href], area[href], button, summary, input:not([type=hidden]), select, textarea, iframe, [tabindex], [contenteditable]';
  let baseline = new Map();
  return {
    cssPath,
    // Styles of every focusable element while nothing is focused.
    takeBaseline() {
      document.activeElement?.blur?.();
      baseline = new Map([...document.querySelectorAll(FOCUSABLE)].map((el) => [el, ringStyle(el)]));
    },
    // The focused element once its transitions are over (a focus ring may fade in, and the
    // theme turns every change into a tiny transition when reduced motion is asked for).
    async active() {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      const running = el.getAnimations();
      if (running.length) {
        const settled = Promise.all(running.map((a) => a.finished.catch(() => {})));
        await Promise.race([settled, new Promise((ok) => setTimeout(ok, 1000))]);
        await new Promise((ok) => requestAnimationFrame(ok));
      }
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      // What is painted at the centre of the focused element must be the element itself.
      // A link that wraps has one box per line, and the centre of their union may fall on
      // the next link: it is covered only if the centre of none of its boxes shows it.
      let hit = null;
      for (const box of [...el.getClientRects()].filter((b) => b.width > 0 && b.height > 0)) {
        const cx = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
        const cy = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
        hit = document.elementFromPoint(cx, cy);
        if (!hit || hit === el || el.contains(hit) || hit.contains(el)) break;
      }
      return {
        selector: cssPath(el),
        name: (el.getAttribute('aria-label') || el.textContent || el.value || '').replace(/\s+/g, ' ').trim().slice(0, 50),
        tag: el.localName,
        href: el.getAttribute('href'),
        rect: { width: r.width, height: r.height },
        hidden: cs.visibility !== 'visible' || Number(cs.opacity) === 0 || cs.clipPath !== 'none' || cs.clip !== 'auto',
        covered: hit && hit !== el && !el.contains(hit) && !hit.contains(el) ? cssPath(hit) : null,
        now: ringStyle(el),
        before: baseline.get(el) ?? null,
      };
    },
    // The skip link's target, and whether the focused element comes after (or inside) it.
    skipTarget(href) {
      let id;
      try { id = decodeURIComponent(href.slice(1)); } catch { id = href.slice(1); }
      const target = document.getElementById(id) || document.getElementsByName(id)[0] || null;
      return target ? cssPath(target) : null;
    },
    focusIsPast(href) {
      const id = decodeURIComponent(href.slice(1));
      const target = document.getElementById(id) || document.getElementsByName(id)[0];
      const el = document.activeElement;
      if (!target || !el || el === document.body) return false;
      return target === el || target.contains(el) || Boolean(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    },
    structure() {
      const navs = [...document.querySelectorAll('nav, [role=navigation]')].map((n) => {
        const by = n.getAttribute('aria-labelledby');
        const label = by
          ? by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ')
          : n.getAttribute('aria-label') ?? '';
        return { selector: cssPath(n), label: label.replace(/\s+/g, ' ').trim() };
      });
      return {
        lang: document.documentElement.getAttribute('lang'),
        h1: [...document.querySelectorAll('h1')].map(cssPath),
        mains: document.querySelectorAll('main, [role=main]').length,
        navs,
      };
    },
    // Width of the document, and the innermost elements that stick out of the viewport.
    overflow() {
      document.activeElement?.blur?.();
      const width = document.documentElement.scrollWidth;
      const vw = document.documentElement.clientWidth;
      const out = [];
      if (width > vw) {
        const sticking = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5); };
        for (const el of document.body.querySelectorAll('*')) {
          if (sticking(el) && ![...el.children].some(sticking)) {
            const r = el.getBoundingClientRect();
            out.push(`${cssPath(el)} (left ${Math.round(r.left)}, right ${Math.round(r.right)})`);
            if (out.length === 5) break;
          }
        }
      }
      return { width, offenders: out };
    },
  };
}

// ---------------------------------------------------------------------------------------
// One page

const transparent = (color) => /^transparent$|rgba\([^)]*,\s*0(\.0+)?\)$/.test(color ?? '');

// A computed box-shadow paints something when one of its shadows has a colour that is not
// transparent and an offset, blur or spread that is not zero.
function visibleShadow(value) {
  if (!value || value === 'none') return false;
  return value.split(/,(?![^(]*\))/).some((shadow) => {
    const color = shadow.match(/rgba?\([^)]*\)|transparent/)?.[0] ?? 'currentcolor';
    const lengths = shadow.replace(/rgba?\([^)]*\)/, '').match(/-?[\d.]+px/g) ?? [];
    return !transparent(color) && lengths.some((l) => parseFloat(l) !== 0);
  });
}

function focusIndicatorProblem(stop) {
  const { now, before } = stop;
  const outline = now.outlineStyle !== 'none' && parseFloat(now.outlineWidth) >= 2 && !transparent(now.outlineColor);
  const outlineChanged = !before || before.outlineStyle !== now.outlineStyle
    || before.outlineWidth !== now.outlineWidth || before.outlineColor !== now.outlineColor;
  const shadow = visibleShadow(now.boxShadow) && (!before || before.boxShadow !== now.boxShadow);
  if (!((outline && outlineChanged) || shadow)) {
    return `no visible focus indicator on ${stop.selector} "${stop.name}" (outline ${now.outlineStyle} ${now.outlineWidth} ${now.outlineColor}, box-shadow ${now.boxShadow})`;
  }
  if (stop.rect.width < 1 || stop.rect.height < 1) return `focused ${stop.selector} "${stop.name}" has no visible box`;
  if (stop.covered) return `focused ${stop.selector} "${stop.name}" is covered by ${stop.covered}`;
  return null;
}

// Each worker keeps one browser context and one tab and navigates it from page to page,
// wiping cookies and storage in between: much cheaper than a context a page on a small
// machine, and a reused renderer keeps axe-core compiled (see `suiteAssets`).
async function newWorker(browser, opts) {
  const context = await browser.newContext({
    viewport: DESKTOP,
    bypassCSP: true, // axe-core is injected as a script; the service's CSP may forbid that
    serviceWorkers: 'block',
    locale: 'it-IT',
    // The theme scrolls smoothly unless reduced motion is asked for; an animated scroll
    // would make the "focused element is covered" measurement depend on timing.
    reducedMotion: 'reduce',
  });
  const worker = { context, page: null, requests: [], failed: [], close: () => context.close() };
  worker.openTab = async () => {
    await worker.page?.close().catch(() => {});
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.on('request', (req) => worker.requests.push(req.url()));
    // axe-core fetches the page's stylesheets again with XHR to read their rules; when a
    // cross-origin one refuses that (no CORS), it is axe's problem, not the page's.
    const byAxe = (req) => worker.axeRunning && ['xhr', 'fetch'].includes(req.resourceType());
    page.on('response', (res) => {
      const req = res.request();
      if (res.status() >= 400 && req.resourceType() !== 'document' && !byAxe(req)) worker.failed.push(`HTTP ${res.status()} ${res.url()}`);
    });
    page.on('requestfailed', (req) => {
      if (opts.allowedOrigins.has(new URL(req.url()).origin) && !byAxe(req)) worker.failed.push(`${req.failure()?.errorText} ${req.url()}`);
    });
    worker.page = page;
  };
  await worker.openTab();
  return worker;
}

// `target`: { url, kind: 'portal' | 'tickets' } and, for the reserved area, optionally
//   label       how to name the page in the report (the login, the error state)
//   session     keep the worker's cookies: it is signed in
//   open(page)  how to reach the page (sending a form) instead of loading `url`;
//               resolves to the response that ends the navigation
//   status      the expected HTTP status (200)
//   extra       { check, run(page) -> problems } one more check on the loaded page
//   saveHtml    (label, html): the HTML as the browser got it, for the Nu HTML Checker
async function checkPage(worker, target, opts) {
  const { url, kind } = target;
  const { context, page } = worker;
  const started = Date.now();
  const own = [];
  const rec = (check, details) => own.push({ page: target.label ?? url, check, ok: details.length === 0, details });
  if (!target.session) await context.clearCookies();
  await page.setViewportSize(DESKTOP);
  worker.requests = [];
  worker.failed = [];
  let step = 'load'; // the check under way, to name it if something throws
  try {
    const response = target.open ? await target.open(page) : await page.goto(url, { waitUntil: 'load' });
    const type = response?.headers()['content-type'] ?? '';
    const status = target.status ?? 200;
    if (!response || response.status() !== status || !type.startsWith('text/html')) {
      rec('load', [`HTTP ${response?.status()} ${type} for ${response?.url() ?? url}${status === 200 ? '' : ` (expected ${status})`}`]);
      return own;
    }
    // The reserved area answers a page it will not show (no session, a role without the
    // right) with a redirect to the login form, which loads fine: only the address tells.
    const where = (u) => { const x = new URL(u); return x.pathname + x.search; };
    if (kind === 'tickets' && where(response.url()) !== where(url)) {
      rec('load', [`${url} led to ${response.url()}, not to the page itself`]);
      return own;
    }
    rec('load', []);
    const html = await response.text();
    await target.saveHtml?.(target.label ?? url, html);
    // A page with scripts may still change after `load` (the search page fills its filters
    // from the index): let its requests finish, so that every check sees the final page.
    if (/<script\b(?![^>]*type="application\/ld\+json")/i.test(html)) {
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
    }
    await page.evaluate(() => document.fonts.ready);
    await page.addScriptTag({ url: opts.axeUrl });
    await page.addScriptTag({ content: `window.__respiSuite = (${inPageHelpers})();` });

    // structure: lang, one h1, one main, named and distinct navs
    step = 'structure';
    const s = await page.evaluate(() => window.__respiSuite.structure());
    const structure = [];
    if (!s.lang?.trim()) structure.push('<html> has no lang attribute');
    if (s.h1.length !== 1) structure.push(`expected exactly one h1, found ${s.h1.length}${s.h1.length ? `: ${s.h1.join(', ')}` : ''}`);
    if (s.mains !== 1) structure.push(`expected exactly one main landmark, found ${s.mains}`);
    const labels = new Map();
    for (const nav of s.navs) {
      if (!nav.label) structure.push(`nav without aria-label/aria-labelledby: ${nav.selector}`);
      else if (labels.has(nav.label)) structure.push(`two navs named "${nav.label}": ${labels.get(nav.label)} and ${nav.selector}`);
      else labels.set(nav.label, nav.selector);
    }
    rec('structure', structure);

    // what the target adds (F4 on a form's error state), before the keyboard moves focus
    if (target.extra) {
      step = target.extra.check;
      rec(target.extra.check, await target.extra.run(page));
    }

    // axe-core, on the page as loaded
    step = 'axe';
    worker.axeRunning = true;
    const axe = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      const target = (t) => t.map((x) => (Array.isArray(x) ? x.join(' >>> ') : x)).join(', ');
      return {
        violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => target(n.target)) })),
        incomplete: r.incomplete.map((v) => v.id),
      };
    }, AXE_TAGS).finally(() => { worker.axeRunning = false; });
    const axeDetails = [];
    for (const v of axe.violations) {
      for (const node of v.nodes.slice(0, 5)) axeDetails.push(`${v.id} (${v.impact}) ${node} — ${v.help}`);
      if (v.nodes.length > 5) axeDetails.push(`${v.id}: … and ${v.nodes.length - 5} more elements`);
    }
    rec('axe', axeDetails);
    for (const id of axe.incomplete) opts.needsReview.set(id, [...(opts.needsReview.get(id) ?? []), new URL(url).pathname]);

    // keyboard: first Tab stop, focus indicators, the skip link followed
    step = 'skip-link';
    await page.evaluate(() => window.__respiSuite.takeBaseline());
    const skip = [];
    const focus = [];
    const stops = [];
    for (let i = 0; i < HEADER_STOPS; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => window.__respiSuite.active());
      if (!stop) break;
      stops.push(stop);
    }
    const first = stops[0];
    if (!first) skip.push('Tab does not focus anything');
    else if (first.tag !== 'a' || !first.href?.startsWith('#') || first.href.length < 2) {
      skip.push(`first Tab stop is ${first.selector} "${first.name}", not an in-page skip link`);
    } else {
      const targetSel = await page.evaluate((h) => window.__respiSuite.skipTarget(h), first.href);
      if (!targetSel) skip.push(`skip link ${first.selector} points to ${first.href}, which is not in the page`);
      if (first.hidden || first.rect.width <= 1 || first.rect.height <= 1) skip.push(`skip link ${first.selector} stays hidden when focused`);
    }
    for (const stop of stops) {
      const problem = focusIndicatorProblem(stop);
      if (problem) focus.push(problem);
    }
    if (first && skip.length === 0) {
      // Back to the skip link with Shift+Tab, follow it, and Tab once: focus must land
      // past the header, at or after the target.
      for (let i = 1; i < stops.length; i++) await page.keyboard.press('Shift+Tab');
      const back = await page.evaluate(() => window.__respiSuite.active());
      if (back?.selector !== first.selector) {
        skip.push(`Shift+Tab does not return to the skip link (reached ${back?.selector ?? 'nothing'})`);
      } else {
        await page.keyboard.press('Enter');
        for (let i = 0; i < MAIN_STOPS; i++) {
          await page.keyboard.press('Tab');
          if (i === 0 && !(await page.evaluate((h) => window.__respiSuite.focusIsPast(h), first.href))) {
            const at = await page.evaluate(() => window.__respiSuite.active());
            skip.push(`after following the skip link, Tab goes to ${at?.selector ?? 'nothing'}, not past ${first.href}`);
          }
          const stop = await page.evaluate(() => window.__respiSuite.active());
          if (!stop) break;
          const problem = focusIndicatorProblem(stop);
          if (problem) focus.push(problem);
        }
      }
    }
    rec('skip-link', skip);
    rec('focus', focus);

    // reflow at 320 CSS px
    step = 'reflow-320';
    await page.setViewportSize(NARROW);
    const o = await page.evaluate(() => window.__respiSuite.overflow());
    rec('reflow-320', o.width > NARROW.width
      ? [`horizontal scroll at 320 px: scrollWidth ${o.width}`, ...o.offenders.map((x) => `sticks out: ${x}`)]
      : []);

    // cookies
    step = 'cookies';
    const cookies = await context.cookies();
    const pageHost = new URL(url).hostname;
    rec('cookies', kind === 'portal'
      ? cookies.map((c) => `cookie set by a public page: ${c.name} (domain ${c.domain})`)
      : cookies.flatMap((c) => {
        const bad = [];
        if (c.domain.replace(/^\./, '') !== pageHost) bad.push(`third-party cookie ${c.name} (domain ${c.domain})`);
        if (!c.httpOnly) bad.push(`cookie ${c.name} is not HttpOnly`);
        if (!['Lax', 'Strict'].includes(c.sameSite)) bad.push(`cookie ${c.name} has SameSite=${c.sameSite}`);
        // Chromium keeps a Secure cookie on a loopback address over plain HTTP too.
        if (!c.secure) bad.push(`cookie ${c.name} is not Secure`);
        return bad;
      }));

    // requests: only the served origins, and nothing broken among them
    step = 'requests';
    const foreign = [...new Set(worker.requests.filter((r) => /^(https?|wss?):/.test(r)
      && !r.startsWith(opts.axeUrl) && !opts.allowedOrigins.has(new URL(r).origin)))];
    rec('requests', [
      ...foreign.map((r) => `request to a third-party host: ${r}`),
      ...[...new Set(worker.failed)].map((r) => `failed sub-resource: ${r}`),
    ]);
  } catch (err) {
    rec(step, [`the check stopped: ${err.message.split('\n')[0]}`]);
    await worker.openTab(); // a page that hung or crashed must not take the next one with it
  } finally {
    // Leave nothing behind for the next page: storage of this origin, and the document
    // itself, so that its late requests are not counted against the next page.
    await worker.page.evaluate(() => { try { localStorage.clear(); sessionStorage.clear(); } catch { /* opaque origin */ } }).catch(() => {});
    await worker.page.goto('about:blank').catch(() => {});
    own.elapsed = Date.now() - started;
  }
  return own;
}

// ---------------------------------------------------------------------------------------
// Nu HTML Checker: one JVM for every file.

async function downloadPages(urls, dir) {
  const files = new Map(); // file -> url
  let n = 0;
  for (const url of urls) {
    const res = await fetch(url);
    if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('text/html')) continue;
    const file = join(dir, `${String(++n).padStart(4, '0')}.html`);
    await writeFile(file, await res.text());
    files.set(file, url);
  }
  return files;
}

function runVnu(paths) {
  return new Promise((done) => {
    const child = spawn('java', ['-jar', VNU_JAR, '--errors-only', '--skip-non-html', '--format', 'json', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (err) => done({ error: `cannot run java (${err.code ?? err.message}): install a JRE` }));
    child.on('close', (code) => {
      try {
        done({ messages: JSON.parse(out.slice(out.indexOf('{'))).messages ?? [] });
      } catch {
        done({ error: `vnu exited with ${code} and no JSON report: ${out.slice(0, 500)}` });
      }
    });
  });
}

// `paths`: the folders and files to hand to the checker; `fileLabels`: every HTML file
// among them -> what to call it in the report (a path or a URL). One result per file.
async function validate(paths, fileLabels) {
  if (fileLabels.size === 0) return [];
  const report = await runVnu(paths);
  const entry = (page, details) => ({ page, check: 'vnu', ok: details.length === 0, details });
  if (report.error) return [entry('Nu HTML Checker', [report.error])];
  const byFile = new Map();
  for (const m of report.messages) {
    if (m.type === 'info') continue;
    const file = m.url?.startsWith('file:') ? fileURLToPath(m.url) : null;
    const line = m.lastLine ? `line ${m.lastLine}: ` : '';
    const extract = m.extract ? ` [${m.extract.replace(/\s+/g, ' ').trim().slice(0, 80)}]` : '';
    const key = file && fileLabels.has(file) ? file : 'other';
    if (!byFile.has(key)) byFile.set(key, []);
    byFile.get(key).push(`${line}${m.type === 'error' ? '' : `${m.type}: `}${m.message}${extract}`);
  }
  const out = [...fileLabels].map(([file, label]) => entry(label, byFile.get(file) ?? []));
  if (byFile.has('other')) out.push(entry('Nu HTML Checker', byFile.get('other')));
  return out;
}

// The HTML to validate: the served folder as it is (only the sampled pages' files with
// --limit), or the pages fetched into `tmp` when the site is only reachable over HTTP;
// and, in a second run once the browser is done, the reserved area's pages as the browser
// received them (`saved`: file -> label), since most of them need a signed-in session.
async function nuCheck(job) {
  const started = Date.now();
  try {
    return await nuCheckFiles(job, started);
  } catch (err) {
    const entries = [{ page: 'Nu HTML Checker', check: 'vnu', ok: false, details: [err.message] }];
    return { entries, files: 0, seconds: (Date.now() - started) / 1000 };
  }
}

async function nuCheckFiles({ dir, sample, portalPages = [], saved, tmp }, started) {
  const fileLabels = new Map();
  const paths = [];
  if (dir && sample) {
    for (const f of sample) fileLabels.set(f, relative(dir, f));
    paths.push(...sample);
  } else if (dir) {
    for (const f of await htmlFiles(dir)) fileLabels.set(f, relative(dir, f));
    paths.push(dir);
  } else if (portalPages.length) {
    await mkdir(join(tmp, 'portal'));
    for (const [f, u] of await downloadPages(portalPages, join(tmp, 'portal'))) fileLabels.set(f, u);
    paths.push(join(tmp, 'portal'));
  }
  if (saved?.size) {
    for (const [f, label] of saved) fileLabels.set(f, label);
    paths.push(...saved.keys());
  }
  const entries = await validate(paths, fileLabels);
  return { entries, files: fileLabels.size, seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------
// The reserved area: who visits what

// Splits the routes into pages for visitors and, per demo login, the pages it may open,
// in the order `/__routes` names them. The login form's error state goes to the first
// account without a second factor, the TOTP step's to the first one with it, and each
// form of FORM_ERRORS to the first login allowed on its page.
function planTickets(base, routes, accounts) {
  const anonymous = [];
  const groups = new Map(); // username -> group
  const problems = [];
  for (const route of routes) {
    if (route.logins.length === 0) anonymous.push({ url: route.url, kind: 'tickets' });
    for (const username of route.logins) {
      const account = accounts.get(username);
      if (!account) {
        problems.push(`${route.path}: no password for ${username} in what respi-tickets serve --demo printed`);
        continue;
      }
      if (!groups.has(username)) groups.set(username, { base, account, pages: [], forms: [] });
      groups.get(username).pages.push({ url: route.url, kind: 'tickets' });
    }
  }
  const list = [...groups.values()];
  const withoutCode = list.find((g) => !g.account.totpSecret);
  if (withoutCode) withoutCode.wrongPassword = true;
  const withCode = list.find((g) => g.account.totpSecret);
  if (withCode) withCode.wrongCode = true;
  for (const scenario of FORM_ERRORS) {
    const route = routes.find((r) => r.path === scenario.path);
    const group = route && groups.get(route.logins.find((l) => groups.has(l)));
    if (group) group.forms.push(scenario);
    else problems.push(`${scenario.path} (${scenario.name}): not a page of /__routes that a demo login may open`);
  }
  return { anonymous, groups: list, problems };
}

// How many pages a login's share checks: its pages, its forms, and the error states of the
// login form and TOTP step it was given.
const groupSize = (g) => g.pages.length + g.forms.length + (g.wrongPassword ? 1 : 0) + (g.wrongCode ? 1 : 0);

// One login's share: a browser context of its own, the wrong password or TOTP code on the
// way in when the plan says so, then every page the login may open, then its forms sent
// with invalid input. The context stays signed in throughout; `report` gets each checked
// page's results.
async function checkLogin(browser, opts, group, report) {
  const { base, account } = group;
  let left = groupSize(group);
  const check = async (target) => {
    left--;
    report(await checkPage(worker, target, opts));
  };
  const worker = await newWorker(browser, opts);
  const signedIn = (target, what) => ({
    ...target,
    session: true,
    label: `${target.url} (${account.username}${what ? `, ${what}` : ''})`,
    saveHtml: opts.saveTicketsHtml,
  });
  const invalid = (scenario) => signedIn({
    url: `${base}${scenario.path}`,
    kind: 'tickets',
    status: 422,
    open: (page) => sendInvalid(page, base, scenario, account),
    extra: { check: 'F4', run: (page) => f4Problems(page, scenario, account) },
  }, scenario.name);
  try {
    if (group.wrongPassword) await check(invalid(WRONG_PASSWORD));
    try {
      await logIn(worker.page, base, account, group.wrongCode ? () => check(invalid(WRONG_CODE)) : null);
      record(`${base}/login (${account.username})`, 'login', []);
    } catch (err) {
      record(`${base}/login (${account.username})`, 'login', [err.message.split('\n')[0]]);
      report(null, left); // the rest cannot be checked: counted as done, failed by the login
      return;
    }
    for (const target of group.pages) {
      await check(signedIn({ ...target, open: (page) => openSignedIn(page, base, target.url, account) }));
    }
    for (const scenario of group.forms) await check(invalid(scenario));
  } finally {
    await worker.close();
  }
}

// ---------------------------------------------------------------------------------------

// `concurrency` workers, each with its own state from `setup`, take items in order.
async function runPool(items, concurrency, setup, worker) {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    const state = await setup();
    try {
      while (next < items.length) await worker(state, items[next++]);
    } finally {
      await state.close();
    }
  });
  await Promise.all(runners);
}

async function main(args) {
  const ticketsUrl = process.env.RESPI_TICKETS_URL?.trim().replace(/\/+$/, '') || null;
  if (!args.dir && !args.url && !ticketsUrl) {
    throw new Error('nothing to check: pass --dir DIR [--base-path /respi/] or --url URL, and/or set RESPI_TICKETS_URL');
  }
  const t0 = Date.now();
  const tmp = await mkdtemp(join(tmpdir(), 'respi-browser-'));
  const servers = [];
  try {
    // Which pages
    let portalBase = null;
    if (args.dir) {
      const basePath = `/${args['base-path'].replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
      const site = await serveFolder(args.dir, basePath);
      servers.push(site.server);
      portalBase = site.base;
      console.log(`Serving ${resolve(args.dir)} at ${portalBase}`);
    } else if (args.url) {
      portalBase = args.url.endsWith('/') ? args.url : `${args.url}/`;
    }
    const targets = [];
    if (portalBase) {
      let pages = [];
      try {
        pages = await sitemapPages(portalBase);
        record('sitemap.xml', 'sitemap', pages.length ? [] : ['the sitemap lists no page']);
      } catch (err) {
        record('sitemap.xml', 'sitemap', [err.message]);
      }
      console.log(`sitemap.xml: ${pages.length} pages`);
      if (!process.env.RESPI_SITE_ROOT) {
        const missing = BUNDLED_PAGES.filter((p) => !pages.includes(new URL(p, portalBase).href));
        record('sitemap.xml', 'bundled pages', missing.map((p) => `${p} is not in the sitemap`));
      }
      if (args.dir) {
        const extra = await unlistedPages(resolve(args.dir), portalBase, pages);
        if (extra.length) {
          console.log(`Not in sitemap.xml, visited too: ${extra.length} pages (${extra.slice(0, 3).map((u) => new URL(u).pathname).join(', ')}${extra.length > 3 ? ', …' : ''})`);
          pages.push(...extra);
        }
      }
      if (args.limit) pages = pages.slice(0, Number(args.limit));
      targets.push(...pages.map((url) => ({ url, kind: 'portal' })));
    }
    let tickets = { anonymous: [], groups: [], problems: [] };
    if (ticketsUrl) {
      try {
        const routes = await ticketRoutes(ticketsUrl);
        record(`${ticketsUrl}/__routes`, 'routes', routes.length ? [] : ['the route list is empty']);
        const accountsFile = process.env.RESPI_TICKETS_ACCOUNTS;
        const needLogin = routes.some((r) => r.logins.length);
        if (needLogin && !accountsFile) {
          throw new Error('the reserved area has pages behind a login: set RESPI_TICKETS_ACCOUNTS to a file holding what respi-tickets serve --demo printed');
        }
        const accounts = needLogin ? await readDemoAccounts(accountsFile) : new Map();
        tickets = planTickets(ticketsUrl, routes, accounts);
        record(`${ticketsUrl}/__routes`, 'logins', tickets.problems);
        const visits = tickets.groups.reduce((n, g) => n + g.pages.length, 0);
        const errorStates = tickets.groups.reduce((n, g) => n + groupSize(g) - g.pages.length, 0);
        console.log(`Reserved area: ${routes.length} routes from ${ticketsUrl}/__routes: ${tickets.anonymous.length} for visitors, ${visits} visits as ${tickets.groups.length} logins (${tickets.groups.map((g) => g.account.username).join(', ')}), ${errorStates} form error states`);
      } catch (err) {
        record(`${ticketsUrl}/__routes`, 'routes', [err.message]);
      }
    } else {
      console.log('Reserved area: RESPI_TICKETS_URL not set, skipped');
    }

    // The Nu HTML Checker is a separate process: start it now, collect it at the end.
    const portalFile = (url) => {
      const rel = decodeURIComponent(new URL(url).pathname.slice(new URL(portalBase).pathname.length));
      return resolve(args.dir, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel);
    };
    const nuJob = nuCheck({
      dir: args.dir ? resolve(args.dir) : null,
      sample: args.dir && args.limit ? targets.filter((t) => t.kind === 'portal').map((t) => portalFile(t.url)) : null,
      portalPages: targets.filter((t) => t.kind === 'portal').map((t) => t.url),
      tmp,
    });
    // The reserved area's HTML, saved as the browser receives it, for a second run of vnu.
    const ticketsHtml = new Map(); // file -> label
    await mkdir(join(tmp, 'tickets'));
    const saveTicketsHtml = async (label, html) => {
      const file = join(tmp, 'tickets', `${String(ticketsHtml.size + 1).padStart(4, '0')}.html`);
      ticketsHtml.set(file, label);
      await writeFile(file, html);
    };
    targets.push(...tickets.anonymous.map((t) => ({ ...t, saveHtml: saveTicketsHtml })));

    // Browser checks
    const allowedOrigins = new Set([...targets, ...tickets.groups.flatMap((g) => g.pages)].map((t) => new URL(t.url).origin));
    for (const extra of (process.env.RESPI_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      allowedOrigins.add(new URL(extra).origin);
    }
    const assets = await suiteAssets();
    servers.push(assets.server);
    const hosts = [...new Set([...allowedOrigins, assets.axeUrl].map((o) => new URL(o).hostname))];
    const browser = await chromium.launch({
      executablePath: args.chromium,
      headless: true,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP * ~NOTFOUND${hosts.map((h) => `, EXCLUDE ${h}`).join('')}`],
    });
    const opts = { allowedOrigins, needsReview: new Map(), axeUrl: assets.axeUrl, saveTicketsHtml };
    const tBrowser = Date.now();
    // The signed-in groups first: each is a long run of pages on one worker, better not left
    // for the end. Pages for visitors share the pool's own workers.
    const jobs = [...tickets.groups.map((group) => ({ group })), ...targets.map((target) => ({ target }))];
    const total = targets.length + tickets.groups.reduce((n, g) => n + groupSize(g), 0);
    let done = 0;
    const report = (own, skipped = 0) => {
      done += skipped;
      if (!own) return;
      results.push(...own);
      done++;
      const failed = own.filter((r) => !r.ok);
      const label = own[0].page.startsWith(portalBase ?? '\0') ? new URL(own[0].page).pathname : own[0].page;
      console.log(`${failed.length ? 'FAIL' : 'ok  '} ${String(done).padStart(4)}/${total} ${label} (${(own.elapsed / 1000).toFixed(2)} s)`);
      printFailures(failed);
    };
    try {
      await runPool(jobs, Number(args.concurrency), () => newWorker(browser, opts), async (worker, job) => {
        if (job.group) await checkLogin(browser, opts, job.group, report);
        else report(await checkPage(worker, job.target, opts));
      });
    } finally {
      await browser.close();
    }
    const browserSeconds = (Date.now() - tBrowser) / 1000;
    if (opts.needsReview.size) {
      // axe could not decide these (text over an image or a gradient, say): not failures,
      // but a person should look at them.
      for (const [id, pages] of opts.needsReview) {
        console.log(`axe needs review (not a failure): ${id} on ${pages.length} pages: ${pages.slice(0, 5).join(' ')}${pages.length > 5 ? ' …' : ''}`);
      }
    }

    // Nu HTML Checker: the portal's JVM ran alongside the browser; the reserved area's HTML
    // is complete only now.
    for (const [what, job] of [['portal', nuJob], ['reserved area', ticketsHtml.size ? nuCheck({ saved: ticketsHtml, tmp }) : null]]) {
      const nu = await job;
      if (!nu || (nu.files === 0 && nu.entries.length === 0)) continue;
      results.push(...nu.entries);
      printFailures(nu.entries);
      console.log(`Nu HTML Checker, ${what}: ${nu.files} files, ${nu.entries.filter((r) => !r.ok).length} with errors (${nu.seconds.toFixed(1)} s)`);
    }
    console.log(`Browser: ${total} pages in ${browserSeconds.toFixed(1)} s (${total ? (browserSeconds / total).toFixed(2) : 0} s a page, concurrency ${args.concurrency}); total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    for (const server of servers) server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

const OPTIONS = {
  dir: { type: 'string' },
  url: { type: 'string' },
  'base-path': { type: 'string', default: '/respi/' },
  concurrency: { type: 'string', default: '2' },
  limit: { type: 'string' },
  report: { type: 'string' },
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
};
let reportFile = null;
try {
  const args = parseArgs({ options: OPTIONS }).values;
  reportFile = args.report;
  await main(args);
} catch (err) {
  record('suite', 'setup', [err.stack ?? String(err)]);
  printFailures(results.slice(-1));
}
const failed = results.filter((r) => !r.ok).length;
if (reportFile) await writeFile(reportFile, JSON.stringify(results.filter((r) => !r.ok), null, 2));
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
