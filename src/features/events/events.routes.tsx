/** Event pages: list, page, registration, the calendar file, organiser pages (create, edit, cancel). */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { listField, readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { addsQuestion, formValuesOf, intentOf, parseAnswers, parseEventForm, parseReason, sourceOf, withAnotherQuestion } from './event.form.ts';
import * as events from './events.service.ts';
import { checkInUrl, qrSvg } from './qr.ts';
import { EventFormPage } from './views/EventFormPage.tsx';
import { CancelEventPage, EventListPage, EventPage, type RegistrationForm, type ViewBase } from './views/EventPages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KINDS = ['upcoming', 'past', 'mine'] as const;

function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

/** A path parameter that must be a UUID: anything else is a page that does not exist (never a database error). */
function idParam(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

// ---------------------------------------------------------------- the event page

async function renderEvent(c: Context<AppEnv>, id: string, form: RegistrationForm = { values: {}, errors: {} }, status: 200 | 409 | 422 = 200) {
  const { db, config } = deps(c);
  const data = await events.readEvent(db, actorOf(c), id);
  const seat = data.registration?.state === 'registered' && data.event.state === 'published' ? data.registration : null;
  const qr = seat ? await qrSvg(checkInUrl(config.baseUrl, id, seat.checkInCode)) : null;
  const googleUrl = seat ? events.googleCalendarPath(id) : null;
  // Where the link came from (a newsletter, a post), carried into the registration for analytics.
  const source = sourceOf(form.values.source ?? c.req.query('ref') ?? c.req.query('from'));
  return page(c, data.event.title, <EventPage v={base(c)} page={data} form={form} source={source} qrSvg={qr} googleUrl={googleUrl} />, status);
}

// ---------------------------------------------------------------- the editor

async function renderEditor(c: Context<AppEnv>, id: string | null, opts: { values?: Record<string, string>; errors?: FieldErrors; status?: 200 | 422 } = {}) {
  const { db } = deps(c);
  const actor = actorOf(c);
  const v = base(c);
  const existing = id ? await events.eventForEdit(db, actor, id) : null;
  if (existing?.event.state === 'cancelled') return c.redirect(`/events/${id}`, 303);
  const choices = await events.editorChoices(db, actor);
  const askedGroup = c.req.query('group');
  const groupId = choices.groups.some((g) => g.id === askedGroup) ? askedGroup : undefined;
  const values = opts.values ?? formValuesOf(existing?.event ?? null, { timeZone: v.timeZone, hostEmails: existing?.hostEmails ?? [], groupId });
  const m = c.get('m');
  return page(
    c,
    id ? m.events.editor.editTitle : m.events.editor.newTitle,
    <EventFormPage
      v={v}
      id={id}
      published={existing?.event.state === 'published'}
      values={values}
      errors={opts.errors ?? {}}
      choices={choices}
      hostsFromGroup={!choices.audiences.includes('alumni')}
    />,
    opts.status ?? 200,
  );
}

/** The editor's POST, for a new event (id null) or an existing one. */
async function submitEditor(c: Context<AppEnv>, id: string | null) {
  const { db, config } = deps(c);
  const actor = actorOf(c);
  const m = c.get('m');
  // The event must exist (and be the actor's to change) before its form is read.
  const existing = id ? await events.eventForEdit(db, actor, id) : null;
  const choices = await events.editorChoices(db, actor);
  const wants = await listField(c, 'wants');
  const values = await readForm(c);
  values.wants = wants.join(',');
  if (addsQuestion(values)) return renderEditor(c, id, { values: withAnotherQuestion(values) });
  const published = existing?.event.state === 'published';
  const parsed = parseEventForm(m, values, { choices, now: new Date(), startFixed: published ? existing!.event.startsAt : null });
  if (!parsed.ok) return renderEditor(c, id, { values, errors: parsed.errors, status: 422 });
  const result = await events.saveEvent(db, config, actor, { id: id ?? undefined, input: parsed.data, intent: intentOf(values), ip: c.get('clientIp') });
  if (!result.ok) return renderEditor(c, id, { values, errors: { hosts: fmt(m.events.errors.hostsUnknown, { emails: result.unknownHosts.join(', ') }) }, status: 422 });
  deps(c).wakeWorkers();
  setFlash(c, result.state === 'draft' ? 'events.editor.savedDraft' : published ? 'events.editor.updated' : 'events.editor.published');
  return c.redirect(`/events/${result.id}`, 303);
}

export const eventRoutes = new Hono<AppEnv>()
  .get('/events', allow('verified'), async (c) => {
    const { db } = deps(c);
    const actor = actorOf(c);
    const raw = c.req.query('when') ?? 'upcoming';
    const kind = (KINDS as readonly string[]).includes(raw) ? (raw as events.ListKind) : 'upcoming';
    const pageNo = pageParam(c);
    const [{ cards, hasNext }, canCreate] = await Promise.all([events.listEvents(db, actor, { kind, page: pageNo }), events.canCreateEvents(db, actor)]);
    return page(c, c.get('m').events.title, <EventListPage v={base(c)} kind={kind} cards={cards} page={pageNo} hasNext={hasNext} canCreate={canCreate} />);
  })
  .get('/events/new', allow('verified'), (c) => renderEditor(c, null))
  .post('/events/new', allow('verified'), (c) => submitEditor(c, null))
  .get('/events/:id', allow('verified'), (c) => renderEvent(c, idParam(c)))
  .post('/events/:id/register', allow('verified'), async (c) => {
    const id = idParam(c);
    const { db, config } = deps(c);
    const actor = actorOf(c);
    const values = await readForm(c);
    const data = await events.readEvent(db, actor, id);
    const parsed = parseAnswers(c.get('m'), data.event.questions, values);
    if (!parsed.ok) return renderEvent(c, id, { values, errors: parsed.errors }, 422);
    const result = await events.register(db, config, actor, id, { answers: parsed.answers, source: sourceOf(values.source) });
    // Closed meanwhile (deadline, start, cancellation): the page now says so in place of the form.
    if (!result.ok) return renderEvent(c, id, { values, errors: {} }, 409);
    deps(c).wakeWorkers();
    if (result.already) setFlash(c, 'events.register.already');
    else if (result.state === 'waitlisted') setFlash(c, 'events.register.doneWaitlisted', { position: String(result.position ?? 1) });
    else setFlash(c, 'events.register.done');
    return c.redirect(`/events/${id}#registration`, 303);
  })
  .post('/events/:id/registration/cancel', allow('verified'), async (c) => {
    const id = idParam(c);
    if (await events.cancelRegistration(deps(c).db, deps(c).config, actorOf(c), id)) {
      deps(c).wakeWorkers();
      setFlash(c, 'events.status.cancelledDone');
    }
    return c.redirect(`/events/${id}#registration`, 303);
  })
  .get('/events/:id/calendar.ics', allow('verified'), async (c) => {
    const file = await events.calendarFile(deps(c).db, deps(c).config, actorOf(c), idParam(c));
    return c.body(file.body, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `attachment; filename="${file.filename}"` });
  })
  // The short link in mail and on the page: a redirect, so the long Google URL never has to survive a mail client.
  .get('/events/:id/google', allow('verified'), async (c) => {
    const id = idParam(c);
    const url = await events.googleCalendarLink(deps(c).db, deps(c).config, actorOf(c), id);
    return c.redirect(url ?? `/events/${id}`, 302);
  })
  .get('/events/:id/edit', allow('verified'), (c) => renderEditor(c, idParam(c)))
  .post('/events/:id/edit', allow('verified'), (c) => submitEditor(c, idParam(c)))
  .get('/events/:id/cancel', allow('verified'), async (c) => {
    const id = idParam(c);
    const { event } = await events.eventForEdit(deps(c).db, actorOf(c), id);
    if (event.state === 'cancelled') return c.redirect(`/events/${id}`, 303);
    return page(c, c.get('m').events.cancel.title, <CancelEventPage v={base(c)} id={id} title={event.title} />);
  })
  .post('/events/:id/cancel', allow('verified'), async (c) => {
    const id = idParam(c);
    const { db, config } = deps(c);
    const actor = actorOf(c);
    const { event } = await events.eventForEdit(db, actor, id);
    const values = await readForm(c);
    const parsed = parseReason(c.get('m'), values.reason);
    if (!parsed.ok) return page(c, c.get('m').events.cancel.title, <CancelEventPage v={base(c)} id={id} title={event.title} value={values.reason} error={parsed.error} />, 422);
    await events.cancelEvent(db, config, actor, id, parsed.reason, c.get('clientIp'));
    deps(c).wakeWorkers();
    setFlash(c, 'events.cancel.done');
    return c.redirect(`/events/${id}`, 303);
  });
