/** Members' news pages: the list (pinned first, by category, paged), one post with reactions and comments, the report form. */
import { raw } from 'hono/html';
import { POST_CATEGORIES, REACTIONS, type PostCategory, type Reaction } from '../../../db/schema.ts';
import { fmt, formatDate, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { CsrfField, ErrorSummary, Submit, TextArea } from '../../../shared/views/form.tsx';
import { MAX_COMMENT, MAX_REASON } from '../news.form.ts';
import type { CoverView, PostCard, PostView } from '../news.present.ts';

export interface ViewBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

/** The news pages' own stylesheet (covers, cards, reactions), next to the site's. */
export function NewsStyles() {
  return <link rel="stylesheet" href="/static/news.css" />;
}

/** The `lang` attribute for content in another language than the page (screen readers switch voice). */
const langIf = (content: Locale, page: Locale) => (content === page ? undefined : content);

export function Cover({ cover, variant }: { cover: CoverView; variant: 'hero' | 'thumb' }) {
  // Decorative: the title next to it says what the post is about.
  return <img class={`news-cover news-cover--${variant}`} src={cover.src} width={cover.width} height={cover.height} alt="" loading={variant === 'thumb' ? 'lazy' : undefined} />;
}

function CategoryTabs({ m, current }: { m: Messages; current: PostCategory | undefined }) {
  const n = m.news;
  return (
    <nav class="tabs" aria-label={n.categoriesLabel}>
      <ul>
        <li>
          <a href="/news" aria-current={current ? undefined : 'page'}>
            {n.all}
          </a>
        </li>
        {POST_CATEGORIES.map((c) => (
          <li>
            <a href={`/news?category=${c}`} aria-current={current === c ? 'page' : undefined}>
              {n.categories[c]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function NewsListPage(p: { v: ViewBase; cards: PostCard[]; category: PostCategory | undefined; page: number; hasNext: boolean; canWrite: boolean }) {
  const { m, locale, timeZone } = p.v;
  const n = m.news;
  const href = (page: number) => {
    const q = new URLSearchParams();
    if (p.category) q.set('category', p.category);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return s ? `/news?${s}` : '/news';
  };
  return (
    <div class="narrow-wide">
      <NewsStyles />
      <h1>{p.category ? `${n.title}: ${n.categories[p.category]}` : n.title}</h1>
      <p>{n.intro}</p>
      {p.canWrite ? (
        <p>
          <a class="button button--secondary" href="/admin/news/new">
            {n.write}
          </a>
        </p>
      ) : null}
      <CategoryTabs m={m} current={p.category} />
      {p.cards.length === 0 ? <p class="card">{n.empty}</p> : null}
      <ul class="news-list">
        {p.cards.map((card) => (
          <li>
            <article class={`card news-card${card.pinned ? ' news-card--pinned' : ''}`} aria-labelledby={`post-${card.id}`}>
              {card.cover ? <Cover cover={card.cover} variant="thumb" /> : null}
              <div class="news-card__body">
                <p class="news-meta small">
                  {card.pinned ? <span class="badge badge--alumni">{n.pinned}</span> : null} <span>{n.categories[card.category]}</span> ·{' '}
                  <time datetime={card.publishedAt.toISOString()}>{formatDate(card.publishedAt, locale, timeZone)}</time>
                  {p.canWrite && card.audience !== 'everyone' ? <span class="badge badge--staff">{n.audiences[card.audience]}</span> : null}
                </p>
                <h2 class="news-card__title" id={`post-${card.id}`} lang={langIf(card.lang, locale)}>
                  <a href={`/news/${card.id}`}>{card.title}</a>
                </h2>
                <p lang={langIf(card.lang, locale)}>{card.excerpt}</p>
                {card.comments > 0 ? <p class="small muted">{card.comments === 1 ? n.commentOne : fmt(n.commentCount, { count: card.comments })}</p> : null}
              </div>
            </article>
          </li>
        ))}
      </ul>
      {p.page > 1 || p.hasNext ? (
        <nav class="pager" aria-label={n.pagesLabel}>
          {p.page > 1 ? (
            <a href={href(p.page - 1)} rel="prev">
              {n.newer}
            </a>
          ) : null}
          {p.hasNext ? (
            <a href={href(p.page + 1)} rel="next">
              {n.older}
            </a>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

/** The post itself: title, meta, cover and the sanitised body, in the version chosen for the reader. */
export function PostArticle({ v, post, headingLevel = 1, preview = false }: { v: ViewBase; post: PostView; headingLevel?: 1 | 2; preview?: boolean }) {
  const { m, locale, timeZone } = v;
  const n = m.news;
  const lang = langIf(post.lang, locale);
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  // A preview shows both versions of one post: their ids differ by language.
  const titleId = preview ? `title-${post.id}-${post.lang}` : `title-${post.id}`;
  return (
    <article class="news-post" aria-labelledby={titleId}>
      <p class="news-meta small">
        {post.pinned ? <span class="badge badge--alumni">{n.pinned}</span> : null} <span>{n.categories[post.category]}</span>
        {post.publishedAt ? (
          <>
            {' · '}
            <time datetime={post.publishedAt.toISOString()}>{fmt(n.published, { date: formatDateTime(post.publishedAt, locale, timeZone) })}</time>
          </>
        ) : null}
      </p>
      <Heading id={titleId} lang={lang}>
        {post.title}
      </Heading>
      {post.lang !== locale && !preview ? <p class="notice notice--warning">{fmt(n.onlyIn, { language: n.languages[post.lang] })}</p> : null}
      {post.cover ? <Cover cover={post.cover} variant="hero" /> : null}
      <div class="news-body" lang={lang}>
        {raw(post.html)}
      </div>
    </article>
  );
}

export interface CommentView {
  id: string;
  authorName: string;
  body: string;
  createdAt: Date;
  own: boolean;
}

export function PostPage(p: {
  v: ViewBase;
  post: PostView;
  reactions: Record<Reaction, number>;
  mine: Reaction[];
  comments: CommentView[];
  canEdit: boolean;
  canModerate: boolean;
  commentValue?: string;
  commentError?: string | undefined;
}) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const n = m.news;
  const post = p.post;
  return (
    <div class="narrow-wide">
      <NewsStyles />
      <p class="small">
        <a href="/news">← {n.backToList}</a>
        {p.canEdit ? (
          <>
            {' · '}
            <a href={`/admin/news/${post.id}/edit`}>{n.edit}</a>
          </>
        ) : null}
      </p>
      {p.canEdit && post.audience !== 'everyone' ? <p class="small muted">{fmt(n.audienceNote, { audience: n.audiences[post.audience] })}</p> : null}
      <PostArticle v={p.v} post={post} />
      {post.otherLang && post.lang === locale ? (
        <p class="small">
          {fmt(n.alsoIn, { language: n.languages[post.otherLang] })}{' '}
          <a href={`/news/${post.id}?lang=${post.otherLang}`} hreflang={post.otherLang}>
            {fmt(n.readIn, { language: n.languages[post.otherLang] })}
          </a>
        </p>
      ) : null}

      <section class="news-reactions" aria-labelledby="reactions-title" id="reactions">
        <h2 id="reactions-title" class="visually-hidden">
          {n.reactions.title}
        </h2>
        <form method="post" action={`/news/${post.id}/react`} class="inline-form">
          <CsrfField token={csrfToken} />
          {REACTIONS.map((r) => {
            const pressed = p.mine.includes(r);
            return (
              <button type="submit" name="reaction" value={r} class={`reaction${pressed ? ' reaction--on' : ''}`} aria-pressed={pressed ? 'true' : 'false'}>
                {n.reactions[r]} <span class="reaction__count">{p.reactions[r]}</span>
              </button>
            );
          })}
        </form>
      </section>

      <section aria-labelledby="comments-title" id="comments">
        <h2 id="comments-title">{fmt(n.comments.count, { count: p.comments.length })}</h2>
        {p.comments.length === 0 ? <p class="muted">{n.comments.none}</p> : null}
        <ol class="news-comments">
          {p.comments.map((c) => (
            <li id={`comment-${c.id}`} class="news-comment">
              <p class="small muted">
                <strong class="news-comment__author">{c.authorName}</strong> ·{' '}
                <time datetime={c.createdAt.toISOString()}>{formatDateTime(c.createdAt, locale, timeZone)}</time>
              </p>
              <div class="news-body news-comment__body">{raw(renderMarkdown(c.body))}</div>
              <div class="actions small">
                {c.own ? (
                  <form method="post" action={`/news/${post.id}/comments/${c.id}/delete`} class="inline-form">
                    <CsrfField token={csrfToken} />
                    <button type="submit" class="link-button" aria-label={n.comments.removeLabel}>
                      {n.comments.remove}
                    </button>
                  </form>
                ) : (
                  <a href={`/news/${post.id}/comments/${c.id}/report`} aria-label={fmt(n.comments.reportLabel, { name: c.authorName })}>
                    {n.comments.report}
                  </a>
                )}
                {p.canModerate && !c.own ? (
                  <form method="post" action={`/news/${post.id}/comments/${c.id}/hide`} class="inline-form">
                    <CsrfField token={csrfToken} />
                    <button type="submit" class="link-button" aria-label={fmt(n.comments.hideLabel, { name: c.authorName })}>
                      {n.comments.hide}
                    </button>
                  </form>
                ) : null}
              </div>
            </li>
          ))}
        </ol>
        {post.commentsOpen ? (
          <form method="post" action={`/news/${post.id}/comments`} class="card" novalidate>
            <CsrfField token={csrfToken} />
            {p.commentError ? <ErrorSummary m={m} errors={{ body: p.commentError }} /> : null}
            <TextArea
              m={m}
              name="body"
              label={n.comments.add}
              hint={fmt(n.comments.hint, { max: MAX_COMMENT })}
              value={p.commentValue}
              error={p.commentError}
              maxlength={MAX_COMMENT}
              rows={4}
              required
            />
            <Submit label={n.comments.submit} />
          </form>
        ) : (
          <p class="muted">{n.comments.closed}</p>
        )}
      </section>
    </div>
  );
}

export function ReportPage(p: { v: ViewBase; postId: string; comment: CommentView; value?: string; error?: string | undefined }) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const r = m.news.report;
  return (
    <div class="narrow">
      <NewsStyles />
      <h1>{r.title}</h1>
      <p>{r.intro}</p>
      <ErrorSummary m={m} errors={{ reason: p.error }} />
      <section class="card" aria-labelledby="reported-comment">
        <h2 id="reported-comment">{r.comment}</h2>
        <p class="small muted">{fmt(m.news.comments.by, { name: p.comment.authorName, date: formatDateTime(p.comment.createdAt, locale, timeZone) })}</p>
        <blockquote class="news-body">{raw(renderMarkdown(p.comment.body))}</blockquote>
      </section>
      <form method="post" action={`/news/${p.postId}/comments/${p.comment.id}/report`} novalidate>
        <CsrfField token={csrfToken} />
        <TextArea m={m} name="reason" label={r.reason} hint={fmt(r.reasonHint, { max: MAX_REASON })} value={p.value} error={p.error} maxlength={MAX_REASON} rows={4} required />
        <div class="actions">
          <Submit label={r.submit} />
          <a class="button button--secondary" href={`/news/${p.postId}#comment-${p.comment.id}`}>
            {m.common.cancel}
          </a>
        </div>
      </form>
    </div>
  );
}
