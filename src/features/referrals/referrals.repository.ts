/**
 * Referral queries: the postings a member may refer to (read here from `opportunities` directly,
 * so referrals do not depend on the opportunities feature's code), the referrer's own list, the
 * staff pipeline (everything for operators, the assigned ones for the others) and stage changes.
 */
import { and, count, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { opportunities, referrals, segments, users, type PipelineStage, type Role } from '../../db/schema.ts';

export type ReferralRow = typeof referrals.$inferSelect;

export interface ReferableOpportunity {
  id: string;
  title: string;
  kind: (typeof opportunities.$inferSelect)['kind'];
  closesAt: Date | null;
  audience: (typeof opportunities.$inferSelect)['audience'];
  segmentFilter: (typeof segments.$inferSelect)['filter'] | null;
}

/**
 * An open posting that welcomes referrals (not past its closing time), with what is needed to
 * decide its audience; null otherwise. The audience itself is decided by the service.
 */
export async function findReferable(db: Db, id: string, now: Date): Promise<ReferableOpportunity | null> {
  const [row] = await db
    .select({
      id: opportunities.id,
      title: opportunities.title,
      kind: opportunities.kind,
      closesAt: opportunities.closesAt,
      audience: opportunities.audience,
      segmentFilter: segments.filter,
    })
    .from(opportunities)
    .leftJoin(segments, eq(segments.id, opportunities.segmentId))
    .where(
      and(
        eq(opportunities.id, id),
        eq(opportunities.state, 'open'),
        eq(opportunities.referralsOpen, true),
        or(isNull(opportunities.closesAt), sql`${opportunities.closesAt} > ${now}`),
      ),
    );
  return row ?? null;
}

export interface NewReferral {
  opportunityId: string;
  referrerId: string;
  candidateName: string;
  candidateEmail: string;
  candidatePhone: string | null;
  candidateAgreedAt: Date;
  note: string | null;
  source: string | null;
  createdAt: Date;
}

export async function insertReferral(db: Db, v: NewReferral): Promise<string> {
  const [row] = await db
    .insert(referrals)
    .values({ ...v, stage: 'received', stageChangedAt: v.createdAt, updatedAt: v.createdAt })
    .returning({ id: referrals.id });
  return row!.id;
}

/** Whether this referrer already has a live referral of this address for this posting. */
export async function hasLiveReferral(db: Db, referrerId: string, opportunityId: string, email: string): Promise<boolean> {
  const rows = await db
    .select({ id: referrals.id })
    .from(referrals)
    .where(
      and(
        eq(referrals.referrerId, referrerId),
        eq(referrals.opportunityId, opportunityId),
        sql`lower(${referrals.candidateEmail}) = ${email.toLowerCase()}`,
        sql`${referrals.stage} not in ('hired', 'not_this_time', 'withdrawn')`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

export interface OwnReferralRow {
  id: string;
  opportunityId: string | null;
  opportunityTitle: string | null;
  candidateName: string;
  stage: PipelineStage;
  createdAt: Date;
}

/** A referrer's own referrals, newest first (no notes, no assignee: only what the referrer may see). */
export async function ownReferrals(db: Db, referrerId: string, limit: number, offset: number): Promise<OwnReferralRow[]> {
  return db
    .select({
      id: referrals.id,
      opportunityId: referrals.opportunityId,
      opportunityTitle: opportunities.title,
      candidateName: referrals.candidateName,
      stage: referrals.stage,
      createdAt: referrals.createdAt,
    })
    .from(referrals)
    .leftJoin(opportunities, eq(opportunities.id, referrals.opportunityId))
    .where(eq(referrals.referrerId, referrerId))
    .orderBy(desc(referrals.createdAt), desc(referrals.id))
    .limit(limit)
    .offset(offset);
}

export async function countAssigned(db: Db, assigneeId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(referrals).where(eq(referrals.assigneeId, assigneeId));
  return Number(row?.n ?? 0);
}

const referrer = alias(users, 'referrer');
const assignee = alias(users, 'assignee');

export interface PipelineFilter {
  /** Only the referrals assigned to this staff member. */
  assigneeId?: string | undefined;
  /** 'open': every stage before a decision. */
  stage: PipelineStage | 'open' | 'all';
}

export interface PipelineRow {
  id: string;
  candidateName: string;
  opportunityId: string | null;
  opportunityTitle: string | null;
  referrerName: string;
  assigneeName: string | null;
  stage: PipelineStage;
  stageChangedAt: Date;
  createdAt: Date;
}

const OPEN_STAGES: PipelineStage[] = ['received', 'casual_talk', 'interviews', 'offer'];

function pipelineWhere(f: PipelineFilter): SQL | undefined {
  return and(
    f.assigneeId ? eq(referrals.assigneeId, f.assigneeId) : undefined,
    f.stage === 'all' ? undefined : f.stage === 'open' ? inArray(referrals.stage, OPEN_STAGES) : eq(referrals.stage, f.stage),
  );
}

/** The pipeline, the longest waiting first among open cases (what rots is what matters). */
export async function pipeline(db: Db, f: PipelineFilter, limit: number, offset: number): Promise<PipelineRow[]> {
  return db
    .select({
      id: referrals.id,
      candidateName: referrals.candidateName,
      opportunityId: referrals.opportunityId,
      opportunityTitle: opportunities.title,
      referrerName: referrer.name,
      assigneeName: assignee.name,
      stage: referrals.stage,
      stageChangedAt: referrals.stageChangedAt,
      createdAt: referrals.createdAt,
    })
    .from(referrals)
    .innerJoin(referrer, eq(referrer.id, referrals.referrerId))
    .leftJoin(assignee, eq(assignee.id, referrals.assigneeId))
    .leftJoin(opportunities, eq(opportunities.id, referrals.opportunityId))
    .where(pipelineWhere(f))
    .orderBy(referrals.stageChangedAt, referrals.id)
    .limit(limit)
    .offset(offset);
}

/** Live referrals per stage, for the pipeline's tabs. */
export async function stageCounts(db: Db, assigneeId: string | undefined): Promise<Map<PipelineStage, number>> {
  const rows = await db
    .select({ stage: referrals.stage, n: count() })
    .from(referrals)
    .where(assigneeId ? eq(referrals.assigneeId, assigneeId) : undefined)
    .groupBy(referrals.stage);
  return new Map(rows.map((r) => [r.stage, Number(r.n)]));
}

export interface ReferralDetail extends ReferralRow {
  opportunityTitle: string | null;
  referrerName: string;
  referrerEmail: string;
  referrerLocale: 'ja' | 'en' | null;
  assigneeName: string | null;
  assigneeEmail: string | null;
}

export async function findReferral(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReferralDetail | null> {
  const q = db
    .select({
      referral: referrals,
      opportunityTitle: opportunities.title,
      referrerName: referrer.name,
      referrerEmail: referrer.email,
      referrerLocale: referrer.locale,
      assigneeName: assignee.name,
      assigneeEmail: assignee.email,
    })
    .from(referrals)
    .innerJoin(referrer, eq(referrer.id, referrals.referrerId))
    .leftJoin(assignee, eq(assignee.id, referrals.assigneeId))
    .leftJoin(opportunities, eq(opportunities.id, referrals.opportunityId))
    .where(eq(referrals.id, id));
  const [row] = opts.forUpdate ? await q.for('update', { of: referrals }) : await q;
  if (!row) return null;
  return {
    ...row.referral,
    opportunityTitle: row.opportunityTitle,
    referrerName: row.referrerName,
    referrerEmail: row.referrerEmail,
    referrerLocale: row.referrerLocale,
    assigneeName: row.assigneeName,
    assigneeEmail: row.assigneeEmail,
  };
}

export async function setStage(db: Db, id: string, stage: PipelineStage, at: Date): Promise<void> {
  await db.update(referrals).set({ stage, stageChangedAt: at, updatedAt: at }).where(eq(referrals.id, id));
}

export async function setAssignee(db: Db, id: string, assigneeId: string | null, at: Date): Promise<void> {
  await db.update(referrals).set({ assigneeId, updatedAt: at }).where(eq(referrals.id, id));
}

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  locale: 'ja' | 'en' | null;
}

const STAFF_ROLES: Role[] = ['operator', 'community_manager', 'employee'];

/** An active staff account by e-mail address (case-insensitive), who may be assigned a referral. */
export async function findStaffByEmail(db: Db, email: string): Promise<StaffMember | null> {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, locale: users.locale })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${email.toLowerCase()}`, inArray(users.role, STAFF_ROLES), eq(users.status, 'active')))
    .limit(1);
  return row ?? null;
}
