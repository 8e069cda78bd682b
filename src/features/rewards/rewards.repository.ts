/**
 * Reward queries: the rules (one active per trigger; earlier ones are kept, so a reward still
 * names the rule it was earned under), the ledger with what each reward was for, totals per
 * state, and the state moves (each a conditional UPDATE, so a move out of order changes nothing).
 */
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  feedbackItems,
  opportunities,
  referrals,
  rewardRules,
  rewards,
  users,
  type RewardKind,
  type RewardState,
  type RewardTrigger,
} from '../../db/schema.ts';

export type RewardRow = typeof rewards.$inferSelect;
export type RuleRow = typeof rewardRules.$inferSelect;

export async function deactivateRules(db: Db, trigger: RewardTrigger, at: Date): Promise<number> {
  const rows = await db
    .update(rewardRules)
    .set({ active: false, updatedAt: at })
    .where(and(eq(rewardRules.trigger, trigger), eq(rewardRules.active, true)))
    .returning({ id: rewardRules.id });
  return rows.length;
}

export async function insertRule(
  db: Db,
  v: { trigger: RewardTrigger; kind: RewardKind; amount: number | null; description: string; createdBy: string; at: Date },
): Promise<string> {
  const [row] = await db
    .insert(rewardRules)
    .values({ trigger: v.trigger, kind: v.kind, amount: v.amount, description: v.description, active: true, createdBy: v.createdBy, createdAt: v.at, updatedAt: v.at })
    .returning({ id: rewardRules.id });
  return row!.id;
}

export interface LedgerFilter {
  userId?: string | undefined;
  state?: RewardState | undefined;
  trigger?: RewardTrigger | undefined;
  /** Part of the member's name or e-mail address. */
  q?: string | undefined;
}

function ledgerWhere(f: LedgerFilter): SQL | undefined {
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, '\\$&')}%` : null;
  return and(
    f.userId ? eq(rewards.userId, f.userId) : undefined,
    f.state ? eq(rewards.state, f.state) : undefined,
    f.trigger ? eq(rewards.trigger, f.trigger) : undefined,
    like ? or(ilike(users.name, like), ilike(users.email, like)) : undefined,
  );
}

export interface LedgerRow {
  id: string;
  userId: string;
  memberName: string;
  trigger: RewardTrigger;
  caseKind: RewardRow['caseKind'];
  caseId: string;
  kind: RewardKind;
  amount: number | null;
  description: string;
  state: RewardState;
  createdAt: Date;
  approvedAt: Date | null;
  paidAt: Date | null;
  /** What it was for: the referral's candidate and posting, or the feedback's title. */
  candidateName: string | null;
  opportunityTitle: string | null;
  feedbackTitle: string | null;
}

export async function ledger(db: Db, f: LedgerFilter, limit: number, offset: number): Promise<LedgerRow[]> {
  return db
    .select({
      id: rewards.id,
      userId: rewards.userId,
      memberName: users.name,
      trigger: rewards.trigger,
      caseKind: rewards.caseKind,
      caseId: rewards.caseId,
      kind: rewards.kind,
      amount: rewards.amount,
      description: rewards.description,
      state: rewards.state,
      createdAt: rewards.createdAt,
      approvedAt: rewards.approvedAt,
      paidAt: rewards.paidAt,
      candidateName: referrals.candidateName,
      opportunityTitle: opportunities.title,
      feedbackTitle: feedbackItems.title,
    })
    .from(rewards)
    .innerJoin(users, eq(users.id, rewards.userId))
    .leftJoin(referrals, and(eq(rewards.caseKind, 'referral'), eq(referrals.id, rewards.caseId)))
    .leftJoin(opportunities, eq(opportunities.id, referrals.opportunityId))
    .leftJoin(feedbackItems, and(eq(rewards.caseKind, 'feedback'), eq(feedbackItems.id, rewards.caseId)))
    .where(ledgerWhere(f))
    .orderBy(desc(rewards.createdAt), desc(rewards.id))
    .limit(limit)
    .offset(offset);
}

export interface StateTotals {
  count: number;
  points: number;
  /** Yen. */
  yen: number;
  gifts: number;
}

/**
 * Totals per state of the rewards a filter selects. Points, yen and gifts are never added
 * together (they are different things); sums are computed as bigint and exact.
 */
export async function totals(db: Db, f: LedgerFilter): Promise<Map<RewardState, StateTotals>> {
  const rows = await db
    .select({
      state: rewards.state,
      count: sql<string>`count(*)`,
      points: sql<string>`coalesce(sum(${rewards.amount}::bigint) filter (where ${rewards.kind} = 'points'), 0)`,
      yen: sql<string>`coalesce(sum(${rewards.amount}::bigint) filter (where ${rewards.kind} = 'amount'), 0)`,
      gifts: sql<string>`count(*) filter (where ${rewards.kind} = 'gift')`,
    })
    .from(rewards)
    .innerJoin(users, eq(users.id, rewards.userId))
    .where(ledgerWhere(f))
    .groupBy(rewards.state);
  return new Map(rows.map((r) => [r.state, { count: Number(r.count), points: Number(r.points), yen: Number(r.yen), gifts: Number(r.gifts) }]));
}

export interface RewardWithMember extends RewardRow {
  memberName: string;
  memberEmail: string;
  memberLocale: 'ja' | 'en' | null;
}

/**
 * Moves a reward from one of `from` to `to` (stamping who and when for approve and pay);
 * null when it was in none of those states, i.e. the move was out of order or already done.
 */
export async function move(db: Db, id: string, from: RewardState[], to: RewardState, actorId: string, at: Date): Promise<RewardRow | null> {
  const stamp = to === 'approved' ? { approvedAt: at, approvedBy: actorId } : to === 'paid' ? { paidAt: at, paidBy: actorId } : {};
  const [row] = await db
    .update(rewards)
    .set({ state: to, ...stamp })
    .where(and(eq(rewards.id, id), inArray(rewards.state, from)))
    .returning();
  return row ?? null;
}

export async function findReward(db: Db, id: string): Promise<RewardWithMember | null> {
  const [row] = await db
    .select({ reward: rewards, memberName: users.name, memberEmail: users.email, memberLocale: users.locale })
    .from(rewards)
    .innerJoin(users, eq(users.id, rewards.userId))
    .where(eq(rewards.id, id));
  return row ? { ...row.reward, memberName: row.memberName, memberEmail: row.memberEmail, memberLocale: row.memberLocale } : null;
}

export async function memberName(db: Db, userId: string): Promise<string | null> {
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}
