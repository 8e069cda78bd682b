/**
 * The attendance forms: a walk-in (name, optional e-mail address) and a rating (1–5, optional
 * comment). Bad input gives messages in the user's language next to the field, never an error page.
 */
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { email as emailSchema } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';

export const MAX_RATING_COMMENT = 2_000;
export const MAX_WALK_IN_NAME = 100;
const MAX_EMAIL = 254;

/** The periods of the network's attendance view, in days (or all). */
export const PERIODS = ['90', '365', 'all'] as const;
export type Period = (typeof PERIODS)[number];

export function periodOf(value: string | undefined): Period {
  return PERIODS.find((p) => p === value) ?? '365';
}

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const length = (s: string) => Array.from(s).length;

export function parseWalkIn(m: Messages, values: Record<string, string>): Parsed<{ name: string; email: string | null }> {
  const w = m.attendance.checkIn.walkIn;
  const name = (values.name ?? '').trim();
  const email = (values.email ?? '').trim();
  const errors: FieldErrors = {};
  if (!name) errors.name = fmt(m.validation.required, { field: w.name });
  else if (length(name) > MAX_WALK_IN_NAME) errors.name = fmt(m.validation.tooLong, { field: w.name, max: MAX_WALK_IN_NAME });
  if (email && (email.length > MAX_EMAIL || !emailSchema.safeParse(email).success)) errors.email = m.validation.email;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data: { name, email: email || null } };
}

export function parseFeedback(m: Messages, values: Record<string, string>): Parsed<{ rating: number; comment: string }> {
  const f = m.attendance.feedback;
  const rating = values.rating ?? '';
  const comment = (values.comment ?? '').replace(/\r\n?/g, '\n').trim();
  const errors: FieldErrors = {};
  if (!/^[1-5]$/.test(rating)) errors.rating = f.ratingRequired;
  if (length(comment) > MAX_RATING_COMMENT) errors.comment = fmt(f.commentTooLong, { max: MAX_RATING_COMMENT });
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data: { rating: Number(rating), comment } };
}
