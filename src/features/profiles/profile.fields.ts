/**
 * The profile's fields and who may see them. Every field has a visibility; the defaults
 * keep what a person types to alumni or to themselves until they choose otherwise.
 */
import type { Audience, Role, Visibility } from '../../db/schema.ts';
import { VISIBILITIES } from '../../db/schema.ts';

export { CONTACT_PREFERENCES, VISIBILITIES, WANTS, type Want } from '../../db/schema.ts';

export const PROFILE_FIELDS = [
  'name',
  'nameKana',
  'nameRomaji',
  'photo',
  'currentEmployer',
  'currentTitle',
  'industry',
  'location',
  'skills',
  'achievements',
  'career',
  'links',
  'bio',
  'wants',
  'tenure',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/**
 * Privacy-preserving defaults: the name and its readings identify a member to former
 * colleagues (hiding from the directory is one switch away); professional facts go to
 * alumni only; location, links, wishes and the years at the company stay private.
 */
export const DEFAULT_VISIBILITY: Record<ProfileField, Visibility> = {
  name: 'network',
  nameKana: 'network',
  nameRomaji: 'network',
  photo: 'network',
  currentEmployer: 'alumni',
  currentTitle: 'alumni',
  industry: 'alumni',
  location: 'private',
  skills: 'alumni',
  achievements: 'alumni',
  career: 'alumni',
  links: 'private',
  bio: 'alumni',
  wants: 'private',
  tenure: 'private',
};

/** The name cannot be "only me": to disappear, a member hides from the directory instead. */
export function choicesFor(field: ProfileField): readonly Visibility[] {
  return field === 'name' ? VISIBILITIES.filter((v) => v !== 'private') : VISIBILITIES;
}

export function visibilityOf(stored: Record<string, string> | null | undefined, field: ProfileField): Visibility {
  const value = stored?.[field];
  return value && (choicesFor(field) as readonly string[]).includes(value) ? (value as Visibility) : DEFAULT_VISIBILITY[field];
}

/** Alumni see what is for the network or for alumni; every staff role sees what is for the network or for staff. */
export function audienceOf(role: Role): Audience {
  return role === 'alumnus' ? 'alumni' : 'staff';
}

export function visibleTo(visibility: Visibility, audience: Audience): boolean {
  return visibility === 'network' || visibility === audience;
}

export const INDUSTRIES = [
  'it',
  'manufacturing',
  'finance',
  'consulting',
  'trading',
  'retail',
  'healthcare',
  'education',
  'public',
  'media',
  'realEstate',
  'logistics',
  'energy',
  'hospitality',
  'other',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

/** JIS X 0401 prefecture codes, 01 (Hokkaido) to 47 (Okinawa); names are in the catalogues. */
export const PREFECTURES = Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(2, '0'));

export const LIMITS = {
  shortText: 100,
  title: 150,
  achievements: 2000,
  bio: 2000,
  skills: 30,
  skillLength: 40,
  links: 5,
  career: 20,
} as const;
