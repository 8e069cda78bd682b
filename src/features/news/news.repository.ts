/**
 * News queries: posts (with who may read them as an SQL condition), reactions, comments
 * (never those of a member blocked either way, never hidden ones) and content reports.
 */
import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contentReports, memberBlocks, postComments, postReactions, posts, segments, users, type PostCategory, type Reaction } from '../../db/schema.ts';

export type PostRow = typeof posts.$inferSelect;
export type PostValues = Omit<typeof posts.$inferInsert, 'id' | 'createdAt'>;

/**
 * A post is live once it is published, or scheduled and its time has passed. Checked on every
 * read, so a scheduled post never shows early and shows on time even when no job ran.
 */
export function liveCondition(now: Date): SQL {
  return and(inArray(posts.state, ['published', 'scheduled']), isNotNull(posts.publishedAt), lte(posts.publishedAt, now))!;
}

/** Who may read: `everyone`, the reader's side (alumni / employees) or one of the reader's segments; `all` for editors. */
export type Readership = { all: true } | { all: false; side: 'alumni' | 'employees'; segmentIds: string[] };

export function readableCondition(r: Readership): SQL {
  if (r.all) return sql`true`;
  const parts: SQL[] = [eq(posts.audience, 'everyone'), eq(posts.audience, r.side)];
  if (r.segmentIds.length) parts.push(and(eq(posts.audience, 'segment'), inArray(posts.segmentId, r.segmentIds))!);
  return or(...parts)!;
}

/** Segments that live segment posts are addressed to (few: a segment is a deliberate choice). */
export async function liveSegmentIds(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: posts.segmentId })
    .from(posts)
    .where(and(liveCondition(now), eq(posts.audience, 'segment'), isNotNull(posts.segmentId)));
  return rows.map((r) => r.id!).filter(Boolean);
}

export async function findPost(db: Db, id: string): Promise<PostRow | null> {
  const [row] = await db.select().from(posts).where(eq(posts.id, id));
  return row ?? null;
}

/** A post only when it is live and readable: the one query behind /news/:id. */
export async function findReadablePost(db: Db, id: string, r: Readership, now: Date): Promise<PostRow | null> {
  const [row] = await db
    .select()
    .from(posts)
    .where(and(eq(posts.id, id), liveCondition(now), readableCondition(r)));
  return row ?? null;
}

export interface FeedRow extends PostRow {
  comments: number;
}

// The outer table is named in full: in a one-table query Drizzle renders ${posts.id} as a bare "id",
// which inside this subquery would mean pc.id (and count nothing).
const commentCount = sql<number>`(select count(*)::int from post_comments pc where pc.post_id = "posts"."id" and pc.hidden_at is null)`;

/** Live readable posts, pinned first then newest; `offset` paging (news volumes are small). */
export async function listLive(
  db: Db,
  r: Readership,
  opts: { now: Date; category?: PostCategory | undefined; since?: Date | undefined; limit: number; offset: number },
): Promise<FeedRow[]> {
  const where = [liveCondition(opts.now), readableCondition(r)];
  if (opts.category) where.push(eq(posts.category, opts.category));
  if (opts.since) where.push(sql`${posts.publishedAt} >= ${opts.since}`);
  return db
    .select({ ...getTableColumns(posts), comments: commentCount })
    .from(posts)
    .where(and(...where))
    .orderBy(desc(posts.pinned), desc(posts.publishedAt), desc(posts.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

export async function postsByIds(db: Db, ids: string[]): Promise<PostRow[]> {
  if (!ids.length) return [];
  return db.select().from(posts).where(inArray(posts.id, ids));
}

export interface AdminRow extends PostRow {
  segmentName: string | null;
  authorName: string | null;
  comments: number;
  openReports: number;
}

export type AdminFilter = 'all' | 'draft' | 'scheduled' | 'published' | 'archived';

/** Every post for editors, newest change first; `scheduled` and `published` are as readers see them now. */
export async function listForAdmin(db: Db, opts: { filter: AdminFilter; now: Date; limit: number; offset: number }): Promise<AdminRow[]> {
  const due = sql`${posts.publishedAt} <= ${opts.now}`;
  const where: Record<AdminFilter, SQL | undefined> = {
    all: undefined,
    draft: eq(posts.state, 'draft'),
    archived: eq(posts.state, 'archived'),
    scheduled: and(eq(posts.state, 'scheduled'), sql`not (${due})`),
    published: liveCondition(opts.now),
  };
  return db
    .select({
      ...getTableColumns(posts),
      segmentName: segments.name,
      authorName: users.name,
      comments: commentCount,
      openReports: sql<number>`(select count(*)::int from content_reports cr join post_comments pc on pc.id = cr.target_id
        where cr.kind = 'post_comment' and cr.resolved_at is null and pc.post_id = "posts"."id")`,
    })
    .from(posts)
    .leftJoin(segments, eq(segments.id, posts.segmentId))
    .leftJoin(users, eq(users.id, posts.authorId))
    .where(where[opts.filter])
    .orderBy(desc(posts.updatedAt), desc(posts.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

export async function insertPost(db: Db, values: PostValues): Promise<string> {
  const [row] = await db.insert(posts).values(values).returning({ id: posts.id });
  return row!.id;
}

export async function updatePost(db: Db, id: string, values: Partial<PostValues>): Promise<void> {
  await db.update(posts).set(values).where(eq(posts.id, id));
}

/** Scheduled posts whose time has passed become 'published' (readers already see them; this keeps the state honest). */
export async function markDuePublished(db: Db, now: Date): Promise<{ id: string }[]> {
  return db
    .update(posts)
    .set({ state: 'published', updatedAt: now })
    .where(and(eq(posts.state, 'scheduled'), lte(posts.publishedAt, now)))
    .returning({ id: posts.id });
}

// ---------------------------------------------------------------- reactions

export async function reactionCounts(db: Db, postId: string): Promise<Map<Reaction, number>> {
  const rows = await db
    .select({ reaction: postReactions.reaction, n: count() })
    .from(postReactions)
    .where(eq(postReactions.postId, postId))
    .groupBy(postReactions.reaction);
  return new Map(rows.map((r) => [r.reaction, Number(r.n)]));
}

export async function myReactions(db: Db, postId: string, userId: string): Promise<Set<Reaction>> {
  const rows = await db
    .select({ reaction: postReactions.reaction })
    .from(postReactions)
    .where(and(eq(postReactions.postId, postId), eq(postReactions.userId, userId)));
  return new Set(rows.map((r) => r.reaction));
}

/** Adds the reaction, or removes it when the member already gave it. Returns whether it is on now. */
export async function toggleReaction(db: Db, postId: string, userId: string, reaction: Reaction): Promise<boolean> {
  const removed = await db
    .delete(postReactions)
    .where(and(eq(postReactions.postId, postId), eq(postReactions.userId, userId), eq(postReactions.reaction, reaction)))
    .returning({ postId: postReactions.postId });
  if (removed.length) return false;
  await db.insert(postReactions).values({ postId, userId, reaction }).onConflictDoNothing();
  return true;
}

// ---------------------------------------------------------------- comments

export interface CommentRow {
  id: string;
  userId: string;
  authorName: string;
  body: string;
  createdAt: Date;
}

/** Neither blocked the other: the condition on a comment's author for `viewerId`. */
function notBlocked(viewerId: string): SQL {
  return sql`not exists (select 1 from ${memberBlocks} mb where (mb.blocker_id = ${viewerId} and mb.blocked_id = ${postComments.userId})
    or (mb.blocker_id = ${postComments.userId} and mb.blocked_id = ${viewerId}))`;
}

/** The comments `viewerId` may see on a post, oldest first: not hidden, no author blocked either way. */
export async function visibleComments(db: Db, postId: string, viewerId: string, limit: number): Promise<CommentRow[]> {
  return db
    .select({ id: postComments.id, userId: postComments.userId, authorName: users.name, body: postComments.body, createdAt: postComments.createdAt })
    .from(postComments)
    .innerJoin(users, eq(users.id, postComments.userId))
    .where(and(eq(postComments.postId, postId), isNull(postComments.hiddenAt), notBlocked(viewerId)))
    .orderBy(asc(postComments.createdAt), asc(postComments.id))
    .limit(limit);
}

/** One comment the viewer may see on that post (for reporting, hiding, deleting). */
export async function findVisibleComment(db: Db, postId: string, commentId: string, viewerId: string): Promise<CommentRow | null> {
  const [row] = await db
    .select({ id: postComments.id, userId: postComments.userId, authorName: users.name, body: postComments.body, createdAt: postComments.createdAt })
    .from(postComments)
    .innerJoin(users, eq(users.id, postComments.userId))
    .where(and(eq(postComments.id, commentId), eq(postComments.postId, postId), isNull(postComments.hiddenAt), notBlocked(viewerId)));
  return row ?? null;
}

export async function insertComment(db: Db, values: { postId: string; userId: string; body: string; createdAt: Date }): Promise<string> {
  const [row] = await db.insert(postComments).values(values).returning({ id: postComments.id });
  return row!.id;
}

/** Hides a comment (kept in the table); returns false when it was already hidden. */
export async function hideComment(db: Db, commentId: string, by: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(postComments)
    .set({ hiddenAt: at, hiddenBy: by })
    .where(and(eq(postComments.id, commentId), isNull(postComments.hiddenAt)))
    .returning({ id: postComments.id });
  return rows.length > 0;
}

// ---------------------------------------------------------------- reports

/** Records a report once per member and comment; returns false when this member had already reported it. */
export async function insertReport(db: Db, values: { targetId: string; reporterId: string; reason: string; createdAt: Date }): Promise<boolean> {
  const rows = await db
    .insert(contentReports)
    .values({ kind: 'post_comment', ...values })
    .onConflictDoNothing()
    .returning({ id: contentReports.id });
  return rows.length > 0;
}

export interface ReportRow {
  id: string;
  reason: string;
  createdAt: Date;
  reporterName: string;
  commentId: string;
  commentBody: string;
  commentAt: Date;
  commentHidden: boolean;
  authorName: string;
  postId: string;
  postTitleJa: string | null;
  postTitleEn: string | null;
}

const reporter = sql<string>`(select name from users ru where ru.id = ${contentReports.reporterId})`;

export async function openReports(db: Db, limit: number, offset: number): Promise<ReportRow[]> {
  return db
    .select({
      id: contentReports.id,
      reason: contentReports.reason,
      createdAt: contentReports.createdAt,
      reporterName: reporter,
      commentId: postComments.id,
      commentBody: postComments.body,
      commentAt: postComments.createdAt,
      commentHidden: sql<boolean>`${postComments.hiddenAt} is not null`,
      authorName: users.name,
      postId: posts.id,
      postTitleJa: posts.titleJa,
      postTitleEn: posts.titleEn,
    })
    .from(contentReports)
    .innerJoin(postComments, eq(postComments.id, contentReports.targetId))
    .innerJoin(users, eq(users.id, postComments.userId))
    .innerJoin(posts, eq(posts.id, postComments.postId))
    .where(and(eq(contentReports.kind, 'post_comment'), isNull(contentReports.resolvedAt)))
    .orderBy(asc(contentReports.createdAt), asc(contentReports.id))
    .limit(limit)
    .offset(offset);
}

export async function countOpenReports(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(contentReports)
    .where(and(eq(contentReports.kind, 'post_comment'), isNull(contentReports.resolvedAt)));
  return Number(row?.n ?? 0);
}

export async function findOpenReport(db: Db, id: string): Promise<{ id: string; targetId: string } | null> {
  const [row] = await db
    .select({ id: contentReports.id, targetId: contentReports.targetId })
    .from(contentReports)
    .where(and(eq(contentReports.id, id), eq(contentReports.kind, 'post_comment'), isNull(contentReports.resolvedAt)));
  return row ?? null;
}

/** Resolves one report, or (with `allForTarget`) every open report of its comment. */
export async function resolveReports(
  db: Db,
  where: { id: string } | { targetId: string },
  resolution: 'hidden' | 'dismissed',
  by: string,
  at: Date,
): Promise<number> {
  const target = 'id' in where ? eq(contentReports.id, where.id) : eq(contentReports.targetId, where.targetId);
  const rows = await db
    .update(contentReports)
    .set({ resolvedAt: at, resolvedBy: by, resolution })
    .where(and(target, eq(contentReports.kind, 'post_comment'), isNull(contentReports.resolvedAt)))
    .returning({ id: contentReports.id });
  return rows.length;
}

export async function commentPostId(db: Db, commentId: string): Promise<string | null> {
  const [row] = await db.select({ postId: postComments.postId }).from(postComments).where(eq(postComments.id, commentId));
  return row?.postId ?? null;
}
