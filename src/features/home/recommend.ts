/**
 * The personalised home: what a member may read or attend (posts, upcoming events; opportunities
 * later) ranked by what they told us they want, their skills and where they
 * live, each with the reasons in words. Pure: the caller loads the candidates and the reader.
 *
 * One rule above the scores: something about returning to the company ('return') is never
 * recommended to a member who did not say they are interested in returning. They can still
 * find it in the news; it is just never pushed at them.
 */
import type { Want } from '../../db/schema.ts';
import { fold } from '../../shared/search.ts';

export interface Candidate {
  kind: 'post' | 'event' | 'opportunity';
  id: string;
  title: string;
  /** Plain text the skills are looked for in (title and excerpt). */
  text: string;
  href: string;
  /** The interests the item serves, as its author tagged them. */
  wants: readonly Want[];
  /** Prefecture code the item is about (an event's venue), when any. */
  prefecture?: string | null;
  pinned: boolean;
  publishedAt: Date;
}

export interface Reader {
  wants: readonly Want[];
  skills: readonly string[];
  prefecture: string | null;
}

export type Reason = { kind: 'want'; want: Want } | { kind: 'skill'; skill: string } | { kind: 'location' } | { kind: 'pinned' };

export interface Recommendation {
  item: Candidate;
  score: number;
  reasons: Reason[];
}

const WEIGHT = { want: 3, skill: 2, location: 1.5, pinned: 2, fresh: 2 };
/** Freshness halves every this many days. */
const HALF_LIFE_DAYS = 10;

/** True when an item may be recommended to this reader at all. */
export function mayRecommend(item: Candidate, reader: Reader): boolean {
  return !item.wants.includes('return') || reader.wants.includes('return');
}

/** Scores and explains one item for one reader. */
export function score(item: Candidate, reader: Reader, now: Date): Recommendation {
  const reasons: Reason[] = [];
  let total = 0;
  const shared = item.wants.filter((w) => reader.wants.includes(w));
  for (const want of shared.slice(0, 2)) {
    reasons.push({ kind: 'want', want });
    total += WEIGHT.want;
  }
  const text = fold(`${item.title} ${item.text}`);
  const skill = reader.skills.find((s) => s.length >= 2 && text.includes(fold(s)));
  if (skill) {
    reasons.push({ kind: 'skill', skill });
    total += WEIGHT.skill;
  }
  if (item.prefecture && reader.prefecture && item.prefecture === reader.prefecture) {
    reasons.push({ kind: 'location' });
    total += WEIGHT.location;
  }
  if (item.pinned) {
    reasons.push({ kind: 'pinned' });
    total += WEIGHT.pinned;
  }
  const ageDays = Math.max(0, (now.getTime() - item.publishedAt.getTime()) / 86_400_000);
  total += WEIGHT.fresh * 0.5 ** (ageDays / HALF_LIFE_DAYS);
  return { item, score: total, reasons };
}

/** The best `limit` items for a reader, highest score first (newer first on a tie). */
export function recommend(items: readonly Candidate[], reader: Reader, now: Date, limit = 5): Recommendation[] {
  return items
    .filter((item) => mayRecommend(item, reader))
    .map((item) => score(item, reader, now))
    .sort((a, b) => b.score - a.score || b.item.publishedAt.getTime() - a.item.publishedAt.getTime())
    .slice(0, limit);
}
