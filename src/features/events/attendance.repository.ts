/**
 * Attendance queries: registrations found by check-in code, check-ins (single-use: the update
 * only touches a registration not yet checked in), walk-ins, ratings, the attendee list, and
 * the figures for analytics — one set-based statement for one event or for every past event.
 */
import { and, asc, eq, gte, isNull, lt, ne, notExists, or, isNotNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { eventRegistrations, events, mailMessages, users } from '../../db/schema.ts';
import { rowsOf } from '../../db/sql.ts';
import type { EventRow } from './audience.ts';

export type { EventRow };

const checker = alias(users, 'checker');

/** One registration as attendance pages show it: the member's account name, or the walk-in's. */
const attendeeColumns = {
  id: eventRegistrations.id,
  userId: eventRegistrations.userId,
  name: sql<string>`coalesce(${users.name}, ${eventRegistrations.guestName}, '')`,
  email: sql<string | null>`coalesce(${users.email}, ${eventRegistrations.guestEmail})`,
  state: eventRegistrations.state,
  walkIn: eventRegistrations.walkIn,
  answers: eventRegistrations.answers,
  checkedInAt: eventRegistrations.checkedInAt,
  checkedInByName: checker.name,
  waitlistedAt: eventRegistrations.waitlistedAt,
  cancelledAt: eventRegistrations.cancelledAt,
  rating: eventRegistrations.rating,
  ratingComment: eventRegistrations.ratingComment,
  ratedAt: eventRegistrations.ratedAt,
  createdAt: eventRegistrations.createdAt,
};

export interface AttendeeRow {
  id: string;
  userId: string | null;
  name: string;
  email: string | null;
  state: 'registered' | 'waitlisted' | 'cancelled';
  walkIn: boolean;
  answers: Record<string, string>;
  checkedInAt: Date | null;
  checkedInByName: string | null;
  waitlistedAt: Date | null;
  cancelledAt: Date | null;
  rating: number | null;
  ratingComment: string | null;
  ratedAt: Date | null;
  createdAt: Date;
}

function attendees(db: Db) {
  return db
    .select(attendeeColumns)
    .from(eventRegistrations)
    .leftJoin(users, eq(users.id, eventRegistrations.userId))
    .leftJoin(checker, eq(checker.id, eventRegistrations.checkedInBy));
}

/**
 * The registration of this event whose code matches `key` (already upper-cased, without spaces
 * or hyphens). The stored code is compared the same way, so the format codes are printed in does
 * not matter; the event's own registrations are few, found by its index first.
 */
export async function attendeeByCode(db: Db, eventId: string, key: string): Promise<AttendeeRow | null> {
  const [row] = await attendees(db)
    .where(and(eq(eventRegistrations.eventId, eventId), sql`upper(translate(${eventRegistrations.checkInCode}, '- ', '')) = ${key}`))
    .limit(1);
  return row ?? null;
}

export async function attendeeById(db: Db, id: string): Promise<AttendeeRow | null> {
  const [row] = await attendees(db).where(eq(eventRegistrations.id, id));
  return row ?? null;
}

/** Every registration of the event: registered first, then walk-ins, the waitlist in order, cancelled. */
export async function attendeesOf(db: Db, eventId: string): Promise<AttendeeRow[]> {
  return attendees(db)
    .where(eq(eventRegistrations.eventId, eventId))
    .orderBy(
      sql`case when ${eventRegistrations.state} = 'registered' and not ${eventRegistrations.walkIn} then 0 when ${eventRegistrations.state} = 'registered' then 1 when ${eventRegistrations.state} = 'waitlisted' then 2 else 3 end`,
      asc(sql`coalesce(${eventRegistrations.waitlistedAt}, ${eventRegistrations.createdAt})`),
      asc(eventRegistrations.id),
    );
}

/**
 * Checks a registered person in. Only a registration not yet checked in changes, so two
 * phones scanning one code at once check in once; returns whether this call did it.
 */
export async function markCheckedIn(tx: Db, id: string, by: string, now: Date): Promise<boolean> {
  const rows = await tx
    .update(eventRegistrations)
    .set({ checkedInAt: now, checkedInBy: by, updatedAt: now })
    .where(and(eq(eventRegistrations.id, id), eq(eventRegistrations.state, 'registered'), isNull(eventRegistrations.checkedInAt)))
    .returning({ id: eventRegistrations.id });
  return rows.length > 0;
}

/** A waitlisted or cancelled member who turned up: registered as a walk-in, checked in. */
export async function admitAsWalkIn(tx: Db, id: string, by: string, now: Date): Promise<void> {
  await tx
    .update(eventRegistrations)
    .set({ state: 'registered', walkIn: true, cancelledAt: null, checkedInAt: now, checkedInBy: by, updatedAt: now })
    .where(eq(eventRegistrations.id, id));
}

/** An active member with this e-mail address (any case), if there is one. */
export async function activeMemberByEmail(db: Db, email: string) {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, isManager: users.isManager, twoFactorEnabled: users.twoFactorEnabled, locale: users.locale })
    .from(users)
    .where(and(sql`lower(${users.email}) = lower(${email})`, eq(users.status, 'active')));
  return row ?? null;
}

/** Checked in N of M registered (walk-ins included in both), and how many walk-ins. */
export async function checkInCounts(db: Db, eventId: string): Promise<{ registered: number; checkedIn: number; walkIns: number }> {
  const [row] = await db
    .select({
      registered: sql<number>`count(*) filter (where ${eventRegistrations.state} = 'registered')::int`,
      checkedIn: sql<number>`count(*) filter (where ${eventRegistrations.state} = 'registered' and ${eventRegistrations.checkedInAt} is not null)::int`,
      walkIns: sql<number>`count(*) filter (where ${eventRegistrations.state} = 'registered' and ${eventRegistrations.walkIn})::int`,
    })
    .from(eventRegistrations)
    .where(eq(eventRegistrations.eventId, eventId));
  return row ?? { registered: 0, checkedIn: 0, walkIns: 0 };
}

export async function saveRating(db: Db, id: string, rating: number, comment: string | null, now: Date): Promise<void> {
  await db.update(eventRegistrations).set({ rating, ratingComment: comment, ratedAt: now, updatedAt: now }).where(eq(eventRegistrations.id, id));
}

/**
 * Members to ask for a rating: they attended (checked in; online and hybrid: registered) a
 * published event that ended in [from, to), are active, have not rated it, and have not been
 * asked (the mail ledger holds the key) — so an hourly tick finds each of them once.
 */
export async function dueForFeedback(db: Db, from: Date, to: Date, keyPrefix: string) {
  return db
    .select({
      registrationId: eventRegistrations.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      locale: users.locale,
      eventId: events.id,
      title: events.title,
      endsAt: events.endsAt,
      timeZone: events.timeZone,
    })
    .from(eventRegistrations)
    .innerJoin(events, eq(events.id, eventRegistrations.eventId))
    .innerJoin(users, eq(users.id, eventRegistrations.userId))
    .where(
      and(
        eq(events.state, 'published'),
        gte(events.endsAt, from),
        lt(events.endsAt, to),
        eq(eventRegistrations.state, 'registered'),
        isNull(eventRegistrations.rating),
        or(isNotNull(eventRegistrations.checkedInAt), ne(events.format, 'in_person')),
        eq(users.status, 'active'),
        notExists(db.select({ one: sql`1` }).from(mailMessages).where(eq(mailMessages.key, sql`${keyPrefix} || ${eventRegistrations.id}::text`))),
      ),
    );
}

// ---------------------------------------------------------------- figures

/**
 * Every attendance (a checked-in registration of a published event) with the person it belongs
 * to: the member, else a walk-in guest by e-mail address, else that one registration (a guest
 * without an address cannot be recognised at a later event).
 */
const ATTENDED = sql`
  attended as (
    select r.event_id, e.starts_at,
           coalesce(r.user_id, 'mail:' || lower(r.guest_email), 'registration:' || r.id::text) as person
    from event_registrations r
    join events e on e.id = r.event_id
    where r.checked_in_at is not null and e.state = 'published'
  )`;

export interface EventFigures {
  id: string;
  title: string;
  format: EventRow['format'];
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number | null;
  /** Registered in advance (walk-ins not counted), still registered. */
  registered: number;
  waitlisted: number;
  cancelled: number;
  walkIns: number;
  /** Checked in (walk-ins included). */
  attended: number;
  /** Registered in advance and not checked in (no-shows once the event is over). */
  notCheckedIn: number;
  /** Attendees who had attended an earlier event (one that started before this one). */
  repeatAttendees: number;
  ratings: number;
  averageRating: number | null;
}

/** A timestamp parameter (ISO text, typed in SQL: both drivers read it the same way). */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/** The figures of the events matching `where` (a condition on `e`), newest first, in one statement. */
async function figures(db: Db, where: SQL): Promise<EventFigures[]> {
  const result = await db.execute(sql`
    with ${ATTENDED},
    firsts as (select person, min(starts_at) as first_at from attended group by person),
    repeats as (
      select a.event_id, count(*) filter (where f.first_at < a.starts_at)::int as repeat_attendees
      from attended a join firsts f on f.person = a.person
      group by a.event_id
    )
    select e.id, e.title, e.format, e.time_zone, e.starts_at, e.ends_at, e.capacity,
      count(r.id) filter (where r.state = 'registered' and not r.walk_in)::int as registered,
      count(r.id) filter (where r.state = 'waitlisted')::int as waitlisted,
      count(r.id) filter (where r.state = 'cancelled')::int as cancelled,
      count(r.id) filter (where r.state = 'registered' and r.walk_in)::int as walk_ins,
      count(r.id) filter (where r.state = 'registered' and r.checked_in_at is not null)::int as attended,
      count(r.id) filter (where r.state = 'registered' and not r.walk_in and r.checked_in_at is null)::int as not_checked_in,
      coalesce(max(rp.repeat_attendees), 0)::int as repeat_attendees,
      count(r.rating)::int as ratings,
      avg(r.rating)::float8 as average_rating
    from events e
    left join event_registrations r on r.event_id = e.id
    left join repeats rp on rp.event_id = e.id
    where ${where}
    group by e.id
    order by e.starts_at desc, e.id`);
  return rowsOf(result).map((r) => ({
    id: String(r.id),
    title: String(r.title),
    format: r.format as EventRow['format'],
    timeZone: String(r.time_zone),
    startsAt: toDate(r.starts_at),
    endsAt: toDate(r.ends_at),
    capacity: r.capacity === null ? null : Number(r.capacity),
    registered: Number(r.registered),
    waitlisted: Number(r.waitlisted),
    cancelled: Number(r.cancelled),
    walkIns: Number(r.walk_ins),
    attended: Number(r.attended),
    notCheckedIn: Number(r.not_checked_in),
    repeatAttendees: Number(r.repeat_attendees),
    ratings: Number(r.ratings),
    averageRating: r.average_rating === null ? null : Number(r.average_rating),
  }));
}

export async function eventFigures(db: Db, eventId: string): Promise<EventFigures | null> {
  const [row] = await figures(db, sql`e.id = ${eventId}`);
  return row ?? null;
}

/** Published events that ended in [since, now) (since null: all of them). */
export async function pastEventFigures(db: Db, since: Date | null, now: Date): Promise<EventFigures[]> {
  return figures(db, sql`e.state = 'published' and e.ends_at < ${at(now)} ${since ? sql`and e.ends_at >= ${at(since)}` : sql``}`);
}

/** People who attended an event that started in [since, now], and how many of them attended two or more of those. */
export async function repeatAttendance(db: Db, since: Date, now: Date): Promise<{ attendees: number; repeaters: number }> {
  const result = await db.execute(sql`
    with ${ATTENDED},
    recent as (
      select person, count(distinct event_id) as events
      from attended
      where starts_at >= ${at(since)} and starts_at <= ${at(now)}
      group by person
    )
    select count(*)::int as attendees, count(*) filter (where events >= 2)::int as repeaters from recent`);
  const [row] = rowsOf(result);
  return { attendees: Number(row?.attendees ?? 0), repeaters: Number(row?.repeaters ?? 0) };
}
