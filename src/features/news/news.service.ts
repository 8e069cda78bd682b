/**
 * News: posts written by operators and community managers (drafts, scheduling, audiences,
 * covers, pinning, archiving), read by members within each post's audience, with reactions,
 * comments, reports and moderation. Also what the personalised home and newsletters need.
 *
 * Who may read a post is one SQL condition (news.repository `readableCondition`), used by the
 * list, the post page and the cover alike; a post a member may not read does not exist for
 * them (404), so neither its title nor its existence leaks.
 */
import { uploadsDir, type Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { PostCategory, Reaction } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import { hit, type Limit } from '../../shared/http/rate-limit.ts';
import type { Actor } from '../../shared/http/context.ts';
import { enqueue } from '../../shared/jobs/queue.ts';
import { excerpt } from '../../shared/markdown.ts';
// The one segment engine (features/segments) decides who is in a segment.
import { listSegments, segmentsContaining } from '../segments/segments.repository.ts';
import { COVER_KEY, deleteCover, processCover, readCoverFile, storeCover, type CoverError } from './cover.ts';
import type { Intent, PostInput } from './news.form.ts';
import { versions } from './news.present.ts';
import * as repo from './news.repository.ts';

export type { AdminFilter, AdminRow, CommentRow, FeedRow, PostRow, ReportRow } from './news.repository.ts';
export { postForMail } from './news.present.ts';
export { POST_CATEGORIES, REACTIONS } from '../../db/schema.ts';
export type { PostCategory, Reaction } from '../../db/schema.ts';

export const PAGE_SIZE = 20;
export const MAX_COMMENTS_SHOWN = 500;
export const NEWS_PUBLISH_QUEUE = 'news.publish';

/** Comments per member: enough for a conversation, too few for a flood. */
export const COMMENT_LIMIT: Limit = { name: 'news-comment:user', max: 10, windowSeconds: 600 };
/** Reports per member: a member can report a thread, not the whole site. */
export const REPORT_LIMIT: Limit = { name: 'news-report:user', max: 20, windowSeconds: 3600 };

// ---------------------------------------------------------------- who reads what

/** The posts an actor may read: editors all of them; others their side and the segments they are in now. */
async function readershipOf(db: Db, actor: Actor, now: Date): Promise<repo.Readership> {
  if (can(actor, 'news.manage')) return { all: true };
  const side = actor.role === 'alumnus' ? 'alumni' : 'employees';
  const inUse = await repo.liveSegmentIds(db, now);
  const segmentIds = inUse.length ? [...(await segmentsContaining(db, actor.id, inUse, now))] : [];
  return { all: false, side, segmentIds };
}

/** A live post the actor may read, or NOT_FOUND (also for posts outside their audience). */
async function readablePost(db: Db, actor: Actor, id: string, now: Date): Promise<repo.PostRow> {
  const post = await repo.findReadablePost(db, id, await readershipOf(db, actor, now), now);
  if (!post) throw new AppError('NOT_FOUND');
  return post;
}

/** Whether a post is visible to readers at `now` (published, or scheduled and its time has come). */
export function isLive(post: Pick<repo.PostRow, 'state' | 'publishedAt'>, now = new Date()): boolean {
  return (post.state === 'published' || post.state === 'scheduled') && post.publishedAt !== null && post.publishedAt <= now;
}

/** The state as readers experience it: a scheduled post whose time has passed is published. */
export function stateNow(post: Pick<repo.PostRow, 'state' | 'publishedAt'>, now = new Date()): repo.PostRow['state'] {
  return post.state === 'scheduled' && isLive(post, now) ? 'published' : post.state;
}

// ---------------------------------------------------------------- reading

export async function listNews(
  db: Db,
  actor: Actor,
  opts: { category?: PostCategory | undefined; page: number; now?: Date },
): Promise<{ rows: repo.FeedRow[]; hasNext: boolean }> {
  authorize(actor, 'news.read');
  const now = opts.now ?? new Date();
  const rows = await repo.listLive(db, await readershipOf(db, actor, now), {
    now,
    category: opts.category,
    limit: PAGE_SIZE + 1,
    offset: (opts.page - 1) * PAGE_SIZE,
  });
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

export interface PostPage {
  post: repo.PostRow;
  reactions: Map<Reaction, number>;
  mine: Set<Reaction>;
  comments: repo.CommentRow[];
}

/** One post with its reactions and the comments the actor may see. */
export async function readPost(db: Db, actor: Actor, id: string, now = new Date()): Promise<PostPage> {
  authorize(actor, 'news.read');
  const post = await readablePost(db, actor, id, now);
  const [reactions, mine, comments] = await Promise.all([
    repo.reactionCounts(db, id),
    repo.myReactions(db, id, actor.id),
    repo.visibleComments(db, id, actor.id, MAX_COMMENTS_SHOWN),
  ]);
  return { post, reactions, mine, comments };
}

/** The re-encoded cover bytes, for anyone who may read the post (editors: any post). */
export async function readCover(db: Db, config: Config, actor: Actor, id: string, key: string, now = new Date()): Promise<Buffer> {
  authorize(actor, 'news.read');
  if (!COVER_KEY.test(key)) throw new AppError('NOT_FOUND');
  const post = can(actor, 'news.manage') ? await repo.findPost(db, id) : await readablePost(db, actor, id, now);
  if (!post || post.coverKey !== key) throw new AppError('NOT_FOUND');
  try {
    return await readCoverFile(uploadsDir(config), key);
  } catch {
    throw new AppError('NOT_FOUND');
  }
}

export interface HomePost {
  id: string;
  category: PostCategory;
  pinned: boolean;
  publishedAt: Date;
  /** The interests the post serves (WANTS), chosen by its editor. */
  wants: repo.PostRow['wants'];
  titleJa: string | null;
  titleEn: string | null;
  excerptJa: string | null;
  excerptEn: string | null;
  url: string;
}

/**
 * The published posts an actor may read, newest first (pinned first), for the personalised
 * home to rank. Titles and excerpts per complete language; `since` keeps only newer ones.
 */
export async function visiblePostsFor(db: Db, actor: Actor, opts: { limit: number; since?: Date; now?: Date }): Promise<HomePost[]> {
  if (!can(actor, 'news.read')) return [];
  const now = opts.now ?? new Date();
  const rows = await repo.listLive(db, await readershipOf(db, actor, now), { now, since: opts.since, limit: Math.max(0, Math.min(opts.limit, 200)), offset: 0 });
  return rows.map((post) => {
    const byLang = new Map(versions(post).map((v) => [v.lang, v]));
    const ja = byLang.get('ja');
    const en = byLang.get('en');
    return {
      id: post.id,
      category: post.category,
      pinned: post.pinned,
      publishedAt: post.publishedAt!,
      wants: post.wants,
      titleJa: ja?.title ?? null,
      titleEn: en?.title ?? null,
      excerptJa: ja ? excerpt(ja.body) : null,
      excerptEn: en ? excerpt(en.body) : null,
      url: `/news/${post.id}`,
    };
  });
}

/**
 * Posts by id, in the order asked, for newsletters. Any state is returned: the caller picks
 * what to include (`isLive`), and must itself send each recipient only what their audience allows.
 */
export async function postsByIds(db: Db, ids: string[]): Promise<repo.PostRow[]> {
  const rows = await repo.postsByIds(db, [...new Set(ids)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is repo.PostRow => Boolean(r));
}

// ---------------------------------------------------------------- reactions and comments

export async function toggleReaction(db: Db, actor: Actor, id: string, reaction: Reaction, now = new Date()): Promise<boolean> {
  authorize(actor, 'news.interact');
  await readablePost(db, actor, id, now);
  return repo.toggleReaction(db, id, actor.id, reaction);
}

/** Adds a comment (Markdown, rendered safely when shown). Refused on a post whose comments are closed. */
export async function addComment(db: Db, actor: Actor, id: string, body: string, now = new Date()): Promise<string> {
  authorize(actor, 'news.interact');
  const post = await readablePost(db, actor, id, now);
  if (!post.commentsOpen) throw new AppError('FORBIDDEN', 'comments closed');
  await hit(db, COMMENT_LIMIT, actor.id, now);
  return repo.insertComment(db, { postId: id, userId: actor.id, body, createdAt: now });
}

/** A comment the actor can see on a post they can read, or NOT_FOUND. */
async function visibleComment(db: Db, actor: Actor, postId: string, commentId: string, now: Date): Promise<repo.CommentRow> {
  await readablePost(db, actor, postId, now);
  const comment = await repo.findVisibleComment(db, postId, commentId, actor.id);
  if (!comment) throw new AppError('NOT_FOUND');
  return comment;
}

export async function commentToReport(db: Db, actor: Actor, postId: string, commentId: string, now = new Date()): Promise<repo.CommentRow> {
  authorize(actor, 'news.interact');
  return visibleComment(db, actor, postId, commentId, now);
}

/** Reports another member's comment to the moderators (once per member; a repeat is accepted silently). */
export async function reportComment(db: Db, actor: Actor, postId: string, commentId: string, reason: string, now = new Date()): Promise<void> {
  authorize(actor, 'news.interact');
  const comment = await visibleComment(db, actor, postId, commentId, now);
  if (comment.userId === actor.id) throw new AppError('NOT_FOUND');
  await hit(db, REPORT_LIMIT, actor.id, now);
  await repo.insertReport(db, { targetId: commentId, reporterId: actor.id, reason, createdAt: now });
}

/**
 * Removes one's own comment, or (moderators) anyone's: the comment is hidden, not deleted, so
 * what was said stays on record; open reports of it are resolved. A moderator's hide is audited.
 */
export async function hideComment(db: Db, actor: Actor, postId: string, commentId: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'news.interact');
  const comment = await visibleComment(db, actor, postId, commentId, now);
  const own = comment.userId === actor.id;
  if (!own) authorize(actor, 'news.moderate');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await repo.hideComment(t, commentId, actor.id, now))) return;
    const resolved = await repo.resolveReports(t, { targetId: commentId }, 'hidden', actor.id, now);
    if (!own) await audit(t, { action: 'news.comment_hidden', actor, subjectType: 'post_comment', subjectId: commentId, ip, details: { postId, reports: resolved } });
  });
}

// ---------------------------------------------------------------- moderation

export async function listOpenReports(db: Db, actor: Actor, page: number): Promise<{ rows: repo.ReportRow[]; hasNext: boolean }> {
  authorize(actor, 'news.moderate');
  const rows = await repo.openReports(db, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

export async function openReportCount(db: Db, actor: Actor): Promise<number> {
  authorize(actor, 'news.moderate');
  return repo.countOpenReports(db);
}

/** Hides the reported comment and resolves every open report of it, audited. */
export async function hideReported(db: Db, actor: Actor, reportId: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'news.moderate');
  const report = await repo.findOpenReport(db, reportId);
  if (!report) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.hideComment(t, report.targetId, actor.id, now);
    const resolved = await repo.resolveReports(t, { targetId: report.targetId }, 'hidden', actor.id, now);
    const postId = await repo.commentPostId(t, report.targetId);
    await audit(t, { action: 'news.comment_hidden', actor, subjectType: 'post_comment', subjectId: report.targetId, ip, details: { postId, reportId, reports: resolved } });
  });
}

/** Nothing wrong: closes this report, leaves the comment as it is, audited. */
export async function dismissReport(db: Db, actor: Actor, reportId: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'news.moderate');
  const report = await repo.findOpenReport(db, reportId);
  if (!report) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.resolveReports(t, { id: reportId }, 'dismissed', actor.id, now);
    await audit(t, { action: 'news.report_dismissed', actor, subjectType: 'content_report', subjectId: reportId, ip, details: { commentId: report.targetId } });
  });
}

// ---------------------------------------------------------------- editing

export async function adminList(db: Db, actor: Actor, filter: repo.AdminFilter, page: number, now = new Date()): Promise<{ rows: repo.AdminRow[]; hasNext: boolean }> {
  authorize(actor, 'news.manage');
  const rows = await repo.listForAdmin(db, { filter, now, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

export async function postForEdit(db: Db, actor: Actor, id: string): Promise<repo.PostRow> {
  authorize(actor, 'news.manage');
  const post = await repo.findPost(db, id);
  if (!post) throw new AppError('NOT_FOUND');
  return post;
}

/** The segments a post may be addressed to (not archived). */
export async function segmentOptions(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  authorize(actor, 'news.manage');
  return (await listSegments(db)).map((s) => ({ id: s.id, name: s.name }));
}

export type SaveResult = { ok: true; id: string; state: repo.PostRow['state'] } | { ok: false; error: CoverError };

/**
 * Creates or updates a post. `draft` keeps (or takes) it off the site; `publish` publishes it
 * now, or schedules it when a publishing time is given (readers see it from that time on,
 * checked on every read; a job also marks it published then). A post already live keeps its
 * publishing time when edited. The cover, when given, is re-encoded before anything is saved.
 */
export async function savePost(
  db: Db,
  config: Config,
  actor: Actor,
  args: { id?: string | undefined; input: PostInput; intent: Exclude<Intent, 'preview'>; cover?: Uint8Array | undefined; ip?: string | undefined },
  now = new Date(),
): Promise<SaveResult> {
  authorize(actor, 'news.manage');
  const existing = args.id ? await repo.findPost(db, args.id) : null;
  if (args.id && !existing) throw new AppError('NOT_FOUND');
  const uploads = uploadsDir(config);
  let coverKey = existing?.coverKey ?? null;
  let newKey: string | null = null;
  if (args.cover) {
    const processed = await processCover(args.cover);
    if (!processed.ok) return { ok: false, error: processed.error };
    newKey = await storeCover(uploads, processed.cover);
    coverKey = newKey;
  } else if (args.input.removeCover) coverKey = null;

  const { input } = args;
  const wasLive = existing ? isLive(existing, now) : false;
  let timing: { state: repo.PostRow['state']; publishAt: Date | null; publishedAt: Date | null };
  if (args.intent === 'draft') timing = { state: 'draft', publishAt: null, publishedAt: null };
  else if (wasLive) timing = { state: 'published', publishAt: existing!.publishAt, publishedAt: existing!.publishedAt };
  else if (input.publishAt && input.publishAt > now) timing = { state: 'scheduled', publishAt: input.publishAt, publishedAt: input.publishAt };
  else timing = { state: 'published', publishAt: null, publishedAt: now };

  const values: repo.PostValues = {
    category: input.category,
    audience: input.audience,
    segmentId: input.audience === 'segment' ? input.segmentId : null,
    wants: input.wants,
    titleJa: input.titleJa,
    bodyJa: input.bodyJa,
    titleEn: input.titleEn,
    bodyEn: input.bodyEn,
    coverKey,
    pinned: input.pinned,
    commentsOpen: input.commentsOpen,
    ...timing,
    authorId: existing ? existing.authorId : actor.id,
    updatedAt: now,
  };
  let id: string;
  try {
    id = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const postId = existing ? existing.id : await repo.insertPost(t, values);
      if (existing) await repo.updatePost(t, postId, values);
      const becomesVisible = timing.state !== 'draft' && (!existing || existing.state !== timing.state || existing.publishedAt?.getTime() !== timing.publishedAt?.getTime());
      if (becomesVisible && !wasLive) {
        await audit(t, {
          action: 'news.post_published',
          actor,
          subjectType: 'post',
          subjectId: postId,
          ip: args.ip,
          details: { audience: values.audience, segmentId: values.segmentId, scheduledFor: timing.state === 'scheduled' ? timing.publishAt?.toISOString() : null },
        });
      }
      if (timing.state === 'scheduled' && timing.publishAt) {
        await enqueue(t, NEWS_PUBLISH_QUEUE, {}, { runAt: timing.publishAt, uniqueKey: `${NEWS_PUBLISH_QUEUE}:${postId}:${timing.publishAt.toISOString()}` });
      }
      return postId;
    });
  } catch (err) {
    await deleteCover(uploads, newKey);
    throw err;
  }
  if (existing?.coverKey && existing.coverKey !== coverKey) await deleteCover(uploads, existing.coverKey);
  return { ok: true, id, state: timing.state };
}

/** Takes a post off the site (kept, with its comments; it can be edited and published again). Audited. */
export async function archivePost(db: Db, actor: Actor, id: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'news.manage');
  const post = await repo.findPost(db, id);
  if (!post) throw new AppError('NOT_FOUND');
  if (post.state === 'archived') return;
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.updatePost(t, id, { state: 'archived', pinned: false, updatedAt: now });
    await audit(t, { action: 'news.post_archived', actor, subjectType: 'post', subjectId: id, ip, details: { was: stateNow(post, now) } });
  });
}

/** The job behind NEWS_PUBLISH_QUEUE: scheduled posts whose time has come are marked published. */
export async function publishDuePosts(db: Db, now = new Date()): Promise<number> {
  return (await repo.markDuePublished(db, now)).length;
}
