/**
 * Granting rewards: when something that earns a reward happens (a referral submitted, a referred
 * candidate hired, feedback found useful or adopted), the feature calls `grantReward` in the same
 * transaction. The network's active rule for that trigger decides what is earned; without one,
 * nothing is. A case earns the same reward once per member (unique key), so repeating the action
 * or a retried request never pays twice. Rewards start pending; operators approve and pay them.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rewardRules, rewards, type CaseKind, type RewardTrigger } from '../../db/schema.ts';

export async function activeRule(db: Db, trigger: RewardTrigger) {
  const [rule] = await db
    .select()
    .from(rewardRules)
    .where(and(eq(rewardRules.trigger, trigger), eq(rewardRules.active, true)))
    .orderBy(desc(rewardRules.updatedAt))
    .limit(1);
  return rule ?? null;
}

/** The new reward's id, or null when no rule applies or this case already earned it. */
export async function grantReward(db: Db, g: { userId: string; trigger: RewardTrigger; caseKind: CaseKind; caseId: string }): Promise<string | null> {
  const rule = await activeRule(db, g.trigger);
  if (!rule) return null;
  const [row] = await db
    .insert(rewards)
    .values({ ...g, ruleId: rule.id, kind: rule.kind, amount: rule.amount, description: rule.description })
    .onConflictDoNothing({ target: [rewards.userId, rewards.trigger, rewards.caseKind, rewards.caseId] })
    .returning({ id: rewards.id });
  return row?.id ?? null;
}
