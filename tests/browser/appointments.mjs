// Booking an appointment at the Prefettura's citizenship office in Debian's Chromium, on a
// screen 320 pixels wide, with the keyboard only: the office operator logs in, follows the
// dashboard's link to the appointments, picks the kind of appointment, takes the first free
// time of the first day offered, types the person's details, checks the review page and
// confirms; the receipt shows the booking. At every page the width must fit the screen (no
// scrolling sideways, WCAG 1.4.10).
//
// Then the Prefettura defines a new kind of appointment the same way, by keyboard at 320 px:
// from the dashboard to the kinds, the new kind's form, a mistake (two overlapping ranges on
// Monday) told in the error summary and corrected, the quota by area, the review page with
// the week's seats and the areas' shares, and the save.
//
// It starts a reserved area of its own with demo data (`respi-tickets serve --demo`), as the
// report story does.
//
// Usage: node appointments.mjs [--tickets target/debug/respi-tickets] [--root .] [--chromium PATH]
// Prints one line a step and "N passed, M failed"; the exit code is 1 on any failure.

import {
  journeyArgs,
  button, chooseRadio, focused, link, logInByKeyboard, playAgainstDemo, pressOn, radioGroup, tabTo, typeInto,
} from './reserved-area.mjs';

const args = journeyArgs();

const WIDTH = 320;

// The page as read: its title, the message at the top, and whether it fits the width.
function readPage(page) {
  return page.evaluate(() => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const main = document.querySelector('main');
    return {
      title: text(main.querySelector('h1')),
      status: text(main.querySelector('[role=status]')),
      terms: Object.fromEntries([...main.querySelectorAll('dt')].map((dt) => [text(dt), text(dt.nextElementSibling)])),
      width: document.documentElement.scrollWidth,
    };
  });
}

async function fits(page, where) {
  const { width } = await readPage(page);
  if (width > WIDTH) throw new Error(`${where}: the page is ${width} px wide on a ${WIDTH} px screen`);
}

// Tab into the radio group and check the option that has the focus first, with Space.
async function chooseFirst(page, legend) {
  const first = await tabTo(page, radioGroup(legend));
  await page.keyboard.press('Space');
  if (!(await focused(page)).checked) throw new Error(`«${legend}»: «${first.name}» is not checked after Space`);
  return first.name;
}

async function booking(browser, demo, run) {
  const office = demo.accounts.get('demo.sportello');
  if (!office) throw new Error('no demo.sportello in what respi-tickets serve --demo printed');
  const context = await browser.newContext({ locale: 'it-IT', viewport: { width: WIDTH, height: 640 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  let time = '';
  await run('the office logs in with the keyboard', async () => {
    await logInByKeyboard(page, demo.base, office);
    await fits(page, 'the dashboard');
  });
  await run('from the dashboard to the kind of appointment', async () => {
    await pressOn(page, link("Prenotare appuntamenti all'Ufficio Cittadinanza"));
    await fits(page, 'the appointments page');
    await pressOn(page, link('Consegna di documenti (esempio)'));
    const read = await readPage(page);
    if (!read.title.startsWith('Appuntamenti')) throw new Error(`the page reads «${read.title}»`);
    await fits(page, 'the days and times');
  });
  await run('the first free time and the person, then the review', async () => {
    time = await chooseFirst(page, 'Orario');
    await typeInto(page, 'Cognome', 'Okafor');
    await typeInto(page, 'Nome', 'Adaeze');
    await chooseFirst(page, 'Come identifichi la persona');
    await typeInto(page, 'Codice fiscale o numero della pratica', 'RSSMRA85T10A562S');
    await pressOn(page, button('Controlla la prenotazione'));
    const read = await readPage(page);
    if (read.title !== 'Controlla la prenotazione') throw new Error(`the page reads «${read.title}»`);
    if (read.terms.Persona !== 'Okafor Adaeze') throw new Error(`the review shows «${read.terms.Persona}»`);
    await fits(page, 'the review page');
    return time;
  });
  await run('confirmed: the receipt', async () => {
    await pressOn(page, button('Conferma la prenotazione'));
    const read = await readPage(page);
    if (!read.title.startsWith('Prenotazione n.')) throw new Error(`the page reads «${read.title}»`);
    if (read.status !== 'Prenotazione fatta.') throw new Error(`the message reads «${read.status}»`);
    const when = read.terms['Giorno e ora'] ?? '';
    if (!when.endsWith(time.slice(0, 5))) throw new Error(`the receipt says «${when}», the time chosen was «${time}»`);
    await fits(page, 'the receipt');
    return when;
  });
  await context.close();
}

// The error summary's items, as read.
function errorSummary(page) {
  return page.evaluate(() => [...document.querySelectorAll('.error-summary li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
}

async function planning(browser, demo, run) {
  const prefettura = demo.accounts.get('demo.prefettura');
  if (!prefettura) throw new Error('no demo.prefettura in what respi-tickets serve --demo printed');
  const context = await browser.newContext({ locale: 'it-IT', viewport: { width: WIDTH, height: 640 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await run('the Prefettura logs in and opens the kinds of appointment', async () => {
    await logInByKeyboard(page, demo.base, prefettura);
    await pressOn(page, link('Definire i tipi di appuntamento, i loro orari, le eccezioni e le quote'));
    await fits(page, 'the kinds of appointment');
    await pressOn(page, link('Nuovo tipo di appuntamento'));
    const read = await readPage(page);
    if (read.title !== 'Nuovo tipo di appuntamento') throw new Error(`the page reads «${read.title}»`);
    await fits(page, 'the new kind\'s form');
  });
  await run('a plan with overlapping hours is sent back with its mistake', async () => {
    await typeInto(page, 'Nome del tipo di appuntamento', 'Informazioni sulla pratica (esempio)');
    await typeInto(page, 'Prima fascia, dalle', '09:00');
    await typeInto(page, 'Prima fascia, alle', '12:00');
    await typeInto(page, 'Seconda fascia, dalle', '11:00');
    await typeInto(page, 'Seconda fascia, alle', '13:00');
    await typeInto(page, 'Eccezioni', '31/12/2030 chiuso');
    // The form comes back with 422: Enter on the button, and the page it leads to.
    await tabTo(page, button('Controlla il calendario'));
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    if (response?.status() !== 422) throw new Error(`HTTP ${response?.status()}, not 422, for a plan with overlapping hours`);
    const errors = await errorSummary(page);
    if (!errors.includes('Le due fasce del lunedì si sovrappongono.')) throw new Error(`the error summary reads ${JSON.stringify(errors)}`);
    await fits(page, 'the form with its mistake');
  });
  await run('corrected, with quotas by area: the review shows the shares', async () => {
    await typeInto(page, 'Seconda fascia, dalle', '14:00');
    await typeInto(page, 'Seconda fascia, alle', '16:00');
    await chooseRadio(page, 'Quote settimanali', 'Quote per area');
    await pressOn(page, button('Controlla il calendario'));
    const read = await readPage(page);
    if (read.title !== 'Controlla il calendario') throw new Error(`the page reads «${read.title}»: ${JSON.stringify(await errorSummary(page))}`);
    // Monday 09:00–12:00 and 14:00–16:00, half an hour each, one person: 10 seats a week.
    if (read.terms['Posti in una settimana normale'] !== '10') throw new Error(`the week has «${read.terms['Posti in una settimana normale']}» seats`);
    const shares = await page.evaluate(() => [...document.querySelectorAll('main tbody tr td:last-child')].map((td) => Number(td.textContent)));
    const total = shares.reduce((a, b) => a + b, 0);
    if (shares.length === 0 || total !== 10) throw new Error(`the areas' shares ${JSON.stringify(shares)} do not add up to 10`);
    await fits(page, 'the review page');
    return `shares ${shares.join(', ')}`;
  });
  await run('saved: the list shows the new kind', async () => {
    await pressOn(page, button('Salva il calendario'));
    const read = await readPage(page);
    if (read.status !== 'Tipo di appuntamento salvato.') throw new Error(`the message reads «${read.status}»`);
    const listed = await page.evaluate(() => document.querySelector('main table')?.textContent.includes('Informazioni sulla pratica (esempio)'));
    if (!listed) throw new Error('the new kind is not in the list');
    await fits(page, 'the list of kinds');
  });
  await context.close();
}

async function bookingAndPlanning(browser, demo, run) {
  await booking(browser, demo, run);
  await planning(browser, demo, run);
}

process.exit(await playAgainstDemo({ ...args, name: 'booking', scenario: bookingAndPlanning }));
