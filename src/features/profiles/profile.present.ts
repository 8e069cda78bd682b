/**
 * What a viewer may see of a profile (`presentProfile`), and the directory rows built from
 * it for each audience (`directoryRows`). Both drop every value the viewer's audience may
 * not see, so no page, search match or list can show one.
 */
import type { Audience, ContactPreference, ProfileLink, Role, Visibility, Want } from '../../db/schema.ts';
import { AUDIENCES } from '../../db/schema.ts';
import { bigrams, fold, romajiForms } from '../../shared/search.ts';
import { filterTokens } from './filter-tokens.ts';
import { PROFILE_FIELDS, type ProfileField, visibilityOf, visibleTo } from './profile.fields.ts';

export interface CareerItem {
  employer: string;
  title: string | null;
  fromMonth: string | null;
  toMonth: string | null;
}

export interface TenurePeriod {
  departmentId: string;
  nameJa: string;
  nameEn: string;
  from: string | null;
  to: string | null;
}

/** Years and departments at the company, from the roster. */
export interface Tenure {
  joinedOn: string | null;
  leftOn: string | null;
  periods: TenurePeriod[];
}

/** Everything stored about a member's profile, as loaded by the repository. */
export interface ProfileRecord {
  userId: string;
  name: string;
  nameKana: string | null;
  role: Role;
  status: string;
  joinedAt: Date;
  nameRomaji: string | null;
  photoKey: string | null;
  currentEmployer: string | null;
  currentTitle: string | null;
  industry: string | null;
  country: string | null;
  prefecture: string | null;
  skills: string[];
  achievements: string | null;
  links: ProfileLink[];
  bioJa: string | null;
  bioEn: string | null;
  wants: Want[];
  contact: ContactPreference;
  hidden: boolean;
  visibility: Record<string, string>;
  updatedAt: Date;
  reviewedAt: Date;
  career: CareerItem[];
  tenure: Tenure | null;
}

/** A profile as one viewer may see it: a field the viewer may not see is absent. */
export interface PresentedProfile {
  userId: string;
  self: boolean;
  name?: string;
  nameKana?: string;
  nameRomaji?: string;
  photoKey?: string;
  currentEmployer?: string;
  currentTitle?: string;
  industry?: string;
  location?: { country: string; prefecture: string | null };
  skills?: string[];
  achievements?: string;
  career?: CareerItem[];
  links?: ProfileLink[];
  bioJa?: string;
  bioEn?: string;
  wants?: Want[];
  tenure?: Tenure;
  /** The contact preference is shown to everyone who may see the profile. */
  contact: ContactPreference;
  updatedAt: Date;
}

/** Who is looking: the member themself sees everything; others see by audience. */
export type Viewer = { self: true } | { self: false; audience: Audience };

function nonEmpty(value: string | null | undefined): string | undefined {
  return value && value.trim() ? value : undefined;
}

export function presentProfile(p: ProfileRecord, viewer: Viewer): PresentedProfile {
  const sees = (field: ProfileField): boolean => viewer.self || visibleTo(visibilityOf(p.visibility, field), viewer.audience);
  const out: PresentedProfile = { userId: p.userId, self: viewer.self, contact: p.contact, updatedAt: p.updatedAt };
  if (sees('name')) out.name = p.name;
  if (sees('nameKana') && nonEmpty(p.nameKana)) out.nameKana = p.nameKana!;
  if (sees('nameRomaji') && nonEmpty(p.nameRomaji)) out.nameRomaji = p.nameRomaji!;
  if (sees('photo') && p.photoKey) out.photoKey = p.photoKey;
  if (sees('currentEmployer') && nonEmpty(p.currentEmployer)) out.currentEmployer = p.currentEmployer!;
  if (sees('currentTitle') && nonEmpty(p.currentTitle)) out.currentTitle = p.currentTitle!;
  if (sees('industry') && p.industry) out.industry = p.industry;
  if (sees('location') && p.country) out.location = { country: p.country, prefecture: p.prefecture };
  if (sees('skills') && p.skills.length) out.skills = p.skills;
  if (sees('achievements') && nonEmpty(p.achievements)) out.achievements = p.achievements!;
  if (sees('career') && p.career.length) out.career = p.career;
  if (sees('links') && p.links.length) out.links = p.links;
  if (sees('bio')) {
    if (nonEmpty(p.bioJa)) out.bioJa = p.bioJa!;
    if (nonEmpty(p.bioEn)) out.bioEn = p.bioEn!;
  }
  if (sees('wants') && p.wants.length) out.wants = p.wants;
  if (sees('tenure') && p.tenure) out.tenure = p.tenure;
  return out;
}

/** Every field's visibility, defaults filled in (for the editor). */
export function visibilities(p: Pick<ProfileRecord, 'visibility'>): Record<ProfileField, Visibility> {
  return Object.fromEntries(PROFILE_FIELDS.map((f) => [f, visibilityOf(p.visibility, f)])) as Record<ProfileField, Visibility>;
}

/** What a directory list shows of a member for one audience. */
export interface DirectoryCard {
  name: string;
  nameKana?: string;
  photoKey?: string;
  currentTitle?: string;
  currentEmployer?: string;
  industry?: string;
  location?: { country: string; prefecture: string | null };
  skills?: string[];
  tenure?: { joinedYear: number | null; leftYear: number | null; departments: { ja: string; en: string }[] };
  updatedAt: string;
}

export interface DirectoryRow {
  userId: string;
  audience: Audience;
  sortKey: string;
  joinedAt: Date;
  updatedAt: Date;
  searchText: string;
  grams: string[];
  industry: string | null;
  country: string | null;
  prefecture: string | null;
  skills: string[];
  wants: string[];
  departmentIds: string[];
  leftYear: number | null;
  card: DirectoryCard;
}

const yearOf = (d: string | null | undefined): number | null => (d ? Number(d.slice(0, 4)) : null);

/** Whether a member is listed in the directory at all: an active alumnus who has not hidden. */
export function isListed(p: Pick<ProfileRecord, 'role' | 'status' | 'hidden'>): boolean {
  return p.role === 'alumnus' && p.status === 'active' && !p.hidden;
}

/** The directory rows of a member: one per audience that may see the name (none when unlisted). */
export function directoryRows(p: ProfileRecord): DirectoryRow[] {
  if (!isListed(p)) return [];
  const rows: DirectoryRow[] = [];
  for (const audience of AUDIENCES) {
    const v = presentProfile(p, { self: false, audience });
    if (!v.name) continue;
    // Searchable values, each folded on its own (pieces never span two values).
    const romaji = v.nameKana ? romajiForms(v.nameKana) : [];
    // Names also without their space, so 山田花子 and yamadahanako find 山田 花子.
    const joined = (s: string | undefined) => (s && /\s/.test(s.trim()) ? s.replace(/\s+/g, '') : undefined);
    const values = [
      v.name,
      joined(v.name),
      v.nameKana,
      joined(v.nameKana),
      ...romaji,
      ...romaji.map(joined),
      v.nameRomaji,
      joined(v.nameRomaji),
      v.currentEmployer,
      v.currentTitle,
      ...(v.skills ?? []),
      v.bioJa,
      v.bioEn,
      v.achievements,
      ...(v.career ?? []).flatMap((c) => [c.employer, c.title ?? undefined]),
    ]
      .map((s) => fold(s))
      .filter((s) => s.length > 0);
    const tenure = v.tenure;
    rows.push({
      userId: p.userId,
      audience,
      sortKey: fold(v.nameKana ?? v.name).replace(/ /g, ''),
      joinedAt: p.joinedAt,
      updatedAt: p.updatedAt,
      searchText: values.join('\n'),
      grams: [
        ...bigrams(values),
        ...filterTokens({
          departmentIds: tenure ? tenure.periods.map((t) => t.departmentId) : [],
          leftYear: tenure ? yearOf(tenure.leftOn) : null,
          industry: v.industry ?? null,
          country: v.location?.country ?? null,
          prefecture: v.location?.prefecture ?? null,
          skills: (v.skills ?? []).map((s) => fold(s)),
          wants: v.wants ?? [],
        }),
      ],
      industry: v.industry ?? null,
      country: v.location?.country ?? null,
      prefecture: v.location?.prefecture ?? null,
      skills: (v.skills ?? []).map((s) => fold(s)),
      wants: v.wants ?? [],
      departmentIds: tenure ? [...new Set(tenure.periods.map((t) => t.departmentId))] : [],
      leftYear: tenure ? yearOf(tenure.leftOn) : null,
      card: {
        name: v.name,
        ...(v.nameKana ? { nameKana: v.nameKana } : {}),
        ...(v.photoKey ? { photoKey: v.photoKey } : {}),
        ...(v.currentTitle ? { currentTitle: v.currentTitle } : {}),
        ...(v.currentEmployer ? { currentEmployer: v.currentEmployer } : {}),
        ...(v.industry ? { industry: v.industry } : {}),
        ...(v.location ? { location: v.location } : {}),
        ...(v.skills ? { skills: v.skills.slice(0, 6) } : {}),
        ...(tenure
          ? {
              tenure: {
                joinedYear: yearOf(tenure.joinedOn),
                leftYear: yearOf(tenure.leftOn),
                departments: [...new Map(tenure.periods.map((t) => [t.departmentId, { ja: t.nameJa, en: t.nameEn }])).values()],
              },
            }
          : {}),
        updatedAt: p.updatedAt.toISOString(),
      },
    });
  }
  return rows;
}
