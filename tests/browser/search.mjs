// Browser test of the portal's search: a fixture site is built with `respi`, served on loopback
// (at the root and under a sub-path), and searched in Debian's Chromium like a reader would.
//
// Usage: node search.mjs --respi <path to respi binary> --fixture <site folder>
// Prints "N passed, M failed" and exits non-zero on any failure.

import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    respi: { type: 'string' },
    fixture: { type: 'string' },
    theme: { type: 'string' },
  },
});

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2', '.pdf': 'application/pdf',
};

/** A loopback server for the folder set later in `state.dir`, mounted under `basePath`:
 *  it listens first, so the site can be built for its address. */
function serve(state, basePath) {
  const server = http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!state.dir || !path.startsWith(basePath)) { res.writeHead(404).end(); return; }
    let file = normalize(join(state.dir, path.slice(basePath.length)));
    if (!file.startsWith(state.dir)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Copies the fixture with the theme and builds it for `baseUrl`; returns the output folder. */
async function buildFixture(baseUrl) {
  const site = await mkdtemp(join(tmpdir(), 'respi-search-'));
  await cp(resolve(args.fixture), site, { recursive: true });
  await cp(resolve(args.theme), join(site, 'themes'), { recursive: true });
  const out = join(site, 'public');
  const r = spawnSync(args.respi, ['--root', site, 'build', '--base-url', baseUrl, '--output', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  return { site, out };
}

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) { passed += 1; console.log(`ok   ${name}`); } else { failed += 1; console.log(`FAIL ${name}: ${detail}`); }
}

/** Types `query` in the search box, submits with the keyboard, returns the result URLs. */
async function search(page, query) {
  const status = page.locator('[data-search-status]');
  await page.fill('#search-q', query);
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-search-status]').textContent;
    return s && !s.includes('…');
  });
  const urls = await page.$$eval('[data-search-results] a', (as) => as.map((a) => a.getAttribute('href')));
  return { urls, status: await status.textContent() };
}

async function runUnder(browser, basePath) {
  const state = { dir: null };
  const server = await serve(state, basePath);
  const baseUrl = `http://127.0.0.1:${server.address().port}${basePath}`;
  const { site, out } = await buildFixture(baseUrl);
  state.dir = out;
  const page = await browser.newPage();
  const label = `[${basePath}]`;
  try {
    await page.goto(`${baseUrl}cerca/`);
    await page.waitForSelector('[data-search-filters]:not([hidden])');

    const inflected = await search(page, 'lavoratrice');
    check(`${label} an inflected word finds the page with another form of it`,
      inflected.urls.some((u) => u === `${basePath}notizie/raccolta-frutta/`), JSON.stringify(inflected));

    const pdf = await search(page, 'zafferano');
    check(`${label} a word only inside a PDF finds the document`,
      pdf.urls.some((u) => u === `${basePath}documenti/circolare-stagionali/circolare.pdf`), JSON.stringify(pdf));

    const broad = await search(page, 'permesso');
    check(`${label} a common word finds pages of several kinds`,
      broad.urls.includes(`${basePath}notizie/nuovi-orari/`) && broad.urls.includes(`${basePath}faq/lavoro/contratto/`),
      JSON.stringify(broad));
    check(`${label} the result count is announced in the live region`,
      /\d+ risultati per «permesso»/.test(broad.status), broad.status);

    await page.selectOption('#filter-tipo', 'Notizie');
    await page.waitForFunction(() => !document.querySelector('[data-search-status]').textContent.includes('…'));
    await page.waitForTimeout(200);
    const narrowed = await page.$$eval('[data-search-results] a', (as) => as.map((a) => a.getAttribute('href')));
    check(`${label} a filter narrows the results`,
      narrowed.length > 0 && narrowed.length < broad.urls.length && narrowed.every((u) => u.startsWith(`${basePath}notizie/`)),
      JSON.stringify(narrowed));
    check(`${label} the query stays in the address`, page.url().includes('q=permesso'), page.url());
  } finally {
    await page.close();
    server.close();
    await rm(site, { recursive: true, force: true });
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  await runUnder(browser, '/');
  await runUnder(browser, '/respi/');
} catch (e) {
  failed += 1;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
