/**
 * Message routes: /messages (inbox), /messages/:id (a conversation), /messages/new?to= (write to
 * a member), /messages/company (write to the company), reports of a message, and the
 * secretariat's /admin/messages (company conversations only), /admin/messages/new?to= (write
 * to a member as the company) and /admin/messages/reports.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { parseSource } from '../../shared/attribution.ts';
import { allow } from '../../shared/auth/access.ts';
import { can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { parseBody, parseCompanyForm, parseReason, rateLimitText } from './messages.form.ts';
import * as messages from './messages.service.ts';
import { CONVERSATION_LIMIT, MESSAGE_LIMIT, type AdminFilter, type SendResult } from './messages.service.ts';
import { CompanyInboxPage, ReportsPage } from './views/AdminPages.tsx';
import { CompanyFormPage, InboxPage, NewMemberPage, ReportPage, ThreadPage, type ViewBase } from './views/MessagePages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRETARIAT = ['operator', 'community_manager'] as const;

function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;
const baseUrl = (c: Context<AppEnv>) => deps(c).config.baseUrl;

/** A path parameter that must be a UUID: anything else is a page that does not exist (never a database error). */
function idParam(c: Context<AppEnv>, name = 'id'): string {
  const id = c.req.param(name) ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

/** The `to` of /messages/new and /admin/messages/new: a user id (UUID), else the page does not exist. */
function toParam(c: Context<AppEnv>): string {
  const to = c.req.query('to') ?? '';
  if (!UUID.test(to)) throw new AppError('NOT_FOUND');
  return to;
}

function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/** Mail may have been queued: wake the in-process workers (after the change committed). */
const wake = (c: Context<AppEnv>) => deps(c).wakeWorkers();

/** A refused or limited send, as the status and the words to show next to the kept text. */
function failure(c: Context<AppEnv>, result: Exclude<SendResult, { ok: true }>): { status: 422 | 429; error?: string } {
  if ('limited' in result) {
    const max = result.limited === 'messages' ? MESSAGE_LIMIT.max : CONVERSATION_LIMIT.max;
    return { status: 429, error: rateLimitText(c.get('m'), result.limited, max) };
  }
  return { status: 422 };
}

// ---------------------------------------------------------------- rendering

async function renderThread(c: Context<AppEnv>, id: string, reply: { value?: string; error?: string } = {}, status: 200 | 422 | 429 = 200, assignError?: string) {
  const actor = actorOf(c);
  const thread = await messages.readThread(deps(c).db, actor, id);
  const m = c.get('m');
  const title = thread.kind === 'member' ? fmt(m.messages.thread.withMember, { name: thread.counterpart?.name ?? '' }) : (thread.subject ?? m.messages.inbox.title);
  return page(c, title, <ThreadPage v={base(c)} thread={thread} viewerId={actor.id} reply={reply} assignError={assignError} />, status);
}

async function renderNewMember(c: Context<AppEnv>, to: string, form: { value?: string; error?: string; src?: string | null } = {}, status: 200 | 422 | 429 = 200) {
  const start = await messages.startPage(deps(c).db, actorOf(c), to);
  if (start.existing && status === 200) return c.redirect(`/messages/${start.existing}`, 303);
  const src = form.src !== undefined ? form.src : parseSource(c.req.query('src'));
  return page(
    c,
    fmt(c.get('m').messages.new.title, { name: start.target.name }),
    <NewMemberPage v={base(c)} target={start.target} refusal={start.refusal} src={src} value={form.value} error={form.error} />,
    status,
  );
}

async function renderCompanyForm(
  c: Context<AppEnv>,
  to: string | null,
  form: { values?: Record<string, string>; errors?: FieldErrors; src?: string | null } = {},
  status: 200 | 422 | 429 = 200,
) {
  const m = c.get('m');
  const start = to ? await messages.companyStartPage(deps(c).db, actorOf(c), to) : null;
  const src = form.src !== undefined ? form.src : parseSource(c.req.query('src'));
  return page(
    c,
    start ? fmt(m.messages.companyForm.staffTitle, { name: start.target.name }) : m.messages.companyForm.title,
    <CompanyFormPage v={base(c)} to={start?.target ?? null} refusal={start?.refusal ?? null} src={src} values={form.values ?? {}} errors={form.errors ?? {}} />,
    status,
  );
}

async function renderReport(c: Context<AppEnv>, id: string, messageId: string, form: { value?: string; error?: string } = {}, status: 200 | 422 = 200) {
  const message = await messages.messageToReport(deps(c).db, actorOf(c), id, messageId);
  return page(c, c.get('m').messages.report.title, <ReportPage v={base(c)} conversationId={id} message={message} value={form.value} error={form.error} />, status);
}

/** The company form's POST: a member writing to the company (`to` null), or the secretariat writing to a member. */
async function submitCompanyForm(c: Context<AppEnv>, to: string | null) {
  const { db } = deps(c);
  const actor = actorOf(c);
  // The member must exist before the form is read (an unknown id is a 404, whatever was sent).
  if (to) await messages.companyStartPage(db, actor, to);
  const values = await readForm(c);
  const src = to ? null : parseSource(values.src);
  const parsed = parseCompanyForm(c.get('m'), values);
  if (!parsed.ok) return renderCompanyForm(c, to, { values, errors: parsed.errors, src }, 422);
  const result = to
    ? await messages.startAsCompany(db, actor, { targetId: to, ...parsed.data, baseUrl: baseUrl(c) })
    : await messages.startCompanyConversation(db, actor, { ...parsed.data, source: src, baseUrl: baseUrl(c) });
  if (!result.ok) {
    const f = failure(c, result);
    return renderCompanyForm(c, to, { values, errors: { body: f.error }, src }, f.status);
  }
  wake(c);
  setFlash(c, 'messages.thread.started');
  return c.redirect(`/messages/${result.id}`, 303);
}

const ADMIN_FILTERS: readonly AdminFilter[] = ['awaiting', 'all'];

export const messageRoutes = new Hono<AppEnv>()
  .get('/messages', allow('verified'), async (c) => {
    const actor = actorOf(c);
    const pageNo = pageParam(c);
    const { rows, hasNext } = await messages.inbox(deps(c).db, actor, pageNo);
    return page(
      c,
      c.get('m').messages.inbox.title,
      <InboxPage
        v={base(c)}
        rows={rows}
        viewerId={actor.id}
        page={pageNo}
        hasNext={hasNext}
        canWriteCompany={actor.role === 'alumnus'}
        secretariat={can(actor, 'messages.secretariat')}
      />,
    );
  })
  .get('/messages/company', allow(['alumnus']), (c) => renderCompanyForm(c, null))
  .post('/messages/company', allow(['alumnus']), (c) => submitCompanyForm(c, null))
  .get('/messages/new', allow(['alumnus']), (c) => renderNewMember(c, toParam(c)))
  .post('/messages/new', allow(['alumnus']), async (c) => {
    const to = toParam(c);
    const { db } = deps(c);
    const actor = actorOf(c);
    // The member must be one the actor may see before the form is read.
    await messages.startPage(db, actor, to);
    const values = await readForm(c);
    const src = parseSource(values.src);
    const parsed = parseBody(c.get('m'), values.body);
    if (!parsed.ok) return renderNewMember(c, to, { value: values.body ?? '', error: parsed.error, src }, 422);
    const result = await messages.startMemberConversation(db, actor, { targetId: to, body: parsed.text, source: src, baseUrl: baseUrl(c) });
    if (!result.ok) {
      const f = failure(c, result);
      return renderNewMember(c, to, { value: parsed.text, error: f.error, src }, f.status);
    }
    wake(c);
    setFlash(c, 'messages.thread.started');
    return c.redirect(`/messages/${result.id}`, 303);
  })
  .get('/messages/:id', allow('verified'), (c) => renderThread(c, idParam(c)))
  .post('/messages/:id', allow('verified'), async (c) => {
    const id = idParam(c);
    const { db } = deps(c);
    const values = await readForm(c);
    const parsed = parseBody(c.get('m'), values.body);
    if (!parsed.ok) return renderThread(c, id, { value: values.body ?? '', error: parsed.error }, 422);
    const result = await messages.reply(db, actorOf(c), id, parsed.text, baseUrl(c));
    if (!result.ok) {
      const f = failure(c, result);
      return renderThread(c, id, { value: parsed.text, ...(f.error ? { error: f.error } : {}) }, f.status);
    }
    wake(c);
    setFlash(c, 'messages.thread.sent');
    return c.redirect(`/messages/${id}#reply-title`, 303);
  })
  .post('/messages/:id/block', allow('verified'), async (c) => {
    const { name } = await messages.blockFromThread(deps(c).db, actorOf(c), idParam(c));
    setFlash(c, 'messages.thread.blocked', { name });
    return c.redirect('/messages', 303);
  })
  .get('/messages/:id/messages/:messageId/report', allow('verified'), (c) => renderReport(c, idParam(c), idParam(c, 'messageId')))
  .post('/messages/:id/messages/:messageId/report', allow('verified'), async (c) => {
    const id = idParam(c);
    const messageId = idParam(c, 'messageId');
    const { db } = deps(c);
    await messages.messageToReport(db, actorOf(c), id, messageId);
    const values = await readForm(c);
    const parsed = parseReason(c.get('m'), values.reason);
    if (!parsed.ok) return renderReport(c, id, messageId, { value: values.reason ?? '', error: parsed.error }, 422);
    const created = await messages.reportMessage(db, actorOf(c), id, messageId, parsed.text, c.get('clientIp'));
    setFlash(c, created ? 'messages.report.sent' : 'messages.report.already');
    return c.redirect(`/messages/${id}#message-${messageId}`, 303);
  })
  .get('/admin/messages', allow(SECRETARIAT), async (c) => {
    const raw = c.req.query('filter') ?? 'awaiting';
    const filter = (ADMIN_FILTERS as readonly string[]).includes(raw) ? (raw as AdminFilter) : 'awaiting';
    const pageNo = pageParam(c);
    const data = await messages.companyInbox(deps(c).db, actorOf(c), filter, pageNo);
    return page(
      c,
      c.get('m').messages.admin.title,
      <CompanyInboxPage v={base(c)} rows={data.rows} filter={filter} page={pageNo} hasNext={data.hasNext} openReports={data.openReports} now={new Date()} />,
    );
  })
  .get('/admin/messages/new', allow(SECRETARIAT), (c) => renderCompanyForm(c, toParam(c)))
  .post('/admin/messages/new', allow(SECRETARIAT), (c) => submitCompanyForm(c, toParam(c)))
  .get('/admin/messages/reports', allow(SECRETARIAT), async (c) => {
    const pageNo = pageParam(c);
    const { rows, hasNext } = await messages.listOpenReports(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').messages.reports.title, <ReportsPage v={base(c)} rows={rows} page={pageNo} hasNext={hasNext} />);
  })
  .post('/admin/messages/reports/:id/hide', allow(SECRETARIAT), async (c) => {
    await messages.hideReported(deps(c).db, actorOf(c), idParam(c), c.get('clientIp'));
    setFlash(c, 'messages.reports.hiddenDone');
    return c.redirect('/admin/messages/reports', 303);
  })
  .post('/admin/messages/reports/:id/dismiss', allow(SECRETARIAT), async (c) => {
    await messages.dismissReport(deps(c).db, actorOf(c), idParam(c), c.get('clientIp'));
    setFlash(c, 'messages.reports.dismissedDone');
    return c.redirect('/admin/messages/reports', 303);
  })
  .post('/admin/messages/:id/assign', allow(SECRETARIAT), async (c) => {
    const id = idParam(c);
    const raw = (await readForm(c)).assignee ?? '';
    const result = UUID.test(raw) || raw === '' ? await messages.assign(deps(c).db, actorOf(c), id, raw || null, { baseUrl: baseUrl(c), ip: c.get('clientIp') }) : null;
    if (!result?.ok) return renderThread(c, id, {}, 422, c.get('m').messages.assign.invalid);
    wake(c);
    if (result.name) setFlash(c, 'messages.assign.done', { name: result.name });
    else setFlash(c, 'messages.assign.cleared');
    return c.redirect(`/messages/${id}#assign-title`, 303);
  });
