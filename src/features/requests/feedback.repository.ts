/** Queries of feedback and ideas (feedback_items) and of the "useful" mark (its reward in the ledger). */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { awaitingAnswer } from './requests.repository.ts';
import { feedbackItems, rewards, users, type FeedbackKind, type FeedbackState } from '../../db/schema.ts';

export interface FeedbackRow {
  id: string;
  kind: FeedbackKind;
  subject: string | null;
  title: string;
  body: string;
  state: FeedbackState;
  source: string | null;
  authorId: string;
  authorName: string;
  authorEmail: string;
  authorLocale: 'ja' | 'en' | null;
  stateChangedAt: Date;
  createdAt: Date;
  awaiting: boolean;
}

function selectRows(db: Db) {
  return db
    .select({
      id: feedbackItems.id,
      kind: feedbackItems.kind,
      subject: feedbackItems.subject,
      title: feedbackItems.title,
      body: feedbackItems.body,
      state: feedbackItems.state,
      source: feedbackItems.source,
      authorId: feedbackItems.authorId,
      authorName: users.name,
      authorEmail: users.email,
      authorLocale: users.locale,
      stateChangedAt: feedbackItems.stateChangedAt,
      createdAt: feedbackItems.createdAt,
      awaiting: awaitingAnswer('feedback', feedbackItems.id, feedbackItems.authorId),
    })
    .from(feedbackItems)
    .innerJoin(users, eq(users.id, feedbackItems.authorId));
}

export async function insertFeedback(
  db: Db,
  v: { authorId: string; kind: FeedbackKind; subject: string | null; title: string; body: string; source: string | null; createdAt: Date },
): Promise<string> {
  const [row] = await db
    .insert(feedbackItems)
    .values({ ...v, stateChangedAt: v.createdAt, updatedAt: v.createdAt })
    .returning({ id: feedbackItems.id });
  return row!.id;
}

export async function findFeedback(db: Db, id: string): Promise<FeedbackRow | null> {
  const [row] = await selectRows(db).where(eq(feedbackItems.id, id));
  return row ?? null;
}

/** The item's state, locked until the transaction ends. */
export async function lockFeedback(db: Db, id: string): Promise<FeedbackState | null> {
  const [row] = await db.select({ state: feedbackItems.state }).from(feedbackItems).where(eq(feedbackItems.id, id)).for('update');
  return row?.state ?? null;
}

export async function setState(db: Db, id: string, state: FeedbackState, now: Date): Promise<void> {
  await db.update(feedbackItems).set({ state, stateChangedAt: now, updatedAt: now }).where(eq(feedbackItems.id, id));
}

export function listByAuthor(db: Db, userId: string, limit: number, offset: number): Promise<FeedbackRow[]> {
  return selectRows(db).where(eq(feedbackItems.authorId, userId)).orderBy(desc(feedbackItems.createdAt), desc(feedbackItems.id)).limit(limit).offset(offset);
}

export type StateFilter = 'open' | 'all' | FeedbackState;

export interface QueueFilter {
  state: StateFilter;
  kind: FeedbackKind | null;
}

function queueWhere(f: QueueFilter): SQL | undefined {
  return and(
    f.state === 'all' ? undefined : f.state === 'open' ? inArray(feedbackItems.state, ['received', 'considering']) : eq(feedbackItems.state, f.state),
    f.kind ? eq(feedbackItems.kind, f.kind) : undefined,
  );
}

/** Received first, then considering, then decided; within each, the one waiting longest first. */
export function queue(db: Db, f: QueueFilter, limit: number, offset: number): Promise<FeedbackRow[]> {
  return selectRows(db)
    .where(queueWhere(f))
    .orderBy(sql`case ${feedbackItems.state} when 'received' then 0 when 'considering' then 1 else 2 end`, asc(feedbackItems.stateChangedAt), asc(feedbackItems.id))
    .limit(limit)
    .offset(offset);
}

export async function queueCount(db: Db, f: QueueFilter): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(feedbackItems).where(queueWhere(f));
  return row?.n ?? 0;
}

/**
 * Whether the item was marked useful: the mark is the 'feedback_useful' reward its author
 * earned for it (the ledger holds it once per case; a cancelled reward still records the mark).
 */
export async function markedUseful(db: Db, id: string, authorId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: rewards.id })
    .from(rewards)
    .where(and(eq(rewards.userId, authorId), eq(rewards.trigger, 'feedback_useful'), eq(rewards.caseKind, 'feedback'), eq(rewards.caseId, id)))
    .limit(1);
  return Boolean(row);
}
