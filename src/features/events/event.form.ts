/**
 * The event editor's form and the registration form: reading and checking what was typed.
 * Times are typed in the event's own time zone (a `datetime-local` value has no zone), which
 * is itself a field: the zone is read first, then the times are resolved in it.
 */
import { randomBytes } from 'node:crypto';
import {
  EVENT_AUDIENCES,
  EVENT_CATEGORIES,
  EVENT_FORMATS,
  WANTS,
  type EventAudience,
  type EventCategory,
  type EventFormat,
  type EventQuestion,
  type Want,
} from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { canonicalTimeZone, fromZonedInput, toZonedInput } from '../../shared/i18n/zoned.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import type { EventRow } from './audience.ts';

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 20_000;
export const MAX_VENUE = 200;
export const MAX_ADDRESS = 500;
export const MAX_URL = 2_000;
export const MAX_CAPACITY = 100_000;
export const MAX_QUESTIONS = 5;
export const MAX_QUESTION_LABEL = 200;
export const MAX_OPTIONS = 20;
export const MAX_OPTION = 100;
export const MAX_HOSTS = 10;
export const MAX_ANSWER = 1_000;
export const MAX_REASON = 1_000;

export type Intent = 'draft' | 'publish';

/**
 * The zones the editor offers (any IANA zone is still accepted): Japan first, then where
 * alumni of Japanese companies commonly gather, east to west.
 */
export const COMMON_TIME_ZONES = [
  'Asia/Tokyo',
  'Pacific/Auckland',
  'Australia/Sydney',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Taipei',
  'Asia/Hong_Kong',
  'Asia/Manila',
  'Asia/Singapore',
  'Asia/Bangkok',
  'Asia/Ho_Chi_Minh',
  'Asia/Jakarta',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/London',
  'UTC',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Pacific/Honolulu',
] as const;

/** The editor's zone choices: the network's zone, the event's own when it is not a common one, then the common ones. */
export function timeZoneChoices(current: string | undefined, networkZone: string): string[] {
  const own = canonicalTimeZone(current ?? '');
  return [...new Set([networkZone, ...(own ? [own] : []), ...COMMON_TIME_ZONES])];
}

/** How many question blocks the form showed (it carries the number), 0 when it does not say. */
function shownRows(values: Record<string, string>): number {
  const shown = Number.parseInt(values.questionRows ?? '', 10);
  return Number.isInteger(shown) ? shown : 0;
}

/**
 * How many question blocks the editor shows: every block with something typed in it and one
 * empty block, or more when the organiser asked for more — between 1 and the maximum.
 */
export function questionRowsOf(values: Record<string, string>): number {
  let used = 0;
  for (let n = 1; n <= MAX_QUESTIONS; n++) {
    if (text(values[`q${n}Label`]) || text(values[`q${n}Options`]) || values[`q${n}Id`]) used = n;
  }
  return Math.min(MAX_QUESTIONS, Math.max(used + 1, shownRows(values), 1));
}

/**
 * The values with one block more than the form showed (the organiser may have typed into the
 * last empty block without the page knowing: they get exactly one new empty block).
 */
export function withAnotherQuestion(values: Record<string, string>): Record<string, string> {
  return { ...values, questionRows: String(Math.max(shownRows(values), 1) + 1) };
}

/** The editor's "add a question" button was pressed: the form comes back with one more empty block, nothing saved. */
export function addsQuestion(values: Record<string, string>): boolean {
  return values.intent === 'addQuestion';
}

export interface EventInput {
  title: string;
  description: string | null;
  category: EventCategory;
  format: EventFormat;
  venueName: string | null;
  venueAddress: string | null;
  meetingUrl: string | null;
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number | null;
  registrationDeadline: Date | null;
  questions: EventQuestion[];
  audience: EventAudience;
  segmentId: string | null;
  groupId: string | null;
  wants: Want[];
  /** Lower-cased e-mail addresses of the hosts (resolved to members by the service). */
  hostEmails: string[];
}

/** What the editor may offer the actor: audiences, segments and groups they may address. */
export interface EditorChoices {
  audiences: EventAudience[];
  segments: { id: string; name: string }[];
  groups: { id: string; name: string }[];
}

const text = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();
const length = (s: string) => Array.from(s).length;
const QUESTION_ID = /^q[0-9a-f]{8}$/;
const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

export const newQuestionId = () => `q${randomBytes(4).toString('hex')}`;

/** Only 「公開する」 publishes; 'draft' and 'save' (Enter in a field) save, and a published event stays published. */
export function intentOf(values: Record<string, string>): Intent {
  return values.intent === 'publish' ? 'publish' : 'draft';
}

/** An http(s) URL, or null. */
function webUrl(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
}

/** The host addresses typed in the hosts box (one per line; commas and spaces also separate). */
export function hostEmailsOf(raw: string | undefined): string[] {
  return [
    ...new Set(
      (raw ?? '')
        .split(/[\s,;、]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** The editor's starting values: an event being edited, or a new one (the network's zone; a group when one was asked for). */
export function formValuesOf(
  event: EventRow | null,
  opts: { timeZone: string; hostEmails: string[]; groupId?: string | undefined },
): Record<string, string> {
  if (!event) {
    return opts.groupId
      ? { category: 'social', format: 'in_person', timeZone: opts.timeZone, audience: 'group', groupId: opts.groupId }
      : { category: 'social', format: 'in_person', timeZone: opts.timeZone, audience: 'alumni' };
  }
  const values: Record<string, string> = {
    title: event.title,
    description: event.description ?? '',
    category: event.category,
    format: event.format,
    venueName: event.venueName ?? '',
    venueAddress: event.venueAddress ?? '',
    meetingUrl: event.meetingUrl ?? '',
    timeZone: event.timeZone,
    startsAt: toZonedInput(event.startsAt, event.timeZone),
    endsAt: toZonedInput(event.endsAt, event.timeZone),
    capacity: event.capacity === null ? '' : String(event.capacity),
    registrationDeadline: event.registrationDeadline ? toZonedInput(event.registrationDeadline, event.timeZone) : '',
    audience: event.audience,
    segmentId: event.segmentId ?? '',
    groupId: event.groupId ?? '',
    wants: event.wants.join(','),
    hosts: opts.hostEmails.join('\n'),
  };
  event.questions.forEach((q, i) => {
    const n = i + 1;
    values[`q${n}Id`] = q.id;
    values[`q${n}Label`] = q.label;
    values[`q${n}Kind`] = q.kind;
    values[`q${n}Options`] = (q.options ?? []).join('\n');
    values[`q${n}Required`] = q.required ? '1' : '';
  });
  return values;
}

/**
 * Checks the editor's values. `choices` limits the audience, segment and group to what the
 * actor may address; `startFixed`, when given, is a start that is already published and may
 * stay in the past (editing an event under way); any other start must lie after `now`.
 */
export function parseEventForm(
  m: Messages,
  values: Record<string, string>,
  opts: { choices: EditorChoices; now: Date; startFixed: Date | null },
): { ok: true; data: EventInput } | { ok: false; errors: FieldErrors } {
  const e = m.events.errors;
  const errors: FieldErrors = {};

  const title = text(values.title);
  if (!title) errors.title = e.title;
  else if (length(title) > MAX_TITLE) errors.title = fmt(e.titleTooLong, { max: MAX_TITLE });
  const description = text(values.description);
  if (length(description) > MAX_DESCRIPTION) errors.description = fmt(e.descriptionTooLong, { max: MAX_DESCRIPTION });

  const category = (EVENT_CATEGORIES as readonly string[]).includes(values.category ?? '') ? (values.category as EventCategory) : null;
  if (!category) errors.category = e.category;
  const format = (EVENT_FORMATS as readonly string[]).includes(values.format ?? '') ? (values.format as EventFormat) : null;
  if (!format) errors.format = e.format;

  const venueName = text(values.venueName);
  if (length(venueName) > MAX_VENUE) errors.venueName = fmt(e.tooLong, { max: MAX_VENUE });
  else if (!venueName && format && format !== 'online') errors.venueName = e.venueName;
  const venueAddress = text(values.venueAddress);
  if (length(venueAddress) > MAX_ADDRESS) errors.venueAddress = fmt(e.tooLong, { max: MAX_ADDRESS });
  const rawUrl = text(values.meetingUrl);
  const meetingUrl = rawUrl ? webUrl(rawUrl) : null;
  if (rawUrl && (!meetingUrl || rawUrl.length > MAX_URL)) errors.meetingUrl = e.meetingUrl;

  const timeZone = canonicalTimeZone(values.timeZone ?? '');
  if (!timeZone) errors.timeZone = e.timeZone;
  const zone = timeZone ?? 'UTC';
  const startsAt = fromZonedInput(text(values.startsAt), zone);
  const endsAt = fromZonedInput(text(values.endsAt), zone);
  if (timeZone) {
    if (!startsAt) errors.startsAt = e.startsAt;
    else if (startsAt <= opts.now && startsAt.getTime() !== opts.startFixed?.getTime()) errors.startsAt = e.startsAtPast;
    if (!endsAt) errors.endsAt = e.endsAt;
    else if (startsAt && endsAt <= startsAt) errors.endsAt = e.endsBeforeStart;
  }

  const rawCapacity = text(values.capacity);
  let capacity: number | null = null;
  if (rawCapacity) {
    capacity = /^\d{1,6}$/.test(rawCapacity) ? Number(rawCapacity) : NaN;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) errors.capacity = fmt(e.capacity, { max: MAX_CAPACITY });
  }
  const rawDeadline = text(values.registrationDeadline);
  let registrationDeadline: Date | null = null;
  if (rawDeadline && timeZone) {
    registrationDeadline = fromZonedInput(rawDeadline, zone);
    if (!registrationDeadline) errors.registrationDeadline = e.deadline;
    else if (startsAt && registrationDeadline > startsAt) errors.registrationDeadline = e.deadlineAfterStart;
  }

  const questions: EventQuestion[] = [];
  for (let n = 1; n <= MAX_QUESTIONS; n++) {
    const label = text(values[`q${n}Label`]);
    if (!label) continue;
    const kind = values[`q${n}Kind`] === 'choice' ? 'choice' : values[`q${n}Kind`] === 'text' ? 'text' : null;
    if (!kind) {
      errors[`q${n}Kind`] = fmt(e.questionKind, { n });
      continue;
    }
    const options = kind === 'choice' ? [...new Set(text(values[`q${n}Options`]).split('\n').map((o) => o.trim()).filter(Boolean))] : [];
    if (length(label) > MAX_QUESTION_LABEL || options.some((o) => length(o) > MAX_OPTION)) {
      errors[`q${n}Label`] = fmt(e.questionTooLong, { n, maxLabel: MAX_QUESTION_LABEL, maxOption: MAX_OPTION });
    } else if (kind === 'choice' && (options.length < 2 || options.length > MAX_OPTIONS)) {
      errors[`q${n}Options`] = fmt(e.questionOptions, { n, max: MAX_OPTIONS });
    }
    const id = QUESTION_ID.test(values[`q${n}Id`] ?? '') ? values[`q${n}Id`]! : newQuestionId();
    questions.push({ id, label, kind, ...(kind === 'choice' ? { options } : {}), required: values[`q${n}Required`] === '1' });
  }

  const audience =
    (EVENT_AUDIENCES as readonly string[]).includes(values.audience ?? '') && opts.choices.audiences.includes(values.audience as EventAudience)
      ? (values.audience as EventAudience)
      : null;
  if (!audience) errors.audience = e.audience;
  const segmentId = audience === 'segment' ? (values.segmentId ?? '') : '';
  if (audience === 'segment' && !opts.choices.segments.some((s) => s.id === segmentId)) errors.segmentId = e.segment;
  const groupId = audience === 'group' ? (values.groupId ?? '') : '';
  if (audience === 'group' && !opts.choices.groups.some((g) => g.id === groupId)) errors.groupId = e.group;

  const hostEmails = hostEmailsOf(values.hosts);
  if (hostEmails.length > MAX_HOSTS) errors.hosts = fmt(e.hosts, { max: MAX_HOSTS });
  else {
    const malformed = hostEmails.filter((h) => !EMAIL.test(h) || h.length > 254);
    if (malformed.length) errors.hosts = fmt(e.hostsUnknown, { emails: malformed.join(', ') });
  }

  if (Object.keys(errors).length || !category || !format || !timeZone || !startsAt || !endsAt || !audience) return { ok: false, errors };
  return {
    ok: true,
    data: {
      title,
      description: description || null,
      category,
      format,
      venueName: venueName || null,
      venueAddress: venueAddress || null,
      meetingUrl,
      timeZone,
      startsAt,
      endsAt,
      capacity,
      registrationDeadline,
      questions,
      audience,
      segmentId: segmentId || null,
      groupId: groupId || null,
      wants: WANTS.filter((w) => (values.wants ?? '').split(',').includes(w)),
      hostEmails,
    },
  };
}

/** The form field of a question's answer. */
export const answerField = (questionId: string) => `answer_${questionId}`;

/**
 * Checks the answers to an event's questions: required ones given, a choice one of the
 * options, free text limited. Only the event's questions are kept (anything else sent is ignored).
 */
export function parseAnswers(
  m: Messages,
  questions: EventQuestion[],
  values: Record<string, string>,
): { ok: true; answers: Record<string, string> } | { ok: false; errors: FieldErrors } {
  const e = m.events.errors;
  const errors: FieldErrors = {};
  const answers: Record<string, string> = {};
  for (const q of questions) {
    const field = answerField(q.id);
    const value = text(values[field]);
    if (!value) {
      if (q.required) errors[field] = e.answerRequired;
      continue;
    }
    if (q.kind === 'choice' && !(q.options ?? []).includes(value)) errors[field] = e.answerChoice;
    else if (length(value) > MAX_ANSWER) errors[field] = fmt(e.answerTooLong, { max: MAX_ANSWER });
    else answers[q.id] = value;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, answers };
}

/** A cancellation reason: trimmed, required, limited. */
export function parseReason(m: Messages, value: string | undefined): { ok: true; reason: string } | { ok: false; error: string } {
  const reason = text(value);
  if (!reason) return { ok: false, error: m.events.errors.reason };
  if (length(reason) > MAX_REASON) return { ok: false, error: fmt(m.events.errors.reasonTooLong, { max: MAX_REASON }) };
  return { ok: true, reason };
}

/**
 * Where a registration came from, when the link carried it (`?ref=newsletter:<id>`): a short
 * token of letters, digits and `:._-`, anything else dropped. Analytics only.
 */
export function sourceOf(raw: string | undefined): string | null {
  const value = (raw ?? '').trim();
  return /^[A-Za-z0-9][A-Za-z0-9:._-]{0,79}$/.test(value) ? value : null;
}
