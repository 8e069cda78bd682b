/** The text-search cap: matches beyond it are reported, the collected ones are sorted and paged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { queryTerms } from '../../shared/search.ts';
import { searchDirectory } from './profiles.repository.ts';
import { refreshDirectory } from './profiles.service.ts';

let t: TestApp;
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  for (const [i, kana] of ['あおき', 'いとう', 'うえだ', 'えがわ', 'おおた'].entries()) {
    const user = await t.createUser('alumnus', { name: `検索 試験${i}` });
    await t.db.execute(`update users set name_kana = '${kana} しけん' where id = '${user.id}'`);
    await refreshDirectory(t.db, user.id);
    ids.push(user.id);
  }
});

afterAll(async () => {
  await t?.close();
});

const query = (cap: number, after?: { key: string; id: string }) =>
  searchDirectory(t.db, { audience: 'alumni', terms: queryTerms('検索'), exclude: [], sort: 'kana', limit: 3, cap, after, walk: false });

describe('text search cap', () => {
  it('under the cap: every match, sorted by kana, paged by keyset, not capped', async () => {
    const first = await query(10);
    expect(first.capped).toBe(false);
    expect(first.hits.map((h) => h.card.nameKana)).toEqual(['あおき しけん', 'いとう しけん', 'うえだ しけん']);
    const second = await query(10, first.hits[2]!.cursor);
    expect(second.hits.map((h) => h.card.nameKana)).toEqual(['えがわ しけん', 'おおた しけん']);
  });

  it('over the cap: reported as capped, and only the collected matches are sorted and paged', async () => {
    const first = await query(3);
    expect(first.capped).toBe(true);
    expect(first.hits).toHaveLength(3);
    const kana = first.hits.map((h) => h.card.nameKana!);
    expect([...kana].sort()).toEqual(kana);
    const second = await query(3, first.hits[2]!.cursor);
    // cap + 1 rows are collected: one more after the first page, never all five.
    expect(first.hits.length + second.hits.length).toBe(4);
  });
});
