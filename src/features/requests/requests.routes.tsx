/**
 * Requests to the company: /requests (the member's own; for staff, those assigned to them),
 * /requests/new, /requests/:id (the thread, and the staff's handling), /admin/requests (the
 * secretariat's queue: operators and community managers).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { parseSource } from '../../shared/attribution.ts';
import { allow } from '../../shared/auth/access.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm, type FormValues } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { departmentOptions } from '../profiles/profiles.service.ts';
import { parseReply, parseRequestForm, parseRequestState } from './requests.form.ts';
import * as requests from './requests.service.ts';
import { REQUEST_KINDS, REQUEST_STATES, type RequestKind } from './requests.service.ts';
import { base, idParam, keepingInput, pageParam, wake } from './requests.http.ts';
import { QueuePage, RequestFormPage, RequestListPage, RequestPage, type RequestForms } from './views/RequestPages.tsx';

const SECRETARIAT = ['operator', 'community_manager'] as const;
const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

async function renderForm(c: Context<AppEnv>, values: FormValues, errors: FieldErrors, status: 200 | 422 | 429 = 200) {
  const departments = await departmentOptions(deps(c).db);
  return page(c, c.get('m').requests.form.title, <RequestFormPage v={base(c)} values={values} errors={errors} departments={departments} />, status);
}

async function renderRequest(c: Context<AppEnv>, id: string, forms: RequestForms = {}, status: 200 | 422 | 429 = 200) {
  const data = await requests.requestPage(deps(c).db, actorOf(c), id);
  return page(c, data.request.title, <RequestPage v={base(c)} data={data} forms={forms} />, status);
}

/** A reply or an internal note: 422 with the text kept, 429 too when it comes too fast. */
async function postNote(c: Context<AppEnv>, kind: 'reply' | 'note') {
  const id = idParam(c);
  const m = c.get('m');
  const values = await readForm(c);
  const parsed = parseReply(m, values, kind === 'reply' ? m.requests.page.replyLabel : m.requests.page.noteLabel);
  if (!parsed.ok) return renderRequest(c, id, { [kind]: { value: values.body ?? '', error: parsed.errors.body } }, 422);
  const { db, config } = deps(c);
  const actor = actorOf(c);
  const result = await keepingInput(
    () => (kind === 'reply' ? requests.reply(db, actor, id, parsed.data.body, config.baseUrl, c.get('clientIp')) : requests.addInternalNote(db, actor, id, parsed.data.body)),
    () => renderRequest(c, id, { [kind]: { value: values.body ?? '', error: m.requests.page.tooMany } }, 429),
  );
  if (result instanceof Response) return result;
  wake(c);
  setFlash(c, kind === 'reply' ? 'requests.flash.replied' : 'requests.flash.noted');
  return c.redirect(`/requests/${id}#note-${result}`, 303);
}

/** The queue's filters from the query string; anything unknown falls back to the default. */
function queueFilter(c: Context<AppEnv>): requests.QueueFilter {
  const state = c.req.query('state') ?? 'open';
  const kind = c.req.query('kind') ?? '';
  const assignee = c.req.query('assignee') ?? 'any';
  return {
    state: state === 'all' || (REQUEST_STATES as readonly string[]).includes(state) ? (state as requests.QueueFilter['state']) : 'open',
    kind: (REQUEST_KINDS as readonly string[]).includes(kind) ? (kind as RequestKind) : null,
    assignee: /^[A-Za-z0-9_-]{1,64}$/.test(assignee) ? assignee : 'any',
  };
}

export const requestRoutes = new Hono<AppEnv>()
  .get('/requests', allow('verified'), async (c) => {
    const pageNo = pageParam(c);
    const data = await requests.myRequests(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').requests.title, <RequestListPage v={base(c)} data={data} page={pageNo} src={parseSource(c.req.query('src'))} />);
  })
  .get('/requests/new', allow(['alumnus']), (c) => renderForm(c, { src: parseSource(c.req.query('src')) ?? '' }, {}))
  .post('/requests/new', allow(['alumnus']), async (c) => {
    const { db } = deps(c);
    const values = await readForm(c);
    const departments = await departmentOptions(db);
    const parsed = parseRequestForm(c.get('m'), values, departments.map((d) => d.id));
    if (!parsed.ok) return renderForm(c, values, parsed.errors, 422);
    const result = await keepingInput(
      () => requests.createRequest(db, actorOf(c), parsed.data, deps(c).config.baseUrl),
      () => renderForm(c, values, { body: c.get('m').requests.form.tooMany }, 429),
    );
    if (result instanceof Response) return result;
    setFlash(c, 'requests.flash.sent');
    return c.redirect(`/requests/${result}`, 303);
  })
  .get('/requests/:id', allow('verified'), (c) => renderRequest(c, idParam(c)))
  .post('/requests/:id/reply', allow('verified'), (c) => postNote(c, 'reply'))
  .post('/requests/:id/note', allow(['employee', ...SECRETARIAT]), (c) => postNote(c, 'note'))
  .post('/requests/:id/assign', allow(SECRETARIAT), async (c) => {
    const id = idParam(c);
    const { db, config } = deps(c);
    const assigneeId = (await readForm(c)).assigneeId ?? '';
    const result = await requests.assign(db, actorOf(c), id, assigneeId, config.baseUrl, c.get('clientIp'));
    if (!result.ok) return renderRequest(c, id, { assign: { value: assigneeId, error: c.get('m').requests.manage.assigneeInvalid } }, 422);
    wake(c);
    setFlash(c, 'requests.flash.assigned');
    return c.redirect(`/requests/${id}`, 303);
  })
  .post('/requests/:id/state', allow(['employee', ...SECRETARIAT]), async (c) => {
    const id = idParam(c);
    const { db, config } = deps(c);
    const values = await readForm(c);
    const parsed = parseRequestState(c.get('m'), values);
    if (!parsed.ok) return renderRequest(c, id, { state: { values, errors: parsed.errors } }, 422);
    await requests.setState(db, actorOf(c), id, parsed.data, config.baseUrl, c.get('clientIp'));
    wake(c);
    setFlash(c, 'requests.flash.stateSaved');
    return c.redirect(`/requests/${id}`, 303);
  })
  .get('/admin/requests', allow(SECRETARIAT), async (c) => {
    const filter = queueFilter(c);
    const pageNo = pageParam(c);
    const data = await requests.queue(deps(c).db, actorOf(c), filter, pageNo);
    return page(c, c.get('m').requests.queue.title, <QueuePage v={base(c)} {...data} page={pageNo} filter={filter} />);
  });
