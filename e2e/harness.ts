/**
 * Browser-test harness: the real server as a child process (`node --import tsx
 * src/server.ts`, fresh data folder, mail to the outbox folder), Debian's Chromium through
 * playwright-core, the outbox reader, axe checks and screenshots.
 *
 * One server per spec file: `startServer()` in beforeAll, `server.stop()` in afterAll.
 * The helpers that need the server (`newPage`, `readMail`) use the one started last in this file.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { beforeAll } from 'vitest';
import { parseMessage } from '../src/shared/mail/testing.ts';
import { TEMPLATE_DUMP } from '../test/paths.ts';
import { freePort } from '../test/ports.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'tmp', 'screenshots');
const AXE_LOG = path.join(SCREENSHOT_DIR, 'axe-report.jsonl');

// ------------------------------------------------------------------ suite setup

/**
 * Registers the suite's setup (browser, server, …) as a beforeAll hook and returns a
 * function each test calls first. When the setup failed — Chromium missing, the server
 * not starting — every test FAILS with that error instead of being reported as skipped:
 * CI must be able to tell that the browser tests really ran.
 */
export function suiteSetup(setup: () => Promise<void>): () => void {
  let error: unknown = null;
  let done = false;
  beforeAll(async () => {
    try {
      await setup();
      done = true;
    } catch (err) {
      error = err;
    }
  });
  return () => {
    if (error) throw error;
    if (!done) throw new Error('the suite setup has not run');
  };
}

// ------------------------------------------------------------------ server

export interface ServerHandle {
  baseUrl: string;
  port: number;
  dataDir: string;
  outboxDir: string;
  pid: number;
  /** Everything the server printed (LOG_LEVEL=warn, so only warnings and errors). */
  log(): string;
  stop(): Promise<void>;
}

let current: ServerHandle | null = null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export interface StartOptions {
  timeoutMs?: number;
  /**
   * 'cold' (default): an empty data folder, so the server creates and migrates its database
   * as on a real first start (10–15 s on a busy 2-core machine). 'template': the folder
   * starts with a copy of the empty, migrated database that test/global-setup.ts dumps
   * (≈5 s); the server still runs its migrations. Falls back to 'cold' without the dump.
   */
  database?: 'cold' | 'template';
}

/** Starts `src/server.ts` on a free port with a fresh data folder and waits for /healthz. */
export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-e2e-'));
  if (opts.database === 'template' && fs.existsSync(TEMPLATE_DUMP)) {
    const pgdata = path.join(dataDir, 'pglite');
    fs.mkdirSync(pgdata);
    // A PGlite dump is a tar of the data directory with absolute member names.
    execFileSync('tar', ['-xf', TEMPLATE_DUMP, '-C', pgdata], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The browser tests always run on the embedded database and the outbox folder.
  for (const key of ['SMTP_URL', 'DATABASE_URL', 'KIZUNA_IN_PROCESS_WORKERS', 'MAX_BODY_KB', 'MAIL_FROM']) delete env[key];
  Object.assign(env, {
    KIZUNA_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: baseUrl,
    SECRET: randomBytes(20).toString('hex'), // 40 characters
    LOG_LEVEL: 'warn',
    // Run as deployed: vitest's NODE_ENV=test would otherwise leak into the server.
    NODE_ENV: 'production',
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (!child.pid) throw new Error('could not start the server process');
  const pid = child.pid;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitForExit(child, 8000))) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(child, 2000);
      }
    }
    if (current?.pid === pid) current = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`the server exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /healthz in time:\n${output}`);
    }
    await sleep(150);
  }
  const handle: ServerHandle = {
    baseUrl,
    port,
    dataDir,
    outboxDir: path.join(dataDir, 'outbox'),
    pid,
    log: () => output,
    stop,
  };
  current = handle;
  return handle;
}

function server(): ServerHandle {
  if (!current) throw new Error('no server running: call startServer() first');
  return current;
}

// ------------------------------------------------------------------ browser

/** Launches Debian's Chromium. Throws (so the tests fail, never skip) when it is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium package (apt-get install chromium). They do not skip.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageProblems {
  /** Uncaught exceptions and console errors (a CSP violation shows up here). */
  errors: string[];
}

const problems = new WeakMap<Page, PageProblems>();
/** Pages opened with javaScriptEnabled: false, and the options of their context. */
const withoutJs = new WeakMap<Page, BrowserContextOptions>();

/** A new context (Japanese browser by default, 1280 wide) and a page in it. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const all: BrowserContextOptions = {
    baseURL: server().baseUrl,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1280, height: 900 },
    ...options,
  };
  const context = await browser.newContext(all);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  if (all.javaScriptEnabled === false) withoutJs.set(page, all);
  const record: PageProblems = { errors: [] };
  problems.set(page, record);
  page.on('pageerror', (err) => record.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A page answered with 4xx is expected in several specs; Chromium logs each such document load.
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      record.errors.push(`console: ${msg.text()}`);
    }
  });
  return { context, page };
}

/** Errors the page reported so far (uncaught exceptions, console errors such as CSP violations). */
export function pageErrors(page: Page): string[] {
  return problems.get(page)?.errors ?? [];
}

/**
 * Runs `act` (a click that submits a form or follows a link) and waits until the new
 * document has loaded. Returns the HTTP status of the final (non-redirect) response.
 */
export async function navigation(page: Page, act: () => Promise<unknown>): Promise<number> {
  const response = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400),
  );
  const committed = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
  await act();
  const [res] = await Promise.all([response, committed]);
  await page.waitForLoadState('load');
  return res.status();
}

/** `page.goto` that returns the status and fails on a network error. */
export async function visit(page: Page, url: string): Promise<number> {
  const res = await page.goto(url);
  if (!res) throw new Error(`no response for ${url}`);
  return res.status();
}

// ------------------------------------------------------------------ mail

export interface Mail {
  file: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The first link under BASE_URL in the text part. */
  link: string | null;
}

const consumed = new Set<string>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function readOne(file: string, baseUrl: string): Mail | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const msg = parseMessage(raw);
  const text = msg.text ?? '';
  const found = new RegExp(`${escapeRegExp(baseUrl)}(?:/[^\\s<>"'\\u3000-\\u30ff\\u4e00-\\u9fff]*)?`).exec(text);
  return {
    file,
    to: msg.header('to') ?? '',
    subject: msg.header('subject') ?? '',
    text,
    html: msg.html ?? '',
    link: found ? found[0].replace(/[.,;:!?)\]]+$/, '') : null,
  };
}

/**
 * Waits for the newest message in the outbox folder to `to` whose subject contains
 * `subjectContains`, that no earlier call returned, and returns its decoded text and link.
 */
export async function readMail(to: string, subjectContains: string, opts: { timeoutMs?: number } = {}): Promise<Mail> {
  const { outboxDir, baseUrl } = server();
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  const want = to.toLowerCase();
  let seen: string[] = [];
  for (;;) {
    let files: string[] = [];
    try {
      files = fs.readdirSync(outboxDir).filter((f) => f.endsWith('.eml'));
    } catch {
      /* the folder appears with the first message */
    }
    const candidates = files
      .map((f) => path.join(outboxDir, f))
      .filter((f) => !consumed.has(f))
      .map((f) => ({ f, t: fs.statSync(f).mtimeMs }))
      .sort((a, b) => b.t - a.t || (a.f < b.f ? 1 : -1));
    seen = [];
    for (const { f } of candidates) {
      const mail = readOne(f, baseUrl);
      if (!mail) continue;
      seen.push(`${mail.to} | ${mail.subject}`);
      if (mail.to.toLowerCase().includes(want) && mail.subject.includes(subjectContains)) {
        consumed.add(f);
        return mail;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no mail to ${to} with "${subjectContains}" in ${outboxDir}; unread messages:\n${seen.join('\n') || '(none)'}`);
    }
    await sleep(100);
  }
}

// ------------------------------------------------------------------ accessibility and screenshots

export interface AxeSummary {
  name: string;
  url: string;
  violations: { id: string; impact: string | null | undefined; nodes: number }[];
}

/**
 * Runs axe on the page. Fails on any violation of impact serious or critical, printing
 * the rule, its help text and the offending elements; lesser ones are logged to
 * tmp/screenshots/axe-report.jsonl.
 */
export async function checkA11y(page: Page, name: string): Promise<AxeSummary> {
  const noJs = withoutJs.get(page);
  if (noJs) {
    // axe needs scripts (it never finishes in a page with JavaScript off): check the same
    // URL in a twin context with JavaScript on and the same cookies. Only for GET pages.
    const browser = page.context().browser();
    if (!browser) throw new Error('checkA11y: the page has no browser');
    const twin = await browser.newContext({ ...noJs, javaScriptEnabled: true, storageState: await page.context().storageState() });
    try {
      const twinPage = await twin.newPage();
      await twinPage.goto(page.url());
      return await checkA11y(twinPage, name);
    } finally {
      await twin.close();
    }
  }
  // axe 4.11 no longer reports duplicate ids, but Chromium ties a <label for> to the first
  // element with that id only: the second field is left without a name.
  const duplicates = await page.evaluate(() => {
    const counts = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) counts.set(el.id, (counts.get(el.id) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `#${id} ×${n}`);
  });
  if (duplicates.length > 0) throw new Error(`duplicate ids on "${name}" (${page.url()}): ${duplicates.join(', ')}`);
  const t0 = performance.now();
  const results = await new AxeBuilder({ page }).analyze();
  if (process.env.E2E_TIMING) console.log(`axe ${name}: ${Math.round(performance.now() - t0)} ms`);
  const summary: AxeSummary = {
    name,
    url: page.url(),
    violations: results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
  };
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  fs.appendFileSync(AXE_LOG, `${JSON.stringify({ at: new Date().toISOString(), passes: results.passes.length, ...summary })}\n`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const lines = bad.map(
      (v) =>
        `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
        v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`).join('\n'),
    );
    throw new Error(`accessibility violations on "${name}" (${page.url()}):\n${lines.join('\n')}`);
  }
  return summary;
}

/** Saves a full-page PNG to tmp/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  const t0 = performance.now();
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.E2E_TIMING) console.log(`shot ${name}: ${Math.round(performance.now() - t0)} ms`);
  return file;
}

/** axe and a screenshot in one go, for pages that need both. */
export async function checkAndShoot(page: Page, name: string): Promise<void> {
  await checkA11y(page, name);
  await shot(page, name);
}

/** The document's scroll and client widths (CSS px), and a few elements reaching past the right edge (hints for a failure message). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; widest: string[] }> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const limit = root.clientWidth;
    const widest = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > limit + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).replace(/\s+/g, '.')}` : ''}`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest };
  });
}
