import { describe, expect, it } from 'vitest';
import { mayRecommend, recommend, score, type Candidate, type Reader } from './recommend.ts';

const NOW = new Date('2026-11-21T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const post = (id: string, o: Partial<Candidate> = {}): Candidate => ({
  kind: 'post',
  id,
  title: id,
  text: '',
  href: `/news/${id}`,
  wants: [],
  pinned: false,
  publishedAt: daysAgo(1),
  ...o,
});
const reader = (o: Partial<Reader> = {}): Reader => ({ wants: [], skills: [], prefecture: null, ...o });

describe('recommendations', () => {
  it('never pushes returning at a member who did not ask for it', () => {
    const rehire = post('rehire', { wants: ['return', 'information'], pinned: true, publishedAt: daysAgo(0) });
    expect(mayRecommend(rehire, reader({ wants: ['information'] }))).toBe(false);
    expect(mayRecommend(rehire, reader({ wants: ['return'] }))).toBe(true);
    const list = recommend([rehire, post('other', { publishedAt: daysAgo(30) })], reader({ wants: ['information'] }), NOW);
    expect(list.map((r) => r.item.id)).toEqual(['other']);
  });

  it('ranks what the member wants above what is merely newer, and says why', () => {
    const business = post('business', { wants: ['business'], publishedAt: daysAgo(5) });
    const fresh = post('fresh', { publishedAt: daysAgo(0) });
    const list = recommend([fresh, business], reader({ wants: ['business', 'social'] }), NOW);
    expect(list.map((r) => r.item.id)).toEqual(['business', 'fresh']);
    expect(list[0]!.reasons).toEqual([{ kind: 'want', want: 'business' }]);
    expect(list[1]!.reasons).toEqual([]);
  });

  it('skills are found in the text whatever the script width or case; location and pinning count', () => {
    const r = score(post('ts', { title: 'ＴｙｐｅＳｃｒｉｐｔ 勉強会', prefecture: '13', pinned: true }), reader({ skills: ['typescript'], prefecture: '13' }), NOW);
    expect(r.reasons).toEqual([{ kind: 'skill', skill: 'typescript' }, { kind: 'location' }, { kind: 'pinned' }]);
    // One-letter skills never match by accident.
    expect(score(post('c', { title: 'cafe' }), reader({ skills: ['c'] }), NOW).reasons).toEqual([]);
  });

  it('freshness decays: among equals, the newer first; limit applies', () => {
    const items = [post('old', { publishedAt: daysAgo(40) }), post('new', { publishedAt: daysAgo(2) }), post('mid', { publishedAt: daysAgo(10) })];
    expect(recommend(items, reader(), NOW, 2).map((r) => r.item.id)).toEqual(['new', 'mid']);
    const [a, b] = [score(items[1]!, reader(), NOW).score, score(items[2]!, reader(), NOW).score];
    expect(a).toBeGreaterThan(b);
  });
});
