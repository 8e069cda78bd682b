/**
 * Event queries: events within the viewer's audience (audience.ts `visibleCondition`, the one
 * rule), hosts, registrations and the seat bookkeeping done under the event row's lock.
 */
import { and, asc, count, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, lte, max, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  eventHosts,
  eventRegistrations,
  events,
  groupMembers,
  groups,
  memberBlocks,
  segments,
  users,
  type RegistrationState,
} from '../../db/schema.ts';
import { visibleCondition, type EventRow, type EventViewer } from './audience.ts';

export type { EventRow } from './audience.ts';
export type EventValues = Omit<typeof events.$inferInsert, 'id' | 'createdAt'>;
export type RegistrationRow = typeof eventRegistrations.$inferSelect;
export type RegistrationValues = typeof eventRegistrations.$inferInsert;

export async function findEvent(db: Db, id: string): Promise<EventRow | null> {
  const [row] = await db.select().from(events).where(eq(events.id, id));
  return row ?? null;
}

/** The event when the viewer may see it: the one query behind the page, registration and the .ics. */
export async function findVisibleEvent(db: Db, id: string, viewer: EventViewer): Promise<EventRow | null> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), visibleCondition(viewer)));
  return row ?? null;
}

export interface ListRow extends EventRow {
  /** Seats taken. */
  registered: number;
  /** The viewer's registration state, if any. */
  myState: RegistrationState | null;
  /** The name of the group a group event is for. */
  groupName: string | null;
}

export type ListKind = 'upcoming' | 'past' | 'mine';

/**
 * The outer event's id, always qualified: in a select list Drizzle writes `${events.id}` as a
 * bare "id", which inside a subquery would mean the registration's own id.
 */
const outerEventId = sql`"events"."id"`;
const registeredCount = sql<number>`(select count(*)::int from event_registrations r where r.event_id = ${outerEventId} and r.state = 'registered')`;
const myStateOf = (userId: string) =>
  sql<RegistrationState | null>`(select r.state from event_registrations r where r.event_id = ${outerEventId} and r.user_id = ${userId})`;
const groupNameOf = sql<string | null>`(select g.name from groups g where g.id = "events"."group_id")`;
const mineActive = (userId: string) =>
  sql`exists (select 1 from event_registrations r where r.event_id = ${outerEventId} and r.user_id = ${userId} and r.state in ('registered', 'waitlisted'))`;

/**
 * Events the viewer may see. Upcoming (not yet ended, soonest first) leaves out cancelled
 * events unless the viewer had registered; past is newest first; mine is the upcoming events
 * the viewer is registered or waitlisted for.
 */
export async function listEvents(db: Db, viewer: EventViewer, opts: { kind: ListKind; now: Date; limit: number; offset: number }): Promise<ListRow[]> {
  const where: SQL[] = [visibleCondition(viewer)];
  const mine = mineActive(viewer.userId);
  if (opts.kind === 'past') where.push(lte(events.endsAt, opts.now));
  else where.push(gt(events.endsAt, opts.now));
  if (opts.kind === 'upcoming') where.push(or(ne(events.state, 'cancelled'), mine)!);
  if (opts.kind === 'mine') where.push(mine);
  return db
    .select({ ...getTableColumns(events), registered: registeredCount, myState: myStateOf(viewer.userId), groupName: groupNameOf })
    .from(events)
    .where(and(...where))
    .orderBy(opts.kind === 'past' ? desc(events.startsAt) : asc(events.startsAt), asc(events.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

/** Published upcoming events the viewer may see, soonest first (the personalised home ranks them). */
export async function upcomingPublished(db: Db, viewer: EventViewer, now: Date, limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(visibleCondition(viewer), eq(events.state, 'published'), gt(events.startsAt, now)))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(limit);
}

export async function insertEvent(db: Db, values: EventValues): Promise<string> {
  const [row] = await db.insert(events).values(values).returning({ id: events.id });
  return row!.id;
}

export async function updateEvent(db: Db, id: string, values: Partial<EventValues>): Promise<void> {
  await db.update(events).set(values).where(eq(events.id, id));
}

/**
 * The event row, locked until the transaction ends: every change to its seats (registering,
 * cancelling, promoting, a new capacity) takes this lock first, so counting and taking a seat
 * never interleave.
 */
export async function lockEvent(db: Db, id: string): Promise<EventRow | null> {
  const [row] = await db.select().from(events).where(eq(events.id, id)).for('update');
  return row ?? null;
}

// ---------------------------------------------------------------- hosts

/** The hosts' names, without anyone the viewer blocked or is blocked by. */
export async function hostsOf(db: Db, eventId: string, viewerId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(eventHosts)
    .innerJoin(users, eq(users.id, eventHosts.userId))
    .where(
      and(
        eq(eventHosts.eventId, eventId),
        sql`not exists (select 1 from ${memberBlocks} b where (b.blocker_id = ${viewerId} and b.blocked_id = ${users.id}) or (b.blocker_id = ${users.id} and b.blocked_id = ${viewerId}))`,
      ),
    )
    .orderBy(asc(users.name));
}

export async function hostEmails(db: Db, eventId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(eventHosts)
    .innerJoin(users, eq(users.id, eventHosts.userId))
    .where(eq(eventHosts.eventId, eventId))
    .orderBy(asc(users.email));
  return rows.map((r) => r.email);
}

export async function isHost(db: Db, eventId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ id: eventHosts.userId })
    .from(eventHosts)
    .where(and(eq(eventHosts.eventId, eventId), eq(eventHosts.userId, userId)))
    .limit(1);
  return rows.length > 0;
}

/**
 * Active members with these addresses (lower case), or only the group's active members when
 * a group is given: the people an organiser may name as hosts.
 */
export async function membersByEmail(db: Db, emails: string[], groupId: string | null): Promise<{ id: string; email: string }[]> {
  if (!emails.length) return [];
  const where = [inArray(sql`lower(${users.email})`, emails), eq(users.status, 'active')];
  if (groupId) {
    where.push(
      sql`exists (select 1 from ${groupMembers} gm where gm.group_id = ${groupId} and gm.user_id = ${users.id} and gm.state = 'active')`,
    );
  }
  const rows = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(...where));
  return rows.map((r) => ({ id: r.id, email: r.email.toLowerCase() }));
}

export async function replaceHosts(db: Db, eventId: string, userIds: string[]): Promise<void> {
  await db.delete(eventHosts).where(eq(eventHosts.eventId, eventId));
  if (userIds.length) await db.insert(eventHosts).values(userIds.map((userId) => ({ eventId, userId })));
}

// ---------------------------------------------------------------- audiences

/** Groups events may be addressed to (not archived); `ids` limits them to the ones given. */
export async function groupChoices(db: Db, ids: string[] | 'all'): Promise<{ id: string; name: string }[]> {
  if (ids !== 'all' && !ids.length) return [];
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(and(isNull(groups.archivedAt), ids === 'all' ? undefined : inArray(groups.id, ids)))
    .orderBy(asc(groups.name));
}

export async function groupName(db: Db, id: string): Promise<string | null> {
  const [row] = await db.select({ name: groups.name }).from(groups).where(eq(groups.id, id));
  return row?.name ?? null;
}

export async function segmentName(db: Db, id: string): Promise<string | null> {
  const [row] = await db.select({ name: segments.name }).from(segments).where(eq(segments.id, id));
  return row?.name ?? null;
}

// ---------------------------------------------------------------- registrations

export async function findRegistration(db: Db, eventId: string, userId: string): Promise<RegistrationRow | null> {
  const [row] = await db
    .select()
    .from(eventRegistrations)
    .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.userId, userId)));
  return row ?? null;
}

export async function countRegistered(db: Db, eventId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(eventRegistrations)
    .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.state, 'registered')));
  return Number(row?.n ?? 0);
}

/** Inserts a registration; null when a unique value (the check-in code) is already taken. */
export async function insertRegistration(db: Db, values: RegistrationValues): Promise<RegistrationRow | null> {
  const [row] = await db.insert(eventRegistrations).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function updateRegistration(db: Db, id: string, values: Partial<RegistrationValues>): Promise<RegistrationRow> {
  const [row] = await db.update(eventRegistrations).set(values).where(eq(eventRegistrations.id, id)).returning();
  return row!;
}

/** The first people on the waitlist, in the order they joined it. */
export async function firstWaitlisted(db: Db, eventId: string, limit: number): Promise<RegistrationRow[]> {
  return db
    .select()
    .from(eventRegistrations)
    .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.state, 'waitlisted')))
    .orderBy(asc(eventRegistrations.waitlistedAt), asc(eventRegistrations.id))
    .limit(limit);
}

/** When the last person joined the waitlist (null: nobody waits). */
export async function lastWaitlistedAt(db: Db, eventId: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(eventRegistrations.waitlistedAt) })
    .from(eventRegistrations)
    .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.state, 'waitlisted')));
  return row?.at ?? null;
}

/** 1 for the first person on the waitlist. */
export async function waitlistPosition(db: Db, reg: Pick<RegistrationRow, 'id' | 'eventId' | 'waitlistedAt'>): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(eventRegistrations)
    .where(
      and(
        eq(eventRegistrations.eventId, reg.eventId),
        eq(eventRegistrations.state, 'waitlisted'),
        sql`(${eventRegistrations.waitlistedAt}, ${eventRegistrations.id}) < (${reg.waitlistedAt}, ${reg.id})`,
      ),
    );
  return Number(row?.n ?? 0) + 1;
}

export interface Recipient {
  registration: RegistrationRow;
  user: { id: string; name: string; email: string; locale: 'ja' | 'en' | null };
}

/** Members (not walk-ins) with a registration in one of these states whose account is active: who event mail goes to. */
export async function recipients(db: Db, eventId: string, states: RegistrationState[]): Promise<Recipient[]> {
  const rows = await db
    .select({ registration: eventRegistrations, user: { id: users.id, name: users.name, email: users.email, locale: users.locale } })
    .from(eventRegistrations)
    .innerJoin(users, eq(users.id, eventRegistrations.userId))
    .where(and(eq(eventRegistrations.eventId, eventId), inArray(eventRegistrations.state, states), isNotNull(eventRegistrations.userId), eq(users.status, 'active')))
    .orderBy(asc(eventRegistrations.createdAt), asc(eventRegistrations.id));
  return rows;
}

export async function recipient(db: Db, registrationId: string): Promise<Recipient | null> {
  const [row] = await db
    .select({ registration: eventRegistrations, user: { id: users.id, name: users.name, email: users.email, locale: users.locale } })
    .from(eventRegistrations)
    .innerJoin(users, eq(users.id, eventRegistrations.userId))
    .where(and(eq(eventRegistrations.id, registrationId), eq(users.status, 'active')));
  return row ?? null;
}

// ---------------------------------------------------------------- reminders

/** Published events starting in (now, until] whose reminder has not gone out. */
export async function dueForReminder(db: Db, now: Date, until: Date): Promise<{ id: string }[]> {
  return db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.state, 'published'), isNull(events.reminderSentAt), gt(events.startsAt, now), lte(events.startsAt, until)))
    .orderBy(asc(events.startsAt));
}

/** Marks the reminder sent and returns the event; null when another run got there first (claim and mail share one transaction). */
export async function claimReminder(db: Db, id: string, now: Date): Promise<EventRow | null> {
  const [row] = await db
    .update(events)
    .set({ reminderSentAt: now })
    .where(and(eq(events.id, id), isNull(events.reminderSentAt), eq(events.state, 'published')))
    .returning();
  return row ?? null;
}
