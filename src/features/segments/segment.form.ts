/**
 * The segment form: checkbox groups (one field per value, e.g. `roles.alumnus`), years, dates
 * and day counts, read into a SegmentFilter. Values outside the known lists are dropped; numbers
 * and dates out of range are errors in the user's language.
 */
import { WANTS, type SegmentFilter } from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import { INDUSTRIES, PREFECTURES } from '../profiles/profile.fields.ts';
import { fold } from '../../shared/search.ts';


export const SEGMENT_ROLES = ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const;
export const SEGMENT_TOPICS = ['news', 'newsletter', 'events', 'jobs', 'messages'] as const;
export const SEGMENT_LANGUAGES = ['ja', 'en'] as const;

export interface SegmentInput {
  name: string;
  description: string | null;
  filter: SegmentFilter;
}

type Values = Record<string, string>;

const picked = <T extends string>(values: Values, group: string, options: readonly T[]): T[] => options.filter((o) => values[`${group}.${o}`] !== undefined);

const YEAR = /^\d{4}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * Parses the form; `departmentIds` are the departments that exist (others are dropped);
 * `groupIds` are the groups that may be chosen (a chosen one that is not, e.g. archived meanwhile, is an error).
 */
export function parseSegmentForm(
  m: Messages,
  values: Values,
  departmentIds: readonly string[],
  groupIds: readonly string[] = [],
): { ok: true; data: SegmentInput } | { ok: false; errors: Record<string, string> } {
  const s = m.segments.form;
  const errors: Record<string, string> = {};
  const name = (values.name ?? '').trim();
  if (!name) errors.name = fmt(m.validation.required, { field: s.name });
  else if (Array.from(name).length > 100) errors.name = fmt(m.validation.tooLong, { field: s.name, max: '100' });
  const description = (values.description ?? '').trim();
  if (Array.from(description).length > 500) errors.description = fmt(m.validation.tooLong, { field: s.description, max: '500' });

  const filter: SegmentFilter = {};
  const roles = picked(values, 'roles', SEGMENT_ROLES);
  if (roles.length) filter.roles = roles;
  const wants = picked(values, 'wants', WANTS);
  if (wants.length) filter.wants = wants;
  const industries = picked(values, 'industries', INDUSTRIES);
  if (industries.length) filter.industries = industries;
  const prefectures = picked(values, 'prefectures', PREFECTURES);
  if (prefectures.length) filter.prefectures = prefectures;
  const languages = picked(values, 'languages', SEGMENT_LANGUAGES);
  if (languages.length) filter.languages = languages;
  const consents = picked(values, 'consents', SEGMENT_TOPICS);
  if (consents.length) filter.consents = consents;
  const departments = departmentIds.filter((id) => values[`departments.${id}`] !== undefined);
  if (departments.length) filter.departmentIds = departments;
  const chosenGroups = Object.keys(values)
    .filter((k) => k.startsWith('groups.'))
    .map((k) => k.slice('groups.'.length));
  if (chosenGroups.some((id) => !groupIds.includes(id))) errors.groups = s.groupGone;
  else if (chosenGroups.length) filter.groupIds = [...new Set(chosenGroups)];
  const skills = [...new Set((values.skills ?? '').split(/[,、，\n]/).map((x) => fold(x.trim())).filter(Boolean))];
  if (skills.length > 20) errors.skills = fmt(s.tooMany, { field: s.skills, max: '20' });
  else if (skills.length) filter.skills = skills;

  for (const key of ['leftFrom', 'leftTo'] as const) {
    const v = (values[key] ?? '').trim();
    if (!v) continue;
    if (!YEAR.test(v) || Number(v) < 1950 || Number(v) > 2100) errors[key] = fmt(s.yearInvalid, { field: s[key] });
    else filter[key] = Number(v);
  }
  if (filter.leftFrom !== undefined && filter.leftTo !== undefined && filter.leftFrom > filter.leftTo) errors.leftTo = s.rangeReversed;

  for (const key of ['joinedFrom', 'joinedTo'] as const) {
    const v = (values[key] ?? '').trim();
    if (!v) continue;
    if (!validDate(v)) errors[key] = fmt(s.dateInvalid, { field: s[key] });
    else filter[key] = v;
  }
  if (filter.joinedFrom && filter.joinedTo && filter.joinedFrom > filter.joinedTo) errors.joinedTo = s.rangeReversed;

  for (const key of ['activeWithinDays', 'inactiveForDays'] as const) {
    const v = (values[key] ?? '').trim();
    if (!v) continue;
    if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 3650) errors[key] = fmt(s.daysInvalid, { field: s[key] });
    else filter[key] = Number(v);
  }
  if (filter.activeWithinDays && filter.inactiveForDays) errors.inactiveForDays = s.activeAndDormant;

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data: { name, description: description || null, filter } };
}

/** The form's fields for a saved filter (to edit it). */
export function formValuesOf(input: { name: string; description: string | null; filter: SegmentFilter }): Values {
  const f = input.filter;
  const out: Values = { name: input.name, description: input.description ?? '' };
  const tick = (group: string, list: readonly string[] | undefined) => list?.forEach((v) => (out[`${group}.${v}`] = '1'));
  tick('roles', f.roles);
  tick('wants', f.wants);
  tick('industries', f.industries);
  tick('prefectures', f.prefectures);
  tick('languages', f.languages);
  tick('consents', f.consents);
  tick('departments', f.departmentIds);
  tick('groups', f.groupIds);
  if (f.skills?.length) out.skills = f.skills.join(', ');
  for (const key of ['leftFrom', 'leftTo', 'joinedFrom', 'joinedTo', 'activeWithinDays', 'inactiveForDays'] as const) {
    if (f[key] !== undefined) out[key] = String(f[key]);
  }
  return out;
}
