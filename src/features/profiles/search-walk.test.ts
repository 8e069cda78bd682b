/**
 * Common terms are served by walking the sort index (exact order, no cap) when the planner's
 * statistics say they match a large share of the directory; rarer ones are collected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { queryTerms } from '../../shared/search.ts';
import { forgetPieceStats, matchShare, pieceStats, searchDirectory, termPieces, type PieceStats } from './profiles.repository.ts';
import { refreshDirectory } from './profiles.service.ts';

let t: TestApp;
/** name_kana of each member with 営業 in the title, in kana order. */
const sales: string[] = [];

const KANA = 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろ'.split('');

beforeAll(async () => {
  t = await createTestApp();
  // 29 members in sales (営業課長), 14 in business planning (事業部長), and one 営業部 whose name sorts last.
  const people: { kana: string; title: string }[] = [];
  for (let i = 0; i < KANA.length; i++) people.push({ kana: `${KANA[i]}まの ${i}`, title: i % 3 === 2 ? '事業部長' : '営業課長' });
  people.push({ kana: 'わだ いちろう', title: '営業部' });
  for (const [i, p] of people.entries()) {
    const user = await t.createUser('alumnus', { name: `試験 ${i}` });
    await t.db.execute(`update users set name_kana = '${p.kana}' where id = '${user.id}'`);
    await t.db.execute(
      `insert into member_profiles (user_id, current_title, visibility) values ('${user.id}', '${p.title}', '{"currentTitle":"network"}')
       on conflict (user_id) do update set current_title = excluded.current_title, visibility = excluded.visibility`,
    );
    await refreshDirectory(t.db, user.id);
    if (p.title.startsWith('営業')) sales.push(p.kana);
  }
  forgetPieceStats(t.db);
});

afterAll(async () => {
  await t?.close();
});

const search = (q: string, cap: number, limit: number, after?: { key: string; id: string }) =>
  searchDirectory(t.db, { audience: 'alumni', terms: queryTerms(q), exclude: [], sort: 'kana', limit, cap, after });

describe('share estimates', () => {
  const stats: PieceStats = { share: new Map([['営業', 0.25], ['業部', 0.1], ['manag', 0.08], ['\u0001i:it', 0.2]]), rows: 1_000_000 };

  it('the pieces that bound a term', () => {
    expect(termPieces('営業')).toEqual(['営業']);
    expect(termPieces('営業部')).toEqual(['営業', '業部']);
    expect(termPieces('堤')).toEqual(['堤']);
    expect(termPieces('manager')).toEqual(['manager']);
    expect(termPieces('it')).toEqual(['it']);
    expect(termPieces('a')).toEqual([]);
  });

  it('multiplies conditions, bounds a term by its rarest piece, and counts a missing piece as rare', () => {
    expect(matchShare(stats, [{ all: ['営業'] }])).toEqual({ share: 0.25, matches: 250_000 });
    expect(matchShare(stats, [{ all: ['営業', '業部'] }])!.share).toBeCloseTo(0.1);
    expect(matchShare(stats, [{ all: ['営業'] }, { all: ['\u0001i:it'] }])!.share).toBeCloseTo(0.05);
    expect(matchShare(stats, [{ any: ['営業', '業部'] }])!.share).toBeCloseTo(0.35);
    expect(matchShare(stats, [{ all: ['佐藤'] }])!.share).toBeCloseTo(0.005);
    expect(matchShare(stats, [{ all: [] }])!.share).toBe(1);
    expect(matchShare(null, [{ all: ['営業'] }])).toBeNull();
  });
});

describe('a common term walks the sort index', () => {
  it('samples the rows of the audience', async () => {
    const stats = await pieceStats(t.db, 'alumni');
    expect(stats).not.toBeNull();
    expect(stats!.share.get('営業')).toBeGreaterThan(0.3);
  });

  it('pages through every match in exact kana order even above the cap', async () => {
    const seen: string[] = [];
    let after: { key: string; id: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await search('営業', 3, 5, after);
      // Collecting would have stopped at the cap of 3 and said so; the walk is exact and uncapped.
      expect(result.capped).toBe(false);
      seen.push(...result.hits.map((h) => h.card.nameKana!));
      if (result.hits.length < 5) break;
      after = result.hits[result.hits.length - 1]!.cursor;
    }
    expect(seen).toEqual(sales);
  });

  it('a term rarer than its pieces is still found when the walk gives up', async () => {
    // 営業 and 業部 are both common, 営業部 is one member at the end of the kana order.
    const result = await search('営業部', 3, 2);
    expect(result.hits.map((h) => h.card.nameKana)).toEqual(['わだ いちろう']);
  });

  it('rare terms are collected as before', async () => {
    const result = await search('わだ', 3, 5);
    expect(result.hits.map((h) => h.card.nameKana)).toEqual(['わだ いちろう']);
  });
});
