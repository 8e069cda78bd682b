/**
 * Opportunities: /opportunities (the list; alumni also see their applications, the open door and
 * the return form's link), /opportunities/:id (the page and one-click apply), /opportunities/return
 * (the open-door return application) and the operators' /admin/opportunities. The applications'
 * pages (the applicant's view and the staff pipeline) are applications.routes.tsx, mounted here.
 *
 * Every create form keeps where the visit came from (`?src=`, shared/attribution) in a hidden
 * field and stores it with what it creates.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { parseSource } from '../../shared/attribution.ts';
import { allow } from '../../shared/auth/access.ts';
import { can } from '../../shared/auth/can.ts';
import type { AppEnv } from '../../shared/http/context.ts';
import { listField, readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { parseApplyForm, parseReturnForm } from './application.form.ts';
import { applicationRoutes } from './applications.routes.tsx';
import * as applications from './applications.service.ts';
import { actorOf, base, deps, idParam, pageParam, timeZoneOf, today } from './opportunities.http.ts';
import * as opportunities from './opportunities.service.ts';
import { formValuesOf, intentOf, parseOpportunityForm } from './opportunity.form.ts';
import { AdminOpportunityListPage, OpportunityEditorPage } from './views/AdminOpportunityPages.tsx';
import { OpportunityListPage, OpportunityPage, ReturnFormPage } from './views/OpportunityPages.tsx';

const OPERATORS = ['operator'] as const;

/** Where the visit came from: the form's hidden field on a POST, the query string on a GET. */
const sourceOf = (c: Context<AppEnv>, values?: Record<string, string>) => parseSource(values ? values.src : c.req.query('src'));

// ---------------------------------------------------------------- members

async function renderOpportunity(c: Context<AppEnv>, id: string, form: { note?: string; errors: FieldErrors; source: string | null }, status: 200 | 409 | 422 = 200) {
  const data = await opportunities.readOpportunity(deps(c).db, actorOf(c), id);
  return page(c, data.opportunity.title, <OpportunityPage v={base(c)} page={data} source={form.source} note={form.note} errors={form.errors} />, status);
}

function renderReturnForm(c: Context<AppEnv>, values: Record<string, string>, reasons: string[], errors: FieldErrors, status: 200 | 422 = 200) {
  return page(c, c.get('m').opportunities.returnForm.title, <ReturnFormPage v={base(c)} values={values} reasons={reasons} errors={errors} source={sourceOf(c, values)} />, status);
}

// ---------------------------------------------------------------- operators

async function renderEditor(c: Context<AppEnv>, id: string | null, opts: { values?: Record<string, string>; errors?: FieldErrors; status?: 200 | 422 } = {}) {
  const { db } = deps(c);
  const actor = actorOf(c);
  const existing = id ? await opportunities.opportunityForEdit(db, actor, id) : null;
  const choices = await opportunities.editorChoices(db, actor);
  const m = c.get('m');
  return page(
    c,
    existing ? m.opportunities.editor.editTitle : m.opportunities.editor.newTitle,
    <OpportunityEditorPage v={base(c)} existing={existing} values={opts.values ?? formValuesOf(existing, timeZoneOf(c))} errors={opts.errors ?? {}} choices={choices} />,
    opts.status ?? 200,
  );
}

async function submitEditor(c: Context<AppEnv>, id: string | null) {
  const { db } = deps(c);
  const actor = actorOf(c);
  // The opportunity must exist before its form is read (an unknown id is a 404, whatever was sent).
  if (id) await opportunities.opportunityForEdit(db, actor, id);
  const wants = await listField(c, 'wants');
  const values = await readForm(c);
  values.wants = wants.join(',');
  const intent = intentOf(values);
  const choices = await opportunities.editorChoices(db, actor);
  const parsed = parseOpportunityForm(c.get('m'), values, {
    timeZone: timeZoneOf(c),
    departmentIds: choices.departments.map((d) => d.id),
    segmentIds: choices.segments.map((s) => s.id),
    intent,
    today: today(c),
  });
  if (!parsed.ok) return renderEditor(c, id, { values, errors: parsed.errors, status: 422 });
  const result = await opportunities.saveOpportunity(db, actor, { id: id ?? undefined, input: parsed.data, intent, ip: c.get('clientIp') });
  setFlash(c, intent === 'publish' ? 'opportunities.editor.published' : 'opportunities.editor.savedDraft');
  return c.redirect(result.state === 'open' ? `/opportunities/${result.id}` : `/admin/opportunities/${result.id}/edit`, 303);
}

export const opportunityRoutes = new Hono<AppEnv>()
  .get('/opportunities', allow('verified'), async (c) => {
    const { db } = deps(c);
    const actor = actorOf(c);
    const pageNo = pageParam(c);
    const isAlumnus = can(actor, 'opportunities.apply');
    const [{ cards, hasNext }, assignedCount, alumnus] = await Promise.all([
      opportunities.listOpportunities(db, actor, { page: pageNo }),
      applications.assignedCount(db, actor),
      isAlumnus
        ? Promise.all([applications.ownApplications(db, actor), opportunities.openDoor(db, actor), applications.liveReturnApplication(db, actor)]).then(
            ([own, doorOpen, liveReturnId]) => ({ applications: own, doorOpen, liveReturnId }),
          )
        : null,
    ]);
    return page(
      c,
      c.get('m').opportunities.title,
      <OpportunityListPage
        v={base(c)}
        cards={cards}
        page={pageNo}
        hasNext={hasNext}
        source={sourceOf(c)}
        alumnus={alumnus}
        canManage={can(actor, 'opportunities.manage')}
        assignedCount={assignedCount}
      />,
    );
  })
  .post('/opportunities/open-door', allow(['alumnus']), async (c) => {
    const open = (await readForm(c)).open === '1';
    await opportunities.setOpenDoor(deps(c).db, actorOf(c), open);
    setFlash(c, open ? 'opportunities.door.opened' : 'opportunities.door.closed');
    return c.redirect('/opportunities#open-door', 303);
  })
  .get('/opportunities/return', allow(['alumnus']), async (c) => {
    const live = await applications.liveReturnApplication(deps(c).db, actorOf(c));
    if (live) {
      setFlash(c, 'opportunities.returnForm.already');
      return c.redirect(`/applications/${live}`, 303);
    }
    return renderReturnForm(c, { src: sourceOf(c) ?? '' }, [], {});
  })
  .post('/opportunities/return', allow(['alumnus']), async (c) => {
    const reasons = await listField(c, 'reasons');
    const values = await readForm(c);
    const parsed = parseReturnForm(c.get('m'), values, reasons);
    if (!parsed.ok) return renderReturnForm(c, values, reasons, parsed.errors, 422);
    const result = await applications.applyToReturn(deps(c).db, deps(c).config, actorOf(c), { ...parsed.data, source: sourceOf(c, values) });
    deps(c).wakeWorkers();
    if (!result.ok) {
      setFlash(c, 'opportunities.returnForm.already');
      return c.redirect(result.reason === 'already' ? `/applications/${result.id}` : '/opportunities', 303);
    }
    setFlash(c, 'opportunities.returnForm.sent');
    return c.redirect(`/applications/${result.id}`, 303);
  })
  .get('/opportunities/:id', allow('verified'), (c) => renderOpportunity(c, idParam(c), { errors: {}, source: sourceOf(c) }))
  .post('/opportunities/:id/apply', allow(['alumnus']), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const source = sourceOf(c, values);
    const parsed = parseApplyForm(c.get('m'), values);
    if (!parsed.ok) return renderOpportunity(c, id, { note: values.note ?? '', errors: parsed.errors, source }, 422);
    const result = await applications.apply(deps(c).db, deps(c).config, actorOf(c), id, { note: parsed.data.note, source });
    if (!result.ok && result.reason === 'closed') return renderOpportunity(c, id, { note: values.note ?? '', errors: {}, source }, 409);
    deps(c).wakeWorkers();
    setFlash(c, result.ok ? 'opportunities.page.applied' : 'opportunities.page.already');
    return c.redirect(`/applications/${result.id}`, 303);
  })
  .get('/admin/opportunities', allow(OPERATORS), async (c) => {
    const pageNo = pageParam(c);
    const { rows, hasNext } = await opportunities.adminList(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').opportunities.admin.title, <AdminOpportunityListPage v={base(c)} rows={rows} page={pageNo} hasNext={hasNext} />);
  })
  .get('/admin/opportunities/new', allow(OPERATORS), (c) => renderEditor(c, null))
  .post('/admin/opportunities/new', allow(OPERATORS), (c) => submitEditor(c, null))
  .get('/admin/opportunities/:id/edit', allow(OPERATORS), (c) => renderEditor(c, idParam(c)))
  .post('/admin/opportunities/:id/edit', allow(OPERATORS), (c) => submitEditor(c, idParam(c)))
  .post('/admin/opportunities/:id/close', allow(OPERATORS), async (c) => {
    const id = idParam(c);
    await opportunities.closeOpportunity(deps(c).db, actorOf(c), id, c.get('clientIp'));
    setFlash(c, 'opportunities.editor.closedDone');
    return c.redirect(`/admin/opportunities/${id}/edit`, 303);
  })
  .route('/', applicationRoutes);
