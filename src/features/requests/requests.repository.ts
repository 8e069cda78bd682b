/** Queries of requests to the company (company_requests) and of the staff who may handle them. */
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { caseNotes, companyRequests, departments, users, type CaseKind, type RequestKind, type RequestOutcome, type RequestState } from '../../db/schema.ts';

const requester = alias(users, 'requester');
const assignee = alias(users, 'assignee');

/** Staff accounts a request may be assigned to. */
export const STAFF_ROLES = ['employee', 'community_manager', 'operator'] as const;

/**
 * Whether the newest reply the member can see on a case is their own (nobody has answered it
 * yet): the staff queues flag these. Internal notes do not count as an answer.
 */
export function awaitingAnswer(kind: CaseKind, caseId: AnyPgColumn, ownerId: AnyPgColumn): SQL<boolean> {
  return sql<boolean>`coalesce((
  select ${caseNotes.authorId} = ${ownerId} from ${caseNotes}
  where ${caseNotes.caseKind} = ${kind} and ${caseNotes.caseId} = ${caseId} and not ${caseNotes.internal}
  order by ${caseNotes.createdAt} desc, ${caseNotes.id} desc limit 1), false)`;
}

/** New first, then in progress, then the finished; within each, the one waiting longest first. */
const queueOrder = [
  sql`case ${companyRequests.state} when 'new' then 0 when 'in_progress' then 1 else 2 end`,
  asc(companyRequests.stateChangedAt),
  asc(companyRequests.id),
];

const rowColumns = {
  id: companyRequests.id,
  kind: companyRequests.kind,
  title: companyRequests.title,
  body: companyRequests.body,
  state: companyRequests.state,
  outcome: companyRequests.outcome,
  outcomeValue: companyRequests.outcomeValue,
  source: companyRequests.source,
  departmentId: companyRequests.departmentId,
  departmentJa: departments.nameJa,
  departmentEn: departments.nameEn,
  requesterId: companyRequests.requesterId,
  requesterName: requester.name,
  requesterEmail: requester.email,
  requesterLocale: requester.locale,
  assigneeId: companyRequests.assigneeId,
  assigneeName: assignee.name,
  assigneeEmail: assignee.email,
  assigneeLocale: assignee.locale,
  stateChangedAt: companyRequests.stateChangedAt,
  createdAt: companyRequests.createdAt,
};

export interface RequestRow {
  id: string;
  kind: RequestKind;
  title: string;
  body: string;
  state: RequestState;
  outcome: RequestOutcome | null;
  outcomeValue: number | null;
  source: string | null;
  departmentId: string | null;
  departmentJa: string | null;
  departmentEn: string | null;
  requesterId: string;
  requesterName: string;
  requesterEmail: string;
  requesterLocale: 'ja' | 'en' | null;
  assigneeId: string | null;
  assigneeName: string | null;
  assigneeEmail: string | null;
  assigneeLocale: 'ja' | 'en' | null;
  stateChangedAt: Date;
  createdAt: Date;
}

/** A request with whether its requester's reply is waiting for an answer. */
export type ListRow = RequestRow & { awaiting: boolean };

function selectRows(db: Db) {
  return db
    .select({ ...rowColumns, awaiting: awaitingAnswer('request', companyRequests.id, companyRequests.requesterId) })
    .from(companyRequests)
    .innerJoin(requester, eq(requester.id, companyRequests.requesterId))
    .leftJoin(assignee, eq(assignee.id, companyRequests.assigneeId))
    .leftJoin(departments, eq(departments.id, companyRequests.departmentId));
}

export async function insertRequest(
  db: Db,
  v: { requesterId: string; kind: RequestKind; title: string; body: string; departmentId: string | null; source: string | null; createdAt: Date },
): Promise<string> {
  const [row] = await db
    .insert(companyRequests)
    .values({ ...v, stateChangedAt: v.createdAt, updatedAt: v.createdAt })
    .returning({ id: companyRequests.id });
  return row!.id;
}

export async function findRequest(db: Db, id: string): Promise<ListRow | null> {
  const [row] = await selectRows(db).where(eq(companyRequests.id, id));
  return row ?? null;
}

/** The request's row, locked until the transaction ends (state changes read the state they change). */
export async function lockRequest(db: Db, id: string): Promise<{ state: RequestState; assigneeId: string | null; outcome: RequestRow['outcome']; outcomeValue: number | null } | null> {
  const [row] = await db
    .select({ state: companyRequests.state, assigneeId: companyRequests.assigneeId, outcome: companyRequests.outcome, outcomeValue: companyRequests.outcomeValue })
    .from(companyRequests)
    .where(eq(companyRequests.id, id))
    .for('update');
  return row ?? null;
}

export async function updateRequest(
  db: Db,
  id: string,
  set: Partial<{ state: RequestState; assigneeId: string | null; outcome: RequestRow['outcome']; outcomeValue: number | null; stateChangedAt: Date }>,
  now: Date,
): Promise<void> {
  await db
    .update(companyRequests)
    .set({ ...set, updatedAt: now })
    .where(eq(companyRequests.id, id));
}

/** A requester's own requests, newest first. */
export function listByRequester(db: Db, userId: string, limit: number, offset: number): Promise<ListRow[]> {
  return selectRows(db).where(eq(companyRequests.requesterId, userId)).orderBy(desc(companyRequests.createdAt), desc(companyRequests.id)).limit(limit).offset(offset);
}

/** The requests assigned to a staff member: open ones first, the longest waiting first. */
export function listByAssignee(db: Db, userId: string, limit: number, offset: number): Promise<ListRow[]> {
  return selectRows(db).where(eq(companyRequests.assigneeId, userId)).orderBy(...queueOrder).limit(limit).offset(offset);
}

export type StateFilter = 'open' | 'all' | RequestState;
/** 'none': not assigned; a user id: assigned to them. */
export type AssigneeFilter = 'any' | 'none' | string;

export interface QueueFilter {
  state: StateFilter;
  kind: RequestKind | null;
  assignee: AssigneeFilter;
}

function queueWhere(f: QueueFilter): SQL | undefined {
  return and(
    f.state === 'all' ? undefined : f.state === 'open' ? inArray(companyRequests.state, ['new', 'in_progress']) : eq(companyRequests.state, f.state),
    f.kind ? eq(companyRequests.kind, f.kind) : undefined,
    f.assignee === 'any' ? undefined : f.assignee === 'none' ? isNull(companyRequests.assigneeId) : eq(companyRequests.assigneeId, f.assignee),
  );
}

export function queue(db: Db, f: QueueFilter, limit: number, offset: number): Promise<ListRow[]> {
  return selectRows(db).where(queueWhere(f)).orderBy(...queueOrder).limit(limit).offset(offset);
}

export async function queueCount(db: Db, f: QueueFilter): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(companyRequests).where(queueWhere(f));
  return row?.n ?? 0;
}

export interface StaffOption {
  id: string;
  name: string;
  email: string;
  role: (typeof STAFF_ROLES)[number];
}

/** Active staff accounts, by name, leaving out `exclude` (people blocked either way with the requester). */
export async function staffOptions(db: Db, exclude: readonly string[]): Promise<StaffOption[]> {
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(and(inArray(users.role, [...STAFF_ROLES]), eq(users.status, 'active')))
    .orderBy(asc(users.name), asc(users.id));
  return rows.filter((r) => !exclude.includes(r.id)) as StaffOption[];
}

/** One active staff account (with the language its mail is written in), or null. */
export async function findStaff(db: Db, id: string): Promise<(StaffOption & { locale: 'ja' | 'en' | null }) | null> {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, locale: users.locale })
    .from(users)
    .where(and(eq(users.id, id), inArray(users.role, [...STAFF_ROLES]), eq(users.status, 'active')));
  return row ? { ...row, role: row.role as StaffOption['role'] } : null;
}
