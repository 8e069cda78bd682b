/**
 * Test harness: a whole Kizuna app on a fresh database, driven through `app.request()`
 * (no port), with a cookie-keeping client, the job queue run on demand, and helpers that
 * create real accounts and sign in through the real pages.
 *
 * ```ts
 * const t = await createTestApp({ setup: true });
 * const { client } = await t.signedIn('operator'); // with two-factor, cached per app
 * const res = await client.post('/admin/people/invite', { email: 'a@example.com', role: 'employee' });
 * const mail = await t.lastMail('a@example.com'); // runs the queued jobs first
 * ```
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import pino, { type Logger } from 'pino';
import { jobHandlers } from '../src/runtime.ts';
import { createApp, type App } from '../src/app.tsx';
import { parseConfig, type Config } from '../src/config.ts';
import type { Database, Db } from '../src/db/client.ts';
import { mailMessages, type Role } from '../src/db/schema.ts';
import { findUserByEmail, insertAccount } from '../src/features/account/accounts.repository.ts';
import { createAuth, type Auth } from '../src/shared/auth/auth.ts';
import { csrfTokenFor } from '../src/shared/http/csrf.ts';
import { claimJobs, complete, fail, startWorkers, type JobHandler, type Workers } from '../src/shared/jobs/queue.ts';
import { readOutboxEml } from '../src/shared/mail/mail.ts';
import { createTransport, type MailTransport } from '../src/shared/mail/mailer.ts';
import { parseMessage } from '../src/shared/mail/testing.ts';
import { createTestDatabase } from './db.ts';

export const TEST_SECRET = 'x'.repeat(40);
export const TEST_BASE_URL = 'http://localhost:3000';
/** A password every helper-made account gets unless told otherwise (≥ 12 characters). */
export const TEST_PASSWORD = 'correct-horse-battery-staple';

// ---------------------------------------------------------------- responses and cookies

export interface TestResponse {
  status: number;
  headers: Headers;
  /** The body as text (read eagerly, so it can be inspected more than once). */
  body: string;
  /** The Location header, if any. */
  location: string | null;
  /** Every Set-Cookie header of the response, raw. */
  setCookies: string[];
}

interface StoredCookie {
  value: string;
  /** Raw attributes as sent, lower-cased names (httponly, samesite, secure, path, …). */
  attributes: Record<string, string | true>;
}

/** Parses one Set-Cookie header into name, value and attributes. */
export function parseSetCookie(header: string): { name: string; value: string; attributes: Record<string, string | true> } {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const name = (eq >= 0 ? pair.slice(0, eq) : pair).trim();
  const value = eq >= 0 ? pair.slice(eq + 1).trim() : '';
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const i = part.indexOf('=');
    const key = (i >= 0 ? part.slice(0, i) : part).trim().toLowerCase();
    if (!key) continue;
    attributes[key] = i >= 0 ? part.slice(i + 1).trim() : true;
  }
  return { name, value, attributes };
}

function isDeletion(attributes: Record<string, string | true>): boolean {
  const maxAge = attributes['max-age'];
  if (typeof maxAge === 'string' && Number.parseInt(maxAge, 10) <= 0) return true;
  const expires = attributes.expires;
  if (typeof expires === 'string') {
    const at = Date.parse(expires);
    if (!Number.isNaN(at) && at <= Date.now()) return true;
  }
  return false;
}

/** A random private IPv4 address, so each client has its own rate-limit budget. */
function randomIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: BodyInit;
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** The CSRF token to send: the right one by default; `false` sends none. */
  csrf?: string | false;
  /** The Origin header: this site's by default; `null` sends none. */
  origin?: string | null;
}

/**
 * A browser: keeps cookies, sends this site's Origin and the CSRF token on POST, and
 * does NOT follow redirects (tests assert 303 + Location).
 */
export class Client {
  readonly cookies = new Map<string, StoredCookie>();
  /** The address the app sees for this client (rate limits and audit rows use it). */
  ip: string;

  constructor(
    private readonly app: App,
    readonly config: Config,
    opts: { ip?: string } = {},
  ) {
    this.ip = opts.ip ?? randomIp();
  }

  /** The value of a cookie, or undefined. */
  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, { value, attributes: {} });
  }

  deleteCookie(name: string): void {
    this.cookies.delete(name);
  }

  /** True when the jar holds a better-auth session cookie. */
  hasSessionCookie(): boolean {
    return [...this.cookies.keys()].some((name) => name.endsWith('kizuna.session_token'));
  }

  /** Copies this client's cookies into a new client (same browser, e.g. a second tab). */
  clone(opts: { ip?: string } = {}): Client {
    const copy = new Client(this.app, this.config, { ip: opts.ip ?? this.ip });
    for (const [name, cookie] of this.cookies) copy.cookies.set(name, { value: cookie.value, attributes: { ...cookie.attributes } });
    return copy;
  }

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  private store(setCookies: string[]): void {
    for (const header of setCookies) {
      const { name, value, attributes } = parseSetCookie(header);
      if (!name) continue;
      if (isDeletion(attributes)) this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes });
    }
  }

  /** Sends any request; `path` is relative to BASE_URL (or a full URL on this site). */
  async request(method: string, pathOrUrl: string, opts: RequestOptions = {}): Promise<TestResponse> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.config.baseUrl}${pathOrUrl}`;
    const headers = new Headers(opts.headers);
    const cookie = this.cookieHeader();
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    if (!headers.has('user-agent')) headers.set('user-agent', 'kizuna-test');
    if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml');
    // What @hono/node-server would hand the app: the client's socket address.
    const env = { incoming: { socket: { remoteAddress: this.ip, remotePort: 40000, remoteFamily: 'IPv4' } } };
    const res = await this.app.request(url, { method, headers, body: opts.body, redirect: 'manual' }, env);
    const setCookies = res.headers.getSetCookie();
    this.store(setCookies);
    return { status: res.status, headers: res.headers, body: await res.text(), location: res.headers.get('location'), setCookies };
  }

  get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.request('GET', pathOrUrl, { headers });
  }

  /**
   * The CSRF token for this browser: the HMAC of its `kizuna_csrf` cookie, which a page
   * also renders as the hidden `_csrf` field. Fetches a page first when there is no cookie yet.
   */
  async csrfToken(): Promise<string> {
    let browserId = this.cookie('kizuna_csrf');
    if (!browserId) {
      await this.get('/healthz');
      browserId = this.cookie('kizuna_csrf');
    }
    if (!browserId) throw new Error('the app set no kizuna_csrf cookie');
    return csrfTokenFor(this.config.secret, browserId);
  }

  /** POSTs an urlencoded form with this site's Origin and the CSRF token. */
  async post(pathOrUrl: string, form: Record<string, string> = {}, opts: PostOptions = {}): Promise<TestResponse> {
    const body = new URLSearchParams(form);
    const token = opts.csrf === undefined ? await this.csrfToken() : opts.csrf;
    if (token !== false) body.set('_csrf', token);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers };
    const origin = opts.origin === undefined ? new URL(this.config.baseUrl).origin : opts.origin;
    if (origin !== null) headers.origin = origin;
    return this.request('POST', pathOrUrl, { headers, body: body.toString() });
  }
}

// ---------------------------------------------------------------- the app

export interface TestAppOptions {
  /** BASE_URL (default http://localhost:3000). */
  baseUrl?: string;
  /** More configuration variables, e.g. `{ MAX_BODY_KB: '16' }`. */
  env?: Record<string, string>;
  /** Runs the setup wizard (through POST /setup) before returning; `t.operator` is then its operator. */
  setup?: boolean | Partial<SetupForm>;
  /** Starts the in-process job workers (default: off; call `runJobs()` instead). */
  workers?: boolean;
  /** Called with the app before the first request: register extra routes for a test. */
  extend?: (app: App) => void;
  /** Collects log lines of this level and above in `t.logs` (default: nothing is logged). */
  logLevel?: 'error' | 'warn' | 'info';
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  name: string;
  role: Role;
  isManager: boolean;
  /** Base32 TOTP secret when two-factor was enrolled. */
  totpSecret?: string;
}

/** The kinds of signed-in people the route matrix walks. */
export type PersonKind = 'alumnus' | 'employee' | 'manager' | 'community_manager' | 'operator';

export interface TestMail {
  id: string;
  to: string;
  template: string;
  locale: 'ja' | 'en';
  subject: string;
  /** The text as the recipient got it (live links included). */
  text: string;
  state: string;
}

export interface TestApp {
  app: App;
  config: Config;
  database: Database;
  db: Db;
  auth: Auth;
  logger: Logger;
  /** Log lines collected when `logLevel` was given. */
  logs: string[];
  /** The setup wizard's operator (no two-factor yet), when `setup` was requested or `completeSetup` ran through `t`. */
  operator: TestUser | undefined;
  /** A new browser. */
  client(opts?: { ip?: string }): Client;
  /** Runs every due job once (mail is written to the outbox folder); returns how many ran. */
  runJobs(): Promise<number>;
  /** Runs the jobs, then lists the messages sent so far, oldest first. */
  mails(filter?: { to?: string; template?: string }): Promise<TestMail[]>;
  /** Runs the jobs, then the newest message to `to` (optionally of one template); throws when there is none. */
  lastMail(to: string, template?: string): Promise<TestMail>;
  /** Runs the setup wizard with a new client (unless already done) and returns its operator. */
  ensureSetup(): Promise<TestUser>;
  /** Creates a real account (and, with `twoFactor`, enrols an authenticator through the real pages). */
  createUser(role: Role, opts?: CreateUserOptions): Promise<TestUser>;
  /** A signed-in client for a kind of person, created once per app and cached. */
  signedIn(kind: PersonKind): Promise<{ client: Client; user: TestUser }>;
  /** A new client signed in as `user` (a second session). */
  newSession(user: TestUser): Promise<Client>;
  close(): Promise<void>;
}

export interface CreateUserOptions {
  isManager?: boolean;
  twoFactor?: boolean;
  email?: string;
  name?: string;
  password?: string;
  locale?: 'ja' | 'en' | null;
  status?: 'pending' | 'active' | 'suspended';
  emailVerified?: boolean;
}

let userCounter = 0;

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-test-'));
  const config = parseConfig({
    NODE_ENV: 'test',
    SECRET: TEST_SECRET,
    KIZUNA_DATA_DIR: dataDir,
    BASE_URL: opts.baseUrl ?? TEST_BASE_URL,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const logs: string[] = [];
  const logger = opts.logLevel
    ? pino({ level: opts.logLevel }, { write: (line: string) => void logs.push(line) })
    : pino({ level: 'silent' });
  const database = await createTestDatabase();
  const db = database.db;
  const auth = createAuth({ config, db });
  const transport: MailTransport = createTransport(config);
  const handlers: Record<string, JobHandler> = jobHandlers({ transport, config, logger });
  let workers: Workers | null = null;
  if (opts.workers) workers = startWorkers({ database, handlers, logger, pollMs: 50 });
  const app = createApp({ config, database, db, auth, logger, wakeWorkers: () => workers?.wake() });
  opts.extend?.(app);

  const people = new Map<PersonKind, Promise<{ client: Client; user: TestUser }>>();
  let setupDone: Promise<TestUser> | undefined;

  const runJobs = async (): Promise<number> => {
    let ran = 0;
    // Jobs that fail are rescheduled into the future, so this loop ends.
    for (let round = 0; round < 20; round++) {
      const claimed = await claimJobs(db, { queues: Object.keys(handlers), limit: 50, workerId: 'test-harness' });
      if (claimed.length === 0) break;
      for (const job of claimed) {
        try {
          await handlers[job.queue]!(job.payload, { db, jobId: job.id, attempt: job.attempts, maxAttempts: job.maxAttempts, log: logger });
          await complete(db, job);
        } catch (err) {
          await fail(db, job, err);
        }
        ran++;
      }
    }
    return ran;
  };

  const mails = async (filter: { to?: string; template?: string } = {}): Promise<TestMail[]> => {
    await runJobs();
    const conditions = [
      filter.to ? eq(mailMessages.toAddress, filter.to) : undefined,
      filter.template ? eq(mailMessages.template, filter.template) : undefined,
    ];
    const rows = await db
      .select()
      .from(mailMessages)
      .where(and(...conditions))
      .orderBy(asc(mailMessages.createdAt), asc(mailMessages.id));
    const out: TestMail[] = [];
    for (const row of rows) {
      // Once sent, the ledger keeps links only up to their path; the .eml has the live text.
      let text = row.textBody ?? '';
      if (row.state === 'sent') {
        const raw = await readOutboxEml(config, row);
        if (raw) text = parseMessage(raw).text ?? text;
      }
      out.push({ id: row.id, to: row.toAddress, template: row.template, locale: row.locale, subject: row.subject ?? '', text, state: row.state });
    }
    return out;
  };

  const t: TestApp = {
    app,
    config,
    database,
    db,
    auth,
    logger,
    logs,
    operator: undefined,
    client: (o) => new Client(app, config, o),
    runJobs,
    mails,
    async lastMail(to, template) {
      const list = await mails({ to, ...(template ? { template } : {}) });
      const last = list[list.length - 1];
      if (!last) throw new Error(`no mail to ${to}${template ? ` (${template})` : ''}`);
      return last;
    },
    ensureSetup() {
      setupDone ??= (async () => {
        const form = typeof opts.setup === 'object' ? opts.setup : {};
        const operator = await completeSetup(t.client(), form);
        operator.id = (await findUserByEmail(db, operator.email))?.id ?? '';
        t.operator = operator;
        return operator;
      })();
      return setupDone;
    },
    async createUser(role, o = {}) {
      const n = ++userCounter;
      const user: TestUser = {
        id: '',
        email: o.email ?? `${role}-${n}-${Date.now().toString(36)}@example.com`,
        password: o.password ?? TEST_PASSWORD,
        name: o.name ?? `${role} ${n}`,
        role,
        isManager: o.isManager ?? false,
      };
      user.id = await insertAccount(db, {
        email: user.email,
        name: user.name,
        password: user.password,
        role,
        isManager: user.isManager,
        status: o.status ?? 'active',
        emailVerified: o.emailVerified ?? true,
        locale: o.locale ?? null,
      });
      if (o.twoFactor) {
        await t.ensureSetup();
        const c = t.client();
        await signIn(c, user.email, user.password);
        user.totpSecret = await enrolTwoFactor(c, user.password);
      }
      return user;
    },
    signedIn(kind) {
      let entry = people.get(kind);
      if (!entry) {
        entry = (async () => {
          await t.ensureSetup();
          const role: Role = kind === 'manager' ? 'employee' : kind;
          const twoFactor = kind === 'operator' || kind === 'community_manager';
          const user = await t.createUser(role, { isManager: kind === 'manager', twoFactor });
          const client = await t.newSession(user);
          return { client, user };
        })();
        people.set(kind, entry);
      }
      return entry;
    },
    async newSession(user) {
      const c = t.client();
      await signIn(c, user.email, user.password, user.totpSecret ? { totpSecret: user.totpSecret } : {});
      return c;
    },
    async close() {
      await workers?.stop();
      await transport.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  if (opts.setup) await t.ensureSetup();
  return t;
}

// ---------------------------------------------------------------- flows through the pages

export interface SetupForm {
  nameJa: string;
  nameEn: string;
  operatorType: 'company' | 'volunteers' | 'alumni';
  purposeJa: string;
  purposeEn: string;
  rulesJa: string;
  rulesEn: string;
  timeZone: string;
  name: string;
  nameKana: string;
  email: string;
  password: string;
  passwordConfirm: string;
}

export const SETUP_FORM: SetupForm = {
  nameJa: '絆テスト株式会社 アルムナイ',
  nameEn: 'Kizuna Test Alumni',
  operatorType: 'company',
  purposeJa: '退職者と社員がつながり続けるためのネットワークです。',
  purposeEn: 'A network where former and current employees stay in touch.',
  rulesJa: 'お互いを尊重してください。',
  rulesEn: 'Treat each other with respect.',
  timeZone: 'Asia/Tokyo',
  name: '運営 花子',
  nameKana: 'うんえい はなこ',
  email: 'operator@example.com',
  password: TEST_PASSWORD,
  passwordConfirm: TEST_PASSWORD,
};

function fail303(what: string, res: TestResponse): never {
  throw new Error(`${what}: expected 303, got ${res.status} ${res.location ?? ''}\n${res.body.slice(0, 500)}`);
}

/** POST /setup with valid data; the client ends up signed in as the first operator (no two-factor yet). */
export async function completeSetup(client: Client, overrides: Partial<SetupForm> = {}): Promise<TestUser> {
  const form = { ...SETUP_FORM, ...overrides };
  if (overrides.password && !overrides.passwordConfirm) form.passwordConfirm = overrides.password;
  const res = await client.post('/setup', { ...form });
  if (res.status !== 303) fail303('setup', res);
  // The id is filled in by `t.ensureSetup()`, which can read the database.
  return { id: '', email: form.email, password: form.password, name: form.name, role: 'operator', isManager: false };
}

/** The current TOTP code for a base32 secret. */
export function totpCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
}

/**
 * Signs in through /auth/sign-in (and /auth/two-factor when the account has it).
 * Throws unless it ends in a 303 away from the sign-in pages; returns the final Location.
 */
export async function signIn(client: Client, email: string, password: string, opts: { totpSecret?: string; next?: string } = {}): Promise<string> {
  const form: Record<string, string> = { email, password };
  if (opts.next) form.next = opts.next;
  const res = await client.post('/auth/sign-in', form);
  if (res.status !== 303) fail303(`sign-in of ${email}`, res);
  const location = res.location ?? '';
  if (!location.startsWith('/auth/two-factor')) return location;
  if (!opts.totpSecret) throw new Error(`sign-in of ${email} asks for a second factor, but no totpSecret was given`);
  const next = new URL(location, 'http://x').searchParams.get('next') ?? '/';
  const second = await client.post('/auth/two-factor', { code: totpCode(opts.totpSecret), next });
  if (second.status !== 303) fail303(`second factor of ${email}`, second);
  return second.location ?? '';
}

/**
 * Turns on two-factor for the signed-in client through /account/two-factor: reads the
 * secret off the enrolment page, confirms with a code. Returns the base32 secret.
 */
export async function enrolTwoFactor(client: Client, password: string): Promise<string> {
  const page = await client.post('/account/two-factor/enable', { password });
  const secret = /<code class="secret">([A-Z2-7=]+)<\/code>/.exec(page.body)?.[1];
  if (page.status !== 200 || !secret) throw new Error(`two-factor enrolment page: ${page.status}\n${page.body.slice(0, 500)}`);
  const done = await client.post('/account/two-factor/verify', { code: totpCode(secret) });
  if (done.status !== 303) fail303('two-factor confirmation', done);
  return secret;
}

// ---------------------------------------------------------------- reading pages and mail

/** The first link in a text that points at `pathPrefix` on this site, as a path with its query. */
export function linkIn(text: string, pathPrefix: string): string {
  const re = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g;
  for (const match of text.matchAll(re)) {
    const url = new URL(match[0]);
    if (url.pathname.startsWith(pathPrefix)) return `${url.pathname}${url.search}`;
  }
  throw new Error(`no link to ${pathPrefix} in:\n${text}`);
}

/** The `token` query parameter of a link path. */
export function tokenOf(link: string): string {
  const token = new URL(link, 'http://x').searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** The value of a hidden or text input by name, from a page. */
export function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** The page's `<html lang>`. */
export function pageLang(html: string): string | undefined {
  return /<html lang="([^"]+)"/.exec(html)?.[1];
}

/** Replaces per-request values (CSP nonce, CSRF token, request id) so two pages can be compared byte for byte. */
export function normalisePage(html: string): string {
  return html
    .replace(/nonce="[^"]*"/g, 'nonce="…"')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="…"')
    .replace(/ID: [0-9a-f-]{36}/g, 'ID: …');
}
