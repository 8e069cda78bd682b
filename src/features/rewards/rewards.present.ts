/** How a reward reads, on pages and in mail: its value in words and what it was for. */
import type { RewardKind, RewardState, RewardTrigger } from '../../db/schema.ts';
import { fmt, type Locale, type Messages } from '../../shared/i18n/index.ts';

export const formatNumber = (n: number, locale: Locale) => n.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-GB');

/** "100 points", "¥5,000" / "5,000円", or the gift's description. */
export function valueText(m: Messages, locale: Locale, r: { kind: RewardKind; amount: number | null; description: string }): string {
  const w = m.referrals.rewards;
  if (r.kind === 'points') return fmt(w.points, { n: formatNumber(r.amount ?? 0, locale) });
  if (r.kind === 'amount') return fmt(w.yen, { n: formatNumber(r.amount ?? 0, locale) });
  return r.description;
}

/** The state as the member reads it: a paid gift was delivered, paid points were credited. */
export function memberState(m: Messages, r: { kind: RewardKind; state: RewardState }): string {
  const w = m.referrals.rewards;
  return r.state === 'paid' ? w.paidAs[r.kind] : w.memberStates[r.state];
}

export interface ForWhat {
  label: string;
  /** The referral or feedback it was for; null when that is gone. */
  href: string | null;
  /** The case's own words (candidate and posting, feedback title), when there are any. */
  detail: string | null;
}

/** What a reward was for, with a link to the case: the member's own pages, or the staff pages. */
export function forWhat(
  m: Messages,
  r: { trigger: RewardTrigger; caseKind: string; caseId: string; candidateName: string | null; opportunityTitle: string | null; feedbackTitle: string | null },
  side: 'member' | 'staff',
): ForWhat {
  const label = m.referrals.rewards.triggers[r.trigger];
  if (r.caseKind === 'referral' && r.candidateName !== null) {
    const detail = fmt(m.referrals.rewards.referralDetail, { candidate: r.candidateName, opportunity: r.opportunityTitle ?? m.referrals.closedOpportunity });
    return { label, detail, href: side === 'member' ? `/referrals#referral-${r.caseId}` : `/admin/referrals/${r.caseId}` };
  }
  if (r.caseKind === 'feedback' && r.feedbackTitle !== null) return { label, detail: r.feedbackTitle, href: `/feedback/${r.caseId}` };
  return { label, detail: null, href: null };
}
