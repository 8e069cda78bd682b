/**
 * The answers a self sign-up gives about their time at the company: the extra fields of
 * the sign-up form, and the same fields on the page where the person completes their
 * request later. Validation messages are the feature's own (the shared `validation`
 * catalogue has no sentence for a year or a consent box).
 */
import { z } from 'zod';
import type { FormValues } from '../../shared/http/form.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { kana, optionalText, text } from '../../shared/validation.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';

const EARLIEST_YEAR = 1900;

/** An optional western year, full-width digits accepted ("２０１５"); '' → null. */
const year = z
  .string()
  .optional()
  .default('')
  .transform((v) => v.normalize('NFKC').replace(/\s|年/g, ''))
  .refine((v) => v === '' || (/^\d{4}$/.test(v) && Number(v) >= EARLIEST_YEAR && Number(v) <= new Date().getFullYear() + 1), 'year')
  .transform((v) => (v === '' ? null : Number(v)));

/** What the person tells about their time at the company (the sign-up form has the reading already). */
export const answersShape = {
  joinYear: year,
  leaveYear: year,
  department: optionalText(100),
  employeeNumber: optionalText(50),
  note: optionalText(1000),
};

/** The request fields (everything but the name, e-mail and password of the account). */
export const requestShape = { nameKana: kana, ...answersShape };

/** At sign-up the purpose-of-use notice must be accepted. */
export const consentShape = {
  // An unticked box sends nothing at all: a literal refuses the missing value too.
  purposeConsent: z.literal('yes', 'consent'),
};

/** Leave year not before join year (both optional). */
export function yearsInOrder(v: { joinYear: number | null; leaveYear: number | null }, ctx: z.RefinementCtx): void {
  if (v.joinYear !== null && v.leaveYear !== null && v.leaveYear < v.joinYear) {
    ctx.addIssue({ code: 'custom', message: 'leaveBeforeJoin', path: ['leaveYear'] });
  }
}

/** The page where a pending person edits their request. */
export const requestSchema = z.object({ name: text(100), ...requestShape }).superRefine(yearsInOrder);

export type RequestInput = z.infer<typeof requestSchema>;

const OWN_KEYS = ['year', 'leaveBeforeJoin', 'consent'] as const;

/** Labels of the request fields, for error messages. */
export function requestLabels(m: Messages): Record<string, string> {
  const f = m.verification.fields;
  return {
    nameKana: f.nameKana,
    joinYear: f.joinYear,
    leaveYear: f.leaveYear,
    department: f.department,
    employeeNumber: f.employeeNumber,
    note: f.note,
    purposeConsent: f.consent,
  };
}

/**
 * Replaces the generic messages `validateForm` gave the request fields with the feature's
 * own ("Enter the year as four digits…", "Please agree to…"). Other fields are untouched.
 */
export function withRequestErrors(m: Messages, values: FormValues, errors: FieldErrors, opts: { consent: boolean }): FieldErrors {
  const schema = z.object(opts.consent ? { ...requestShape, ...consentShape } : requestShape).superRefine(yearsInOrder);
  const result = schema.safeParse(values);
  if (result.success) return errors;
  const labels = requestLabels(m);
  const out: FieldErrors = { ...errors };
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!(OWN_KEYS as readonly string[]).includes(issue.message)) continue;
    out[field] = fmt(m.verification.errors[issue.message as (typeof OWN_KEYS)[number]], { field: labels[field] ?? field });
  }
  return out;
}
