/** Check-in at the venue, walk-ins, ratings after the event, attendance figures and the attendee export. */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { fmt } from '../../shared/i18n/index.ts';
import { page } from '../../shared/http/render.tsx';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { parseFeedback, parseWalkIn, periodOf } from './attendance.form.ts';
import * as attendance from './attendance.service.ts';
import { AttendeesPage, CheckInPage, FeedbackPage, NetworkAttendancePage, type AttendanceBase } from './views/AttendancePages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const base = (c: Context<AppEnv>): AttendanceBase => ({ m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), networkZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' });
const db = (c: Context<AppEnv>) => c.get('deps').db;
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;

/** The event id in the path: anything but a UUID is a page that does not exist (never a database error). */
function eventId(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

interface DeskState {
  outcome?: attendance.Outcome | null;
  code?: string;
  codeError?: string;
  walkIn?: { values: Record<string, string>; errors: FieldErrors };
  status?: 200 | 422;
}

async function renderDesk(c: Context<AppEnv>, id: string, s: DeskState = {}) {
  const desk = await attendance.checkInDesk(db(c), actorOf(c), id);
  return page(
    c,
    fmt(c.get('m').attendance.checkIn.pageTitle, { event: desk.event.title }),
    <CheckInPage
      v={base(c)}
      desk={desk}
      outcome={s.outcome ?? null}
      code={s.code ?? ''}
      codeError={s.codeError}
      walkIn={s.walkIn ?? { values: {}, errors: {} }}
      nonce={c.get('secureHeadersNonce')}
      now={new Date()}
    />,
    s.status ?? 200,
  );
}

async function renderFeedback(c: Context<AppEnv>, id: string, values: Record<string, string> = {}, errors: FieldErrors = {}, status: 200 | 422 = 200) {
  const feedback = await attendance.feedbackOf(db(c), actorOf(c), id);
  const shown = Object.keys(values).length ? values : { rating: feedback.rating === null ? '' : String(feedback.rating), comment: feedback.comment ?? '' };
  return page(c, fmt(c.get('m').attendance.feedback.pageTitle, { event: feedback.event.title }), <FeedbackPage v={base(c)} feedback={feedback} values={shown} errors={errors} />, status);
}

export const attendanceRoutes = new Hono<AppEnv>()
  // The check-in desk. `?code=` is the URL in an attendee's QR code (a staff phone's camera app
  // opens it): it shows who the code belongs to and a confirm button; a GET never checks anyone in.
  .get('/events/:id/check-in', allow('verified'), async (c) => {
    const id = eventId(c);
    const code = c.req.query('code');
    if (code === undefined || attendance.codeKey(code) === '') return renderDesk(c, id);
    const outcome = await attendance.lookUpCode(db(c), actorOf(c), id, code);
    return renderDesk(c, id, { outcome, code });
  })
  // The result is rendered in answer to the POST, with the form empty for the next code. Sending
  // the same form again (a reload) is harmless: the second check-in only reports the first.
  .post('/events/:id/check-in', allow('verified'), async (c) => {
    const id = eventId(c);
    const values = await readForm(c);
    const code = values.code ?? '';
    if (attendance.codeKey(code) === '') return renderDesk(c, id, { codeError: c.get('m').attendance.checkIn.codeRequired, status: 422 });
    const outcome = await attendance.checkIn(db(c), actorOf(c), id, code, c.get('clientIp'));
    return renderDesk(c, id, { outcome, code });
  })
  .post('/events/:id/check-in/walk-in', allow('verified'), async (c) => {
    const id = eventId(c);
    const values = await readForm(c);
    const parsed = parseWalkIn(c.get('m'), values);
    if (!parsed.ok) return renderDesk(c, id, { walkIn: { values, errors: parsed.errors }, status: 422 });
    // Answered with a redirect: sending the form again (a reload) must not add the guest twice.
    const outcome = await attendance.walkIn(db(c), actorOf(c), id, parsed.data, c.get('clientIp'));
    const name = outcome.kind === 'notFound' ? parsed.data.name : outcome.attendee.name;
    const done = { guest: 'doneGuest', member: 'doneMember', registered: 'doneRegistered' } as const;
    setFlash(c, `attendance.checkIn.walkIn.${outcome.walkIn ? done[outcome.walkIn] : 'doneAlready'}`, { name });
    return c.redirect(`/events/${id}/check-in`, 303);
  })
  .get('/events/:id/attendees', allow('verified'), async (c) => {
    const list = await attendance.attendeeList(db(c), actorOf(c), eventId(c), c.get('clientIp'));
    return page(c, fmt(c.get('m').attendance.attendees.pageTitle, { event: list.event.title }), <AttendeesPage v={base(c)} list={list} now={new Date()} />);
  })
  .get('/events/:id/attendees.csv', allow('verified'), async (c) => {
    const { fileName, csv } = await attendance.exportAttendees(db(c), actorOf(c), eventId(c), c.get('m'), c.get('clientIp'));
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${fileName}"`);
    return c.body(csv);
  })
  .get('/events/:id/feedback', allow('verified'), (c) => renderFeedback(c, eventId(c)))
  .post('/events/:id/feedback', allow('verified'), async (c) => {
    const id = eventId(c);
    const values = await readForm(c);
    const parsed = parseFeedback(c.get('m'), values);
    if (!parsed.ok) {
      // Only someone who may rate is shown the form again; anyone else is refused as they would be with valid input.
      const { status } = await attendance.feedbackOf(db(c), actorOf(c), id);
      if (status !== 'open') throw new AppError('FORBIDDEN');
      return renderFeedback(c, id, values, parsed.errors, 422);
    }
    await attendance.rateEvent(db(c), actorOf(c), id, parsed.data);
    setFlash(c, 'attendance.feedback.saved');
    return c.redirect(`/events/${id}/feedback`, 303);
  })
  .get('/admin/events/attendance', allow(['operator', 'community_manager']), async (c) => {
    const period = periodOf(c.req.query('period'));
    const data = await attendance.networkAttendance(db(c), actorOf(c), period);
    return page(c, c.get('m').attendance.network.title, <NetworkAttendancePage v={base(c)} period={period} data={data} />);
  });
