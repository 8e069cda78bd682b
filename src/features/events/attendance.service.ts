/**
 * What happens at and after an event: check-in by code (typed, or the QR code's URL), walk-ins,
 * ratings, the attendee list and its export, and attendance figures for analytics.
 *
 * Who may do what (audience.ts): organisers (operators, community managers, a group's managers
 * for their group's events) and the event's hosts check people in; only organisers see the
 * attendee list and export it — a host needs one attendee at a time, found by their code, not
 * everyone's answers. E-mail addresses are shown to operators and community managers only; a
 * group manager is a member like the attendees and sees names. Anyone else gets NOT_FOUND, as
 * for an event they cannot see.
 */
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { EventQuestion, RegistrationState } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { CSV_BOM, csvRecords } from '../../shared/csv.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { formatDate, type Messages } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { toZonedInput } from '../../shared/i18n/zoned.ts';
import { canCheckIn, canManageEvent, eventViewerOf } from './audience.ts';
import { MAX_RATING_COMMENT, type Period } from './attendance.form.ts';
import * as repo from './attendance.repository.ts';
import * as events from './events.repository.ts';
import { newCheckInCode } from './qr.ts';

export type { EventFigures, EventRow } from './attendance.repository.ts';
export type { EventQuestion, RegistrationState };

/** Ratings can be given and changed for this long after the event ends. */
export const RATING_DAYS = 14;
/** The network view's overall repeat attendance looks back this far. */
export const REPEAT_WINDOW_DAYS = 90;

const DAY = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------- codes

/**
 * A typed or scanned code as the database compares it: full-width characters folded (a Japanese
 * keyboard types ＡＢＣ), spaces and any kind of hyphen dropped, upper case. A whole check-in URL
 * (a hand-held scanner types the QR code's content) gives its `code` parameter.
 */
export function codeKey(input: string): string {
  let raw = input.normalize('NFKC').trim();
  if (/^https?:\/\//i.test(raw) && URL.canParse(raw)) raw = new URL(raw).searchParams.get('code') ?? '';
  return raw.replace(/[\s\-‐‑‒–—―−ー]/gu, '').toUpperCase();
}

/** Codes are letters and digits only, never long: anything else cannot match and is not looked up. */
const PLAUSIBLE_CODE = /^[A-Z0-9]{1,64}$/;

// ---------------------------------------------------------------- view models

export interface AttendeeView {
  id: string;
  name: string;
  /** Null when the viewer may not see e-mail addresses, or there is none. */
  email: string | null;
  member: boolean;
  state: RegistrationState;
  walkIn: boolean;
  /** One answer per question of the event, in the questions' order ('' when not answered). */
  answers: { label: string; value: string }[];
  checkedInAt: Date | null;
  checkedInByName: string | null;
  registeredAt: Date;
  waitlistedAt: Date | null;
  rating: number | null;
  ratingComment: string | null;
}

function presentAttendee(row: repo.AttendeeRow, questions: EventQuestion[], showEmail: boolean): AttendeeView {
  return {
    id: row.id,
    name: row.name,
    email: showEmail ? row.email : null,
    member: row.userId !== null,
    state: row.state,
    walkIn: row.walkIn,
    answers: questions.map((q) => ({ label: q.label, value: row.answers[q.id] ?? '' })),
    checkedInAt: row.checkedInAt,
    checkedInByName: row.checkedInByName,
    registeredAt: row.createdAt,
    waitlistedAt: row.waitlistedAt,
    rating: row.rating,
    ratingComment: row.ratingComment,
  };
}

/**
 * What a code (or a walk-in) came to. `ready`: registered and not yet checked in (a GET shows
 * this with a confirm button); `checkedIn`: this request checked them in; `already`: checked in
 * earlier (when and by whom is on the attendee); `waitlisted` / `cancelled`: not let in by code.
 */
export type Outcome =
  | { kind: 'ready' | 'checkedIn' | 'already' | 'waitlisted' | 'cancelled'; attendee: AttendeeView }
  | { kind: 'notFound' };

// ---------------------------------------------------------------- the check-in desk

export interface Desk {
  event: repo.EventRow;
  counts: { registered: number; checkedIn: number; walkIns: number };
  /** Check-in is open for published events only (not drafts, not cancelled events). */
  open: boolean;
  /** Organisers also get the attendee list; hosts only the desk. */
  canManage: boolean;
}

/** The event, for someone who may check people in; NOT_FOUND for everyone else. */
async function deskEvent(db: Db, actor: Actor, id: string): Promise<repo.EventRow> {
  authorize(actor, 'events.view');
  const event = UUID.test(id) ? await events.findEvent(db, id) : null;
  if (!event || !(await canCheckIn(db, actor, event))) throw new AppError('NOT_FOUND');
  return event;
}

export async function checkInDesk(db: Db, actor: Actor, eventId: string): Promise<Desk> {
  const event = await deskEvent(db, actor, eventId);
  return { event, counts: await repo.checkInCounts(db, eventId), open: event.state === 'published', canManage: await canManageEvent(db, actor, event) };
}

function outcomeOf(row: repo.AttendeeRow | null, event: repo.EventRow, showEmail: boolean): Outcome {
  if (!row) return { kind: 'notFound' };
  const attendee = presentAttendee(row, event.questions, showEmail);
  if (row.state === 'waitlisted') return { kind: 'waitlisted', attendee };
  if (row.state === 'cancelled') return { kind: 'cancelled', attendee };
  return { kind: row.checkedInAt ? 'already' : 'ready', attendee };
}

/** Who a code belongs to, without changing anything (the page a QR code's URL opens). */
export async function lookUpCode(db: Db, actor: Actor, eventId: string, code: string): Promise<Outcome> {
  const event = await deskEvent(db, actor, eventId);
  const key = codeKey(code);
  if (!PLAUSIBLE_CODE.test(key)) return { kind: 'notFound' };
  return outcomeOf(await repo.attendeeByCode(db, eventId, key), event, can(actor, 'events.manage'));
}

/**
 * Checks in the registration with this code. Single use: a second check-in leaves the first
 * time and person as they were and says so; each real check-in writes one audit row. A code of
 * another event is not found here (the lookup is within this event), so nothing leaks.
 */
export async function checkIn(db: Db, actor: Actor, eventId: string, code: string, ip?: string, now = new Date()): Promise<Outcome> {
  const event = await deskEvent(db, actor, eventId);
  if (event.state !== 'published') throw new AppError('CONFLICT', 'check-in is closed');
  const key = codeKey(code);
  if (!PLAUSIBLE_CODE.test(key)) return { kind: 'notFound' };
  const showEmail = can(actor, 'events.manage');
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const row = await repo.attendeeByCode(t, eventId, key);
    if (!row || row.state !== 'registered' || row.checkedInAt) return outcomeOf(row, event, showEmail);
    // Another phone may have checked the same person in a moment ago: then this one reports it.
    const done = await repo.markCheckedIn(t, row.id, actor.id, now);
    if (done) await audit(t, { action: 'event.checked_in', actor, subjectType: 'event_registration', subjectId: row.id, ip, details: { eventId } });
    const attendee = presentAttendee((await repo.attendeeById(t, row.id))!, event.questions, showEmail);
    return { kind: done ? 'checkedIn' : 'already', attendee };
  });
}

/**
 * Someone at the door without a registration. With the e-mail address of an active member who
 * may see the event, their own registration is used (checked in if registered; admitted if
 * waitlisted or cancelled) or made; otherwise a guest registration holds the name and address.
 * Walk-ins take no seat check: they are already there, so capacity may be exceeded.
 * `walkIn` on the outcome says how they were let in ('registered': they had a seat after all).
 */
export async function walkIn(
  db: Db,
  actor: Actor,
  eventId: string,
  input: { name: string; email: string | null },
  ip?: string,
  now = new Date(),
): Promise<Outcome & { walkIn?: 'guest' | 'member' | 'registered' }> {
  const event = await deskEvent(db, actor, eventId);
  if (event.state !== 'published') throw new AppError('CONFLICT', 'check-in is closed');
  const showEmail = can(actor, 'events.manage');
  const found = input.email ? await repo.activeMemberByEmail(db, input.email) : null;
  const member = found && (await events.findVisibleEvent(db, eventId, await eventViewerOf(db, { ...found, status: 'active', sessionId: '' }))) ? found : null;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // Seats change under the event's lock (registering does the same): a waitlisted member
    // admitted here is never also promoted by a cancellation at the same moment.
    await events.lockEvent(t, eventId);
    const existing = member ? await events.findRegistration(t, eventId, member.id) : null;
    let id: string;
    let how: 'guest' | 'member' | 'registered';
    if (existing?.state === 'registered') {
      // Registered after all (the code was left at home): an ordinary check-in.
      if (!(await repo.markCheckedIn(t, existing.id, actor.id, now))) return outcomeOf(await repo.attendeeById(t, existing.id), event, showEmail);
      [id, how] = [existing.id, 'registered'];
    } else if (existing) {
      await repo.admitAsWalkIn(t, existing.id, actor.id, now);
      [id, how] = [existing.id, 'member'];
    } else {
      const row = await events.insertRegistration(t, {
        eventId,
        userId: member?.id ?? null,
        guestName: member ? null : input.name,
        guestEmail: member ? null : input.email,
        state: 'registered',
        walkIn: true,
        checkInCode: newCheckInCode(),
        checkedInAt: now,
        checkedInBy: actor.id,
        createdAt: now,
        updatedAt: now,
      });
      // 50 random bits: a code already taken is practically impossible, and then the request simply fails.
      if (!row) throw new Error('walk-in: check-in code already taken');
      [id, how] = [row.id, member ? 'member' : 'guest'];
    }
    await audit(t, { action: 'event.checked_in', actor, subjectType: 'event_registration', subjectId: id, ip, details: { eventId, walkIn: how } });
    return { kind: 'checkedIn' as const, attendee: presentAttendee((await repo.attendeeById(t, id))!, event.questions, showEmail), walkIn: how };
  });
}

// ---------------------------------------------------------------- the attendee list and export

/** The event, for its organisers; NOT_FOUND for everyone else (hosts included). */
async function managedEvent(db: Db, actor: Actor, id: string): Promise<repo.EventRow> {
  authorize(actor, 'events.view');
  const event = UUID.test(id) ? await events.findEvent(db, id) : null;
  if (!event || !(await canManageEvent(db, actor, event))) throw new AppError('NOT_FOUND');
  return event;
}

export interface AttendeeList {
  event: repo.EventRow;
  figures: repo.EventFigures;
  attendees: AttendeeView[];
  showEmails: boolean;
  ended: boolean;
}

/**
 * The attendee list with the event's figures. Viewing it is audited like the other views of
 * members' personal data by staff (names, answers, ratings, for operators e-mail addresses).
 */
export async function attendeeList(db: Db, actor: Actor, eventId: string, ip?: string, now = new Date()): Promise<AttendeeList> {
  const event = await managedEvent(db, actor, eventId);
  const showEmails = can(actor, 'events.manage');
  const [rows, figures] = await Promise.all([repo.attendeesOf(db, eventId), repo.eventFigures(db, eventId)]);
  await audit(db, { action: 'personal_data.viewed', actor, subjectType: 'event_attendees', subjectId: eventId, ip, details: { rows: rows.length, emails: showEmails } });
  return { event, figures: figures!, attendees: rows.map((r) => presentAttendee(r, event.questions, showEmails)), showEmails, ended: event.endsAt <= now };
}

/**
 * The attendee list as Excel-safe CSV (BOM, CRLF, formulas neutralised), headed in the viewer's
 * language, times in the event's time zone. Audited with the number of rows.
 */
export async function exportAttendees(db: Db, actor: Actor, eventId: string, m: Messages, ip?: string): Promise<{ fileName: string; csv: string }> {
  const event = await managedEvent(db, actor, eventId);
  const showEmails = can(actor, 'events.manage');
  const rows = (await repo.attendeesOf(db, eventId)).map((r) => presentAttendee(r, event.questions, showEmails));
  const c = m.attendance.csv;
  const zone = event.timeZone;
  const time = (d: Date | null) => (d ? toZonedInput(d, zone).replace('T', ' ') : '');
  const withZone = (label: string) => `${label} (${zone})`;
  const header = [
    c.name,
    ...(showEmails ? [c.email] : []),
    c.kind,
    c.state,
    c.walkIn,
    withZone(c.registeredAt),
    withZone(c.checkedInAt),
    c.checkedInBy,
    c.rating,
    c.ratingComment,
    ...event.questions.map((q) => q.label),
  ];
  const records = rows.map((a) => [
    a.name,
    ...(showEmails ? [a.email ?? ''] : []),
    a.member ? c.member : c.guest,
    m.attendance.states[a.state],
    a.walkIn ? c.yes : '',
    time(a.registeredAt),
    time(a.checkedInAt),
    a.checkedInByName ?? '',
    a.rating ?? '',
    a.ratingComment ?? '',
    ...a.answers.map((x) => x.value),
  ]);
  await audit(db, { action: 'event.attendees_exported', actor, subjectType: 'event', subjectId: eventId, ip, details: { rows: records.length, emails: showEmails } });
  return { fileName: `attendees-${toZonedInput(event.startsAt, zone).slice(0, 10)}.csv`, csv: `${CSV_BOM}${csvRecords([header, ...records])}` };
}

// ---------------------------------------------------------------- ratings

/**
 * Where a member stands with rating an event: `open` (they may rate or change their rating),
 * `notYet` (the event has not ended), `notAttendee`, `closed` (the 14 days are over) or
 * `cancelled` (the event did not take place).
 */
export type FeedbackStatus = 'open' | 'notYet' | 'notAttendee' | 'closed' | 'cancelled';

export interface Feedback {
  event: repo.EventRow;
  status: FeedbackStatus;
  rating: number | null;
  comment: string | null;
  /** Until when a rating can be given or changed. */
  closesAt: Date;
}

/**
 * Attended: checked in; for online and hybrid events every registered person (nobody checks in
 * at a meeting link, and a hybrid event's online half never passes the desk).
 */
function attended(event: repo.EventRow, reg: { state: RegistrationState; checkedInAt: Date | null } | null): boolean {
  if (!reg || reg.state !== 'registered') return false;
  return reg.checkedInAt !== null || event.format !== 'in_person';
}

/** The member's rating page. An event they cannot see and never registered for is NOT_FOUND. */
export async function feedbackOf(db: Db, actor: Actor, eventId: string, now = new Date()): Promise<Feedback & { registrationId: string | null }> {
  authorize(actor, 'events.view');
  const event = UUID.test(eventId) ? await events.findEvent(db, eventId) : null;
  if (!event) throw new AppError('NOT_FOUND');
  const reg = await events.findRegistration(db, eventId, actor.id);
  // Someone who attended may rate even if the event's audience has changed since.
  if (!reg && !(await events.findVisibleEvent(db, eventId, await eventViewerOf(db, actor, now)))) throw new AppError('NOT_FOUND');
  const closesAt = new Date(event.endsAt.getTime() + RATING_DAYS * DAY);
  const status: FeedbackStatus =
    event.state === 'cancelled' ? 'cancelled' : now < event.endsAt ? 'notYet' : !attended(event, reg) ? 'notAttendee' : now > closesAt ? 'closed' : 'open';
  return { event, status, rating: reg?.rating ?? null, comment: reg?.ratingComment ?? null, closesAt, registrationId: reg?.id ?? null };
}

/** Saves (or changes) the member's rating: 1–5 and an optional comment. FORBIDDEN unless the page is open to them. */
export async function rateEvent(db: Db, actor: Actor, eventId: string, input: { rating: number; comment: string }, now = new Date()): Promise<void> {
  const feedback = await feedbackOf(db, actor, eventId, now);
  if (feedback.status !== 'open' || !feedback.registrationId) throw new AppError('FORBIDDEN', `rating is ${feedback.status}`);
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5 || Array.from(input.comment).length > MAX_RATING_COMMENT) throw new AppError('VALIDATION');
  await repo.saveRating(db, feedback.registrationId, input.rating, input.comment.trim() || null, now);
}

/** The "how was it?" mail goes out a day after the event ends; a tick missed for up to two more days catches up. */
const FEEDBACK_AFTER = DAY;
const FEEDBACK_UNTIL = 3 * DAY;
const FEEDBACK_KEY = 'event-feedback:';

/**
 * Asks every attendee of events that ended a day ago (and have not rated them) how it was: one
 * mail each, in their language, with the rating page's link. Meant for the events' hourly tick;
 * the ledger key makes a repeated run send nothing twice. Returns the number of mails queued.
 */
export async function requestFeedback(db: Db, site: Pick<Config, 'baseUrl'>, now = new Date()): Promise<number> {
  const due = await repo.dueForFeedback(db, new Date(now.getTime() - FEEDBACK_UNTIL), new Date(now.getTime() - FEEDBACK_AFTER), FEEDBACK_KEY);
  let queued = 0;
  for (const r of due) {
    const locale = r.locale ?? 'ja';
    const id = await queueMail(db, {
      key: `${FEEDBACK_KEY}${r.registrationId}`,
      to: r.email,
      userId: r.userId,
      locale,
      template: 'eventFeedback',
      vars: {
        network: await networkName(db, locale),
        name: r.name,
        title: r.title,
        url: `${site.baseUrl}/events/${r.eventId}/feedback`,
        until: formatDate(new Date(r.endsAt.getTime() + RATING_DAYS * DAY), locale, r.timeZone),
      },
    });
    if (id) queued++;
  }
  return queued;
}

// ---------------------------------------------------------------- analytics

export interface NetworkAttendance {
  events: repo.EventFigures[];
  /** People who attended an event in the last 90 days, and how many of them came to two or more of those events. */
  repeat: { attendees: number; repeaters: number };
}

/** Figures of every past published event in the period, and the overall repeat attendance (operators and community managers). */
export async function networkAttendance(db: Db, actor: Actor, period: Period, now = new Date()): Promise<NetworkAttendance> {
  authorize(actor, 'events.manage');
  const since = period === 'all' ? null : new Date(now.getTime() - Number(period) * DAY);
  const [events, repeat] = await Promise.all([
    repo.pastEventFigures(db, since, now),
    repo.repeatAttendance(db, new Date(now.getTime() - REPEAT_WINDOW_DAYS * DAY), now),
  ]);
  return { events, repeat };
}
