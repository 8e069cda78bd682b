/**
 * Attendance figures on a small constructed history, with exact numbers: per event (registered,
 * attended, no-shows, walk-ins, repeat attendees, average rating) and for the network (repeat
 * attendance over 90 days). Drafts and cancelled events never count; a walk-in guest is
 * recognised at a later event by e-mail address (any case); a guest without one never repeats.
 * Its own database, so no other test's events are in the figures.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { eventRegistrations, events } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import { networkAttendance, type EventFigures } from './attendance.service.ts';

const ja = messages('ja');
const DAY = 86_400_000;
const NOW = new Date();
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

let t: TestApp;
let operator: { client: Client; user: TestUser };
let seq = 0;
const ids: Record<string, string> = {};

async function event(name: string, startDays: number, o: Partial<typeof events.$inferInsert> = {}): Promise<string> {
  const [row] = await t.db
    .insert(events)
    .values({ title: name, format: 'in_person', timeZone: 'Asia/Tokyo', startsAt: at(startDays), endsAt: new Date(at(startDays).getTime() + 2 * 3_600_000), state: 'published', ...o })
    .returning({ id: events.id });
  ids[name] = row!.id;
  return row!.id;
}

type Who = TestUser | { guest: string; email?: string };

/** A registration; `came` checks it in at the event's start. */
async function reg(eventId: string, who: Who, o: { came?: boolean; walkIn?: boolean; state?: 'registered' | 'waitlisted' | 'cancelled'; rating?: number } = {}) {
  const [e] = await t.db.select({ startsAt: events.startsAt }).from(events).where(eq(events.id, eventId));
  await t.db.insert(eventRegistrations).values({
    eventId,
    ...('id' in who ? { userId: who.id } : { guestName: who.guest, guestEmail: who.email ?? null }),
    state: o.state ?? 'registered',
    walkIn: o.walkIn ?? false,
    checkInCode: `R${++seq}X${NOW.getTime().toString(36)}`,
    checkedInAt: o.came ? e!.startsAt : null,
    rating: o.rating ?? null,
    waitlistedAt: o.state === 'waitlisted' ? e!.startsAt : null,
  });
}

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = await t.signedIn('operator');
  const [p1, p2, p3, p4, p5, p6] = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => t.createUser('alumnus', { name: `会員 ${n}` })));

  // E1, 200 days ago: P1 and P2 came, P3 did not.
  const e1 = await event('E1', -200);
  await reg(e1, p1!, { came: true });
  await reg(e1, p2!, { came: true });
  await reg(e1, p3!);
  // E2, 60 days ago: P1 (back again) and P3 came, P4 did not; two walk-in guests, one with an address.
  const e2 = await event('E2', -60);
  await reg(e2, p1!, { came: true, rating: 5 });
  await reg(e2, p3!, { came: true, rating: 4 });
  await reg(e2, p4!);
  await reg(e2, { guest: 'ゲスト G', email: 'g@example.com' }, { came: true, walkIn: true });
  await reg(e2, { guest: 'ゲスト N' }, { came: true, walkIn: true });
  // E3, 10 days ago: P1 and P2 came back, guest G again (address in capitals), a new guest without
  // an address; P4 and P5 did not come; P6 waited in vain.
  const e3 = await event('E3', -10);
  await reg(e3, p1!, { came: true });
  await reg(e3, p2!, { came: true, rating: 3 });
  await reg(e3, p4!);
  await reg(e3, p5!);
  await reg(e3, p6!, { state: 'waitlisted' });
  await reg(e3, { guest: 'ゲスト G', email: 'G@Example.COM' }, { came: true, walkIn: true });
  await reg(e3, { guest: 'ゲスト N2' }, { came: true, walkIn: true });
  // E4, online, 5 days ago: nobody checks in at a meeting link.
  const e4 = await event('E4', -5, { format: 'online' });
  await reg(e4, p1!);
  // Never counted: a draft P5 was "checked in" at, a cancelled event P2 was, a future event.
  await reg(await event('E5 draft', -20, { state: 'draft' }), p5!, { came: true });
  await reg(await event('E7 cancelled', -30, { state: 'cancelled' }), p2!, { came: true });
  await reg(await event('E6 future', 5), p1!);
});

afterAll(async () => {
  await t?.close();
});

const actor = (): Actor => ({
  id: operator.user.id,
  name: operator.user.name,
  email: operator.user.email,
  role: 'operator',
  isManager: false,
  status: 'active',
  twoFactorEnabled: true,
  locale: null,
  sessionId: 'test',
});

const pick = (e: EventFigures) => ({
  title: e.title,
  registered: e.registered,
  attended: e.attended,
  notCheckedIn: e.notCheckedIn,
  walkIns: e.walkIns,
  waitlisted: e.waitlisted,
  repeatAttendees: e.repeatAttendees,
  ratings: e.ratings,
  averageRating: e.averageRating,
});

describe('attendance figures', () => {
  it('per past event, newest first, over all time', async () => {
    const { events: figures } = await networkAttendance(t.db, actor(), 'all', NOW);
    expect(figures.map(pick)).toEqual([
      { title: 'E4', registered: 1, attended: 0, notCheckedIn: 1, walkIns: 0, waitlisted: 0, repeatAttendees: 0, ratings: 0, averageRating: null },
      { title: 'E3', registered: 4, attended: 4, notCheckedIn: 2, walkIns: 2, waitlisted: 1, repeatAttendees: 3, ratings: 1, averageRating: 3 },
      { title: 'E2', registered: 3, attended: 4, notCheckedIn: 1, walkIns: 2, waitlisted: 0, repeatAttendees: 1, ratings: 2, averageRating: 4.5 },
      { title: 'E1', registered: 3, attended: 2, notCheckedIn: 1, walkIns: 0, waitlisted: 0, repeatAttendees: 0, ratings: 0, averageRating: null },
    ]);
  });

  it('repeat attendance over the last 90 days: 6 people attended, 2 of them (P1, guest G) twice', async () => {
    expect((await networkAttendance(t.db, actor(), '90', NOW)).repeat).toEqual({ attendees: 6, repeaters: 2 });
  });

  it('the period chooses the events', async () => {
    expect((await networkAttendance(t.db, actor(), '90', NOW)).events.map((e) => e.title)).toEqual(['E4', 'E3', 'E2']);
    expect((await networkAttendance(t.db, actor(), '365', NOW)).events.map((e) => e.title)).toEqual(['E4', 'E3', 'E2', 'E1']);
  });

  it('only operators and community managers see the network view', async () => {
    const alumnus = await t.signedIn('alumnus');
    expect((await alumnus.client.get('/admin/events/attendance')).status).toBe(403);
    await expect(networkAttendance(t.db, { ...actor(), id: alumnus.user.id, role: 'alumnus', twoFactorEnabled: false }, '90', NOW)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('the pages show the same numbers', async () => {
    const network = await operator.client.get('/admin/events/attendance?period=all');
    expect(network.status).toBe(200);
    expect(network.body).toContain(fmt(ja.attendance.network.repeatSummary, { attendees: 6, repeaters: 2, percent: '33%' }));
    // E3: 4 registered, 4 attended, 2 of 4 no-shows = 50%, 3 of 4 repeat = 75%, 3.0 from 1 rating.
    const row = new RegExp(`${ids.E3}/attendees">E3</a></td><td class="nowrap">[^<]+</td><td class="num">4</td><td class="num">4</td><td class="num">50%</td><td class="num">75%</td><td class="num">${fmt(ja.attendance.network.rating, { value: '3.0', count: 1 }).replace(/[()]/g, '\\$&')}</td>`);
    expect(network.body).toMatch(row);
    expect(network.body).toContain(`${ids.E4}/attendees">E4</a>`);
    expect(network.body).toMatch(new RegExp(`${ids.E4}/attendees">E4</a></td><td class="nowrap">[^<]+</td><td class="num">1</td><td class="num"><span class="muted">${ja.attendance.network.notRecorded}</span>`));
    expect(network.body).not.toContain('E5 draft');
    expect(network.body).not.toContain('E7 cancelled');
    expect(network.body).not.toContain('E6 future');

    const list = await operator.client.get(`/events/${ids.E3}/attendees`);
    expect(list.body).toMatch(new RegExp(`<dt>${ja.attendance.attendees.repeat}</dt><dd>3</dd>`));
    expect(list.body).toMatch(new RegExp(`<dt>${ja.attendance.attendees.noShows}</dt><dd>2</dd>`));
  });
});
