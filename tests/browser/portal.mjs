// What the journeys that start on the public portal share: the bundled portal built into a
// temporary folder and served on a loopback port of its own, as the Provincia's web server
// would, with a reserved area of its own (`respi-tickets serve --demo`) on another origin.
// The copy's site.toml gives the portal's address and points the portal's forms or counter
// at the reserved area, which reads the same site.toml and so knows the portal's address.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { playJourney, startDemo } from './reserved-area.mjs';

export const BASE_PATH = '/respi/';
// Where the reserved area is said to be until it has started (nothing listens on port 9).
const NOT_YET_STARTED = 'http://127.0.0.1:9';
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

function runCommand(command, argv, cwd) {
  return new Promise((ok, fail) => {
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${command} ${argv.join(' ')}:\n${err}`))));
  });
}

// A copy of the site's sources whose site.toml is `configure(original, { portal, reservedArea })`:
// `write(reservedArea)` writes it again once the reserved area's address is known.
async function siteCopy(root, work, portal, configure) {
  const site = join(work, 'site');
  await cp(join(root, 'content'), join(site, 'content'), { recursive: true });
  await cp(join(root, 'themes'), join(site, 'themes'), { recursive: true });
  const original = await readFile(join(root, 'site.toml'), 'utf8');
  const write = (reservedArea) => writeFile(join(site, 'site.toml'), configure(original, { portal, reservedArea }));
  await write(NOT_YET_STARTED);
  return { site, write };
}

// Plays `scenario(browser, { portal, tickets, work }, run)` (see playJourney): `portal` is the
// built portal's address (ending in BASE_PATH), `tickets` the started reserved area (as
// startDemo returns it), `work` the temporary folder that holds both. `configure(text,
// { portal, reservedArea })` turns the site's site.toml into the copy's; `env` adds to the
// reserved area's environment.
export function playPortalAgainstDemo({ respi, tickets, root, chromium, name, configure, scenario, env = {} }) {
  const setUp = async ({ work, atEnd, logFile }) => {
    const output = join(work, 'public');
    const server = await listen(staticFiles(output));
    atEnd(() => server.close());
    const portal = `http://127.0.0.1:${server.address().port}${BASE_PATH}`;
    const { site, write } = await siteCopy(resolve(root), work, portal, configure);
    const demo = await startDemo(tickets, root, work, { ...env, RESPI_TICKETS_SITE_CONFIG: join(site, 'site.toml') });
    atEnd(demo.stop);
    logFile(demo.logFile);
    await write(demo.base);
    await runCommand(resolve(respi), ['--root', site, 'build', '--output', output], site);
    return { portal, tickets: demo, work };
  };
  return playJourney({ chromium, name, setUp, scenario });
}
