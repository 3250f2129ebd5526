// The page counter end to end in Debian's Chromium: a reader opens a page of the portal, whose
// image asks the reserved area's `/contatore`; the view is counted once, no cookie is set, and
// the database holds the day, the page, the language and the count, nothing else.
//
// The portal is the bundled one, built into a temporary folder whose site.toml points its
// counter (`counter_url`) at a reserved area started here with demo data, and served on a
// loopback port of its own, as the Provincia's site and the reserved area will be. The
// reserved area reads the same site.toml, so it knows the portal's address. The test reads
// the reserved area's SQLite file with the sqlite3 command.
//
// Usage: node counter.mjs [--respi target/debug/respi] [--tickets target/debug/respi-tickets]
//                         [--root .] [--chromium PATH]
// Prints one line a step and "N passed, M failed"; the exit code is 1 on any failure.

import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startDemo } from './reserved-area.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
const { values: args } = parseArgs({
  options: {
    respi: { type: 'string', default: join(TARGET, 'debug', 'respi') },
    tickets: { type: 'string', default: join(TARGET, 'debug', 'respi-tickets') },
    root: { type: 'string', default: ROOT },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});

const BASE_PATH = '/respi/';
const STEP_TIMEOUT_MS = 10_000;
const MIME = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.json': 'application/json', '.xml': 'application/xml' };

async function listen(handler) {
  const server = http.createServer(handler);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}

// Serves `folder` under BASE_PATH, GET only, as the Provincia's web server would.
function staticFiles(folder) {
  return async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    let file = path.startsWith(BASE_PATH) ? resolve(folder, `./${path.slice(BASE_PATH.length)}`) : null;
    if (file && !file.startsWith(folder + sep) && file !== folder) file = null;
    let info = file && (await stat(file).catch(() => null));
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (req.method !== 'GET' || !info?.isFile()) {
      res.writeHead(req.method === 'GET' ? 404 : 405);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  };
}

// A copy of the site's sources whose site.toml has the portal's address and, once known, the
// reserved area's counter.
async function siteCopy(root, work, portalUrl) {
  const site = join(work, 'site');
  await cp(join(root, 'content'), join(site, 'content'), { recursive: true });
  await cp(join(root, 'themes'), join(site, 'themes'), { recursive: true });
  const original = (await readFile(join(root, 'site.toml'), 'utf8'))
    .replace(/^#? ?counter_url = .*\n/m, '')
    .replace(/^base_url = .*$/m, `base_url = "${portalUrl}"`);
  const write = (counterUrl) => writeFile(join(site, 'site.toml'), original
    .replace(/^(feedback_url = .*)$/m, `$1\ncounter_url = "${counterUrl}"`));
  await write('http://127.0.0.1:9/contatore');
  return { site, setCounterUrl: write };
}

function run(command, argv, cwd) {
  return new Promise((ok, fail) => {
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${command} ${argv.join(' ')}:\n${err}`))));
  });
}

// Rows of `sql` on the reserved area's database (the demo's file), as arrays of strings.
async function query(database, sql) {
  const { stdout } = await promisify(execFile)('sqlite3', ['-readonly', '-separator', '\t', database, sql]);
  return stdout.split('\n').filter(Boolean).map((line) => line.split('\t'));
}

function expectSame(what, shown, wanted) {
  const [a, b] = [JSON.stringify(shown), JSON.stringify(wanted)];
  if (a !== b) throw new Error(`${what}: expected ${b}, found ${a}`);
}

// Opens `url` in a fresh reader's context and waits until every request of the page is done;
// returns the counter's responses and the cookies the context holds.
async function readPage(browser, url, counterBase) {
  const context = await browser.newContext({ locale: 'it-IT' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const counted = [];
  page.on('response', (response) => {
    if (response.url().startsWith(`${counterBase}/contatore`)) counted.push(response);
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  const loaded = await page.locator('img.page-counter').evaluate((img) => img.complete && img.naturalWidth === 1);
  const cookies = await context.cookies();
  const headers = await Promise.all(counted.map((r) => r.allHeaders()));
  await context.close();
  return { counted, headers, cookies, loaded };
}

async function journey(browser, portal, tickets, database, step) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
  await step('a reader opens a page: one request to the counter, the image shows, no cookie', async () => {
    const seen = await readPage(browser, `${portal}faq/`, tickets.base);
    expectSame('requests to the counter', seen.counted.length, 1);
    expectSame('status of the counter', seen.counted[0].status(), 200);
    expectSame('the image loaded', seen.loaded, true);
    if (seen.headers.some((h) => 'set-cookie' in h)) throw new Error('the counter set a cookie');
    expectSame('cookies of the reader', seen.cookies, []);
  });
  await step('the database holds that one view: day, page, language and count', async () => {
    expectSame('page_views', await query(database, 'SELECT day, path, lang, views FROM page_views'), [[today, '/faq/', 'it', '1']]);
    const columns = (await query(database, 'PRAGMA table_info(page_views)')).map((row) => row[1]);
    expectSame('the columns of page_views', columns, ['day', 'path', 'lang', 'views']);
    expectSame('sessions of readers', await query(database, "SELECT COUNT(*) FROM sessions"), [['0']]);
  });
  await step('another view of the page and a page in English count once each', async () => {
    await readPage(browser, `${portal}faq/`, tickets.base);
    await readPage(browser, `${portal}en/`, tickets.base);
    expectSame('page_views', await query(database, 'SELECT path, lang, views FROM page_views ORDER BY path'), [['/en/', 'en', '1'], ['/faq/', 'it', '2']]);
  });
  await step('a known robot gets the image and is not counted', async () => {
    const response = await fetch(`${tickets.base}/contatore?pagina=${portal}faq/&lingua=it`, { headers: { 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' } });
    expectSame('status', response.status, 200);
    expectSame('views of /faq/', await query(database, "SELECT views FROM page_views WHERE path = '/faq/'"), [['2']]);
  });
}

let passed = 0;
let failed = 0;
const work = await mkdtemp(join(tmpdir(), 'respi-counter-'));
const output = join(work, 'public');
const server = await listen(staticFiles(output));
const portal = `http://127.0.0.1:${server.address().port}${BASE_PATH}`;
let tickets = null;
let browser = null;
let number = 0;
const step = async (name, body) => {
  number += 1;
  const t = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`ok   ${number}. ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed += 1;
    console.log(`FAIL ${number}. ${name}: ${err.message.split('\n')[0]}`);
    throw Object.assign(new Error('journey stopped'), { reported: true });
  }
};
try {
  const { site, setCounterUrl } = await siteCopy(resolve(args.root), work, portal);
  tickets = await startDemo(args.tickets, args.root, work, { RESPI_TICKETS_SITE_CONFIG: join(site, 'site.toml') });
  await setCounterUrl(`${tickets.base}/contatore`);
  await run(resolve(args.respi), ['--root', site, 'build', '--output', output], site);
  browser = await chromium.launch({
    executablePath: args.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await journey(browser, portal, tickets, join(work, 'respi-tickets-demo.sqlite3'), step);
} catch (err) {
  if (!err.reported) {
    failed += 1;
    console.log(`FAIL ${err.stack ?? err}`);
  }
  const log = tickets ? (await readFile(tickets.logFile, 'utf8')).trim() : '';
  if (log) console.log(`respi-tickets log (last lines):\n${log.split('\n').slice(-10).join('\n')}`);
} finally {
  await browser?.close();
  await tickets?.stop();
  server.close();
  await rm(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
