/**
 * Group forms: a group's settings, a thread, a reply, a report, a request note, an invitation
 * and a mute date, read from plain strings into checked values or errors in the user's language.
 */
import { JOIN_RULES, WANTS, type GroupKind, type JoinRule, type Want } from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { fromZonedInput, toZonedInput } from '../news/news.form.ts';

export const MAX_NAME = 80;
export const MAX_DESCRIPTION = 5_000;
export const MAX_TITLE = 120;
export const MAX_BODY = 5_000;
export const MAX_REASON = 1_000;
export const MAX_NOTE = 500;

type Values = Record<string, string>;

export interface GroupInput {
  name: string;
  description: string | null;
  kind: GroupKind;
  joinRule: JoinRule;
  listed: boolean;
  wants: Want[];
}

const text = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();
const length = (s: string) => Array.from(s).length;

/** A required or optional text with a maximum length; the error names the field. */
function checkText(m: Messages, errors: FieldErrors, field: string, label: string, value: string, max: number, required: boolean): void {
  if (required && !value) errors[field] = fmt(m.validation.required, { field: label });
  else if (length(value) > max) errors[field] = fmt(m.validation.tooLong, { field: label, max: String(max) });
}

/**
 * A group's settings. `kinds` are the kinds the actor may choose (official only for operators and
 * community managers); an official group whose manager may not choose it keeps its kind.
 */
export function parseGroupForm(m: Messages, values: Values, kinds: readonly GroupKind[]): { ok: true; data: GroupInput } | { ok: false; errors: FieldErrors } {
  const f = m.groups.form;
  const errors: FieldErrors = {};
  const name = text(values.name).replace(/\s+/g, ' ');
  checkText(m, errors, 'name', f.name, name, MAX_NAME, true);
  const description = text(values.description);
  checkText(m, errors, 'description', f.description, description, MAX_DESCRIPTION, false);
  const kind = (kinds as readonly string[]).includes(values.kind ?? '') ? (values.kind as GroupKind) : null;
  if (!kind) errors.kind = f.kindMissing;
  const joinRule = (JOIN_RULES as readonly string[]).includes(values.joinRule ?? '') ? (values.joinRule as JoinRule) : null;
  if (!joinRule) errors.joinRule = f.joinRuleMissing;
  if (Object.keys(errors).length || !kind || !joinRule) return { ok: false, errors };
  return {
    ok: true,
    data: {
      name,
      description: description || null,
      kind,
      joinRule,
      listed: values.listed === '1',
      wants: WANTS.filter((w) => values[`wants.${w}`] !== undefined),
    },
  };
}

/** The form's values for a group (or the defaults of a new one: an open, listed interest group). */
export function groupFormValues(group: GroupInput | null): Values {
  if (!group) return { kind: 'interest', joinRule: 'open', listed: '1' };
  const out: Values = { name: group.name, description: group.description ?? '', kind: group.kind, joinRule: group.joinRule, listed: group.listed ? '1' : '' };
  for (const w of group.wants) out[`wants.${w}`] = '1';
  return out;
}

/** A new thread: a title and a body (Markdown). */
export function parseThreadForm(m: Messages, values: Values): { ok: true; data: { title: string; body: string } } | { ok: false; errors: FieldErrors } {
  const f = m.groups.threads;
  const errors: FieldErrors = {};
  const title = text(values.title).replace(/\s+/g, ' ');
  checkText(m, errors, 'title', f.titleLabel, title, MAX_TITLE, true);
  const body = text(values.body);
  checkText(m, errors, 'body', f.bodyLabel, body, MAX_BODY, true);
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { title, body } };
}

/** A required text of one field (a reply, a report's reason): trimmed and limited. */
export function parseRequired(m: Messages, value: string | undefined, label: string, max: number): { ok: true; text: string } | { ok: false; error: string } {
  const errors: FieldErrors = {};
  const t = text(value);
  checkText(m, errors, 'x', label, t, max, true);
  return errors.x ? { ok: false, error: errors.x } : { ok: true, text: t };
}

/** The optional note of a request to join. */
export function parseNote(m: Messages, value: string | undefined): { ok: true; text: string | null } | { ok: false; error: string } {
  const errors: FieldErrors = {};
  const t = text(value);
  checkText(m, errors, 'x', m.groups.join.noteLabel, t, MAX_NOTE, false);
  return errors.x ? { ok: false, error: errors.x } : { ok: true, text: t || null };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address of the member to invite. */
export function parseEmail(m: Messages, value: string | undefined): { ok: true; email: string } | { ok: false; error: string } {
  const t = text(value);
  if (!t) return { ok: false, error: fmt(m.validation.required, { field: m.groups.manage.inviteEmail }) };
  if (t.length > 254 || !EMAIL.test(t)) return { ok: false, error: m.validation.email };
  return { ok: true, email: t };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * "Muted until" a date, typed in the network's time zone: the member may post again from the
 * start of the following day there. The date must be today or later (at most a year ahead).
 */
export function parseMuteUntil(m: Messages, value: string | undefined, timeZone: string, now: Date): { ok: true; until: Date } | { ok: false; error: string } {
  const t = text(value);
  const e = m.groups.manage;
  if (!DATE.test(t)) return { ok: false, error: e.muteDateInvalid };
  const day = new Date(`${t}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== t) return { ok: false, error: e.muteDateInvalid };
  const next = new Date(day.getTime() + 86_400_000).toISOString().slice(0, 10);
  const until = fromZonedInput(`${next}T00:00`, timeZone);
  const today = toZonedInput(now, timeZone).slice(0, 10);
  if (!until || t < today) return { ok: false, error: e.muteDatePast };
  if (until.getTime() - now.getTime() > 366 * 86_400_000) return { ok: false, error: e.muteDateFar };
  return { ok: true, until };
}

/** The date a mute lasts through, as typed (the day before the instant it ends, in the time zone). */
export function muteDateValue(until: Date, timeZone: string): string {
  return toZonedInput(new Date(until.getTime() - 60_000), timeZone).slice(0, 10);
}
