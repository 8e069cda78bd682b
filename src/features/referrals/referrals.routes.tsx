/**
 * Referral routes: /opportunities/:id/refer (a member refers a candidate), /referrals (the
 * referrer's own referrals) and /admin/referrals (the pipeline: operators, and staff for the
 * referrals assigned to them).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { fmt } from '../../shared/i18n/index.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { parseAssignee, parseNote, parseReferralForm, parseStage } from './referral.form.ts';
import * as referrals from './referrals.service.ts';
import { PIPELINE_STAGES, type PipelineFilter } from './referrals.service.ts';
import { CasePage, PipelinePage } from './views/AdminReferralPages.tsx';
import { MyReferralsPage, ReferPage, type ViewBase } from './views/ReferralPages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Staff who may hold a referral; the service narrows each to what they may see. */
const STAFF = ['operator', 'community_manager', 'employee'] as const;

function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

function idParam(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

async function renderRefer(c: Context<AppEnv>, id: string, values: Record<string, string>, errors: FieldErrors = {}, status: 200 | 422 = 200) {
  const opportunity = await referrals.referralTarget(deps(c).db, actorOf(c), id);
  const m = c.get('m');
  return page(c, fmt(m.referrals.refer.title, { title: opportunity.title }), <ReferPage v={base(c)} opportunity={opportunity} values={values} errors={errors} />, status);
}

async function renderCase(c: Context<AppEnv>, id: string, form: { values?: Record<string, string>; errors?: FieldErrors } = {}, status: 200 | 422 = 200) {
  const actor = actorOf(c);
  const data = await referrals.casePage(deps(c).db, actor, id, c.get('clientIp'));
  const m = c.get('m');
  return page(
    c,
    fmt(m.referrals.case.title, { name: data.referral.candidateName }),
    <CasePage v={base(c)} {...data} me={actor.email} values={form.values ?? {}} errors={form.errors ?? {}} />,
    status,
  );
}

const STAGE_FILTERS: readonly string[] = ['open', 'all', ...PIPELINE_STAGES];

export const referralRoutes = new Hono<AppEnv>()
  .get('/opportunities/:id/refer', allow('verified'), (c) => renderRefer(c, idParam(c), { src: c.req.query('src') ?? '' }))
  .post('/opportunities/:id/refer', allow('verified'), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const m = c.get('m');
    const parsed = parseReferralForm(m, values);
    if (!parsed.ok) return renderRefer(c, id, values, parsed.errors, 422);
    const result = await referrals.submitReferral(deps(c).db, actorOf(c), id, parsed.data);
    if (!result.ok) return renderRefer(c, id, values, { candidateEmail: m.referrals.errors.duplicate }, 422);
    setFlash(c, 'referrals.refer.submitted');
    return c.redirect(`/referrals#referral-${result.id}`, 303);
  })
  .get('/referrals', allow('verified'), async (c) => {
    const pageNo = pageParam(c);
    const { rows, hasNext, assigned } = await referrals.myReferrals(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').referrals.mine.title, <MyReferralsPage v={base(c)} rows={rows} page={pageNo} hasNext={hasNext} assigned={assigned} />);
  })
  .get('/admin/referrals', allow(STAFF), async (c) => {
    const raw = c.req.query('stage') ?? 'open';
    const stage = (STAGE_FILTERS.includes(raw) ? raw : 'open') as PipelineFilter['stage'];
    const mine = c.req.query('mine') === '1';
    const pageNo = pageParam(c);
    const data = await referrals.pipeline(deps(c).db, actorOf(c), { stage, mine, page: pageNo });
    return page(
      c,
      c.get('m').referrals.admin.title,
      <PipelinePage v={base(c)} {...data} stage={stage} mine={mine} page={pageNo} now={new Date()} />,
    );
  })
  .get('/admin/referrals/:id', allow(STAFF), (c) => renderCase(c, idParam(c)))
  .post('/admin/referrals/:id/stage', allow(STAFF), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const stage = parseStage(values.stage);
    if (!stage) return renderCase(c, id, { values, errors: { stage: c.get('m').referrals.errors.stage } }, 422);
    const result = await referrals.moveStage(deps(c).db, deps(c).config.baseUrl, actorOf(c), id, stage, c.get('clientIp'));
    setFlash(c, result === 'moved' ? 'referrals.case.moved' : 'referrals.case.unchanged');
    return c.redirect(`/admin/referrals/${id}`, 303);
  })
  .post('/admin/referrals/:id/assign', allow(['operator']), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const m = c.get('m');
    const parsed = parseAssignee(m, values);
    if (!parsed.ok) return renderCase(c, id, { values, errors: { assignee: parsed.error } }, 422);
    const result = await referrals.assign(deps(c).db, deps(c).config.baseUrl, actorOf(c), id, parsed.email, c.get('clientIp'));
    if (!result.ok) return renderCase(c, id, { values, errors: { assignee: m.referrals.errors.unknownStaff } }, 422);
    setFlash(c, 'referrals.case.assigned');
    return c.redirect(`/admin/referrals/${id}`, 303);
  })
  .post('/admin/referrals/:id/notes', allow(STAFF), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const parsed = parseNote(c.get('m'), values);
    if (!parsed.ok) return renderCase(c, id, { values, errors: { body: parsed.error } }, 422);
    await referrals.addInternalNote(deps(c).db, actorOf(c), id, parsed.body);
    setFlash(c, 'referrals.case.noteAdded');
    return c.redirect(`/admin/referrals/${id}#notes-title`, 303);
  });
