/**
 * Rewards through HTTP: who reaches which page, the rule form (one active rule per trigger,
 * checks in both languages), the ledger's totals (exact, per member and overall, per state and
 * filter), approve → pay in order only (out of order refused and nothing changed), cancel,
 * audits and the member's mail, and a member's ledger holding only their own rewards.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, rewardRules, rewards, type RewardKind, type RewardState, type RewardTrigger } from '../../db/schema.ts';
import { messages } from '../../shared/i18n/index.ts';
import { grantReward } from './ledger.ts';

const W = messages('ja').referrals.rewards;

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
});

afterAll(async () => {
  await t?.close();
});

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

async function member(role: 'alumnus' | 'employee' = 'alumnus', locale: 'ja' | 'en' | null = null): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser(role, { name: `会員 ${unique()}`, locale });
  return { user, client: await t.newSession(user) };
}

async function ledgerRow(userId: string, r: { kind: RewardKind; amount: number | null; state: RewardState; trigger?: RewardTrigger; description?: string }): Promise<string> {
  const [row] = await t.db
    .insert(rewards)
    .values({
      userId,
      trigger: r.trigger ?? 'referral_submitted',
      caseKind: 'referral',
      caseId: randomUUID(),
      kind: r.kind,
      amount: r.amount,
      description: r.description ?? `説明 ${unique()}`,
      state: r.state,
    })
    .returning({ id: rewards.id });
  return row!.id;
}

type Totals = Record<string, { count: number; points: number; yen: number; gifts: number }>;

/** The totals table of a page, read back from its cells. */
function totalsOf(html: string): Totals {
  const out: Totals = {};
  for (const [, state, cells] of html.matchAll(/<tr data-state="(\w+)">([\s\S]*?)<\/tr>/g)) {
    const cell = (name: string) => Number((new RegExp(`data-total="${name}">([^<]*)<`).exec(cells!)?.[1] ?? 'NaN').replace(/,/g, ''));
    out[state!] = { count: cell('count'), points: cell('points'), yen: cell('yen'), gifts: cell('gifts') };
  }
  return out;
}

/** A member's totals boxes, read back: only the kinds they have are shown (the others are 0). */
function memberTotalsOf(html: string): Record<string, { points: number; yen: number; gifts: number }> {
  const out: Record<string, { points: number; yen: number; gifts: number }> = {};
  for (const [, state, box] of html.matchAll(/<div data-state="(\w+)">([\s\S]*?)<\/div>/g)) {
    const value = (kind: string) => Number(new RegExp(`data-total="${kind}" data-value="(\\d+)"`).exec(box!)?.[1] ?? 0);
    out[state!] = { points: value('points'), yen: value('yen'), gifts: value('gifts') };
  }
  return out;
}

const withoutCount = (totals: Totals) => Object.fromEntries(Object.entries(totals).map(([s, { points, yen, gifts }]) => [s, { points, yen, gifts }]));

const rule = (trigger: RewardTrigger, kind: string, amount: string, description: string) => ({
  [`kind-${trigger}`]: kind,
  [`amount-${trigger}`]: amount,
  [`description-${trigger}`]: description,
});

describe('who reaches the reward pages', () => {
  it('lets every member read their own ledger and only operators the rules and everyone’s ledger', async () => {
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/rewards')).status, kind).toBe(200);
      const admin = await client.get('/admin/rewards');
      expect(admin.status, kind).toBe(kind === 'operator' ? 200 : 403);
      const post = await client.post(`/admin/rewards/${randomUUID()}/approve`);
      expect(post.status, kind).toBe(kind === 'operator' ? 404 : 403);
    }
    expect((await t.client().get('/rewards')).status).toBe(303);
    for (const path of ['/admin/rewards/rules/unknown', '/admin/rewards/rules/unknown/stop', '/admin/rewards/not-a-uuid/pay']) {
      expect((await operator.post(path)).status, path).toBe(404);
    }
  });
});

describe('reward rules', () => {
  it('keeps one active rule per trigger, the earlier ones kept inactive, each save audited; stopping leaves none', async () => {
    expect((await operator.post('/admin/rewards/rules/feedback_useful', rule('feedback_useful', 'points', '５０', '役立つご意見へのお礼'))).status).toBe(303);
    expect((await operator.post('/admin/rewards/rules/feedback_useful', rule('feedback_useful', 'gift', '', 'オリジナルマグカップ'))).status).toBe(303);
    const rows = await t.db.select().from(rewardRules).where(eq(rewardRules.trigger, 'feedback_useful'));
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.active).map((r) => [r.kind, r.amount, r.description])).toEqual([['gift', null, 'オリジナルマグカップ']]);
    expect(rows.find((r) => !r.active)).toMatchObject({ kind: 'points', amount: 50 });
    const page = await operator.get('/admin/rewards');
    expect(page.body).toContain('現在：オリジナルマグカップ');

    // What is earned now follows the active rule.
    const { user } = await member();
    const caseId = randomUUID();
    const id = await grantReward(t.db, { userId: user.id, trigger: 'feedback_useful', caseKind: 'feedback', caseId });
    expect(id).toBeTruthy();
    // The same case again earns nothing more.
    expect(await grantReward(t.db, { userId: user.id, trigger: 'feedback_useful', caseKind: 'feedback', caseId })).toBeNull();
    const [earned] = await t.db.select().from(rewards).where(eq(rewards.id, id!));
    expect(earned).toMatchObject({ kind: 'gift', amount: null, description: 'オリジナルマグカップ', state: 'pending' });

    expect((await operator.post('/admin/rewards/rules/feedback_useful/stop')).status).toBe(303);
    expect(await t.db.select().from(rewardRules).where(and(eq(rewardRules.trigger, 'feedback_useful'), eq(rewardRules.active, true)))).toHaveLength(0);
    expect(await grantReward(t.db, { userId: user.id, trigger: 'feedback_useful', caseKind: 'feedback', caseId: randomUUID() })).toBeNull();

    const audits = await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'reward_rule.saved'));
    expect(audits.map((a) => (a.details as { trigger: string; active: boolean }).active)).toEqual([true, true, false]);
  });

  it('refuses incomplete rules with 422, the input kept and the errors in the user’s language', async () => {
    const cases: [Record<string, string>, string][] = [
      [rule('referral_hired', '', '100', '説明'), W.errors.kind],
      [rule('referral_hired', 'points', '', '説明'), '1 から 10,000,000 までの整数を入力してください。'],
      [rule('referral_hired', 'amount', '-5', '説明'), '1 から 10,000,000 までの整数を入力してください。'],
      [rule('referral_hired', 'amount', '99999999999', '説明'), '1 から 10,000,000 までの整数を入力してください。'],
      [rule('referral_hired', 'gift', '', ''), W.errors.giftDescription],
      [rule('referral_hired', 'points', '10', 'x'.repeat(201)), '200 文字以内で入力してください。'],
    ];
    for (const [values, error] of cases) {
      const res = await operator.post('/admin/rewards/rules/referral_hired', values);
      expect(res.status, JSON.stringify(values)).toBe(422);
      expect(res.body).toContain(error);
    }
    const kept = await operator.post('/admin/rewards/rules/referral_hired', rule('referral_hired', 'points', 'abc', '入社のお礼'));
    expect(kept.body).toContain('value="abc"');
    expect(kept.body).toContain('value="入社のお礼"');
    expect(await t.db.select().from(rewardRules).where(eq(rewardRules.trigger, 'referral_hired'))).toHaveLength(0);
  });
});

describe('the ledger', () => {
  it('sums exactly, per member and overall, per state, with filters', async () => {
    const a = await member();
    const b = await member('employee');
    const rows: [TestUser, RewardKind, number | null, RewardState][] = [
      [a.user, 'points', 100, 'pending'],
      [a.user, 'points', 250, 'pending'],
      [a.user, 'amount', 30_000, 'approved'],
      [a.user, 'amount', 2_147_483_000, 'paid'],
      [a.user, 'amount', 1_000_000, 'paid'],
      [a.user, 'gift', null, 'paid'],
      [a.user, 'points', 999, 'cancelled'],
      [b.user, 'points', 40, 'pending'],
      [b.user, 'gift', null, 'approved'],
      [b.user, 'amount', 5_000, 'paid'],
    ];
    // Whatever else is in this test database counts in the overall totals: start from there.
    const base = totalsOf((await operator.get('/admin/rewards')).body);
    for (const [user, kind, amount, state] of rows) await ledgerRow(user.id, { kind, amount, state });

    const expectFor = (who: TestUser[] | null, states: RewardState[]) => {
      const out: Totals = {};
      for (const s of states) {
        const own = rows.filter(([u, , , st]) => st === s && (!who || who.includes(u)));
        const start = who ? { count: 0, points: 0, yen: 0, gifts: 0 } : (base[s] ?? { count: 0, points: 0, yen: 0, gifts: 0 });
        out[s] = {
          count: start.count + own.length,
          points: start.points + own.filter(([, k]) => k === 'points').reduce((n, [, , x]) => n + x!, 0),
          yen: start.yen + own.filter(([, k]) => k === 'amount').reduce((n, [, , x]) => n + x!, 0),
          gifts: start.gifts + own.filter(([, k]) => k === 'gift').length,
        };
      }
      return out;
    };

    // A member's own page: pending, approved, paid (amounts over 2^31 in sum stay exact).
    const mine = await a.client.get('/rewards');
    expect(memberTotalsOf(mine.body)).toEqual(withoutCount(expectFor([a.user], ['pending', 'approved', 'paid'])));
    expect(memberTotalsOf(mine.body).paid!.yen).toBe(2_148_483_000);
    expect(mine.body).toContain('2,148,483,000 円');
    expect(memberTotalsOf((await b.client.get('/rewards')).body)).toEqual(withoutCount(expectFor([b.user], ['pending', 'approved', 'paid'])));

    // The operators' ledger: overall, one member (by link), one member by name, one state.
    const all: RewardState[] = ['pending', 'approved', 'paid', 'cancelled'];
    expect(totalsOf((await operator.get('/admin/rewards')).body)).toEqual(expectFor(null, all));
    const onlyA = await operator.get(`/admin/rewards?member=${a.user.id}`);
    expect(totalsOf(onlyA.body)).toEqual(expectFor([a.user], all));
    expect(onlyA.body).toContain(`${a.user.name}さんの報酬です。`);
    expect(totalsOf((await operator.get(`/admin/rewards?q=${encodeURIComponent(b.user.name)}`)).body)).toEqual(expectFor([b.user], all));
    const paidOnly = totalsOf((await operator.get(`/admin/rewards?member=${a.user.id}&state=paid`)).body);
    expect(paidOnly.paid).toEqual(expectFor([a.user], ['paid']).paid);
    expect(paidOnly.pending).toEqual({ count: 0, points: 0, yen: 0, gifts: 0 });
    // Nonsense filters filter nothing, and never fail.
    expect((await operator.get('/admin/rewards?state=free&trigger=%27&member=..%2F%3Cx%3E&q=%25_%5C&page=x')).status).toBe(200);
  });

  it('shows members only their own rewards, with what each was for', async () => {
    const a = await member();
    const b = await member();
    await ledgerRow(a.user.id, { kind: 'points', amount: 10, state: 'pending', description: 'Aさんへのお礼' });
    await ledgerRow(b.user.id, { kind: 'points', amount: 20, state: 'pending', description: 'Bさんへのお礼' });
    const page = await a.client.get('/rewards');
    expect(page.body).toContain('Aさんへのお礼');
    expect(page.body).not.toContain('Bさんへのお礼');
    expect(page.body).toContain(W.triggers.referral_submitted);
  });
});

describe('approve, pay, cancel', () => {
  it('moves pending → approved → paid only in order; out of order is refused (409) and changes nothing', async () => {
    const { user } = await member('alumnus', 'en');
    const id = await ledgerRow(user.id, { kind: 'amount', amount: 10_000, state: 'pending', description: 'Thank-you bonus' });
    const state = async () => (await t.db.select({ s: rewards.state }).from(rewards).where(eq(rewards.id, id)))[0]!.s;

    const early = await operator.post(`/admin/rewards/${id}/pay`, { back: 'state=pending' });
    expect(early.status).toBe(409);
    expect(early.body).toContain('承認待ち');
    expect(await state()).toBe('pending');

    const approved = await operator.post(`/admin/rewards/${id}/approve`, { back: 'state=pending' });
    expect(approved.status).toBe(303);
    expect(approved.location).toBe(`/admin/rewards?state=pending#reward-${id}`);
    expect(await state()).toBe('approved');
    expect((await operator.post(`/admin/rewards/${id}/approve`)).status).toBe(409);

    expect((await operator.post(`/admin/rewards/${id}/pay`, { back: 'https://evil.example/' })).location).toBe(`/admin/rewards#reward-${id}`);
    expect(await state()).toBe('paid');
    // Paid stays paid.
    expect((await operator.post(`/admin/rewards/${id}/cancel`)).status).toBe(409);
    expect((await operator.post(`/admin/rewards/${id}/approve`)).status).toBe(409);
    expect(await state()).toBe('paid');

    const [row] = await t.db.select().from(rewards).where(eq(rewards.id, id));
    const { user: op } = await t.signedIn('operator');
    expect(row).toMatchObject({ approvedBy: op.id, paidBy: op.id });
    expect(row!.approvedAt).toBeInstanceOf(Date);
    expect(row!.paidAt).toBeInstanceOf(Date);

    const audits = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(audits.map((a) => a.action)).toEqual(['reward.approved', 'reward.paid']);

    const mails = await t.mails({ to: user.email, template: 'rewardStatus' });
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining('Approved'), expect.stringContaining('Paid')]);
    expect(mails[1]!.text).toContain('¥10,000');
    expect(mails[1]!.text).toContain('/rewards');
  });

  it('cancels a pending or approved reward (audited, told), then refuses every move', async () => {
    const { user } = await member();
    const pending = await ledgerRow(user.id, { kind: 'points', amount: 5, state: 'pending' });
    const approved = await ledgerRow(user.id, { kind: 'gift', amount: null, state: 'approved', description: '記念品' });
    for (const id of [pending, approved]) {
      expect((await operator.post(`/admin/rewards/${id}/cancel`)).status).toBe(303);
      for (const move of ['approve', 'pay', 'cancel']) expect((await operator.post(`/admin/rewards/${id}/${move}`)).status, move).toBe(409);
    }
    const states = await t.db.select({ s: rewards.state }).from(rewards).where(eq(rewards.userId, user.id));
    expect(states.map((s) => s.s)).toEqual(['cancelled', 'cancelled']);
    expect((await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'reward.cancelled'))).map((a) => a.subjectId)).toEqual(expect.arrayContaining([pending, approved]));
    expect(await t.mails({ to: user.email, template: 'rewardStatus' })).toHaveLength(2);
  });
});
