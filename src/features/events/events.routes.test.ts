/**
 * Events through HTTP: who sees what (every audience × every kind of viewer, by list, by URL,
 * by .ics and by registering), who may organise, the editor's validation, registration with
 * questions, closing rules, the waitlist and its promotion, the place shown only to people
 * registered, every mail with its attachments, the reminder tick, both languages.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, eventHosts, eventRegistrations, events, groupMembers, groups, mailMessages, memberBlocks, rosterEntries, segments } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import { toZonedInput } from '../../shared/i18n/zoned.ts';
import { accessOf } from '../../shared/auth/access.ts';
import { EVENT_TICK_QUEUE, eventJobHandlers } from './events.jobs.ts';
import { eventRoutes } from './events.routes.tsx';
import { sendReminders, upcomingEventsFor } from './events.service.ts';

const ja = messages('ja');
const en = messages('en');
const E = ja.events;

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;
const DAY = 24 * 3600 * 1000;
const local = (d: Date, zone = 'Asia/Tokyo') => toZonedInput(d, zone);

/** A complete editor form for an event three days ahead in Tokyo (publish). */
function eventForm(fields: Record<string, string> = {}): Record<string, string> {
  const start = new Date(Date.now() + 3 * DAY);
  return {
    title: `交流会 ${unique()}`,
    description: '**夏の**交流会です。',
    category: 'social',
    format: 'in_person',
    venueName: '東京本社 12F',
    venueAddress: '東京都千代田区丸の内1-1-1',
    timeZone: 'Asia/Tokyo',
    startsAt: local(start),
    endsAt: local(new Date(start.getTime() + 2 * 3600_000)),
    audience: 'alumni',
    intent: 'publish',
    ...fields,
  };
}

/** Creates an event through the editor; returns its id. */
async function createEvent(fields: Record<string, string> = {}, client: Client = operator): Promise<string> {
  const res = await client.post('/events/new', eventForm(fields));
  expect(res.status, res.body.slice(0, 3000)).toBe(303);
  const id = /^\/events\/([0-9a-f-]{36})$/.exec(res.location ?? '')?.[1];
  expect(id, res.location ?? '').toBeTruthy();
  return id!;
}

async function eventRow(id: string) {
  return (await t.db.select().from(events).where(eq(events.id, id)))[0]!;
}

async function member(role: 'alumnus' | 'employee' = 'alumnus', opts: { locale?: 'ja' | 'en'; isManager?: boolean } = {}): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser(role, { name: `会員 ${unique()}`, locale: opts.locale ?? null, isManager: opts.isManager ?? false });
  return { user, client: await t.newSession(user) };
}

const actorOf = (user: TestUser): Actor => ({
  id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  isManager: user.isManager,
  status: 'active',
  twoFactorEnabled: Boolean(user.totpSecret),
  locale: null,
  sessionId: 'test',
});

async function groupWith(opts: { managers?: TestUser[]; members?: TestUser[] }): Promise<string> {
  const [g] = await t.db.insert(groups).values({ name: `グループ ${unique()}` }).returning({ id: groups.id });
  const rows = [
    ...(opts.managers ?? []).map((u) => ({ groupId: g!.id, userId: u.id, role: 'manager' as const, state: 'active' as const })),
    ...(opts.members ?? []).map((u) => ({ groupId: g!.id, userId: u.id, role: 'member' as const, state: 'active' as const })),
  ];
  if (rows.length) await t.db.insert(groupMembers).values(rows);
  return g!.id;
}

async function registration(eventId: string, userId: string) {
  return (await t.db.select().from(eventRegistrations).where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.userId, userId))))[0];
}

/** The ledger row (with attachments) of the newest mail of a template to someone. */
async function ledger(to: string, template: string) {
  await t.runJobs();
  const rows = await t.db.select().from(mailMessages).where(and(eq(mailMessages.toAddress, to), eq(mailMessages.template, template)));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

function icsOf(attachments: { contentType: string; content: string }[] | null) {
  const file = (attachments ?? []).find((a) => a.contentType.startsWith('text/calendar'));
  expect(file, 'a calendar attachment').toBeDefined();
  const text = Buffer.from(file!.content, 'base64').toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.register(new ICAL.Timezone(calendar.getFirstSubcomponent('vtimezone')!));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { text, contentType: file!.contentType, calendar, vevent, event: new ICAL.Event(vevent) };
}

// ---------------------------------------------------------------- audiences

describe('who sees what: every audience × every viewer, by list, URL, .ics and registration', () => {
  type Viewer = 'alumnus' | 'employee' | 'manager' | 'community_manager' | 'operator' | 'segment member' | 'group member' | 'group outsider';
  const VIEWERS: Viewer[] = ['alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member', 'group member', 'group outsider'];
  const AUDIENCES = ['alumni', 'alumni_managers', 'alumni_employees', 'segment', 'group', 'draft'] as const;
  // The group member is an employee (not a manager): the group admits them where their side would not.
  // The group outsider is an alumnus in no group and no segment; the segment holds alumni who read English.
  const SEES: Record<(typeof AUDIENCES)[number], Viewer[]> = {
    alumni: ['alumnus', 'community_manager', 'operator', 'segment member', 'group outsider'],
    alumni_managers: ['alumnus', 'manager', 'community_manager', 'operator', 'segment member', 'group outsider'],
    alumni_employees: ['alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member', 'group member', 'group outsider'],
    segment: ['community_manager', 'operator', 'segment member'],
    group: ['community_manager', 'operator', 'group member'],
    draft: ['community_manager', 'operator'],
  };
  const clients = new Map<Viewer, Client>();
  const users = new Map<Viewer, TestUser>();
  const ids = new Map<string, string>();
  const titles = new Map<string, string>();

  beforeAll(async () => {
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const) {
      const { client, user } = await t.signedIn(kind);
      clients.set(kind, client);
      users.set(kind, user);
    }
    for (const [viewer, made] of [
      ['segment member', await member('alumnus', { locale: 'en' })],
      ['group member', await member('employee')],
      ['group outsider', await member('alumnus')],
    ] as const) {
      clients.set(viewer, made.client);
      users.set(viewer, made.user);
    }
    const [segment] = await t.db.insert(segments).values({ name: `英語のアルムナイ ${unique()}`, filter: { roles: ['alumnus'], languages: ['en'] } }).returning();
    const group = await groupWith({ members: [users.get('group member')!] });
    for (const audience of AUDIENCES) {
      const title = `対象 ${audience} ${unique()}`;
      titles.set(audience, title);
      const fields: Record<string, string> = { title, audience: audience === 'draft' ? 'alumni' : audience };
      if (audience === 'segment') fields.segmentId = segment!.id;
      if (audience === 'group') fields.groupId = group;
      if (audience === 'draft') fields.intent = 'draft';
      ids.set(audience, await createEvent(fields));
    }
  });

  for (const viewer of VIEWERS) {
    it(viewer, async () => {
      const client = clients.get(viewer)!;
      const list = await client.get('/events');
      expect(list.status).toBe(200);
      for (const audience of AUDIENCES) {
        const id = ids.get(audience)!;
        const title = titles.get(audience)!;
        const sees = SEES[audience].includes(viewer);
        const where = `${viewer} × ${audience}`;
        expect(list.body.includes(title), `${where}: in the list`).toBe(sees);
        const page = await client.get(`/events/${id}`);
        expect(page.status, `${where}: page`).toBe(sees ? 200 : 404);
        if (!sees) expect(page.body, where).not.toContain(title);
        // Nobody has a calendar file before registering (organisers have theirs: they may know the place).
        const before = await client.get(`/events/${id}/calendar.ics`);
        const organiser = viewer === 'operator' || viewer === 'community_manager';
        expect(before.status, `${where}: .ics before registering`).toBe(organiser ? 200 : 404);
        const reg = await client.post(`/events/${id}/register`, {});
        if (!sees) {
          expect(reg.status, `${where}: register`).toBe(404);
          expect(await registration(id, users.get(viewer)!.id), where).toBeUndefined();
          expect((await client.get(`/events/${id}/calendar.ics`)).status, `${where}: .ics`).toBe(404);
        } else if (audience === 'draft') {
          // Organisers see a draft; nobody registers before it is published.
          expect(reg.status, `${where}: register`).toBe(409);
          expect(await registration(id, users.get(viewer)!.id), where).toBeUndefined();
        } else {
          expect(reg.status, `${where}: register`).toBe(303);
          expect((await registration(id, users.get(viewer)!.id))?.state, where).toBe('registered');
          const ics = await client.get(`/events/${id}/calendar.ics`);
          expect(ics.status, `${where}: .ics`).toBe(200);
          expect(ics.headers.get('content-type')).toContain('text/calendar');
          expect(ics.body).toContain('BEGIN:VEVENT');
        }
      }
    });
  }

  it('upcomingEventsFor gives the home page exactly the published upcoming events the member may see', async () => {
    const employee = await upcomingEventsFor(t.db, actorOf(users.get('employee')!), new Date(), 100);
    const seen = new Set(employee.map((e) => e.id));
    expect(seen.has(ids.get('alumni_employees')!)).toBe(true);
    for (const a of ['alumni', 'alumni_managers', 'segment', 'group', 'draft']) expect(seen.has(ids.get(a)!), a).toBe(false);
    const one = employee.find((e) => e.id === ids.get('alumni_employees'))!;
    expect(one).toMatchObject({ title: titles.get('alumni_employees'), timeZone: 'Asia/Tokyo', format: 'in_person', venueName: '東京本社 12F', category: 'social', groupId: null, wants: [] });
    expect(Object.keys(one)).not.toContain('venueAddress');
    const groupMember = new Set((await upcomingEventsFor(t.db, actorOf(users.get('group member')!), new Date(), 100)).map((e) => e.id));
    expect(groupMember.has(ids.get('group')!)).toBe(true);
    // Nothing after the events start.
    expect(await upcomingEventsFor(t.db, actorOf(users.get('alumnus')!), new Date(Date.now() + 10 * DAY), 100)).toEqual([]);
  });

  it('a pending sign-up sees nothing', async () => {
    const pending = await t.newSession(await t.createUser('alumnus', { status: 'pending' }));
    expect((await pending.get('/events')).status).toBe(403);
    expect((await pending.get(`/events/${ids.get('alumni')}`)).status).toBe(403);
  });
});

// ---------------------------------------------------------------- organisers

describe('who organises', () => {
  it('an alumnus who manages no group cannot create an event (404, even by POST)', async () => {
    const { client } = await member('alumnus');
    expect((await client.get('/events/new')).status).toBe(404);
    const res = await client.post('/events/new', eventForm());
    expect(res.status).toBe(404);
    expect((await client.get('/events')).body).not.toContain('href="/events/new"');
  });

  it('a group manager creates events for their own group only, and edits them', async () => {
    const manager = await member('alumnus');
    const fellow = await member('alumnus');
    const outsider = await member('alumnus');
    const mine = await groupWith({ managers: [manager.user], members: [fellow.user] });
    const other = await groupWith({ members: [manager.user] });

    const form = await manager.client.get(`/events/new?group=${mine}`);
    expect(form.status).toBe(200);
    expect(form.body).toMatch(new RegExp(`<option value="${mine}" selected`));
    expect(form.body).not.toContain(`value="${other}"`);
    expect(form.body).not.toContain('value="alumni_employees"');
    expect((await manager.client.get('/events')).body).toContain('href="/events/new"');

    // Another audience, or a group they do not manage: refused in their language, input kept.
    const wide = await manager.client.post('/events/new', eventForm({ audience: 'alumni', title: '広すぎる会' }));
    expect(wide.status).toBe(422);
    expect(wide.body).toContain(E.errors.audience);
    expect(wide.body).toContain('value="広すぎる会"');
    const foreign = await manager.client.post('/events/new', eventForm({ audience: 'group', groupId: other }));
    expect(foreign.status).toBe(422);
    expect(foreign.body).toContain(E.errors.group);

    // Hosts: only members of the group.
    const strangerHost = await manager.client.post('/events/new', eventForm({ audience: 'group', groupId: mine, hosts: outsider.user.email }));
    expect(strangerHost.status).toBe(422);
    expect(strangerHost.body).toContain(fmt(E.errors.hostsUnknown, { emails: outsider.user.email.toLowerCase() }));

    const id = await createEvent({ audience: 'group', groupId: mine, hosts: fellow.user.email.toUpperCase() }, manager.client);
    const row = await eventRow(id);
    expect(row).toMatchObject({ audience: 'group', groupId: mine, createdBy: manager.user.id, state: 'published' });
    expect(await t.db.select().from(eventHosts).where(eq(eventHosts.eventId, id))).toEqual([{ eventId: id, userId: fellow.user.id }]);
    const [published] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'event.published'), eq(auditEvents.subjectId, id)));
    expect(published?.actorId).toBe(manager.user.id);

    expect((await manager.client.get(`/events/${id}/edit`)).status).toBe(200);
    const page = await manager.client.get(`/events/${id}`);
    expect(page.body).toContain(`href="/events/${id}/attendees"`);
    expect(page.body).toContain(fellow.user.name);
    // The host sees it and may check people in, not edit.
    const hostPage = await fellow.client.get(`/events/${id}`);
    expect(hostPage.body).toContain(`href="/events/${id}/check-in"`);
    expect(hostPage.body).not.toContain(`href="/events/${id}/edit"`);
    expect((await fellow.client.get(`/events/${id}/edit`)).status).toBe(403);
    // The outsider does not see it at all.
    expect((await outsider.client.get(`/events/${id}`)).status).toBe(404);

    // An event of the network that the manager sees as an alumnus is not theirs to change.
    const network = await createEvent();
    expect((await manager.client.get(`/events/${network}`)).status).toBe(200);
    expect((await manager.client.get(`/events/${network}/edit`)).status).toBe(403);
    expect((await manager.client.post(`/events/${network}/edit`, eventForm())).status).toBe(403);
    expect((await manager.client.post(`/events/${network}/cancel`, { reason: 'x' })).status).toBe(403);
  });

  it('a community manager addresses every audience, segments and groups included', async () => {
    const { client } = await t.signedIn('community_manager');
    const form = await client.get('/events/new');
    for (const a of ['alumni', 'alumni_managers', 'alumni_employees', 'segment', 'group']) expect(form.body).toContain(`value="${a}"`);
    const id = await createEvent({ audience: 'alumni_managers' }, client);
    expect((await eventRow(id)).audience).toBe('alumni_managers');
  });

  it('an employee and a manager cannot edit or cancel an event they can see', async () => {
    const id = await createEvent({ audience: 'alumni_employees' });
    for (const kind of ['employee', 'manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get(`/events/${id}`)).status).toBe(200);
      expect((await client.get(`/events/${id}/edit`)).status).toBe(403);
      expect((await client.get(`/events/${id}/cancel`)).status).toBe(403);
    }
  });
});

// ---------------------------------------------------------------- the editor

describe('the editor', () => {
  it('bad input gives 422 with the errors in the user’s language and the input kept, never 500', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ title: '' }, E.errors.title],
      [{ title: 'あ'.repeat(201) }, fmt(E.errors.titleTooLong, { max: 200 })],
      [{ timeZone: 'Mars/Olympus_Mons' }, E.errors.timeZone],
      [{ startsAt: 'tomorrow' }, E.errors.startsAt],
      [{ startsAt: '2026-02-30T10:00' }, E.errors.startsAt],
      [{ startsAt: local(new Date(Date.now() - DAY)) }, E.errors.startsAtPast],
      [{ endsAt: local(new Date(Date.now() + 2 * DAY)) }, E.errors.endsBeforeStart],
      [{ capacity: '-3' }, fmt(E.errors.capacity, { max: 100000 })],
      [{ capacity: '1.5' }, fmt(E.errors.capacity, { max: 100000 })],
      [{ capacity: '9999999' }, fmt(E.errors.capacity, { max: 100000 })],
      [{ registrationDeadline: local(new Date(Date.now() + 10 * DAY)) }, E.errors.deadlineAfterStart],
      [{ meetingUrl: 'javascript:alert(1)' }, E.errors.meetingUrl],
      [{ format: 'telepathy' }, E.errors.format],
      [{ format: 'in_person', venueName: '' }, E.errors.venueName],
      [{ category: 'party' }, E.errors.category],
      [{ audience: 'everyone' }, E.errors.audience],
      [{ audience: 'segment', segmentId: randomUUID() }, E.errors.segment],
      [{ audience: 'group', groupId: 'not-a-uuid' }, E.errors.group],
      [{ q1Label: '好きな色', q1Kind: 'choice', q1Options: '赤' }, fmt(E.errors.questionOptions, { n: 1, max: 20 })],
      [{ q2Label: '質問', q2Kind: 'radio' }, fmt(E.errors.questionKind, { n: 2 })],
      [{ hosts: 'not-an-address' }, fmt(E.errors.hostsUnknown, { emails: 'not-an-address' })],
      [{ hosts: 'nobody@example.com' }, fmt(E.errors.hostsUnknown, { emails: 'nobody@example.com' })],
    ];
    for (const [fields, message] of cases) {
      const title = fields.title ?? `検証 ${unique()}`;
      const res = await operator.post('/events/new', eventForm({ ...fields, title }));
      expect(res.status, JSON.stringify(fields)).toBe(422);
      expect(res.body, JSON.stringify(fields)).toContain(message);
      if (title && title.length < 100) expect(res.body).toContain(`value="${title}"`);
    }
    // Control characters and odd bytes are data, not errors.
    const id = await createEvent({ title: `制御\u0000文字\u0007 ${unique()}`, description: '<script>alert(1)</script>' });
    const page = await operator.get(`/events/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;');
  });

  it('English input errors are in English', async () => {
    const { user } = await t.signedIn('community_manager');
    const client = await t.newSession(user);
    await client.get('/events?lang=en');
    const res = await client.post('/events/new', eventForm({ timeZone: 'Nowhere/City' }));
    expect(res.status).toBe(422);
    expect(res.body).toContain(en.events.errors.timeZone);
  });

  it('garbage ids are 404, never 500', async () => {
    const { client } = await t.signedIn('alumnus');
    for (const path of ['/events/not-a-uuid', '/events/1%27%20or%201=1', `/events/${randomUUID()}`, `/events/${randomUUID()}/calendar.ics`, `/events/${randomUUID()}/edit`]) {
      expect((await client.get(path)).status, path).toBe(404);
    }
    expect((await client.post(`/events/${randomUUID()}/register`, {})).status).toBe(404);
    expect((await client.post('/events/xyz/registration/cancel', {})).status).toBe(404);
  });

  it('every event route × every kind of member, with a random id or an empty form: an answer, never 401, 403 or 500', async () => {
    const seen = new Set<string>();
    for (const route of eventRoutes.routes) {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // The first handler registered for a route is its allow(): every event page is for confirmed members.
      expect(accessOf(route.handler), key).toBe('verified');
      for (const kind of ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const) {
        const { client } = await t.signedIn(kind);
        const url = route.path.replace(':id', randomUUID());
        const res = route.method === 'GET' ? await client.get(url) : await client.post(url, {});
        expect([200, 303, 404, 409, 422], `${key} as ${kind} → ${res.status}`).toContain(res.status);
      }
    }
    expect(seen.size).toBe(12);
  });

  it('saves a draft, keeps question ids across edits, then publishes', async () => {
    const title = `下書き ${unique()}`;
    const id = await createEvent({ title, intent: 'draft', q1Label: '食事の制限', q1Kind: 'text', q1Required: '1', q2Label: '参加形態', q2Kind: 'choice', q2Options: '会場\nオンライン\n会場' });
    const draft = await eventRow(id);
    expect(draft.state).toBe('draft');
    expect(draft.questions).toHaveLength(2);
    expect(draft.questions[1]).toMatchObject({ label: '参加形態', kind: 'choice', options: ['会場', 'オンライン'], required: false });
    const edit = await operator.get(`/events/${id}/edit`);
    expect(edit.body).toContain(`value="${draft.questions[0]!.id}"`);
    const res = await operator.post(`/events/${id}/edit`, {
      ...eventForm({ title, intent: 'publish' }),
      q1Id: draft.questions[0]!.id,
      q1Label: '食事の制限(アレルギーなど)',
      q1Kind: 'text',
      q2Id: draft.questions[1]!.id,
      q2Label: '参加形態',
      q2Kind: 'choice',
      q2Options: '会場\nオンライン',
    });
    expect(res.status).toBe(303);
    const published = await eventRow(id);
    expect(published.state).toBe('published');
    expect(published.questions.map((q) => q.id)).toEqual(draft.questions.map((q) => q.id));
    expect(published.questions[0]!.label).toBe('食事の制限(アレルギーなど)');
    expect(published.sequence).toBe(0);
    // A published event is changed, not taken back to a draft.
    const again = await operator.get(`/events/${id}/edit`);
    expect(again.body).toContain(E.editor.update);
    expect(again.body).not.toContain(E.editor.saveDraft);
  });

  it('takes times in the event’s own zone (New York) and shows that zone', async () => {
    const start = new Date(Date.now() + 5 * DAY);
    const id = await createEvent({ timeZone: 'america/new_york', startsAt: local(start, 'America/New_York'), endsAt: local(new Date(start.getTime() + 3600_000), 'America/New_York') });
    const row = await eventRow(id);
    expect(row.timeZone).toBe('America/New_York');
    expect(Math.abs(row.startsAt.getTime() - start.getTime())).toBeLessThan(60_000);
    // Not the network's zone, so the zone is named; a Tokyo event's time carries none.
    const page = await operator.get(`/events/${id}`);
    expect(page.body).toMatch(/〜\d\d:\d\d（[^<（）]+ \/ America\/New_York）<\/time>/);
    const tokyo = await operator.get(`/events/${await createEvent()}`);
    expect(tokyo.body).toMatch(/\d{4}年\d{1,2}月\d{1,2}日\([月火水木金土日]\) \d\d:\d\d〜\d\d:\d\d<\/time>/);
  });
});

// ---------------------------------------------------------------- registering

describe('registration', () => {
  it('hides the address and meeting link from anyone not registered, and shows them once registered', async () => {
    const address = `東京都港区芝公園${unique()}`;
    const url = `https://meet.example.com/${unique()}`;
    const id = await createEvent({ format: 'hybrid', venueAddress: address, meetingUrl: url });
    const { client, user } = await member('alumnus');
    const before = await client.get(`/events/${id}`);
    expect(before.status).toBe(200);
    expect(before.body).not.toContain(address);
    expect(before.body).not.toContain(url);
    expect(before.body).not.toContain('meet.example.com');
    expect(before.body).toContain(E.page.locationHidden.hybrid);
    expect((await client.get('/events')).body).not.toContain(address);

    const res = await client.post(`/events/${id}/register`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/events/${id}#registration`);
    const after = await client.get(`/events/${id}`);
    expect(after.body).toContain(address);
    expect(after.body).toContain(url);
    expect(after.body).toContain(E.register.done);
    const reg = (await registration(id, user.id))!;
    expect(reg.checkInCode).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(after.body).toContain(reg.checkInCode);
    expect(after.body).toContain('<svg aria-hidden="true"');
    // The Google Calendar link is the short redirect, not the long Google URL.
    expect(after.body).toContain(`href="/events/${id}/google"`);
    expect(after.body).not.toContain('calendar.google.com');
    const ics = await client.get(`/events/${id}/calendar.ics`);
    expect(ics.body).toContain('LOCATION:');
    expect(ics.body).toContain('METHOD:PUBLISH');

    // Once cancelled, the place is hidden again.
    expect((await client.post(`/events/${id}/registration/cancel`, {})).status).toBe(303);
    const cancelled = await client.get(`/events/${id}`);
    expect(cancelled.body).not.toContain(address);
    expect(cancelled.body).toContain(E.status.cancelled);
    expect((await client.get(`/events/${id}/calendar.ics`)).status).toBe(404);
  });

  it('asks the questions: required answers and choices are checked, answers stored', async () => {
    const id = await createEvent({ q1Label: '食事の制限', q1Kind: 'text', q1Required: '1', q2Label: '参加形態', q2Kind: 'choice', q2Options: '会場\nオンライン', q2Required: '1', q3Label: 'ひとこと', q3Kind: 'text' });
    const [q1, q2, q3] = (await eventRow(id)).questions;
    const { client, user } = await member('alumnus');
    const page = await client.get(`/events/${id}`);
    expect(page.body).toContain('食事の制限');
    expect(page.body).toContain(`name="answer_${q2!.id}"`);

    const missing = await client.post(`/events/${id}/register`, { [`answer_${q3!.id}`]: 'よろしく' });
    expect(missing.status).toBe(422);
    expect(missing.body).toContain(E.errors.answerRequired);
    expect(missing.body).toContain('よろしく');
    expect(await registration(id, user.id)).toBeUndefined();

    const badChoice = await client.post(`/events/${id}/register`, { [`answer_${q1!.id}`]: 'なし', [`answer_${q2!.id}`]: '宇宙' });
    expect(badChoice.status).toBe(422);
    expect(badChoice.body).toContain(E.errors.answerChoice);

    const tooLong = await client.post(`/events/${id}/register`, { [`answer_${q1!.id}`]: 'あ'.repeat(1001), [`answer_${q2!.id}`]: '会場' });
    expect(tooLong.status).toBe(422);

    const ok = await client.post(`/events/${id}/register`, { [`answer_${q1!.id}`]: 'なし', [`answer_${q2!.id}`]: 'オンライン', answer_qdeadbeef: 'ignored' });
    expect(ok.status).toBe(303);
    expect((await registration(id, user.id))!.answers).toEqual({ [q1!.id]: 'なし', [q2!.id]: 'オンライン' });
  });

  it('names the hosts, but never one the viewer blocked or was blocked by', async () => {
    const host = await member('alumnus');
    const other = await member('alumnus');
    const id = await createEvent({ hosts: `${host.user.email}\n${other.user.email}` });
    const viewer = await member('alumnus');
    expect((await viewer.client.get(`/events/${id}`)).body).toContain(host.user.name);
    await t.db.insert(memberBlocks).values({ blockerId: host.user.id, blockedId: viewer.user.id });
    const page = (await viewer.client.get(`/events/${id}`)).body;
    expect(page).not.toContain(host.user.name);
    expect(page).toContain(other.user.name);
  });

  it('records where the registration came from, sanitised', async () => {
    const id = await createEvent();
    const { client, user } = await member('alumnus');
    const nl = `newsletter:${randomUUID()}`;
    const page = await client.get(`/events/${id}?ref=${encodeURIComponent(nl)}`);
    expect(page.body).toContain(`name="source" value="${nl}"`);
    await client.post(`/events/${id}/register`, { source: nl });
    expect((await registration(id, user.id))!.source).toBe(nl);
    const other = await member('alumnus');
    await other.client.post(`/events/${id}/register`, { source: '<script>x</script>' });
    expect((await registration(id, other.user.id))!.source).toBeNull();
  });

  it('is closed after the deadline, once started, and when cancelled', async () => {
    const { client, user } = await member('alumnus');
    const deadline = await createEvent();
    await t.db.update(events).set({ registrationDeadline: new Date(Date.now() - 60_000) }).where(eq(events.id, deadline));
    const late = await client.post(`/events/${deadline}/register`, {});
    expect(late.status).toBe(409);
    expect(late.body).toContain(E.register.closedDeadline.split('{date}')[0]!);
    expect(await registration(deadline, user.id)).toBeUndefined();
    expect((await client.get(`/events/${deadline}`)).body).not.toContain(`action="/events/${deadline}/register"`);

    const started = await createEvent();
    await t.db.update(events).set({ startsAt: new Date(Date.now() - 60_000) }).where(eq(events.id, started));
    const running = await client.post(`/events/${started}/register`, {});
    expect(running.status).toBe(409);
    expect(running.body).toContain(E.register.closedStarted);
    expect(await registration(started, user.id)).toBeUndefined();

    const cancelled = await createEvent();
    expect((await operator.post(`/events/${cancelled}/cancel`, { reason: '会場の都合' })).status).toBe(303);
    const tooLate = await client.post(`/events/${cancelled}/register`, {});
    expect(tooLate.status).toBe(409);
    expect(tooLate.body).toContain(E.register.closedCancelled);
    expect(await registration(cancelled, user.id)).toBeUndefined();
  });

  it('registering twice changes nothing; registering again after cancelling reuses the row and its code', async () => {
    const id = await createEvent();
    const { client, user } = await member('alumnus');
    await client.post(`/events/${id}/register`, {});
    const first = (await registration(id, user.id))!;
    const twice = await client.post(`/events/${id}/register`, {});
    expect(twice.status).toBe(303);
    expect((await client.get(`/events/${id}`)).body).toContain(E.register.already);
    expect((await ledger(user.email, 'eventConfirmed')).length).toBe(1);
    await client.post(`/events/${id}/registration/cancel`, {});
    expect((await registration(id, user.id))!.state).toBe('cancelled');
    await client.post(`/events/${id}/register`, {});
    const again = (await registration(id, user.id))!;
    expect(again).toMatchObject({ id: first.id, checkInCode: first.checkInCode, state: 'registered', cancelledAt: null });
    expect((await ledger(user.email, 'eventConfirmed')).length).toBe(2);
  });

  it('the waitlist: full → waitlisted with a position; a cancellation promotes the first, who is told', async () => {
    const id = await createEvent({ capacity: '1' });
    const a = await member('alumnus');
    const b = await member('alumnus', { locale: 'en' });
    const c = await member('alumnus');
    await a.client.post(`/events/${id}/register`, {});
    expect((await b.client.get(`/events/${id}`)).body).toContain(en.events.register.submitWaitlist);
    await b.client.post(`/events/${id}/register`, {});
    await c.client.post(`/events/${id}/register`, {});
    expect((await registration(id, b.user.id))!.state).toBe('waitlisted');
    expect((await b.client.get(`/events/${id}`)).body).toContain(fmt(en.events.status.waitlisted, { position: 1 }));
    expect((await c.client.get(`/events/${id}`)).body).toContain(fmt(E.status.waitlisted, { position: 2 }));
    const waitMail = (await t.lastMail(c.user.email, 'eventWaitlisted')).text;
    expect(waitMail).toContain('2番目');
    expect((await ledger(b.user.email, 'eventConfirmed')).length).toBe(0);

    expect((await a.client.post(`/events/${id}/registration/cancel`, {})).status).toBe(303);
    expect((await registration(id, a.user.id))!.state).toBe('cancelled');
    const promoted = (await registration(id, b.user.id))!;
    expect(promoted.state).toBe('registered');
    expect(promoted.promotedAt).not.toBeNull();
    expect((await registration(id, c.user.id))!.state).toBe('waitlisted');
    const mail = await t.lastMail(b.user.email, 'eventPromoted');
    expect(mail.locale).toBe('en');
    expect(mail.text).toContain(promoted.checkInCode);
    const [row] = await ledger(b.user.email, 'eventPromoted');
    expect(row!.attachments!.map((x) => x.contentType)).toEqual(['image/png', 'text/calendar; charset=UTF-8; method=REQUEST']);
    expect((await b.client.get(`/events/${id}`)).body).toContain(en.events.status.promoted);
    expect((await c.client.get(`/events/${id}`)).body).toContain(fmt(E.status.waitlisted, { position: 1 }));
  });

  it('raising the capacity fills the new seats from the waitlist', async () => {
    const form = { capacity: '1' };
    const id = await createEvent(form);
    const people = [await member('alumnus'), await member('alumnus'), await member('alumnus')];
    for (const p of people) await p.client.post(`/events/${id}/register`, {});
    const row = await eventRow(id);
    const res = await operator.post(`/events/${id}/edit`, {
      ...eventForm({ title: row.title, capacity: '2' }),
      startsAt: local(row.startsAt),
      endsAt: local(row.endsAt),
    });
    expect(res.status).toBe(303);
    expect((await registration(id, people[1]!.user.id))!.state).toBe('registered');
    expect((await registration(id, people[2]!.user.id))!.state).toBe('waitlisted');
    expect((await ledger(people[1]!.user.email, 'eventPromoted')).length).toBe(1);
    expect((await ledger(people[2]!.user.email, 'eventPromoted')).length).toBe(0);
  });
});

// ---------------------------------------------------------------- mail

describe('mail', () => {
  it('the confirmation carries the details, the check-in code, its QR inline and a METHOD:REQUEST calendar entry', async () => {
    const id = await createEvent({ format: 'hybrid', meetingUrl: 'https://meet.example.com/abc', hosts: '' });
    const { client, user } = await member('alumnus');
    await client.post(`/events/${id}/register`, {});
    const reg = (await registration(id, user.id))!;
    const mail = await t.lastMail(user.email, 'eventConfirmed');
    expect(mail.subject).toContain((await eventRow(id)).title);
    expect(mail.text).toContain(reg.checkInCode);
    expect(mail.text).toContain('東京都千代田区丸の内1-1-1');
    expect(mail.text).toContain('https://meet.example.com/abc');
    expect(mail.text).toContain(`${t.config.baseUrl}/events/${id}`);
    expect(mail.text).toContain(`${t.config.baseUrl}/events/${id}/google`);
    expect(mail.text).not.toContain('calendar.google.com');
    // An event in the network's own zone: the time alone, with the day of the week.
    expect(mail.text).toMatch(/日時：\d{4}年\d{1,2}月\d{1,2}日\([月火水木金土日]\) \d\d:\d\d〜\d\d:\d\d\n/);
    expect(mail.text).not.toContain('Asia/Tokyo');
    const [row] = await ledger(user.email, 'eventConfirmed');
    const png = row!.attachments!.find((a) => a.contentType === 'image/png')!;
    expect(png.cid).toBe('check-in-qr');
    expect(Buffer.from(png.content, 'base64').subarray(1, 4).toString()).toBe('PNG');
    const ics = icsOf(row!.attachments);
    expect(ics.contentType).toContain('method=REQUEST');
    expect(ics.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(ics.event.startDate.toJSDate().getTime()).toBe((await eventRow(id)).startsAt.getTime());
    expect(ics.event.location).toContain('東京都千代田区丸の内1-1-1');
    expect(ics.vevent.getFirstPropertyValue('attendee')).toBe(`mailto:${user.email}`);
    expect(ics.event.uid).toBe(`${id}@localhost`);
  });

  it('the change notice: time changed → SEQUENCE+1 and a new entry with the same UID; a new title alone sends nothing', async () => {
    const id = await createEvent({ capacity: '1' });
    const { client, user } = await member('alumnus');
    await client.post(`/events/${id}/register`, {});
    const waiting = await member('alumnus');
    await waiting.client.post(`/events/${id}/register`, {});
    const before = await eventRow(id);
    expect(before.sequence).toBe(0);
    const retitled = await operator.post(`/events/${id}/edit`, { ...eventForm({ title: `${before.title} (改)`, capacity: '1' }), startsAt: local(before.startsAt), endsAt: local(before.endsAt) });
    expect(retitled.status).toBe(303);
    expect((await eventRow(id)).sequence).toBe(0);
    expect((await ledger(user.email, 'eventChanged')).length).toBe(0);

    const later = new Date(before.startsAt.getTime() + DAY);
    const moved = await operator.post(`/events/${id}/edit`, { ...eventForm({ title: `${before.title} (改)`, capacity: '1' }), startsAt: local(later), endsAt: local(new Date(later.getTime() + 3600_000)) });
    expect(moved.status).toBe(303);
    const after = await eventRow(id);
    expect(after.sequence).toBe(1);
    const rows = await ledger(user.email, 'eventChanged');
    expect(rows).toHaveLength(1);
    const ics = icsOf(rows[0]!.attachments);
    expect(ics.event.sequence).toBe(1);
    expect(ics.event.uid).toBe(`${id}@localhost`);
    expect(ics.event.startDate.toJSDate().getTime()).toBe(later.getTime() - (later.getTime() % 60_000));
    // The waitlist is told too: the new time, but no calendar entry and no address (no seat yet).
    const waitlisted = await ledger(waiting.user.email, 'eventChangedWaitlisted');
    expect(waitlisted).toHaveLength(1);
    expect(waitlisted[0]!.attachments ?? []).toEqual([]);
    const mail = await t.lastMail(waiting.user.email, 'eventChangedWaitlisted');
    expect(mail.text).not.toContain('丸の内1-1-1');
    expect(mail.text).toContain(E.page.venue);
    expect(await ledger(waiting.user.email, 'eventChanged')).toEqual([]);
    const [updated] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'event.updated'), eq(auditEvents.subjectId, id)));
    expect(updated).toBeDefined();
  });

  it('the cancellation: everyone registered or waitlisted is told, with METHOD:CANCEL; audited; the page says why', async () => {
    const id = await createEvent({ capacity: '1' });
    const a = await member('alumnus');
    const b = await member('alumnus');
    await a.client.post(`/events/${id}/register`, {});
    await b.client.post(`/events/${id}/register`, {});
    const bad = await operator.post(`/events/${id}/cancel`, { reason: '' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(E.errors.reason);
    expect((await operator.get(`/events/${id}/cancel`)).status).toBe(200);
    const res = await operator.post(`/events/${id}/cancel`, { reason: '台風のため' });
    expect(res.status).toBe(303);
    const row = await eventRow(id);
    expect(row).toMatchObject({ state: 'cancelled', cancelReason: '台風のため', sequence: 1 });
    for (const p of [a, b]) {
      const mail = await t.lastMail(p.user.email, 'eventCancelled');
      expect(mail.text).toContain('台風のため');
      const [ledgerRow] = await ledger(p.user.email, 'eventCancelled');
      const ics = icsOf(ledgerRow!.attachments);
      expect(ics.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
      expect(ics.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(ics.event.sequence).toBe(1);
    }
    const [audited] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'event.cancelled'), eq(auditEvents.subjectId, id)));
    expect(audited?.details).toMatchObject({ reason: '台風のため' });
    const page = await a.client.get(`/events/${id}`);
    expect(page.body).toContain(E.page.cancelled);
    expect(page.body).toContain('台風のため');
    expect(page.body).toContain(E.register.closedCancelled);
    // No code, no calendar entry and nothing to cancel for an event that will not take place.
    expect(page.body).not.toContain('<svg aria-hidden="true"');
    expect(page.body).not.toContain(`/events/${id}/registration/cancel`);
    // Cancelling again changes nothing; a cancelled event is not edited.
    expect((await operator.post(`/events/${id}/cancel`, { reason: 'もう一度' })).status).toBe(303);
    expect((await eventRow(id)).sequence).toBe(1);
    expect((await operator.get(`/events/${id}/edit`)).status).toBe(303);
    expect((await operator.post(`/events/${id}/edit`, eventForm())).status).toBe(409);
  });

  it('a member the roster marks do-not-contact still gets the mail about the registration they made', async () => {
    const id = await createEvent();
    const { client, user } = await member('alumnus');
    await t.db.insert(rosterEntries).values({ employeeNumber: `E${unique()}`, name: user.name, userId: user.id, contactStatus: 'do_not_contact' });
    await client.post(`/events/${id}/register`, {});
    expect((await ledger(user.email, 'eventConfirmed')).length).toBe(1);
  });

  it('the reminder the day before goes out exactly once, to the registered only (the hourly job)', async () => {
    const id = await createEvent({ capacity: '1' });
    const soon = new Date(Date.now() + 20 * 3600_000);
    const a = await member('alumnus');
    const b = await member('alumnus');
    await a.client.post(`/events/${id}/register`, {});
    await b.client.post(`/events/${id}/register`, {});
    // Three days ahead: nothing is due yet.
    expect(await sendReminders(t.db, t.config)).toBe(0);
    await t.db.update(events).set({ startsAt: soon, endsAt: new Date(soon.getTime() + 3600_000) }).where(eq(events.id, id));
    // Through the job the workers queue every hour, twice.
    const handler = eventJobHandlers({ config: t.config, logger: t.logger })[EVENT_TICK_QUEUE]!;
    const ctx = { db: t.db, jobId: 1, attempt: 1, maxAttempts: 1, log: t.logger };
    await handler({}, ctx);
    await handler({}, ctx);
    expect(await sendReminders(t.db, t.config)).toBe(0);
    const sent = await ledger(a.user.email, 'eventReminder');
    expect(sent).toHaveLength(1);
    expect((await t.lastMail(a.user.email, 'eventReminder')).text).toContain((await registration(id, a.user.id))!.checkInCode);
    expect(await ledger(b.user.email, 'eventReminder')).toHaveLength(0);
    expect((await eventRow(id)).reminderSentAt).not.toBeNull();
  });
});

// ---------------------------------------------------------------- pages and languages

describe('pages in both languages', () => {
  it('renders the list, the event and the editor in Japanese and in English', async () => {
    const id = await createEvent({ title: `二言語 ${unique()}`, capacity: '10' });
    const jaReader = await member('alumnus', { locale: 'ja' });
    const enReader = await member('alumnus', { locale: 'en' });
    const inJa = await jaReader.client.get(`/events/${id}`);
    expect(inJa.body).toContain('<html lang="ja"');
    expect(inJa.body).toContain(E.register.submit);
    expect(inJa.body).toContain(fmt(E.seats.left, { left: 10, capacity: 10 }));
    const inEn = await enReader.client.get(`/events/${id}`);
    expect(inEn.body).toContain('<html lang="en"');
    expect(inEn.body).toContain(en.events.register.submit);
    expect(inEn.body).toContain(en.events.formats.in_person);
    expect((await enReader.client.get('/events')).body).toContain(en.events.intro);
    expect((await jaReader.client.get('/events?when=past')).body).toContain(E.tabs.past);
    await jaReader.client.post(`/events/${id}/register`, {});
    const mine = await jaReader.client.get('/events?when=mine');
    expect(mine.body).toContain(`/events/${id}`);
    expect(mine.body).toContain(E.mine.registered);
    const editor = await operator.get(`/events/${id}/edit?lang=en`);
    expect(editor.body).toContain(en.events.editor.editTitle);
  });
});

// ---------------------------------------------------------------- editor, page and list details

describe('the editor’s questions and time zone', () => {
  it('shows the filled questions and one empty block; "add a question" brings one more, keeping what was typed, up to five', async () => {
    const blank = await operator.get('/events/new?lang=ja');
    expect(blank.body).toContain('name="q1Label"');
    expect(blank.body).not.toContain('name="q2Label"');
    expect(blank.body).toContain(`>${E.editor.addQuestion}</button>`);

    const title = `質問追加 ${unique()}`;
    const typed = eventForm({ title, q1Label: '食事の制限', q1Kind: 'text', q1Required: '1', intent: 'addQuestion' });
    // The page showed one block; the organiser typed into it and asked for another: exactly one more.
    const second = await operator.post('/events/new', { ...typed, questionRows: '1' });
    expect(second.body).toContain('name="q2Label"');
    expect(second.body).not.toContain('name="q3Label"');
    expect(second.body).toContain('formaction="/events/new#question-3"');
    // Asked again with blocks 1 and 2 showing: a third.
    const more = await operator.post('/events/new', { ...typed, questionRows: '2' });
    expect(more.status).toBe(200);
    expect(more.body).toContain('name="q3Label"');
    expect(more.body).not.toContain('name="q4Label"');
    expect(more.body).toContain(`value="${title}"`);
    expect(more.body).toContain('value="食事の制限"');
    expect(more.body).toMatch(/id="f-q1Required" name="q1Required" value="1" checked=""/);
    expect(more.body).toContain('name="questionRows" value="3"');
    // The button's own action carries the fragment of the next block: the page comes back there.
    expect(more.body).toContain('formaction="/events/new#question-4"');
    expect(more.body).toContain('id="question-3"');
    // Pressed again without typing anything: one more block each time, never more than five.
    for (const [shown, expected] of [
      [3, 4],
      [4, 5],
      [5, 5],
    ] as const) {
      const res = await operator.post('/events/new', { ...typed, questionRows: String(shown) });
      expect(res.status).toBe(200);
      expect(res.body).toContain(`name="q${expected}Label"`);
      expect(res.body).not.toContain(`name="q${expected + 1}Label"`);
      expect(res.body.includes('value="addQuestion"'), `${shown} shown`).toBe(expected < 5);
    }
    // Nothing was saved by adding blocks; publishing with the blocks' count in the form works.
    expect(await t.db.select().from(events).where(eq(events.title, title))).toHaveLength(0);
    const id = await createEvent({ ...typed, intent: 'publish', questionRows: '4' });
    expect((await eventRow(id)).questions).toMatchObject([{ label: '食事の制限', kind: 'text', required: true }]);

    // Editing an event with two questions shows those two and one empty block.
    const two = await createEvent({ q1Label: '食事の制限', q1Kind: 'text', q2Label: '参加形態', q2Kind: 'choice', q2Options: '会場\nオンライン' });
    const edit = await operator.get(`/events/${two}/edit`);
    expect(edit.body).toContain('value="参加形態"');
    expect(edit.body).toContain('name="q3Label"');
    expect(edit.body).not.toContain('name="q4Label"');
  });

  it('the time zone is a list, the network’s zone first and chosen; an event’s uncommon zone is kept; still checked on the server', async () => {
    const blank = await operator.get('/events/new?lang=ja');
    expect(blank.body).toMatch(/<select id="f-timeZone" name="timeZone"[^>]*><option value="Asia\/Tokyo" selected="">[^<]*Asia\/Tokyo[^<]*<\/option>/);
    expect(blank.body).toMatch(/<option value="America\/New_York">[^<]+（America\/New_York）<\/option>/);
    // One catalogue string per language: no sentence glued to another with a space.
    expect(blank.body).toContain(`id="f-registrationDeadline-hint">${E.editor.deadlineHint}</p>`);

    const start = new Date(Date.now() + 5 * DAY);
    const zone = 'America/Lima';
    const id = await createEvent({ timeZone: zone, startsAt: local(start, zone), endsAt: local(new Date(start.getTime() + 3600_000), zone) });
    const edit = await operator.get(`/events/${id}/edit`);
    expect(edit.body).toContain(`<option value="${zone}" selected="">`);
    const bad = await operator.post('/events/new', eventForm({ timeZone: 'Asia/Atlantis' }));
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(E.errors.timeZone);
    // Sent in another case with another error: the form comes back with that zone chosen.
    const otherCase = await operator.post('/events/new', eventForm({ timeZone: 'america/lima', title: '' }));
    expect(otherCase.status).toBe(422);
    expect(otherCase.body).toContain('<option value="America/Lima" selected="">');
  });
});

describe('the event page', () => {
  it('a registered member sees their registration first, with their own answers; others see the description first', async () => {
    const id = await createEvent({
      description: '## 内容\n\n工場の事例を紹介します。\n\n### 持ち物\n\n名刺',
      q1Label: '懇親会に参加されますか？',
      q1Kind: 'choice',
      q1Options: '参加する\n参加しない',
      q2Label: 'ひとこと',
      q2Kind: 'text',
    });
    const [q1] = (await eventRow(id)).questions;
    const { client } = await member('alumnus');
    const before = (await client.get(`/events/${id}`)).body;
    expect(before.indexOf('id="about-title"')).toBeLessThan(before.indexOf('id="registration"'));
    // The description's headings continue from the page's h2 ("About this event"): ## → h3, ### → h4.
    expect(before).toContain('<h3>内容</h3>');
    expect(before).toContain('<h4>持ち物</h4>');

    await client.post(`/events/${id}/register`, { [`answer_${q1!.id}`]: '参加しない' });
    const after = (await client.get(`/events/${id}`)).body;
    expect(after.indexOf('id="registration"')).toBeLessThan(after.indexOf('id="about-title"'));
    expect(after.indexOf('class="event-code"')).toBeLessThan(after.indexOf('id="about-title"'));
    const answers = after.slice(after.indexOf(`<h3>${E.status.answers}</h3>`));
    expect(answers).toContain('<dt>懇親会に参加されますか？</dt><dd class="prose">参加しない</dd>');
    // A question left unanswered is not listed.
    expect(answers.slice(0, answers.indexOf('</dl>'))).not.toContain('ひとこと');
  });

  it('says a given-up seat goes to the next person only when someone is waiting', async () => {
    const id = await createEvent({ capacity: '1' });
    const a = await member('alumnus');
    await a.client.post(`/events/${id}/register`, {});
    const alone = (await a.client.get(`/events/${id}`)).body;
    expect(alone).toContain(E.status.cancel);
    expect(alone).not.toContain(E.status.cancelHint);
    const b = await member('alumnus');
    await b.client.post(`/events/${id}/register`, {});
    expect((await a.client.get(`/events/${id}`)).body).toContain(E.status.cancelHint);
    // The waitlisted member is told what stays hidden for an event held in person: the address, not a meeting link.
    const waiting = (await b.client.get(`/events/${id}`)).body;
    expect(waiting).toContain(E.page.locationHidden.in_person);
    expect(waiting).not.toContain(E.page.meetingUrl);
  });

  it('cancelling the event stands apart from the other organiser tools, in the danger style', async () => {
    const id = await createEvent();
    const page = (await operator.get(`/events/${id}?lang=ja`)).body;
    expect(page).toContain(`<p class="event-danger"><a class="button button--secondary button--danger" href="/events/${id}/cancel">${E.page.cancelEvent}</a></p>`);
    expect((await operator.get(`/events/${id}/cancel`)).body).toContain(`<button type="submit" class="button button--danger">${E.cancel.submit}</button>`);
  });
});

describe('the Google Calendar link', () => {
  it('/events/:id/google redirects to the entry: with the address for a registered member, without for others, 404 outside the audience', async () => {
    const address = `東京都港区芝公園${unique()}`;
    const id = await createEvent({ venueAddress: address, audience: 'alumni' });
    const registered = await member('alumnus');
    await registered.client.post(`/events/${id}/register`, {});
    const res = await registered.client.get(`/events/${id}/google`);
    expect(res.status).toBe(302);
    const target = new URL(res.location!);
    expect(`${target.origin}${target.pathname}`).toBe('https://calendar.google.com/calendar/render');
    expect(target.searchParams.get('text')).toBe((await eventRow(id)).title);
    expect(target.searchParams.get('ctz')).toBe('Asia/Tokyo');
    expect(target.searchParams.get('location')).toContain(address);
    expect(target.searchParams.get('details')).toContain(`${t.config.baseUrl}/events/${id}`);

    const reader = await member('alumnus');
    const unregistered = await reader.client.get(`/events/${id}/google`);
    expect(unregistered.status).toBe(302);
    expect(new URL(unregistered.location!).searchParams.get('location') ?? '').not.toContain(address);

    // An employee is outside an alumni-only event: it does not exist for them.
    const { client: employee } = await t.signedIn('employee');
    expect((await employee.get(`/events/${id}/google`)).status).toBe(404);
    expect((await registered.client.get(`/events/${randomUUID()}/google`)).status).toBe(404);
    expect((await registered.client.get('/events/not-an-id/google')).status).toBe(404);

    // A cancelled event has nothing to add: back to its page, which says so.
    await operator.post(`/events/${id}/cancel`, { reason: '会場の都合' });
    const cancelled = await registered.client.get(`/events/${id}/google`);
    expect(cancelled.status).toBe(302);
    expect(cancelled.location).toBe(`/events/${id}`);
  });
});

describe('the list', () => {
  it('names the group of a group event and calls one’s own tab “申し込んだイベント”', async () => {
    const { user, client } = await member('alumnus');
    const groupId = await groupWith({ members: [user] });
    const [group] = await t.db.select().from(groups).where(eq(groups.id, groupId));
    const id = await createEvent({ audience: 'group', groupId });
    await client.post(`/events/${id}/register`, {});
    const list = (await client.get('/events?when=mine')).body;
    const card = list.slice(list.indexOf(`href="/events/${id}"`));
    expect(card.slice(0, card.indexOf('</article>'))).toContain(fmt(E.forGroup, { name: group!.name }));
    expect(list).toContain(`>${E.tabs.mine}</a>`);
    expect(E.tabs.mine).toBe('申し込んだイベント');
  });
});
