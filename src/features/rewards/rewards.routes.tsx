/** Reward routes: /rewards (a member's own ledger) and /admin/rewards (operators: rules, ledger, approve, pay, cancel). */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import type { ViewBase } from '../referrals/views/ReferralPages.tsx';
import { parseRuleForm, parseState, parseTrigger } from './reward.form.ts';
import * as rewards from './rewards.service.ts';
import type { LedgerFilter, RewardMove } from './rewards.service.ts';
import { AdminRewardsPage, MyRewardsPage } from './views/RewardPages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Account ids are better-auth's (letters, digits); anything else filters nothing. */
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const OPERATORS = ['operator'] as const;

function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

function pageOf(raw: string | null | undefined): number {
  const n = Number.parseInt(raw ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/** The ledger filter of a query string; unknown values are dropped, never an error. */
function filterOf(q: URLSearchParams): LedgerFilter {
  const text = (q.get('q') ?? '').trim().slice(0, 100);
  const member = q.get('member') ?? '';
  return {
    q: text || undefined,
    state: parseState(q.get('state') ?? undefined) ?? undefined,
    trigger: parseTrigger(q.get('trigger') ?? undefined) ?? undefined,
    userId: USER_ID.test(member) ? member : undefined,
  };
}

async function renderAdmin(
  c: Context<AppEnv>,
  query: URLSearchParams,
  opts: { values?: Record<string, string>; errors?: FieldErrors; problem?: string; status?: 200 | 409 | 422 } = {},
) {
  const filter = filterOf(query);
  const pageNo = pageOf(query.get('page'));
  const data = await rewards.adminPage(deps(c).db, actorOf(c), filter, pageNo);
  return page(
    c,
    c.get('m').referrals.rewards.admin.title,
    <AdminRewardsPage v={base(c)} {...data} filter={filter} page={pageNo} values={opts.values ?? {}} errors={opts.errors ?? {}} problem={opts.problem ?? null} />,
    opts.status ?? 200,
  );
}

function triggerParam(c: Context<AppEnv>) {
  const trigger = parseTrigger(c.req.param('trigger'));
  if (!trigger) throw new AppError('NOT_FOUND');
  return trigger;
}

/** The ledger's query string the action came from (only query-string characters; anything else is dropped). */
function backOf(values: Record<string, string>): string {
  const back = values.back ?? '';
  return back.length <= 500 && /^[A-Za-z0-9=&%._+-]*$/.test(back) ? back : '';
}

function moveRoute(move: RewardMove, flash: string) {
  return async (c: Context<AppEnv>) => {
    const id = c.req.param('id') ?? '';
    if (!UUID.test(id)) throw new AppError('NOT_FOUND');
    const back = backOf(await readForm(c));
    try {
      await rewards.moveReward(deps(c).db, deps(c).config.baseUrl, actorOf(c), id, move, c.get('clientIp'));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'CONFLICT') throw err;
      const m = c.get('m');
      const state = m.referrals.rewards.states[err.details.state as rewards.RewardState] ?? '';
      return renderAdmin(c, new URLSearchParams(back), { problem: fmt(m.referrals.rewards.admin.outOfOrder, { state }), status: 409 });
    }
    setFlash(c, flash);
    return c.redirect(`/admin/rewards${back ? `?${back}` : ''}#reward-${id}`, 303);
  };
}

export const rewardRoutes = new Hono<AppEnv>()
  .get('/rewards', allow('verified'), async (c) => {
    const pageNo = pageOf(c.req.query('page'));
    const data = await rewards.myLedger(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').referrals.rewards.mine.title, <MyRewardsPage v={base(c)} {...data} page={pageNo} />);
  })
  .get('/admin/rewards', allow(OPERATORS), (c) => renderAdmin(c, new URL(c.req.url).searchParams))
  .post('/admin/rewards/rules/:trigger', allow(OPERATORS), async (c) => {
    const trigger = triggerParam(c);
    const values = await readForm(c);
    const parsed = parseRuleForm(c.get('m'), trigger, values);
    if (!parsed.ok) return renderAdmin(c, new URLSearchParams(), { values, errors: parsed.errors, status: 422 });
    await rewards.saveRule(deps(c).db, actorOf(c), trigger, parsed.data, c.get('clientIp'));
    setFlash(c, 'referrals.rewards.admin.saved');
    return c.redirect(`/admin/rewards#rule-${trigger}`, 303);
  })
  .post('/admin/rewards/rules/:trigger/stop', allow(OPERATORS), async (c) => {
    const trigger = triggerParam(c);
    await rewards.stopRule(deps(c).db, actorOf(c), trigger, c.get('clientIp'));
    setFlash(c, 'referrals.rewards.admin.stopped');
    return c.redirect(`/admin/rewards#rule-${trigger}`, 303);
  })
  .post('/admin/rewards/:id/approve', allow(OPERATORS), moveRoute('approve', 'referrals.rewards.admin.approved'))
  .post('/admin/rewards/:id/pay', allow(OPERATORS), moveRoute('pay', 'referrals.rewards.admin.paid'))
  .post('/admin/rewards/:id/cancel', allow(OPERATORS), moveRoute('cancel', 'referrals.rewards.admin.cancelled'));
