/** News routes: /news (members read, react, comment, report) and /admin/news (editors write, schedule, archive, moderate). */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { listField, readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { formValuesOf, intentOf, MAX_COMMENT, MAX_REASON, parsePostForm, parseText, type PostInput } from './news.form.ts';
import { coverOf, presentCard, presentPost, versionFor, versions } from './news.present.ts';
import * as news from './news.service.ts';
import { POST_CATEGORIES, REACTIONS, type PostCategory, type Reaction } from './news.service.ts';
import { AdminListPage, EditorPage, ReportsPage } from './views/AdminPages.tsx';
import { NewsListPage, PostPage, ReportPage, type CommentView, type ViewBase } from './views/NewsPages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EDITORS = ['operator', 'community_manager'] as const;

function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

/** A path parameter that must be a UUID: anything else is a page that does not exist (never a database error). */
function idParam(c: Context<AppEnv>, name = 'id'): string {
  const id = c.req.param(name) ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

// ---------------------------------------------------------------- reading

async function renderPost(c: Context<AppEnv>, id: string, comment: { value?: string; error?: string } = {}, status: 200 | 422 = 200) {
  const actor = actorOf(c);
  const locale = c.get('locale');
  const { post, reactions, mine, comments } = await news.readPost(deps(c).db, actor, id);
  const view = presentPost(post, locale);
  const commentViews: CommentView[] = comments.map((x) => ({ id: x.id, authorName: x.authorName, body: x.body, createdAt: x.createdAt, own: x.userId === actor.id }));
  return page(
    c,
    view.title,
    <PostPage
      v={base(c)}
      post={view}
      reactions={Object.fromEntries(REACTIONS.map((r) => [r, reactions.get(r) ?? 0])) as Record<Reaction, number>}
      mine={[...mine]}
      comments={commentViews}
      canEdit={can(actor, 'news.manage')}
      canModerate={can(actor, 'news.moderate')}
      commentValue={comment.value}
      commentError={comment.error}
    />,
    status,
  );
}

async function renderReport(c: Context<AppEnv>, postId: string, commentId: string, form: { value?: string; error?: string } = {}, status: 200 | 422 = 200) {
  const actor = actorOf(c);
  const comment = await news.commentToReport(deps(c).db, actor, postId, commentId);
  const view: CommentView = { id: comment.id, authorName: comment.authorName, body: comment.body, createdAt: comment.createdAt, own: comment.userId === actor.id };
  if (view.own) throw new AppError('NOT_FOUND');
  return page(c, c.get('m').news.report.title, <ReportPage v={base(c)} postId={postId} comment={view} value={form.value} error={form.error} />, status);
}

// ---------------------------------------------------------------- editing

async function renderEditor(
  c: Context<AppEnv>,
  id: string | null,
  opts: { values?: Record<string, string>; errors?: FieldErrors; preview?: PostInput; status?: 200 | 422 } = {},
) {
  const { db } = deps(c);
  const actor = actorOf(c);
  const v = base(c);
  const post = id ? await news.postForEdit(db, actor, id) : null;
  const segments = await news.segmentOptions(db, actor);
  const values = opts.values ?? formValuesOf(post, v.timeZone);
  const previews = opts.preview
    ? versions(opts.preview).map((version) =>
        presentPost(
          {
            id: post?.id ?? '00000000-0000-0000-0000-000000000000',
            ...opts.preview!,
            coverKey: opts.preview!.removeCover ? null : (post?.coverKey ?? null),
            state: 'draft',
            publishedAt: opts.preview!.publishAt,
            authorId: actor.id,
            createdAt: new Date(),
            updatedAt: new Date(),
          },
          version.lang,
        ),
      )
    : [];
  const m = c.get('m');
  return page(
    c,
    post ? m.news.editor.editTitle : m.news.editor.newTitle,
    <EditorPage
      v={v}
      id={post?.id ?? null}
      values={values}
      errors={opts.errors ?? {}}
      segments={segments}
      cover={post ? coverOf(post) : null}
      liveSince={post && news.isLive(post) ? post.publishedAt : null}
      archived={post?.state === 'archived'}
      previews={previews}
    />,
    opts.status ?? 200,
  );
}

/** The editor's POST, for a new post (id null) or an existing one. */
async function submitEditor(c: Context<AppEnv>, id: string | null) {
  const { db, config } = deps(c);
  const actor = actorOf(c);
  const m = c.get('m');
  const v = base(c);
  // The post must exist before its form is read (an unknown id is a 404, whatever was sent).
  const existing = id ? await news.postForEdit(db, actor, id) : null;
  const wants = await listField(c, 'wants');
  const values = await readForm(c);
  values.wants = wants.join(',');
  const body = await c.req.parseBody({ all: true });
  const intent = intentOf(values);
  const segments = await news.segmentOptions(db, actor);
  const live = existing ? news.isLive(existing) : false;
  const parsed = parsePostForm(m, values, { timeZone: v.timeZone, segmentIds: segments.map((s) => s.id), future: intent === 'publish' && !live, now: new Date() });
  if (!parsed.ok) return renderEditor(c, id, { values, errors: parsed.errors, status: 422 });
  if (intent === 'preview') return renderEditor(c, id, { values, preview: parsed.data });
  const file = body.cover;
  const cover = file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : undefined;
  const result = await news.savePost(db, config, actor, { id: id ?? undefined, input: parsed.data, intent, cover, ip: c.get('clientIp') });
  if (!result.ok) return renderEditor(c, id, { values, errors: { cover: m.news.errors.cover[result.error] }, status: 422 });
  if (intent === 'draft') {
    setFlash(c, 'news.editor.savedDraft');
    return c.redirect(`/admin/news/${result.id}/edit`, 303);
  }
  setFlash(c, result.state === 'scheduled' ? 'news.editor.scheduledDone' : 'news.editor.publishedDone');
  return c.redirect('/admin/news', 303);
}

const ADMIN_FILTERS = ['all', 'draft', 'scheduled', 'published', 'archived'] as const;

export const newsRoutes = new Hono<AppEnv>()
  .get('/news', allow('verified'), async (c) => {
    const actor = actorOf(c);
    const raw = c.req.query('category') ?? '';
    const category = (POST_CATEGORIES as readonly string[]).includes(raw) ? (raw as PostCategory) : undefined;
    const pageNo = pageParam(c);
    const { rows, hasNext } = await news.listNews(deps(c).db, actor, { category, page: pageNo });
    const locale = c.get('locale');
    return page(
      c,
      c.get('m').news.title,
      <NewsListPage v={base(c)} cards={rows.map((r) => presentCard(r, locale))} category={category} page={pageNo} hasNext={hasNext} canWrite={can(actor, 'news.manage')} />,
    );
  })
  .get('/news/:id', allow('verified'), (c) => renderPost(c, idParam(c)))
  .get('/news/:id/cover/:key', allow('verified'), async (c) => {
    const { db, config } = deps(c);
    const bytes = await news.readCover(db, config, actorOf(c), idParam(c), c.req.param('key'));
    // The key changes with every upload, so a private cache may keep it; nosniff comes from secureHeaders.
    c.header('Cache-Control', 'private, max-age=86400');
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': 'image/webp', 'Content-Disposition': 'inline', 'X-Content-Type-Options': 'nosniff' });
  })
  .post('/news/:id/react', allow('verified'), async (c) => {
    const id = idParam(c);
    const reaction = (await readForm(c)).reaction ?? '';
    if (!(REACTIONS as readonly string[]).includes(reaction)) throw new AppError('BAD_REQUEST');
    await news.toggleReaction(deps(c).db, actorOf(c), id, reaction as Reaction);
    return c.redirect(`/news/${id}#reactions`, 303);
  })
  .post('/news/:id/comments', allow('verified'), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const parsed = parseText(c.get('m'), values.body, MAX_COMMENT, 'comment');
    if (!parsed.ok) return renderPost(c, id, { value: values.body ?? '', error: parsed.error }, 422);
    const commentId = await news.addComment(deps(c).db, actorOf(c), id, parsed.text);
    setFlash(c, 'news.comments.posted');
    return c.redirect(`/news/${id}#comment-${commentId}`, 303);
  })
  .get('/news/:id/comments/:commentId/report', allow('verified'), (c) => renderReport(c, idParam(c), idParam(c, 'commentId')))
  .post('/news/:id/comments/:commentId/report', allow('verified'), async (c) => {
    const id = idParam(c);
    const commentId = idParam(c, 'commentId');
    const values = await readForm(c);
    const parsed = parseText(c.get('m'), values.reason, MAX_REASON, 'reason');
    if (!parsed.ok) return renderReport(c, id, commentId, { value: values.reason ?? '', error: parsed.error }, 422);
    await news.reportComment(deps(c).db, actorOf(c), id, commentId, parsed.text);
    setFlash(c, 'news.report.sent');
    return c.redirect(`/news/${id}#comments`, 303);
  })
  .post('/news/:id/comments/:commentId/delete', allow('verified'), async (c) => {
    const id = idParam(c);
    const commentId = idParam(c, 'commentId');
    const actor = actorOf(c);
    const comment = await news.commentToReport(deps(c).db, actor, id, commentId);
    if (comment.userId !== actor.id) throw new AppError('NOT_FOUND');
    await news.hideComment(deps(c).db, actor, id, commentId, c.get('clientIp'));
    setFlash(c, 'news.comments.removed');
    return c.redirect(`/news/${id}#comments`, 303);
  })
  .post('/news/:id/comments/:commentId/hide', allow(EDITORS), async (c) => {
    const id = idParam(c);
    await news.hideComment(deps(c).db, actorOf(c), id, idParam(c, 'commentId'), c.get('clientIp'));
    setFlash(c, 'news.comments.hidden');
    return c.redirect(`/news/${id}#comments`, 303);
  })
  .get('/admin/news', allow(EDITORS), async (c) => {
    const { db } = deps(c);
    const actor = actorOf(c);
    const raw = c.req.query('state') ?? 'all';
    const filter = (ADMIN_FILTERS as readonly string[]).includes(raw) ? (raw as news.AdminFilter) : 'all';
    const pageNo = pageParam(c);
    const now = new Date();
    const { rows, hasNext } = await news.adminList(db, actor, filter, pageNo, now);
    const canModerate = can(actor, 'news.moderate');
    const openReports = canModerate ? await news.openReportCount(db, actor) : 0;
    const locale = c.get('locale');
    const listRows = rows.map((r) => ({ ...r, shownState: news.stateNow(r, now), shownTitle: versions(r).length ? versionFor(r, locale).title : (r.titleJa ?? r.titleEn ?? '') }));
    return page(c, c.get('m').news.admin.title, <AdminListPage v={base(c)} rows={listRows} filter={filter} page={pageNo} hasNext={hasNext} openReports={openReports} canModerate={canModerate} />);
  })
  .get('/admin/news/new', allow(EDITORS), (c) => renderEditor(c, null))
  .post('/admin/news/new', allow(EDITORS), (c) => submitEditor(c, null))
  .get('/admin/news/reports', allow(EDITORS), async (c) => {
    const pageNo = pageParam(c);
    const { rows, hasNext } = await news.listOpenReports(deps(c).db, actorOf(c), pageNo);
    const locale = c.get('locale');
    const withTitles = rows.map((r) => ({ ...r, postTitle: versionFor({ titleJa: r.postTitleJa, titleEn: r.postTitleEn, bodyJa: r.postTitleJa, bodyEn: r.postTitleEn }, locale).title }));
    return page(c, c.get('m').news.reports.title, <ReportsPage v={base(c)} rows={withTitles} page={pageNo} hasNext={hasNext} />);
  })
  .post('/admin/news/reports/:id/hide', allow(EDITORS), async (c) => {
    await news.hideReported(deps(c).db, actorOf(c), idParam(c), c.get('clientIp'));
    setFlash(c, 'news.reports.hiddenDone');
    return c.redirect('/admin/news/reports', 303);
  })
  .post('/admin/news/reports/:id/dismiss', allow(EDITORS), async (c) => {
    await news.dismissReport(deps(c).db, actorOf(c), idParam(c), c.get('clientIp'));
    setFlash(c, 'news.reports.dismissedDone');
    return c.redirect('/admin/news/reports', 303);
  })
  .get('/admin/news/:id/edit', allow(EDITORS), (c) => renderEditor(c, idParam(c)))
  .post('/admin/news/:id/edit', allow(EDITORS), (c) => submitEditor(c, idParam(c)))
  .post('/admin/news/:id/archive', allow(EDITORS), async (c) => {
    await news.archivePost(deps(c).db, actorOf(c), idParam(c), c.get('clientIp'));
    setFlash(c, 'news.editor.archived');
    return c.redirect('/admin/news', 303);
  });

/** Requests that may carry a cover image (the body limit of app.tsx lets them be larger than a form). */
export function isCoverUpload(path: string): boolean {
  return /^\/admin\/news\/(new|[0-9a-f-]{36}\/edit)$/i.test(path);
}
