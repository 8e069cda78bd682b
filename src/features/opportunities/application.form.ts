/**
 * The application forms: applying (a note), the open-door return application, and the staff's
 * pipeline forms (stage with a message to the applicant, assignee, internal note).
 */
import { PIPELINE_STAGES, RETURN_REASONS, type PipelineStage, type ReturnReason } from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { fromZonedInput } from '../../shared/i18n/zoned.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';

export const MAX_NOTE = 2_000;
export const MAX_ANSWER = 2_000;
export const MAX_MESSAGE = 2_000;
export const MAX_INTERNAL_NOTE = 4_000;

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const text = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();
const length = (s: string) => Array.from(s).length;

/** The note sent with a one-click application (optional). */
export function parseApplyForm(m: Messages, values: Record<string, string>): Parsed<{ note: string | null }> {
  const note = text(values.note);
  if (length(note) > MAX_NOTE) return { ok: false, errors: { note: fmt(m.opportunities.errors.noteTooLong, { max: MAX_NOTE }) } };
  return { ok: true, data: { note: note || null } };
}

export interface ReturnInput {
  whatChanged: string | null;
  whatNeeded: string | null;
  reasons: ReturnReason[];
  note: string | null;
}

/**
 * The open-door application: every answer is optional, but an empty form says nothing, so at
 * least one must be given. `reasons` are the ticked boxes (unknown values are dropped).
 */
export function parseReturnForm(m: Messages, values: Record<string, string>, reasons: string[]): Parsed<ReturnInput> {
  const e = m.opportunities.errors;
  const errors: FieldErrors = {};
  const field = (name: 'whatChanged' | 'whatNeeded' | 'note', max: number) => {
    const v = text(values[name]);
    if (length(v) > max) errors[name] = fmt(name === 'note' ? e.noteTooLong : e.answerTooLong, { max });
    return v || null;
  };
  const whatChanged = field('whatChanged', MAX_ANSWER);
  const whatNeeded = field('whatNeeded', MAX_ANSWER);
  const note = field('note', MAX_NOTE);
  const picked = RETURN_REASONS.filter((r) => reasons.includes(r));
  if (!whatChanged && !whatNeeded && !note && !picked.length && !Object.keys(errors).length) errors.whatChanged = e.returnEmpty;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { whatChanged, whatNeeded, reasons: picked, note } };
}

export interface StageInput {
  stage: PipelineStage;
  message: string | null;
  /** The first day back at work (YYYY-MM-DD), used when a returner is hired. */
  startsOn: string;
}

/** The stage form: a stage, an optional message the applicant sees, and (for a hire) the first day. */
export function parseStageForm(m: Messages, values: Record<string, string>, opts: { timeZone: string; today: string }): Parsed<StageInput> {
  const e = m.opportunities.errors;
  const errors: FieldErrors = {};
  const stage = (PIPELINE_STAGES as readonly string[]).includes(values.stage ?? '') ? (values.stage as PipelineStage) : null;
  if (!stage) errors.stage = e.stage;
  const message = text(values.message);
  if (length(message) > MAX_MESSAGE) errors.message = fmt(e.messageTooLong, { max: MAX_MESSAGE });
  const startsOn = text(values.startsOn) || opts.today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startsOn) || !fromZonedInput(`${startsOn}T00:00`, opts.timeZone)) errors.startsOn = e.startsOn;
  if (Object.keys(errors).length || !stage) return { ok: false, errors };
  return { ok: true, data: { stage, message: message || null, startsOn } };
}

/** An internal note: required, limited. */
export function parseNoteForm(m: Messages, values: Record<string, string>): Parsed<{ body: string }> {
  const e = m.opportunities.errors;
  const body = text(values.body);
  if (!body) return { ok: false, errors: { body: e.noteRequired } };
  if (length(body) > MAX_INTERNAL_NOTE) return { ok: false, errors: { body: fmt(e.internalNoteTooLong, { max: MAX_INTERNAL_NOTE }) } };
  return { ok: true, data: { body } };
}

/** The assignee's e-mail address (empty: nobody). */
export function parseAssignForm(m: Messages, values: Record<string, string>): Parsed<{ email: string | null }> {
  const email = text(values.email);
  if (!email) return { ok: true, data: { email: null } };
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) return { ok: false, errors: { email: m.opportunities.errors.assigneeEmail } };
  return { ok: true, data: { email } };
}
