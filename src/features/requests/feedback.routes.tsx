/**
 * Feedback and ideas: /feedback (the alumnus's own), /feedback/new, /feedback/:id (the thread,
 * and the team's handling), /admin/feedback (the team's queue: operators and community managers).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { parseSource } from '../../shared/attribution.ts';
import { allow } from '../../shared/auth/access.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm, type FormValues } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import * as feedback from './feedback.service.ts';
import { FEEDBACK_KINDS, FEEDBACK_STATES, type FeedbackKind } from './feedback.service.ts';
import { parseFeedbackForm, parseFeedbackState, parseReply } from './requests.form.ts';
import { base, idParam, keepingInput, pageParam, wake } from './requests.http.ts';
import { FeedbackFormPage, FeedbackListPage, FeedbackPage, FeedbackQueuePage, type FeedbackForms } from './views/FeedbackPages.tsx';

const TEAM = ['operator', 'community_manager'] as const;
const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

function renderForm(c: Context<AppEnv>, values: FormValues, errors: FieldErrors, status: 200 | 422 | 429 = 200) {
  return page(c, c.get('m').requests.feedback.form.title, <FeedbackFormPage v={base(c)} values={values} errors={errors} />, status);
}

async function renderItem(c: Context<AppEnv>, id: string, forms: FeedbackForms = {}, status: 200 | 422 | 429 = 200) {
  const data = await feedback.feedbackPage(deps(c).db, actorOf(c), id);
  return page(c, data.item.title, <FeedbackPage v={base(c)} data={data} forms={forms} />, status);
}

async function postNote(c: Context<AppEnv>, kind: 'reply' | 'note') {
  const id = idParam(c);
  const m = c.get('m');
  const values = await readForm(c);
  const parsed = parseReply(m, values, kind === 'reply' ? m.requests.page.replyLabel : m.requests.page.noteLabel);
  if (!parsed.ok) return renderItem(c, id, { [kind]: { value: values.body ?? '', error: parsed.errors.body } }, 422);
  const { db, config } = deps(c);
  const actor = actorOf(c);
  const result = await keepingInput(
    () => (kind === 'reply' ? feedback.reply(db, actor, id, parsed.data.body, config.baseUrl) : feedback.addInternalNote(db, actor, id, parsed.data.body)),
    () => renderItem(c, id, { [kind]: { value: values.body ?? '', error: m.requests.page.tooMany } }, 429),
  );
  if (result instanceof Response) return result;
  wake(c);
  setFlash(c, kind === 'reply' ? 'requests.feedback.flash.replied' : 'requests.feedback.flash.noted');
  return c.redirect(`/feedback/${id}#note-${result}`, 303);
}

function queueFilter(c: Context<AppEnv>): feedback.QueueFilter {
  const state = c.req.query('state') ?? 'open';
  const kind = c.req.query('kind') ?? '';
  return {
    state: state === 'all' || (FEEDBACK_STATES as readonly string[]).includes(state) ? (state as feedback.QueueFilter['state']) : 'open',
    kind: (FEEDBACK_KINDS as readonly string[]).includes(kind) ? (kind as FeedbackKind) : null,
  };
}

export const feedbackRoutes = new Hono<AppEnv>()
  .get('/feedback', allow(['alumnus']), async (c) => {
    const pageNo = pageParam(c);
    const { rows, hasNext } = await feedback.myFeedback(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').requests.feedback.title, <FeedbackListPage v={base(c)} rows={rows} page={pageNo} hasNext={hasNext} src={parseSource(c.req.query('src'))} />);
  })
  .get('/feedback/new', allow(['alumnus']), (c) => renderForm(c, { src: parseSource(c.req.query('src')) ?? '' }, {}))
  .post('/feedback/new', allow(['alumnus']), async (c) => {
    const values = await readForm(c);
    const parsed = parseFeedbackForm(c.get('m'), values);
    if (!parsed.ok) return renderForm(c, values, parsed.errors, 422);
    const result = await keepingInput(
      () => feedback.createFeedback(deps(c).db, actorOf(c), parsed.data, deps(c).config.baseUrl),
      () => renderForm(c, values, { body: c.get('m').requests.feedback.form.tooMany }, 429),
    );
    if (result instanceof Response) return result;
    setFlash(c, 'requests.feedback.flash.sent');
    return c.redirect(`/feedback/${result}`, 303);
  })
  .get('/feedback/:id', allow(['alumnus', ...TEAM]), (c) => renderItem(c, idParam(c)))
  .post('/feedback/:id/reply', allow(['alumnus', ...TEAM]), (c) => postNote(c, 'reply'))
  .post('/feedback/:id/note', allow(TEAM), (c) => postNote(c, 'note'))
  .post('/feedback/:id/state', allow(TEAM), async (c) => {
    const id = idParam(c);
    const state = parseFeedbackState(await readForm(c));
    if (!state) return renderItem(c, id, { state: { error: fmt(c.get('m').validation.choose, { field: c.get('m').requests.feedback.manage.state }) } }, 422);
    await feedback.setState(deps(c).db, actorOf(c), id, state, deps(c).config.baseUrl, c.get('clientIp'));
    wake(c);
    setFlash(c, 'requests.feedback.flash.stateSaved');
    return c.redirect(`/feedback/${id}`, 303);
  })
  .post('/feedback/:id/useful', allow(TEAM), async (c) => {
    const id = idParam(c);
    const result = await feedback.markUseful(deps(c).db, actorOf(c), id, deps(c).config.baseUrl);
    wake(c);
    setFlash(c, result.ok ? 'requests.feedback.flash.markedUseful' : 'requests.feedback.flash.noRule');
    return c.redirect(`/feedback/${id}#useful`, 303);
  })
  .get('/admin/feedback', allow(TEAM), async (c) => {
    const filter = queueFilter(c);
    const pageNo = pageParam(c);
    const data = await feedback.queue(deps(c).db, actorOf(c), filter, pageNo);
    return page(c, c.get('m').requests.feedback.queue.title, <FeedbackQueuePage v={base(c)} {...data} page={pageNo} filter={filter} />);
  });
