/**
 * Posts as readers get them: one language version chosen for the reader (theirs when the
 * post has it, else the other, marked with its `lang` so screen readers pronounce it right),
 * the body rendered by the safe Markdown renderer, the cover's address and size.
 */
import { sourceOf } from '../../shared/attribution.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { excerpt, markdownToText, renderMarkdown } from '../../shared/markdown.ts';
import { coverSize } from './cover.ts';
import type { PostRow } from './news.repository.ts';

export interface Version {
  lang: Locale;
  title: string;
  body: string;
}

type Texts = Pick<PostRow, 'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn'>;

/** The complete language versions of a post (title and body both written). */
export function versions(post: Texts): Version[] {
  const out: Version[] = [];
  if (post.titleJa && post.bodyJa) out.push({ lang: 'ja', title: post.titleJa, body: post.bodyJa });
  if (post.titleEn && post.bodyEn) out.push({ lang: 'en', title: post.titleEn, body: post.bodyEn });
  return out;
}

/** The version for a reader: their language when written, else the other one. */
export function versionFor(post: Texts, locale: Locale): Version {
  const all = versions(post);
  const picked = all.find((v) => v.lang === locale) ?? all[0];
  // The editor refuses a post with no complete version; this only guards against rows written elsewhere.
  return picked ?? { lang: locale, title: post.titleJa ?? post.titleEn ?? '', body: post.bodyJa ?? post.bodyEn ?? '' };
}

export interface CoverView {
  src: string;
  width: number;
  height: number;
}

export function coverOf(post: Pick<PostRow, 'id' | 'coverKey'>): CoverView | null {
  const size = post.coverKey ? coverSize(post.coverKey) : null;
  return size ? { src: `/news/${post.id}/cover/${post.coverKey}`, ...size } : null;
}

export interface PostCard {
  id: string;
  category: PostRow['category'];
  audience: PostRow['audience'];
  pinned: boolean;
  publishedAt: Date;
  /** The language of title and excerpt (may differ from the page's). */
  lang: Locale;
  title: string;
  excerpt: string;
  comments: number;
  cover: CoverView | null;
}

export function presentCard(post: PostRow & { comments: number }, locale: Locale): PostCard {
  const v = versionFor(post, locale);
  return {
    id: post.id,
    category: post.category,
    audience: post.audience,
    pinned: post.pinned,
    publishedAt: post.publishedAt ?? post.updatedAt,
    lang: v.lang,
    title: v.title,
    excerpt: excerpt(v.body, 160),
    comments: post.comments,
    cover: coverOf(post),
  };
}

export interface PostView {
  id: string;
  category: PostRow['category'];
  audience: PostRow['audience'];
  pinned: boolean;
  publishedAt: Date | null;
  lang: Locale;
  title: string;
  /** Sanitised HTML from renderMarkdown: the only user HTML a page embeds. */
  html: string;
  /** The other complete language, when there is one (the reader can switch to it). */
  otherLang: Locale | null;
  cover: CoverView | null;
  commentsOpen: boolean;
}

export function presentPost(post: PostRow, locale: Locale): PostView {
  const v = versionFor(post, locale);
  const other = versions(post).find((x) => x.lang !== v.lang);
  return {
    id: post.id,
    category: post.category,
    audience: post.audience,
    pinned: post.pinned,
    publishedAt: post.publishedAt,
    lang: v.lang,
    title: v.title,
    // Links to the network's pages (an opportunity, an event) say the reader came from this post.
    html: renderMarkdown(v.body, { source: sourceOf('post', post.id) }),
    otherLang: other?.lang ?? null,
    cover: coverOf(post),
    commentsOpen: post.commentsOpen,
  };
}

/** A post for e-mail (newsletters): title, text part, HTML part and its address on the site. */
export function postForMail(post: PostRow, locale: Locale, baseUrl: string): { title: string; text: string; html: string; url: string; lang: Locale } {
  const v = versionFor(post, locale);
  return { title: v.title, text: markdownToText(v.body), html: renderMarkdown(v.body), url: `${baseUrl.replace(/\/+$/, '')}/news/${post.id}`, lang: v.lang };
}
