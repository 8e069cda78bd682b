/**
 * Events: organisers (operators, community managers, a group's managers for their group)
 * create, publish, change and cancel events; members of an event's audience see it, register
 * in one click, join the waitlist when it is full and cancel; the calendar file, the check-in
 * code with its QR, and every mail about a registration.
 *
 * Who sees an event is one SQL condition (audience.ts `visibleCondition`), used by the list,
 * the page, registration and the .ics alike: an event outside one's audience is NOT_FOUND.
 * Seats are counted and taken under a lock on the event row (registering, cancelling,
 * promoting from the waitlist, a new capacity), so concurrent registrations never over-book,
 * and every mail is queued in the transaction of the change it tells about.
 */
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { EventAudience, EventCategory, EventFormat, RegistrationState, Want } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { fmt, messages, type Locale } from '../../shared/i18n/index.ts';
import { queueMail, type MailTemplate } from '../../shared/mail/mail.ts';
import { parseSingleAddress } from '../../shared/mail/mailer.ts';
import { excerpt } from '../../shared/markdown.ts';
import { getNetworkSettings, networkName } from '../../shared/network.ts';
import { segmentChoices } from '../segments/segments.service.ts';
import { canManageEvent, eventViewerOf, managedGroupIds, type EventRow } from './audience.ts';
import type { EditorChoices, EventInput, Intent } from './event.form.ts';
import { eventIcs, googleCalendarUrl, type IcsMethod } from './ics.ts';
import { checkInUrl, newCheckInCode, qrPng } from './qr.ts';
import { whenText } from './events.present.ts';
import * as repo from './events.repository.ts';

export type { ListKind, RegistrationRow } from './events.repository.ts';
export type { EventRow } from './audience.ts';

export const PAGE_SIZE = 20;
/** The reminder goes out once an event starts within this long. */
export const REMINDER_LEAD_MS = 24 * 3600 * 1000;
const CODE_ATTEMPTS = 5;

/** What event mail needs to know of the site: its address (links, the UID) and its sender (the organiser in the .ics). */
export type Site = Pick<Config, 'baseUrl' | 'mailFrom'>;

// ---------------------------------------------------------------- view models

/** An event as anyone who may see it sees it: never the address or the meeting link. */
export type PublicEvent = Omit<EventRow, 'venueAddress' | 'meetingUrl'>;

function publicOf(event: EventRow): PublicEvent {
  const { venueAddress: _address, meetingUrl: _url, ...rest } = event;
  return rest;
}

export interface EventCard {
  id: string;
  title: string;
  category: EventCategory;
  format: EventFormat;
  venueName: string | null;
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  state: EventRow['state'];
  audience: EventAudience;
  capacity: number | null;
  registered: number;
  myState: RegistrationState | null;
  /** The group a group event is for, by name. */
  groupName: string | null;
}

/** Why registration is closed, or null when it is open. */
export type ClosedReason = 'draft' | 'cancelled' | 'started' | 'deadline';

export function closedReason(event: Pick<EventRow, 'state' | 'startsAt' | 'registrationDeadline'>, now: Date): ClosedReason | null {
  if (event.state === 'draft') return 'draft';
  if (event.state === 'cancelled') return 'cancelled';
  if (event.startsAt <= now) return 'started';
  if (event.registrationDeadline && event.registrationDeadline <= now) return 'deadline';
  return null;
}

// ---------------------------------------------------------------- who sees what

/** The event when the actor may see it, or NOT_FOUND (also for one outside their audience). */
async function visibleEvent(db: Db, actor: Actor, id: string, now: Date): Promise<EventRow> {
  authorize(actor, 'events.view');
  const event = await repo.findVisibleEvent(db, id, await eventViewerOf(db, actor, now));
  if (!event) throw new AppError('NOT_FOUND');
  return event;
}

/** May the actor create events at all: organisers of every event, or managers of a group. */
export async function canCreateEvents(db: Db, actor: Actor): Promise<boolean> {
  if (can(actor, 'events.manage')) return true;
  return can(actor, 'events.view') && (await managedGroupIds(db, actor.id)).length > 0;
}

export async function listEvents(db: Db, actor: Actor, opts: { kind: repo.ListKind; page: number; now?: Date }): Promise<{ cards: EventCard[]; hasNext: boolean }> {
  authorize(actor, 'events.view');
  const now = opts.now ?? new Date();
  const rows = await repo.listEvents(db, await eventViewerOf(db, actor, now), { kind: opts.kind, now, limit: PAGE_SIZE + 1, offset: (opts.page - 1) * PAGE_SIZE });
  const cards = rows.slice(0, PAGE_SIZE).map((r) => ({
    id: r.id,
    title: r.title,
    category: r.category,
    format: r.format,
    venueName: r.venueName,
    timeZone: r.timeZone,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    state: r.state,
    audience: r.audience,
    capacity: r.capacity,
    registered: r.registered,
    myState: r.myState,
    groupName: r.groupName,
  }));
  return { cards, hasNext: rows.length > PAGE_SIZE };
}

export interface HomeEvent {
  id: string;
  title: string;
  startsAt: Date;
  timeZone: string;
  format: EventFormat;
  venueName: string | null;
  wants: Want[];
  category: EventCategory;
  groupId: string | null;
}

/** Published upcoming events the actor may see, soonest first, for the personalised home to rank. */
export async function upcomingEventsFor(db: Db, actor: Actor, now: Date, limit: number): Promise<HomeEvent[]> {
  if (!can(actor, 'events.view')) return [];
  const rows = await repo.upcomingPublished(db, await eventViewerOf(db, actor, now), now, Math.max(0, Math.min(limit, 200)));
  return rows.map((e) => ({
    id: e.id,
    title: e.title,
    startsAt: e.startsAt,
    timeZone: e.timeZone,
    format: e.format,
    venueName: e.venueName,
    wants: e.wants,
    category: e.category,
    groupId: e.groupId,
  }));
}

export interface EventPage {
  event: PublicEvent;
  /** Address and meeting link: only for people registered, organisers and hosts. */
  location: { venueAddress: string | null; meetingUrl: string | null } | null;
  hosts: { id: string; name: string }[];
  registered: number;
  registration: repo.RegistrationRow | null;
  /** Place on the waitlist (1 = next), when waitlisted. */
  position: number | null;
  /** Someone is on the waitlist: a seat given up goes to them. */
  someoneWaiting: boolean;
  closed: ClosedReason | null;
  canManage: boolean;
  canCheckIn: boolean;
  /** The group or segment the event is addressed to, by name (segments only for organisers). */
  audienceName: string | null;
}

/** One event with what the actor may know of it. */
export async function readEvent(db: Db, actor: Actor, id: string, now = new Date()): Promise<EventPage> {
  const event = await visibleEvent(db, actor, id, now);
  const [canManage, host, hosts, registered, registration, waiting] = await Promise.all([
    canManageEvent(db, actor, event),
    repo.isHost(db, id, actor.id),
    repo.hostsOf(db, id, actor.id),
    repo.countRegistered(db, id),
    repo.findRegistration(db, id, actor.id),
    repo.firstWaitlisted(db, id, 1),
  ]);
  const mayKnowPlace = canManage || host || registration?.state === 'registered';
  let audienceName: string | null = null;
  if (event.audience === 'group' && event.groupId) audienceName = await repo.groupName(db, event.groupId);
  if (event.audience === 'segment' && event.segmentId && canManage) audienceName = await repo.segmentName(db, event.segmentId);
  return {
    event: publicOf(event),
    location: mayKnowPlace ? { venueAddress: event.venueAddress, meetingUrl: event.meetingUrl } : null,
    hosts,
    registered,
    registration,
    position: registration?.state === 'waitlisted' ? await repo.waitlistPosition(db, registration) : null,
    someoneWaiting: waiting.length > 0,
    closed: closedReason(event, now),
    canManage,
    canCheckIn: canManage || host,
    audienceName,
  };
}

// ---------------------------------------------------------------- event mail

/** The lines saying where, for mail: format and venue for everyone, address and link only when `full`. */
function whereText(event: EventRow, locale: Locale, full: boolean): string {
  const p = messages(locale).events.page;
  const line = (label: string, value: string) => fmt(p.fact, { label, value });
  const lines = [line(p.format, messages(locale).events.formats[event.format])];
  if (event.venueName) lines.push(line(p.venue, event.venueName));
  if (full && event.venueAddress) lines.push(line(p.address, event.venueAddress));
  if (full && event.meetingUrl) lines.push(line(p.meetingUrl, event.meetingUrl));
  return lines.join('\n');
}

/** The LOCATION of a calendar entry: venue and address, and the meeting link. */
function locationOf(event: EventRow): string | null {
  const place = [event.venueName, event.venueAddress].filter(Boolean).join(', ');
  const parts = [event.format !== 'online' ? place : '', event.format !== 'in_person' ? (event.meetingUrl ?? '') : ''].filter(Boolean);
  return parts.length ? parts.join(' / ') : null;
}

const eventUrl = (site: Site, id: string) => `${site.baseUrl}/events/${id}`;

/**
 * The short link that redirects to the event's Google Calendar entry (`GET /events/:id/google`):
 * the entry itself is a URL of over a thousand characters, which mail clients wrap and break.
 */
export const googleCalendarPath = (id: string) => `/events/${id}/google`;

/** The calendar file of an event for one person (the address only in files of people who may know it). */
async function icsFor(db: Db, site: Site, event: EventRow, opts: { method: IcsMethod; attendee?: { name: string; email: string }; withLocation: boolean; locale: Locale; now: Date }): Promise<string> {
  return eventIcs(event, {
    method: opts.method,
    url: eventUrl(site, event.id),
    organizer: { name: await networkName(db, opts.locale), email: parseSingleAddress(site.mailFrom, 'MAIL_FROM').address },
    attendee: opts.attendee,
    location: opts.withLocation ? locationOf(event) : null,
    now: opts.now,
  });
}

function googleLink(site: Site, event: EventRow): string {
  const details = [event.description ? excerpt(event.description, 300) : '', eventUrl(site, event.id)].filter(Boolean).join('\n\n');
  return googleCalendarUrl(event, { details, location: locationOf(event) });
}

type MailKind = 'confirmed' | 'waitlisted' | 'promoted' | 'reminder' | 'changed' | 'changedWaitlisted' | 'cancelled';

const TEMPLATES: Record<MailKind, MailTemplate> = {
  confirmed: 'eventConfirmed',
  waitlisted: 'eventWaitlisted',
  promoted: 'eventPromoted',
  reminder: 'eventReminder',
  changed: 'eventChanged',
  changedWaitlisted: 'eventChangedWaitlisted',
  cancelled: 'eventCancelled',
};

/**
 * Queues one event mail to one member in their language (in the caller's transaction). What is
 * attached follows the kind: a seat's mail carries the QR code inline and the calendar entry
 * (METHOD:REQUEST); a change, the updated entry (people on the waitlist: no entry and no address,
 * they have no seat yet); a cancellation, METHOD:CANCEL.
 */
async function queueEventMail(
  db: Db,
  site: Site,
  kind: MailKind,
  args: { event: EventRow; person: repo.Recipient['user']; registration: repo.RegistrationRow; key: string; now: Date; position?: number },
): Promise<void> {
  const { event, person, registration, now } = args;
  const locale: Locale = person.locale ?? 'ja';
  const m = messages(locale).events;
  const seat = kind === 'confirmed' || kind === 'promoted' || kind === 'reminder';
  const attachments = [];
  if (seat) {
    const png = await qrPng(checkInUrl(site.baseUrl, event.id, registration.checkInCode));
    attachments.push({ filename: 'check-in.png', contentType: 'image/png', content: png.toString('base64'), cid: 'check-in-qr', alt: fmt(m.status.qrLabel, { code: registration.checkInCode }) });
  }
  const method: IcsMethod | null = kind === 'cancelled' ? 'CANCEL' : kind === 'reminder' || kind === 'waitlisted' || kind === 'changedWaitlisted' ? null : 'REQUEST';
  if (method) {
    const ics = await icsFor(db, site, event, { method, attendee: { name: person.name, email: person.email }, withLocation: kind !== 'cancelled', locale, now });
    attachments.push({ filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', contentType: `text/calendar; charset=UTF-8; method=${method}`, content: Buffer.from(ics).toString('base64') });
  }
  await queueMail(db, {
    key: args.key,
    to: person.email,
    userId: person.id,
    locale,
    template: TEMPLATES[kind],
    vars: {
      network: await networkName(db, locale),
      name: person.name,
      title: event.title,
      when: whenText(event, locale, (await getNetworkSettings(db))?.timeZone),
      where: whereText(event, locale, kind !== 'waitlisted' && kind !== 'changedWaitlisted' && kind !== 'cancelled'),
      code: registration.checkInCode,
      google: `${site.baseUrl}${googleCalendarPath(event.id)}`,
      url: eventUrl(site, event.id),
      position: String(args.position ?? ''),
      reason: event.cancelReason ?? '',
    },
    attachments,
  });
}

// ---------------------------------------------------------------- registering

const personOf = (actor: Actor): repo.Recipient['user'] => ({ id: actor.id, name: actor.name, email: actor.email, locale: actor.locale });

/** Answers fit the event's questions: only its questions, required ones given, choices among the options. */
function answersFit(event: EventRow, answers: Record<string, string>): boolean {
  const byId = new Map(event.questions.map((q) => [q.id, q]));
  if (Object.keys(answers).some((id) => !byId.has(id))) return false;
  return event.questions.every((q) => (answers[q.id] ? q.kind !== 'choice' || (q.options ?? []).includes(answers[q.id]!) : !q.required));
}

/** A new registration row with a fresh check-in code (a code already taken elsewhere is drawn again). */
async function insertWithCode(db: Db, values: Omit<repo.RegistrationValues, 'checkInCode'>): Promise<repo.RegistrationRow> {
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const row = await repo.insertRegistration(db, { ...values, checkInCode: newCheckInCode() });
    if (row) return row;
  }
  throw new Error('no unused check-in code after several attempts');
}

export type RegisterResult =
  | { ok: true; state: 'registered' | 'waitlisted'; position: number | null; already: boolean }
  | { ok: false; closed: ClosedReason };

/**
 * Registers the actor (answers already checked against the questions by the form): a seat
 * when one is free, else the waitlist. Registering again after cancelling reuses the row
 * (and its check-in code); registering twice changes nothing. `source` is where the link
 * came from (analytics).
 */
export async function register(
  db: Db,
  site: Site,
  actor: Actor,
  id: string,
  args: { answers: Record<string, string>; source: string | null },
  now = new Date(),
): Promise<RegisterResult> {
  const event = await visibleEvent(db, actor, id, now);
  if (!answersFit(event, args.answers)) throw new AppError('VALIDATION', 'answers do not fit the questions');
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const locked = (await repo.lockEvent(t, id))!;
    const closed = closedReason(locked, now);
    if (closed) return { ok: false, closed } as const;
    const existing = await repo.findRegistration(t, id, actor.id);
    if (existing && existing.state !== 'cancelled') {
      const position = existing.state === 'waitlisted' ? await repo.waitlistPosition(t, existing) : null;
      return { ok: true, state: existing.state, position, already: true } as const;
    }
    const taken = await repo.countRegistered(t, id);
    const state = locked.capacity === null || taken < locked.capacity ? 'registered' : 'waitlisted';
    // Waitlist order is the order of taking the lock: each newcomer is stamped after the last one.
    const last = state === 'waitlisted' ? await repo.lastWaitlistedAt(t, id) : null;
    const stamp = new Date(Math.max(now.getTime(), last ? last.getTime() + 1 : 0));
    const values = {
      state,
      answers: args.answers,
      waitlistedAt: state === 'waitlisted' ? stamp : null,
      promotedAt: null,
      cancelledAt: null,
      source: args.source ?? existing?.source ?? null,
      updatedAt: now,
    } as const;
    const registration = existing ? await repo.updateRegistration(t, existing.id, values) : await insertWithCode(t, { eventId: id, userId: actor.id, createdAt: now, ...values });
    const position = state === 'waitlisted' ? await repo.waitlistPosition(t, registration) : null;
    await queueEventMail(t, site, state === 'registered' ? 'confirmed' : 'waitlisted', {
      event: locked,
      person: personOf(actor),
      registration,
      key: `event-${state}:${registration.id}:${locked.sequence}:${now.getTime()}`,
      now,
      ...(position ? { position } : {}),
    });
    return { ok: true, state, position, already: false } as const;
  });
}

/**
 * Fills free seats from the waitlist, first come first served, and tells each person promoted
 * (inside the caller's transaction, which holds the event's lock). Nothing moves once the
 * event has started or when it is not published.
 */
async function promoteWaitlisted(db: Db, site: Site, event: EventRow, now: Date): Promise<number> {
  if (event.state !== 'published' || event.startsAt <= now) return 0;
  const free = event.capacity === null ? Number.MAX_SAFE_INTEGER : event.capacity - (await repo.countRegistered(db, event.id));
  if (free <= 0) return 0;
  const next = await repo.firstWaitlisted(db, event.id, free);
  for (const waiting of next) {
    const registration = await repo.updateRegistration(db, waiting.id, { state: 'registered', promotedAt: now, updatedAt: now });
    const person = await repo.recipient(db, registration.id);
    if (person) {
      await queueEventMail(db, site, 'promoted', { event, person: person.user, registration, key: `event-promoted:${registration.id}:${event.sequence}:${now.getTime()}`, now });
    }
  }
  return next.length;
}

/**
 * Cancels the actor's registration (or leaves the waitlist). A seat given up goes at once to
 * the first person on the waitlist, in the same transaction. False when there was nothing to
 * cancel or the event has started.
 */
export async function cancelRegistration(db: Db, site: Site, actor: Actor, id: string, now = new Date()): Promise<boolean> {
  await visibleEvent(db, actor, id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const locked = (await repo.lockEvent(t, id))!;
    const registration = await repo.findRegistration(t, id, actor.id);
    if (!registration || registration.state === 'cancelled' || locked.startsAt <= now) return false;
    await repo.updateRegistration(t, registration.id, { state: 'cancelled', cancelledAt: now, updatedAt: now });
    if (registration.state === 'registered') await promoteWaitlisted(t, site, locked, now);
    return true;
  });
}

/** The .ics of an event for someone registered (or an organiser or host): with the address and link. */
export async function calendarFile(db: Db, site: Site, actor: Actor, id: string, now = new Date()): Promise<{ filename: string; body: string }> {
  const event = await visibleEvent(db, actor, id, now);
  const registration = await repo.findRegistration(db, id, actor.id);
  const allowed = registration?.state === 'registered' || (await canManageEvent(db, actor, event)) || (await repo.isHost(db, id, actor.id));
  if (!allowed) throw new AppError('NOT_FOUND');
  const locale: Locale = actor.locale ?? 'ja';
  return { filename: `event-${id}.ics`, body: await icsFor(db, site, event, { method: 'PUBLISH', withLocation: true, locale, now }) };
}

/**
 * Where the short Google Calendar link leads: the entry of an event the actor may see, with
 * the address and meeting link only for people who may know them; NOT_FOUND outside the
 * audience, and null for a cancelled event (nothing to add).
 */
export async function googleCalendarLink(db: Db, site: Site, actor: Actor, id: string, now = new Date()): Promise<string | null> {
  const { event, location } = await readEvent(db, actor, id, now);
  if (event.state === 'cancelled') return null;
  return googleLink(site, { ...event, venueAddress: location?.venueAddress ?? null, meetingUrl: location?.meetingUrl ?? null });
}

// ---------------------------------------------------------------- organising

/** The audiences, segments and groups the actor may address an event to; NOT_FOUND for someone who organises nothing. */
export async function editorChoices(db: Db, actor: Actor): Promise<EditorChoices> {
  authorize(actor, 'events.view');
  if (can(actor, 'events.manage')) {
    return {
      audiences: ['alumni', 'alumni_managers', 'alumni_employees', 'segment', 'group'],
      segments: can(actor, 'segments.manage') ? await segmentChoices(db, actor) : [],
      groups: await repo.groupChoices(db, 'all'),
    };
  }
  const groups = await repo.groupChoices(db, await managedGroupIds(db, actor.id));
  if (!groups.length) throw new AppError('NOT_FOUND');
  return { audiences: ['group'], segments: [], groups };
}

/** An event the actor may change, with its hosts' addresses. NOT_FOUND outside their audience, FORBIDDEN for a reader. */
export async function eventForEdit(db: Db, actor: Actor, id: string, now = new Date()): Promise<{ event: EventRow; hostEmails: string[] }> {
  const event = await visibleEvent(db, actor, id, now);
  if (!(await canManageEvent(db, actor, event))) throw new AppError('FORBIDDEN');
  return { event, hostEmails: await repo.hostEmails(db, id) };
}

export type SaveResult = { ok: true; id: string; state: EventRow['state'] } | { ok: false; unknownHosts: string[] };

/** Fields whose change registered people are told about (with a new calendar entry). */
const NOTIFIED_FIELDS = ['startsAt', 'endsAt', 'timeZone', 'format', 'venueName', 'venueAddress', 'meetingUrl'] as const;

function changedFields(before: EventRow, after: EventInput): string[] {
  return NOTIFIED_FIELDS.filter((f) => {
    const a = before[f];
    const b = after[f];
    return a instanceof Date && b instanceof Date ? a.getTime() !== b.getTime() : a !== b;
  });
}

/**
 * Creates or changes an event. A draft stays a draft (`draft`) or is published (`publish`); a
 * published event stays published. Hosts are named by address: an operator or community
 * manager may name any active member, a group's manager only active members of the group.
 * When a published event's time, place, format or link changes, its SEQUENCE goes up and
 * everyone registered gets the change with the new calendar entry; a larger capacity fills
 * seats from the waitlist. Publishing and changes are audited.
 */
export async function saveEvent(
  db: Db,
  site: Site,
  actor: Actor,
  args: { id?: string | undefined; input: EventInput; intent: Intent; ip?: string | undefined },
  now = new Date(),
): Promise<SaveResult> {
  const { input } = args;
  const existing = args.id ? (await eventForEdit(db, actor, args.id, now)).event : null;
  if (existing?.state === 'cancelled') throw new AppError('CONFLICT', 'a cancelled event cannot be changed');
  const choices = await editorChoices(db, actor);
  if (!choices.audiences.includes(input.audience) || (input.audience === 'group' && !choices.groups.some((g) => g.id === input.groupId))) {
    throw new AppError('FORBIDDEN');
  }
  const organiser = can(actor, 'events.manage');
  const hosts = await repo.membersByEmail(db, input.hostEmails, organiser ? null : input.groupId);
  const unknownHosts = input.hostEmails.filter((e) => !hosts.some((h) => h.email === e));
  if (unknownHosts.length) return { ok: false, unknownHosts };

  const publishing = existing?.state === 'published' || args.intent === 'publish';
  const values: repo.EventValues = {
    title: input.title,
    description: input.description,
    category: input.category,
    format: input.format,
    venueName: input.venueName,
    venueAddress: input.venueAddress,
    meetingUrl: input.meetingUrl,
    timeZone: input.timeZone,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    capacity: input.capacity,
    registrationDeadline: input.registrationDeadline,
    questions: input.questions,
    audience: input.audience,
    segmentId: input.audience === 'segment' ? input.segmentId : null,
    groupId: input.audience === 'group' ? input.groupId : null,
    wants: input.wants,
    state: publishing ? 'published' : 'draft',
    publishedAt: existing?.publishedAt ?? (publishing ? now : null),
    createdBy: existing ? existing.createdBy : actor.id,
    updatedAt: now,
  };
  const id = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!existing) {
      const eventId = await repo.insertEvent(t, { ...values, sequence: 0 });
      await repo.replaceHosts(t, eventId, hosts.map((h) => h.id));
      if (publishing) await audit(t, { action: 'event.published', actor, subjectType: 'event', subjectId: eventId, ip: args.ip, details: { audience: values.audience, groupId: values.groupId, segmentId: values.segmentId } });
      return eventId;
    }
    const before = (await repo.lockEvent(t, existing.id))!;
    const wasPublished = before.state === 'published';
    const changes = wasPublished ? changedFields(before, input) : [];
    const sequence = before.sequence + (changes.length ? 1 : 0);
    const startMoved = before.startsAt.getTime() !== input.startsAt.getTime();
    await repo.updateEvent(t, before.id, { ...values, sequence, reminderSentAt: startMoved ? null : before.reminderSentAt });
    await repo.replaceHosts(t, before.id, hosts.map((h) => h.id));
    const after = (await repo.findEvent(t, before.id))!;
    if (!wasPublished && publishing) {
      await audit(t, { action: 'event.published', actor, subjectType: 'event', subjectId: before.id, ip: args.ip, details: { audience: values.audience, groupId: values.groupId, segmentId: values.segmentId } });
    } else if (wasPublished) {
      await audit(t, { action: 'event.updated', actor, subjectType: 'event', subjectId: before.id, ip: args.ip, details: { notified: changes, sequence } });
    }
    if (changes.length) {
      // People on the waitlist are told too (they may be promoted to the new time), without the place.
      for (const r of await repo.recipients(t, before.id, ['registered', 'waitlisted'])) {
        const kind = r.registration.state === 'waitlisted' ? 'changedWaitlisted' : 'changed';
        await queueEventMail(t, site, kind, { event: after, person: r.user, registration: r.registration, key: `event-changed:${r.registration.id}:${sequence}`, now });
      }
    }
    if (wasPublished) await promoteWaitlisted(t, site, after, now);
    return before.id;
  });
  return { ok: true, id, state: values.state! };
}

/**
 * Cancels an event with a reason: everyone registered or waitlisted is told, with a calendar
 * file that removes the entry (METHOD:CANCEL, a higher SEQUENCE). Audited. Registration closes.
 */
export async function cancelEvent(db: Db, site: Site, actor: Actor, id: string, reason: string, ip?: string, now = new Date()): Promise<void> {
  const { event } = await eventForEdit(db, actor, id, now);
  if (event.state === 'cancelled') return;
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const before = (await repo.lockEvent(t, id))!;
    if (before.state === 'cancelled') return;
    const sequence = before.sequence + 1;
    await repo.updateEvent(t, id, { state: 'cancelled', cancelReason: reason, cancelledAt: now, sequence, updatedAt: now });
    await audit(t, { action: 'event.cancelled', actor, subjectType: 'event', subjectId: id, ip, details: { reason, wasState: before.state } });
    const after = (await repo.findEvent(t, id))!;
    for (const r of await repo.recipients(t, id, ['registered', 'waitlisted'])) {
      await queueEventMail(t, site, 'cancelled', { event: after, person: r.user, registration: r.registration, key: `event-cancelled:${r.registration.id}:${sequence}`, now });
    }
  });
}

// ---------------------------------------------------------------- reminders

/**
 * The hourly tick: every published event starting within the next 24 hours whose reminder has
 * not gone out gets one mail per registered person. Claiming the event (reminder_sent_at) and
 * queueing its mail share a transaction, so a second run, or two workers, send nothing twice.
 * Returns the number of events reminded.
 */
export async function sendReminders(db: Db, site: Site, now = new Date()): Promise<number> {
  const due = await repo.dueForReminder(db, now, new Date(now.getTime() + REMINDER_LEAD_MS));
  let sent = 0;
  for (const { id } of due) {
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const event = await repo.claimReminder(t, id, now);
      if (!event) return;
      sent++;
      for (const r of await repo.recipients(t, id, ['registered'])) {
        await queueEventMail(t, site, 'reminder', { event, person: r.user, registration: r.registration, key: `event-reminder:${r.registration.id}:${event.startsAt.getTime()}`, now });
      }
    });
  }
  return sent;
}
