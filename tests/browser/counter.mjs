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

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { playPortalAgainstDemo } from './portal.mjs';
import { journeyArgs } from './reserved-area.mjs';

const args = journeyArgs({ portal: true });

const STEP_TIMEOUT_MS = 10_000;

// The copy's site.toml: the portal's address, and its counter at the reserved area.
const configure = (original, { portal, reservedArea }) => original
  .replace(/^#? ?counter_url = .*\n/m, '')
  .replace(/^base_url = .*$/m, `base_url = "${portal}"`)
  .replace(/^(feedback_url = .*)$/m, `$1\ncounter_url = "${reservedArea}/contatore"`);

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

process.exit(await playPortalAgainstDemo({
  ...args,
  name: 'counter',
  configure,
  scenario: (browser, { portal, tickets, work }, step) => journey(browser, portal, tickets, join(work, 'respi-tickets-demo.sqlite3'), step),
}));
