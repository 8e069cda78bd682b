/**
 * Fifty people register at once for ten seats, through the service with fifty real accounts
 * (on PostgreSQL in the unit-postgres project: real concurrent transactions on a pool; on
 * PGlite the same test runs serialised). Exactly ten get a seat, forty wait in order, nobody
 * is over-booked; three cancellations promote exactly the first three waiting, each told.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../../../test/app.ts';
import { eventRegistrations, events, mailMessages } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { toZonedInput } from '../../shared/i18n/zoned.ts';
import { cancelRegistration, readEvent, register } from './events.service.ts';

let t: TestApp;
const PEOPLE = 50;
const SEATS = 10;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

const actorOf = (user: TestUser): Actor => ({
  id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  isManager: user.isManager,
  status: 'active',
  twoFactorEnabled: false,
  locale: null,
  sessionId: 'test',
});

describe(`${PEOPLE} concurrent registrations for ${SEATS} seats`, () => {
  let eventId = '';
  let people: TestUser[] = [];

  beforeAll(async () => {
    const { client } = await t.signedIn('operator');
    const start = new Date(Date.now() + 7 * 24 * 3600_000);
    const res = await client.post('/events/new', {
      title: '満席必至の勉強会',
      category: 'learning',
      format: 'online',
      meetingUrl: 'https://meet.example.com/rush',
      timeZone: 'Asia/Tokyo',
      startsAt: toZonedInput(start, 'Asia/Tokyo'),
      endsAt: toZonedInput(new Date(start.getTime() + 3600_000), 'Asia/Tokyo'),
      capacity: String(SEATS),
      audience: 'alumni',
      intent: 'publish',
    });
    expect(res.status, res.body.slice(0, 2000)).toBe(303);
    eventId = res.location!.split('/')[2]!;
    people = [];
    for (let i = 0; i < PEOPLE; i++) people.push(await t.createUser('alumnus', { name: `参加希望 ${i}` }));
  });

  it('gives exactly ten seats and puts forty on the waitlist in the order they got in', async () => {
    const results = await Promise.all(people.map((p) => register(t.db, t.config, actorOf(p), eventId, { answers: {}, source: null })));
    expect(results.filter((r) => r.ok && r.state === 'registered')).toHaveLength(SEATS);
    expect(results.filter((r) => r.ok && r.state === 'waitlisted')).toHaveLength(PEOPLE - SEATS);
    expect(results.every((r) => r.ok && !r.already)).toBe(true);

    const rows = await t.db.select().from(eventRegistrations).where(eq(eventRegistrations.eventId, eventId));
    expect(rows).toHaveLength(PEOPLE);
    expect(rows.filter((r) => r.state === 'registered')).toHaveLength(SEATS);
    expect(new Set(rows.map((r) => r.checkInCode)).size).toBe(PEOPLE);

    // Positions 1..40, each once, and in the order of the waitlist's stamps.
    const waiting = rows.filter((r) => r.state === 'waitlisted').sort((a, b) => a.waitlistedAt!.getTime() - b.waitlistedAt!.getTime());
    expect(new Set(waiting.map((r) => r.waitlistedAt!.getTime())).size).toBe(PEOPLE - SEATS);
    const positions = results.filter((r) => r.ok && r.state === 'waitlisted').map((r) => (r.ok ? r.position : null));
    expect([...positions].sort((a, b) => a! - b!)).toEqual(Array.from({ length: PEOPLE - SEATS }, (_, i) => i + 1));
    for (const [i, row] of waiting.entries()) {
      const person = people.find((p) => p.id === row.userId)!;
      const page = await readEvent(t.db, actorOf(person), eventId);
      expect(page.position, `waitlisted #${i + 1}`).toBe(i + 1);
    }

    await t.runJobs();
    const confirmations = await t.db.select().from(mailMessages).where(eq(mailMessages.template, 'eventConfirmed'));
    const waitlisted = await t.db.select().from(mailMessages).where(eq(mailMessages.template, 'eventWaitlisted'));
    expect(confirmations).toHaveLength(SEATS);
    expect(waitlisted).toHaveLength(PEOPLE - SEATS);
  });

  it('three cancellations promote exactly the first three waiting, each told by mail, never over-booking', async () => {
    const seated = await t.db
      .select()
      .from(eventRegistrations)
      .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.state, 'registered')));
    const firstWaiting = await t.db
      .select()
      .from(eventRegistrations)
      .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.state, 'waitlisted')))
      .orderBy(asc(eventRegistrations.waitlistedAt), asc(eventRegistrations.id))
      .limit(4);
    const leaving = seated.slice(0, 3).map((r) => people.find((p) => p.id === r.userId)!);
    // Concurrently, and together with late registrations that must all wait.
    const latecomers = [];
    for (let i = 0; i < 5; i++) latecomers.push(await t.createUser('alumnus', { name: `遅れて ${i}` }));
    const outcomes = await Promise.all([
      ...leaving.map((p) => cancelRegistration(t.db, t.config, actorOf(p), eventId)),
      ...latecomers.map((p) => register(t.db, t.config, actorOf(p), eventId, { answers: {}, source: null })),
    ]);
    expect(outcomes.slice(0, 3)).toEqual([true, true, true]);

    const after = await t.db.select().from(eventRegistrations).where(eq(eventRegistrations.eventId, eventId));
    expect(after.filter((r) => r.state === 'registered')).toHaveLength(SEATS);
    const promoted = after.filter((r) => r.promotedAt !== null);
    // Each cancellation fills its seat from the waitlist in its own transaction: latecomers always
    // wait, and the promoted are exactly the first three who waited.
    expect(promoted.map((r) => r.id).sort()).toEqual(firstWaiting.slice(0, 3).map((r) => r.id).sort());
    expect(after.find((r) => r.id === firstWaiting[3]!.id)!.state).toBe('waitlisted');
    for (const l of latecomers) expect(after.find((r) => r.userId === l.id)!.state).toBe('waitlisted');

    await t.runJobs();
    const told = await t.db.select().from(mailMessages).where(eq(mailMessages.template, 'eventPromoted'));
    expect(told.map((m) => m.userId).sort()).toEqual(firstWaiting.slice(0, 3).map((r) => r.userId).sort());
    expect(told.every((m) => m.attachments?.some((a) => a.contentType.startsWith('text/calendar')))).toBe(true);
    const [row] = await t.db.select({ capacity: events.capacity }).from(events).where(eq(events.id, eventId));
    expect(row!.capacity).toBe(SEATS);
  });
});
