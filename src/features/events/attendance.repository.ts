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
 * A person across events: the member, else a walk-in guest by e-mail address, else that one
 * registration (a guest without an address cannot be recognised at another event).
 */
const PERSON = sql`coalesce(r.user_id, 'mail:' || lower(r.guest_email), 'registration:' || r.id::text)`;

/** The registration counts of one event, over its registrations `r` (grouped by event). */
const COUNTS = sql`
  count(r.event_id) filter (where r.state = 'registered' and not r.walk_in)::int as registered,
  count(r.event_id) filter (where r.state = 'waitlisted')::int as waitlisted,
  count(r.event_id) filter (where r.state = 'cancelled')::int as cancelled,
  count(r.event_id) filter (where r.state = 'registered' and r.walk_in)::int as walk_ins,
  count(r.event_id) filter (where r.state = 'registered' and r.checked_in_at is not null)::int as attended,
  count(r.event_id) filter (where r.state = 'registered' and not r.walk_in and r.checked_in_at is null)::int as not_checked_in,
  count(r.rating)::int as ratings,
  avg(r.rating)::float8 as average_rating`;

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

function figuresOf(rows: Record<string, unknown>[]): EventFigures[] {
  return rows.map((r) => ({
    id: String(r.id),
    title: String(r.title),
    format: r.format as EventRow['format'],
    timeZone: String(r.time_zone),
    startsAt: toDate(r.starts_at),
    endsAt: toDate(r.ends_at),
    capacity: r.capacity === null ? null : Number(r.capacity),
    registered: Number(r.registered ?? 0),
    waitlisted: Number(r.waitlisted ?? 0),
    cancelled: Number(r.cancelled ?? 0),
    walkIns: Number(r.walk_ins ?? 0),
    attended: Number(r.attended ?? 0),
    notCheckedIn: Number(r.not_checked_in ?? 0),
    repeatAttendees: Number(r.repeat_attendees ?? 0),
    ratings: Number(r.ratings ?? 0),
    averageRating: r.average_rating === null || r.average_rating === undefined ? null : Number(r.average_rating),
  }));
}

/** An attendance: a checked-in registration `r` (still registered) of a published event `e`. */
const attendedAt = (r: string, e: string) => sql.raw(`${r}.state = 'registered' and ${r}.checked_in_at is not null and ${e}.state = 'published'`);

/**
 * One event's figures. Its repeat attendees are found from its own attendees: members through the
 * index on user_id, walk-in guests by address — the history is never read as a whole.
 */
export async function eventFigures(db: Db, eventId: string): Promise<EventFigures | null> {
  const earlier = (match: SQL) => sql`exists (
    select 1 from event_registrations r2 join events e2 on e2.id = r2.event_id
    where ${match} and ${attendedAt('r2', 'e2')} and e2.starts_at < e.starts_at)`;
  const result = await db.execute(sql`
    select e.id, e.title, e.format, e.time_zone, e.starts_at, e.ends_at, e.capacity, ${COUNTS},
      (select count(*)::int from event_registrations m
        where m.event_id = e.id and ${attendedAt('m', 'e')} and (
          (m.user_id is not null and ${earlier(sql`r2.user_id = m.user_id`)})
          or (m.user_id is null and m.guest_email is not null and ${earlier(sql`r2.user_id is null and lower(r2.guest_email) = lower(m.guest_email)`)})
        )) as repeat_attendees
    from events e
    left join event_registrations r on r.event_id = e.id
    where e.id = ${eventId}
    group by e.id`);
  return figuresOf(rowsOf(result))[0] ?? null;
}

/**
 * Published events that ended in [since, now) (since null: all of them), newest first, in one
 * statement. Every registration is read once: a window over each person's attendances gives
 * their first, and an attendance after it is a repeat. (No self-join: without statistics, as on
 * the embedded database, the planner took a join of the history with itself for a nested loop.)
 */
export async function pastEventFigures(db: Db, since: Date | null, now: Date): Promise<EventFigures[]> {
  const result = await db.execute(sql`
    select e.id, e.title, e.format, e.time_zone, e.starts_at, e.ends_at, e.capacity,
      p.registered, p.waitlisted, p.cancelled, p.walk_ins, p.attended, p.not_checked_in, p.repeat_attendees, p.ratings, p.average_rating
    from events e
    left join (
      select r.event_id, ${COUNTS}, count(r.event_id) filter (where r.repeat)::int as repeat_attendees
      from (
        select a.*, a.attended and min(case when a.attended then a.starts_at end) over (partition by a.person) < a.starts_at as repeat
        from (
          select r.event_id, r.state, r.walk_in, r.checked_in_at, r.rating, e.starts_at, ${PERSON} as person, ${attendedAt('r', 'e')} as attended
          from event_registrations r join events e on e.id = r.event_id
        ) a
      ) r
      group by r.event_id
    ) p on p.event_id = e.id
    where e.state = 'published' and e.ends_at < ${at(now)} ${since ? sql`and e.ends_at >= ${at(since)}` : sql``}
    order by e.starts_at desc, e.id`);
  return figuresOf(rowsOf(result));
}

/** People who attended an event that started in [since, now], and how many of them attended two or more of those. */
export async function repeatAttendance(db: Db, since: Date, now: Date): Promise<{ attendees: number; repeaters: number }> {
  const result = await db.execute(sql`
    with recent as (
      select ${PERSON} as person, count(distinct r.event_id) as events
      from event_registrations r join events e on e.id = r.event_id
      where ${attendedAt('r', 'e')} and e.starts_at >= ${at(since)} and e.starts_at <= ${at(now)}
      group by 1
    )
    select count(*)::int as attendees, count(*) filter (where events >= 2)::int as repeaters from recent`);
  const [row] = rowsOf(result);
  return { attendees: Number(row?.attendees ?? 0), repeaters: Number(row?.repeaters ?? 0) };
}
