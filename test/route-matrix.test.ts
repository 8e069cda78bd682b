/**
 * Every route × every role, against the route table. The table is the `allow(...)`
 * declared as each route's first handler (src/shared/auth/access.ts): a route without
 * one fails here, and every declared rule is checked by real requests.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users, type Role } from '../src/db/schema.ts';
import { createApp, type App } from '../src/app.tsx';
import { accessOf, allow, permits, type Access } from '../src/shared/auth/access.ts';
import type { AppDeps } from '../src/shared/http/context.ts';
import { messages } from '../src/shared/i18n/index.ts';
import { createTestApp, type Client, type PersonKind, type TestApp, type TestResponse } from './app.ts';

interface Route {
  method: string;
  path: string;
  access: Access | undefined;
  /** The access declared by the first handler (must be the same as `access`). */
  firstHandlerAccess: Access | undefined;
  declarations: number;
}

type Viewer = 'anonymous' | PersonKind;
const VIEWERS: readonly Viewer[] = ['anonymous', 'alumnus', 'employee', 'manager', 'community_manager', 'operator'];
const ROLE_OF: Record<Viewer, Role | null> = {
  anonymous: null,
  alumnus: 'alumnus',
  employee: 'employee',
  manager: 'employee',
  community_manager: 'community_manager',
  operator: 'operator',
};

/** Routes that end the caller's session (sign-out-all: every session of that person): each call gets a fresh person. */
const ENDS_SESSION = new Set(['POST /auth/sign-out', 'POST /account/sign-out-all']);

/**
 * Routes that answer 401/403 by design to a reachable request (bad credentials or code
 * in an empty form), with their own page rather than the access-denied error page.
 */
const OWN_401 = new Set(['POST /auth/sign-in', 'POST /auth/two-factor']);

/** Paths a staff member who still has to turn on two-factor may reach (middleware.ts PRE_TWO_FACTOR). */
const PRE_TWO_FACTOR = [/^\/account\/two-factor/, /^\/auth\/sign-out$/, /^\/healthz$/, /^\/static\//];

const ja = messages('ja');

/** Every route of the app, grouped by method and path; `app.use` middleware (method ALL, no allow) is left out. */
function routesOf(app: App): Route[] {
  const groups = new Map<string, { method: string; path: string; handlers: unknown[] }>();
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    const g = groups.get(key) ?? { method: r.method, path: r.path, handlers: [] };
    g.handlers.push(r.handler);
    groups.set(key, g);
  }
  const out: Route[] = [];
  for (const g of groups.values()) {
    const declared = g.handlers.map(accessOf).filter((a): a is Access => a !== undefined);
    // Middleware registered with app.use: method ALL and no access rule.
    if (g.method === 'ALL' && declared.length === 0) continue;
    const methods = g.method === 'ALL' ? ['GET', 'POST'] : [g.method];
    for (const method of methods) {
      out.push({ method, path: g.path, access: declared[0], firstHandlerAccess: accessOf(g.handlers[0]), declarations: declared.length });
    }
  }
  return out;
}

/** A concrete URL for a route pattern. */
function concrete(path: string): string {
  return path
    .replace(/:[A-Za-z_]\w*(\{[^}]*\})?/g, () => randomUUID())
    .replace(/\/\*$/, '/kizuna.css')
    .replace(/\*/g, 'kizuna.css');
}

function send(client: Client, method: string, url: string): Promise<TestResponse> {
  if (method === 'GET') return client.get(url);
  if (method === 'POST') return client.post(url, {});
  return client.request(method, url);
}

/** A new person of the same kind, signed in (for the routes that end sessions). */
async function freshPerson(kind: PersonKind): Promise<Client> {
  const role = ROLE_OF[kind]!;
  const user = await t.createUser(role, { isManager: kind === 'manager', twoFactor: role === 'operator' || role === 'community_manager' });
  return t.newSession(user);
}

let t: TestApp;
let routes: Route[];
const clients = new Map<Viewer, Client>();

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  routes = routesOf(t.app);
  clients.set('anonymous', t.client());
  for (const viewer of VIEWERS) {
    if (viewer !== 'anonymous') clients.set(viewer, (await t.signedIn(viewer)).client);
  }
});

afterAll(async () => {
  await t?.close();
});

describe('route table', () => {
  it('declares an access rule with allow() as the first handler of every route', () => {
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undeclared, `routes without allow(): ${undeclared.join(', ')}`).toEqual([]);
    const notFirst = routes.filter((r) => r.firstHandlerAccess === undefined).map((r) => `${r.method} ${r.path}`);
    expect(notFirst, `routes whose first handler is not allow(): ${notFirst.join(', ')}`).toEqual([]);
    const twice = routes.filter((r) => r.declarations > 1).map((r) => `${r.method} ${r.path}`);
    expect(twice, `routes with more than one allow(): ${twice.join(', ')}`).toEqual([]);
  });

  it('finds a route registered without allow()', () => {
    const deps: AppDeps = { config: t.config, database: t.database, db: t.db, auth: t.auth, logger: t.logger, wakeWorkers: () => {} };
    const app = createApp(deps);
    app.get('/undeclared', (c) => c.text('oops'));
    app.post('/late', (c) => c.text('oops'), allow('public'));
    const bad = routesOf(app).filter((r) => r.access === undefined || r.firstHandlerAccess === undefined);
    expect(bad.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /undeclared', 'POST /late']);
  });
});

describe('every route × every role', () => {
  it('lets exactly the declared roles through', async () => {
    const failures: string[] = [];
    const table: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const access = route.access!;
      const row: string[] = [];
      for (const viewer of VIEWERS) {
        const url = concrete(route.path);
        const allowed = permits(access, ROLE_OF[viewer]);
        let client = clients.get(viewer)!;
        if (viewer !== 'anonymous' && ENDS_SESSION.has(key)) client = await freshPerson(viewer);
        const res = await send(client, route.method, url);
        checked++;
        row.push(`${viewer}:${res.status}`);
        const where = `${route.method} ${url} as ${viewer} (${allowed ? 'allowed' : 'denied'}) → ${res.status} ${res.location ?? ''}`;
        const toSignIn = res.status === 303 && (res.location ?? '').startsWith('/auth/sign-in?next=');
        const deniedPage = res.body.includes(ja.errors.UNAUTHENTICATED) || res.body.includes(ja.errors.FORBIDDEN);
        if (allowed) {
          if (toSignIn) failures.push(`${where}: redirected to sign-in`);
          else if ((res.status === 401 || res.status === 403) && (!OWN_401.has(key) || deniedPage)) failures.push(`${where}: refused`);
          else if (res.status >= 500) failures.push(`${where}: server error`);
        } else if (viewer === 'anonymous') {
          if (route.method === 'GET') {
            const expected = `/auth/sign-in?next=${encodeURIComponent(url)}`;
            if (res.status !== 303 || res.location !== expected) failures.push(`${where}: expected 303 → ${expected}`);
          } else if (res.status !== 401 || !res.body.includes(ja.errors.UNAUTHENTICATED)) {
            failures.push(`${where}: expected 401`);
          }
        } else if (res.status !== 403 || !res.body.includes(ja.errors.FORBIDDEN)) {
          failures.push(`${where}: expected 403`);
        }
      }
      table.push(`${key.padEnd(40)} ${JSON.stringify(access).padEnd(14)} ${row.join(' ')}`);
    }
    console.log(
      `route matrix: ${routes.length} routes × ${VIEWERS.length} roles (${VIEWERS.join(', ')}) = ${checked} requests\n${table.join('\n')}`,
    );
    expect(checked).toBe(routes.length * VIEWERS.length);
    expect(failures).toEqual([]);
  });

  it('keeps the cached sessions alive (the session-ending routes used their own)', async () => {
    for (const viewer of VIEWERS) {
      if (viewer === 'anonymous') continue;
      const res = await clients.get(viewer)!.get('/account');
      expect(res.status, viewer).toBe(200);
    }
  });
});

describe('a self sign-up whose membership is not verified yet (status pending)', () => {
  it('is refused every verified route (403) and reaches the others like an active alumnus', async () => {
    // The matrix above compares with `permits(access, role)`, i.e. active members: check that they are.
    for (const viewer of VIEWERS) {
      if (viewer === 'anonymous') continue;
      const { user } = await t.signedIn(viewer);
      expect((await t.db.select({ status: users.status }).from(users).where(eq(users.id, user.id)))[0]?.status, viewer).toBe('active');
    }
    const pending = await t.newSession(await t.createUser('alumnus', { status: 'pending' }));
    const failures: string[] = [];
    let verifiedRoutes = 0;
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (ENDS_SESSION.has(key)) continue;
      const access = route.access!;
      if (access === 'verified') verifiedRoutes++;
      const allowed = permits(access, 'alumnus', 'pending');
      const url = concrete(route.path);
      const res = await send(pending, route.method, url);
      const where = `${route.method} ${url} as pending alumnus (${allowed ? 'allowed' : 'denied'}) → ${res.status} ${res.location ?? ''}`;
      const deniedPage = res.body.includes(ja.errors.UNAUTHENTICATED) || res.body.includes(ja.errors.FORBIDDEN);
      if (allowed) {
        if (res.status === 303 && (res.location ?? '').startsWith('/auth/sign-in?next=')) failures.push(`${where}: redirected to sign-in`);
        else if ((res.status === 401 || res.status === 403) && (!OWN_401.has(key) || deniedPage)) failures.push(`${where}: refused`);
        else if (res.status >= 500) failures.push(`${where}: server error`);
      } else if (res.status !== 403 || !res.body.includes(ja.errors.FORBIDDEN)) {
        failures.push(`${where}: expected 403`);
      }
    }
    console.log(`pending alumnus: ${verifiedRoutes} route(s) demand a verified member`);
    expect(failures).toEqual([]);
  });
});

describe('staff who must use two-factor but have not turned it on', () => {
  for (const role of ['operator', 'community_manager'] as const) {
    it(`${role}: every request outside the enrolment pages goes to /account/two-factor`, async () => {
      const user = await t.createUser(role);
      const client = await t.newSession(user);
      const failures: string[] = [];
      let checked = 0;
      const ordered = [...routes].sort((a, b) => Number(ENDS_SESSION.has(`${a.method} ${a.path}`)) - Number(ENDS_SESSION.has(`${b.method} ${b.path}`)));
      for (const route of ordered) {
        const url = concrete(route.path);
        const pre = PRE_TWO_FACTOR.some((re) => re.test(url));
        // Signing out is allowed before two-factor, and would end this session: checked on its own below.
        if (pre && ENDS_SESSION.has(`${route.method} ${route.path}`)) continue;
        const res = await send(client, route.method, url);
        checked++;
        const where = `${route.method} ${url} → ${res.status} ${res.location ?? ''}`;
        if (pre) {
          if (res.status === 303 && res.location === '/account/two-factor') failures.push(`${where}: should be reachable before two-factor`);
          if (res.status === 401 || res.status === 403) failures.push(`${where}: refused`);
        } else if (res.status !== 303 || res.location !== '/account/two-factor') {
          failures.push(`${where}: expected 303 → /account/two-factor`);
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(failures).toEqual([]);
      // Still signed in (nothing above ended the session), and signing out works.
      expect((await client.get('/account/two-factor')).status).toBe(200);
      const out = await client.post('/auth/sign-out');
      expect(out.status).toBe(303);
      expect(out.location).toBe('/auth/sign-in');
      expect((await client.get('/account')).location).toBe('/auth/sign-in?next=%2Faccount');
    });
  }
});
