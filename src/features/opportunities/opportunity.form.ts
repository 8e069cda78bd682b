/**
 * The opportunity editor's form: reading and checking what operators typed. The closing date is
 * a day in the network's time zone: applications are taken until that day ends there.
 */
import { OPPORTUNITY_AUDIENCES, OPPORTUNITY_KINDS, WANTS, WORK_STYLES, type OpportunityAudience, type OpportunityKind, type Want, type WorkStyle } from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { fromZonedInput, toZonedInput } from '../../shared/i18n/zoned.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import type { OpportunityRow } from './opportunities.repository.ts';

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 20_000;
export const MAX_LOCATION = 200;

export type Intent = 'draft' | 'publish';

export interface OpportunityInput {
  kind: OpportunityKind;
  title: string;
  description: string;
  departmentId: string | null;
  location: string | null;
  workStyle: WorkStyle;
  audience: OpportunityAudience;
  segmentId: string | null;
  referralsOpen: boolean;
  /** The first instant at which applications are no longer taken (null: open until closed by hand). */
  closesAt: Date | null;
  wants: Want[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a closing day ends in `timeZone` (the next day's midnight there), or null when `day` is no real date. */
export function endOfDay(day: string, timeZone: string): Date | null {
  const m = DATE.exec(day);
  if (!m || !fromZonedInput(`${day}T00:00`, timeZone)) return null;
  const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  return fromZonedInput(`${next.toISOString().slice(0, 10)}T00:00`, timeZone);
}

/** The closing day an instant stored by `endOfDay` stands for, as `YYYY-MM-DD` in `timeZone`. */
export function closingDay(closesAt: Date, timeZone: string): string {
  return toZonedInput(new Date(closesAt.getTime() - 60_000), timeZone).slice(0, 10);
}

/** The form's starting values for an opportunity (or a new one). */
export function formValuesOf(o: OpportunityRow | null, timeZone: string): Record<string, string> {
  if (!o) return { kind: 'full_time', workStyle: 'hybrid', audience: 'alumni', referralsOpen: '1' };
  return {
    kind: o.kind,
    title: o.title,
    description: o.description,
    departmentId: o.departmentId ?? '',
    location: o.location ?? '',
    workStyle: o.workStyle,
    audience: o.audience,
    segmentId: o.segmentId ?? '',
    referralsOpen: o.referralsOpen ? '1' : '',
    closesOn: o.closesAt ? closingDay(o.closesAt, timeZone) : '',
    wants: o.wants.join(','),
  };
}

export function intentOf(values: Record<string, string>): Intent {
  return values.intent === 'publish' ? 'publish' : 'draft';
}

const text = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n').trim();
const length = (s: string) => Array.from(s).length;

function oneOf<T extends string>(list: readonly T[], value: string | undefined): T | null {
  return (list as readonly string[]).includes(value ?? '') ? (value as T) : null;
}

/**
 * Checks the editor's values. `departmentIds` and `segmentIds` are those that may be chosen;
 * `today` (YYYY-MM-DD in the network's zone) keeps a published opportunity from closing in the past.
 */
export function parseOpportunityForm(
  m: Messages,
  values: Record<string, string>,
  opts: { timeZone: string; departmentIds: string[]; segmentIds: string[]; intent: Intent; today: string },
): { ok: true; data: OpportunityInput } | { ok: false; errors: FieldErrors } {
  const e = m.opportunities.errors;
  const errors: FieldErrors = {};
  const kind = oneOf(OPPORTUNITY_KINDS, values.kind);
  if (!kind) errors.kind = e.kind;
  const title = text(values.title);
  if (!title) errors.title = e.titleRequired;
  else if (length(title) > MAX_TITLE) errors.title = fmt(e.titleTooLong, { max: MAX_TITLE });
  const description = text(values.description);
  if (!description) errors.description = e.descriptionRequired;
  else if (length(description) > MAX_DESCRIPTION) errors.description = fmt(e.descriptionTooLong, { max: MAX_DESCRIPTION });
  const departmentId = values.departmentId ?? '';
  if (departmentId && !opts.departmentIds.includes(departmentId)) errors.departmentId = e.department;
  const location = text(values.location);
  if (length(location) > MAX_LOCATION) errors.location = fmt(e.locationTooLong, { max: MAX_LOCATION });
  const workStyle = oneOf(WORK_STYLES, values.workStyle);
  if (!workStyle) errors.workStyle = e.workStyle;
  const audience = oneOf(OPPORTUNITY_AUDIENCES, values.audience);
  if (!audience) errors.audience = e.audience;
  const segmentId = audience === 'segment' ? (values.segmentId ?? '') : '';
  if (audience === 'segment' && !opts.segmentIds.includes(segmentId)) errors.segmentId = e.segment;
  let closesAt: Date | null = null;
  const closesOn = text(values.closesOn);
  if (closesOn) {
    closesAt = endOfDay(closesOn, opts.timeZone);
    if (!closesAt) errors.closesOn = e.closesOn;
    else if (opts.intent === 'publish' && closesOn < opts.today) errors.closesOn = e.closesOnPast;
  }
  if (Object.keys(errors).length || !kind || !workStyle || !audience) return { ok: false, errors };
  return {
    ok: true,
    data: {
      kind,
      title,
      description,
      departmentId: departmentId || null,
      location: location || null,
      workStyle,
      audience,
      segmentId: segmentId || null,
      referralsOpen: values.referralsOpen === '1',
      closesAt,
      wants: WANTS.filter((w) => (values.wants ?? '').split(',').includes(w)),
    },
  };
}
