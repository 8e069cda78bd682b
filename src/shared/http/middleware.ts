/** Request-scoped middleware: client IP, settings and setup gate, session, language, 2FA gate, flash. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { eq, sql } from 'drizzle-orm';
import { sessions, users, type Role } from '../../db/schema.ts';
import { SESSION_EXPIRES_IN_MS, SESSION_UPDATE_AGE_MS } from '../auth/auth.ts';
import { requiresTwoFactor } from '../auth/can.ts';
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, messages, type Locale } from '../i18n/index.ts';
import { getNetworkSettings } from '../network.ts';
import type { Actor, AppDeps, AppEnv } from './context.ts';

const LANG_COOKIE = 'kizuna_lang';
const FLASH_COOKIE = 'kizuna_flash';

/** Paths reachable before the network is set up. */
const PRE_SETUP = [/^\/setup$/, /^\/healthz$/, /^\/static\//];
/** Paths reachable by staff who still have to turn on two-factor authentication. */
const PRE_TWO_FACTOR = [/^\/account\/two-factor/, /^\/auth\/sign-out$/, /^\/healthz$/, /^\/static\//];

export function clientIp(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let ip = 'unknown';
    try {
      ip = getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      /* app.request() in tests has no socket */
    }
    c.set('clientIp', ip);
    return next();
  };
}

export function setupGate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const settings = await getNetworkSettings(c.get('deps').db);
    c.set('settings', settings);
    if (!settings && !PRE_SETUP.some((re) => re.test(c.req.path))) return c.redirect('/setup', 303);
    return next();
  };
}

/** Headers for server-side calls into better-auth: cookies, client, and the request's language. */
export function authHeaders(c: Context<AppEnv>): Headers {
  const h = new Headers();
  const cookie = c.req.header('cookie');
  if (cookie) h.set('cookie', cookie);
  h.set('user-agent', c.req.header('user-agent') ?? '');
  // Kizuna's own CSRF check has already passed for this request.
  h.set('origin', new URL(c.get('deps').config.baseUrl).origin);
  h.set('x-kizuna-client-ip', c.get('clientIp') ?? 'unknown');
  h.set('x-kizuna-locale', c.get('locale') ?? DEFAULT_LOCALE);
  return h;
}

/** Copies Set-Cookie headers of a better-auth answer onto our response. */
export function forwardCookies(c: Context<AppEnv>, headers: Headers | null | undefined): void {
  if (!headers) return;
  for (const value of headers.getSetCookie()) c.header('set-cookie', value, { append: true });
}

const SESSION_COOKIE = 'kizuna.session_token';

/**
 * The session token of a request, when its cookie carries a valid signature. The cookie is
 * better-auth's signed cookie (`token.base64(HMAC-SHA256(secret, token))`); checking it here with
 * node:crypto takes microseconds, where better-auth's WebCrypto check took about a millisecond.
 */
export function signedSessionToken(c: Context<AppEnv>): string | null {
  const { config } = c.get('deps');
  const raw = getCookie(c, `${config.secure ? '__Secure-' : ''}${SESSION_COOKIE}`);
  if (!raw) return null;
  const dot = raw.lastIndexOf('.');
  if (dot < 1) return null;
  const token = raw.slice(0, dot);
  const signature = Buffer.from(raw.slice(dot + 1), 'utf8');
  const expected = Buffer.from(createHmac('sha256', config.secret).update(token).digest('base64'), 'utf8');
  return signature.length === expected.length && timingSafeEqual(signature, expected) ? token : null;
}

/**
 * The signed-in member, read on every request (role and status changes take effect at once).
 * One query joins the session and its user. When the session is due to be extended (older than
 * better-auth's updateAge) or anything is unusual, better-auth's own getSession runs instead,
 * which extends it and sets the cookie again.
 */
export function session(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', null);
    const cookie = c.req.header('cookie') ?? '';
    if (c.get('settings') && cookie.includes(SESSION_COOKIE)) {
      const token = signedSessionToken(c);
      const fast = token ? await sessionByToken(c.get('deps').db, token) : null;
      const now = Date.now();
      if (fast && fast.expiresAt.getTime() > now && fast.expiresAt.getTime() - now > SESSION_EXPIRES_IN_MS - SESSION_UPDATE_AGE_MS) {
        c.set('actor', actorOf(fast.user, fast.sessionId));
      } else if (token) {
        const { auth } = c.get('deps');
        const result = await auth.api.getSession({ headers: authHeaders(c), returnHeaders: true });
        forwardCookies(c, result.headers);
        const data = result.response;
        if (data) c.set('actor', actorOf(data.user as unknown as SessionUser, data.session.id));
      }
      const actor = c.get('actor');
      if (actor) noteSeen(c, actor.id);
    }
    return next();
  };
}

interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  isManager: boolean | null;
  status: string;
  twoFactorEnabled: boolean | null;
  locale: string | null;
}

function actorOf(u: SessionUser, sessionId: string): Actor {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    isManager: Boolean(u.isManager),
    status: u.status,
    twoFactorEnabled: Boolean(u.twoFactorEnabled),
    locale: isLocale(u.locale) ? u.locale : null,
    sessionId,
  };
}

function sessionQuery(db: AppDeps['db']) {
  return db
    .select({
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      isManager: users.isManager,
      status: users.status,
      twoFactorEnabled: users.twoFactorEnabled,
      locale: users.locale,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.token, sql.placeholder('token')))
    .limit(1)
    .prepare('kizuna_session_by_token');
}

/** The session query runs on every signed-in request: prepared once per database, planned once per connection. */
const preparedSessionQueries = new WeakMap<object, ReturnType<typeof sessionQuery>>();

async function sessionByToken(db: AppDeps['db'], token: string): Promise<{ sessionId: string; expiresAt: Date; user: SessionUser } | null> {
  let query = preparedSessionQueries.get(db);
  if (!query) preparedSessionQueries.set(db, (query = sessionQuery(db)));
  const [row] = await query.execute({ token });
  if (!row) return null;
  const { sessionId, expiresAt, ...user } = row;
  return { sessionId, expiresAt, user };
}

/** When each member's last-seen time was last written by this process (segments: active / dormant). */
const seenWritten = new Map<string, number>();
const SEEN_EVERY_MS = 60 * 60_000;

/**
 * Records that a member was here, at most once an hour per member and process, without making
 * the request wait: an hour's precision is all that "active in the last N days" needs.
 */
function noteSeen(c: Context<AppEnv>, userId: string): void {
  const now = Date.now();
  if (now - (seenWritten.get(userId) ?? 0) < SEEN_EVERY_MS) return;
  if (seenWritten.size > 50_000) seenWritten.clear();
  seenWritten.set(userId, now);
  const { db, logger } = c.get('deps');
  db.update(users)
    .set({ lastSeenAt: new Date(now) })
    .where(eq(users.id, userId))
    .catch((err: unknown) => logger.warn({ err }, 'could not record when a member was last seen'));
}

/**
 * Language: ?lang= (remembered in a cookie and, for members, as their preference) →
 * the member's saved preference → cookie → Accept-Language → Japanese.
 */
export function language(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    const query = c.req.query('lang');
    let locale: Locale;
    if (isLocale(query)) {
      locale = query;
      setCookie(c, LANG_COOKIE, query, { path: '/', sameSite: 'Lax', maxAge: 365 * 24 * 3600, secure: c.get('deps').config.secure });
      if (actor && actor.locale !== query) {
        // A preference, not a security-relevant change: saving it on a GET is harmless and idempotent.
        await c.get('deps').db.update(users).set({ locale: query }).where(eq(users.id, actor.id));
        actor.locale = query;
      }
    } else {
      const cookie = getCookie(c, LANG_COOKIE);
      locale = actor?.locale ?? (isLocale(cookie) ? cookie : undefined) ?? localeFromAcceptLanguage(c.req.header('accept-language')) ?? DEFAULT_LOCALE;
    }
    c.set('locale', locale);
    c.set('m', messages(locale));
    return next();
  };
}

export function twoFactorGate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (actor && requiresTwoFactor(actor.role) && !actor.twoFactorEnabled && !PRE_TWO_FACTOR.some((re) => re.test(c.req.path))) {
      return c.redirect('/account/two-factor', 303);
    }
    return next();
  };
}

/** One-shot notices after a redirect ("Saved."): the cookie holds a catalogue path, never HTML. */
export function flash(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const value = getCookie(c, FLASH_COOKIE) ?? null;
    c.set('flash', value);
    if (value) deleteCookie(c, FLASH_COOKIE, { path: '/' });
    return next();
  };
}

/** Sets a notice shown on the next page; `key` is a path in the catalogue like 'account.passwordChanged'. */
export function setFlash(c: Context<AppEnv>, key: string, vars: Record<string, string> = {}): void {
  const value = Object.keys(vars).length ? `${key}|${new URLSearchParams(vars).toString()}` : key;
  setCookie(c, FLASH_COOKIE, value, { path: '/', sameSite: 'Lax', httpOnly: true, maxAge: 60, secure: c.get('deps').config.secure });
}
