/**
 * Forms of requests and feedback: a new request, a new piece of feedback, a reply or note, a
 * request's status with its outcome, a feedback status. Read from plain strings into checked
 * values or errors in the user's language, next to their field; the attribution (`src`) is
 * normalised by shared/attribution.ts and never an error (an unknown one is simply dropped).
 */
import { z } from 'zod';
import { FEEDBACK_KINDS, FEEDBACK_STATES, REQUEST_KINDS, REQUEST_OUTCOMES, REQUEST_STATES } from '../../db/schema.ts';
import type { FeedbackKind, FeedbackState, RequestKind, RequestOutcome, RequestState } from '../../db/schema.ts';
import { parseSource } from '../../shared/attribution.ts';
import { translateIssues, type FormValues } from '../../shared/http/form.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { optionalText, text } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';

export const MAX_TITLE = 120;
export const MAX_BODY = 5_000;
export const MAX_SUBJECT = 120;
export const MAX_REPLY = 5_000;
/** Yen: a deal worth more than the column's integer range is not a value anyone types. */
export const MAX_VALUE = 2_000_000_000;

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Line breaks as one kind (\n) before length checks, so a textarea's CRLF does not count twice. */
const multiline = (max: number) => z.preprocess((v) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : v), text(max));
const oneLine = (max: number) => z.preprocess((v) => (typeof v === 'string' ? v.replace(/\s+/g, ' ') : v), text(max));

function parse<S extends z.ZodType>(m: Messages, schema: S, values: FormValues, labels: Record<string, string>): Parsed<z.infer<S>> {
  const result = schema.safeParse(values);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: translateIssues(m, result.error.issues, labels) };
}

export interface RequestInput {
  kind: RequestKind;
  title: string;
  body: string;
  departmentId: string | null;
  source: string | null;
}

/** A new request; `departmentIds` are the departments that exist (another one is an error). */
export function parseRequestForm(m: Messages, values: FormValues, departmentIds: readonly string[]): Parsed<RequestInput> {
  const f = m.requests.form;
  const schema = z.object({
    kind: z.enum(REQUEST_KINDS, { message: 'choose' }),
    title: oneLine(MAX_TITLE),
    body: multiline(MAX_BODY),
    departmentId: z.string().default(''),
  });
  const parsed = parse(m, schema, values, { kind: f.kind, title: f.titleLabel, body: f.body });
  const departmentId = (values.departmentId ?? '').trim();
  const departmentOk = departmentId === '' || departmentIds.includes(departmentId);
  if (!parsed.ok || !departmentOk) {
    const errors = parsed.ok ? {} : parsed.errors;
    if (errors.kind) errors.kind = f.kindMissing;
    if (!departmentOk) errors.departmentId = f.departmentGone;
    return { ok: false, errors };
  }
  return { ok: true, data: { kind: parsed.data.kind, title: parsed.data.title, body: parsed.data.body, departmentId: departmentId || null, source: parseSource(values.src) } };
}

export interface FeedbackInput {
  kind: FeedbackKind;
  subject: string | null;
  title: string;
  body: string;
  source: string | null;
}

export function parseFeedbackForm(m: Messages, values: FormValues): Parsed<FeedbackInput> {
  const f = m.requests.feedback.form;
  const schema = z.object({
    kind: z.enum(FEEDBACK_KINDS, { message: 'choose' }),
    subject: z.preprocess((v) => (typeof v === 'string' ? v.replace(/\s+/g, ' ') : v), optionalText(MAX_SUBJECT)),
    title: oneLine(MAX_TITLE),
    body: multiline(MAX_BODY),
  });
  const parsed = parse(m, schema, values, { kind: f.kind, subject: f.subject, title: f.titleLabel, body: f.body });
  if (!parsed.ok) {
    if (parsed.errors.kind) parsed.errors.kind = f.kindMissing;
    return parsed;
  }
  return { ok: true, data: { ...parsed.data, subject: parsed.data.subject || null, source: parseSource(values.src) } };
}

/** A reply or an internal note (Markdown); `label` names the field in the error. */
export function parseReply(m: Messages, values: FormValues, label: string): Parsed<{ body: string }> {
  return parse(m, z.object({ body: multiline(MAX_REPLY) }), values, { body: label });
}

export interface RequestStateInput {
  state: RequestState;
  /** Recorded when connected or closed; null otherwise. */
  outcome: RequestOutcome | null;
  value: number | null;
}

/** A request's status; connected and closed need an outcome, and may carry a value in yen. */
export function parseRequestState(m: Messages, values: FormValues): Parsed<RequestStateInput> {
  const f = m.requests.manage;
  const errors: FieldErrors = {};
  const state = (REQUEST_STATES as readonly string[]).includes(values.state ?? '') ? (values.state as RequestState) : null;
  if (!state) errors.state = fmt(m.validation.choose, { field: f.state });
  const done = state === 'connected' || state === 'closed';
  const outcome = (REQUEST_OUTCOMES as readonly string[]).includes(values.outcome ?? '') ? (values.outcome as RequestOutcome) : null;
  if (done && !outcome) errors.outcome = f.outcomeRequired;
  // People type yen with separators and the sign: 1,200,000 / ¥1200000 / 1 200 000.
  const rawValue = (values.value ?? '').normalize('NFKC').replace(/[\s,_¥円]/g, '');
  let value: number | null = null;
  if (rawValue) {
    const n = /^\d{1,10}$/.test(rawValue) ? Number(rawValue) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > MAX_VALUE) errors.value = f.valueInvalid;
    else value = n;
  }
  if (!state || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { state, outcome: done ? outcome : null, value: done ? value : null } };
}

export function parseFeedbackState(values: FormValues): FeedbackState | null {
  return (FEEDBACK_STATES as readonly string[]).includes(values.state ?? '') ? (values.state as FeedbackState) : null;
}
