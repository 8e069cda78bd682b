/**
 * Form validation with zod: the schema's messages are catalogue keys of `validation`,
 * turned into sentences in the user's language with the field's label.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { fmt, type Messages } from '../i18n/index.ts';
import type { AppEnv } from './context.ts';
import type { FieldErrors } from '../views/form.tsx';

export type FormValues = Record<string, string>;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues };

/** Reads an urlencoded or multipart body as strings only (files and repeated keys are ignored). */
export async function readForm(c: Context<AppEnv>): Promise<FormValues> {
  const body = await c.req.parseBody();
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    // NUL and other control characters (but tab and line breaks) are never meant: PostgreSQL
    // refuses NUL in text, so they are removed here, once, for every form.
    if (typeof v === 'string') out[k] = v.replace(CONTROL_CHARACTERS, '');
  }
  return out;
}

/**
 * The values of a repeated form field (ticked checkboxes). Read it before `readForm`, which keeps
 * single values only (Hono caches the body parsed with `all`, and readForm reuses it).
 */
export async function listField(c: Context<AppEnv>, name: string): Promise<string[]> {
  const body = await c.req.parseBody({ all: true });
  const v = body[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string').map((x) => x.replace(CONTROL_CHARACTERS, ''));
}

export function translateIssues(m: Messages, issues: z.core.$ZodIssue[], labels: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (errors[field]) continue;
    const label = labels[field] ?? field;
    const key = issue.message in m.validation ? (issue.message as keyof Messages['validation']) : 'required';
    const min = 'minimum' in issue ? String(issue.minimum) : '';
    const max = 'maximum' in issue ? String(issue.maximum) : '';
    errors[field] = fmt(m.validation[key], { field: label, min, max });
  }
  return errors;
}

export async function validateForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  labels: Record<string, string>,
): Promise<FormResult<z.infer<S>>> {
  const values = await readForm(c);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data, values };
  return { ok: false, errors: translateIssues(c.get('m'), result.error.issues, labels), values };
}
