/**
 * The directory's search-page cache: served only while the directory's generation is unchanged,
 * never per viewer (the viewer and blocks are removed from the cached page), and never a way
 * around a member hiding a value or themselves.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestResponse, type TestUser } from '../../../test/app.ts';
import { rowsOf } from '../../db/sql.ts';
import type { DirectoryHit, DirectoryPage, DirectoryQuery } from './profiles.repository.ts';
import { cacheKey, SearchCache, searchCacheFor, SPARE_ROWS } from './search-cache.ts';

// ---------------------------------------------------------------- the cache alone

const hit = (id: string): DirectoryHit => ({ userId: id, card: { name: id, updatedAt: '2026-01-01T00:00:00.000Z' }, cursor: { key: id, id } });
const base: Omit<DirectoryQuery, 'exclude' | 'limit'> = { audience: 'alumni', terms: ['営業'], sort: 'kana' };

/** A search over `ids` that records what it was asked. */
function fakeSearch(ids: string[]) {
  const calls: DirectoryQuery[] = [];
  const run = async (q: DirectoryQuery): Promise<DirectoryPage> => {
    calls.push(q);
    return { hits: ids.filter((id) => !q.exclude.includes(id)).slice(0, q.limit).map(hit), capped: false };
  };
  return { calls, run };
}

const ids = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe('SearchCache', () => {
  it('runs a query once per generation, without exclusions and with spare rows', async () => {
    const cache = new SearchCache(10);
    const { calls, run } = fakeSearch(ids(50));
    const first = await cache.page(base, 5, 7, new Set(), run);
    const again = await cache.page(base, 5, 7, new Set(), run);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.exclude).toEqual([]);
    expect(calls[0]!.limit).toBe(5 + 1 + SPARE_ROWS);
    expect(first!.hits.map((h) => h.userId)).toEqual(ids(6));
    expect(again!.hits.map((h) => h.userId)).toEqual(ids(6));
    expect(cache.stats).toEqual({ hits: 1, misses: 1, shortfalls: 0 });

    await cache.page(base, 5, 8, new Set(), run);
    expect(calls).toHaveLength(2);
    expect(cache.stats.misses).toBe(2);
  });

  it('removes each viewer’s exclusions from the shared page, and gives up when too few rows are left', async () => {
    const cache = new SearchCache(10);
    const { calls, run } = fakeSearch(ids(50));
    await cache.page(base, 5, 1, new Set(), run);
    const withoutTwo = await cache.page(base, 5, 1, new Set(['m001', 'm003']), run);
    expect(withoutTwo!.hits.map((h) => h.userId)).toEqual(['m000', 'm002', 'm004', 'm005', 'm006', 'm007']);
    // 14 rows were read; excluding 9 of them leaves 5, less than a page and its "next" row.
    const tooMany = await cache.page(base, 5, 1, new Set(ids(9)), run);
    expect(tooMany).toBeNull();
    expect(cache.stats.shortfalls).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('serves a short final page even when exclusions empty it', async () => {
    const cache = new SearchCache(10);
    const { run } = fakeSearch(ids(3));
    const page = await cache.page(base, 5, 1, new Set(['m000', 'm001', 'm002']), run);
    expect(page).toEqual({ hits: [], capped: false });
  });

  it('forgets the least recently used page beyond its capacity', async () => {
    const cache = new SearchCache(2);
    const { calls, run } = fakeSearch(ids(20));
    const q = (term: string) => ({ ...base, terms: [term] });
    await cache.page(q('a'), 5, 1, new Set(), run);
    await cache.page(q('b'), 5, 1, new Set(), run);
    await cache.page(q('a'), 5, 1, new Set(), run); // a is now the most recent
    await cache.page(q('c'), 5, 1, new Set(), run); // evicts b
    expect(cache.size).toBe(2);
    await cache.page(q('a'), 5, 1, new Set(), run);
    expect(calls.map((c) => c.terms[0])).toEqual(['a', 'b', 'c']);
    await cache.page(q('b'), 5, 1, new Set(), run);
    expect(calls.map((c) => c.terms[0])).toEqual(['a', 'b', 'c', 'b']);
  });

  it('keys on every part of the query but the exclusions and the page size', () => {
    const variants: Omit<DirectoryQuery, 'exclude' | 'limit'>[] = [
      base,
      { ...base, audience: 'staff' },
      { ...base, terms: ['営業', '部'] },
      { ...base, departmentId: randomUUID() },
      { ...base, leftFrom: 2015 },
      { ...base, leftTo: 2015 },
      { ...base, industry: 'it' },
      { ...base, skill: 'go' },
      { ...base, country: 'JP' },
      { ...base, prefecture: '13' },
      { ...base, wants: ['mentor'] },
      { ...base, sort: 'joined' },
      { ...base, after: { key: 'たなか', id: 'x' } },
      { ...base, cap: 10 },
    ];
    expect(new Set(variants.map(cacheKey)).size).toBe(variants.length);
    expect(cacheKey({ ...base, exclude: ['x'], limit: 3 } as DirectoryQuery)).toBe(cacheKey(base));
    // The order fields are written in does not matter.
    expect(cacheKey({ sort: 'kana', terms: ['営業'], audience: 'alumni' })).toBe(cacheKey(base));
  });

  it('is off when its size is 0', () => {
    expect(searchCacheFor({}, 0)).toBeNull();
  });
});

// ---------------------------------------------------------------- in the app

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

/** The member ids in the results list, in order. */
function hits(res: TestResponse): string[] {
  expect(res.status, res.body.slice(0, 1500)).toBe(200);
  const start = res.body.indexOf('<section aria-labelledby="results-h"');
  const results = res.body.slice(start, res.body.indexOf('</section>', start));
  return [...results.matchAll(/<p class="member-card__name"><a href="\/members\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
}

const search = (client: Client, q: string) => client.get(`/members?q=${encodeURIComponent(q)}`);

async function generation(): Promise<number> {
  return Number(rowsOf(await t.db.execute(sql`select generation from directory_generation where id = 1`))[0]?.generation);
}

async function member(name: string, fields: Record<string, string>): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser('alumnus', { name });
  const client = await t.newSession(user);
  const res = await client.post('/profile/edit', { name, contact: 'no', ...fields });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  return { user, client };
}

describe('the directory page with the cache', () => {
  it('serves the same search from memory, yet never the viewer themselves nor anyone blocked either way', async () => {
    const title = `キャッシュ係${Date.now().toString(36)}`;
    const people = [];
    for (const name of ['青木 一郎', '石井 二郎', '上田 三郎', '遠藤 四郎']) people.push(await member(name, { currentTitle: title, vis_currentTitle: 'network' }));
    const [aoki, ishii, ueda, endo] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const cache = searchCacheFor(t.db, t.config.directorySearchCache)!;
    expect(cache).not.toBeNull();

    const before = { ...cache.stats };
    const seenByAoki = hits(await search(aoki.client, title));
    expect(new Set(seenByAoki)).toEqual(new Set([ishii.user.id, ueda.user.id, endo.user.id]));
    // Ishii's identical search is the cached page: it holds Ishii, who is removed for him alone.
    const seenByIshii = hits(await search(ishii.client, title));
    expect(new Set(seenByIshii)).toEqual(new Set([aoki.user.id, ueda.user.id, endo.user.id]));
    expect(cache.stats.hits).toBe(before.hits + 1);
    expect(cache.stats.misses).toBe(before.misses + 1);

    // Ueda blocks Endo: a block is no directory change, yet neither finds the other.
    expect((await ueda.client.post(`/members/${endo.user.id}/block`)).status).toBe(303);
    expect(hits(await search(ueda.client, title))).not.toContain(endo.user.id);
    expect(hits(await search(endo.client, title))).not.toContain(ueda.user.id);
    expect(hits(await search(aoki.client, title))).toContain(endo.user.id);
    expect(cache.stats.hits).toBe(before.hits + 4);
  });

  it('drops a page the moment a member hides a value or themselves, and follows direct changes to the rows', async () => {
    const title = `世代係${Date.now().toString(36)}`;
    const viewer = await member('閲覧 花子', {});
    const shown = await member('表示 太郎', { currentTitle: title, vis_currentTitle: 'network' });
    const other = await member('別所 次郎', { currentTitle: title, vis_currentTitle: 'network' });
    expect(new Set(hits(await search(viewer.client, title)))).toEqual(new Set([shown.user.id, other.user.id]));
    expect(hits(await search(viewer.client, title))).toHaveLength(2);

    // The title becomes "only me": it must no longer match, although the page was cached.
    const g0 = await generation();
    const res = await shown.client.post('/profile/edit', { name: '表示 太郎', contact: 'no', currentTitle: title, vis_currentTitle: 'private' });
    expect(res.status).toBe(303);
    expect(await generation()).toBeGreaterThan(g0);
    expect(hits(await search(viewer.client, title))).toEqual([other.user.id]);

    // Hiding from the directory takes Other out at once.
    expect(hits(await search(viewer.client, title))).toEqual([other.user.id]);
    expect((await other.client.post('/profile/hidden', { hidden: '1' })).status).toBe(303);
    expect(hits(await search(viewer.client, title))).toEqual([]);

    // Any statement on directory_entries moves the generation on (the trigger), so a change made
    // outside the services is seen too.
    const shownAgain = await member('再表示 三郎', { currentTitle: title, vis_currentTitle: 'network' });
    const page = await search(viewer.client, title);
    expect(hits(page)).toEqual([shownAgain.user.id]);
    const g1 = await generation();
    await t.db.execute(sql`update directory_entries set card = jsonb_set(card, '{name}', '"改名 三郎"') where user_id = ${shownAgain.user.id}`);
    expect(await generation()).toBe(g1 + 1);
    const renamed = await search(viewer.client, title);
    expect(renamed.body).toContain('改名 三郎');
    expect(renamed.body).not.toContain('再表示 三郎');
  });
});
