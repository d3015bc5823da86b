#!/usr/bin/env node
// End-to-end test of the layerwise extension in a real VS Code (code-server), driven through
// Debian's chromium by playwright-core. Run e2e/setup.sh first.
//
//   node e2e/run_e2e.mjs [--no-build] [--update-screenshot]
//
//   --no-build            use the existing layerwise-<version>.vsix instead of `npm run package`
//   --update-screenshot   copy the quick-fix screenshot to images/screenshot.png (README)
//
// Environment: LAYERWISE_E2E_HOME (default /tmp/layerwise-e2e, as setup.sh), E2E_PYTHON (the
// Python the server runs on; default /usr/bin/python3, else python3 on PATH), KEEP_RUN=1 keeps
// the per-run folder (workspace, VS Code profile, logs).
// Exit code 0 when every check passed. Screenshots, logs and results.json: e2e/artifacts/.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const H = process.env.LAYERWISE_E2E_HOME || '/tmp/layerwise-e2e';
const OUT = path.join(CLIENT, 'e2e', 'artifacts');
const ARGS = new Set(process.argv.slice(2));
const KEEP_RUN = process.env.KEEP_RUN === '1';

const DOCKERFILE = [
  'FROM node:20-slim',
  'WORKDIR /app',
  'ADD . /app',
  'RUN npm ci',
  'RUN npm run build',
  'CMD ["node", "server.js"]',
  '',
].join('\n');
const AFTER_ADD = DOCKERFILE.replace('ADD . /app', 'COPY . /app');
const AFTER_CHAIN = AFTER_ADD.replace('RUN npm ci\nRUN npm run build', 'RUN npm ci \\\n    && npm run build');
const AFTER_USER = AFTER_CHAIN.replace('CMD [', 'USER node\nCMD [');
const FINAL_EXPECTED = [
  'FROM node:20-slim',
  'WORKDIR /app',
  'COPY . /app',
  'RUN npm ci \\',
  '    && npm run build',
  'USER node',
  'CMD ["node", "server.js"]',
  '',
].join('\n');
// keeps the build-context rules (missing or incomplete .dockerignore) out of the picture
const DOCKERIGNORE = 'node_modules\n.git\n.env*\n.npmrc\n';
// A second file, fixed in one go with the "layerwise: Fix All" command. Its name tests the
// *.Dockerfile pattern the extension adds to the dockerfile language.
const SECOND_NAME = 'api.Dockerfile';
const SECOND = 'FROM debian:12\nMAINTAINER me\nADD a.txt /a.txt\nUSER nobody\n';
const SECOND_FIXED = 'FROM debian:12\nLABEL org.opencontainers.image.authors="me"\nCOPY a.txt /a.txt\nUSER nobody\n';
// A third file: the USER fix invents a user name, which arrives as a linked snippet placeholder.
const THIRD_NAME = 'worker.Dockerfile';
const THIRD = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n';
const THIRD_FIXED =
  'FROM python:3.12-slim\nCOPY . /app\n' +
  'RUN groupadd --system svc && useradd --system --gid svc --no-create-home svc\nUSER svc\n' +
  'CMD ["python", "/app/main.py"]\n';

// A fourth file for the editor features: hover, completion, outline, rename and formatting.
const FEATURES_NAME = 'web.Dockerfile';
const FEATURES = [
  'ARG NODE_VERSION=20',
  'FROM node:${NODE_VERSION}-slim AS build',
  'WORKDIR /src',
  'COPY package.json ./',
  'RUN npm install \\',
  // not indented: VS Code would take its indentation as the file's tab size (detectIndentation)
  '&& npm run build',
  '',
  'FROM nginx:1.27-alpine AS web',
  'COPY --from=build /src/dist /usr/share/nginx/html',
  '',
].join('\n');
const FEATURES_RENAMED = FEATURES.replace('AS build', 'AS builder').replace('--from=build', '--from=builder');
const FEATURES_FORMATTED = FEATURES_RENAMED.replace('\n&& npm run build', '\n    && npm run build');
// The build context gets a package.json late in the run: with it (and no .dockerignore) the
// whole-context COPY is LW401.
const PACKAGE_JSON = '{"name": "app", "private": true}\n';

// ------------------------------------------------------------------------------------ helpers
const T0 = Date.now();
const timings = {};
let last = T0;
function mark(name) {
  const now = Date.now();
  timings[name] = +((now - last) / 1000).toFixed(2);
  console.log(`[${((now - T0) / 1000).toFixed(1)}s] ${name} (+${timings[name]}s)`);
  last = now;
}
const results = [];
const notes = [];
function check(name, ok, detail = '') {
  results.push({ name, ok: !!ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `  -- ${detail}` : ''}`);
  return !!ok;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
async function waitHttp(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`timeout waiting for ${url}`);
}
async function waitForFile(file, expected, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < end) {
    text = fs.readFileSync(file, 'utf8');
    if (text === expected) return text;
    await sleep(100);
  }
  return text;
}
function findFiles(dir, pattern, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findFiles(full, pattern, out);
    else if (pattern.test(entry.name)) out.push(full);
  }
  return out;
}

// ------------------------------------------------------------------------------------ preconditions
const envFile = path.join(H, 'env.json');
if (!fs.existsSync(envFile)) {
  console.error(`e2e: ${envFile} is missing; run e2e/setup.sh first`);
  process.exit(2);
}
const ENV = JSON.parse(fs.readFileSync(envFile, 'utf8'));
const requireTools = createRequire(path.join(ENV.tools, 'package.json'));
const { chromium } = requireTools('playwright-core');

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });

// The Python the server runs on: any Python >= 3.10 without layerwise of its own will do,
// since the .vsix carries layerwise and its dependencies.
function probe(python) {
  const script = 'import json, sys; print(json.dumps([list(sys.version_info[:2]), sys.executable]))';
  const result = spawnSync(python, ['-c', script], { encoding: 'utf8', timeout: 10_000, cwd: '/' });
  if (result.status !== 0) return undefined;
  const [[major, minor], executable] = JSON.parse(result.stdout.trim());
  return { version: `${major}.${minor}`, ok: major > 3 || (major === 3 && minor >= 10), executable };
}
const pythonCandidates = process.env.E2E_PYTHON ? [process.env.E2E_PYTHON] : ['/usr/bin/python3', 'python3'];
const python = pythonCandidates.map(probe).find((p) => p && p.ok);
if (!python) {
  console.error(`e2e: no Python >= 3.10 among ${pythonCandidates.join(', ')} (set E2E_PYTHON)`);
  process.exit(2);
}
const ownLayerwise = spawnSync(python.executable, ['-c', 'import layerwise'], { cwd: '/', env: { PATH: process.env.PATH } }).status === 0;
console.log(`server Python: ${python.executable} (${python.version}); has its own layerwise: ${ownLayerwise}`);

// ------------------------------------------------------------------------------------ build + install
const manifest = JSON.parse(fs.readFileSync(path.join(CLIENT, 'package.json'), 'utf8'));
const VSIX = path.join(CLIENT, `${manifest.name}-${manifest.version}.vsix`);
if (!ARGS.has('--no-build')) {
  execFileSync('npm', ['run', 'package'], { cwd: CLIENT, stdio: ['ignore', 'inherit', 'inherit'] });
  mark('npm run package');
}
if (!fs.existsSync(VSIX)) {
  console.error(`e2e: ${VSIX} is missing (run npm run package, or drop --no-build)`);
  process.exit(2);
}

const RUN = fs.mkdtempSync(path.join(H, 'run-'));
const EXTENSIONS = path.join(RUN, 'extensions');
const BASE_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Light Modern',
};

{
  const xdg = path.join(RUN, 'install-xdg');
  const install = spawnSync(
    ENV.codeServerBin,
    ['--user-data-dir', path.join(RUN, 'install-user-data'), '--extensions-dir', EXTENSIONS, '--install-extension', VSIX, '--force'],
    { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg } },
  );
  fs.writeFileSync(path.join(OUT, 'install-extension.log'), `${install.stdout}\n${install.stderr}`);
  if (install.status !== 0 || !fs.existsSync(path.join(EXTENSIONS, `${manifest.publisher}.${manifest.name}-${manifest.version}`))) {
    console.error(`e2e: installing ${VSIX} failed:\n${install.stdout}\n${install.stderr}`);
    process.exit(1);
  }
  mark('vsix installed into code-server');
}

/**
 * One VS Code session: a workspace with `files`, user `settings`, code-server in its own
 * process group with `env` on top of ours, and a headless chromium page on it.
 */
async function openVSCode(name, { files, settings, env = {}, trust = false }) {
  const dir = path.join(RUN, name);
  const ws = path.join(dir, 'workspace');
  const userData = path.join(dir, 'user-data');
  const xdg = { XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_DATA_HOME: path.join(dir, 'xdg-data'), XDG_CACHE_HOME: path.join(dir, 'xdg-cache') };
  fs.mkdirSync(ws, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
    fs.writeFileSync(path.join(ws, file), text);
  }
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));

  const port = await freePort();
  const log = fs.openSync(path.join(OUT, `${name}-code-server.log`), 'w');
  const cs = spawn(
    process.execPath,
    [
      ENV.codeServer,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry', '--disable-update-check',
      ...(trust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--config', path.join(dir, 'config.yaml'),
      '--user-data-dir', userData,
      '--extensions-dir', EXTENSIONS,
      ws,
    ],
    // own process group, so that stopping it also stops the extension host and our server
    { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...xdg, ...env } },
  );
  let exited = false;
  cs.on('exit', () => { exited = true; });
  const session = { ws, userData, page: undefined, browser: undefined, consoleLines: [] };
  session.close = async () => {
    if (session.closed) return;
    session.closed = true;
    if (session.browser) await session.browser.close().catch(() => {});
    try { fs.cpSync(path.join(userData, 'logs'), path.join(OUT, `${name}-vscode-logs`), { recursive: true }); } catch { /* none */ }
    fs.writeFileSync(path.join(OUT, `${name}-browser-console.log`), session.consoleLines.join('\n'));
    if (!exited) {
      try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ }
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) { try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
  };
  sessions.push(session);
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
  session.browser = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
    executablePath: ENV.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: { ...process.env, ...xdg },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = session.browser.pages()[0] || (await session.browser.newPage());
  session.page = page;
  page.on('console', (m) => session.consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => session.consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  session.explorer = page.locator('.explorer-folders-view .monaco-list-row');
  await session.explorer.filter({ hasText: /^Dockerfile$/ }).first().waitFor({ timeout: 60_000 });
  session.editor = page.locator('.editor-group-container .monaco-editor').first();
  return session;
}

/** Puts the keyboard focus into the (first group's) text editor. */
async function focusEditor(p) {
  await p.keyboard.press('Control+1'); // View: Focus First Editor Group
  await p.waitForFunction(() => !!document.activeElement?.closest('.monaco-editor'), null, { timeout: 10_000 });
}

const sessions = [];
let page;
let exitCode = 1;
const shot = (name) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
try {
  // ================================================================================== main scenario
  const main = await openVSCode('main', {
    files: { Dockerfile: DOCKERFILE, '.dockerignore': DOCKERIGNORE, [SECOND_NAME]: SECOND, [THIRD_NAME]: THIRD, [FEATURES_NAME]: FEATURES },
    settings: {
      'layerwise.interpreter': python.executable,
      'layerwise.trace.server': 'verbose', // the LSP traffic lands in artifacts/layerwise-output.log
      'outline.collapseItems': 'alwaysCollapse', // the stages fit in the small Outline view
    },
  });
  page = main.page;
  const { editor, explorer, ws: WS, userData: USER_DATA } = main;
  const dockerfileRow = explorer.filter({ hasText: /^Dockerfile$/ });
  mark('main: code-server up, workbench loaded');
  await shot('01-workbench');

  // ---------------------------------------------------------------------------------- open + squiggles
  const tOpen = Date.now();
  await dockerfileRow.first().click();
  await editor.locator('.view-lines', { hasText: 'npm run build' }).waitFor({ timeout: 30_000 });
  const tShown = Date.now();
  await editor.locator('.squiggly-warning, .squiggly-info').first().waitFor({ timeout: 60_000 });
  const tSquiggle = Date.now();
  timings.openToFirstSquiggleMs = tSquiggle - tOpen;
  timings.editorShownToFirstSquiggleMs = tSquiggle - tShown;
  mark('first layerwise squiggle');
  console.log(`TIMING open Dockerfile -> first layerwise squiggle: ${tSquiggle - tOpen} ms (editor shown -> squiggle: ${tSquiggle - tShown} ms)`);
  console.log(`      clicked at ${new Date(tOpen).toISOString()}, squiggle at ${new Date(tSquiggle).toISOString()}`);
  const language = await page.locator('#status\\.editor\\.mode').innerText().catch(() => '?');
  check('editor language mode is Dockerfile', /docker/i.test(language), JSON.stringify(language));

  // ---------------------------------------------------------------------------------- Problems panel
  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  try {
    await problems.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    await page.locator('#status\\.problems').click();
    await problems.waitFor({ state: 'visible', timeout: 10_000 });
  }
  const problemRows = () =>
    // aria-label: severity, message, position, "generated by layerwise"; text: "layerwise(LW701)"
    problems.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label') || ''} | ${e.textContent || ''}`));
  const codesOf = (rows) => [...new Set(rows.flatMap((r) => r.match(/LW\d{3}/g) || []))].sort();
  // The rule set grows; the test pins the three findings it fixes and lets others come and go.
  const state = (rows, present, absent) => {
    const codes = codesOf(rows);
    return present.every((c) => codes.includes(c)) && absent.every((c) => !codes.includes(c));
  };
  async function waitCodes(present, absent, timeoutMs = 20_000) {
    const end = Date.now() + timeoutMs;
    let rows = [];
    while (Date.now() < end) {
      rows = await problemRows();
      if (state(rows, present, absent)) break;
      await sleep(100);
    }
    return rows;
  }
  const rowsBefore = await waitCodes(['LW201', 'LW601', 'LW701'], []);
  fs.writeFileSync(path.join(OUT, 'problems-initial.json'), JSON.stringify(rowsBefore, null, 2));
  check('Problems lists LW201, LW601 and LW701', state(rowsBefore, ['LW201', 'LW601', 'LW701'], []), codesOf(rowsBefore).join(','));
  const addRow = rowsBefore.find((r) => r.includes('LW701')) || '';
  check('the LW701 entry comes from layerwise', /layerwise/.test(addRow) && /ADD of local files/.test(addRow), addRow);
  check('every entry comes from layerwise', rowsBefore.filter((r) => /LW\d{3}/.test(r)).every((r) => /layerwise/.test(r)));
  await shot('02-diagnostics');

  // ---------------------------------------------------------------------------------- quick fixes
  const dockerfilePath = path.join(WS, 'Dockerfile');
  async function goToLine(line, column = 1) {
    // The keyboard, not a click: a click near the top can land on the "Fix N problems" code
    // lens or on sticky scroll.
    await focusEditor(page);
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }
  async function quickFix(step, line, title, expectedText, present, absent, { file = dockerfilePath, type = '' } = {}) {
    const widget = page.locator('.action-widget');
    const item = widget.locator('.monaco-list-row', { hasText: title }).first();
    const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
    // Like a person: put the cursor on the line, wait for the light bulb, press Ctrl+.
    // VS Code has (rarely) answered Ctrl+. with "No code actions available" next to a light bulb
    // that has them; that is retried once and reported, the second time it fails the test.
    for (let attempt = 1; ; attempt++) {
      await goToLine(line);
      await editor.locator('.lightBulbWidget').first().waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
      await page.keyboard.press('Control+.');
      const shown = await Promise.race([
        item.waitFor({ timeout: 20_000 }).then(() => 'menu', () => 'timeout'),
        noActions.first().waitFor({ timeout: 20_000 }).then(() => 'none', () => 'timeout'),
      ]);
      if (shown === 'menu') break;
      if (shown === 'timeout') throw new Error(`Ctrl+. on line ${line}: no menu offering "${title}" within 20 s`);
      await shot(`${step}-no-code-actions-${attempt}`);
      if (attempt === 2) throw new Error(`Ctrl+. on line ${line} showed "No code actions available" twice`);
      notes.push(`step ${step}: Ctrl+. on line ${line} showed "No code actions available" once; retried`);
      console.log(`NOTE  ${notes[notes.length - 1]}`);
      await page.keyboard.press('Escape');
      await sleep(500);
    }
    const items = await widget.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => (e.textContent || '').trim()));
    fs.writeFileSync(path.join(OUT, `${step}-menu.json`), JSON.stringify(items, null, 2));
    check(`quick-fix menu on line ${line} offers "${title}"`, items.some((t) => t.includes(title)), JSON.stringify(items));
    await shot(`${step}-menu`);
    // a pointer-blocking overlay swallows clicks right after the menu opens: use the keyboard
    for (let i = 0; i < 15; i++) {
      const focused = await widget.locator('.monaco-list-row.focused').textContent().catch(() => '');
      if (focused && focused.includes(title)) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
    if (type) {
      // a snippet placeholder is selected: typing replaces it everywhere it is linked
      await sleep(500);
      await page.keyboard.type(type);
      await page.keyboard.press('Escape');
    }
    await page.keyboard.press('Control+S');
    const onDisk = await waitForFile(file, expectedText, 15_000);
    check(`after "${title}" the file reads as expected`, onDisk === expectedText, JSON.stringify(onDisk));
    const rows = await waitCodes(present, absent);
    check(`after "${title}" Problems has ${absent.join(', ')} no more${present.length ? `, still ${present.join(', ')}` : ''}`, state(rows, present, absent), codesOf(rows).join(','));
    await shot(`${step}-after`);
    mark(`quick fix "${title}"`);
  }
  await quickFix('03', 3, 'Replace ADD with COPY', AFTER_ADD, ['LW201', 'LW601'], ['LW701']);
  await quickFix('04', 5, 'Chain with the previous RUN', AFTER_CHAIN, ['LW201'], ['LW601', 'LW701']);
  await quickFix('05', 1, "Run as non-root user 'node' (unsafe)", AFTER_USER, [], ['LW201', 'LW601', 'LW701']);
  const finalText = fs.readFileSync(dockerfilePath, 'utf8');
  check('final Dockerfile is the expected one', finalText === FINAL_EXPECTED, JSON.stringify(finalText));
  const viewText = (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  check('the editor shows the final text', viewText.includes('USER node') && viewText.includes('    && npm run build'), JSON.stringify(viewText));

  // ---------------------------------------------------------------------------------- settings
  // Lint settings reach the server without a restart; a new interpreter restarts it.
  // (written as workspace settings: VS Code notices changes to the workspace's files)
  const settingsFile = path.join(WS, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ 'layerwise.severity': { LW501: 'error' } }, null, 2));
  const errorRows = async () => (await problemRows()).filter((r) => r.startsWith('Error:') && r.includes('LW501'));
  let rowsNow = [];
  for (const end = Date.now() + 20_000; Date.now() < end && !(rowsNow = await errorRows()).length;) await sleep(100);
  check('layerwise.severity {"LW501": "error"} turns LW501 into an error', rowsNow.length > 0, rowsNow[0] || '');
  await editor.locator('.squiggly-error').first().waitFor({ timeout: 10_000 }).catch(() => {});
  await shot('05b-severity');
  fs.writeFileSync(settingsFile, JSON.stringify({ 'layerwise.interpreter': [python.executable] }, null, 2));
  const restartedLog = async () => findFiles(path.join(USER_DATA, 'logs'), /layerwise\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  let restarted = '';
  for (const end = Date.now() + 30_000; Date.now() < end; await sleep(200)) {
    restarted = await restartedLog();
    if (/interpreter or server command changed[\s\S]*server started in/.test(restarted)) break;
  }
  check('changing layerwise.interpreter restarts the server', /interpreter or server command changed[\s\S]*server started in/.test(restarted));
  rowsNow = await waitCodes(['LW501'], ['LW201', 'LW601', 'LW701']);
  check('after the restart the diagnostics are back, with the default severity', state(rowsNow, ['LW501'], []) && !rowsNow.some((r) => r.startsWith('Error:')), codesOf(rowsNow).join(','));
  mark('settings changes');

  // ---------------------------------------------------------------------------------- fix all command
  // opening a second file with the server running: the warm open -> squiggle time
  const secondRow = explorer.filter({ hasText: SECOND_NAME });
  const tOpen2 = Date.now();
  await secondRow.first().click();
  await editor.locator('.view-lines', { hasText: 'MAINTAINER' }).waitFor({ timeout: 30_000 });
  await editor.locator('.squiggly-warning').first().waitFor({ timeout: 30_000 });
  timings.warmOpenToFirstSquiggleMs = Date.now() - tOpen2;
  console.log(`TIMING open a second Dockerfile (server running) -> first squiggle: ${timings.warmOpenToFirstSquiggleMs} ms`);
  const secondLanguage = await page.locator('#status\\.editor\\.mode').innerText().catch(() => '?');
  check(`${SECOND_NAME} opens as a Dockerfile`, /docker/i.test(secondLanguage), JSON.stringify(secondLanguage));
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor({ state: 'visible', timeout: 10_000 });
  await palette.fill('>layerwise: Fix All');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Fix All Auto-Fixable Problems' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await editor.locator('.view-lines', { hasText: 'org.opencontainers.image.authors' }).waitFor({ timeout: 20_000 });
  await page.keyboard.press('Control+S');
  const secondOnDisk = await waitForFile(path.join(WS, SECOND_NAME), SECOND_FIXED, 15_000);
  check('"layerwise: Fix All" fixed api.Dockerfile', secondOnDisk === SECOND_FIXED, JSON.stringify(secondOnDisk));
  await shot('06-fix-all');
  mark('fix-all command');

  // ---------------------------------------------------------------------------------- snippet placeholder
  await explorer.filter({ hasText: THIRD_NAME }).first().click();
  await editor.locator('.view-lines', { hasText: 'python:3.12-slim' }).waitFor({ timeout: 30_000 });
  await editor.locator('.squiggly-warning').first().waitFor({ timeout: 30_000 });
  await quickFix('06b', 1, "Run as non-root user 'app' (unsafe)", THIRD_FIXED, [], ['LW201'], {
    file: path.join(WS, THIRD_NAME),
    type: 'svc',
  });

  // ---------------------------------------------------------------------------------- rule documentation
  await page.keyboard.press('F1');
  await palette.waitFor({ state: 'visible', timeout: 10_000 });
  await palette.fill('>layerwise: Open Rule Documentation');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Rule Documentation' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'syntax-error' }).first().waitFor({ timeout: 10_000 });
  await palette.fill('LW701');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'add-instead-of-copy' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const previewTab = page.locator('.tabs-container .tab', { hasText: 'LW701.md' });
  await previewTab.first().waitFor({ timeout: 15_000 });
  const previewTitle = (await previewTab.first().textContent()) || '';
  check('"Open Rule Documentation" shows the bundled LW701.md in the Markdown preview', /Preview/.test(previewTitle), previewTitle);
  await sleep(1000); // let the preview render for the screenshot
  await shot('06b-rule-doc');
  mark('rule documentation');

  // ---------------------------------------------------------------------------------- editor features
  // One editor group again (the rule documentation opened a preview), then web.Dockerfile.
  // F1, type `query`, move to the entry whose text matches `row`, Enter
  async function runCommand(query, row = query) {
    const pattern = typeof row === 'string' ? new RegExp(row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : row;
    await page.keyboard.press('F1');
    await palette.waitFor({ state: 'visible', timeout: 10_000 });
    await palette.fill(`>${query}`);
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: pattern }).first().waitFor({ timeout: 10_000 });
    for (let i = 0; i < 10; i++) {
      const focused = await rows.and(page.locator('.focused')).first().textContent().catch(() => '');
      if (pattern.test(focused || '')) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'hidden', timeout: 10_000 });
  }
  await runCommand('View: Close All Editor Groups');
  const featuresPath = path.join(WS, FEATURES_NAME);
  await explorer.filter({ hasText: FEATURES_NAME }).first().click();
  await editor.locator('.view-lines', { hasText: 'nginx:1.27-alpine' }).waitFor({ timeout: 30_000 });
  // the inlay hint after the FROM image shows what ${NODE_VERSION} makes of it
  const inlay = await editor.locator('.view-lines', { hasText: 'node:20-slim' }).waitFor({ timeout: 30_000 }).then(() => true, () => false);
  check('an inlay hint shows the FROM image with its variable resolved', inlay);
  const editorText = async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  async function waitEditorText(predicate, timeoutMs = 15_000) {
    const end = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < end) {
      text = await editorText();
      if (predicate(text)) break;
      await sleep(100);
    }
    return text;
  }

  // hover (Ctrl+K Ctrl+I shows the hover at the cursor)
  const hoverWidget = page.locator('.monaco-hover:not(.hidden)');
  async function hoverAt(line, column, expected) {
    await goToLine(line, column);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const widget = hoverWidget.filter({ hasText: expected }).first();
    const ok = await widget.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
    const text = ok ? (await widget.textContent()) || '' : await hoverWidget.allTextContents().then((t) => t.join(' | '));
    await page.keyboard.press('Escape');
    return { ok, text };
  }
  const hoverFrom = await hoverAt(2, 2, 'Start a build stage');
  await shot('11-hover-from');
  check('hover on FROM explains the instruction', hoverFrom.ok && /FROM/.test(hoverFrom.text), hoverFrom.text.slice(0, 160));
  const hoverVar = await hoverAt(2, 15, 'NODE_VERSION');
  check('hover on ${NODE_VERSION} shows the variable and its value', hoverVar.ok && /Value: 20/.test(hoverVar.text), hoverVar.text.slice(0, 160));
  await shot('12-hover-variable');
  mark('hover');

  // Outline view: the stages
  await runCommand('Focus on Outline View');
  const outlineRows = page.locator('.outline-pane .monaco-list-row');
  const wantStages = ['build', 'web'];
  let outline = [];
  for (const end = Date.now() + 15_000; Date.now() < end; await sleep(100)) {
    outline = await outlineRows.evaluateAll((els) => els.map((e) => (e.textContent || '').trim()));
    if (wantStages.every((name) => outline.some((row) => row.startsWith(name)))) break;
  }
  await shot('13-outline');
  check('the Outline view lists the stages', wantStages.every((name) => outline.some((row) => row.startsWith(name))), JSON.stringify(outline));
  mark('outline');

  // rename the stage "build" (F2) -> COPY --from= follows
  await goToLine(2, 36);
  await page.keyboard.press('F2');
  const renameInput = page.locator('.rename-box input.rename-input');
  await renameInput.waitFor({ state: 'visible', timeout: 15_000 });
  await renameInput.fill('builder');
  await page.keyboard.press('Enter');
  await renameInput.waitFor({ state: 'hidden', timeout: 15_000 });
  await waitEditorText((t) => t.includes('--from=builder'));
  await page.keyboard.press('Control+S');
  const renamed = await waitForFile(featuresPath, FEATURES_RENAMED, 15_000);
  await shot('14-rename');
  check('renaming the stage updates AS and --from=', renamed === FEATURES_RENAMED, JSON.stringify(renamed));
  mark('rename');

  // Format Document: the continuation line gets one indentation level (4 spaces)
  await focusEditor(page);
  await runCommand('Format Document', /^Format Document(?! With)/);
  await waitEditorText((t) => t.includes('\n    && npm run build'));
  await page.keyboard.press('Control+S');
  const formatted = await waitForFile(featuresPath, FEATURES_FORMATTED, 15_000);
  await shot('15-format');
  check('Format Document indents the continuation line', formatted === FEATURES_FORMATTED, JSON.stringify(formatted));
  mark('format document');

  // completion: flags after "COPY --", stage names after "--from=" (typed, never saved)
  const suggestRows = page.locator('.suggest-widget .monaco-list-row');
  const suggestions = () => suggestRows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || e.textContent || ''));
  async function waitSuggestions(wanted) {
    let labels = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const end = Date.now() + 10_000; Date.now() < end; await sleep(100)) {
        labels = await suggestions();
        if (wanted.every((w) => labels.some((l) => l.startsWith(w)))) return labels;
      }
      await page.keyboard.press('Control+Space'); // ask explicitly if typing did not
    }
    return labels;
  }
  await focusEditor(page);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('COPY --');
  const flags = ['--from', '--chown', '--chmod', '--link'];
  const flagLabels = await waitSuggestions(flags);
  await shot('16-completion-flags');
  check('completion after "COPY --" offers --from, --chown, --chmod, --link', flags.every((f) => flagLabels.some((l) => l.startsWith(f))), JSON.stringify(flagLabels));
  await page.keyboard.press('Escape');
  await page.keyboard.type('from=');
  const stageLabels = await waitSuggestions(['builder']);
  await shot('17-completion-stages');
  check('completion after "--from=" offers the stage names', stageLabels.some((l) => l.startsWith('builder')), JSON.stringify(stageLabels));
  await page.keyboard.press('Escape');
  mark('completion');

  // ---------------------------------------------------------------------------------- files on disk
  // The server re-lints when files beside the Dockerfile change, without any typing: a
  // package.json makes the whole-context COPY worth a .dockerignore (LW401), deleting the
  // .dockerignore brings LW401, writing it back clears it, and so does the quick fix that
  // creates one.
  await explorer.filter({ hasText: /^Dockerfile$/ }).first().click();
  await editor.locator('.view-lines', { hasText: 'USER node' }).waitFor({ timeout: 30_000 });
  const ignorePath = path.join(WS, '.dockerignore');
  fs.writeFileSync(path.join(WS, 'package.json'), PACKAGE_JSON);
  fs.unlinkSync(ignorePath);
  let diskRows = await waitCodes(['LW401'], []);
  check('deleting .dockerignore on disk brings LW401, without typing', state(diskRows, ['LW401'], []), codesOf(diskRows).join(','));
  await shot('18-dockerignore-deleted');
  fs.writeFileSync(ignorePath, DOCKERIGNORE);
  diskRows = await waitCodes([], ['LW401']);
  check('creating .dockerignore on disk clears LW401, without typing', state(diskRows, [], ['LW401']), codesOf(diskRows).join(','));
  await shot('19-dockerignore-created');
  fs.unlinkSync(ignorePath);
  await waitCodes(['LW401'], []);
  await quickFix('20', 3, 'Create .dockerignore from a template (unsafe)', FINAL_EXPECTED, [], ['LW401']);
  check('the quick fix wrote .dockerignore', fs.existsSync(ignorePath), ignorePath);
  mark('files on disk');

  // ---------------------------------------------------------------------------------- the server's own log
  const logs = findFiles(path.join(USER_DATA, 'logs'), /layerwise\.log$/);
  const log = logs.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  fs.writeFileSync(path.join(OUT, 'layerwise-output.log'), log);
  check('the output channel names the Python from layerwise.interpreter', log.includes(`using ${python.executable} (from layerwise.interpreter)`), logs.join(', ') || 'no layerwise log file');
  check('the server runs from the bundled libraries', /PYTHONPATH=\S*bundled\/libs/.test(log) && log.includes('-m layerwise serve'));
  check('the server Python has no layerwise of its own (so the bundle is what runs)', !ownLayerwise, python.executable);
  const started = /server started in (\d+) ms/.exec(log);
  if (started) timings.serverStartMs = +started[1];
  // where the cold open -> squiggle time goes, from VS Code's and the extension's logs
  const exthostLog = findFiles(path.join(USER_DATA, 'logs'), /^remoteexthost\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const at = (re, text) => {
    const m = re.exec(text);
    return m ? new Date(m[1].replace(' ', 'T')).getTime() - tOpen : undefined;
  };
  timings.coldBreakdownMs = {
    extensionHostStarted: at(/^(\S+ \S+) \[info\]/m, exthostLog),
    layerwiseActivated: at(/^(\S+ \S+) .*_doActivateExtension layerwise\.layerwise/m, exthostLog),
    pythonChosen: at(/^\[(\S+)\] using /m, log),
    serverReady: at(/^\[(\S+)\] server started in/m, log),
    firstSquiggle: tSquiggle - tOpen,
  };
  console.log(`TIMING cold open breakdown (ms after the click): ${JSON.stringify(timings.coldBreakdownMs)}`);

  if (ARGS.has('--update-screenshot')) {
    fs.mkdirSync(path.join(CLIENT, 'images'), { recursive: true });
    fs.copyFileSync(path.join(OUT, '03-menu.png'), path.join(CLIENT, 'images', 'screenshot.png'));
  }
  await main.close();
  mark('main: closed');

  // ================================================================================== no usable Python
  // layerwise.interpreter points nowhere and PATH has no Python: one notification that says what
  // to do, whose button opens the setting.
  const emptyBin = path.join(RUN, 'empty-bin');
  fs.mkdirSync(emptyBin, { recursive: true });
  const bare = await openVSCode('no-python', {
    files: { Dockerfile: DOCKERFILE },
    settings: { 'layerwise.interpreter': '/nonexistent/bin/python3' },
    // VSCODE_CLI=1: VS Code's server takes this environment as it is instead of reading the
    // login shell's (which would put Python back on PATH)
    env: { PATH: emptyBin, VSCODE_CLI: '1' },
  });
  page = bare.page;
  await bare.explorer.filter({ hasText: /^Dockerfile$/ }).first().click();
  await bare.editor.locator('.view-lines', { hasText: 'npm run build' }).waitFor({ timeout: 30_000 });
  const toast = page.locator('.notification-toast', { hasText: 'layerwise needs Python 3.10' });
  await toast.first().waitFor({ timeout: 30_000 });
  await sleep(2000); // a second notification would show up by now
  const toastTexts = await toast.evaluateAll((els) => els.map((e) => (e instanceof HTMLElement ? e.innerText : e.textContent) || ''));
  check('no Python: exactly one notification', toastTexts.length === 1, JSON.stringify(toastTexts));
  check('the notification says what to do', /Install Python 3\.10\+/.test(toastTexts[0] || '') && /layerwise\.interpreter/.test(toastTexts[0] || ''), toastTexts[0]);
  check('no squiggles without a server', (await bare.editor.locator('.squiggly-warning, .squiggly-info').count()) === 0);
  await shot('07-no-python');
  await toast.first().locator('.monaco-button', { hasText: 'Open Setting' }).click();
  const setting = page.locator('.settings-editor .setting-item-contents', { hasText: 'Interpreter' });
  await setting.first().waitFor({ timeout: 15_000 });
  const settingText = await setting.first().textContent();
  check('"Open Setting" shows the layerwise.interpreter setting', /Layerwise.*Interpreter/i.test(settingText || ''), (settingText || '').slice(0, 120));
  await shot('08-open-setting');
  const bareLog = findFiles(path.join(bare.userData, 'logs'), /layerwise\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  fs.writeFileSync(path.join(OUT, 'no-python-layerwise-output.log'), bareLog);
  check('the output channel lists what was tried', bareLog.includes('skipped /nonexistent/bin/python3 (from layerwise.interpreter): was not found') && bareLog.includes('skipped python3 (from PATH): was not found'));
  mark('no-python scenario');

  await bare.close();

  // ================================================================================== untrusted workspace
  // The workspace names a program to run; in Restricted Mode the extension must ignore it and
  // use the user's interpreter, and still lint.
  const untrusted = await openVSCode('untrusted', {
    trust: true,
    files: {
      Dockerfile: DOCKERFILE,
      '.vscode/settings.json': JSON.stringify({
        'layerwise.interpreter': '/nonexistent/workspace-python',
        'layerwise.serverCommand': ['/nonexistent/workspace-server', 'serve'],
      }),
    },
    settings: {
      'layerwise.interpreter': python.executable,
      'editor.codeActionsOnSave': { 'source.fixAll.layerwise': 'explicit' },
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'always',
    },
  });
  page = untrusted.page;
  await untrusted.explorer.filter({ hasText: /^Dockerfile$/ }).first().click();
  await untrusted.editor.locator('.squiggly-warning, .squiggly-info').first().waitFor({ timeout: 60_000 });
  const restricted = await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count();
  check('untrusted: VS Code is in Restricted Mode', restricted > 0);
  check('untrusted: layerwise still lints', true);
  await shot('09-untrusted');
  const untrustedLog = findFiles(path.join(untrusted.userData, 'logs'), /layerwise\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  fs.writeFileSync(path.join(OUT, 'untrusted-layerwise-output.log'), untrustedLog);
  // (VS Code already withholds restricted settings' workspace values from the extension;
  // the extension's own user-settings-only reading is the second line of defence)
  check('untrusted: the workspace interpreter and server command are not used', !untrustedLog.includes('/nonexistent/workspace'));
  check('untrusted: the user interpreter runs the server', untrustedLog.includes(`using ${python.executable} (from layerwise.interpreter)`));
  // fix all on save (editor.codeActionsOnSave: source.fixAll.layerwise): safe fixes only
  await focusEditor(page);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# end');
  await page.keyboard.press('Control+S');
  const savedPath = path.join(untrusted.ws, 'Dockerfile');
  const end = Date.now() + 15_000;
  let saved = '';
  while (Date.now() < end) {
    saved = fs.readFileSync(savedPath, 'utf8');
    if (saved.includes('# end')) break;
    await sleep(100);
  }
  check('fix all on save applied the safe fixes, not the unsafe one',
    saved.includes('COPY . /app') && !saved.includes('ADD ') && !saved.includes('USER node') && saved.includes('# end'),
    JSON.stringify(saved));
  await shot('10-fix-on-save');
  mark('untrusted-workspace scenario');

  exitCode = results.every((r) => r.ok) ? 0 : 1;
} catch (error) {
  console.error('E2E ERROR:', (error && error.stack) || error);
  check('no exception', false, String((error && error.message) || error).split('\n')[0]);
  if (page) await shot('zz-failure').catch(() => {});
} finally {
  for (const session of sessions) await session.close();
  mark('teardown');
  timings.totalSeconds = +((Date.now() - T0) / 1000).toFixed(2);
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ python, timings, notes, results }, null, 2));
  if (!KEEP_RUN) fs.rmSync(RUN, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  console.log(`\ne2e: total ${timings.totalSeconds}s; open Dockerfile -> first layerwise squiggle: ${timings.openToFirstSquiggleMs ?? '?'} ms cold ` +
    `(VS Code starting its extension host, activation, Python probe, server start: ${timings.serverStartMs ?? '?'} ms), ` +
    `${timings.warmOpenToFirstSquiggleMs ?? '?'} ms warm; artifacts in ${OUT}`);
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(exitCode);
}
