// The feedback journey in Debian's Chromium: a reader of the public portal reports an
// accessibility problem with the keyboard only, through the reserved area's page that asks to
// check and confirm it; answers "was this page useful?" with a comment the service sends back
// for a correction, and confirms the correction too fast, which comes back with its error;
// sends an accessibility report without its description, which comes back too; and the
// coordination reads them in the reserved area and marks the report answered.
//
// The reserved area takes a confirmation only MIN_SECS seconds after its page was made (the
// time check of the spam rules); the service runs here with a short minimum, set through its
// environment, and the journey waits that long for real before each confirmation.
//
// The portal is the bundled one, built into a temporary folder whose site.toml points its
// forms (`feedback_url`) at a reserved area started here with demo data, and served on a
// loopback port of its own: the forms go from one origin to the other, as they will between
// the Provincia's site and the reserved area. The reserved area reads the same site.toml, so it
// knows the portal's address. Every page the journey reaches is checked with axe-core, and
// the forms sent back with a mistake with ACCESSIBILITY.md F4 as well.
//
// Usage: node feedback.mjs [--respi target/debug/respi] [--tickets target/debug/respi-tickets]
//                          [--root .] [--chromium PATH]
// Prints one line a step and "N passed, M failed"; the exit code is 1 on any failure.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startDemo } from './reserved-area.mjs';
import { f4Problems, logIn } from './tickets.mjs';

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

const require = createRequire(import.meta.url);
const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BASE_PATH = '/respi/';
const STEP_TIMEOUT_MS = 10_000;
const MAX_TAB_STOPS = 60;
// The least age of a confirmation the reserved area takes here (`feedback.min_secs`), and how
// long the reader waits before confirming: a little more, since the service counts whole seconds.
const MIN_SECS = 2;
const READING_MS = MIN_SECS * 1000 + 300;
const MIME = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.json': 'application/json', '.xml': 'application/xml' };

// ---------------------------------------------------------------------------------------
// The portal on one loopback origin, the reserved area on another

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
// reserved area's feedback address.
async function siteCopy(root, work, portalUrl) {
  const site = join(work, 'site');
  await cp(join(root, 'content'), join(site, 'content'), { recursive: true });
  await cp(join(root, 'themes'), join(site, 'themes'), { recursive: true });
  const original = await readFile(join(root, 'site.toml'), 'utf8');
  const write = (feedbackUrl) => writeFile(join(site, 'site.toml'), original
    .replace(/^base_url = .*$/m, `base_url = "${portalUrl}"`)
    .replace(/^feedback_url = .*$/m, `feedback_url = "${feedbackUrl}"`));
  await write('http://127.0.0.1:9/feedback');
  return { site, setFeedbackUrl: write };
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

// `respi-tickets serve --demo` from the repository root, reading the copy's site.toml.
function startTickets(binary, root, work, siteToml) {
  return startDemo(binary, root, work, {
    RESPI_TICKETS_SITE_CONFIG: siteToml,
    RESPI_TICKETS_FEEDBACK__MIN_SECS: String(MIN_SECS),
  });
}

// ---------------------------------------------------------------------------------------
// What a person reads and does

const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

async function heading(page) {
  return squash(await page.locator('main h1').textContent());
}

function expectSame(what, shown, wanted) {
  if (shown !== wanted) throw new Error(`${what}: expected «${wanted}», the page shows «${shown}»`);
}

// axe-core on the page as it is: no violation of WCAG 2.x A/AA.
async function axeClean(page) {
  await page.addScriptTag({ path: AXE_SOURCE_PATH });
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, AXE_TAGS);
  if (violations.length) throw new Error(`axe on ${new URL(page.url()).pathname}: ${violations.join('; ')}`);
}

// Runs `act`, which sends a form or follows a link, and returns the status of the page it
// leads to.
async function leadsTo(page, act) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), act()]);
  return response?.status();
}

// What the reader reads on the page asking to confirm: not stored yet, with what was typed.
async function reviewShown(page, status, title, kept) {
  expectSame('the status of the page to confirm', status, 200);
  expectSame('the title of the page to confirm', await heading(page), title);
  for (const [label, value] of Object.entries(kept)) {
    expectSame(`«${label}» on the page to confirm`, await page.getByLabel(label).inputValue(), value);
  }
  await axeClean(page);
}

// A person reads the page before confirming: real time passes, more than the minimum.
const readPage = () => new Promise((ok) => setTimeout(ok, READING_MS));

// The focused element: its tag, type and name (label or text).
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
    const name = el.labels?.length ? text(el.labels[0].textContent) : text(el.textContent);
    return { tag: el.localName, type: el.localName === 'input' ? el.type : '', name, id: el.id };
  });
}

const describe = (f) => (f ? `${f.type || f.tag} «${f.name.slice(0, 40)}»` : '(nothing)');

// Tab until the focus is on the control whose name starts with `name`.
async function tabTo(page, name) {
  const stops = [];
  for (let i = 0; i < MAX_TAB_STOPS; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now?.name.startsWith(name)) return now;
    stops.push(describe(now));
  }
  throw new Error(`«${name}» not reached by Tab on ${new URL(page.url()).pathname}; the last stops: ${stops.slice(-6).join(', ')}`);
}

// The Europe/Rome date `days` days from today, as the service writes it (DD/MM/YYYY).
function romeDatePlus(days) {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()).split('-').map(Number);
  const due = new Date(Date.UTC(y, m - 1, d + days));
  const two = (n) => String(n).padStart(2, '0');
  return `${two(due.getUTCDate())}/${two(due.getUTCMonth() + 1)}/${due.getUTCFullYear()}`;
}

// ---------------------------------------------------------------------------------------
// The journey

async function journey(browser, portal, tickets, step) {
  const mark = Date.now().toString(36);
  const problem = `Il menu non si apre con la tastiera (${mark}).`;
  const reader = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await reader.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const formPage = `${portal}accessibilita/segnala/`;

  await step('a reader reports an accessibility problem with the keyboard only', async () => {
    await page.goto(formPage);
    await axeClean(page);
    await tabTo(page, 'Vai al contenuto principale');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Pagina o servizio');
    await page.keyboard.type('Menu principale');
    await tabTo(page, 'Descrizione del problema');
    await page.keyboard.type(problem);
    await tabTo(page, 'E-mail per la risposta');
    await page.keyboard.type('lettore@example.it');
    // The trap field takes no Tab stop: the next one is the button.
    await page.keyboard.press('Tab');
    const next = await focused(page);
    if (next?.name !== 'Invia la segnalazione') throw new Error(`after the e-mail the focus is on ${describe(next)}, not on the button`);
    const sent = await leadsTo(page, () => page.keyboard.press('Enter'));
    await reviewShown(page, sent, 'Controlla e invia', { 'Descrizione del problema': problem, 'E-mail per la risposta': 'lettore@example.it' });
    await readPage();
    await tabTo(page, 'Invia la segnalazione');
    const status = await leadsTo(page, () => page.keyboard.press('Enter'));
    expectSame('the status of the answer', status, 200);
    expectSame('the title of the answer', await heading(page), 'Segnalazione ricevuta');
    if ((await reader.cookies()).length) throw new Error('the reserved area set a cookie for a reader of the portal');
    await axeClean(page);
    await tabTo(page, 'Torna alla pagina da cui sei arrivato');
    await leadsTo(page, () => page.keyboard.press('Enter'));
    expectSame('the page the link leads back to', page.url(), formPage);
  });

  await step('a comment with a web address comes back with its error, and is corrected', async () => {
    await page.goto(`${portal}accessibilita/`);
    await axeClean(page);
    const question = page.getByRole('form', { name: 'Questa pagina ti è stata utile?' });
    await question.getByLabel('Commento (facoltativo)').fill('Vedi https://spam.example/');
    const status = await leadsTo(page, () => question.getByRole('button', { name: 'No', exact: true }).click());
    expectSame('the status of the form sent back', status, 422);
    const problems = await f4Problems(page, { path: '/feedback', flagged: ['commento'], kept: () => ({ commento: 'Vedi https://spam.example/' }) });
    if (problems.length) throw new Error(`F4: ${problems.join('; ')}`);
    await axeClean(page);
    if (!(await page.getByRole('radio', { name: 'No', exact: true }).isChecked())) throw new Error('the answer «No» is not kept');
    await page.getByLabel('Commento').fill(`Manca l'orario del sabato (${mark}).`);
    await readPage();
    const corrected = await leadsTo(page, () => page.getByRole('button', { name: 'Invia il parere' }).click());
    expectSame('the status after the correction', corrected, 200);
    expectSame('the title after the correction', await heading(page), 'Grazie per il tuo parere');
    await axeClean(page);
  });

  await step('a confirmation sent at once comes back with its error, and nothing is lost', async () => {
    await page.goto(portal);
    const question = page.getByRole('form', { name: 'Questa pagina ti è stata utile?' });
    const comment = `Chiara e completa (${mark}).`;
    await question.getByLabel('Commento (facoltativo)').fill(comment);
    const sent = await leadsTo(page, () => question.getByRole('button', { name: 'Sì', exact: true }).click());
    expectSame('the status of the page to confirm', sent, 200);
    expectSame('the title of the page to confirm', await heading(page), 'Grazie: vuoi aggiungere un commento?');
    // Confirmed at once, as a program does: before the minimum.
    const tooSoon = await leadsTo(page, () => page.getByRole('button', { name: 'Invia il parere' }).click());
    expectSame('the status of a confirmation too fast', tooSoon, 422);
    const title = await page.title();
    if (!title.startsWith('Errore: ')) throw new Error(`the title reads «${title}»`);
    const alert = squash(await page.locator('main [role=alert]').textContent());
    if (!alert.includes('attendi qualche secondo e invia di nuovo')) throw new Error(`the error summary reads «${alert}»`);
    // The summary's link leads to the button that sends the form again, which names the message.
    await page.locator('main [role=alert] a').click();
    const onButton = await focused(page);
    if (onButton?.id !== 'invia-modulo') throw new Error(`the summary's link leads to ${describe(onButton)}`);
    const describedBy = await page.locator('#invia-modulo').getAttribute('aria-describedby');
    const message = squash(await page.locator(`#${describedBy}`).textContent());
    if (!message.includes('attendi qualche secondo')) throw new Error(`the button is described by «${message}»`);
    expectSame('the comment after a confirmation too fast', await page.getByLabel('Commento').inputValue(), comment);
    if (!(await page.getByRole('radio', { name: 'Sì', exact: true }).isChecked())) throw new Error('the answer «Sì» is not kept');
    await axeClean(page);
    await readPage();
    const confirmed = await leadsTo(page, () => page.getByRole('button', { name: 'Invia il parere' }).click());
    expectSame('the status after waiting', confirmed, 200);
    expectSame('the title after waiting', await heading(page), 'Grazie per il tuo parere');
  });

  await step('an accessibility report without its description comes back with its error, and is corrected', async () => {
    await page.goto(formPage);
    await page.getByLabel('Pagina o servizio').fill('Calendario degli sportelli');
    const status = await leadsTo(page, () => page.getByRole('button', { name: 'Invia la segnalazione' }).click());
    expectSame('the status of the form sent back', status, 422);
    const problems = await f4Problems(page, { path: '/feedback', flagged: ['descrizione'], kept: () => ({ oggetto: 'Calendario degli sportelli' }) });
    if (problems.length) throw new Error(`F4: ${problems.join('; ')}`);
    await axeClean(page);
    await page.getByLabel('Descrizione del problema').fill(`Le date non si leggono con lo screen reader (${mark}).`);
    await readPage();
    const corrected = await leadsTo(page, () => page.getByRole('button', { name: 'Invia la segnalazione' }).click());
    expectSame('the status after the correction', corrected, 200);
    expectSame('the title after the correction', await heading(page), 'Segnalazione ricevuta');
  });

  await step('the coordination reads the report with its due date, and the counts', async () => {
    const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const coordination = await context.newPage();
    coordination.setDefaultTimeout(STEP_TIMEOUT_MS);
    await logIn(coordination, tickets.base, tickets.accounts.get('demo.coordinamento'));
    await leadsTo(coordination, () => coordination.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: 'Riscontri', exact: true }).click());
    const row = await coordination.evaluate((problem) => {
      const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
      const headings = [...document.querySelectorAll('main thead th')].map(text);
      const tr = [...document.querySelectorAll('main tbody tr')].find((r) => text(r).includes(problem));
      return tr ? Object.fromEntries([...tr.children].map((cell, i) => [headings[i], text(cell)])) : null;
    }, problem);
    if (!row) throw new Error('the report is not in the list');
    expectSame('the kind', row.Tipo, 'Problema di accessibilità');
    expectSame('the due date', row['Risposta entro il'], romeDatePlus(30));
    expectSame('the e-mail', row['E-mail per la risposta'], 'lettore@example.it');
    if (!row.Stato.startsWith('Da rispondere')) throw new Error(`the state reads «${row.Stato}»`);
    await axeClean(coordination);
    // The report answered: its row says so, and offers to close it.
    const answered = coordination.locator('main tbody tr', { hasText: problem }).getByRole('button', { name: /^Segna come risposta/ });
    await leadsTo(coordination, () => answered.click());
    const status = squash(await coordination.locator('main [role=status]').first().textContent());
    expectSame('the message after the step', status, 'Segnalazione segnata come risposta.');
    const state = squash(await coordination.locator('main tbody tr', { hasText: problem }).locator('td').last().textContent());
    if (!state.startsWith('Risposta inviata')) throw new Error(`after the step the state reads «${state}»`);
    await axeClean(coordination);
    await leadsTo(coordination, () => coordination.getByRole('link', { name: 'Pareri per pagina' }).click());
    const counts = squash(await coordination.locator('main tbody').textContent());
    if (!counts.includes('/accessibilita/ 0 1')) throw new Error(`the counts read «${counts}»`);
    await axeClean(coordination);
    await context.close();
  });
  await reader.close();
}

// ---------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
const work = await mkdtemp(join(tmpdir(), 'respi-feedback-'));
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
  const { site, setFeedbackUrl } = await siteCopy(resolve(args.root), work, portal);
  tickets = await startTickets(args.tickets, args.root, work, join(site, 'site.toml'));
  await setFeedbackUrl(`${tickets.base}/feedback`);
  await run(resolve(args.respi), ['--root', site, 'build', '--output', output], site);
  browser = await chromium.launch({
    executablePath: args.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await journey(browser, portal, tickets, step);
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
