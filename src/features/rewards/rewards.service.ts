/**
 * Rewards: operators say what each trigger earns (one active rule per trigger), and approve and
 * pay what members earned; every member reads their own ledger. A reward moves
 * pending → approved → paid, and may be cancelled before it is paid; each move is one
 * conditional update (a move out of order, or one already made by someone else, changes nothing
 * and is refused as CONFLICT), audited, and told to the member by mail in their language.
 * Granting is in ledger.ts (called by referrals and feedback in their own transactions).
 */
import type { Db } from '../../db/client.ts';
import { REWARD_TRIGGERS, type RewardState, type RewardTrigger } from '../../db/schema.ts';
import { audit, type AuditAction } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { messages, type Locale } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { activeRule } from './ledger.ts';
import type { RuleInput } from './reward.form.ts';
import { memberState, valueText } from './rewards.present.ts';
import * as repo from './rewards.repository.ts';

export type { LedgerFilter, LedgerRow, RuleRow, StateTotals } from './rewards.repository.ts';
export { REWARD_KINDS, REWARD_STATES, REWARD_TRIGGERS } from '../../db/schema.ts';
export type { RewardKind, RewardState, RewardTrigger } from '../../db/schema.ts';

export const PAGE_SIZE = 50;

export interface LedgerPage {
  rows: repo.LedgerRow[];
  hasNext: boolean;
  totals: Map<RewardState, repo.StateTotals>;
}

async function ledgerPage(db: Db, filter: repo.LedgerFilter, page: number): Promise<LedgerPage> {
  const [rows, totals] = await Promise.all([repo.ledger(db, filter, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE), repo.totals(db, filter)]);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE, totals };
}

/** The actor's own ledger and totals (every member has one; nobody else's is reachable here). */
export async function myLedger(db: Db, actor: Actor, page: number): Promise<LedgerPage> {
  return ledgerPage(db, { userId: actor.id }, page);
}

export interface AdminPage extends LedgerPage {
  rules: Map<RewardTrigger, repo.RuleRow>;
  /** The member the ledger is narrowed to, when it is. */
  memberName: string | null;
}

/** Rules and the ledger of every member, filtered, with totals for the filter (overall when unfiltered). */
export async function adminPage(db: Db, actor: Actor, filter: repo.LedgerFilter, page: number): Promise<AdminPage> {
  authorize(actor, 'rewards.manage');
  const [rules, ledger, memberName] = await Promise.all([activeRules(db), ledgerPage(db, filter, page), filter.userId ? repo.memberName(db, filter.userId) : null]);
  return { ...ledger, rules, memberName };
}

async function activeRules(db: Db): Promise<Map<RewardTrigger, repo.RuleRow>> {
  const rules = new Map<RewardTrigger, repo.RuleRow>();
  for (const trigger of REWARD_TRIGGERS) {
    const rule = await activeRule(db, trigger);
    if (rule) rules.set(trigger, rule);
  }
  return rules;
}

/**
 * Makes `input` the active rule of a trigger: the previous rule is kept, inactive (rewards already
 * earned keep what they were granted under), and only what is earned from now on changes.
 */
export async function saveRule(db: Db, actor: Actor, trigger: RewardTrigger, input: RuleInput, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'rewards.manage');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.deactivateRules(t, trigger, now);
    const ruleId = await repo.insertRule(t, { trigger, ...input, createdBy: actor.id, at: now });
    await audit(t, { action: 'reward_rule.saved', actor, subjectType: 'reward_rule', subjectId: ruleId, ip, details: { trigger, ...input, active: true } });
  });
}

/** Stops rewarding a trigger (nothing is earned by it until a rule is saved again). */
export async function stopRule(db: Db, actor: Actor, trigger: RewardTrigger, ip?: string, now = new Date()): Promise<boolean> {
  authorize(actor, 'rewards.manage');
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const stopped = await repo.deactivateRules(t, trigger, now);
    if (stopped) await audit(t, { action: 'reward_rule.saved', actor, subjectType: 'reward_rule', ip, details: { trigger, active: false } });
    return stopped > 0;
  });
}

const MOVES: Record<'approve' | 'pay' | 'cancel', { from: RewardState[]; to: RewardState; action: AuditAction }> = {
  approve: { from: ['pending'], to: 'approved', action: 'reward.approved' },
  pay: { from: ['approved'], to: 'paid', action: 'reward.paid' },
  // What was paid stays paid: the ledger records money and gifts that left the company.
  cancel: { from: ['pending', 'approved'], to: 'cancelled', action: 'reward.cancelled' },
};

export type RewardMove = keyof typeof MOVES;

/** Approves, pays or cancels a reward; CONFLICT when it is not in a state this move starts from. */
export async function moveReward(db: Db, baseUrl: string, actor: Actor, id: string, move: RewardMove, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'rewards.manage');
  const { from, to, action } = MOVES[move];
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const reward = await repo.findReward(t, id);
    if (!reward) throw new AppError('NOT_FOUND');
    const moved = await repo.move(t, id, from, to, actor.id, now);
    if (!moved) throw new AppError('CONFLICT', `reward is ${reward.state}, cannot ${move}`, { reason: 'outOfOrder', state: reward.state });
    await audit(t, { action, actor, subjectType: 'reward', subjectId: id, ip, details: { from: reward.state, to, userId: reward.userId, kind: reward.kind, amount: reward.amount } });
    const locale: Locale = reward.memberLocale ?? 'ja';
    const m = messages(locale);
    await queueMail(t, {
      key: `reward-${to}:${id}`,
      to: reward.memberEmail,
      userId: reward.userId,
      locale,
      template: 'rewardStatus',
      vars: {
        network: await networkName(t, locale),
        name: reward.memberName,
        reward: valueText(m, locale, reward),
        description: reward.description,
        trigger: m.referrals.rewards.triggers[reward.trigger],
        status: memberState(m, { kind: reward.kind, state: to }),
        url: `${baseUrl}/rewards`,
      },
    });
  });
}
