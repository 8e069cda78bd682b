/**
 * Application queries: the applicant's own, the pipeline (all of it for operators, the assigned
 * ones for other staff), the roster facts behind a returner, and the aggregates operators see.
 */
import { and, asc, count, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../db/sql.ts';
import { applications, memberBlocks, opportunities, rosterEntries, users, type PipelineStage } from '../../db/schema.ts';

export type ApplicationRow = typeof applications.$inferSelect;
export type ApplicationValues = Omit<typeof applications.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'stageChangedAt'>;

/** Stages after which an application is over (and another may be made). */
export const FINAL_STAGES = ['hired', 'not_this_time', 'withdrawn'] as const satisfies readonly PipelineStage[];
export const LIVE_STAGES = ['received', 'casual_talk', 'interviews', 'offer'] as const satisfies readonly PipelineStage[];

/** An application with what every page about it shows: the opportunity, the applicant, the assignee. */
export interface ApplicationDetail extends ApplicationRow {
  opportunityTitle: string | null;
  opportunityKind: (typeof opportunities.$inferSelect)['kind'] | null;
  applicantName: string;
  applicantEmail: string;
  applicantLocale: 'ja' | 'en' | null;
  assigneeName: string | null;
  assigneeEmail: string | null;
}

/** The staff member an application is assigned to (a second join of `users`). */
const assignee = alias(users, 'assignee');

function detailQuery(db: Db) {
  return db
    .select({
      application: applications,
      opportunityTitle: opportunities.title,
      opportunityKind: opportunities.kind,
      applicantName: users.name,
      applicantEmail: users.email,
      applicantLocale: users.locale,
      assigneeName: assignee.name,
      assigneeEmail: assignee.email,
    })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.applicantId))
    .leftJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .leftJoin(assignee, eq(assignee.id, applications.assigneeId));
}

type DetailResult = Awaited<ReturnType<ReturnType<typeof detailQuery>['execute']>>[number];

function flatten(r: DetailResult): ApplicationDetail {
  const { application, ...rest } = r;
  return { ...application, ...rest };
}

export async function findApplication(db: Db, id: string): Promise<ApplicationDetail | null> {
  const [row] = await detailQuery(db).where(eq(applications.id, id));
  return row ? flatten(row) : null;
}

/** The applicant's live application to an opportunity (null: to return), if any. */
export async function findLive(db: Db, applicantId: string, opportunityId: string | null): Promise<{ id: string } | null> {
  const target = opportunityId ? eq(applications.opportunityId, opportunityId) : sql`${applications.opportunityId} is null`;
  const [row] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.applicantId, applicantId), target, notInArray(applications.stage, [...FINAL_STAGES])))
    .limit(1);
  return row ?? null;
}

/**
 * Inserts an application; null when the person already has a live one for the same opportunity
 * (or the open door): the partial unique index decides, so two clicks at once make one application.
 */
export async function insertApplication(db: Db, values: ApplicationValues, now: Date): Promise<string | null> {
  const [row] = await db
    .insert(applications)
    .values({ ...values, createdAt: now, updatedAt: now, stageChangedAt: now })
    .onConflictDoNothing()
    .returning({ id: applications.id });
  return row?.id ?? null;
}

/**
 * Moves an application from one stage to another; false when it was no longer in `from`
 * (someone else moved it meanwhile), so a transition is never recorded twice.
 */
export async function moveStage(db: Db, id: string, from: PipelineStage, to: PipelineStage, message: string | null, now: Date): Promise<boolean> {
  const rows = await db
    .update(applications)
    .set({ stage: to, messageToApplicant: message, stageChangedAt: now, updatedAt: now })
    .where(and(eq(applications.id, id), eq(applications.stage, from)))
    .returning({ id: applications.id });
  return rows.length > 0;
}

export async function setMessage(db: Db, id: string, message: string | null, now: Date): Promise<void> {
  await db.update(applications).set({ messageToApplicant: message, updatedAt: now }).where(eq(applications.id, id));
}

export async function setAssignee(db: Db, id: string, assigneeId: string | null, now: Date): Promise<void> {
  await db.update(applications).set({ assigneeId, updatedAt: now }).where(eq(applications.id, id));
}

export interface OwnApplication {
  id: string;
  kind: ApplicationRow['kind'];
  stage: PipelineStage;
  createdAt: Date;
  stageChangedAt: Date;
  opportunityTitle: string | null;
}

/** The member's own applications, live ones first, newest first. */
export async function listOwn(db: Db, applicantId: string, limit: number): Promise<OwnApplication[]> {
  return db
    .select({
      id: applications.id,
      kind: applications.kind,
      stage: applications.stage,
      createdAt: applications.createdAt,
      stageChangedAt: applications.stageChangedAt,
      opportunityTitle: opportunities.title,
    })
    .from(applications)
    .leftJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .where(eq(applications.applicantId, applicantId))
    .orderBy(sql`${applications.stage} in ('hired', 'not_this_time', 'withdrawn')`, desc(applications.createdAt))
    .limit(limit);
}

export interface PipelineFilter {
  /** Only the applications assigned to this staff member (everyone but operators). */
  assigneeId?: string | undefined;
  stages: readonly PipelineStage[];
  kind?: ApplicationRow['kind'] | undefined;
  opportunityId?: string | undefined;
}

export interface PipelineCard {
  id: string;
  kind: ApplicationRow['kind'];
  stage: PipelineStage;
  applicantName: string;
  opportunityTitle: string | null;
  assigneeName: string | null;
  createdAt: Date;
  stageChangedAt: Date;
}

function pipelineWhere(f: PipelineFilter): SQL {
  const where: SQL[] = [inArray(applications.stage, [...f.stages])];
  if (f.assigneeId) where.push(eq(applications.assigneeId, f.assigneeId));
  if (f.kind) where.push(eq(applications.kind, f.kind));
  if (f.opportunityId) where.push(eq(applications.opportunityId, f.opportunityId));
  return and(...where)!;
}

/** Applications of the pipeline, the longest waiting first. */
export async function listPipeline(db: Db, f: PipelineFilter, opts: { limit: number; offset: number }): Promise<PipelineCard[]> {
  return db
    .select({
      id: applications.id,
      kind: applications.kind,
      stage: applications.stage,
      applicantName: users.name,
      opportunityTitle: opportunities.title,
      assigneeName: assignee.name,
      createdAt: applications.createdAt,
      stageChangedAt: applications.stageChangedAt,
    })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.applicantId))
    .leftJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .leftJoin(assignee, eq(assignee.id, applications.assigneeId))
    .where(pipelineWhere(f))
    .orderBy(asc(applications.stageChangedAt), asc(applications.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

/** How many applications are in each stage (of those the filter selects). */
export async function countByStage(db: Db, f: PipelineFilter): Promise<Map<PipelineStage, number>> {
  const rows = await db.select({ stage: applications.stage, n: count() }).from(applications).where(pipelineWhere(f)).groupBy(applications.stage);
  return new Map(rows.map((r) => [r.stage, Number(r.n)]));
}

/** Applications assigned to a staff member that are still in the pipeline. */
export async function countAssigned(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(applications)
    .where(and(eq(applications.assigneeId, userId), inArray(applications.stage, [...LIVE_STAGES])));
  return Number(row?.n ?? 0);
}

/**
 * An active staff member by e-mail who may handle this applicant's application: never someone
 * the applicant blocked or who blocked the applicant (they do not see each other at all).
 */
export async function assignableStaff(db: Db, email: string, applicantId: string): Promise<{ id: string; name: string; email: string; locale: 'ja' | 'en' | null } | null> {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, locale: users.locale })
    .from(users)
    .where(
      and(
        sql`lower(${users.email}) = lower(${email})`,
        inArray(users.role, ['operator', 'community_manager', 'employee']),
        eq(users.status, 'active'),
        sql`${users.id} <> ${applicantId}`,
        sql`not exists (select 1 from ${memberBlocks} mb where (mb.blocker_id = ${users.id} and mb.blocked_id = ${applicantId})
          or (mb.blocker_id = ${applicantId} and mb.blocked_id = ${users.id}))`,
      ),
    )
    .limit(1);
  return row ?? null;
}

/** The applicant's roster entry (the latest when there are several): what HR knows and the lifecycle acts on. */
export async function rosterEntryOf(db: Db, userId: string): Promise<{ id: string; rehireEligible: 'yes' | 'no' | 'unknown'; rehiredOn: string | null } | null> {
  const [row] = await db
    .select({ id: rosterEntries.id, rehireEligible: rosterEntries.rehireEligible, rehiredOn: rosterEntries.rehiredOn })
    .from(rosterEntries)
    .where(eq(rosterEntries.userId, userId))
    .orderBy(sql`${rosterEntries.leftOn} desc nulls last`, desc(rosterEntries.createdAt))
    .limit(1);
  return row ?? null;
}

// ---------------------------------------------------------------- aggregates (never one person's answers)

export type KindFilter = ApplicationRow['kind'] | undefined;

const kindWhere = (kind: KindFilter) => (kind ? eq(applications.kind, kind) : undefined);

/** How many applications named each reason (an application may name several), and how many named any. */
export async function reasonCounts(db: Db, kind: KindFilter): Promise<{ counts: Map<string, number>; answered: number }> {
  const kindSql = kind ? sql`and a.kind = ${kind}` : sql``;
  const rows = rowsOf(
    await db.execute(sql`select r.reason, count(*)::int as n from applications a, unnest(a.reasons) as r(reason) where true ${kindSql} group by r.reason`),
  );
  const [answered] = await db
    .select({ n: count() })
    .from(applications)
    .where(and(kindWhere(kind), sql`cardinality(${applications.reasons}) > 0`));
  return { counts: new Map(rows.map((r) => [String(r.reason), Number(r.n)])), answered: Number(answered?.n ?? 0) };
}

export async function stageCounts(db: Db, kind: KindFilter): Promise<Map<PipelineStage, number>> {
  const rows = await db.select({ stage: applications.stage, n: count() }).from(applications).where(kindWhere(kind)).groupBy(applications.stage);
  return new Map(rows.map((r) => [r.stage, Number(r.n)]));
}

export interface StageTime {
  stage: PipelineStage;
  /** Stays in the stage (finished or still going on). */
  stays: number;
  /** Of those, the ones still going on. */
  current: number;
  /** Mean days in the stage, counting a stay still going on up to `now`. */
  averageDays: number;
}

/**
 * Time spent in each stage before the next, from the case history: every entry into a stage
 * lasts until the application's next transition (or until `now` when it is still there).
 */
export async function timeInStages(db: Db, kind: KindFilter, now: Date): Promise<StageTime[]> {
  const kindSql = kind ? sql`and a.kind = ${kind}` : sql``;
  const rows = rowsOf(
    await db.execute(sql`
      with h as (
        select ch.to_state as stage, ch.at,
               lead(ch.at) over (partition by ch.case_id order by ch.at, ch.id) as left_at
        from case_history ch join applications a on a.id = ch.case_id
        where ch.case_kind = 'application' ${kindSql}
      )
      select stage, count(*)::int as stays, count(*) filter (where left_at is null)::int as current,
             avg(extract(epoch from (coalesce(left_at, ${now.toISOString()}::timestamptz) - at)) / 86400)::float8 as days
      from h where stage in ('received', 'casual_talk', 'interviews', 'offer')
      group by stage`),
  );
  return rows.map((r) => ({ stage: String(r.stage) as PipelineStage, stays: Number(r.stays), current: Number(r.current), averageDays: Number(r.days) }));
}
