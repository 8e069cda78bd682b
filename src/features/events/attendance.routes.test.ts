/**
 * Attendance through HTTP: check-in by code (single use, typed loosely, per event, waitlisted and
 * cancelled refused), the QR URL's confirm page, who may reach the desk and the lists, walk-ins
 * (guest, member, a member who may not see the event), the CSV export, ratings, and both languages.
 * Events and registrations are written directly (the schema is fixed; the event editor is EV's).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, pageLang, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, eventHosts, eventRegistrations, events, groupMembers, groups, type EventQuestion } from '../../db/schema.ts';
import { fmt, formatTime, messages } from '../../shared/i18n/index.ts';
import { requestFeedback } from './attendance.service.ts';

const ja = messages('ja');
const en = messages('en');
const A = ja.attendance;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const QUESTIONS: EventQuestion[] = [
  { id: 'diet', label: '食事の制限', kind: 'text', required: false },
  { id: 'part', label: '参加する部', kind: 'choice', options: ['第一部', '第二部'], required: true },
];

let t: TestApp;
let operator: { client: Client; user: TestUser };

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = await t.signedIn('operator');
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}${Date.now().toString(36)}`.toUpperCase();

async function makeEvent(o: Partial<typeof events.$inferInsert> = {}): Promise<string> {
  const now = Date.now();
  const [row] = await t.db
    .insert(events)
    .values({
      title: `アルムナイ交流会 ${unique()}`,
      format: 'in_person',
      timeZone: 'Asia/Tokyo',
      startsAt: new Date(now - HOUR),
      endsAt: new Date(now + HOUR),
      state: 'published',
      audience: 'alumni',
      questions: QUESTIONS,
      ...o,
    })
    .returning({ id: events.id });
  return row!.id;
}

async function register(
  eventId: string,
  who: TestUser | { guestName: string; guestEmail?: string },
  o: Partial<typeof eventRegistrations.$inferInsert> = {},
): Promise<{ id: string; code: string }> {
  const code = `C${unique()}`.slice(0, 10);
  const [row] = await t.db
    .insert(eventRegistrations)
    .values({
      eventId,
      ...('id' in who ? { userId: who.id } : { guestName: who.guestName, guestEmail: who.guestEmail ?? null }),
      state: 'registered',
      answers: { diet: 'ベジタリアン', part: '第一部' },
      checkInCode: code,
      ...o,
    })
    .returning({ id: eventRegistrations.id });
  return { id: row!.id, code };
}

async function registration(id: string) {
  const [row] = await t.db.select().from(eventRegistrations).where(eq(eventRegistrations.id, id));
  return row!;
}

async function checkInAudits(registrationId: string): Promise<number> {
  const rows = await t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'event.checked_in'), eq(auditEvents.subjectId, registrationId)));
  return rows.length;
}

async function alumnus(name = `卒業 ${unique()}`): Promise<TestUser> {
  return t.createUser('alumnus', { name });
}

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// ---------------------------------------------------------------- check-in by code

describe('check-in by code', () => {
  it('checks a registered person in once: the second time leaves the first check-in and says when and by whom', async () => {
    const eventId = await makeEvent();
    const member = await alumnus('山田 花子');
    const reg = await register(eventId, member);

    const first = await operator.client.post(`/events/${eventId}/check-in`, { code: reg.code });
    expect(first.status).toBe(200);
    expect(first.body).toContain(A.checkIn.result.checkedIn);
    expect(first.body).toContain('山田 花子');
    expect(first.body).toContain('第一部');
    const after = await registration(reg.id);
    expect(after.checkedInAt).not.toBeNull();
    expect(after.checkedInBy).toBe(operator.user.id);
    expect(await checkInAudits(reg.id)).toBe(1);

    const second = await operator.client.post(`/events/${eventId}/check-in`, { code: reg.code });
    expect(second.status).toBe(200);
    expect(second.body).toContain(A.checkIn.result.already);
    const clock = formatTime(after.checkedInAt!, 'ja', 'Asia/Tokyo');
    expect(second.body).toContain(fmt(A.checkIn.result.alreadyAt, { time: clock, by: operator.user.name }));
    expect((await registration(reg.id)).checkedInAt).toEqual(after.checkedInAt);
    expect(await checkInAudits(reg.id)).toBe(1);
  });

  it('two phones sending one code at once check the person in once (one audit row), the other phone says so', async () => {
    const eventId = await makeEvent();
    const host = await alumnus();
    await t.db.insert(eventHosts).values({ eventId, userId: host.id });
    const second = await t.newSession(host);
    const reg = await register(eventId, await alumnus());
    const answers = await Promise.all([operator.client.post(`/events/${eventId}/check-in`, { code: reg.code }), second.post(`/events/${eventId}/check-in`, { code: reg.code })]);
    const said = answers.map((r) => (r.body.includes(A.checkIn.result.already) ? 'already' : r.body.includes(A.checkIn.result.checkedIn) ? 'checkedIn' : 'other'));
    expect(said.sort()).toEqual(['already', 'checkedIn']);
    expect(await checkInAudits(reg.id)).toBe(1);
  });

  it('reads a code typed loosely: lower case, spaces, hyphens, full-width characters, or the whole QR URL', async () => {
    const eventId = await makeEvent();
    const variants = [
      (c: string) => c.toLowerCase(),
      (c: string) => `${c.slice(0, 4)}-${c.slice(4)}`,
      (c: string) => ` ${c.slice(0, 3)} ${c.slice(3)} `,
      (c: string) => c.replace(/[A-Z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)),
      (c: string) => `${t.config.baseUrl}/events/${eventId}/check-in?code=${c}`,
    ];
    for (const variant of variants) {
      const reg = await register(eventId, await alumnus());
      const res = await operator.client.post(`/events/${eventId}/check-in`, { code: variant(reg.code) });
      expect(res.body, variant(reg.code)).toContain(A.checkIn.result.checkedIn);
      expect((await registration(reg.id)).checkedInAt).not.toBeNull();
    }
  });

  it('the QR URL (GET ?code=) shows the attendee and a confirm button, and changes nothing', async () => {
    const eventId = await makeEvent();
    const reg = await register(eventId, await alumnus('佐藤 次郎'));
    const res = await operator.client.get(`/events/${eventId}/check-in?code=${reg.code}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(A.checkIn.result.ready);
    expect(res.body).toContain(fmt(A.checkIn.confirm, { name: '佐藤 次郎' }));
    expect(res.body).toContain(`name="code" value="${reg.code}"`);
    expect((await registration(reg.id)).checkedInAt).toBeNull();
    expect(await checkInAudits(reg.id)).toBe(0);
  });

  it('a code of another event is "not found" there, and that registration stays as it was', async () => {
    const here = await makeEvent();
    const elsewhere = await makeEvent();
    const reg = await register(elsewhere, await alumnus('他所 太郎'));
    const res = await operator.client.post(`/events/${here}/check-in`, { code: reg.code });
    expect(res.status).toBe(200);
    expect(res.body).toContain(A.checkIn.result.notFound);
    expect(res.body).not.toContain('他所 太郎');
    expect((await registration(reg.id)).checkedInAt).toBeNull();
    const get = await operator.client.get(`/events/${here}/check-in?code=${reg.code}`);
    expect(get.body).toContain(A.checkIn.result.notFound);
    expect(get.body).not.toContain('他所 太郎');
  });

  it('does not check in waitlisted or cancelled registrations, and says which', async () => {
    const eventId = await makeEvent();
    const waiting = await register(eventId, await alumnus(), { state: 'waitlisted', waitlistedAt: new Date() });
    const cancelled = await register(eventId, await alumnus(), { state: 'cancelled', cancelledAt: new Date() });
    const w = await operator.client.post(`/events/${eventId}/check-in`, { code: waiting.code });
    expect(w.body).toContain(A.checkIn.result.waitlisted);
    const c = await operator.client.post(`/events/${eventId}/check-in`, { code: cancelled.code });
    expect(c.body).toContain(A.checkIn.result.cancelled);
    expect((await registration(waiting.id)).checkedInAt).toBeNull();
    expect((await registration(cancelled.id)).checkedInAt).toBeNull();
    expect(await checkInAudits(waiting.id)).toBe(0);
  });

  it('an empty code or garbage gives the form back (422) or "not found", never an error', async () => {
    const eventId = await makeEvent();
    const empty = await operator.client.post(`/events/${eventId}/check-in`, { code: ' - ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(A.checkIn.codeRequired);
    for (const code of ["' or 1=1 --", 'x'.repeat(5000), '%00', '<script>', 'コード']) {
      const res = await operator.client.post(`/events/${eventId}/check-in`, { code });
      expect(res.status, code).toBe(200);
      expect(res.body).toContain(A.checkIn.result.notFound);
    }
    const missing = await operator.client.post(`/events/${eventId}/check-in`, {});
    expect(missing.status).toBe(422);
  });

  it('counts checked in of registered on the page, and refuses check-in on a cancelled event', async () => {
    const eventId = await makeEvent({ capacity: 2 });
    const a = await register(eventId, await alumnus());
    await register(eventId, await alumnus());
    await register(eventId, await alumnus(), { state: 'waitlisted', waitlistedAt: new Date() });
    await operator.client.post(`/events/${eventId}/check-in`, { code: a.code });
    const page = await operator.client.get(`/events/${eventId}/check-in`);
    expect(page.body).toMatch(new RegExp(`<dd>1 <span class="stats__of">${fmt(A.checkIn.ofRegistered, { registered: 2 })}</span></dd>`));

    const cancelled = await makeEvent({ state: 'cancelled', cancelledAt: new Date() });
    const reg = await register(cancelled, await alumnus());
    const desk = await operator.client.get(`/events/${cancelled}/check-in`);
    expect(desk.status).toBe(200);
    expect(desk.body).toContain(A.checkIn.closedCancelled);
    expect(desk.body).not.toContain('name="code"');
    const qr = await operator.client.get(`/events/${cancelled}/check-in?code=${reg.code}`);
    expect(qr.body).toContain(A.checkIn.result.ready);
    expect(qr.body).not.toContain('name="code"');
    expect((await operator.client.post(`/events/${cancelled}/check-in`, { code: reg.code })).status).toBe(409);
    expect((await registration(reg.id)).checkedInAt).toBeNull();
  });
});

// ---------------------------------------------------------------- who may reach what

describe('access', () => {
  it('non-organisers (alumnus, employee, manager, a host of another event) get 404 on the desk, the list and the export', async () => {
    const eventId = await makeEvent({ audience: 'alumni_employees' });
    const reg = await register(eventId, await alumnus());
    const otherEvent = await makeEvent();
    const otherHost = await alumnus();
    await t.db.insert(eventHosts).values({ eventId: otherEvent, userId: otherHost.id });
    const clients: [string, Client][] = [
      ['alumnus', (await t.signedIn('alumnus')).client],
      ['employee', (await t.signedIn('employee')).client],
      ['manager', (await t.signedIn('manager')).client],
      ['host of another event', await t.newSession(otherHost)],
    ];
    for (const [who, client] of clients) {
      expect((await client.get(`/events/${eventId}/check-in`)).status, who).toBe(404);
      expect((await client.get(`/events/${eventId}/check-in?code=${reg.code}`)).status, who).toBe(404);
      expect((await client.post(`/events/${eventId}/check-in`, { code: reg.code })).status, who).toBe(404);
      expect((await client.post(`/events/${eventId}/check-in/walk-in`, { name: '侵入 者' })).status, who).toBe(404);
      expect((await client.get(`/events/${eventId}/attendees`)).status, who).toBe(404);
      expect((await client.get(`/events/${eventId}/attendees.csv`)).status, who).toBe(404);
    }
    expect((await registration(reg.id)).checkedInAt).toBeNull();
    const anonymous = await t.client().get(`/events/${eventId}/check-in`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toMatch(/^\/auth\/sign-in/);
  });

  it('a host checks people in (names only, no e-mail), but does not get the attendee list', async () => {
    const eventId = await makeEvent();
    const host = await alumnus('幹事 一郎');
    await t.db.insert(eventHosts).values({ eventId, userId: host.id });
    const client = await t.newSession(host);
    const member = await alumnus('来場 二郎');
    const reg = await register(eventId, member);
    const desk = await client.get(`/events/${eventId}/check-in`);
    expect(desk.status).toBe(200);
    expect(desk.body).not.toContain(`/events/${eventId}/attendees`);
    const res = await client.post(`/events/${eventId}/check-in`, { code: reg.code });
    expect(res.body).toContain(A.checkIn.result.checkedIn);
    expect(res.body).not.toContain(member.email);
    expect((await registration(reg.id)).checkedInBy).toBe(host.id);
    expect((await client.get(`/events/${eventId}/attendees`)).status).toBe(404);
    expect((await client.get(`/events/${eventId}/attendees.csv`)).status).toBe(404);
  });

  it('answers 404 for random and malformed event ids on every attendance route', async () => {
    const paths = ['check-in', 'check-in?code=ABC', 'attendees', 'attendees.csv', 'feedback'];
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1'--"]) {
      for (const path of paths) expect((await operator.client.get(`/events/${id}/${path}`)).status, `${id}/${path}`).toBe(404);
      expect((await operator.client.post(`/events/${id}/check-in`, { code: 'ABC' })).status).toBe(404);
      expect((await operator.client.post(`/events/${id}/check-in/walk-in`, { name: 'x' })).status).toBe(404);
      expect((await operator.client.post(`/events/${id}/feedback`, { rating: '5' })).status).toBe(404);
    }
  });
});

// ---------------------------------------------------------------- walk-ins

describe('walk-ins', () => {
  it('without an e-mail address: a guest registration, checked in at once, even over capacity (the page says so)', async () => {
    const eventId = await makeEvent({ capacity: 1 });
    await register(eventId, await alumnus());
    const res = await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: '飛込 三郎', email: '' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/events/${eventId}/check-in`);
    const rows = await t.db.select().from(eventRegistrations).where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.guestName, '飛込 三郎')));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: null, state: 'registered', walkIn: true, checkedInBy: operator.user.id });
    expect(rows[0]!.checkedInAt).not.toBeNull();
    expect(await checkInAudits(rows[0]!.id)).toBe(1);
    const page = await operator.client.get(`/events/${eventId}/check-in`);
    expect(page.body).toContain(fmt(A.checkIn.walkIn.doneGuest, { name: '飛込 三郎' }));
    expect(page.body).toContain(fmt(A.checkIn.walkIn.overCapacity, { count: 2, capacity: 1 }));
  });

  it('with the e-mail address of a registered member: checks in their registration, adds no row', async () => {
    const eventId = await makeEvent();
    const member = await alumnus('登録 四郎');
    const reg = await register(eventId, member);
    const res = await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: 'よんろう', email: member.email.toUpperCase() });
    expect(res.status).toBe(303);
    const rows = await t.db.select().from(eventRegistrations).where(eq(eventRegistrations.eventId, eventId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: reg.id, walkIn: false });
    expect(rows[0]!.checkedInAt).not.toBeNull();
    expect((await operator.client.get(`/events/${eventId}/check-in`)).body).toContain(fmt(A.checkIn.walkIn.doneRegistered, { name: '登録 四郎' }));
    // Again: already checked in, nothing changes.
    await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: 'よんろう', email: member.email });
    expect((await registration(reg.id)).checkedInAt).toEqual(rows[0]!.checkedInAt);
    expect(await checkInAudits(reg.id)).toBe(1);
  });

  it('with the e-mail address of a member who may see the event: a walk-in on their account (a waitlisted one is admitted)', async () => {
    const eventId = await makeEvent();
    const fresh = await alumnus('会員 五郎');
    await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: 'ごろう', email: fresh.email });
    const [row] = await t.db.select().from(eventRegistrations).where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.userId, fresh.id)));
    expect(row).toMatchObject({ state: 'registered', walkIn: true, guestName: null, guestEmail: null });
    expect(row!.checkedInAt).not.toBeNull();

    const waiting = await alumnus();
    const w = await register(eventId, waiting, { state: 'waitlisted', waitlistedAt: new Date() });
    await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: 'まち', email: waiting.email });
    expect(await registration(w.id)).toMatchObject({ state: 'registered', walkIn: true });
  });

  it('with the e-mail address of a member who may not see the event: a guest row, not linked to the member', async () => {
    const eventId = await makeEvent({ audience: 'alumni' });
    const employee = await t.createUser('employee', { name: '社員 六郎' });
    await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: 'ろくろう', email: employee.email });
    const rows = await t.db.select().from(eventRegistrations).where(eq(eventRegistrations.eventId, eventId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: null, guestName: 'ろくろう', guestEmail: employee.email, walkIn: true });
  });

  it('bad walk-in input gives the form back with the values and messages (422)', async () => {
    const eventId = await makeEvent();
    const noName = await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: '  ', email: 'a@example.com' });
    expect(noName.status).toBe(422);
    expect(noName.body).toContain(fmt(ja.validation.required, { field: A.checkIn.walkIn.name }));
    expect(noName.body).toContain('value="a@example.com"');
    const badMail = await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: '名前', email: 'not-an-address' });
    expect(badMail.status).toBe(422);
    expect(badMail.body).toContain(ja.validation.email);
    const long = await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: 'あ'.repeat(101) });
    expect(long.status).toBe(422);
    expect(await t.db.select().from(eventRegistrations).where(eq(eventRegistrations.eventId, eventId))).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- the attendee list and CSV

describe('attendee list and export', () => {
  it('lists registered, walk-ins, the waitlist in order and cancelled, with answers and figures; viewing is audited', async () => {
    const eventId = await makeEvent({ endsAt: new Date(Date.now() - HOUR / 2) });
    const came = await register(eventId, await alumnus('出席 一子'));
    await register(eventId, await alumnus('欠席 二子'));
    await register(eventId, await alumnus('待機 後'), { state: 'waitlisted', waitlistedAt: new Date(Date.now() - 1000) });
    await register(eventId, await alumnus('待機 先'), { state: 'waitlisted', waitlistedAt: new Date(Date.now() - 5000) });
    await register(eventId, await alumnus('取消 三子'), { state: 'cancelled', cancelledAt: new Date() });
    await operator.client.post(`/events/${eventId}/check-in`, { code: came.code });
    await t.db.update(eventRegistrations).set({ rating: 4, ratingComment: 'とても良い会でした' }).where(eq(eventRegistrations.id, came.id));
    await operator.client.post(`/events/${eventId}/check-in/walk-in`, { name: '当日 四子' });

    const res = await operator.client.get(`/events/${eventId}/attendees`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body).toContain(fmt(A.attendees.sections.registered, { count: 2 }));
    expect(body).toContain(fmt(A.attendees.sections.walkIns, { count: 1 }));
    expect(body).toContain(fmt(A.attendees.sections.waitlisted, { count: 2 }));
    expect(body).toContain(fmt(A.attendees.sections.cancelled, { count: 1 }));
    expect(body.indexOf('待機 先')).toBeLessThan(body.indexOf('待機 後'));
    expect(body).toContain('参加する部: 第一部');
    expect(body).toContain('とても良い会でした');
    expect(body).toContain(A.attendees.noShows);
    const stat = (label: string, value: string) => expect(body).toMatch(new RegExp(`<dt>${label}</dt><dd>${value}</dd>`));
    stat(A.attendees.registered, '2');
    stat(A.attendees.attended, '2');
    stat(A.attendees.noShows, '1');
    stat(A.attendees.walkIns, '1');
    stat(A.attendees.averageRating, '4\\.0');
    const viewed = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'personal_data.viewed'), eq(auditEvents.subjectId, eventId)));
    expect(viewed).toHaveLength(1);
    expect(viewed[0]!.details).toMatchObject({ rows: 6 });
  });

  it('exports Excel-safe CSV: BOM, CRLF, a formula-like name neutralised, Japanese intact, audited with the row count', async () => {
    const eventId = await makeEvent();
    const member = await alumnus('山本 美咲');
    await register(eventId, member);
    await register(eventId, { guestName: '=HYPERLINK("http://evil.example","x")', guestEmail: 'g@example.com' }, { walkIn: true, answers: { part: '+第二部' } });
    const res = await t.app.request(`${t.config.baseUrl}/events/${eventId}/attendees.csv`, { headers: { cookie: [...operator.client.cookies].map(([k, v]) => `${k}=${v.value}`).join('; ') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="attendees-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(`${A.csv.name},${A.csv.email},${A.csv.kind},${A.csv.state},${A.csv.walkIn},${A.csv.registeredAt} (Asia/Tokyo),${A.csv.checkedInAt} (Asia/Tokyo),${A.csv.checkedInBy},${A.csv.rating},${A.csv.ratingComment},食事の制限,参加する部`);
    expect(csv).toContain(`山本 美咲,${member.email},${A.csv.member},${A.states.registered},`);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")",g@example.com,${A.csv.guest}`);
    expect(csv).toContain(",'+第二部\r\n");
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(lines).toHaveLength(4); // header, two rows, and the empty string after the last CRLF
    const audits = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'event.attendees_exported'), eq(auditEvents.subjectId, eventId)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ rows: 2, emails: true });
    expect(audits[0]!.actorId).toBe(operator.user.id);
  });

  it('columns follow the viewer’s language', async () => {
    const eventId = await makeEvent();
    await register(eventId, await alumnus());
    const res = await operator.client.get(`/events/${eventId}/attendees.csv?lang=en`);
    expect(res.body).toContain(`${en.attendance.csv.name},${en.attendance.csv.email},${en.attendance.csv.kind}`);
  });

  it('a group manager who is a member organises the group’s event: list and CSV without e-mail addresses', async () => {
    const [group] = await t.db.insert(groups).values({ name: `子育て中のアルムナイ ${unique()}` }).returning({ id: groups.id });
    const manager = await alumnus('世話 役');
    await t.db.insert(groupMembers).values({ groupId: group!.id, userId: manager.id, role: 'manager', state: 'active' });
    const eventId = await makeEvent({ audience: 'group', groupId: group!.id });
    const member = await alumnus('参加 者');
    await t.db.insert(groupMembers).values({ groupId: group!.id, userId: member.id, state: 'active' });
    await register(eventId, member);
    const client = await t.newSession(manager);
    const list = await client.get(`/events/${eventId}/attendees`);
    expect(list.status).toBe(200);
    expect(list.body).toContain('参加 者');
    expect(list.body).not.toContain(member.email);
    expect(list.body).toContain(A.attendees.emailsHidden);
    const csv = await client.get(`/events/${eventId}/attendees.csv`);
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain(member.email);
    expect(csv.body.split('\r\n')[0]).not.toContain(A.csv.email);
  });
});

// ---------------------------------------------------------------- ratings

describe('ratings', () => {
  it('only after the end, only for attendees (checked in; every registered person for online events), 1–5, changeable', async () => {
    const member = await alumnus();
    const client = await t.newSession(member);

    const running = await makeEvent();
    const r1 = await register(running, member, { checkedInAt: new Date() });
    expect((await client.get(`/events/${running}/feedback`)).body).toContain(A.feedback.notYet);
    // The event page offers the rating only once the event is over.
    expect((await client.get(`/events/${running}`)).body).not.toContain(`href="/events/${running}/feedback"`);
    expect((await client.post(`/events/${running}/feedback`, { rating: '5' })).status).toBe(403);
    expect((await registration(r1.id)).rating).toBeNull();

    const past = await makeEvent({ startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) });
    const noShow = await register(past, member);
    expect((await client.get(`/events/${past}/feedback`)).body).toContain(A.feedback.notAttendee);
    expect((await client.post(`/events/${past}/feedback`, { rating: '4' })).status).toBe(403);
    await t.db.update(eventRegistrations).set({ checkedInAt: new Date(Date.now() - 2 * HOUR) }).where(eq(eventRegistrations.id, noShow.id));
    expect((await client.get(`/events/${past}`)).body).toContain(`href="/events/${past}/feedback"`);
    const form = await client.get(`/events/${past}/feedback`);
    expect(form.body).toContain('name="rating"');
    const saved = await client.post(`/events/${past}/feedback`, { rating: '4', comment: '  また参加したいです  ' });
    expect(saved.status).toBe(303);
    expect(await registration(noShow.id)).toMatchObject({ rating: 4, ratingComment: 'また参加したいです' });
    expect((await client.get(`/events/${past}/feedback`)).body).toContain(A.feedback.saved);
    await client.post(`/events/${past}/feedback`, { rating: '2', comment: '' });
    expect(await registration(noShow.id)).toMatchObject({ rating: 2, ratingComment: null });

    const online = await makeEvent({ format: 'online', startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) });
    const r3 = await register(online, member);
    expect((await client.post(`/events/${online}/feedback`, { rating: '5' })).status).toBe(303);
    expect((await registration(r3.id)).rating).toBe(5);

    const waitlisted = await makeEvent({ format: 'online', startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) });
    await register(waitlisted, member, { state: 'waitlisted', waitlistedAt: new Date() });
    expect((await client.post(`/events/${waitlisted}/feedback`, { rating: '5' })).status).toBe(403);

    const old = await makeEvent({ startsAt: new Date(Date.now() - 16 * DAY), endsAt: new Date(Date.now() - 15 * DAY) });
    await register(old, member, { checkedInAt: new Date(Date.now() - 16 * DAY), rating: 3 });
    const closed = await client.get(`/events/${old}/feedback`);
    expect(closed.body).toContain(fmt(A.feedback.yours, { rating: 3 }));
    expect(closed.body).not.toContain('name="rating"');
    expect((await client.post(`/events/${old}/feedback`, { rating: '5' })).status).toBe(403);
  });

  it('bad ratings and long comments give the form back (422) with messages, never a 500', async () => {
    const member = await alumnus();
    const client = await t.newSession(member);
    const past = await makeEvent({ startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) });
    const reg = await register(past, member, { checkedInAt: new Date(Date.now() - 2 * HOUR) });
    for (const rating of ['0', '6', '4.5', 'abc', '', '-1', '１', '5 ', '99999999999999999999']) {
      const res = await client.post(`/events/${past}/feedback`, { rating, comment: 'コメント' });
      expect(res.status, rating).toBe(422);
      expect(res.body).toContain(A.feedback.ratingRequired);
      expect(res.body).toContain('コメント');
    }
    const long = await client.post(`/events/${past}/feedback`, { rating: '3', comment: 'あ'.repeat(2001) });
    expect(long.status).toBe(422);
    expect(long.body).toContain(fmt(A.feedback.commentTooLong, { max: 2000 }));
    expect((await client.post(`/events/${past}/feedback`, { rating: '3', comment: 'あ'.repeat(2000) })).status).toBe(303);
    expect((await registration(reg.id)).rating).toBe(3);
  });

  it('asks attendees a day after the event how it was: once, in their language, only those who may rate and have not', async () => {
    const ended = { startsAt: new Date(Date.now() - 33 * HOUR), endsAt: new Date(Date.now() - 30 * HOUR) };
    const inPerson = await makeEvent(ended);
    const came = await t.createUser('alumnus', { name: 'Ann Came', locale: 'en' });
    const cameJa = await alumnus('来た 人');
    const noShow = await alumnus();
    const rated = await alumnus();
    await register(inPerson, came, { checkedInAt: ended.startsAt });
    await register(inPerson, cameJa, { checkedInAt: ended.startsAt });
    await register(inPerson, noShow);
    await register(inPerson, rated, { checkedInAt: ended.startsAt, rating: 5 });
    await register(inPerson, { guestName: '来場 ゲスト', guestEmail: 'walkin-guest@example.com' }, { walkIn: true, checkedInAt: ended.startsAt });
    const online = await makeEvent({ ...ended, format: 'online' });
    const onlineMember = await alumnus();
    await register(online, onlineMember);
    const tooSoon = await makeEvent({ startsAt: new Date(Date.now() - 8 * HOUR), endsAt: new Date(Date.now() - 5 * HOUR) });
    const early = await alumnus();
    await register(tooSoon, early, { checkedInAt: new Date(Date.now() - 7 * HOUR) });

    const site = { baseUrl: t.config.baseUrl };
    expect(await requestFeedback(t.db, site)).toBeGreaterThanOrEqual(3);
    expect(await requestFeedback(t.db, site)).toBe(0);

    const en = await t.lastMail(came.email, 'eventFeedback');
    expect(en.locale).toBe('en');
    expect(en.subject).toContain('How was');
    expect(en.text).toContain(`${t.config.baseUrl}/events/${inPerson}/feedback`);
    const jaMail = await t.lastMail(cameJa.email, 'eventFeedback');
    expect(jaMail.subject).toContain('いかがでしたか');
    for (const who of [came.email, onlineMember.email]) expect(await t.mails({ to: who, template: 'eventFeedback' }), who).toHaveLength(1);
    for (const who of [noShow.email, rated.email, 'walkin-guest@example.com', early.email]) expect(await t.mails({ to: who, template: 'eventFeedback' }), who).toHaveLength(0);
  });

  it('an event outside the member’s audience is 404, as is anyone’s feedback page for an event they cannot see', async () => {
    const employee = (await t.signedIn('employee')).client;
    const past = await makeEvent({ audience: 'alumni', startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) });
    expect((await employee.get(`/events/${past}/feedback`)).status).toBe(404);
    expect((await employee.post(`/events/${past}/feedback`, { rating: 'x' })).status).toBe(404);
  });
});

// ---------------------------------------------------------------- languages

describe('pages in Japanese and English', () => {
  it('renders the desk, the list, the rating page and the network view in both languages', async () => {
    const member = await alumnus('言語 確認');
    const past = await makeEvent({ startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) });
    const reg = await register(past, member, { checkedInAt: new Date(Date.now() - 2 * HOUR) });
    const memberClient = await t.newSession(member);
    for (const [lang, m] of [
      ['ja', ja],
      ['en', en],
    ] as const) {
      const pages: [Client, string, string][] = [
        [operator.client, `/events/${past}/check-in?lang=${lang}`, m.attendance.checkIn.walkIn.title],
        [operator.client, `/events/${past}/check-in?code=${reg.code}&lang=${lang}`, m.attendance.checkIn.result.already],
        [operator.client, `/events/${past}/attendees?lang=${lang}`, m.attendance.attendees.figures],
        [memberClient, `/events/${past}/feedback?lang=${lang}`, m.attendance.feedback.rating],
        [operator.client, `/admin/events/attendance?lang=${lang}`, m.attendance.network.repeatTitle],
      ];
      for (const [client, path, text] of pages) {
        const res = await client.get(path);
        expect(res.status, path).toBe(200);
        expect(pageLang(res.body), path).toBe(lang);
        expect(unescapeHtml(res.body), path).toContain(text);
      }
    }
  });

  it('loads the scanning script only on the desk, with the page’s CSP nonce', async () => {
    const eventId = await makeEvent();
    const res = await operator.client.get(`/events/${eventId}/check-in`);
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeDefined();
    expect(res.body).toContain(`<script src="/static/checkin.js" defer="" nonce="${nonce}"></script>`);
    expect(res.body).toContain('href="/static/attendance.css"');
    expect((await operator.client.get(`/events/${eventId}/attendees`)).body).not.toContain('checkin.js');
    const script = await operator.client.get('/static/checkin.js');
    expect(script.status).toBe(200);
    expect(script.body).toContain('BarcodeDetector');
  });
});
