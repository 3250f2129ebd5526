// The reserved area's search and statistics in Debian's Chromium, as people use them.
//
// The administrator adds an operator of a second office, who chooses a password and files a
// report. The demo office files two reports through the form, then searches with the
// keyboard: a plural finds the report that has the word in the singular, with the word
// marked, and never the other office's report; a filter chosen with the arrow keys narrows
// the results, and the address of the results opens them again (a bookmark). The
// coordination searches a person's tax code through the POST form, and the code never shows
// in an address. Then the coordination opens the statistics, changes the period with the
// keyboard, reads the charts (each with an accessible name and a table with the same
// figures), and downloads the CSV of the aggregates: UTF-8 with a byte-order mark, `;` by
// default and `,` when asked, the same figures as the page's tables. Every page reached is
// checked as the accessibility suite checks it: axe-core, no scrolling sideways at 320 px,
// a visible focus.
//
// It starts a reserved area of its own with demo data (`respi-tickets serve --demo`), as the
// report story does.
//
// Usage: node search-statistics.mjs [--tickets target/debug/respi-tickets] [--root .] [--chromium PATH]
// Prints one line a step and "N passed, M failed"; the exit code is 1 on any failure.

import { readFile } from 'node:fs/promises';
import {
  journeyArgs, squash,
  accessibilityProblems, button, chooseOption, chooseRadio, leadsTo, logIn, playAgainstDemo, pressOn,
  skipToMain, tabTo, typeInto,
} from './reserved-area.mjs';

const args = journeyArgs();

const STEP_TIMEOUT_MS = 10_000;
// A tax code of the right form and check letter, for a person invented for the test.
const TAX_CODE = 'RSSMRA85T10A562S';


function expectSame(what, shown, wanted) {
  const [a, b] = [JSON.stringify(shown), JSON.stringify(wanted)];
  if (a !== b) throw new Error(`${what}: expected ${b}, the page shows ${a}`);
}

async function expectAccessible(page) {
  const problems = await accessibilityProblems(page);
  if (problems.length) throw new Error(problems.join('; '));
}

// Today in Europe/Rome, as the service counts days: [year, month, day].
function romeToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()).split('-');
}

// Types `iso` (YYYY-MM-DD) into the date field `label`, reached with Tab, in the order of day
// and month this Chromium shows in its date fields (its interface language decides it, not
// the page's): found once on a blank page of the same browser.
async function typeDate(page, label, iso) {
  const probe = await page.context().newPage();
  await probe.setContent('<input type="date" aria-label="prova">');
  await probe.focus('input');
  await probe.keyboard.type('01022026');
  const dayFirst = (await probe.inputValue('input')) === '2026-02-01';
  await probe.close();
  // The journey's tab has the window again (else :focus matches nothing in it).
  await page.bringToFront();
  const [year, month, day] = iso.split('-');
  await typeInto(page, label, dayFirst ? `${day}${month}${year}` : `${month}${day}${year}`);
}

// Follows the link `label` of the main menu.
function fromMenu(page, label) {
  return leadsTo(page, () => page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: label, exact: true }).click());
}

// ---------------------------------------------------------------------------------------
// Filing a report through the form, with the mouse

// Files `report` from the menu's "Nuova segnalazione" through the review page, with the
// urgency at `report.urgency` (0 the first, -1 the last); returns the protocol number the
// report page shows and the urgency as the search's filter names it ("U1 – …").
async function fileReport(page, report) {
  await fromMenu(page, 'Nuova segnalazione');
  const urgency = await page.getByRole('group', { name: /^Urgenza/ }).getByRole('radio')
    .evaluateAll((radios, at) => radios.at(at).labels[0].textContent.trim(), report.urgency);
  await page.getByRole('radio', { name: /^Verifica dello stato di avanzamento/ }).check();
  await page.getByLabel('Ufficio destinatario').selectOption({ label: 'Questura – Ufficio Immigrazione' });
  await page.getByLabel('Tipo di pratica').selectOption({ label: 'Permesso di soggiorno' });
  await page.getByLabel('Cognome (obbligatorio)', { exact: true }).fill(report.familyName);
  await page.getByLabel('Nome (obbligatorio)', { exact: true }).fill(report.givenName);
  if (report.taxCode) await page.getByLabel('Codice fiscale').fill(report.taxCode);
  await page.getByLabel('Descrizione della richiesta').fill(report.description);
  await page.getByRole('radio', { name: urgency, exact: true }).check();
  await page.getByLabel("Motivo dell'urgenza").fill('Permesso in scadenza a fine mese (esempio).');
  await leadsTo(page, () => page.getByRole('button', { name: 'Continua e rileggi' }).click());
  expectSame('the title of the review page', squash(await page.locator('main h1').textContent()), 'Controlla la segnalazione');
  await leadsTo(page, () => page.getByRole('button', { name: 'Invia la segnalazione' }).click());
  const title = squash(await page.locator('main h1').textContent());
  const protocol = title.match(/RESPI-\d{4}-\d{6}/)?.[0];
  if (!protocol) throw new Error(`the page after sending reads «${title}», not a report with its protocol number`);
  // "U1 – Urgente: risposta entro 2 giorni lavorativi" is "U1 – Urgente" in the filter.
  return { protocol, urgency: urgency.replace(/: risposta entro .*$/, '') };
}

// ---------------------------------------------------------------------------------------
// The search page as read

function readResults(page) {
  return page.evaluate(() => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const section = document.querySelector('section[aria-labelledby=risultati]');
    const items = [...(section?.querySelectorAll('.search-results > li') ?? [])];
    return {
      heading: text(section?.querySelector('h2')),
      protocols: items.map((li) => text(li.querySelector('h3 a'))),
      marked: Object.fromEntries(items.map((li) => [text(li.querySelector('h3 a')), [...li.querySelectorAll('mark')].map(text)])),
      bookmark: section?.querySelector('a[href^="/segnalazioni/cerca?"]')?.href ?? null,
    };
  });
}

// ---------------------------------------------------------------------------------------
// The statistics page as read

// Each table of the page by the id of its heading: caption, and line -> figure of the
// chosen period; each chart with its accessible name and its bars (line -> figure).
function readStatistics(page) {
  return page.evaluate(() => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const tables = {};
    const charts = [];
    for (const h2 of document.querySelectorAll('main h2[id]')) {
      let el = h2.nextElementSibling;
      let chart = null;
      if (el?.matches('figure.chart')) {
        const svg = el.querySelector('svg');
        const labels = [...svg.querySelectorAll('text')].map(text);
        const bars = {};
        for (let i = 0; i + 1 < labels.length; i += 2) bars[labels[i]] = labels[i + 1];
        chart = {
          id: h2.id,
          role: svg.getAttribute('role'),
          name: (svg.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean).map((id) => text(document.getElementById(id))).join(' '),
          title: text(svg.querySelector('title')),
          rects: svg.querySelectorAll('rect').length,
          bars,
        };
        charts.push(chart);
        el = el.nextElementSibling;
      }
      const table = el?.querySelector('table');
      if (!table) continue;
      const rows = {};
      for (const tr of table.querySelectorAll('tbody tr')) {
        const th = tr.querySelector('th');
        if (th) rows[text(th)] = text(tr.querySelector('td'));
      }
      tables[h2.id] = { caption: text(table.caption), rows };
    }
    return { status: text(document.querySelector('main [role=status]')), tables, charts };
  });
}

// The cells of a CSV file written with `separator` (quoted cells may hold it).
function csvRows(text, separator) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

// A figure of the page as the CSV writes it: a bare number, nothing for "–".
const asCsv = (shown) => shown.replace(/ %$/, '').replace(/^–$/, '');

// Presses Enter on the button `label` and reads the file it downloads.
async function download(page, label, options) {
  await tabTo(page, button(label), options);
  const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

// ---------------------------------------------------------------------------------------
// The journey

async function journey(browser, demo, run) {
  const { base, accounts } = demo;
  const account = (username) => {
    const found = accounts.get(username);
    if (!found) throw new Error(`no ${username} in what respi-tickets serve --demo printed`);
    return found;
  };
  const contexts = [];
  const personPage = async () => {
    const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 }, bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    return page;
  };
  // Unique words, so nothing else in the database can pass for these reports.
  const mark = Date.now().toString(36);
  const other = { username: `op.${mark}`, password: '', office: '', protocol: '' };
  const office = { protocols: [] };
  let coordination = null;

  await run('the administrator adds an operator of another office', async () => {
    const page = await personPage();
    await logIn(page, base, account('demo.admin'));
    await fromMenu(page, 'Utenti');
    await leadsTo(page, () => page.getByRole('main').getByRole('link', { name: 'Nuovo utente' }).click());
    await page.getByLabel('Nome utente').fill(other.username);
    await page.getByLabel('Nome e cognome').fill('Operatore di prova (esempio)');
    await page.getByLabel('E-mail di lavoro').fill(`${other.username}@example.invalid`);
    await page.getByLabel('Ruolo').selectOption({ label: 'Operatore di sportello' });
    const demoOffice = account('demo.sportello').organisation;
    other.office = await page.getByLabel('Organizzazione').evaluate((select, demoOffice) => [...select.querySelectorAll('optgroup')]
      .filter((group) => /sportell/i.test(group.label)).flatMap((group) => [...group.children])
      .map((option) => option.textContent.trim()).find((name) => name !== demoOffice), demoOffice);
    if (!other.office) throw new Error(`no office other than «${demoOffice}» among the organisations`);
    await page.getByLabel('Organizzazione').selectOption({ label: other.office });
    await leadsTo(page, () => page.getByRole('button', { name: "Crea l'utente" }).click());
    other.password = squash(await page.locator('main code.secret').textContent());
    if (!other.password) throw new Error(`the page after creating reads «${squash(await page.locator('main').textContent())}»`);
    await page.context().close();
    return `${other.username}, ${other.office}`;
  });

  await run('the other office\'s operator chooses a password, files a report and finds it', async () => {
    const page = await personPage();
    await logIn(page, base, { username: other.username, password: other.password, totpSecret: null });
    const chosen = `Tre gatti blu sul tetto ${mark}`;
    await page.getByLabel('Password attuale').fill(other.password);
    await page.getByLabel('Nuova password (obbligatorio)', { exact: true }).fill(chosen);
    await page.getByLabel('Ripeti la nuova password (obbligatorio)', { exact: true }).fill(chosen);
    await leadsTo(page, () => page.getByRole('button', { name: 'Cambia la password' }).click());
    ({ protocol: other.protocol } = await fileReport(page, {
      familyName: 'Bianchi', givenName: 'Anna (esempio)', urgency: 0,
      description: `Il permesso di soggiorno per studio è in ritardo (rif. ${mark}).`,
    }));
    // Its own office finds it with the words the demo office will search.
    await fromMenu(page, 'Cerca nelle segnalazioni');
    await page.getByLabel('Parole da cercare').fill('permessi');
    await leadsTo(page, () => page.getByRole('button', { name: 'Cerca', exact: true }).click());
    expectSame(`what ${other.office} finds`, (await readResults(page)).protocols, [other.protocol]);
    await page.context().close();
    return other.protocol;
  });

  const page = await personPage();
  let urgent = '';
  await run('the office files two reports through the form', async () => {
    await logIn(page, base, account('demo.sportello'));
    const first = await fileReport(page, {
      familyName: 'Rossi', givenName: 'Mario (esempio)', taxCode: TAX_CODE, urgency: 0,
      description: `Il permesso di soggiorno per lavoro è in ritardo di tre mesi (rif. ${mark}).`,
    });
    const second = await fileReport(page, {
      familyName: 'Okafor', givenName: 'Adaeze (esempio)', urgency: -1,
      description: `Il nulla osta al ricongiungimento familiare è in ritardo (rif. ${mark}).`,
    });
    if (first.urgency === second.urgency) throw new Error(`the form offers one urgency only, «${first.urgency}»`);
    office.protocols.push(first.protocol, second.protocol);
    urgent = first.urgency;
    return office.protocols.join(', ');
  });

  await run('a plural finds the report with the singular, marked; never the other office\'s', async () => {
    await fromMenu(page, 'Cerca nelle segnalazioni');
    await skipToMain(page);
    await typeInto(page, 'Parole da cercare', 'permessi');
    await pressOn(page, button('Cerca'));
    const results = await readResults(page);
    expectSame('the reports found', results.protocols, [office.protocols[0]]);
    expectSame('the words marked', results.marked[office.protocols[0]], ['permesso']);
    if (results.protocols.includes(other.protocol)) throw new Error(`the office finds ${other.protocol}, a report of ${other.office}`);
    await expectAccessible(page);
    return results.heading;
  });

  await run('a filter chosen by keyboard narrows the results, and their address opens them again', async () => {
    await page.goto(`${base}/segnalazioni/cerca`);
    await skipToMain(page);
    await typeInto(page, 'Parole da cercare', 'ritardi');
    await pressOn(page, button('Cerca'));
    const both = await readResults(page);
    expectSame('the reports found by «ritardi»', [...both.protocols].sort(), [...office.protocols].sort());
    // The form keeps the words: only the filter is chosen now.
    await page.evaluate(() => document.activeElement?.blur?.());
    await skipToMain(page);
    await chooseOption(page, 'Urgenza', urgent);
    await pressOn(page, button('Cerca'));
    const narrowed = await readResults(page);
    expectSame(`the reports found with «${urgent}»`, narrowed.protocols, [office.protocols[0]]);
    const address = new URL(page.url());
    expectSame('the words in the address', address.searchParams.get('parole'), 'ritardi');
    expectSame('the urgency in the address', address.searchParams.get('urgenza'), urgent.split(' ')[0]);
    // The link to bookmark holds the same search, without the empty fields.
    const bookmark = new URL(narrowed.bookmark ?? 'about:blank');
    expectSame('the link «Indirizzo di questa ricerca»', [bookmark.pathname, bookmark.searchParams.get('parole'), bookmark.searchParams.get('urgenza')], ['/segnalazioni/cerca', 'ritardi', urgent.split(' ')[0]]);
    await page.goto('about:blank');
    await leadsTo(page, () => page.goto(narrowed.bookmark));
    expectSame('the reports found again from the bookmark', (await readResults(page)).protocols, narrowed.protocols);
    expectSame('the urgency shown again', squash(await page.getByLabel('Urgenza').evaluate((s) => s.selectedOptions[0].textContent)), urgent);
    await expectAccessible(page);
    await page.context().close();
  });

  await run('the coordination searches a tax code through the POST form; no address holds it', async () => {
    coordination = await personPage();
    const seen = [];
    coordination.on('request', (request) => seen.push({ url: request.url(), method: request.method() }));
    await logIn(coordination, base, account('demo.coordinamento'));
    await fromMenu(coordination, 'Cerca nelle segnalazioni');
    await coordination.getByLabel('Cognome, nome, data di nascita o codice fiscale').fill(TAX_CODE);
    await leadsTo(coordination, () => coordination.getByRole('button', { name: 'Cerca per persona' }).click());
    const results = await readResults(coordination);
    expectSame('the reports found for the person', results.protocols, [office.protocols[0]]);
    expectSame('the link to bookmark the search', results.bookmark, null);
    const sent = seen.find((r) => new URL(r.url).pathname === '/segnalazioni/cerca/persona');
    expectSame('the method of the person search', sent?.method, 'POST');
    const leaked = seen.filter((r) => r.url.toUpperCase().includes(TAX_CODE));
    if (leaked.length) throw new Error(`the tax code is in the address ${leaked[0].url}`);
    if (coordination.url().toUpperCase().includes(TAX_CODE)) throw new Error(`the tax code is in the address ${coordination.url()}`);
    await expectAccessible(coordination);
    return results.heading;
  });

  const [year, month, day] = romeToday();
  const [from, until] = [`${year}-${month}-01`, `${year}-${month}-${day}`];
  let statistics = null;
  await run('the coordination chooses the period of the statistics by keyboard', async () => {
    await fromMenu(coordination, 'Statistiche');
    await skipToMain(coordination);
    await typeDate(coordination, 'Dal giorno', from);
    await typeDate(coordination, 'Al giorno', until);
    await pressOn(coordination, button('Mostra le statistiche'));
    const address = new URL(coordination.url());
    expectSame('the period in the address', [address.searchParams.get('dal'), address.searchParams.get('al')], [from, until]);
    statistics = await readStatistics(coordination);
    const period = `dal 01/${month}/${year} al ${day}/${month}/${year}`;
    if (!statistics.status.startsWith(`Periodo ${period}, confrontato con il periodo `)) throw new Error(`the page says «${statistics.status}»`);
    return statistics.status;
  });

  await run('each chart has an accessible name and a table with the same figures', async () => {
    if (statistics.charts.length === 0) throw new Error('the page has no chart, with three reports filed in the period');
    for (const chart of statistics.charts) {
      expectSame(`the role of the chart «${chart.id}»`, chart.role, 'img');
      if (!chart.name.startsWith(chart.title) || chart.title.length < 5) throw new Error(`the chart «${chart.id}» is named «${chart.name}»`);
      // The name as the browser computes it for assistive technology.
      const named = await coordination.getByRole('img', { name: chart.title }).count();
      if (named !== 1) throw new Error(`${named} images are named «${chart.title}» for assistive technology`);
      expectSame(`the bars drawn in «${chart.id}»`, chart.rects, Object.keys(chart.bars).length);
      const rows = statistics.tables[chart.id]?.rows;
      if (!rows) throw new Error(`the chart «${chart.id}» has no table after it`);
      const counted = Object.fromEntries(Object.entries(rows).filter(([, v]) => v !== '0' && v !== '–'));
      expectSame(`the figures of «${chart.id}», chart and table`, chart.bars, counted);
    }
    return `${statistics.charts.length} charts: ${statistics.charts.map((c) => c.id).join(', ')}`;
  });

  await run('the CSV: byte-order mark, «;» by default and «,» when chosen, the figures of the tables', async () => {
    const semicolon = await download(coordination, 'Scarica gli aggregati (CSV)');
    expectSame('the first bytes (UTF-8 byte-order mark)', [...semicolon.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = csvRows(semicolon.bytes.subarray(3).toString('utf8'), ';');
    expectSame('the heading line', rows[0], ['sezione', 'voce', `dal ${from} al ${until}`, rows[0][3]]);
    const inCsv = new Map(rows.slice(1).map(([section, line, current]) => [`${section}|${line}`, current]));
    let compared = 0;
    for (const [id, table] of Object.entries(statistics.tables)) {
      if (id === 'appuntamenti') continue;
      for (const [line, shown] of Object.entries(table.rows)) {
        if (!inCsv.has(`${id}|${line}`)) throw new Error(`the CSV has no line «${id}; ${line}»`);
        expectSame(`«${id}; ${line}» in the CSV`, inCsv.get(`${id}|${line}`), asCsv(shown));
        compared += 1;
      }
    }
    // Back from the button, Shift+Tab reaches this form's separator before the next form's.
    await chooseRadio(coordination, 'Separatore dei campi', 'Virgola', { back: true });
    const comma = await download(coordination, 'Scarica gli aggregati (CSV)', { back: true });
    expectSame('the first bytes with «,»', [...comma.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    expectSame('the heading line with «,»', csvRows(comma.bytes.subarray(3).toString('utf8'), ',')[0].slice(0, 3), ['sezione', 'voce', `dal ${from} al ${until}`]);
    return `${compared} figures compared, ${semicolon.name}`;
  });

  await run('the statistics page passes the suite\'s checks, at 320 px too', async () => {
    await expectAccessible(coordination);
  });

  for (const context of contexts) await context.close().catch(() => {});
}

process.exit(await playAgainstDemo({ ...args, name: 'search-statistics', scenario: journey }));
