/**
 * Turns a parsed LinkedIn export into proposed profile changes the member picks from, and
 * reads the picked ones back from the form (validated like the editor: the values travel
 * through the member's browser, so they are checked again).
 */
import type { ProfileLink } from '../../db/schema.ts';
import { LIMITS } from './profile.fields.ts';
import { isHttpsUrl, parseSkills } from './profile.form.ts';
import type { CareerItem, ProfileRecord } from './profile.present.ts';
import type { LinkedInProfile } from './linkedin.ts';

export const CHANGE_KEYS = ['nameRomaji', 'currentEmployer', 'currentTitle', 'bioJa', 'bioEn', 'skills', 'links', 'career'] as const;
export type ChangeKey = (typeof CHANGE_KEYS)[number];

export interface ProposedChange {
  key: ChangeKey;
  current: string;
  proposed: string;
  /** JSON of the value to apply, carried in a hidden field. */
  value: string;
  /** Ticked by default when the profile has nothing there yet. */
  suggested: boolean;
}

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;

const careerText = (items: CareerItem[]): string =>
  items.map((c) => `${c.employer}${c.title ? ` · ${c.title}` : ''} (${c.fromMonth ?? ''}–${c.toMonth ?? ''})`).join('\n');

export function proposeChanges(record: ProfileRecord, li: LinkedInProfile): ProposedChange[] {
  const out: ProposedChange[] = [];
  const add = (key: ChangeKey, current: string, proposed: string, value: unknown) => {
    if (!proposed.trim() || proposed.trim() === current.trim()) return;
    out.push({ key, current, proposed, value: JSON.stringify(value), suggested: current.trim() === '' });
  };
  const romaji = `${li.firstName} ${li.lastName}`.trim();
  if (romaji && !JAPANESE.test(romaji)) add('nameRomaji', record.nameRomaji ?? '', romaji.slice(0, LIMITS.shortText), romaji.slice(0, LIMITS.shortText));
  const now = li.positions.find((p) => p.to === null);
  if (now) {
    add('currentEmployer', record.currentEmployer ?? '', now.company.slice(0, LIMITS.title), now.company.slice(0, LIMITS.title));
    if (now.title) add('currentTitle', record.currentTitle ?? '', now.title.slice(0, LIMITS.title), now.title.slice(0, LIMITS.title));
  } else if (li.headline) {
    add('currentTitle', record.currentTitle ?? '', li.headline.slice(0, LIMITS.title), li.headline.slice(0, LIMITS.title));
  }
  if (li.summary) {
    const bio = li.summary.slice(0, LIMITS.bio);
    if (JAPANESE.test(bio)) add('bioJa', record.bioJa ?? '', bio, bio);
    else add('bioEn', record.bioEn ?? '', bio, bio);
  }
  const skills = parseSkills([...record.skills, ...li.skills].join('\n'));
  if (skills.length > record.skills.length) add('skills', record.skills.join(', '), skills.join(', '), skills);
  const known = new Set(record.links.map((l) => l.url));
  const links = [...record.links, ...li.websites.filter((u) => !known.has(u)).map((url) => ({ label: new URL(url).hostname, url }))].slice(0, LIMITS.links);
  if (links.length > record.links.length) add('links', record.links.map((l) => l.url).join('\n'), links.map((l) => l.url).join('\n'), links);
  const career: CareerItem[] = li.positions.slice(0, LIMITS.career).map((p) => ({
    employer: p.company.slice(0, LIMITS.title),
    title: p.title ? p.title.slice(0, LIMITS.title) : null,
    fromMonth: p.from,
    toMonth: p.to,
  }));
  if (career.length) add('career', careerText(record.career), careerText(career), career);
  return out;
}

const MONTH = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const str = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length <= max ? v : null);

/** The picked changes from the form (apply_<key> ticked, value_<key> holding JSON); invalid values are dropped. */
export function readPickedChanges(values: Record<string, string>) {
  const picked: {
    nameRomaji?: string;
    currentEmployer?: string;
    currentTitle?: string;
    bioJa?: string;
    bioEn?: string;
    skills?: string[];
    links?: ProfileLink[];
    career?: CareerItem[];
  } = {};
  for (const key of CHANGE_KEYS) {
    if (values[`apply_${key}`] !== 'on') continue;
    let value: unknown;
    try {
      // Control characters (a NUL written as \u0000 in the JSON) never reach the database.
      value = JSON.parse(values[`value_${key}`] ?? 'null', (_k, v: unknown) => (typeof v === 'string' ? v.replace(CONTROL, '') : v));
    } catch {
      continue;
    }
    switch (key) {
      case 'nameRomaji':
      case 'currentEmployer':
      case 'currentTitle': {
        const s = str(value, key === 'nameRomaji' ? LIMITS.shortText : LIMITS.title);
        if (s !== null) picked[key] = s;
        break;
      }
      case 'bioJa':
      case 'bioEn': {
        const s = str(value, LIMITS.bio);
        if (s !== null) picked[key] = s;
        break;
      }
      case 'skills':
        if (Array.isArray(value)) picked.skills = parseSkills(value.filter((s): s is string => typeof s === 'string').join('\n'));
        break;
      case 'links':
        if (Array.isArray(value)) {
          picked.links = value
            .filter((l): l is ProfileLink => typeof l === 'object' && l !== null && typeof l.url === 'string' && typeof l.label === 'string')
            .filter((l) => isHttpsUrl(l.url) && l.url.length <= 500)
            .map((l) => ({ label: l.label.slice(0, LIMITS.shortText), url: l.url }))
            .slice(0, LIMITS.links);
        }
        break;
      case 'career':
        if (Array.isArray(value)) {
          picked.career = value
            .filter((c): c is CareerItem => typeof c === 'object' && c !== null && typeof c.employer === 'string' && c.employer.trim() !== '')
            .map((c) => ({
              employer: c.employer.slice(0, LIMITS.title),
              title: typeof c.title === 'string' ? c.title.slice(0, LIMITS.title) : null,
              fromMonth: typeof c.fromMonth === 'string' && MONTH.test(c.fromMonth) ? c.fromMonth : null,
              toMonth: typeof c.toMonth === 'string' && MONTH.test(c.toMonth) ? c.toMonth : null,
            }))
            // As in the editor, a position cannot end before it starts.
            .filter((c) => !(c.fromMonth && c.toMonth && c.fromMonth > c.toMonth))
            .slice(0, LIMITS.career);
        }
        break;
    }
  }
  return picked;
}
