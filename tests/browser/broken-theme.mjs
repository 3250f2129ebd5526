#!/usr/bin/env node
// Negative test of the browser suite: a gate that cannot fail proves nothing.
//
// It copies a built portal once per case, breaks the copy the way a careless theme or
// content change would (on every HTML file), runs suite.mjs on it, and asserts that the
// suite fails, and fails for the expected reason; the intact copy, checked the same way,
// must pass, so the failures come from the breakage and not from the sample.
//
// Usage: node broken-theme.mjs --dir public [--base-path /respi/] [--limit 3]
// Every breakage applies to every page, so a few pages (--limit, default 3) are enough to
// show that each check bites; the full portal is what suite.mjs itself is run on.
// The last line printed is "N passed, M failed"; the exit code is 1 on any failure.

import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SUITE = join(dirname(fileURLToPath(import.meta.url)), 'suite.mjs');

const inHead = (snippet) => (html) => html.replace(/<\/head>/i, `${snippet}\n</head>`);

// name -> how to break one HTML file, and what the suite must then report.
// `expect` lists failures that must all appear: a check name and, optionally, text that
// one of its messages must contain (an axe rule id, a Nu message).
const CASES = [
  {
    name: 'intact',
    break: (html) => html,
    expect: [],
  },
  {
    name: 'skip link removed',
    // every in-page link before <main> goes: that is where the skip links live
    break: (html) => html.replace(/^[\s\S]*?(?=<main\b)/i,
      (top) => top.replace(/<a\b[^>]*\bhref="#[^"]+"[^>]*>[\s\S]*?<\/a>\s*/gi, '')),
    expect: [{ check: 'skip-link' }],
  },
  {
    name: 'nav labels removed',
    break: (html) => html.replace(/<nav\b[^>]*>/gi, (tag) => tag.replace(/\s+aria-label(ledby)?="[^"]*"/gi, '')),
    expect: [{ check: 'structure', text: 'nav without aria-label' }],
  },
  {
    name: 'button names removed',
    // the feedback form's "Sì"/"No" buttons lose their text, the only name they have
    break: (html) => html.replace(/(<button\b[^>]*>)[\s\S]*?(<\/button>)/gi, '$1$2'),
    expect: [{ check: 'axe', text: 'button-name' }],
  },
  {
    name: 'lang removed from <html>',
    break: (html) => html.replace(/<html\b[^>]*>/i, (tag) => tag.replace(/\s+(xml:)?lang="[^"]*"/gi, '')),
    expect: [{ check: 'axe', text: 'html-has-lang' }, { check: 'structure', text: 'no lang attribute' }],
  },
  {
    name: 'duplicate id',
    break: (html) => html.replace(/<body\b[^>]*>/i, (tag) => `${tag}<span id="main"></span>`),
    expect: [{ check: 'vnu', text: 'Duplicate ID' }],
  },
  {
    name: 'focus ring removed',
    break: inHead('<style>:focus, :focus-visible { outline: none !important; box-shadow: none !important; }</style>'),
    expect: [{ check: 'focus', text: 'no visible focus indicator' }],
  },
  {
    name: 'fixed-width layout',
    break: inHead('<style>main { min-width: 40rem; }</style>'),
    expect: [{ check: 'reflow-320', text: 'horizontal scroll' }],
  },
  {
    name: 'third-party web font',
    break: inHead('<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Titillium+Web">'),
    expect: [{ check: 'requests', text: 'third-party host' }],
  },
  {
    name: 'cookie set by a script',
    break: inHead('<script>document.cookie = "tracking=1; path=/";</script>'),
    expect: [{ check: 'cookies', text: 'cookie set by a public page' }],
  },
];

async function breakCopy(source, target, breakFile) {
  await cp(source, target, { recursive: true });
  let changed = 0;
  for (const entry of await readdir(target, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const html = await readFile(file, 'utf8');
    const broken = breakFile(html);
    if (broken !== html) {
      await writeFile(file, broken);
      changed++;
    }
  }
  return changed;
}

function runSuite(dir, basePath, limit, report) {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.RESPI_TICKETS_URL; // only the copy of the portal is under test here
    const child = spawn(process.execPath, [SUITE, '--dir', dir, '--base-path', basePath, '--limit', String(limit), '--report', report], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      dir: { type: 'string' },
      'base-path': { type: 'string', default: '/respi/' },
      limit: { type: 'string', default: '3' },
    },
  });
  if (!args.dir) throw new Error('pass --dir with a built portal');
  const source = resolve(args.dir);
  const tmp = await mkdtemp(join(tmpdir(), 'respi-broken-'));
  let passed = 0;
  let failed = 0;
  try {
    for (const [i, c] of CASES.entries()) {
      const started = Date.now();
      const copy = join(tmp, `case-${i}`);
      const report = join(tmp, `case-${i}.json`);
      const changed = await breakCopy(source, copy, c.break);
      const problems = [];
      let summary = '';
      if (c.expect.length && changed === 0) {
        problems.push('the breakage matched no HTML file: the theme changed, update this case');
      } else {
        const { code, out } = await runSuite(copy, args['base-path'], args.limit, report);
        summary = out.trim().split('\n').pop();
        const failures = JSON.parse(await readFile(report, 'utf8').catch(() => '[]'));
        const seen = [...new Set(failures.map((f) => f.check))].join(', ') || 'none';
        if (c.expect.length === 0) {
          if (code !== 0) problems.push(`the suite fails on the intact copy (failed checks: ${seen}):\n${out}`);
        } else {
          if (code === 0) problems.push('the suite passes on the broken copy');
          for (const e of c.expect) {
            const hit = failures.some((f) => f.check === e.check && (!e.text || f.details.some((d) => d.includes(e.text))));
            if (!hit) problems.push(`expected a "${e.check}" failure${e.text ? ` mentioning "${e.text}"` : ''}; failed checks: ${seen}`);
          }
        }
        await rm(copy, { recursive: true, force: true });
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const what = c.expect.length ? `suite fails: ${c.expect.map((e) => e.text ? `${e.check} (${e.text})` : e.check).join(', ')}` : 'suite passes';
      if (problems.length) {
        failed++;
        console.log(`FAIL ${c.name}: ${changed} files changed; ${summary} (${seconds} s)`);
        for (const p of problems) console.log(`     ${p}`);
      } else {
        passed++;
        console.log(`ok   ${c.name}: ${changed} files changed; ${what}; ${summary} (${seconds} s)`);
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { passed, failed };
}

let counts = { passed: 0, failed: 1 };
try {
  counts = await main();
} catch (err) {
  console.log(`FAIL setup: ${err.stack ?? err}`);
}
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exitCode = counts.failed ? 1 : 0;
