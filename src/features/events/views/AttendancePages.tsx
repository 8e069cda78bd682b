/**
 * Attendance pages: the check-in desk (phone first: one big field, the result in large type,
 * walk-ins below), the organisers' attendee list with the event's figures, the member's rating
 * form, and the network's attendance overview.
 */
import { fmt, formatDate, formatDateTime, formatTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Radios, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { MAX_RATING_COMMENT, MAX_WALK_IN_NAME, PERIODS, type Period } from '../attendance.form.ts';
import { whenText } from '../events.present.ts';
import type { AttendeeList, AttendeeView, Desk, EventFigures, Feedback, NetworkAttendance, Outcome } from '../attendance.service.ts';

export interface AttendanceBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  /** The network's time zone: an event's times name their zone only when it is another one. */
  networkZone: string;
}

/** The attendance pages' own stylesheet, next to the site's. */
function AttendanceStyles() {
  return <link rel="stylesheet" href="/static/attendance.css" />;
}

/** A check-in time: the clock only on the day it happened (in the event's zone), else date and time. */
function checkInTime(at: Date, locale: Locale, timeZone: string, now: Date): string {
  return formatDate(at, locale, timeZone) === formatDate(now, locale, timeZone) ? formatTime(at, locale, timeZone) : formatDateTime(at, locale, timeZone);
}

const percent = (locale: Locale, part: number, whole: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(part / whole);

const oneDecimal = (locale: Locale, value: number) => new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);

// ---------------------------------------------------------------- the check-in desk

const TONE: Record<Outcome['kind'], { tone: string; mark: string }> = {
  ready: { tone: 'info', mark: '?' },
  checkedIn: { tone: 'ok', mark: '✓' },
  already: { tone: 'warn', mark: '!' },
  waitlisted: { tone: 'warn', mark: '!' },
  cancelled: { tone: 'warn', mark: '!' },
  notFound: { tone: 'error', mark: '×' },
};

function ResultPanel(p: { v: AttendanceBase; eventId: string; timeZone: string; outcome: Outcome; code: string; open: boolean; now: Date }) {
  const { m, locale } = p.v;
  const r = m.attendance.checkIn.result;
  const o = p.outcome;
  const headline = r[o.kind];
  const a = o.kind === 'notFound' ? null : o.attendee;
  const hints: Partial<Record<Outcome['kind'], string>> = { ready: r.readyHint, waitlisted: r.waitlistedHint, cancelled: r.cancelledHint, notFound: r.notFoundHint };
  const hint = hints[o.kind];
  const at = a?.checkedInAt && o.kind === 'already' ? checkInTime(a.checkedInAt, locale, p.timeZone, p.now) : null;
  const answers = a?.answers.filter((x) => x.value.trim() !== '') ?? [];
  return (
    <section class={`checkin-result checkin-result--${TONE[o.kind].tone}`} aria-labelledby="checkin-result-title">
      <h2 id="checkin-result-title" class="checkin-result__title">
        <span class="checkin-result__mark" aria-hidden="true">
          {TONE[o.kind].mark}
        </span>
        {headline}
      </h2>
      {a ? (
        <p class="checkin-result__name">
          {a.name}
          {a.member ? null : <span class="badge">{m.attendance.attendees.guest}</span>}
        </p>
      ) : null}
      {at ? <p class="checkin-result__detail">{a!.checkedInByName ? fmt(r.alreadyAt, { time: at, by: a!.checkedInByName }) : fmt(r.alreadyAtNoOne, { time: at })}</p> : null}
      {hint ? <p class="checkin-result__detail">{hint}</p> : null}
      {a ? (
        <dl class="facts">
          <dt>{r.state}</dt>
          <dd>
            {m.attendance.states[a.state]}
            {a.walkIn ? ` · ${m.attendance.checkIn.walkIns}` : ''}
          </dd>
          {answers.length ? (
            <>
              <dt>{r.answers}</dt>
              <dd>
                <ul class="plain-list">
                  {answers.map((x) => (
                    <li>
                      {x.label}: {x.value}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {o.kind === 'ready' && p.open ? (
        <form method="post" action={`/events/${p.eventId}/check-in`} class="checkin-confirm">
          <CsrfField token={p.v.csrfToken} />
          <input type="hidden" name="code" value={p.code} />
          <button type="submit" class="button checkin-button">
            {fmt(m.attendance.checkIn.confirm, { name: a!.name })}
          </button>
        </form>
      ) : null}
    </section>
  );
}

export function CheckInPage(p: {
  v: AttendanceBase;
  desk: Desk;
  outcome: Outcome | null;
  /** The code the outcome is about (kept for the confirm button). */
  code: string;
  codeError?: string | undefined;
  walkIn: { values: Record<string, string>; errors: FieldErrors };
  nonce: string | undefined;
  now: Date;
}) {
  const { m } = p.v;
  const k = m.attendance.checkIn;
  const { event, counts } = p.desk;
  const overCapacity = event.capacity !== null && counts.registered > event.capacity;
  const errors: FieldErrors = { code: p.codeError, ...p.walkIn.errors };
  return (
    <div class="narrow checkin">
      <AttendanceStyles />
      <h1>{k.title}</h1>
      <p class="lead">{event.title}</p>
      <p class="muted">{whenText(event, p.v.locale, p.v.networkZone)}</p>
      <ErrorSummary m={m} errors={errors} />
      {p.outcome ? <ResultPanel v={p.v} eventId={event.id} timeZone={event.timeZone} outcome={p.outcome} code={p.code} open={p.desk.open} now={p.now} /> : null}
      <dl class="stats" aria-label={k.counts}>
        <div>
          <dt>{k.checkedIn}</dt>
          <dd>
            {counts.checkedIn} <span class="stats__of">{fmt(k.ofRegistered, { registered: counts.registered })}</span>
          </dd>
        </div>
        <div>
          <dt>{k.walkIns}</dt>
          <dd>{counts.walkIns}</dd>
        </div>
        <div>
          <dt>{k.capacity}</dt>
          <dd>{event.capacity ?? <span class="stats__of">{k.noCapacity}</span>}</dd>
        </div>
      </dl>
      {!p.desk.open ? (
        <p class="notice notice--warning">{event.state === 'cancelled' ? k.closedCancelled : k.closedDraft}</p>
      ) : (
        <>
          <form
            method="post"
            action={`/events/${event.id}/check-in`}
            class="card checkin-form"
            data-checkin-scan={k.scan}
            data-checkin-stop={k.scanStop}
            data-checkin-help={k.scanHelp}
            data-checkin-failed={k.scanFailed}
          >
            <CsrfField token={p.v.csrfToken} />
            <Input m={m} name="code" label={k.code} hint={k.codeHint} error={p.codeError} autocomplete="off" maxlength={200} required />
            <div class="actions">
              <Submit label={k.submit} />
            </div>
          </form>
          <script src="/static/checkin.js" defer nonce={p.nonce}></script>
          <section class="card" aria-labelledby="walk-in-title">
            <h2 id="walk-in-title">{k.walkIn.title}</h2>
            <p class="hint">{k.walkIn.intro}</p>
            {overCapacity ? <p class="notice notice--warning">{fmt(k.walkIn.overCapacity, { count: counts.registered, capacity: event.capacity! })}</p> : null}
            <form method="post" action={`/events/${event.id}/check-in/walk-in`}>
              <CsrfField token={p.v.csrfToken} />
              <Input m={m} name="name" label={k.walkIn.name} value={p.walkIn.values.name} error={p.walkIn.errors.name} autocomplete="off" maxlength={MAX_WALK_IN_NAME} required />
              <Input
                m={m}
                name="email"
                type="email"
                label={k.walkIn.email}
                hint={k.walkIn.emailHint}
                value={p.walkIn.values.email}
                error={p.walkIn.errors.email}
                autocomplete="off"
                inputmode="email"
                maxlength={254}
              />
              <Submit label={k.walkIn.submit} secondary />
            </form>
          </section>
        </>
      )}
      <p class="actions">
        {p.desk.canManage ? <a href={`/events/${event.id}/attendees`}>{k.attendees}</a> : null}
        <a href={`/events/${event.id}`}>{m.attendance.eventPage}</a>
      </p>
    </div>
  );
}

// ---------------------------------------------------------------- the attendee list

function CheckInCell({ v, a, timeZone, ended, now }: { v: AttendanceBase; a: AttendeeView; timeZone: string; ended: boolean; now: Date }) {
  const t = v.m.attendance.attendees;
  if (a.checkedInAt) return <>{checkInTime(a.checkedInAt, v.locale, timeZone, now)}</>;
  if (a.state !== 'registered') return <span class="muted">—</span>;
  return <span class="muted">{ended ? t.noShow : t.notCheckedIn}</span>;
}

function AttendeeTable(p: { v: AttendanceBase; id: string; title: string; rows: AttendeeView[]; list: AttendeeList; numbered: boolean; now: Date }) {
  const t = p.v.m.attendance.attendees;
  const cols = t.columns;
  const id = `attendees-${p.id}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{p.title}</h2>
      {p.rows.length === 0 ? (
        <p class="muted">{t.none}</p>
      ) : (
        <TableWrap label={fmt(t.tableLabel, { section: p.title })}>
          <table>
            <thead>
              <tr>
                {p.numbered ? <th scope="col">{cols.position}</th> : null}
                <th scope="col">{cols.name}</th>
                {p.list.showEmails ? <th scope="col">{cols.email}</th> : null}
                <th scope="col">{cols.checkIn}</th>
                {p.list.event.questions.length ? <th scope="col">{cols.answers}</th> : null}
                <th scope="col">{cols.rating}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((a, i) => (
                <tr>
                  {p.numbered ? <td>{i + 1}</td> : null}
                  <td>
                    {a.name}
                    {a.member ? null : <span class="badge">{t.guest}</span>}
                  </td>
                  {p.list.showEmails ? <td>{a.email ?? ''}</td> : null}
                  <td>
                    <CheckInCell v={p.v} a={a} timeZone={p.list.event.timeZone} ended={p.list.ended} now={p.now} />
                  </td>
                  {p.list.event.questions.length ? (
                    <td>
                      <ul class="plain-list">
                        {a.answers
                          .filter((x) => x.value.trim() !== '')
                          .map((x) => (
                            <li>
                              {x.label}: {x.value}
                            </li>
                          ))}
                      </ul>
                    </td>
                  ) : null}
                  <td>
                    {a.rating !== null ? fmt(t.ratingValue, { rating: a.rating }) : ''}
                    {a.ratingComment ? <p class="attendee-comment">{a.ratingComment}</p> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

export function AttendeesPage(p: { v: AttendanceBase; list: AttendeeList; now: Date }) {
  const { m, locale } = p.v;
  const t = m.attendance.attendees;
  const { event, figures: f, attendees } = p.list;
  const by = (pred: (a: AttendeeView) => boolean) => attendees.filter(pred);
  const registered = by((a) => a.state === 'registered' && !a.walkIn);
  const walkIns = by((a) => a.state === 'registered' && a.walkIn);
  const waitlisted = by((a) => a.state === 'waitlisted');
  const cancelled = by((a) => a.state === 'cancelled');
  const stat = (label: string, value: string | number, hint?: string) => (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
      {hint ? <dd class="stats__hint">{hint}</dd> : null}
    </div>
  );
  return (
    <div class="attendees">
      <AttendanceStyles />
      <h1>{t.title}</h1>
      <p class="lead">{event.title}</p>
      <p class="muted">{whenText(event, locale, p.v.networkZone)}</p>
      <div class="actions">
        <a class="button" href={`/events/${event.id}/attendees.csv`}>
          {t.export}
        </a>
        <a class="button button--secondary" href={`/events/${event.id}/check-in`}>
          {t.checkInDesk}
        </a>
      </div>
      <p class="hint">{t.exportHint}</p>
      <h2>{t.figures}</h2>
      <dl class="stats">
        {stat(t.registered, f.registered)}
        {stat(t.attended, f.attended)}
        {stat(p.list.ended ? t.noShows : t.notCheckedIn, f.notCheckedIn)}
        {stat(t.walkIns, f.walkIns)}
        {stat(t.waitlisted, f.waitlisted)}
        {stat(t.cancelled, f.cancelled)}
        {stat(t.averageRating, f.averageRating === null ? '—' : oneDecimal(locale, f.averageRating), f.averageRating === null ? t.noRatings : fmt(t.ratingCount, { count: f.ratings }))}
        {stat(t.repeat, f.repeatAttendees, t.repeatHint)}
      </dl>
      {p.list.showEmails ? null : <p class="muted">{t.emailsHidden}</p>}
      <AttendeeTable v={p.v} id="registered" title={fmt(t.sections.registered, { count: registered.length })} rows={registered} list={p.list} numbered={false} now={p.now} />
      <AttendeeTable v={p.v} id="walkins" title={fmt(t.sections.walkIns, { count: walkIns.length })} rows={walkIns} list={p.list} numbered={false} now={p.now} />
      <AttendeeTable v={p.v} id="waitlisted" title={fmt(t.sections.waitlisted, { count: waitlisted.length })} rows={waitlisted} list={p.list} numbered={true} now={p.now} />
      <AttendeeTable v={p.v} id="cancelled" title={fmt(t.sections.cancelled, { count: cancelled.length })} rows={cancelled} list={p.list} numbered={false} now={p.now} />
    </div>
  );
}

// ---------------------------------------------------------------- rating

export function FeedbackPage(p: { v: AttendanceBase; feedback: Feedback; values: Record<string, string>; errors: FieldErrors }) {
  const { m, locale } = p.v;
  const f = m.attendance.feedback;
  const { event, status } = p.feedback;
  const closes = formatDate(p.feedback.closesAt, locale, event.timeZone);
  const message = status === 'notYet' ? f.notYet : status === 'notAttendee' ? f.notAttendee : status === 'cancelled' ? f.cancelled : status === 'closed' ? fmt(f.closed, { date: closes }) : null;
  return (
    <div class="narrow">
      <h1>{f.title}</h1>
      <p class="lead">{event.title}</p>
      <p class="muted">{whenText(event, locale, p.v.networkZone)}</p>
      {message ? <p class="notice notice--warning">{message}</p> : null}
      {status === 'closed' && p.feedback.rating !== null ? <p>{fmt(f.yours, { rating: p.feedback.rating })}</p> : null}
      {status === 'open' ? (
        <form method="post" action={`/events/${event.id}/feedback`} class="card">
          <ErrorSummary m={m} errors={p.errors} />
          <CsrfField token={p.v.csrfToken} />
          <Radios
            m={m}
            name="rating"
            label={f.rating}
            hint={f.ratingHint}
            value={p.values.rating}
            error={p.errors.rating}
            required
            options={(['1', '2', '3', '4', '5'] as const).map((value) => ({ value, label: f.ratings[value] }))}
          />
          <TextArea
            m={m}
            name="comment"
            label={f.comment}
            hint={fmt(f.commentHint, { max: MAX_RATING_COMMENT })}
            value={p.values.comment}
            error={p.errors.comment}
            maxlength={MAX_RATING_COMMENT}
            rows={5}
          />
          <p class="hint">{fmt(f.changeUntil, { date: closes })}</p>
          <Submit label={p.feedback.rating === null ? f.submit : f.update} />
        </form>
      ) : null}
      <p>
        <a href={`/events/${event.id}`}>{m.attendance.eventPage}</a>
      </p>
    </div>
  );
}

// ---------------------------------------------------------------- the network view

/** Attendance is recorded at the desk: an online event nobody was checked in at has no attendance figures. */
const recorded = (e: EventFigures) => e.format !== 'online' || e.attended > 0;

export function NetworkAttendancePage(p: { v: AttendanceBase; period: Period; data: NetworkAttendance }) {
  const { m, locale } = p.v;
  const n = m.attendance.network;
  const { repeat, events } = p.data;
  const na = <span class="muted">{n.notRecorded}</span>;
  return (
    <div class="attendees">
      <AttendanceStyles />
      <h1>{n.title}</h1>
      <p>{n.intro}</p>
      <h2>{n.repeatTitle}</h2>
      <p class="lead">
        {repeat.attendees === 0
          ? n.repeatNone
          : fmt(n.repeatSummary, { attendees: repeat.attendees, repeaters: repeat.repeaters, percent: percent(locale, repeat.repeaters, repeat.attendees) })}
      </p>
      <h2>{n.eventsTitle}</h2>
      <nav class="tabs" aria-label={n.periods.label}>
        <ul>
          {PERIODS.map((period) => (
            <li>
              <a href={`/admin/events/attendance?period=${period}`} aria-current={period === p.period ? 'page' : undefined}>
                {n.periods[period]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {events.length === 0 ? (
        <p class="muted">{n.none}</p>
      ) : (
        <>
          <TableWrap label={n.tableLabel}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{n.columns.event}</th>
                  <th scope="col">{n.columns.date}</th>
                  <th scope="col">{n.columns.registered}</th>
                  <th scope="col">{n.columns.attended}</th>
                  <th scope="col">{n.columns.noShowRate}</th>
                  <th scope="col">{n.columns.repeatShare}</th>
                  <th scope="col">{n.columns.rating}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr>
                    <td>
                      <a href={`/events/${e.id}/attendees`}>{e.title}</a>
                    </td>
                    <td class="nowrap">{formatDate(e.startsAt, locale, e.timeZone)}</td>
                    <td class="num">{e.registered}</td>
                    <td class="num">{recorded(e) ? e.attended : na}</td>
                    <td class="num">{!recorded(e) ? na : e.registered ? percent(locale, e.notCheckedIn, e.registered) : '—'}</td>
                    <td class="num">{!recorded(e) ? na : e.attended ? percent(locale, e.repeatAttendees, e.attended) : '—'}</td>
                    <td class="num">{e.averageRating === null ? '—' : fmt(n.rating, { value: oneDecimal(locale, e.averageRating), count: e.ratings })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <p class="hint">{n.notRecordedHint}</p>
        </>
      )}
    </div>
  );
}
