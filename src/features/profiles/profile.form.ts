/**
 * Reads the profile edit form into a ProfileInput, or field errors in the member's language.
 * Repeated rows use numbered names (career_0_employer, link_0_url), checkboxes one name each
 * (want_return), visibilities vis_<field>: the form works without JavaScript.
 */
import { CONTACT_PREFERENCES, WANTS, type ContactPreference, type ProfileLink, type Want } from '../../db/schema.ts';
import type { FormValues } from '../../shared/http/form.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { choicesFor, INDUSTRIES, LIMITS, PREFECTURES, PROFILE_FIELDS, type ProfileField } from './profile.fields.ts';
import type { CareerItem, ProfileRecord } from './profile.present.ts';
import type { ProfileInput } from './profiles.service.ts';

/** Countries offered in the location field (ISO 3166); names come from Intl.DisplayNames. */
export const COUNTRIES = ['JP', 'US', 'GB', 'CN', 'KR', 'TW', 'HK', 'SG', 'TH', 'VN', 'PH', 'ID', 'MY', 'IN', 'AU', 'NZ', 'CA', 'DE', 'FR', 'NL', 'CH', 'SE', 'AE', 'BR', 'ZZ'] as const;

export const CAREER_ROWS = 3;
const MONTH = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;

export function parseSkills(value: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of value.split(/[\n,、,]/)) {
    const skill = raw.trim().slice(0, LIMITS.skillLength);
    const key = skill.normalize('NFKC').toLowerCase();
    if (!skill || seen.has(key)) continue;
    seen.add(key);
    out.push(skill);
    if (out.length >= LIMITS.skills) break;
  }
  return out;
}

export function isHttpsUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname.length > 0;
}

/** How many career rows the form holds (filled ones and a few empty ones to add more). */
export function careerRowCount(values: FormValues): number {
  let n = 0;
  while (`career_${n}_employer` in values) n++;
  return Math.max(n, CAREER_ROWS);
}

export function parseProfileForm(m: Messages, v: FormValues): { ok: true; data: ProfileInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const f = m.profiles.fields;
  const str = (name: string, max: number, label: string, required = false): string => {
    // Zero-width characters alone do not make a value (a name of only U+200B is empty).
    const value = (v[name] ?? '').replace(/[\u200b-\u200d\u2060\ufeff]/g, '').trim();
    if (required && !value) errors[name] = fmt(m.validation.required, { field: label });
    else if (value.length > max) errors[name] = fmt(m.validation.tooLong, { field: label, max: String(max) });
    return value;
  };
  const choice = <T extends string>(name: string, options: readonly T[], label: string): T | '' => {
    const value = (v[name] ?? '').trim();
    if (!value) return '';
    if ((options as readonly string[]).includes(value)) return value as T;
    errors[name] = fmt(m.profiles.errors.choice, { field: label });
    return '';
  };

  const name = str('name', LIMITS.shortText, f.name, true);
  const nameKana = str('nameKana', LIMITS.shortText, f.nameKana);
  const nameRomaji = str('nameRomaji', LIMITS.shortText, f.nameRomaji);
  const currentEmployer = str('currentEmployer', LIMITS.title, f.currentEmployer);
  const currentTitle = str('currentTitle', LIMITS.title, f.currentTitle);
  const industry = choice('industry', INDUSTRIES, f.industry);
  const country = choice('country', COUNTRIES, f.country);
  const prefecture = country === 'JP' ? choice('prefecture', PREFECTURES, f.prefecture) : '';
  const achievements = str('achievements', LIMITS.achievements, f.achievements);
  const bioJa = str('bioJa', LIMITS.bio, f.bioJa);
  const bioEn = str('bioEn', LIMITS.bio, f.bioEn);
  const skills = parseSkills(v.skills ?? '');
  const contact = (choice('contact', CONTACT_PREFERENCES, f.contact) || 'no') as ContactPreference;
  const wants = WANTS.filter((w): w is Want => v[`want_${w}`] === 'on');

  const links: ProfileLink[] = [];
  for (let i = 0; i < LIMITS.links; i++) {
    const label = (v[`link_${i}_label`] ?? '').trim().slice(0, LIMITS.shortText);
    const url = (v[`link_${i}_url`] ?? '').trim();
    if (!url && !label) continue;
    if (!isHttpsUrl(url) || url.length > 500) {
      errors[`link_${i}_url`] = fmt(m.profiles.errors.url, { field: f.linkUrl });
      continue;
    }
    links.push({ label: label || new URL(url).hostname, url });
  }

  const career: CareerItem[] = [];
  const rows = Math.min(careerRowCount(v), LIMITS.career);
  for (let i = 0; i < rows; i++) {
    const employer = (v[`career_${i}_employer`] ?? '').trim();
    const title = (v[`career_${i}_title`] ?? '').trim();
    const from = (v[`career_${i}_from`] ?? '').trim();
    const to = (v[`career_${i}_to`] ?? '').trim();
    if (!employer && !title && !from && !to) continue;
    if (!employer) errors[`career_${i}_employer`] = m.profiles.errors.employerMissing;
    else if (employer.length > LIMITS.title) errors[`career_${i}_employer`] = fmt(m.validation.tooLong, { field: f.employer, max: String(LIMITS.title) });
    if (title.length > LIMITS.title) errors[`career_${i}_title`] = fmt(m.validation.tooLong, { field: f.title, max: String(LIMITS.title) });
    if (from && !MONTH.test(from)) errors[`career_${i}_from`] = fmt(m.profiles.errors.month, { field: f.from });
    if (to && !MONTH.test(to)) errors[`career_${i}_to`] = fmt(m.profiles.errors.month, { field: f.to });
    if (from && to && MONTH.test(from) && MONTH.test(to) && from > to) errors[`career_${i}_to`] = m.profiles.errors.careerOrder;
    career.push({ employer, title: title || null, fromMonth: from || null, toMonth: to || null });
  }

  const visibility = {} as Record<ProfileField, string>;
  for (const field of PROFILE_FIELDS) {
    const value = (v[`vis_${field}`] ?? '').trim();
    if (value && !(choicesFor(field) as readonly string[]).includes(value)) {
      errors[`vis_${field}`] = fmt(m.profiles.errors.choice, { field: fmt(m.profiles.visibility.label, { field: m.profiles.fields[field] }) });
    }
    visibility[field] = value;
  }

  if (Object.values(errors).some(Boolean)) return { ok: false, errors };
  return {
    ok: true,
    data: { name, nameKana, nameRomaji, currentEmployer, currentTitle, industry, country, prefecture, skills, achievements, links, bioJa, bioEn, wants, contact, career, visibility },
  };
}

/** The form's values for a stored profile (the editor's starting point). */
export function formValuesOf(
  p: Pick<
    ProfileRecord,
    'name' | 'nameKana' | 'nameRomaji' | 'currentEmployer' | 'currentTitle' | 'industry' | 'country' | 'prefecture' | 'skills' | 'achievements' | 'links' | 'bioJa' | 'bioEn' | 'wants' | 'contact' | 'career'
  > & { visibility: Record<string, string> },
): FormValues {
  const v: FormValues = {
    name: p.name,
    nameKana: p.nameKana ?? '',
    nameRomaji: p.nameRomaji ?? '',
    currentEmployer: p.currentEmployer ?? '',
    currentTitle: p.currentTitle ?? '',
    industry: p.industry ?? '',
    country: p.country ?? '',
    prefecture: p.prefecture ?? '',
    skills: p.skills.join('\n'),
    achievements: p.achievements ?? '',
    bioJa: p.bioJa ?? '',
    bioEn: p.bioEn ?? '',
    contact: p.contact,
  };
  for (const w of p.wants) v[`want_${w}`] = 'on';
  p.links.forEach((l, i) => {
    v[`link_${i}_label`] = l.label;
    v[`link_${i}_url`] = l.url;
  });
  const rows = Math.max(p.career.length + 1, CAREER_ROWS);
  for (let i = 0; i < rows; i++) {
    const c = p.career[i];
    v[`career_${i}_employer`] = c?.employer ?? '';
    v[`career_${i}_title`] = c?.title ?? '';
    v[`career_${i}_from`] = c?.fromMonth ?? '';
    v[`career_${i}_to`] = c?.toMonth ?? '';
  }
  for (const [field, value] of Object.entries(p.visibility)) v[`vis_${field}`] = value;
  return v;
}
