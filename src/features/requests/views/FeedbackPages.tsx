/** Feedback pages: /feedback (own), /feedback/new, /feedback/:id (thread), /admin/feedback (the team's queue). */
import { FEEDBACK_KINDS, FEEDBACK_STATES, type FeedbackState } from '../../../db/schema.ts';
import { fmt, formatDate, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Radios, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { Pager } from '../../groups/views/GroupPages.tsx';
import { daysSince } from '../../verification/views/VerificationPages.tsx';
import type { FeedbackPage as FeedbackPageData, FeedbackRow, QueueFilter } from '../feedback.service.ts';
import { MAX_BODY, MAX_SUBJECT, MAX_TITLE } from '../requests.form.ts';
import { CaseBody, Conversation, History, NoteForm, QueueLayout, QueueTitle, type FormState, type ViewBase } from './CaseParts.tsx';
import { withSrc } from './RequestPages.tsx';

type Values = Record<string, string>;

/** How long an item has waited in its state: "3日前から未対応" for one nobody has looked at. */
export function feedbackAge(m: Messages, f: Pick<FeedbackRow, 'state' | 'createdAt' | 'stateChangedAt'>, locale: Locale, timeZone: string, now = new Date()): string {
  const a = m.requests.feedback.age;
  if (f.state === 'received') {
    const days = daysSince(f.createdAt, now);
    return days === 0 ? a.receivedToday : fmt(a.receivedDays, { days });
  }
  if (f.state === 'considering') {
    const days = daysSince(f.stateChangedAt, now);
    return days === 0 ? a.consideringToday : fmt(a.consideringDays, { days });
  }
  return fmt(a.decidedOn, { date: formatDate(f.stateChangedAt, locale, timeZone) });
}

// ---------------------------------------------------------------- /feedback

export function FeedbackListPage(p: { v: ViewBase; rows: FeedbackRow[]; page: number; hasNext: boolean; src: string | null }) {
  const { m, locale, timeZone } = p.v;
  const t = m.requests.feedback;
  const href = (n: number) => (n > 1 ? `/feedback?page=${n}` : '/feedback');
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href={withSrc('/requests', p.src)}>{t.backRequests}</a>
      </p>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <p class="actions">
        <a class="button" href={withSrc('/feedback/new', p.src)}>
          {t.create}
        </a>
      </p>
      <section aria-labelledby="own-title">
        <h2 id="own-title">{t.mineTitle}</h2>
        {p.rows.length === 0 ? <p class="muted">{t.noneMine}</p> : null}
        <ul class="feed">
          {p.rows.map((f) => (
            <li class="feed-item">
              <p>
                <a href={`/feedback/${f.id}`}>{f.title}</a>
              </p>
              <p class="small">
                <span class="badge">{t.authorStates[f.state]}</span> {t.kinds[f.kind]}
                {f.subject ? ` ・ ${f.subject}` : ''} ・ {formatDate(f.createdAt, locale, timeZone)}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <Pager label={m.requests.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.requests.previous} nextLabel={m.requests.next} />
    </div>
  );
}

// ---------------------------------------------------------------- /feedback/new

export function FeedbackFormPage(p: { v: ViewBase; values: Values; errors: FieldErrors }) {
  const { m, csrfToken } = p.v;
  const t = m.requests.feedback;
  const f = t.form;
  return (
    <div class="narrow">
      <h1>{f.title}</h1>
      <p>{f.intro}</p>
      <form method="post" action="/feedback/new" novalidate>
        <CsrfField token={csrfToken} />
        <ErrorSummary m={m} errors={p.errors} />
        <input type="hidden" name="src" value={p.values.src ?? ''} />
        <Radios m={m} name="kind" label={f.kind} value={p.values.kind} error={p.errors.kind} options={FEEDBACK_KINDS.map((k) => ({ value: k, label: t.kinds[k] }))} required />
        <Input m={m} name="subject" label={f.subject} hint={f.subjectHint} value={p.values.subject} error={p.errors.subject} maxlength={MAX_SUBJECT} />
        <Input m={m} name="title" label={f.titleLabel} value={p.values.title} error={p.errors.title} maxlength={MAX_TITLE} required />
        <TextArea m={m} name="body" label={f.body} hint={fmt(f.bodyHint, { max: MAX_BODY })} value={p.values.body} error={p.errors.body} maxlength={MAX_BODY} rows={8} required />
        <Submit label={f.submit} />
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- /feedback/:id

export interface FeedbackForms {
  reply?: FormState;
  note?: FormState;
  state?: FormState;
}

export function FeedbackPage(p: { v: ViewBase; data: FeedbackPageData; forms: FeedbackForms }) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const t = m.requests.feedback;
  const pg = m.requests.page;
  const d = p.data;
  const f = d.item;
  const manager = d.manager;
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href={manager ? '/admin/feedback' : '/feedback'}>{manager ? t.page.backQueue : t.page.back}</a>
      </p>
      <h1>{f.title}</h1>
      <div class="card">
        <dl class="facts">
          {manager ? (
            <>
              <dt>{t.page.author}</dt>
              <dd>{f.authorName}</dd>
            </>
          ) : null}
          <dt>{t.page.kind}</dt>
          <dd>{t.kinds[f.kind]}</dd>
          {f.subject ? (
            <>
              <dt>{t.page.subject}</dt>
              <dd>{f.subject}</dd>
            </>
          ) : null}
          <dt>{t.page.submitted}</dt>
          <dd>{formatDateTime(f.createdAt, locale, timeZone)}</dd>
          <dt>{t.page.state}</dt>
          <dd>{manager ? fmt(m.requests.withDetail, { main: t.states[f.state], detail: feedbackAge(m, f, locale, timeZone) }) : t.authorStates[f.state]}</dd>
        </dl>
      </div>
      {d.useful ? <p class="notice">{t.page.useful}</p> : null}

      <CaseBody title={t.page.feedback} body={f.body} />
      <Conversation v={p.v} notes={d.notes} empty={pg.noReplies} />
      <NoteForm
        v={p.v}
        action={`/feedback/${f.id}/reply`}
        kind="reply"
        title={manager ? fmt(pg.replyToRequester, { name: f.authorName }) : pg.replyLabel}
        label={pg.replyLabel}
        hint={manager ? t.page.replyHintStaff : t.page.replyHintAuthor}
        submit={pg.send}
        form={p.forms.reply ?? {}}
      />
      {manager ? (
        <>
          <NoteForm v={p.v} action={`/feedback/${f.id}/note`} kind="note" title={pg.noteTitle} label={pg.noteLabel} hint={t.manage.noteHint} submit={pg.addNote} form={p.forms.note ?? {}} />
          <section aria-labelledby="manage-title">
            <h2 id="manage-title">{t.manage.title}</h2>
            <form method="post" action={`/feedback/${f.id}/state`} class="card" novalidate id="state">
              <CsrfField token={csrfToken} />
              {p.forms.state?.error ? <ErrorSummary m={m} errors={{ state: p.forms.state.error }} /> : null}
              <Select m={m} name="state" label={t.manage.state} hint={d.adoptedReward ? fmt(t.manage.adoptedReward, { reward: d.adoptedReward }) : undefined} value={f.state} error={p.forms.state?.error} options={FEEDBACK_STATES.map((s) => ({ value: s, label: t.states[s] }))} required />
              <Submit label={t.manage.save} />
            </form>
            <div class="card" id="useful">
              <h3>{t.manage.usefulTitle}</h3>
              {d.useful ? (
                <p>{t.manage.usefulDone}</p>
              ) : d.usefulReward ? (
                <form method="post" action={`/feedback/${f.id}/useful`}>
                  <CsrfField token={csrfToken} />
                  <p class="hint">{fmt(t.manage.usefulHint, { reward: d.usefulReward })}</p>
                  <Submit label={t.manage.markUseful} secondary />
                </form>
              ) : (
                <p class="muted">{t.manage.noUsefulRule}</p>
              )}
            </div>
          </section>
          <History v={p.v} history={d.history} label={(s) => t.states[s as FeedbackState] ?? s} />
        </>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- /admin/feedback

export function FeedbackQueuePage(p: { v: ViewBase; rows: FeedbackRow[]; total: number; hasNext: boolean; page: number; filter: QueueFilter }) {
  const { m, locale, timeZone } = p.v;
  const t = m.requests.feedback;
  const q = t.queue;
  const href = (page: number) => {
    const s = new URLSearchParams({ state: p.filter.state, kind: p.filter.kind ?? '' });
    if (page > 1) s.set('page', String(page));
    return `/admin/feedback?${s.toString()}`;
  };
  return (
    <QueueLayout
      v={p.v}
      title={q.title}
      intro={q.intro}
      action="/admin/feedback"
      filtersLabel={q.filtersLabel}
      filterLabel={q.filter}
      filters={
        <>
          <Select
            m={m}
            name="state"
            label={q.state}
            value={p.filter.state}
            options={[{ value: 'open', label: q.open }, ...FEEDBACK_STATES.map((s) => ({ value: s, label: t.states[s] })), { value: 'all', label: q.any }]}
          />
          <Select m={m} name="kind" label={q.kind} value={p.filter.kind ?? ''} options={[{ value: '', label: q.any }, ...FEEDBACK_KINDS.map((k) => ({ value: k, label: t.kinds[k] }))]} />
        </>
      }
      count={fmt(q.count, { count: p.total.toLocaleString() })}
      empty={q.empty}
      headers={[q.colTitle, q.colAuthor, q.colKind, q.colSubject, q.colState, q.colAge]}
      rows={p.rows.map((f) => (
        <tr>
          <QueueTitle href={`/feedback/${f.id}`} title={f.title} awaiting={f.awaiting} label={q.awaiting} />
          <td>{f.authorName}</td>
          <td>{t.kinds[f.kind]}</td>
          <td>{f.subject ?? ''}</td>
          <td>{t.states[f.state]}</td>
          <td>{feedbackAge(m, f, locale, timeZone)}</td>
        </tr>
      ))}
      page={p.page}
      hasNext={p.hasNext}
      href={href}
    />
  );
}
