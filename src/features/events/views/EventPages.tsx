/** Members' event pages: the list (upcoming, past, mine), one event with registration, and the organisers' cancel form. */
import { sourceOf } from '../../../shared/attribution.ts';
import { raw } from 'hono/html';
import { fmt, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { CsrfField, ErrorSummary, Radios, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { answerField, MAX_ANSWER, MAX_REASON } from '../event.form.ts';
import { momentText, seatsText, whenText } from '../events.present.ts';
import type { EventCard, EventPage as EventPageData, ListKind } from '../events.service.ts';

export interface ViewBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

/** The event pages' own stylesheet, next to the site's. */
export function EventStyles() {
  return <link rel="stylesheet" href="/static/events.css" />;
}

const KINDS: ListKind[] = ['upcoming', 'past', 'mine'];

function StateBadges({ m, state, mine }: { m: Messages; state: EventCard['state']; mine: EventCard['myState'] }) {
  const e = m.events;
  return (
    <>
      {state !== 'published' ? <span class={`badge event-state event-state--${state}`}>{e.states[state]}</span> : null}
      {mine && mine !== 'cancelled' ? <span class={`badge event-mine event-mine--${mine}`}>{e.mine[mine]}</span> : null}
    </>
  );
}

export function EventListPage(p: { v: ViewBase; kind: ListKind; cards: EventCard[]; page: number; hasNext: boolean; canCreate: boolean }) {
  const { m, locale } = p.v;
  const e = m.events;
  const href = (kind: ListKind, page = 1) => {
    const q = new URLSearchParams();
    if (kind !== 'upcoming') q.set('when', kind);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return s ? `/events?${s}` : '/events';
  };
  return (
    <div class="narrow-wide">
      <EventStyles />
      <h1>{p.kind === 'upcoming' ? e.title : `${e.title}: ${e.tabs[p.kind]}`}</h1>
      <p>{e.intro}</p>
      {p.canCreate ? (
        <p>
          <a class="button button--secondary" href="/events/new">
            {e.create}
          </a>
        </p>
      ) : null}
      <nav class="tabs" aria-label={e.tabsLabel}>
        <ul>
          {KINDS.map((k) => (
            <li>
              <a href={href(k)} aria-current={p.kind === k ? 'page' : undefined}>
                {e.tabs[k]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.cards.length === 0 ? <p class="card">{e.empty[p.kind]}</p> : null}
      <ul class="event-list">
        {p.cards.map((card) => (
          <li>
            <article class={`card event-card${card.state === 'cancelled' ? ' event-card--cancelled' : ''}`} aria-labelledby={`event-${card.id}`}>
              <p class="event-meta small">
                <span>{e.categories[card.category]}</span> · <span>{e.formats[card.format]}</span>
                <StateBadges m={m} state={card.state} mine={card.myState} />
              </p>
              <h2 class="event-card__title" id={`event-${card.id}`}>
                <a href={`/events/${card.id}`}>{card.title}</a>
              </h2>
              <p class="event-card__when">
                <time datetime={card.startsAt.toISOString()}>{whenText(card, locale, p.v.timeZone)}</time>
              </p>
              {card.venueName ? <p class="small">{card.venueName}</p> : null}
              {card.audience === 'group' && card.groupName ? <p class="small">{fmt(e.forGroup, { name: card.groupName })}</p> : null}
              {card.state === 'published' && p.kind !== 'past' ? <p class="small muted">{seatsText(card.capacity, card.registered, locale)}</p> : null}
            </article>
          </li>
        ))}
      </ul>
      {p.page > 1 || p.hasNext ? (
        <nav class="pager" aria-label={e.pagesLabel}>
          {p.page > 1 ? (
            <a href={href(p.kind, p.page - 1)} rel="prev">
              {m.common.previous}
            </a>
          ) : null}
          {p.hasNext ? (
            <a href={href(p.kind, p.page + 1)} rel="next">
              {m.common.next}
            </a>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

export interface RegistrationForm {
  values: Record<string, string>;
  errors: FieldErrors;
}

/** The answers to the organisers' questions: free text, or one choice from a list. */
function Questions({ m, page, form }: { m: Messages; page: EventPageData; form: RegistrationForm }) {
  const questions = page.event.questions;
  if (!questions.length) return null;
  return (
    <fieldset class="event-answers">
      <legend>{m.events.register.questions}</legend>
      {questions.map((q) => {
        const name = answerField(q.id);
        return q.kind === 'choice' ? (
          <Radios m={m} name={name} label={q.label} value={form.values[name]} error={form.errors[name]} required={q.required} options={(q.options ?? []).map((o) => ({ value: o, label: o }))} />
        ) : (
          <TextArea m={m} name={name} label={q.label} value={form.values[name]} error={form.errors[name]} required={q.required} maxlength={MAX_ANSWER} rows={2} />
        );
      })}
    </fieldset>
  );
}

function closedText(m: Messages, page: EventPageData, locale: Locale, networkZone: string): string {
  const r = m.events.register;
  switch (page.closed) {
    case 'draft':
      return r.closedDraft;
    case 'cancelled':
      return r.closedCancelled;
    case 'started':
      return r.closedStarted;
    default:
      return fmt(r.closedDeadline, { date: momentText(page.event.registrationDeadline ?? page.event.startsAt, page.event.timeZone, locale, networkZone) });
  }
}

/** The member's own answers to the organisers' questions (questions they left unanswered are left out). */
function MyAnswers({ m, page }: { m: Messages; page: EventPageData }) {
  const answers = page.registration?.answers ?? {};
  const answered = page.event.questions.filter((q) => answers[q.id]);
  if (!answered.length) return null;
  return (
    <>
      <h3>{m.events.status.answers}</h3>
      <dl class="event-my-answers">
        {answered.map((q) => (
          <>
            <dt>{q.label}</dt>
            <dd class="prose">{answers[q.id]}</dd>
          </>
        ))}
      </dl>
    </>
  );
}

/** The viewer's registration: the form, their place on the waitlist, or their seat with the check-in code. */
function Registration(p: { v: ViewBase; page: EventPageData; form: RegistrationForm; source: string | null; qrSvg: string | null; googleUrl: string | null }) {
  const { m, locale, csrfToken } = p.v;
  const e = m.events;
  const { event, registration } = p.page;
  const id = event.id;
  const full = event.capacity !== null && p.page.registered >= event.capacity;
  const canCancel = registration && registration.state !== 'cancelled' && p.page.closed !== 'started';
  if (p.page.closed === 'cancelled') {
    return (
      <section class="card event-registration" aria-labelledby="registration-title" id="registration">
        <h2 id="registration-title">{e.register.title}</h2>
        <p class="muted">{closedText(m, p.page, locale, p.v.timeZone)}</p>
      </section>
    );
  }
  return (
    <section class="card event-registration" aria-labelledby="registration-title" id="registration">
      <h2 id="registration-title">{registration && registration.state !== 'cancelled' ? e.status.title : e.register.title}</h2>
      {registration?.state === 'registered' && event.endsAt.getTime() < Date.now() ? (
        // After the event, attendees rate it (the feedback page decides who counts as one).
        <p>
          <a class="button" href={`/events/${id}/feedback`}>
            {e.status.rate}
          </a>
        </p>
      ) : null}
      {registration?.state === 'registered' ? (
        <>
          <p class="notice">{registration.promotedAt ? e.status.promoted : e.status.registered}</p>
          {p.qrSvg ? (
            <div class="event-ticket">
              <h3>{e.status.code}</h3>
              <p class="hint">{e.status.codeHint}</p>
              <div class="event-qr" role="img" aria-label={fmt(e.status.qrLabel, { code: registration.checkInCode })}>
                {raw(p.qrSvg.replace('<svg ', '<svg aria-hidden="true" focusable="false" '))}
              </div>
              <p class="event-code">
                <code>{registration.checkInCode}</code>
              </p>
            </div>
          ) : null}
          <h3>{e.status.calendar}</h3>
          <ul class="event-calendar">
            <li>
              <a href={`/events/${id}/calendar.ics`} download>
                {e.status.ics}
              </a>
            </li>
            {p.googleUrl ? (
              <li>
                <a href={p.googleUrl} rel="noreferrer">
                  {e.status.google}
                </a>
              </li>
            ) : null}
          </ul>
        </>
      ) : null}
      {registration?.state === 'waitlisted' ? <p class="notice notice--warning">{fmt(e.status.waitlisted, { position: p.page.position ?? 1 })}</p> : null}
      {registration && registration.state !== 'cancelled' ? <MyAnswers m={m} page={p.page} /> : null}
      {registration?.state === 'cancelled' && !p.page.closed ? <p class="muted">{e.status.cancelled}</p> : null}
      {canCancel ? (
        <form method="post" action={`/events/${id}/registration/cancel`} class="event-cancel-registration">
          <CsrfField token={csrfToken} />
          {registration.state === 'registered' && p.page.someoneWaiting ? <p class="hint">{e.status.cancelHint}</p> : null}
          <Submit label={registration.state === 'registered' ? e.status.cancel : e.status.cancelWaitlist} secondary />
        </form>
      ) : null}
      {!registration || registration.state === 'cancelled' ? (
        p.page.closed ? (
          <p class="muted">{closedText(m, p.page, locale, p.v.timeZone)}</p>
        ) : (
          <form method="post" action={`/events/${id}/register`} novalidate>
            <CsrfField token={csrfToken} />
            {p.source ? <input type="hidden" name="source" value={p.source} /> : null}
            <ErrorSummary m={m} errors={p.form.errors} />
            <p>{e.register.intro}</p>
            <Questions m={m} page={p.page} form={p.form} />
            {full ? <p class="notice notice--warning">{e.register.fullNote}</p> : null}
            <Submit label={full ? e.register.submitWaitlist : e.register.submit} />
          </form>
        )
      ) : null}
    </section>
  );
}

export function EventPage(p: {
  v: ViewBase;
  page: EventPageData;
  form: RegistrationForm;
  source: string | null;
  qrSvg: string | null;
  googleUrl: string | null;
}) {
  const { m, locale } = p.v;
  const e = m.events;
  const pg = e.page;
  const { event, location } = p.page;
  const mine = p.page.registration?.state ?? null;
  // Someone registered or waiting came back for their code, QR or status: on a phone it comes
  // before a long description.
  const registrationFirst = mine === 'registered' || mine === 'waitlisted';
  const registration = <Registration v={p.v} page={p.page} form={p.form} source={p.source} qrSvg={p.qrSvg} googleUrl={p.googleUrl} />;
  return (
    <div class="narrow-wide">
      <EventStyles />
      <p class="small">
        <a href="/events">← {pg.back}</a>
      </p>
      {event.state === 'draft' ? <p class="notice notice--warning">{pg.draft}</p> : null}
      {event.state === 'cancelled' ? (
        <div class="notice notice--warning" role="status">
          <p>{pg.cancelled}</p>
          {event.cancelReason ? <p class="prose">{fmt(pg.cancelReason, { reason: event.cancelReason })}</p> : null}
        </div>
      ) : null}
      <article class="event-page" aria-labelledby="event-title">
        <div class="event">
          <p class="event-meta small">
            <span>{e.categories[event.category]}</span>
            <StateBadges m={m} state={event.state} mine={mine} />
          </p>
          <h1 id="event-title">{event.title}</h1>
          <dl class="facts event-facts">
            <dt>{pg.when}</dt>
            <dd>
              <time datetime={event.startsAt.toISOString()}>{whenText(event, locale, p.v.timeZone)}</time>
            </dd>
            <dt>{pg.format}</dt>
            <dd>{e.formats[event.format]}</dd>
            {event.venueName ? (
              <>
                <dt>{pg.venue}</dt>
                <dd>{event.venueName}</dd>
              </>
            ) : null}
            {location?.venueAddress ? (
              <>
                <dt>{pg.address}</dt>
                <dd class="prose">{location.venueAddress}</dd>
              </>
            ) : null}
            {location?.meetingUrl ? (
              <>
                <dt>{pg.meetingUrl}</dt>
                <dd>
                  <a href={location.meetingUrl} rel="noopener noreferrer">
                    {location.meetingUrl}
                  </a>
                </dd>
              </>
            ) : null}
            <dt>{pg.seats}</dt>
            <dd>{seatsText(event.capacity, p.page.registered, locale)}</dd>
            {event.registrationDeadline ? (
              <>
                <dt>{pg.deadline}</dt>
                <dd>
                  <time datetime={event.registrationDeadline.toISOString()}>{momentText(event.registrationDeadline, event.timeZone, locale, p.v.timeZone)}</time>
                </dd>
              </>
            ) : null}
            {p.page.hosts.length ? (
              <>
                <dt>{pg.hosts}</dt>
                <dd>{p.page.hosts.map((h) => h.name).join(locale === 'ja' ? '、' : ', ')}</dd>
              </>
            ) : null}
            {p.page.canManage || p.page.audienceName ? (
              <>
                <dt>{pg.audience}</dt>
                <dd>
                  {e.audiences[event.audience]}
                  {p.page.audienceName ? (
                    <>
                      {pg.colon}
                      {event.audience === 'group' && event.groupId ? <a href={`/groups/${event.groupId}`}>{p.page.audienceName}</a> : p.page.audienceName}
                    </>
                  ) : null}
                </dd>
              </>
            ) : null}
          </dl>
          {location ? null : <p class="hint event-location-hint">{pg.locationHidden[event.format]}</p>}
        </div>
        {registrationFirst ? registration : null}
        {event.description ? (
          <section class="event event-about" aria-labelledby="about-title">
            <h2 id="about-title">{pg.about}</h2>
            <div class="news-body event-body">{raw(renderMarkdown(event.description, { headingsFrom: 3, source: sourceOf('event', event.id) }))}</div>
          </section>
        ) : null}
        {registrationFirst ? null : registration}
      </article>
      {p.page.canManage || p.page.canCheckIn ? (
        <section class="card" aria-labelledby="organiser-title">
          <h2 id="organiser-title">{pg.organiserTools}</h2>
          <ul class="actions event-tools">
            {p.page.canManage && event.state !== 'cancelled' ? (
              <li>
                <a class="button button--secondary" href={`/events/${event.id}/edit`}>
                  {pg.edit}
                </a>
              </li>
            ) : null}
            {p.page.canManage ? (
              <li>
                <a class="button button--secondary" href={`/events/${event.id}/attendees`}>
                  {pg.attendees}
                </a>
              </li>
            ) : null}
            {p.page.canCheckIn && event.state === 'published' ? (
              <li>
                <a class="button button--secondary" href={`/events/${event.id}/check-in`}>
                  {pg.checkIn}
                </a>
              </li>
            ) : null}
          </ul>
          {/* Cancelling cannot be undone: it stands apart from the everyday tools, in the danger style. */}
          {p.page.canManage && event.state !== 'cancelled' ? (
            <p class="event-danger">
              <a class="button button--secondary button--danger" href={`/events/${event.id}/cancel`}>
                {pg.cancelEvent}
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

export function CancelEventPage(p: { v: ViewBase; id: string; title: string; value?: string | undefined; error?: string | undefined }) {
  const { m, csrfToken } = p.v;
  const c = m.events.cancel;
  return (
    <div class="narrow">
      <EventStyles />
      <p class="small">
        <a href={`/events/${p.id}`}>← {p.title}</a>
      </p>
      <h1>{c.title}</h1>
      <p>{c.intro}</p>
      <ErrorSummary m={m} errors={{ reason: p.error }} />
      <form method="post" action={`/events/${p.id}/cancel`} novalidate>
        <CsrfField token={csrfToken} />
        <TextArea m={m} name="reason" label={c.reason} hint={fmt(c.reasonHint, { max: MAX_REASON })} value={p.value} error={p.error} maxlength={MAX_REASON} rows={4} required />
        <div class="actions">
          <button type="submit" class="button button--danger">
            {c.submit}
          </button>
          <a class="button button--secondary" href={`/events/${p.id}`}>
            {c.keep}
          </a>
        </div>
      </form>
    </div>
  );
}
