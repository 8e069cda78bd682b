/**
 * Applications: /applications/:id (the applicant's own view and withdrawing) and the staff
 * pipeline — /admin/applications (board, or one stage's list), /admin/applications/:id (stage,
 * message to the applicant, assignee, internal notes, 再雇用可否 for operators) and
 * /admin/applications/insights (operators: aggregates only). Employees and community managers
 * reach the pipeline pages for the applications assigned to them; others are NOT_FOUND.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { can } from '../../shared/auth/can.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { parseAssignForm, parseNoteForm, parseStageForm } from './application.form.ts';
import * as applications from './applications.service.ts';
import { PIPELINE_STAGES, type PipelineStage } from './applications.service.ts';
import { actorOf, base, deps, idParam, pageParam, timeZoneOf, today, uuidQuery } from './opportunities.http.ts';
import { OwnApplicationPage } from './views/ApplicationPages.tsx';
import { ApplicationStaffPage, InsightsPage, PipelinePage, type KindFilter, type StageForm } from './views/PipelinePages.tsx';

const STAFF = ['operator', 'community_manager', 'employee'] as const;

function kindParam(c: Context<AppEnv>): KindFilter {
  const k = c.req.query('kind');
  return k === 'return' || k === 'opportunity' ? k : undefined;
}

async function renderStaffPage(
  c: Context<AppEnv>,
  id: string,
  forms: { stage?: StageForm; assign?: StageForm; note?: StageForm } = {},
  status: 200 | 409 | 422 = 200,
) {
  const data = await applications.readForStaff(deps(c).db, actorOf(c), id, c.get('clientIp'));
  const m = c.get('m');
  return page(
    c,
    `${data.application.applicantName}: ${data.application.opportunityTitle ?? m.opportunities.returnTitle}`,
    <ApplicationStaffPage v={base(c)} page={data} today={today(c)} stageForm={forms.stage} assignForm={forms.assign} noteForm={forms.note} />,
    status,
  );
}

export const applicationRoutes = new Hono<AppEnv>()
  .get('/applications/:id', allow('verified'), async (c) => {
    const data = await applications.readOwnApplication(deps(c).db, actorOf(c), idParam(c));
    return page(c, data.application.opportunityTitle ?? c.get('m').opportunities.returnTitle, <OwnApplicationPage v={base(c)} page={data} />);
  })
  .post('/applications/:id/withdraw', allow('verified'), async (c) => {
    const id = idParam(c);
    if (await applications.withdraw(deps(c).db, actorOf(c), id, c.get('clientIp'))) setFlash(c, 'opportunities.application.withdrawn');
    return c.redirect(`/applications/${id}`, 303);
  })
  .get('/admin/applications', allow(STAFF), async (c) => {
    const actor = actorOf(c);
    const raw = c.req.query('stage') ?? '';
    const stage = (PIPELINE_STAGES as readonly string[]).includes(raw) ? (raw as PipelineStage) : undefined;
    const kind = kindParam(c);
    const opportunityId = uuidQuery(c, 'opportunity');
    const pageNo = pageParam(c);
    const view = await applications.pipeline(deps(c).db, actor, { stage, kind, opportunityId, page: pageNo });
    return page(
      c,
      c.get('m').opportunities.pipeline.title,
      <PipelinePage v={base(c)} view={view} stage={stage} kind={kind} opportunityId={opportunityId} page={pageNo} isOperator={can(actor, 'applications.manage')} now={new Date()} />,
    );
  })
  .get('/admin/applications/insights', allow(['operator']), async (c) => {
    const kind = kindParam(c);
    const data = await applications.insights(deps(c).db, actorOf(c), kind);
    return page(c, c.get('m').opportunities.insights.title, <InsightsPage v={base(c)} data={data} kind={kind} />);
  })
  .get('/admin/applications/:id', allow(STAFF), (c) => renderStaffPage(c, idParam(c)))
  .post('/admin/applications/:id/stage', allow(['operator']), async (c) => {
    const id = idParam(c);
    const m = c.get('m');
    const values = await readForm(c);
    const parsed = parseStageForm(m, values, { timeZone: timeZoneOf(c), today: today(c) });
    if (!parsed.ok) return renderStaffPage(c, id, { stage: { values, errors: parsed.errors } }, 422);
    const result = await applications.changeStage(deps(c).db, deps(c).config, actorOf(c), id, parsed.data, c.get('clientIp'));
    if (!result.ok) {
      if (result.reason === 'unchanged') return renderStaffPage(c, id, { stage: { values, errors: { message: m.opportunities.detail.unchanged } } }, 422);
      // Finished: the page says so in place of the form.
      if (result.reason === 'final') return renderStaffPage(c, id, {}, 409);
      setFlash(c, 'opportunities.detail.movedMeanwhile');
      return c.redirect(`/admin/applications/${id}`, 303);
    }
    deps(c).wakeWorkers();
    const flash =
      result.rehired === 'done'
        ? 'rehiredDone'
        : result.rehired === 'already'
          ? 'rehiredAlready'
          : result.rehired === 'noRoster'
            ? 'noRoster'
            : result.changed
              ? 'moved'
              : 'messageSent';
    setFlash(c, `opportunities.detail.${flash}`);
    return c.redirect(`/admin/applications/${id}`, 303);
  })
  .post('/admin/applications/:id/assign', allow(['operator']), async (c) => {
    const id = idParam(c);
    const m = c.get('m');
    const values = await readForm(c);
    const parsed = parseAssignForm(m, values);
    if (!parsed.ok) return renderStaffPage(c, id, { assign: { values, errors: parsed.errors } }, 422);
    const result = await applications.assign(deps(c).db, deps(c).config, actorOf(c), id, parsed.data.email, c.get('clientIp'));
    if (!result.ok) return renderStaffPage(c, id, { assign: { values, errors: { email: m.opportunities.errors.assigneeUnknown } } }, 422);
    deps(c).wakeWorkers();
    setFlash(c, parsed.data.email ? 'opportunities.detail.assigned' : 'opportunities.detail.unassigned');
    return c.redirect(`/admin/applications/${id}#assign`, 303);
  })
  .post('/admin/applications/:id/notes', allow(STAFF), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const parsed = parseNoteForm(c.get('m'), values);
    if (!parsed.ok) return renderStaffPage(c, id, { note: { values, errors: parsed.errors } }, 422);
    await applications.addInternalNote(deps(c).db, actorOf(c), id, parsed.data.body);
    setFlash(c, 'opportunities.detail.noteAdded');
    return c.redirect(`/admin/applications/${id}#notes`, 303);
  });
