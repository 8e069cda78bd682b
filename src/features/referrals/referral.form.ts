/**
 * The referral forms: the referrer's form (a candidate who agreed to be contacted) and the staff
 * forms of the pipeline (stage, assignee, internal note). Errors are sentences of the referrals
 * catalogue in the user's language, keyed by field, so a form re-renders with them next to its fields.
 */
import { PIPELINE_STAGES, type PipelineStage } from '../../db/schema.ts';
import { parseSource } from '../../shared/attribution.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';

export const MAX_NAME = 100;
export const MAX_EMAIL = 254;
export const MAX_PHONE = 30;
export const MAX_NOTE = 2_000;

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;
/** Digits with the usual separators, an optional leading +; full-width digits are folded by NFKC first. */
const PHONE = /^\+?[0-9()\-\s]{6,}$/;

export interface ReferralInput {
  candidateName: string;
  candidateEmail: string;
  candidatePhone: string | null;
  note: string | null;
  source: string | null;
}

const text = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();
const length = (s: string) => Array.from(s).length;

export function parseReferralForm(m: Messages, values: Record<string, string>): { ok: true; data: ReferralInput } | { ok: false; errors: FieldErrors } {
  const e = m.referrals.errors;
  const errors: FieldErrors = {};
  const name = text(values.candidateName);
  if (!name) errors.candidateName = e.nameRequired;
  else if (length(name) > MAX_NAME) errors.candidateName = fmt(e.tooLong, { max: MAX_NAME });
  const email = text(values.candidateEmail).normalize('NFKC');
  if (!email) errors.candidateEmail = e.emailRequired;
  else if (email.length > MAX_EMAIL || !EMAIL.test(email)) errors.candidateEmail = e.email;
  const phone = text(values.candidatePhone).normalize('NFKC');
  if (phone && (phone.length > MAX_PHONE || !PHONE.test(phone))) errors.candidatePhone = e.phone;
  const note = text(values.note);
  if (length(note) > MAX_NOTE) errors.note = fmt(e.tooLong, { max: MAX_NOTE });
  // The candidate's consent is the referral's legal ground for passing on their details: required.
  if (values.agreed !== '1') errors.agreed = e.agreed;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { candidateName: name, candidateEmail: email, candidatePhone: phone || null, note: note || null, source: parseSource(values.src) } };
}

export function parseStage(value: string | undefined): PipelineStage | null {
  return (PIPELINE_STAGES as readonly string[]).includes(value ?? '') ? (value as PipelineStage) : null;
}

/** The assignee's e-mail address (empty: nobody). */
export function parseAssignee(m: Messages, values: Record<string, string>): { ok: true; email: string | null } | { ok: false; error: string } {
  const email = text(values.assignee).normalize('NFKC');
  if (!email) return { ok: true, email: null };
  if (email.length > MAX_EMAIL || !EMAIL.test(email)) return { ok: false, error: m.referrals.errors.email };
  return { ok: true, email };
}

export function parseNote(m: Messages, values: Record<string, string>): { ok: true; body: string } | { ok: false; error: string } {
  const body = text(values.body);
  if (!body) return { ok: false, error: m.referrals.errors.noteRequired };
  if (length(body) > MAX_NOTE) return { ok: false, error: fmt(m.referrals.errors.tooLong, { max: MAX_NOTE }) };
  return { ok: true, body };
}
