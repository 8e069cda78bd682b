/** The reward rule form: what one trigger earns (points, a gift or an amount in yen) and how it is described. */
import { REWARD_KINDS, REWARD_STATES, REWARD_TRIGGERS, type RewardKind, type RewardState, type RewardTrigger } from '../../db/schema.ts';
import { fmt, type Messages } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';

export const MAX_DESCRIPTION = 200;
/** Ten million: more than any referral bonus, small enough to be a typing mistake beyond. */
export const MAX_AMOUNT = 10_000_000;

export interface RuleInput {
  kind: RewardKind;
  amount: number | null;
  description: string;
}

export function parseTrigger(value: string | undefined): RewardTrigger | null {
  return (REWARD_TRIGGERS as readonly string[]).includes(value ?? '') ? (value as RewardTrigger) : null;
}

export function parseState(value: string | undefined): RewardState | null {
  return (REWARD_STATES as readonly string[]).includes(value ?? '') ? (value as RewardState) : null;
}

/** Field names carry the trigger (`kind-referral_hired`), so the four rule forms on one page keep distinct ids. */
export const fieldOf = (trigger: RewardTrigger, name: 'kind' | 'amount' | 'description') => `${name}-${trigger}`;

export function parseRuleForm(m: Messages, trigger: RewardTrigger, values: Record<string, string>): { ok: true; data: RuleInput } | { ok: false; errors: FieldErrors } {
  const e = m.referrals.rewards.errors;
  const errors: FieldErrors = {};
  const rawKind = values[fieldOf(trigger, 'kind')] ?? '';
  const kind = (REWARD_KINDS as readonly string[]).includes(rawKind) ? (rawKind as RewardKind) : null;
  if (!kind) errors[fieldOf(trigger, 'kind')] = e.kind;
  // Full-width digits and thousands separators are what people type: fold and drop them.
  const rawAmount = (values[fieldOf(trigger, 'amount')] ?? '').normalize('NFKC').replace(/[,\s]/g, '');
  let amount: number | null = null;
  if (kind && kind !== 'gift') {
    if (!/^\d{1,9}$/.test(rawAmount) || Number(rawAmount) < 1 || Number(rawAmount) > MAX_AMOUNT) {
      errors[fieldOf(trigger, 'amount')] = fmt(e.amount, { max: MAX_AMOUNT.toLocaleString() });
    } else amount = Number(rawAmount);
  }
  const description = (values[fieldOf(trigger, 'description')] ?? '').replace(/\s+/g, ' ').trim();
  if (!description) errors[fieldOf(trigger, 'description')] = kind === 'gift' ? e.giftDescription : e.description;
  else if (Array.from(description).length > MAX_DESCRIPTION) errors[fieldOf(trigger, 'description')] = fmt(e.tooLong, { max: MAX_DESCRIPTION });
  if (Object.keys(errors).length || !kind) return { ok: false, errors };
  return { ok: true, data: { kind, amount, description } };
}
