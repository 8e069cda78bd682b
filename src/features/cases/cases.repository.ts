/**
 * Cases — applications, referrals, requests to the company, feedback — share two tables: notes
 * (`internal` ones for operators and the assigned staff member only; the others are replies the
 * member sees) and the history of every stage change (the pipeline's record and its analytics).
 * Who may read what is decided by each feature's service; these are the queries.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { caseHistory, caseNotes, users, type CaseKind } from '../../db/schema.ts';

export interface CaseNote {
  id: string;
  body: string;
  internal: boolean;
  createdAt: Date;
  authorId: string | null;
  authorName: string | null;
}

export async function addNote(db: Db, kind: CaseKind, caseId: string, authorId: string, body: string, internal: boolean): Promise<string> {
  const [row] = await db.insert(caseNotes).values({ caseKind: kind, caseId, authorId, body, internal }).returning({ id: caseNotes.id });
  return row!.id;
}

/** Notes of a case, oldest first; internal ones only when `withInternal`. */
export async function notesOf(db: Db, kind: CaseKind, caseId: string, withInternal: boolean): Promise<CaseNote[]> {
  const where = and(eq(caseNotes.caseKind, kind), eq(caseNotes.caseId, caseId), withInternal ? undefined : eq(caseNotes.internal, false));
  return db
    .select({ id: caseNotes.id, body: caseNotes.body, internal: caseNotes.internal, createdAt: caseNotes.createdAt, authorId: caseNotes.authorId, authorName: users.name })
    .from(caseNotes)
    .leftJoin(users, eq(users.id, caseNotes.authorId))
    .where(where)
    .orderBy(asc(caseNotes.createdAt), asc(caseNotes.id));
}

/** Records a stage or status change (call in the transaction that makes it). */
export async function recordTransition(db: Db, kind: CaseKind, caseId: string, actorId: string | null, from: string | null, to: string): Promise<void> {
  await db.insert(caseHistory).values({ caseKind: kind, caseId, actorId, fromState: from, toState: to });
}

export interface Transition {
  fromState: string | null;
  toState: string;
  at: Date;
  actorName: string | null;
}

export async function historyOf(db: Db, kind: CaseKind, caseId: string): Promise<Transition[]> {
  return db
    .select({ fromState: caseHistory.fromState, toState: caseHistory.toState, at: caseHistory.at, actorName: users.name })
    .from(caseHistory)
    .leftJoin(users, eq(users.id, caseHistory.actorId))
    .where(and(eq(caseHistory.caseKind, kind), eq(caseHistory.caseId, caseId)))
    .orderBy(asc(caseHistory.at), asc(caseHistory.id));
}
