/**
 * Profiles and the directory: editing one's own profile (every field with a visibility),
 * viewing others as one's audience allows, search, former colleagues, blocks, hiding,
 * photos, the freshness reminder and the operators' views (HR facts, unusual volumes).
 */
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { uploadsDir, type Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Audience, ContactPreference, ProfileLink, Want } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { getNetworkSettings, localized } from '../../shared/network.ts';
import { fold, queryTerms } from '../../shared/search.ts';
import { deletePhoto, photoPath, processPhoto, storePhoto, type PhotoError } from './photo.ts';
import { audienceOf, PROFILE_FIELDS, type ProfileField, visibilityOf } from './profile.fields.ts';
import { directoryRows, presentProfile, type CareerItem, type PresentedProfile, type ProfileRecord } from './profile.present.ts';
import * as repo from './profiles.repository.ts';
import { searchCacheFor } from './search-cache.ts';
import { flushSearchCounts, searchCounter } from './search-counter.ts';

export type { DirectorySort } from './profiles.repository.ts';

/** The audience an actor belongs to when looking at others. */
export function audienceFor(actor: Actor): Audience {
  return audienceOf(actor.role);
}

/** Rebuilds a member's directory rows from their profile (none when not listed). Call after any change that affects them. */
export async function refreshDirectory(db: Db, userId: string): Promise<void> {
  const record = await repo.loadProfile(db, userId);
  await repo.writeDirectoryRows(db, userId, record ? directoryRows(record) : []);
}

export function reviewDue(record: Pick<ProfileRecord, 'reviewedAt'>, config: Pick<Config, 'profileReviewMonths'>, now = new Date()): boolean {
  const due = new Date(record.reviewedAt);
  due.setMonth(due.getMonth() + config.profileReviewMonths);
  return due <= now;
}

/** When the member's profile is due for review, the date it was last reviewed (for the home page banner). */
export async function reviewDueSince(db: Db, config: Config, actor: Actor): Promise<Date | null> {
  if (actor.status !== 'active') return null;
  const record = await repo.loadProfile(db, actor.id);
  return record && reviewDue(record, config) ? record.reviewedAt : null;
}

export async function ownProfile(db: Db, actor: Actor): Promise<ProfileRecord> {
  const record = await repo.loadProfile(db, actor.id);
  if (!record) throw new AppError('NOT_FOUND');
  return record;
}

export interface ProfileInput {
  name: string;
  nameKana: string;
  nameRomaji: string;
  currentEmployer: string;
  currentTitle: string;
  industry: string;
  country: string;
  prefecture: string;
  skills: string[];
  achievements: string;
  links: ProfileLink[];
  bioJa: string;
  bioEn: string;
  wants: Want[];
  contact: ContactPreference;
  career: CareerItem[];
  visibility: Record<ProfileField, string>;
}

const orNull = (s: string): string | null => (s.trim() ? s.trim() : null);

/** Saves the whole profile (what the edit form holds) and rebuilds the directory rows, in one transaction. */
export async function saveProfile(db: Db, actor: Actor, input: ProfileInput, now = new Date()): Promise<void> {
  const visibility = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, visibilityOf(input.visibility, f)]));
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.updateNames(t, actor.id, input.name, orNull(input.nameKana));
    await repo.saveProfile(
      t,
      actor.id,
      {
        nameRomaji: orNull(input.nameRomaji),
        currentEmployer: orNull(input.currentEmployer),
        currentTitle: orNull(input.currentTitle),
        industry: orNull(input.industry),
        country: orNull(input.country),
        prefecture: input.country === 'JP' ? orNull(input.prefecture) : null,
        skills: input.skills,
        achievements: orNull(input.achievements),
        links: input.links,
        bioJa: orNull(input.bioJa),
        bioEn: orNull(input.bioEn),
        wants: input.wants,
        contact: input.contact,
        visibility,
        updatedAt: now,
        reviewedAt: now,
      },
      input.career,
    );
    await refreshDirectory(t, actor.id);
  });
}

/** Applies part of a profile (LinkedIn import): only the given columns change. */
export async function applyProfileChanges(
  db: Db,
  actor: Actor,
  changes: Partial<Pick<ProfileInput, 'nameRomaji' | 'currentEmployer' | 'currentTitle' | 'bioJa' | 'bioEn' | 'skills' | 'links' | 'career'>>,
  now = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const values: repo.ProfileValues = { updatedAt: now, reviewedAt: now };
    if (changes.nameRomaji !== undefined) values.nameRomaji = orNull(changes.nameRomaji);
    if (changes.currentEmployer !== undefined) values.currentEmployer = orNull(changes.currentEmployer);
    if (changes.currentTitle !== undefined) values.currentTitle = orNull(changes.currentTitle);
    if (changes.bioJa !== undefined) values.bioJa = orNull(changes.bioJa);
    if (changes.bioEn !== undefined) values.bioEn = orNull(changes.bioEn);
    if (changes.skills !== undefined) values.skills = changes.skills;
    if (changes.links !== undefined) values.links = changes.links;
    await repo.saveProfile(t, actor.id, values, changes.career);
    await refreshDirectory(t, actor.id);
  });
}

/**
 * Adds or removes one thing the member wants from the network (e.g. the "open to returning
 * someday" switch on the opportunities page), leaving the rest of the profile as it is.
 */
export async function setWant(db: Db, actor: Actor, want: Want, on: boolean, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const record = await repo.loadProfile(t, actor.id);
    if (!record) throw new AppError('NOT_FOUND');
    if (record.wants.includes(want) === on) return;
    const wants = on ? [...record.wants, want] : record.wants.filter((w) => w !== want);
    await repo.saveProfile(t, actor.id, { wants, updatedAt: now });
    await refreshDirectory(t, actor.id);
  });
}

export async function setHidden(db: Db, actor: Actor, hidden: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.saveProfile(t, actor.id, { hidden });
    await refreshDirectory(t, actor.id);
  });
}

/** "My profile is still correct": resets the freshness clock without changing anything. */
export async function confirmReviewed(db: Db, actor: Actor, now = new Date()): Promise<void> {
  await repo.markReviewed(db, actor.id, now);
}

// ---------------------------------------------------------------- rate limits

async function countView(db: Db, config: Config, actor: Actor, kind: 'profiles' | 'searches', now = new Date()): Promise<void> {
  enforceLimit(config, actor, kind, await repo.countView(db, actor.id, kind, now), now);
}

/** Refuses (429) a member over the hourly limit of a kind of directory use. */
function enforceLimit(config: Config, actor: Actor, kind: 'profiles' | 'searches', count: number, now: Date): void {
  // Operators already hold the roster: they are counted (and shown) but not stopped.
  if (actor.role === 'operator') return;
  const max = kind === 'profiles' ? config.directoryProfileViewsPerHour : config.directorySearchesPerHour;
  if (count > max) {
    const retryAfter = Math.max(1, Math.ceil((3_600_000 - (now.getTime() % 3_600_000)) / 1000));
    throw new AppError('RATE_LIMITED', `directory ${kind} limit`, { retryAfter });
  }
}

// ---------------------------------------------------------------- viewing others

/**
 * Another member's profile as the actor may see it. A member who is not listed for the
 * actor's audience, hidden, or blocked either way does not exist for the actor (404).
 */
export async function viewProfile(db: Db, config: Config, actor: Actor, userId: string): Promise<PresentedProfile> {
  authorize(actor, 'directory.view');
  if (userId === actor.id) return presentProfile(await ownProfile(db, actor), { self: true });
  await countView(db, config, actor, 'profiles');
  const audience = audienceFor(actor);
  if (!(await repo.listedFor(db, userId, audience)) || (await repo.isBlockedEitherWay(db, actor.id, userId))) throw new AppError('NOT_FOUND');
  const record = await repo.loadProfile(db, userId);
  if (!record) throw new AppError('NOT_FOUND');
  return presentProfile(record, { self: false, audience });
}

export interface SearchParams {
  q?: string | undefined;
  department?: string | undefined;
  leftFrom?: number | undefined;
  leftTo?: number | undefined;
  industry?: string | undefined;
  skill?: string | undefined;
  country?: string | undefined;
  prefecture?: string | undefined;
  wants?: Want[] | undefined;
  sort: repo.DirectorySort;
  after?: string | undefined;
}

export const PAGE_SIZE = 20;
const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decodeCursor(value: string | undefined): { key: string; id: string } | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return { key: parsed[0], id: parsed[1] };
  } catch {
    // A tampered cursor starts from the first page.
  }
  return undefined;
}

const encodeCursor = (c: { key: string; id: string }): string => Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url');

export async function searchDirectory(db: Db, config: Config, actor: Actor, p: SearchParams) {
  authorize(actor, 'directory.view');
  const now = new Date();
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const counted = await repo.searchContext(db, actor.id, hour);
  enforceLimit(config, actor, 'searches', counted.recorded + searchCounter(db).add(actor.id, hour), now);
  const exclude = new Set([actor.id, ...counted.blocked]);
  const after = decodeCursor(p.after);
  // A cursor must look exactly like the keys the query produces; anything else starts from page 1.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched here
  const validAfter = after && (p.sort === 'kana' ? !/[\u0000-\u001f]/.test(after.key) : TIME_KEY.test(after.key)) ? after : undefined;
  const query = {
    audience: audienceFor(actor),
    terms: queryTerms(p.q),
    departmentId: p.department,
    leftFrom: p.leftFrom,
    leftTo: p.leftTo,
    industry: p.industry,
    skill: p.skill ? fold(p.skill) : undefined,
    country: p.country,
    prefecture: p.prefecture,
    wants: p.wants,
    sort: p.sort,
    after: validAfter,
  };
  // The same page for the whole audience while the directory is unchanged (search-cache.ts); the viewer's exclusions apply to it.
  const cache = counted.generation >= 0 ? searchCacheFor(db, config.directorySearchCache) : null;
  const result =
    (await cache?.page(query, PAGE_SIZE, counted.generation, exclude, (q) => repo.searchDirectory(db, q))) ??
    (await repo.searchDirectory(db, { ...query, exclude: [...exclude], limit: PAGE_SIZE + 1 }));
  const page = result.hits.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return { hits: page, next: result.hits.length > PAGE_SIZE && last ? encodeCursor(last.cursor) : null, capped: result.capped };
}

export async function formerColleagues(db: Db, actor: Actor, limit = 6) {
  authorize(actor, 'directory.view');
  const exclude = await repo.blockedEitherWay(db, actor.id);
  return repo.formerColleagues(db, actor.id, audienceFor(actor), exclude, limit);
}

/** The department filter's choices, kept for a minute (every directory page shows them; they change rarely). */
const departmentCache = new WeakMap<Db, { at: number; rows: Awaited<ReturnType<typeof repo.departmentOptions>> }>();

export async function departmentOptions(db: Db, now = Date.now()) {
  const cached = departmentCache.get(db);
  if (cached && now - cached.at < 60_000) return cached.rows;
  const rows = await repo.departmentOptions(db);
  departmentCache.set(db, { at: now, rows });
  return rows;
}

// ---------------------------------------------------------------- blocks

export async function blockMember(db: Db, actor: Actor, userId: string): Promise<void> {
  if (userId === actor.id) throw new AppError('VALIDATION', 'cannot block oneself');
  const target = await repo.loadProfile(db, userId);
  if (!target) throw new AppError('NOT_FOUND');
  await repo.block(db, actor.id, userId);
}

export async function unblockMember(db: Db, actor: Actor, userId: string): Promise<void> {
  await repo.unblock(db, actor.id, userId);
}

export async function blockedMembers(db: Db, actor: Actor) {
  return repo.listBlocked(db, actor.id);
}

// ---------------------------------------------------------------- photos

export async function setPhoto(db: Db, config: Config, actor: Actor, bytes: Uint8Array): Promise<{ ok: true } | { ok: false; error: PhotoError }> {
  const processed = await processPhoto(bytes);
  if (!processed.ok) return processed;
  const uploads = uploadsDir(config);
  const key = await storePhoto(uploads, processed.data);
  const before = await repo.loadProfile(db, actor.id);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.saveProfile(t, actor.id, { photoKey: key, updatedAt: new Date() });
    await refreshDirectory(t, actor.id);
  });
  await deletePhoto(uploads, before?.photoKey ?? null);
  return { ok: true };
}

export async function removePhoto(db: Db, config: Config, actor: Actor): Promise<void> {
  const before = await repo.loadProfile(db, actor.id);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.saveProfile(t, actor.id, { photoKey: null, updatedAt: new Date() });
    await refreshDirectory(t, actor.id);
  });
  await deletePhoto(uploadsDir(config), before?.photoKey ?? null);
}

/** The bytes of a photo, if the actor may see it: their own, or one shown to the actor's audience. */
export async function readPhoto(db: Db, config: Config, actor: Actor, ownerId: string, key: string): Promise<Buffer> {
  // Others may see a photo only through their audience's directory card (one indexed row),
  // which holds the key only when the photo is visible to that audience.
  const visible =
    ownerId === actor.id
      ? (await repo.loadProfile(db, ownerId))?.photoKey === key
      : (await repo.cardPhotoKey(db, ownerId, audienceFor(actor))) === key && !(await repo.isBlockedEitherWay(db, actor.id, ownerId));
  if (!visible) throw new AppError('NOT_FOUND');
  try {
    return await fs.readFile(photoPath(uploadsDir(config), key));
  } catch {
    throw new AppError('NOT_FOUND');
  }
}

// ---------------------------------------------------------------- operators

/** The roster facts behind a member's profile (HR data): operators only, and every view is audited. */
export async function hrFacts(db: Db, actor: Actor, userId: string, ip?: string) {
  authorize(actor, 'directory.viewHrFacts');
  const facts = await repo.rosterFacts(db, userId);
  const record = await repo.loadProfile(db, userId);
  if (!record) throw new AppError('NOT_FOUND');
  await audit(db, {
    action: 'personal_data.viewed',
    actor,
    subjectType: 'user',
    subjectId: userId,
    ...(ip ? { ip } : {}),
    details: { what: 'directory.hr_facts', rosterEntryId: facts?.id ?? null },
  });
  return { record, facts, tenure: record.tenure };
}

/** Members whose views or searches reached half the hourly limit in the last 7 days. */
export async function unusualActivity(db: Db, config: Config, actor: Actor, now = new Date()) {
  authorize(actor, 'directory.viewActivity');
  const since = new Date(now.getTime() - 7 * 24 * 3_600_000);
  // This process's searches of the last second too (other processes write theirs within a second).
  await flushSearchCounts(db).catch(() => {});
  return repo.unusualVolumes(db, since, Math.ceil(config.directoryProfileViewsPerHour / 2), Math.ceil(config.directorySearchesPerHour / 2));
}

// ---------------------------------------------------------------- jobs

/**
 * Builds the directory rows of every listed member who has none: after a migration that
 * changed what the rows hold (all of them), or a path that did not build them. Runs when
 * the workers start and hourly.
 */
export async function indexMissingMembers(db: Db): Promise<number> {
  let indexed = 0;
  const seen = new Set<string>();
  for (let batch = await repo.unindexedMembers(db, 500); batch.length > 0; batch = await repo.unindexedMembers(db, 500)) {
    // A member who still has no rows after a rebuild would come back forever: stop there.
    if (batch.every((id) => seen.has(id))) break;
    for (const id of batch) {
      seen.add(id);
      await refreshDirectory(db, id);
    }
    indexed += batch.length;
  }
  return indexed;
}

/**
 * Hourly: lists members who have no directory rows yet (joined through a path that did not
 * build them), reminds members whose profile was not reviewed for N months (one e-mail per
 * review period), and forgets view counts older than 30 days.
 */
export async function directoryMaintenance({ db, config, logger, now = new Date() }: { db: Db; config: Config; logger?: Logger; now?: Date }): Promise<{ indexed: number; reminded: number }> {
  const indexed = await indexMissingMembers(db);
  const cutoff = new Date(now);
  cutoff.setMonth(cutoff.getMonth() - config.profileReviewMonths);
  const due = await repo.dueForReview(db, cutoff, 500);
  const settings = await getNetworkSettings(db);
  if (due.length && settings) {
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      for (const member of due) {
        const locale = member.locale ?? 'ja';
        await queueMail(t, {
          key: `profile-review:${member.userId}:${now.toISOString().slice(0, 10)}`,
          to: member.email,
          userId: member.userId,
          locale,
          template: 'profileReview',
          vars: {
            name: member.name,
            months: String(config.profileReviewMonths),
            url: `${config.baseUrl}/profile`,
            network: localized(settings, locale, 'name'),
          },
        });
      }
      await repo.markReminded(t, due.map((d) => d.userId), now);
    });
  }
  await repo.pruneViews(db, new Date(now.getTime() - 30 * 24 * 3_600_000));
  if (indexed || due.length) logger?.info({ indexed, reminded: due.length }, 'directory maintenance');
  return { indexed, reminded: due.length };
}
