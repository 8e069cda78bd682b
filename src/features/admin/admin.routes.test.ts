import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkIn, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, mailMessages, users } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import type { Actor } from '../../shared/http/context.ts';
import { fmt, formatDateTime, messages } from '../../shared/i18n/index.ts';
import { changeRole } from '../staff/staff.service.ts';

const ja = messages('ja');
const en = messages('en');
/** Not Tokyo, so a page that ignores the network's setting shows. */
const TIME_ZONE = 'America/Los_Angeles';

let t: TestApp;
let operator: Client;
let operatorUser: TestUser;

beforeAll(async () => {
  t = await createTestApp({ setup: { timeZone: TIME_ZONE } });
  ({ client: operator, user: operatorUser } = await t.signedIn('operator'));
});

afterAll(async () => {
  await t?.close();
});

async function roleOf(id: string) {
  const [row] = await t.db.select({ role: users.role, isManager: users.isManager }).from(users).where(eq(users.id, id));
  return row;
}

/** The database's own message for a refused statement (Drizzle wraps it as the cause). */
async function refusal(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(err);
  }
  throw new Error('the statement was not refused');
}

function actorOf(user: TestUser): Actor {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    isManager: user.isManager,
    status: 'active',
    twoFactorEnabled: true,
    locale: null,
    sessionId: 'test',
  };
}

describe('role changes', () => {
  it('changes a role and audits from → to', async () => {
    const person = await t.createUser('alumnus');
    const res = await operator.post(`/admin/people/${person.id}/role`, { role: 'employee', isManager: '1' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/people');
    expect((await operator.get('/admin/people')).body).toContain(fmt(ja.admin.roleChanged, { name: person.name, role: ja.roles.employee }));
    expect(await roleOf(person.id)).toEqual({ role: 'employee', isManager: true });

    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'role.changed'), eq(auditEvents.subjectId, person.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: operatorUser.id, actorEmail: operatorUser.email, subjectType: 'user', ip: operator.ip });
    expect(events[0]!.details).toEqual({ from: { role: 'alumnus', isManager: false }, to: { role: 'employee', isManager: true } });
  });

  it('drops the manager flag for roles other than employee', async () => {
    const person = await t.createUser('employee', { isManager: true });
    expect((await operator.post(`/admin/people/${person.id}/role`, { role: 'alumnus', isManager: '1' })).status).toBe(303);
    expect(await roleOf(person.id)).toEqual({ role: 'alumnus', isManager: false });
  });

  it('writes no audit row when nothing changes', async () => {
    const person = await t.createUser('employee');
    expect((await operator.post(`/admin/people/${person.id}/role`, { role: 'employee' })).status).toBe(303);
    const events = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'role.changed'), eq(auditEvents.subjectId, person.id)));
    expect(events).toEqual([]);
  });

  it('does not let an operator change their own role', async () => {
    const res = await operator.post(`/admin/people/${operatorUser.id}/role`, { role: 'alumnus' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(ja.admin.cannotChangeSelf);
    expect(await roleOf(operatorUser.id)).toEqual({ role: 'operator', isManager: false });
  });

  it('refuses an unknown role and an unknown person', async () => {
    const person = await t.createUser('alumnus');
    expect((await operator.post(`/admin/people/${person.id}/role`, { role: 'superuser' })).status).toBe(422);
    expect((await operator.post(`/admin/people/${crypto.randomUUID()}/role`, { role: 'employee' })).status).toBe(404);
    expect(await roleOf(person.id)).toEqual({ role: 'alumnus', isManager: false });
  });

  it('keeps at least one operator, even for an operator whose own role changed meanwhile', async () => {
    // The only operators are the setup operator and the cached one; make the cached one the last.
    await t.db.update(users).set({ role: 'alumnus' }).where(eq(users.id, t.operator!.id));
    const lastOperator = operatorUser;
    // Another operator's page was loaded before they were demoted: their actor is stale.
    const stale = await t.createUser('community_manager');
    const staleActor = { ...actorOf(stale), role: 'operator' as const };
    expect(await changeRole({ db: t.db, actor: staleActor }, lastOperator.id, { role: 'employee', isManager: false })).toEqual({ status: 'last-operator' });
    expect(await roleOf(lastOperator.id)).toEqual({ role: 'operator', isManager: false });
    await t.db.update(users).set({ role: 'operator' }).where(eq(users.id, t.operator!.id));
  });

  it('leaves exactly one operator when two operators demote each other at once', async () => {
    const a = await t.createUser('operator', { twoFactor: true });
    const b = await t.createUser('operator', { twoFactor: true });
    const clientA = await t.newSession(a);
    const clientB = await t.newSession(b);
    // Only a and b are operators for this test.
    await t.db.update(users).set({ role: 'alumnus' }).where(sql`${users.role} = 'operator' AND ${users.id} NOT IN (${a.id}, ${b.id})`);
    try {
      const [resA, resB] = await Promise.all([
        clientA.post(`/admin/people/${b.id}/role`, { role: 'employee' }),
        clientB.post(`/admin/people/${a.id}/role`, { role: 'employee' }),
      ]);
      const statuses = [resA.status, resB.status].sort();
      expect(statuses[0]).toBe(303);
      expect([403, 422]).toContain(statuses[1]);
      const operators = await t.db.select().from(users).where(eq(users.role, 'operator'));
      expect(operators).toHaveLength(1);
    } finally {
      await t.db.update(users).set({ role: 'operator' }).where(sql`${users.id} IN (${t.operator!.id}, ${operatorUser.id})`);
    }
  });
});

describe('audit log', () => {
  it('filters by action and by actor', async () => {
    const someone = await t.createUser('alumnus');
    await audit(t.db, { action: 'export.created', actor: { id: someone.id, email: someone.email }, details: { rows: 3 } });
    await audit(t.db, { action: 'personal_data.viewed', actor: { id: someone.id, email: someone.email } });

    const byAction = await operator.get('/admin/audit?action=export.created');
    expect(byAction.status).toBe(200);
    const actions = [...byAction.body.matchAll(/<td><code>([a-z_.]+)<\/code><\/td>/g)].map((m) => m[1]);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['export.created']));

    const byActor = await operator.get(`/admin/audit?actor=${encodeURIComponent(someone.email.toUpperCase())}`);
    const rows = [...byActor.body.matchAll(/<tr><td><time[\s\S]*?<\/tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toContain(someone.email);

    const none = await operator.get('/admin/audit?action=export.created&actor=nobody%40example.com');
    expect(none.body).toContain(ja.admin.auditEmpty);
  });

  it('shows times in the network time zone', async () => {
    const page = await operator.get('/admin/audit?lang=en');
    const match = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(page.body);
    expect(match).not.toBeNull();
    const at = new Date(match![1]!);
    expect(match![2]).toBe(formatDateTime(at, 'en', TIME_ZONE));
    expect(match![2]).not.toBe(formatDateTime(at, 'en', 'Asia/Tokyo'));
    const japanese = await operator.get('/admin/audit?lang=ja');
    const jaMatch = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(japanese.body);
    expect(jaMatch![2]).toBe(formatDateTime(new Date(jaMatch![1]!), 'ja', TIME_ZONE));
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const [row] = await t.db.select().from(auditEvents).limit(1);
    expect(row).toBeDefined();
    expect(await refusal(t.db.update(auditEvents).set({ action: 'forged' }).where(eq(auditEvents.id, row!.id)))).toMatch(/append-only/);
    expect(await refusal(t.db.delete(auditEvents).where(eq(auditEvents.id, row!.id)))).toMatch(/append-only/);
    expect(await refusal(t.db.execute(sql`TRUNCATE audit_events`))).toMatch(/append-only/);
    const [still] = await t.db.select().from(auditEvents).where(eq(auditEvents.id, row!.id));
    expect(still).toEqual(row);
  });
});

describe('outbox', () => {
  it('shows a message without its live link, and audits the viewing', async () => {
    const someone = await t.createUser('alumnus');
    await t.client().post('/auth/forgot-password', { email: someone.email });
    const live = linkIn((await t.lastMail(someone.email, 'resetPassword')).text, '/auth/reset-password');
    const [row] = await t.db.select().from(mailMessages).where(eq(mailMessages.toAddress, someone.email));

    const list = await operator.get('/admin/outbox');
    expect(list.status).toBe(200);
    expect(list.body).toContain(someone.email);
    const page = await operator.get(`/admin/outbox/${row!.id}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('/auth/reset-password');
    expect(page.body).not.toContain(live.split('token=')[1]!);
    const viewed = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'mail.viewed'), eq(auditEvents.subjectId, row!.id)));
    expect(viewed).toHaveLength(1);
    expect((await operator.get(`/admin/outbox/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('lists jobs for operators', async () => {
    const page = await operator.get('/admin/jobs?lang=en');
    expect(page.status).toBe(200);
    expect(page.body).toContain(en.nav.jobs);
  });
});

describe('the administration hub', () => {
  const hubLinks = (html: string) => [...html.matchAll(/<li><a href="(\/admin\/[^"]+)">/g)].map((m) => m[1]);

  it('gives operators one navigation link to every administration page, grouped', async () => {
    const home = await operator.get('/');
    // Earlier tests may have switched this operator to English.
    const m = home.body.startsWith('<!doctype html><html lang="en"') ? en : ja;
    const nav = /<nav class="site-nav"[\s\S]*?<\/nav>/.exec(home.body)![0];
    expect(nav).toContain(`<a href="/admin">${m.nav.admin}</a>`);
    expect(nav).not.toContain('href="/admin/roster"');
    const hub = await operator.get('/admin');
    expect(hub.status).toBe(200);
    for (const title of [m.adminHub.community, m.adminHub.people, m.adminHub.operations]) expect(hub.body).toContain(`<h2>${title}</h2>`);
    const links = hubLinks(hub.body);
    expect(links).toEqual(expect.arrayContaining(['/admin/signups', '/admin/news', '/admin/roster', '/admin/people', '/admin/audit', '/admin/jobs']));
    // Every link on the hub opens for an operator.
    for (const href of links) expect((await operator.get(href!)).status, href).toBe(200);
  });

  it('shows community managers only the community pages, and nobody else a hub', async () => {
    const { client: cm } = await t.signedIn('community_manager');
    const hub = await cm.get('/admin');
    expect(hub.status).toBe(200);
    const links = hubLinks(hub.body);
    expect(links).toContain('/admin/segments');
    expect(links).not.toContain('/admin/roster');
    expect(links).not.toContain('/admin/people');
    for (const href of links) expect((await cm.get(href!)).status, href).toBe(200);
    for (const kind of ['alumnus', 'employee', 'manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/admin')).status).toBe(403);
      expect((await client.get('/')).body).not.toContain('href="/admin"');
    }
  });
});
