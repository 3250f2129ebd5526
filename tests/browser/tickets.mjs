// The reserved area (respi-tickets) in the browser suite: its route list, the demo accounts
// that `serve --demo` prints, the login form with its TOTP step, and the form error states
// that must follow ACCESSIBILITY.md F4.
//
// Nothing here knows which role may open which page: the service says it in `/__routes`, so
// the suite follows the permission table instead of a copy of it.

import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';

// ---------------------------------------------------------------------------------------
// What to visit, and as whom

// `GET /__routes` answers `{"pages": [{"path": "/lotti/2", "logins": ["demo.coordinamento", …]}]}`
// with the demo's ids filled in; no login means a page for visitors not logged in. A bare
// array of paths is read too, as anonymous pages.
export async function ticketRoutes(base) {
  const res = await fetch(`${base}/__routes`);
  if (!res.ok) throw new Error(`${base}/__routes: HTTP ${res.status}`);
  const body = await res.json();
  const list = Array.isArray(body) ? body : body?.pages;
  if (!Array.isArray(list)) throw new Error(`${base}/__routes: expected {"pages": [...]} or an array of paths`);
  return list.map((entry) => {
    const path = typeof entry === 'string' ? entry : entry?.path;
    const logins = typeof entry === 'string' ? [] : entry?.logins ?? [];
    if (typeof path !== 'string' || !path.startsWith('/') || /[{}*]|\/:/.test(path)) {
      throw new Error(`${base}/__routes: ${JSON.stringify(entry)} is not a concrete GET path`);
    }
    if (!Array.isArray(logins) || logins.some((l) => typeof l !== 'string')) {
      throw new Error(`${base}/__routes: the logins of ${path} are not a list of user names`);
    }
    return { url: `${base}${path}`, path, logins };
  });
}

// The accounts from what `respi-tickets serve --demo` printed (the passwords are new at every
// start, so there is nowhere else to read them from):
//   Utenze di prova (password valide fino al prossimo avvio):
//     demo.admin           abcde-fghjk-mnpqr-stuvw  admin          Coordinamento della rete
//                          chiave TOTP per l'app di autenticazione: JBSWY3DPEHPK3PXP…
// Returns user name -> { username, password, role, organisation, totpSecret }.
export async function readDemoAccounts(file) {
  const accounts = new Map();
  let last = null;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const totp = line.match(/chiave TOTP[^:]*:\s*([A-Z2-7]+=*)\s*$/);
    if (totp && last) {
      last.totpSecret = totp[1];
      continue;
    }
    const m = line.match(/^\s+(demo\.\S+)\s+(\S+)\s+(\S+)\s+(.+?)\s*$/);
    if (m) {
      last = { username: m[1], password: m[2], role: m[3], organisation: m[4], totpSecret: null };
      accounts.set(last.username, last);
    } else {
      last = null;
    }
  }
  if (accounts.size === 0) throw new Error(`${file}: no demo account found in the output of respi-tickets serve --demo`);
  return accounts;
}

// ---------------------------------------------------------------------------------------
// TOTP (RFC 6238 over RFC 4226): HMAC-SHA-1, 30-second steps, 6 digits, what the service
// and every authenticator app use.

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text) {
  const out = [];
  let value = 0;
  let bits = 0;
  for (const c of text.replace(/[\s=]+/g, '').toUpperCase()) {
    const index = BASE32.indexOf(c);
    if (index < 0) throw new Error(`not base32: ${c}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

export function totpCode(secret, unixSeconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// A code the service must refuse: right in form, wrong for every step it accepts now (one
// step of clock drift either way).
function wrongTotpCode(secret) {
  const now = Date.now() / 1000;
  const valid = new Set([-30, 0, 30].map((d) => totpCode(secret, now + d)));
  for (let n = 0; ; n++) {
    const code = String(n * 111_111 % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

// ---------------------------------------------------------------------------------------
// Forms

// Fills the fields of the POST form whose action is `action` by id and sends it with its
// submit button, as a person would; resolves to the response that ends the navigation
// (after redirects).
export async function submitForm(page, action, values) {
  const form = page.locator(`main form[method=post][action="${action}"]`);
  for (const [id, value] of Object.entries(values)) await form.locator(`#${id}`).fill(value);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    form.locator('button[type=submit], input[type=submit]').first().click(),
  ]);
  return response;
}

// The real login: user name and password, then the TOTP code when the account has a second
// factor. `beforeCode` runs at the code step and may navigate away: the half-open session
// waits for the code in the cookie jar. Throws when the login does not end on a page of the
// reserved area.
export async function logIn(page, base, account, beforeCode = null) {
  await page.goto(`${base}/login`);
  let response = await submitForm(page, '/login', { username: account.username, password: account.password });
  if (new URL(page.url()).pathname === '/login/codice') {
    if (!account.totpSecret) throw new Error(`${account.username}: the service asks for a TOTP code, but printed no TOTP key for the account`);
    if (beforeCode) await beforeCode();
    await page.goto(`${base}/login/codice`);
    response = await submitForm(page, '/login/codice', { code: totpCode(account.totpSecret) });
  }
  const landed = new URL(page.url()).pathname;
  if (response?.status() !== 200 || landed.startsWith('/login')) {
    throw new Error(`${account.username}: the login ended on ${landed} with HTTP ${response?.status()}`);
  }
}

// Opens a page of the reserved area as a signed-in person does. A page that shows what an
// export holds (the batch print page) asks for the password again when it was typed more than
// `session.reauth_secs` ago: the service sends the browser to /conferma-identita, where the
// password (and code) is typed as a person would, and back to the page; the response is the
// page's.
export async function openSignedIn(page, base, url, account) {
  let response = await page.goto(url, { waitUntil: 'load' });
  const reauthentication = `${base}/conferma-identita`;
  if (!page.url().startsWith(`${reauthentication}?`) || url.startsWith(reauthentication)) return response;
  const confirm = () => {
    const values = { password: account.password };
    if (account.totpSecret) values.code = totpCode(account.totpSecret);
    return submitForm(page, '/conferma-identita', values);
  };
  response = await confirm();
  // A TOTP code is accepted once: when the login's is still the current one, the next one is
  // typed once it comes.
  if (account.totpSecret && new URL(page.url()).pathname === '/conferma-identita') {
    await new Promise((resolve) => setTimeout(resolve, (30 - ((Date.now() / 1000) % 30)) * 1000 + 500));
    response = await confirm();
  }
  return response;
}

// Invalid submissions, each checked like a page plus F4. `path` is both the page of the form
// and its action; `values(account)` what is typed (the rest stays empty); `flagged` the fields
// that must be reported at least; `kept` what must still be in the form afterwards (nothing
// the user typed is lost, except passwords, which are never sent back).
export const WRONG_PASSWORD = {
  name: 'password errata',
  path: '/login',
  values: (account) => ({ username: account.username, password: 'non-è-questa-la-password' }),
  flagged: ['username'],
  kept: (account) => ({ username: account.username }),
};

export const WRONG_CODE = {
  name: 'codice TOTP errato',
  path: '/login/codice',
  values: (account) => ({ code: wrongTotpCode(account.totpSecret) }),
  flagged: ['code'],
};

// Forms of pages behind the login, each sent by the first login `/__routes` allows for its page.
export const FORM_ERRORS = [
  {
    name: 'segnalazione senza i campi obbligatori',
    path: '/segnalazioni/nuova',
    values: () => ({ citizen_family_name: 'Rossi' }),
    flagged: ['kind', 'addressed_office', 'file_kind', 'citizen_given_name', 'description', 'urgency'],
    kept: () => ({ citizen_family_name: 'Rossi' }),
  },
  {
    name: 'nuova password troppo corta',
    path: '/profilo/password',
    values: (account) => ({ current_password: account.password, new_password: 'corta', confirm_password: 'corta' }),
    flagged: ['new_password'],
  },
  {
    name: "password errata nella conferma dell'identità prima di un'esportazione",
    path: '/conferma-identita',
    values: () => ({ password: 'non-è-questa-la-password' }),
    flagged: ['password'],
  },
  {
    name: 'argomento senza nome',
    path: '/argomenti/nuovo',
    values: () => ({ standard_answer: 'Risposta standard di prova' }),
    flagged: ['name'],
    kept: () => ({ standard_answer: 'Risposta standard di prova' }),
  },
  {
    name: 'organizzazione senza nome né tipo',
    path: '/admin/organizzazioni/nuova',
    values: () => ({ owner: 'Comune di prova' }),
    flagged: ['name', 'kind'],
    kept: () => ({ owner: 'Comune di prova' }),
  },
  {
    name: 'nuovo utente senza i dati obbligatori',
    path: '/admin/utenti/nuovo',
    values: () => ({ display_name: 'Persona di prova' }),
    flagged: ['username', 'email', 'role', 'organisation'],
    kept: () => ({ display_name: 'Persona di prova' }),
  },
];

// Opens the form and sends the invalid input: the `open` step of a page check.
export async function sendInvalid(page, base, scenario, account) {
  await page.goto(`${base}${scenario.path}`);
  return submitForm(page, scenario.path, scenario.values(account));
}

// ACCESSIBILITY.md F4 on the page the invalid submission led to: one error summary with
// role="alert" above the form, linking to each field in error; a <title> that starts with
// "Errore: "; each field so linked with aria-invalid="true" and aria-describedby (on the
// field, or on the fieldset of a radio group) naming its message; no field marked invalid
// that the summary leaves out; and the typed values still there.
export async function f4Problems(page, scenario, account) {
  const problems = await page.evaluate(({ action, flagged }) => {
    const out = [];
    if (!document.title.startsWith('Errore: ')) out.push(`<title> does not start with "Errore: ": "${document.title}"`);
    const summaries = [...document.querySelectorAll('[role=alert]')].filter((el) => el.querySelector('a[href^="#"]'));
    if (summaries.length !== 1) {
      out.push(`expected one error summary with role="alert" linking to the fields, found ${summaries.length}`);
      return out;
    }
    const [summary] = summaries;
    const form = document.querySelector(`main form[action="${action}"]`);
    if (!form) out.push(`the form (action ${action}) is not on the error page`);
    else if (!(summary.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING)) out.push('the error summary is not above the form');
    const linked = new Set();
    for (const link of summary.querySelectorAll('a[href^="#"]')) {
      const href = link.getAttribute('href');
      const id = decodeURIComponent(href.slice(1));
      const text = link.textContent.replace(/\s+/g, ' ').trim();
      const field = document.getElementById(id);
      if (!field) {
        out.push(`the summary links to ${href}, which is not in the page`);
        continue;
      }
      linked.add(id);
      if (!field.matches('input, select, textarea')) out.push(`the summary link ${href} leads to a ${field.localName}, not to a field`);
      if (field.getAttribute('aria-invalid') !== 'true') out.push(`#${id} has no aria-invalid="true"`);
      const described = [field, field.closest('fieldset')].filter(Boolean)
        .flatMap((el) => (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
      if (described.length === 0) {
        out.push(`#${id} has no aria-describedby to its error message`);
        continue;
      }
      const missing = described.filter((ref) => !document.getElementById(ref));
      if (missing.length) out.push(`aria-describedby of #${id} names ids not in the page: ${missing.join(' ')}`);
      const messages = described.map((ref) => document.getElementById(ref)?.textContent.replace(/\s+/g, ' ').trim() ?? '');
      if (!text) out.push(`the summary link ${href} has no text`);
      else if (!messages.some((m) => m.includes(text))) out.push(`the message of #${id} ("${text}") is not among its aria-describedby texts`);
    }
    for (const id of flagged) if (!linked.has(id)) out.push(`the error summary does not link to #${id}`);
    for (const el of document.querySelectorAll('[aria-invalid=true]')) {
      // A radio group is linked through its first button, which carries the group's name as id.
      const groupId = el.type === 'radio' ? el.form?.elements.namedItem(el.name)?.[0]?.id ?? el.id : el.id;
      if (!linked.has(el.id) && !linked.has(groupId)) out.push(`#${el.id} is marked invalid but the error summary does not link to it`);
    }
    return out;
  }, { action: scenario.path, flagged: scenario.flagged });
  for (const [id, value] of Object.entries(scenario.kept?.(account) ?? {})) {
    const now = await page.locator(`#${id}`).inputValue().catch(() => null);
    if (now !== value) problems.push(`what was typed in #${id} is lost: "${value}" became ${now === null ? 'no field' : `"${now}"`}`);
  }
  return problems;
}
