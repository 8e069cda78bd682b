/**
 * The member's home: recommended posts (ranked for them, with reasons), the upcoming events they
 * may attend (the ones that fit them first), and the latest news.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../shared/http/context.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { upcomingEventsFor, type HomeEvent } from '../events/events.service.ts';
import { visiblePostsFor, type HomePost } from '../news/news.service.ts';
import type { OpportunityCard } from '../opportunities/opportunities.repository.ts';
import { listOpportunities } from '../opportunities/opportunities.service.ts';
import { can } from '../../shared/auth/can.ts';
import { ownProfile } from '../profiles/profiles.service.ts';
import { mayRecommend, recommend, score, type Candidate, type Reader, type Recommendation } from './recommend.ts';

/** Posts older than this are not recommended (they stay in the news). */
const RECENT_DAYS = 60;
/** Upcoming events shown on the home. */
const HOME_EVENTS = 3;
/** Opportunities shown on the home: only those that fit the member (a reason), never a list of jobs. */
const HOME_OPPORTUNITIES = 2;

export interface HomeItem {
  post: HomePost;
  title: string;
  excerpt: string | null;
  /** The language the title and excerpt are in (the reader's, or the only one the post has). */
  lang: Locale;
}

export interface HomeFeed {
  recommended: (HomeItem & { reasons: Recommendation['reasons'] })[];
  latest: HomeItem[];
  /** Open opportunities that fit what the member said they want or can do, with the reasons. */
  opportunities: { opportunity: OpportunityCard; reasons: Recommendation['reasons'] }[];
  /** Upcoming events the member may attend: those that fit what they want first, then the soonest. */
  events: { event: HomeEvent; reasons: Recommendation['reasons'] }[];
  /** The member has not said what they want from the network: the home asks them to. */
  noWants: boolean;
}

function inLanguage(post: HomePost, locale: Locale): HomeItem {
  const own = locale === 'en' ? post.titleEn : post.titleJa;
  const lang: Locale = own ? locale : locale === 'en' ? 'ja' : 'en';
  const title = (lang === 'en' ? post.titleEn : post.titleJa) ?? '';
  const excerpt = lang === 'en' ? post.excerptEn : post.excerptJa;
  return { post, title, excerpt, lang };
}

export async function homeFeed(db: Db, actor: Actor, locale: Locale, now = new Date()): Promise<HomeFeed> {
  const since = new Date(now.getTime() - RECENT_DAYS * 86_400_000);
  const [posts, profile, upcoming, open] = await Promise.all([
    visiblePostsFor(db, actor, { limit: 100, since, now }),
    ownProfile(db, actor),
    upcomingEventsFor(db, actor, now, 30),
    can(actor, 'opportunities.view') ? listOpportunities(db, actor, { page: 1, now }) : Promise.resolve({ cards: [] }),
  ]);
  // The member's own profile, all of it: they told us these things so that we pick for them.
  const reader: Reader = { wants: profile.wants, skills: profile.skills, prefecture: profile.country === 'JP' ? profile.prefecture : null };
  const items = posts.map((p) => inLanguage(p, locale));
  const byId = new Map(items.map((i) => [i.post.id, i]));
  const candidates: Candidate[] = items.map((i) => ({
    kind: 'post',
    id: i.post.id,
    title: i.title,
    text: i.excerpt ?? '',
    href: i.post.url,
    wants: i.post.wants,
    pinned: i.post.pinned,
    publishedAt: i.post.publishedAt,
  }));
  const ranked = recommend(candidates, reader, now, 5).filter((r) => r.reasons.length > 0);
  const recommended = ranked.map((r) => ({ ...byId.get(r.item.id)!, reasons: r.reasons }));
  const shown = new Set(recommended.map((r) => r.post.id));
  const latest = items
    // The "returning" rule holds for the whole home: such posts are in the news, never pushed here.
    .filter((i, n) => !shown.has(i.post.id) && mayRecommend(candidates[n]!, reader))
    .sort((a, b) => b.post.publishedAt.getTime() - a.post.publishedAt.getTime())
    .slice(0, 5);
  return {
    recommended,
    latest,
    events: rankEvents(upcoming, reader, now),
    opportunities: rankOpportunities(open.cards, reader, now),
    noWants: profile.wants.length === 0,
  };
}

/**
 * Opportunities are shown only when they fit (what the member wants, their skills in the text):
 * alumni say they feel harvested when a network pushes every job at them. An opportunity about
 * returning is shown only to members who said they are open to it.
 */
function rankOpportunities(cards: OpportunityCard[], reader: Reader, now: Date): HomeFeed['opportunities'] {
  return recommend(
    cards.map((o) => ({ kind: 'opportunity', id: o.id, title: o.title, text: o.description.slice(0, 2000), href: `/opportunities/${o.id}`, wants: o.wants, pinned: false, publishedAt: o.publishedAt ?? now })),
    reader,
    now,
    cards.length,
  )
    .filter((r) => r.reasons.length > 0)
    .slice(0, HOME_OPPORTUNITIES)
    .map((r) => ({ opportunity: cards.find((o) => o.id === r.item.id)!, reasons: r.reasons }));
}

/**
 * Events are scored like posts (interests, skills in the title) but all as equally fresh: what
 * fits comes first, the soonest breaks ties. The "returning" rule holds here too.
 */
function rankEvents(upcoming: HomeEvent[], reader: Reader, now: Date): HomeFeed['events'] {
  return upcoming
    .map((event) => ({ event, candidate: { kind: 'event', id: event.id, title: event.title, text: '', href: `/events/${event.id}`, wants: event.wants, pinned: false, publishedAt: now } satisfies Candidate }))
    .filter((e) => mayRecommend(e.candidate, reader))
    .map((e) => ({ event: e.event, ranked: score(e.candidate, reader, now) }))
    .sort((a, b) => b.ranked.score - a.ranked.score || a.event.startsAt.getTime() - b.event.startsAt.getTime())
    .slice(0, HOME_EVENTS)
    .map((e) => ({ event: e.event, reasons: e.ranked.reasons }));
}
