// The report story in Debian's Chromium, role by role, through the pages of the reserved area
// (respi-tickets) as people use them: the office files a report with an attachment, the
// coordination takes it in charge, batches it and hands the batch over, the liaison records
// the answer, the coordination publishes it, the Questura's referent validates it, the office
// reopens it with a reason, and the coordination finds it reopened.
//
// The office uses the keyboard only: once the login address is open, Tab and Shift+Tab move
// the focus, keys type, choose and press; no click and no filling of fields by script. The
// other roles click links and buttons
// by their visible names and type into fields found by their labels. Every step checks what
// the person reads (the state next to "Stato", the answer, the timeline, the list), so the
// test fails when a form sends nothing the handler reads.
//
// It starts a reserved area of its own with demo data (`respi-tickets serve --demo`, from the
// repository root, on a port the system picks, with a database and attachment folder in a
// temporary folder), so the accessibility suite's instance and its pages are left as they are.
// Its forms are real POSTs with their CSRF tokens; the session cookie (`__Host-sid`, Secure)
// is kept by Chromium over plain HTTP because the address is a loopback one.
//
// Usage: node story.mjs [--tickets target/debug/respi-tickets] [--root .] [--chromium PATH]
// (by default the debug build of the repository this file is in, and that repository's root)
// Prints one line a step and "N passed, M failed"; the exit code is 1 on any failure.

import { readFile } from 'node:fs/promises';
import {
  journeyArgs, squash,
  button, chooseOption, chooseRadio, field, leadsTo, link, logIn, logInByKeyboard, pressOn,
  playAgainstDemo, skipToMain, tabTo, typeInto,
} from './reserved-area.mjs';

const args = journeyArgs();

const STEP_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------------------
// The reserved area with demo data, in a folder of its own


// A one-page PDF, the kind of receipt an office attaches: valid (the service checks what a
// file is by its first bytes, a person's PDF reader by its cross-reference table).
function receiptPdf(text) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null, // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 12 Tf 72 770 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// ---------------------------------------------------------------------------------------
// What a person reads on a page

const sameText = (s) => (s ?? '').replace(/\r\n?/g, '\n').trim();

// The report page as read: its title, the state next to "Stato", the answers, the
// attachments, the timeline, the message at the top and the names of the action buttons.
function readReport(page) {
  return page.evaluate(() => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const main = document.querySelector('main');
    const term = [...main.querySelectorAll('dt')].find((dt) => text(dt) === 'Stato');
    return {
      title: text(main.querySelector('h1')),
      state: text(term?.nextElementSibling),
      status: text(main.querySelector('[role=status]')),
      answers: [...main.querySelectorAll('.answer')].map((a) => ({
        meta: text(a.querySelector('.answer__meta')),
        body: a.querySelector('.preformatted')?.textContent ?? '',
      })),
      attachments: [...main.querySelectorAll('a[download]')].map(text),
      timeline: [...main.querySelectorAll('.timeline li')].map((li) => ({ text: text(li), quote: li.querySelector('q')?.textContent ?? '' })),
      buttons: [...main.querySelectorAll('form button')].map(text),
    };
  });
}

// The row of the reports list that shows `protocol`, as column heading -> cell text; null
// when the list does not show it.
function listRow(page, protocol) {
  return page.evaluate((protocol) => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const table = document.querySelector('main table');
    if (!table) return null;
    const headings = [...table.querySelectorAll('thead th')].map((th) => text(th).replace(/ \(ordina per .*\)$/, ''));
    const row = [...table.querySelectorAll('tbody tr')].find((tr) => text(tr.querySelector('th')) === protocol);
    return row ? Object.fromEntries([...row.children].map((cell, i) => [headings[i], text(cell)])) : null;
  }, protocol);
}


function expectSame(what, shown, wanted) {
  if (shown !== wanted) throw new Error(`${what}: expected «${wanted}», the page shows «${shown}»`);
}


// ---------------------------------------------------------------------------------------
// The keyboard: what has the focus, and moving it as a person does










// ---------------------------------------------------------------------------------------
// Logging in



// Follows the link `label` of the main menu.
function fromMenu(page, label) {
  return leadsTo(page, () => page.getByRole('navigation', { name: 'Menu principale' }).getByRole('link', { name: label, exact: true }).click());
}

// Through the main menu's "Segnalazioni" to the report with `protocol`.
async function openReport(page, protocol) {
  await fromMenu(page, 'Segnalazioni');
  await leadsTo(page, () => page.getByRole('main').getByRole('link', { name: protocol, exact: true }).click());
}

// ---------------------------------------------------------------------------------------
// The story

async function story(browser, demo, run) {
  const { base, accounts } = demo;
  const account = (username) => {
    const found = accounts.get(username);
    if (!found) throw new Error(`no ${username} in what respi-tickets serve --demo printed`);
    return found;
  };
  const people = new Map();
  // Each role in a browser context of its own, signed in once and kept for the whole story
  // (a TOTP code is accepted only once).
  const as = async (username, keyboard = false) => {
    if (!people.has(username)) {
      const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await (keyboard ? logInByKeyboard : logIn)(page, base, account(username));
      people.set(username, page);
    }
    return people.get(username);
  };

  // Unique words, so nothing left by another report can pass for this one's.
  const mark = Date.now().toString(36);
  const filed = {
    kind: 'Verifica dello stato di avanzamento di una pratica',
    office: 'Questura – Ufficio Immigrazione',
    fileKind: 'Permesso di soggiorno',
    fileReference: `RIC-${mark}`,
    familyName: 'Okafor',
    givenName: 'Adaeze',
    description: `Il permesso di soggiorno per lavoro subordinato, chiesto con la ricevuta RIC-${mark}, non risulta ancora pronto.`,
    urgency: 'U3',
    urgencyReason: 'Contratto di lavoro in scadenza a fine mese.',
    attachment: { name: `ricevuta-${mark}.pdf`, mimeType: 'application/pdf', buffer: receiptPdf(`Ricevuta postale RIC-${mark}`) },
  };
  const answer = `Il permesso è pronto (rif. ${mark}).\nLa persona può ritirarlo all'Ufficio Immigrazione dal lunedì al venerdì, 9-12.`;
  const reason = `Allo sportello il permesso ${mark} risulta ancora in lavorazione: chiediamo una verifica.`;
  let protocol = '';
  let reportPath = '';

  const expectState = async (page, wanted) => expectSame('the state of the report', (await readReport(page)).state, wanted);

  await run('the office files a report with an attachment, by keyboard only', 'demo.sportello', async () => {
    const page = await as('demo.sportello', true);
    await pressOn(page, link('Nuova segnalazione'));
    await skipToMain(page);
    await chooseRadio(page, 'Tipo di segnalazione', filed.kind);
    await chooseOption(page, 'Ufficio destinatario', filed.office);
    await chooseOption(page, 'Tipo di pratica', filed.fileKind);
    await typeInto(page, 'Numero della pratica', filed.fileReference);
    await typeInto(page, 'Cognome', filed.familyName);
    await typeInto(page, 'Nome', filed.givenName);
    await typeInto(page, 'Descrizione della richiesta', filed.description);
    await chooseRadio(page, 'Urgenza', filed.urgency);
    await typeInto(page, "Motivo dell'urgenza", filed.urgencyReason);
    // Space on the file field opens the system's file dialog, where the person picks the file.
    await tabTo(page, field('Documenti da allegare'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles(filed.attachment);
    await pressOn(page, button('Continua e rileggi'));

    const review = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('main dt')]
      .map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.replace(/\s+/g, ' ').trim()])));
    expectSame('the title of the review page', squash(await page.locator('main h1').textContent()), 'Controlla la segnalazione');
    expectSame('«Ufficio destinatario» on the review page', review['Ufficio destinatario'], filed.office);
    expectSame('«Descrizione» on the review page', review.Descrizione, filed.description);
    if (!review.Allegati?.includes(filed.attachment.name)) throw new Error(`the review page lists as attachments «${review.Allegati}», not ${filed.attachment.name}`);
    await pressOn(page, button('Invia la segnalazione'));

    const report = await readReport(page);
    protocol = report.title.match(/RESPI-\d{4}-\d{6}/)?.[0] ?? '';
    if (!protocol) throw new Error(`the page after sending is «${report.title}», not a report with its protocol number`);
    reportPath = new URL(page.url()).pathname;
    expectSame('the message after sending', report.status, 'Segnalazione inviata. Puoi aggiungere gli allegati qui sotto.');
    expectSame('the state of the new report', report.state, 'Nuova');
    if (!report.attachments.includes(filed.attachment.name)) throw new Error(`the report's attachments are [${report.attachments.join(', ')}], not ${filed.attachment.name}`);
    return protocol;
  });

  await run('the coordination takes it in charge and reads the attachment', 'demo.coordinamento', async () => {
    const page = await as('demo.coordinamento');
    await openReport(page, protocol);
    await expectState(page, 'Nuova');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: filed.attachment.name }).click(),
    ]);
    const received = await readFile(await download.path());
    if (!received.equals(filed.attachment.buffer)) throw new Error(`the attachment downloaded (${received.length} bytes) is not the file the office sent (${filed.attachment.buffer.length} bytes)`);
    await leadsTo(page, () => page.getByRole('button', { name: 'Prendi in carico' }).click());
    await expectState(page, 'Presa in carico');
  });

  await run('the coordination batches it and hands the batch over', 'demo.coordinamento', async () => {
    const page = await as('demo.coordinamento');
    await fromMenu(page, 'Lotti');
    await page.getByRole('checkbox', { name: protocol }).check();
    await leadsTo(page, () => page.getByRole('button', { name: 'Crea il lotto' }).click());
    const batch = new URL(page.url()).pathname;
    expectSame('the state of the report in the new batch', (await listRow(page, protocol))?.Stato, 'Inoltrata (in un lotto)');
    await leadsTo(page, () => page.getByRole('button', { name: 'Segna il lotto come consegnato' }).click());
    expectSame('the page after handing the batch over', new URL(page.url()).pathname, batch);
    expectSame('the state of the report in the handed-over batch', (await listRow(page, protocol))?.Stato, 'In attesa di risposta');
  });

  await run('the liaison records the answer', 'demo.interfaccia', async () => {
    const page = await as('demo.interfaccia');
    await openReport(page, protocol);
    await expectState(page, 'In attesa di risposta');
    await page.getByLabel('Testo della risposta').fill(answer);
    await leadsTo(page, () => page.getByRole('button', { name: 'Registra la risposta ricevuta' }).click());
    const report = await readReport(page);
    expectSame('the state after recording the answer', report.state, 'Risposta ricevuta, da pubblicare');
    expectSame('the recorded answer', sameText(report.answers.at(-1)?.body), sameText(answer));
  });

  await run('the office does not read the answer before it is published, by keyboard only', 'demo.sportello', async () => {
    const page = await as('demo.sportello', true);
    await pressOn(page, link('Segnalazioni'));
    await skipToMain(page);
    await pressOn(page, link(protocol));
    const report = await readReport(page);
    expectSame('the state the office reads', report.state, 'Risposta ricevuta, da pubblicare');
    if (report.answers.length) throw new Error(`the office reads an answer not yet published: «${squash(report.answers[0].body)}»`);
  });

  await run('the coordination publishes the answer the liaison recorded', 'demo.coordinamento', async () => {
    const page = await as('demo.coordinamento');
    await openReport(page, protocol);
    await expectState(page, 'Risposta ricevuta, da pubblicare');
    const draft = await page.getByLabel('Testo della risposta').inputValue();
    expectSame('the answer offered for publishing', sameText(draft), sameText(answer));
    await leadsTo(page, () => page.getByRole('button', { name: 'Pubblica la risposta' }).click());
    await expectState(page, 'Risposta pubblicata');
  });

  await run('the Questura referent validates it; the Prefettura does not see it', 'demo.questura', async () => {
    const prefettura = await as('demo.prefettura');
    await fromMenu(prefettura, 'Segnalazioni');
    const foreign = await listRow(prefettura, protocol);
    if (foreign) throw new Error(`demo.prefettura lists ${protocol}, addressed to the Questura: ${JSON.stringify(foreign)}`);

    const page = await as('demo.questura');
    await openReport(page, protocol);
    const report = await readReport(page);
    expectSame('the state the referent reads', report.state, 'Risposta pubblicata');
    expectSame('the answer the referent reads', sameText(report.answers.at(-1)?.body), sameText(answer));
    await leadsTo(page, () => page.getByRole('button', { name: 'Valida la risposta' }).click());
    await expectState(page, 'Risposta validata');
  });

  await run('the office reads the answer and reopens the report with a reason, by keyboard only', 'demo.sportello', async () => {
    const page = await as('demo.sportello', true);
    await pressOn(page, link('Segnalazioni'));
    await skipToMain(page);
    await pressOn(page, link(protocol));
    let report = await readReport(page);
    expectSame('the state the office reads', report.state, 'Risposta validata');
    const published = report.answers.filter((a) => a.meta.startsWith('Risposta pubblicata'));
    if (published.length !== 1) throw new Error(`the office reads ${published.length} published answers: ${JSON.stringify(report.answers)}`);
    expectSame('the answer the office reads', sameText(published[0].body), sameText(answer));
    // The reason field is near the end of the page: from the end, Shift+Tab reaches it
    // sooner than Tab from the top.
    await page.keyboard.press('End');
    await tabTo(page, field('Motivo'), { back: true });
    await page.keyboard.type(reason);
    await pressOn(page, button('Riapri la segnalazione'));
    report = await readReport(page);
    expectSame('the state after reopening', report.state, 'Riaperta (riaperta 1 volta)');
    const entry = report.timeline.at(-1);
    if (!entry?.text.includes('Riaperta')) throw new Error(`the last timeline entry is «${entry?.text}», not the reopening`);
    expectSame('the reason in the timeline', sameText(entry.quote), sameText(reason));
  });

  await run('the coordination sees it reopened, with the reason', 'demo.coordinamento', async () => {
    const page = await as('demo.coordinamento');
    await fromMenu(page, 'Segnalazioni');
    const row = await listRow(page, protocol);
    if (!row) throw new Error(`the coordination's list does not show ${protocol}`);
    expectSame(`the state of ${protocol} in the coordination's list`, row.Stato, 'Riaperta');
    await leadsTo(page, () => page.getByRole('main').getByRole('link', { name: protocol, exact: true }).click());
    const report = await readReport(page);
    expectSame('the report the list leads to', new URL(page.url()).pathname, reportPath);
    const entry = report.timeline.find((e) => e.text.includes('Riaperta'));
    expectSame('the reason the coordination reads', sameText(entry?.quote), sameText(reason));
    if (!report.buttons.includes('Prendi in carico')) throw new Error(`the coordination is not offered «Prendi in carico» again; its buttons: ${report.buttons.join(', ')}`);
  });

  for (const page of people.values()) await page.context().close();
}

// ---------------------------------------------------------------------------------------

process.exit(await playAgainstDemo({
  ...args,
  name: 'story',
  // Each step names the role that plays it.
  scenario: (browser, demo, run) => story(browser, demo, (step, role, body) => run(`${step} (${role})`, body)),
}));
