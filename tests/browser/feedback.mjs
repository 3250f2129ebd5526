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

import { createRequire } from 'node:module';
import { playPortalAgainstDemo } from './portal.mjs';
import { journeyArgs, squash } from './reserved-area.mjs';
import { f4Problems, logIn } from './tickets.mjs';

const args = journeyArgs({ portal: true });

const require = createRequire(import.meta.url);
const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const STEP_TIMEOUT_MS = 10_000;
const MAX_TAB_STOPS = 60;

// The copy's site.toml: the portal's address, and its forms sent to the reserved area.
const configure = (original, { portal, reservedArea }) => original
  .replace(/^base_url = .*$/m, `base_url = "${portal}"`)
  .replace(/^feedback_url = .*$/m, `feedback_url = "${reservedArea}/feedback"`);
// The least age of a confirmation the reserved area takes here (`feedback.min_secs`), and how
// long the reader waits before confirming: a little more, since the service counts whole seconds.
const MIN_SECS = 2;
const READING_MS = MIN_SECS * 1000 + 300;

// ---------------------------------------------------------------------------------------
// What a person reads and does


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

process.exit(await playPortalAgainstDemo({
  ...args,
  name: 'feedback',
  configure,
  env: { RESPI_TICKETS_FEEDBACK__MIN_SECS: String(MIN_SECS) },
  scenario: (browser, { portal, tickets }, step) => journey(browser, portal, tickets, step),
}));
