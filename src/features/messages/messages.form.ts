/**
 * Message forms: a message (plain text), a subject (company conversations) and a report's reason,
 * read from plain strings into checked values or errors in the user's language.
 */
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { parseRequired } from '../groups/groups.form.ts';

export const MAX_BODY = 2_000;
export const MAX_SUBJECT = 120;
export const MAX_REASON = 1_000;

type Parsed = { ok: true; text: string } | { ok: false; error: string };

/** A message: plain text, line breaks kept, up to MAX_BODY characters. */
export function parseBody(m: Messages, value: string | undefined): Parsed {
  return parseRequired(m, value, m.messages.thread.body, MAX_BODY);
}

export function parseReason(m: Messages, value: string | undefined): Parsed {
  return parseRequired(m, value, m.messages.report.reason, MAX_REASON);
}

/** A subject and a first message (a conversation with the company); the subject is one line. */
export function parseCompanyForm(m: Messages, values: Record<string, string>): { ok: true; data: { subject: string; body: string } } | { ok: false; errors: FieldErrors } {
  const subject = parseRequired(m, (values.subject ?? '').replace(/\s+/g, ' '), m.messages.companyForm.subject, MAX_SUBJECT);
  const body = parseBody(m, values.body);
  if (subject.ok && body.ok) return { ok: true, data: { subject: subject.text, body: body.text } };
  return { ok: false, errors: { subject: subject.ok ? undefined : subject.error, body: body.ok ? undefined : body.error } };
}

/** The sentence for a rate limit that was reached, with the limit in it. */
export function rateLimitText(m: Messages, which: 'messages' | 'conversations', max: number): string {
  return which === 'messages' ? m.messages.errors.rateMessages : fmt(m.messages.errors.rateConversations, { max });
}
