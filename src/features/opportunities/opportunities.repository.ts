/**
 * Opportunity queries. Who may see an opportunity is one SQL condition (`visibleCondition`),
 * used by the list, the page and applying alike, so one outside a member's audience does not
 * exist for them.
 */
import { and, desc, eq, gt, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { departments, opportunities, segments } from '../../db/schema.ts';

export type OpportunityRow = typeof opportunities.$inferSelect;
export type OpportunityValues = Omit<typeof opportunities.$inferInsert, 'id' | 'createdAt'>;

/**
 * Who is looking: operators see every opportunity, drafts included; everyone else sees open and
 * closed ones addressed to their side (alumni; staff see those for alumni and employees) or to a
 * segment they are in now.
 */
export type OpportunityViewer = { all: true } | { all: false; side: 'alumni' | 'staff'; segmentIds: string[] };

export function visibleCondition(v: OpportunityViewer): SQL {
  if (v.all) return sql`true`;
  const audience: SQL[] = [eq(opportunities.audience, 'alumni_employees')];
  if (v.side === 'alumni') audience.push(eq(opportunities.audience, 'alumni'));
  if (v.segmentIds.length) audience.push(and(eq(opportunities.audience, 'segment'), inArray(opportunities.segmentId, v.segmentIds))!);
  return and(inArray(opportunities.state, ['open', 'closed']), or(...audience))!;
}

/** Open for applications at `now`: published, not closed, and its closing time not reached. */
export function openCondition(now: Date): SQL {
  return and(eq(opportunities.state, 'open'), or(isNull(opportunities.closesAt), gt(opportunities.closesAt, now)))!;
}

/** Segments that members can see opportunities through (few: a segment is a deliberate choice). */
export async function segmentIdsInUse(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: opportunities.segmentId })
    .from(opportunities)
    .where(and(eq(opportunities.audience, 'segment'), isNotNull(opportunities.segmentId), inArray(opportunities.state, ['open', 'closed'])));
  return rows.map((r) => r.id!).filter(Boolean);
}

export async function findOpportunity(db: Db, id: string): Promise<OpportunityRow | null> {
  const [row] = await db.select().from(opportunities).where(eq(opportunities.id, id));
  return row ?? null;
}

export async function findVisible(db: Db, id: string, v: OpportunityViewer): Promise<OpportunityRow | null> {
  const [row] = await db
    .select()
    .from(opportunities)
    .where(and(eq(opportunities.id, id), visibleCondition(v)));
  return row ?? null;
}

export interface OpportunityCard {
  id: string;
  kind: OpportunityRow['kind'];
  title: string;
  description: string;
  location: string | null;
  workStyle: OpportunityRow['workStyle'];
  closesAt: Date | null;
  publishedAt: Date | null;
  referralsOpen: boolean;
  /** The interests it serves (the home page ranks by them). */
  wants: OpportunityRow['wants'];
  departmentJa: string | null;
  departmentEn: string | null;
}

const cardColumns = {
  id: opportunities.id,
  kind: opportunities.kind,
  title: opportunities.title,
  description: opportunities.description,
  location: opportunities.location,
  workStyle: opportunities.workStyle,
  closesAt: opportunities.closesAt,
  publishedAt: opportunities.publishedAt,
  referralsOpen: opportunities.referralsOpen,
  wants: opportunities.wants,
  departmentJa: departments.nameJa,
  departmentEn: departments.nameEn,
};

/** Opportunities open for applications that the viewer may see, newest first. */
export async function listOpen(db: Db, v: OpportunityViewer, opts: { now: Date; limit: number; offset: number }): Promise<OpportunityCard[]> {
  return db
    .select(cardColumns)
    .from(opportunities)
    .leftJoin(departments, eq(departments.id, opportunities.departmentId))
    .where(and(visibleCondition(v), openCondition(opts.now)))
    .orderBy(desc(opportunities.publishedAt), desc(opportunities.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

export interface AdminOpportunityRow {
  id: string;
  kind: OpportunityRow['kind'];
  title: string;
  state: OpportunityRow['state'];
  audience: OpportunityRow['audience'];
  segmentName: string | null;
  closesAt: Date | null;
  updatedAt: Date;
  /** Applications still in the pipeline, and all of them. */
  live: number;
  total: number;
}

/** Every opportunity for operators, newest change first, with its application counts. */
export async function listForAdmin(db: Db, opts: { limit: number; offset: number }): Promise<AdminOpportunityRow[]> {
  return db
    .select({
      id: opportunities.id,
      kind: opportunities.kind,
      title: opportunities.title,
      state: opportunities.state,
      audience: opportunities.audience,
      segmentName: segments.name,
      closesAt: opportunities.closesAt,
      updatedAt: opportunities.updatedAt,
      live: sql<number>`(select count(*)::int from applications a where a.opportunity_id = ${opportunities.id}
        and a.stage not in ('hired', 'not_this_time', 'withdrawn'))`,
      total: sql<number>`(select count(*)::int from applications a where a.opportunity_id = ${opportunities.id})`,
    })
    .from(opportunities)
    .leftJoin(segments, eq(segments.id, opportunities.segmentId))
    .orderBy(desc(opportunities.updatedAt), desc(opportunities.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

export async function insertOpportunity(db: Db, values: OpportunityValues): Promise<string> {
  const [row] = await db.insert(opportunities).values(values).returning({ id: opportunities.id });
  return row!.id;
}

export async function updateOpportunity(db: Db, id: string, values: Partial<OpportunityValues>): Promise<void> {
  await db.update(opportunities).set(values).where(eq(opportunities.id, id));
}

export async function departmentName(db: Db, id: string): Promise<{ nameJa: string; nameEn: string } | null> {
  const [row] = await db.select({ nameJa: departments.nameJa, nameEn: departments.nameEn }).from(departments).where(eq(departments.id, id));
  return row ?? null;
}

export async function segmentName(db: Db, id: string): Promise<string | null> {
  const [row] = await db.select({ name: segments.name }).from(segments).where(eq(segments.id, id));
  return row?.name ?? null;
}
