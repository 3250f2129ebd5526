// What the browser tests of the reserved area share: a `respi-tickets serve --demo` of their
// own in a temporary folder, logging in, and the keyboard as a person uses it (Tab and
// Shift+Tab to reach a control by its label or legend, keys to type, choose and press).

import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { readDemoAccounts, totpCode } from './tickets.mjs';

// The repository, two folders up.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The command-line options of a journey: the reserved area's binary (and the generator's, for
// a journey that starts on the portal), the repository and Chromium; each with its default.
export function journeyArgs({ portal = false } = {}) {
  const target = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug');
  const options = {
    tickets: { type: 'string', default: join(target, 'respi-tickets') },
    root: { type: 'string', default: ROOT },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  };
  if (portal) options.respi = { type: 'string', default: join(target, 'respi') };
  return parseArgs({ options }).values;
}

// A text with its runs of white space made one space, and trimmed.
export const squash = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

// Tab presses allowed to reach a control: the header, menu and a long form fit in this.
export const MAX_TAB_STOPS = 60;

const AXE_SOURCE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// The tags the accessibility suite runs axe-core with (suite.mjs): WCAG 2.x A and AA.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// `env` adds variables of the service's settings (for example another site.toml).
export async function startDemo(binary, root, work, env = {}) {
  const outFile = join(work, 'serve.out');
  const logFile = join(work, 'serve.log');
  const out = openSync(outFile, 'w');
  const log = openSync(logFile, 'w');
  const child = spawn(resolve(binary), ['serve', '--demo'], {
    cwd: resolve(root),
    env: {
      ...process.env,
      RESPI_TICKETS_BIND: '127.0.0.1:0',
      RESPI_TICKETS_DATABASE: join(work, 'respi-tickets.sqlite3'),
      RESPI_TICKETS_REPORTS__ATTACHMENT_DIR: join(work, 'attachments'),
      RESPI_TICKETS_LOGIN__IP_BURST: '1000',
      RUST_LOG: 'warn',
      ...env,
    },
    stdio: ['ignore', out, log],
  });
  closeSync(out);
  closeSync(log);
  let failure = null;
  child.once('error', (err) => { failure = err; });
  const exited = new Promise((ok) => child.once('exit', ok));
  const stop = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // a graceful shutdown checkpoints the database
      await exited;
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !failure && child.exitCode === null) {
    const address = (await readFile(outFile, 'utf8')).match(/^Area riservata in ascolto su (http:\/\/\S+?)\/?$/m)?.[1];
    if (address && (await fetch(`${address}/healthz`).then((r) => r.ok, () => false))) {
      return { base: address, accounts: await readDemoAccounts(outFile), logFile, stop };
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await stop();
  if (failure) throw new Error(`respi-tickets serve --demo did not start: ${failure.message}`);
  const printed = `${await readFile(outFile, 'utf8')}${await readFile(logFile, 'utf8')}`;
  throw new Error(`respi-tickets serve --demo did not start:\n${printed}`);
}

// Why a form did not lead where it should: the error summary, or the error page's message.
export async function pageProblem(page) {
  return page.evaluate(() => {
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const summary = document.querySelector('main [role=alert]');
    if (summary) return `error summary: ${text(summary)}`;
    return `page «${text(document.querySelector('main h1'))}»: ${text(document.querySelector('main p'))}`;
  }).catch((err) => err.message);
}

// Runs `act` (a click, a key) that sends a form or follows a link, and waits for the page
// it leads to; fails with what that page says when it is not a 200.
export async function leadsTo(page, act) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), act()]);
  if (response?.status() !== 200) {
    throw new Error(`HTTP ${response?.status()} at ${new URL(page.url()).pathname}, ${await pageProblem(page)}`);
  }
}

// The focused element as a keyboard user perceives it: what it is and its name (its label,
// its text), the legend of its group, whether it is checked, the option shown by a select.
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const text = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
    const name = el.labels?.length
      ? text(el.labels[0].textContent)
      : text(el.getAttribute('aria-label') || (el.localName === 'input' ? el.value : el.textContent));
    return {
      tag: el.localName,
      type: el.localName === 'input' ? el.type : '',
      name,
      group: text(el.closest('fieldset')?.querySelector('legend')?.textContent),
      checked: Boolean(el.checked),
      selected: el.localName === 'select' ? text(el.selectedOptions[0]?.textContent) : '',
    };
  });
}

export const describe = (f) => (f ? `${f.type || f.tag} «${f.name.slice(0, 40)}»` : '(nothing)');

// What the focus is looked for: `name` says it in the failure message.
export const field = (label) => ({
  name: `the field «${label}»`,
  matches: (f) => ['input', 'select', 'textarea'].includes(f.tag) && !['radio', 'checkbox', 'submit'].includes(f.type) && f.name.startsWith(label),
});

export const radioGroup = (legend) => ({ name: `the radio buttons «${legend}»`, matches: (f) => f.type === 'radio' && f.group.startsWith(legend) });

export const button = (label) => ({ name: `the button «${label}»`, matches: (f) => f.tag === 'button' && f.name === label });

export const link = (label) => ({ name: `the link «${label}»`, matches: (f) => f.tag === 'a' && f.name === label });

// Presses Tab (Shift+Tab with `back`) until the focus is on `target`, at most MAX_TAB_STOPS
// times; the failure names the last stops the focus went through.
export async function tabTo(page, target, { back = false } = {}) {
  const key = back ? 'Shift+Tab' : 'Tab';
  const stops = [];
  for (let i = 0; i < MAX_TAB_STOPS; i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    if (now && target.matches(now)) return now;
    stops.push(describe(now));
  }
  throw new Error(`${target.name} not reached after ${MAX_TAB_STOPS} presses of ${key} on ${new URL(page.url()).pathname}; the last stops: ${stops.slice(-6).join(', ')}`);
}

// Tab to a text field, then type into it.
export async function typeInto(page, label, text) {
  await tabTo(page, field(label));
  await page.keyboard.type(text);
}

// Tab into a radio group, then the arrow keys to the option (which checks it) and Space.
// `options` as for tabTo.
export async function chooseRadio(page, legend, option, options) {
  let now = await tabTo(page, radioGroup(legend), options);
  for (let i = 0; i < 10 && !now.name.startsWith(option); i++) {
    await page.keyboard.press('ArrowDown');
    now = await focused(page);
  }
  if (!now.name.startsWith(option)) throw new Error(`«${legend}»: no option «${option}» among its radio buttons`);
  if (!now.checked) await page.keyboard.press('Space');
  if (!(await focused(page)).checked) throw new Error(`«${legend}»: «${option}» is not checked after Space`);
}

// Tab to a closed select, then the arrow keys until it shows the option.
export async function chooseOption(page, label, option) {
  let now = await tabTo(page, field(label));
  for (let i = 0; i < 20 && now.selected !== option; i++) {
    await page.keyboard.press('ArrowDown');
    now = await focused(page);
  }
  if (now.selected !== option) throw new Error(`«${label}»: the arrow keys never showed «${option}» (stopped at «${now.selected}»)`);
}

// The first Tab stop of a page is the skip link: following it puts the focus at the start
// of the main content, past the header and the menu.
export async function skipToMain(page) {
  await tabTo(page, link('Vai al contenuto principale'));
  await page.keyboard.press('Enter');
}

// Presses Enter on a link or button reached with Tab, and waits for the page it leads to.
export async function pressOn(page, target, options) {
  await tabTo(page, target, options);
  await leadsTo(page, () => page.keyboard.press('Enter'));
}

// The suite's checks (suite.mjs) on the page as it is now, for a journey's pages: axe-core
// (the context needs `bypassCSP: true` to inject it) at the page's width, then on a screen
// `width` pixels wide axe-core again, no scrolling sideways (T10) and, from the skip link on, a visible focus indicator on the
// first `stops` Tab stops of the main content (T9). Returns the problems found; the page is
// left at its own width.
export async function accessibilityProblems(page, { width = 320, stops = 8 } = {}) {
  const where = new URL(page.url()).pathname;
  const problems = [];
  await page.addScriptTag({ path: AXE_SOURCE_PATH });
  const axe = async (screen) => {
    const violations = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
    }, AXE_TAGS);
    problems.push(...violations.map((v) => `axe on ${where} ${screen}: ${v}`));
  };
  const size = page.viewportSize();
  await axe(`at ${size.width} px`);
  await page.setViewportSize({ width, height: 640 });
  try {
    await axe(`at ${width} px`);
    const wide = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const sticking = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5); };
      const out = [...document.body.querySelectorAll('*')].filter((el) => sticking(el) && ![...el.children].some(sticking));
      return { width: document.documentElement.scrollWidth, vw, out: out.slice(0, 3).map((el) => `${el.localName}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`) };
    });
    if (wide.width > wide.vw) problems.push(`${where} is ${wide.width} px wide on a ${width} px screen; sticking out: ${wide.out.join(', ')}`);
    await page.evaluate(() => document.activeElement?.blur?.());
    await skipToMain(page);
    for (let i = 0; i < stops; i++) {
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const cs = getComputedStyle(el);
        const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 && !/rgba\([^)]*,\s*0\)|transparent/.test(cs.outlineColor);
        const shadow = cs.boxShadow !== 'none' && !/rgba\([^)]*,\s*0\)/.test(cs.boxShadow);
        const r = el.getBoundingClientRect();
        return { name: (el.labels?.[0]?.textContent || el.textContent || el.getAttribute('aria-label') || el.localName).replace(/\s+/g, ' ').trim().slice(0, 40), visible: (outline || shadow) && r.width > 0 && r.height > 0 };
      });
      if (ring && !ring.visible) problems.push(`${where}: no visible focus on «${ring.name}» at ${width} px`);
    }
  } finally {
    await page.setViewportSize(size);
  }
  return problems;
}

// With the keyboard: the login form's fields and its button, found with Tab.
export async function logInByKeyboard(page, base, account) {
  await page.goto(`${base}/login`);
  await typeInto(page, 'Nome utente', account.username);
  await typeInto(page, 'Password', account.password);
  await pressOn(page, button('Accedi'));
  if (new URL(page.url()).pathname.startsWith('/login')) throw new Error(`the login ended on ${new URL(page.url()).pathname}: ${await pageProblem(page)}`);
}

// With the mouse: fields by their labels, then the TOTP code when the account has one.
export async function logIn(page, base, account) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Nome utente').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await leadsTo(page, () => page.getByRole('button', { name: 'Accedi' }).click());
  if (new URL(page.url()).pathname === '/login/codice') {
    if (!account.totpSecret) throw new Error('the service asks for a TOTP code, but printed no TOTP key for the account');
    await page.getByLabel('Codice di 6 cifre').fill(totpCode(account.totpSecret));
    await leadsTo(page, () => page.getByRole('button', { name: 'Verifica' }).click());
  }
  if (new URL(page.url()).pathname.startsWith('/login')) throw new Error(`the login ended on ${new URL(page.url()).pathname}: ${await pageProblem(page)}`);
}

// Plays `scenario(browser, setting, run)` in Debian's Chromium on what `setUp` prepares in a
// temporary folder: `setUp({ work, atEnd, logFile })` returns the setting, registers with
// `atEnd(fn)` what stops it (run last first, after the browser closes, even when setting up
// fails halfway) and with `logFile(path)` the reserved area's log, whose last lines are
// printed on a failure. `run(label, body)` is one step, which runs only while every earlier
// one passed and prints one line (with what `body` returns). Prints the time taken and
// "N passed, M failed", and returns the exit code (1 on any failure).
export async function playJourney({ chromium: executablePath, name, setUp, scenario }) {
  let passed = 0;
  let failed = 0;
  const work = await mkdtemp(join(tmpdir(), `respi-${name}-`));
  const stops = [];
  let log = null;
  let browser = null;
  const started = Date.now();
  let number = 0;
  const run = async (label, body) => {
    number += 1;
    const t = Date.now();
    try {
      const detail = await body();
      passed += 1;
      console.log(`ok   ${number}. ${label}${detail ? `: ${detail}` : ''} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${number}. ${label}: ${err.message.split('\n')[0]}`);
      throw Object.assign(new Error(`${name} stopped`), { reported: true });
    }
  };
  try {
    const setting = await setUp({ work, atEnd: (stop) => stops.push(stop), logFile: (path) => { log = path; } });
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await scenario(browser, setting, run);
  } catch (err) {
    if (!err.reported) {
      failed += 1;
      console.log(`FAIL ${err.stack ?? err}`);
    }
    const lines = log ? (await readFile(log, 'utf8')).trim() : '';
    if (lines) console.log(`respi-tickets log (last lines):\n${lines.split('\n').slice(-10).join('\n')}`);
  } finally {
    await browser?.close();
    for (const stop of stops.reverse()) await stop();
    await rm(work, { recursive: true, force: true });
  }
  console.log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// Plays `scenario(browser, demo, run)` (see playJourney) on a reserved area of its own with
// demo data, started from `root` with the `tickets` binary.
export function playAgainstDemo({ tickets, root, chromium, name, scenario }) {
  const setUp = async ({ work, atEnd, logFile }) => {
    const demo = await startDemo(tickets, root, work);
    atEnd(demo.stop);
    logFile(demo.logFile);
    return demo;
  };
  return playJourney({ chromium, name, setUp, scenario });
}
