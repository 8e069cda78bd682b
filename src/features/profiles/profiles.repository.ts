/** Profile, block and directory queries. */
import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf, textArray } from '../../db/sql.ts';
import {
  careerPositions,
  departments,
  directoryEntries,
  directoryViews,
  memberBlocks,
  memberProfiles,
  rosterDepartments,
  rosterEntries,
  users,
  type Audience,
} from '../../db/schema.ts';
import { escapeLike, isAscii, MAX_PREFIX } from '../../shared/search.ts';
import { leftYearTokens, token } from './filter-tokens.ts';
import type { CareerItem, DirectoryCard, DirectoryRow, ProfileRecord, Tenure } from './profile.present.ts';

const toDate = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Years and departments at the company from the roster: explicit periods, else the entry's department over its employment. */
export async function loadTenure(db: Db, userId: string): Promise<Tenure | null> {
  const [entry] = await db
    .select({ id: rosterEntries.id, joinedOn: rosterEntries.joinedOn, leftOn: rosterEntries.leftOn, departmentId: rosterEntries.departmentId })
    .from(rosterEntries)
    .where(eq(rosterEntries.userId, userId))
    .limit(1);
  if (!entry) return null;
  const explicit = await db
    .select({ departmentId: rosterDepartments.departmentId, nameJa: departments.nameJa, nameEn: departments.nameEn, from: rosterDepartments.fromOn, to: rosterDepartments.toOn })
    .from(rosterDepartments)
    .innerJoin(departments, eq(departments.id, rosterDepartments.departmentId))
    .where(eq(rosterDepartments.rosterEntryId, entry.id))
    .orderBy(asc(rosterDepartments.fromOn));
  let periods = explicit.map((p) => ({ ...p, from: toDate(p.from), to: toDate(p.to) }));
  if (periods.length === 0 && entry.departmentId) {
    const [dept] = await db.select({ nameJa: departments.nameJa, nameEn: departments.nameEn }).from(departments).where(eq(departments.id, entry.departmentId));
    if (dept) periods = [{ departmentId: entry.departmentId, ...dept, from: toDate(entry.joinedOn), to: toDate(entry.leftOn) }];
  }
  return { joinedOn: toDate(entry.joinedOn), leftOn: toDate(entry.leftOn), periods };
}

export async function loadProfile(db: Db, userId: string): Promise<ProfileRecord | null> {
  const [row] = await db
    .select({ user: users, profile: memberProfiles })
    .from(users)
    .leftJoin(memberProfiles, eq(memberProfiles.userId, users.id))
    .where(eq(users.id, userId));
  if (!row) return null;
  const career = await db
    .select({ employer: careerPositions.employer, title: careerPositions.title, fromMonth: careerPositions.fromMonth, toMonth: careerPositions.toMonth })
    .from(careerPositions)
    .where(eq(careerPositions.userId, userId))
    .orderBy(sql`${careerPositions.toMonth} desc nulls first`, desc(careerPositions.fromMonth));
  const tenure = await loadTenure(db, userId);
  const { user, profile: p } = row;
  return {
    userId: user.id,
    name: user.name,
    nameKana: user.nameKana,
    role: user.role,
    status: user.status,
    joinedAt: user.createdAt,
    nameRomaji: p?.nameRomaji ?? null,
    photoKey: p?.photoKey ?? null,
    currentEmployer: p?.currentEmployer ?? null,
    currentTitle: p?.currentTitle ?? null,
    industry: p?.industry ?? null,
    country: p?.country ?? null,
    prefecture: p?.prefecture ?? null,
    skills: p?.skills ?? [],
    achievements: p?.achievements ?? null,
    links: p?.links ?? [],
    bioJa: p?.bioJa ?? null,
    bioEn: p?.bioEn ?? null,
    wants: p?.wants ?? [],
    contact: p?.contact ?? 'no',
    hidden: p?.hidden ?? false,
    visibility: p?.visibility ?? {},
    updatedAt: p?.updatedAt ?? user.createdAt,
    reviewedAt: p?.reviewedAt ?? user.createdAt,
    career,
    tenure,
  };
}

export type ProfileValues = Omit<typeof memberProfiles.$inferInsert, 'userId'>;

export async function saveProfile(db: Db, userId: string, values: ProfileValues, career?: CareerItem[]): Promise<void> {
  await db
    .insert(memberProfiles)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: memberProfiles.userId, set: values });
  if (career) {
    await db.delete(careerPositions).where(eq(careerPositions.userId, userId));
    if (career.length) await db.insert(careerPositions).values(career.map((c) => ({ userId, ...c })));
  }
}

export async function updateNames(db: Db, userId: string, name: string, nameKana: string | null): Promise<void> {
  await db.update(users).set({ name, nameKana, updatedAt: new Date() }).where(eq(users.id, userId));
}

/** Replaces a member's directory rows (none when they are not listed). */
export async function writeDirectoryRows(db: Db, userId: string, rows: DirectoryRow[]): Promise<void> {
  await db.delete(directoryEntries).where(eq(directoryEntries.userId, userId));
  if (rows.length) await db.insert(directoryEntries).values(rows.map((r) => ({ ...r, card: r.card as unknown as Record<string, unknown> })));
}

/** Active members with neither directory rows nor a hidden profile: listed by the maintenance job. */
export async function unindexedMembers(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .leftJoin(memberProfiles, eq(memberProfiles.userId, users.id))
    .where(
      and(
        eq(users.role, 'alumnus'),
        eq(users.status, 'active'),
        or(isNull(memberProfiles.userId), eq(memberProfiles.hidden, false)),
        sql`not exists (select 1 from ${directoryEntries} d where d.user_id = ${users.id})`,
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------- blocks

export async function block(db: Db, blockerId: string, blockedId: string): Promise<void> {
  await db.insert(memberBlocks).values({ blockerId, blockedId }).onConflictDoNothing();
}

export async function unblock(db: Db, blockerId: string, blockedId: string): Promise<void> {
  await db.delete(memberBlocks).where(and(eq(memberBlocks.blockerId, blockerId), eq(memberBlocks.blockedId, blockedId)));
}

/**
 * What a search needs before it runs, in one round trip: the member's searches recorded for the
 * hour (the rate limit; search-counter.ts adds what this process has not written yet), the
 * members blocked either way, and the directory's generation (search-cache.ts).
 */
export async function searchContext(db: Db, userId: string, hour: Date): Promise<{ recorded: number; blocked: string[]; generation: number }> {
  // kizuna_search_context (migration 0012): plans kept per session, read only.
  const result = await db.execute(sql`select searches, blocked, generation from kizuna_search_context(${userId}, ${hour})`);
  const row = rowsOf(result)[0] ?? {};
  const blocked = Array.isArray(row.blocked) ? (row.blocked as string[]) : [];
  return { recorded: Number(row.searches ?? 0), blocked, generation: row.generation == null ? -1 : Number(row.generation) };
}

/** Everyone the member blocked or was blocked by: they never see each other. */
export async function blockedEitherWay(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ a: memberBlocks.blockerId, b: memberBlocks.blockedId })
    .from(memberBlocks)
    .where(or(eq(memberBlocks.blockerId, userId), eq(memberBlocks.blockedId, userId)));
  return [...new Set(rows.map((r) => (r.a === userId ? r.b : r.a)))];
}

export async function isBlockedEitherWay(db: Db, a: string, b: string): Promise<boolean> {
  const rows = await db
    .select({ a: memberBlocks.blockerId })
    .from(memberBlocks)
    .where(or(and(eq(memberBlocks.blockerId, a), eq(memberBlocks.blockedId, b)), and(eq(memberBlocks.blockerId, b), eq(memberBlocks.blockedId, a))))
    .limit(1);
  return rows.length > 0;
}

/** Who the member blocked (their names only: they chose to block them). */
export async function listBlocked(db: Db, userId: string): Promise<{ id: string; name: string; blockedAt: Date }[]> {
  return db
    .select({ id: users.id, name: users.name, blockedAt: memberBlocks.createdAt })
    .from(memberBlocks)
    .innerJoin(users, eq(users.id, memberBlocks.blockedId))
    .where(eq(memberBlocks.blockerId, userId))
    .orderBy(desc(memberBlocks.createdAt));
}

// ---------------------------------------------------------------- directory search

export type DirectorySort = 'kana' | 'joined' | 'updated';

export interface DirectoryQuery {
  audience: Audience;
  /** Folded terms (see shared/search.ts): all must match. */
  terms: string[];
  /** Member ids never to return (the viewer, blocks either way). */
  exclude: string[];
  departmentId?: string | undefined;
  leftFrom?: number | undefined;
  leftTo?: number | undefined;
  industry?: string | undefined;
  skill?: string | undefined;
  country?: string | undefined;
  prefecture?: string | undefined;
  wants?: string[] | undefined;
  sort: DirectorySort;
  /** How many matches a text search collects at most (default SEARCH_CAP; tests use a small one). */
  cap?: number;
  /** False: never walk the sort index for common terms (tests of the collecting path). */
  walk?: boolean;
  /** Keyset cursor: the sort value and user id of the last row of the previous page. */
  after?: { key: string; id: string } | undefined;
  limit: number;
}

export interface DirectoryHit {
  userId: string;
  card: DirectoryCard;
  cursor: { key: string; id: string };
}

/**
 * A text search collects at most this many matches, then sorts and pages through them.
 * Walking the sort index and filtering is fast for listings, but a name search's matches
 * sit together in kana order (田中 → たなか…), so that walk could read half the directory
 * before finding one; collecting the matches through the GIN indexes costs at most this
 * many row reads whatever the term. More matches than this are reported to the viewer as
 * "add a word or a filter" (as large directories do), and the page shows the first of them.
 */
export const SEARCH_CAP = 1000;

export interface DirectoryPage {
  hits: DirectoryHit[];
  /** More members match a text search than SEARCH_CAP: only that many are sorted and paged. */
  capped: boolean;
}

/**
 * One page of the directory for an audience. Terms of 3+ characters use the trigram
 * index (LIKE); terms of 1–2 characters use the pieces array (`grams @>`), which a trigram
 * index cannot serve (it holds every two-character piece, and every single kana or kanji).
 */
export async function searchDirectory(db: Db, q: DirectoryQuery): Promise<DirectoryPage> {
  const d = directoryEntries;
  const where: SQL[] = [eq(d.audience, q.audience)];
  for (const term of q.terms) {
    const length = Array.from(term).length;
    if (isAscii(term) && length >= 3) {
      // A Latin word prefix (tanaka, engin): one lookup of the pieces; beyond MAX_PREFIX letters, checked in the text too.
      where.push(sql`${d.grams} @> array[${term.slice(0, MAX_PREFIX)}]::text[]`);
      if (length > MAX_PREFIX) where.push(sql`strpos(${d.searchText}, ${term}) > 0`);
    } else if (length >= 3) where.push(sql`${d.searchText} like ${`%${escapeLike(term)}%`}`);
    else if (length === 2 || !isAscii(term)) where.push(sql`${d.grams} @> array[${term}]::text[]`);
    else where.push(sql`strpos(${d.searchText}, ${term}) > 0`);
  }
  if (q.exclude.length) where.push(sql`${d.userId} <> all(${textArray(q.exclude)})`);
  if (q.terms.length > 0) {
    // With text, the filters are pieces of the same GIN index (see filter-tokens.ts): one scan intersects them all.
    const all: string[] = [];
    if (q.departmentId) all.push(token.department(q.departmentId));
    if (q.industry) all.push(token.industry(q.industry));
    if (q.skill) all.push(token.skill(q.skill));
    if (q.country) all.push(token.country(q.country));
    if (q.prefecture) all.push(token.prefecture(q.prefecture));
    if (all.length) where.push(sql`${d.grams} @> ${textArray(all)}`);
    if (q.wants?.length) where.push(sql`${d.grams} && ${textArray(q.wants.map(token.want))}`);
    const years = q.leftFrom !== undefined || q.leftTo !== undefined ? leftYearTokens(q.leftFrom, q.leftTo) : [];
    if (years.length) where.push(sql`${d.grams} && ${textArray(years)}`);
    const share = matchShare(await pieceStats(db, q.audience), [
      ...q.terms.map((term) => ({ all: termPieces(term) })),
      ...all.map((piece) => ({ all: [piece] })),
      ...(q.wants?.length ? [{ any: q.wants.map(token.want) }] : []),
      ...(years.length ? [{ any: years }] : []),
    ]);
    if (q.walk !== false && share !== null && share.share >= WALK_MIN_SHARE && share.matches > (q.cap ?? SEARCH_CAP)) {
      const walked = await walkSearch(db, q, where, Math.ceil((q.limit / share.share) * WALK_SLACK));
      if (walked) return walked;
    }
    return textSearch(db, q, where);
  }
  if (q.departmentId) where.push(sql`${d.departmentIds} @> array[${q.departmentId}]::uuid[]`);
  if (q.leftFrom !== undefined) where.push(sql`${d.leftYear} >= ${q.leftFrom}`);
  if (q.leftTo !== undefined) where.push(sql`${d.leftYear} <= ${q.leftTo}`);
  if (q.industry) where.push(eq(d.industry, q.industry));
  if (q.skill) where.push(sql`${d.skills} @> array[${q.skill}]::text[]`);
  if (q.country) where.push(eq(d.country, q.country));
  if (q.prefecture) where.push(eq(d.prefecture, q.prefecture));
  if (q.wants?.length) where.push(sql`${d.wants} && ${textArray(q.wants)}`);

  const { keyExpr, after, order } = ordering(q);
  // A listing: walk the sort index from the cursor, filtering as it goes.
  const result = await db.execute(sql`
    select user_id, card, ${keyExpr} as key from ${d}
    where ${and(...where)} and ${after}
    order by ${order} limit ${q.limit}`);
  return { hits: toHits(result), capped: false };
}

/** The sort key, keyset condition and ORDER BY of a query's sort. */
function ordering(q: DirectoryQuery) {
  const timeCol = q.sort === 'joined' ? sql`joined_at` : sql`updated_at`;
  const keyExpr = q.sort === 'kana' ? sql`sort_key` : sql`to_char(${timeCol} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const after = q.after
    ? q.sort === 'kana'
      ? sql`(sort_key, user_id) > (${q.after.key}, ${q.after.id})`
      : sql`(${timeCol}, user_id) < (${q.after.key}::timestamptz, ${q.after.id})`
    : sql`true`;
  const order = q.sort === 'kana' ? sql`sort_key, user_id` : sql`${timeCol} desc, user_id desc`;
  return { keyExpr, after, order };
}


// ---------------------------------------------------------------- common terms

/**
 * A term matching a large share of the directory (営業, 株式会社, manager) is found fastest by
 * walking the sort index and checking each row: a quarter of the rows match, so a page of 21
 * is found within ~100 rows, while collecting through the GIN index must first build a bitmap
 * of every match (a quarter of a million at 1,000,000 members). The share of each piece comes
 * from a sample of the audience's own rows (what alumni may see differs from what staff may see:
 * 営業 is in 27% of the alumni rows and 3% of the staff rows of the benchmark), refreshed every
 * few minutes. Walk only where collecting would be capped anyway and a term is common enough that
 * a bounded walk finds a page; a surname (≤ 3%) is never walked: its matches sit together in
 * kana order.
 */
export const WALK_MIN_SHARE = 0.05;
/** The walk reads at most limit / share × WALK_SLACK rows, then gives up and collects instead. */
const WALK_SLACK = 4;
const STATS_TTL_MS = 10 * 60_000;
/** Rows sampled per audience; pieces held by fewer than 1% of them count as rare. */
const SAMPLE_ROWS = 5000;
const MIN_SHARE_KEPT = 0.01;

export interface PieceStats {
  /** Share of the audience's rows holding each common piece (≥ 1%). */
  share: Map<string, number>;
  /** Estimated rows of the audience. */
  rows: number;
}

const statsCache = new WeakMap<Db, Map<Audience, { at: number; stats: Promise<PieceStats | null> }>>();

/**
 * The share of each common search piece among an audience's rows, from a sample, cached per
 * database and audience for a few minutes (null for an empty directory). A stale entry is
 * answered at once while a fresh sample is taken.
 */
export function pieceStats(db: Db, audience: Audience, now = Date.now()): Promise<PieceStats | null> {
  let perDb = statsCache.get(db);
  if (!perDb) statsCache.set(db, (perDb = new Map()));
  const cached = perDb.get(audience);
  if (cached && now - cached.at < STATS_TTL_MS) return cached.stats;
  const stats = samplePieces(db, audience).catch(() => null);
  perDb.set(audience, { at: now, stats: cached ? cached.stats : stats });
  if (cached) void stats.then((fresh) => perDb.set(audience, { at: now, stats: Promise.resolve(fresh) }));
  return cached ? cached.stats : stats;
}

/** Forgets the cached statistics (tests). */
export function forgetPieceStats(db: Db): void {
  statsCache.delete(db);
}

async function samplePieces(db: Db, audience: Audience): Promise<PieceStats | null> {
  const [size] = rowsOf(await db.execute(sql`select greatest(reltuples, 0)::float8 as total from pg_class where oid = 'directory_entries'::regclass`));
  const total = Number(size?.total ?? 0);
  // Whole pages at random (TABLESAMPLE SYSTEM): about SAMPLE_ROWS of this audience, everything when small.
  const percent = total > SAMPLE_ROWS * 4 ? Math.min(100, ((SAMPLE_ROWS * 3) / total) * 100) : 100;
  const result = await db.execute(sql`
    select grams from ${directoryEntries} tablesample system (${sql.raw(percent.toFixed(4))})
    where audience = ${audience} limit ${SAMPLE_ROWS}`);
  const rows = rowsOf(result);
  if (rows.length === 0) return null;
  const counts = new Map<string, number>();
  for (const r of rows) for (const piece of r.grams as string[]) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const share = new Map<string, number>();
  for (const [piece, n] of counts) if (n / rows.length >= MIN_SHARE_KEPT) share.set(piece, n / rows.length);
  const sampledAll = percent >= 100 && rows.length < SAMPLE_ROWS;
  return { share, rows: sampledAll ? rows.length : Math.max(rows.length, rows.length / (percent / 100)) };
}

/** The pieces a row must hold for a term to match (an upper bound of the term's share); none for a single Latin letter. */
export function termPieces(term: string): string[] {
  const chars = Array.from(term);
  if (isAscii(term)) return chars.length >= 3 ? [term.slice(0, MAX_PREFIX)] : chars.length === 2 ? [term] : [];
  if (chars.length <= 2) return [term];
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
}

/**
 * The estimated share of an audience's rows matching every condition (independence assumed),
 * and the matches that makes. A piece missing from the sample's common pieces is rare (below
 * 1%), which never walks. Null without statistics.
 */
export function matchShare(stats: PieceStats | null, conditions: ({ all: string[] } | { any: string[] })[]): { share: number; matches: number } | null {
  if (!stats || stats.rows <= 0) return null;
  const rare = MIN_SHARE_KEPT / 2;
  const of = (piece: string) => stats.share.get(piece) ?? rare;
  let share = 1;
  for (const c of conditions) {
    if ('all' in c) share *= c.all.length ? Math.min(...c.all.map(of)) : 1;
    else share *= Math.min(1, c.any.reduce((sum, piece) => sum + of(piece), 0));
  }
  return { share, matches: share * stats.rows };
}

/**
 * Walks the sort index from the cursor, reading at most `window` rows, and keeps the matching
 * ones: exact order, no cap. Null when the window ran out before a page was found (the term was
 * rarer there than estimated): the caller collects instead.
 */
async function walkSearch(db: Db, q: DirectoryQuery, where: SQL[], window: number): Promise<DirectoryPage | null> {
  const d = directoryEntries;
  const { keyExpr, after, order } = ordering(q);
  // The walked window takes the table's name, so the conditions (written against the table) apply to it.
  const walked = sql`(select * from ${d} where ${eq(d.audience, q.audience)} and ${after} order by ${order} limit ${window}) ${d}`;
  const result = await db.execute(sql`
    select user_id, card, ${keyExpr} as key from ${walked}
    where ${and(...where)} order by ${order} limit ${q.limit}`);
  const hits = toHits(result);
  if (hits.length >= q.limit) return { hits, capped: false };
  // Fewer than a page: complete only when the walk reached the end of the directory.
  const [row] = rowsOf(await db.execute(sql`select count(*)::int as n from (select 1 from ${d} where ${eq(d.audience, q.audience)} and ${after} order by ${order} limit ${window}) w`));
  return Number(row?.n ?? 0) < window ? { hits, capped: false } : null;
}

/**
 * A search: the matches (at most cap + 1) through the GIN indexes, then sorted and paged.
 * Terms common in the viewer's audience are walked instead (walkSearch).
 */
async function textSearch(db: Db, q: DirectoryQuery, where: SQL[]): Promise<DirectoryPage> {
  const d = directoryEntries;
  const { keyExpr, after, order } = ordering(q);
  const cap = q.cap ?? SEARCH_CAP;
  // The planner's estimate of a piece is over both audiences (営業: 27% of alumni rows, 3% of staff
  // rows); with a LIMIT, an overestimate makes it read the table in order: it is told not to.
  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    // The matches carry only their sort keys; the cards of the one page are read afterwards by key.
    return tx.execute(sql`
    with matches as materialized (
      select user_id, audience, sort_key, joined_at, updated_at from ${d} where ${and(...where)} limit ${cap + 1}
    ),
    page as (
      select user_id, audience, ${keyExpr} as key, sort_key, joined_at, updated_at from matches where ${after} order by ${order} limit ${q.limit}
    )
    select page.user_id, e.card, page.key, (select count(*) from matches)::int as matched
    from page join ${d} e on e.user_id = page.user_id and e.audience = page.audience
    order by ${q.sort === 'kana' ? sql`page.key, page.user_id` : sql`page.key desc, page.user_id desc`}`);
  });
  const rows = rowsOf(result);
  return { hits: toHits(result), capped: Number(rows[0]?.matched ?? 0) > cap };
}


function toHits(result: unknown): DirectoryHit[] {
  return rowsOf(result).map((r) => {
    const card = (typeof r.card === 'string' ? JSON.parse(r.card) : r.card) as DirectoryCard;
    return { userId: String(r.user_id), card, cursor: { key: String(r.key), id: String(r.user_id) } };
  });
}

/** Whether a member has a directory row for an audience (i.e. that audience may see them at all). */
export async function listedFor(db: Db, userId: string, audience: Audience): Promise<boolean> {
  const rows = await db
    .select({ id: directoryEntries.userId })
    .from(directoryEntries)
    .where(and(eq(directoryEntries.userId, userId), eq(directoryEntries.audience, audience)));
  return rows.length > 0;
}

/** The photo key in a member's directory card for an audience (null when not visible or not listed). */
export async function cardPhotoKey(db: Db, userId: string, audience: Audience): Promise<string | null> {
  const [row] = await db
    .select({ key: sql<string | null>`${directoryEntries.card}->>'photoKey'` })
    .from(directoryEntries)
    .where(and(eq(directoryEntries.userId, userId), eq(directoryEntries.audience, audience)));
  return row?.key ?? null;
}

export async function departmentOptions(db: Db): Promise<{ id: string; nameJa: string; nameEn: string }[]> {
  return db.select({ id: departments.id, nameJa: departments.nameJa, nameEn: departments.nameEn }).from(departments).orderBy(asc(departments.nameJa));
}

// ---------------------------------------------------------------- former colleagues

export interface ColleagueRow {
  userId: string;
  card: DirectoryCard;
  departmentId: string;
  nameJa: string;
  nameEn: string;
  fromYear: number;
  toYear: number;
}

/**
 * Members who were in one of the viewer's departments at the same time, among those whose
 * years and departments the viewer's audience may see (their directory row carries them).
 * Longest overlap first; one line per person.
 */
export async function formerColleagues(db: Db, userId: string, audience: Audience, exclude: string[], limit: number): Promise<ColleagueRow[]> {
  const excluded = exclude.length ? sql`and d.user_id <> all(${textArray(exclude)})` : sql``;
  const result = await db.execute(sql`
    with periods as (
      select e.user_id, coalesce(rd.department_id, e.department_id) as dept,
             coalesce(rd.from_on, e.joined_on, '1900-01-01'::date) as f,
             coalesce(rd.to_on, e.left_on, current_date) as t
      from roster_entries e
      left join roster_departments rd on rd.roster_entry_id = e.id
      where e.user_id is not null and coalesce(rd.department_id, e.department_id) is not null
    ),
    mine as (select dept, f, t from periods where user_id = ${userId}),
    together as (
      select p.user_id, p.dept, greatest(p.f, m.f) as f, least(p.t, m.t) as t,
             row_number() over (partition by p.user_id order by least(p.t, m.t) - greatest(p.f, m.f) desc) as rn
      from mine m
      join periods p on p.dept = m.dept and p.f <= m.t and m.f <= p.t and p.user_id <> ${userId}
    )
    select o.user_id, o.dept, extract(year from o.f)::int as from_year, extract(year from o.t)::int as to_year,
           dep.name_ja, dep.name_en, d.card
    from together o
    join directory_entries d on d.user_id = o.user_id and d.audience = ${audience} and cardinality(d.department_ids) > 0
    join departments dep on dep.id = o.dept
    where o.rn = 1 ${excluded}
    order by (o.t - o.f) desc, o.user_id
    limit ${limit}
  `);
  return rowsOf(result).map((r) => ({
    userId: String(r.user_id),
    card: (typeof r.card === 'string' ? JSON.parse(r.card) : r.card) as DirectoryCard,
    departmentId: String(r.dept),
    nameJa: String(r.name_ja),
    nameEn: String(r.name_en),
    fromYear: Number(r.from_year),
    toYear: Number(r.to_year),
  }));
}

// ---------------------------------------------------------------- views (rate limit and unusual volume)

/** Counts one profile view or search of a member in the current hour; returns the hour's count. */
export async function countView(db: Db, userId: string, kind: 'profiles' | 'searches', now = new Date()): Promise<number> {
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const col = kind === 'profiles' ? directoryViews.profiles : directoryViews.searches;
  const [row] = await db
    .insert(directoryViews)
    .values({ userId, hour, [kind]: 1 })
    .onConflictDoUpdate({ target: [directoryViews.userId, directoryViews.hour], set: { [kind]: sql`${col} + 1` } })
    .returning({ count: col });
  return row?.count ?? 0;
}

export interface VolumeRow {
  userId: string;
  name: string;
  email: string;
  role: string;
  hour: Date;
  profiles: number;
  searches: number;
}

/** Hours since `since` in which a member viewed or searched more than the thresholds. */
export async function unusualVolumes(db: Db, since: Date, profiles: number, searches: number): Promise<VolumeRow[]> {
  return db
    .select({ userId: users.id, name: users.name, email: users.email, role: users.role, hour: directoryViews.hour, profiles: directoryViews.profiles, searches: directoryViews.searches })
    .from(directoryViews)
    .innerJoin(users, eq(users.id, directoryViews.userId))
    .where(and(sql`${directoryViews.hour} >= ${since}`, or(sql`${directoryViews.profiles} >= ${profiles}`, sql`${directoryViews.searches} >= ${searches}`)))
    .orderBy(desc(directoryViews.hour), desc(directoryViews.profiles))
    .limit(200);
}

export async function pruneViews(db: Db, before: Date): Promise<void> {
  await db.delete(directoryViews).where(lt(directoryViews.hour, before));
}

// ---------------------------------------------------------------- HR facts and freshness

export async function rosterFacts(db: Db, userId: string) {
  const [row] = await db.select().from(rosterEntries).where(eq(rosterEntries.userId, userId)).limit(1);
  return row ?? null;
}

/** Profiles not reviewed since `cutoff` whose member has not been reminded since their last review. */
export async function dueForReview(db: Db, cutoff: Date, limit: number) {
  return db
    .select({ userId: users.id, name: users.name, email: users.email, locale: users.locale })
    .from(memberProfiles)
    .innerJoin(users, eq(users.id, memberProfiles.userId))
    .where(
      and(
        eq(users.status, 'active'),
        lt(memberProfiles.reviewedAt, cutoff),
        or(isNull(memberProfiles.reviewRemindedAt), lt(memberProfiles.reviewRemindedAt, memberProfiles.reviewedAt)),
      ),
    )
    .limit(limit);
}

export async function markReminded(db: Db, userIds: string[], at: Date): Promise<void> {
  if (userIds.length) await db.update(memberProfiles).set({ reviewRemindedAt: at }).where(inArray(memberProfiles.userId, userIds));
}

export async function markReviewed(db: Db, userId: string, at: Date): Promise<void> {
  await db.insert(memberProfiles).values({ userId, reviewedAt: at }).onConflictDoUpdate({ target: memberProfiles.userId, set: { reviewedAt: at } });
}
