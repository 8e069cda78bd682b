/** Request pages: /requests (own and assigned), /requests/new, /requests/:id (thread), /admin/requests (the secretariat's queue). */
import { REQUEST_KINDS, REQUEST_OUTCOMES, REQUEST_STATES, type RequestState } from '../../../db/schema.ts';
import { fmt, formatDate, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Radios, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { Pager } from '../../groups/views/GroupPages.tsx';
import { daysSince } from '../../verification/views/VerificationPages.tsx';
import { MAX_BODY, MAX_TITLE } from '../requests.form.ts';
import type { ListRow, MyRequests, QueueFilter, RequestPage as RequestPageData, RequestRow, StaffOption } from '../requests.service.ts';
import { CaseBody, Conversation, History, NoteForm, QueueLayout, QueueTitle, type FormState, type ViewBase } from './CaseParts.tsx';

type Values = Record<string, string>;

/** How long a request has waited in its state, so nothing rots: "3日前から未対応". */
export function requestAge(m: Messages, r: Pick<RequestRow, 'state' | 'createdAt' | 'stateChangedAt'>, locale: Locale, timeZone: string, now = new Date()): string {
  const a = m.requests.age;
  if (r.state === 'new') {
    const days = daysSince(r.createdAt, now);
    return days === 0 ? a.newToday : fmt(a.newDays, { days });
  }
  if (r.state === 'in_progress') {
    const days = daysSince(r.stateChangedAt, now);
    return days === 0 ? a.progressToday : fmt(a.progressDays, { days });
  }
  return fmt(a.doneOn, { date: formatDate(r.stateChangedAt, locale, timeZone) });
}

export function departmentName(r: { departmentJa: string | null; departmentEn: string | null }, locale: Locale): string | null {
  return locale === 'en' ? r.departmentEn || r.departmentJa : r.departmentJa;
}

export function yen(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', { style: 'currency', currency: 'JPY' }).format(value);
}

/** A link that keeps where the person came from (`src`), for the attribution of what they create next. */
export const withSrc = (path: string, src: string | null) => (src ? `${path}?src=${encodeURIComponent(src)}` : path);

// ---------------------------------------------------------------- /requests

export function RequestListPage(p: { v: ViewBase; data: MyRequests; page: number; src: string | null }) {
  const { m, locale, timeZone } = p.v;
  const t = m.requests;
  const d = p.data;
  const href = (n: number) => (n > 1 ? `/requests?page=${n}` : '/requests');
  return (
    <div class="narrow-wide">
      <h1>{t.title}</h1>
      {d.canCreate ? <p>{t.intro}</p> : null}
      {d.canCreate || d.canTriage ? (
        <p class="actions">
          {d.canCreate ? (
            <a class="button" href={withSrc('/requests/new', p.src)}>
              {t.create}
            </a>
          ) : null}
          {d.canTriage ? (
            <a class="button button--secondary" href="/admin/requests">
              {t.queueLink}
            </a>
          ) : null}
        </p>
      ) : null}

      {d.canCreate || d.own.length ? (
        <section aria-labelledby="own-title">
          <h2 id="own-title">{t.mineTitle}</h2>
          {d.own.length === 0 ? <p class="muted">{t.noneMine}</p> : null}
          <ul class="feed">
            {d.own.map((r) => (
              <li class="feed-item">
                <p>
                  <a href={`/requests/${r.id}`}>{r.title}</a>
                </p>
                <p class="small">
                  <span class="badge">{t.requesterStates[r.state]}</span> {t.kinds[r.kind]} ・ {formatDate(r.createdAt, locale, timeZone)}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {d.canAnswer ? (
        <section aria-labelledby="assigned-title">
          <h2 id="assigned-title">{t.assignedTitle}</h2>
          <p>{t.assignedIntro}</p>
          {d.assigned.length === 0 ? <p class="muted">{t.noneAssigned}</p> : null}
          <ul class="feed">
            {d.assigned.map((r) => (
              <li class="feed-item">
                <p>
                  <a href={`/requests/${r.id}`}>{r.title}</a>
                </p>
                <p class="small">
                  <span class="badge">{t.states[r.state]}</span> {r.requesterName} ・ {t.kinds[r.kind]} ・ {requestAge(m, r, locale, timeZone)}
                  {r.awaiting ? (
                    <>
                      {' '}
                      <span class="badge badge--private">{t.queue.awaiting}</span>
                    </>
                  ) : null}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={d.hasNext ? href(p.page + 1) : null} prevLabel={t.previous} nextLabel={t.next} />

      {d.canCreate ? (
        <section class="card" aria-labelledby="feedback-title">
          <h2 id="feedback-title">{t.feedbackTitle}</h2>
          <p>{t.feedbackIntro}</p>
          <p class="actions">
            <a href={withSrc('/feedback/new', p.src)}>{t.feedbackLink}</a>
            <a href={withSrc('/feedback', p.src)}>{t.feedback.mineTitle}</a>
          </p>
        </section>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- /requests/new

export function RequestFormPage(p: { v: ViewBase; values: Values; errors: FieldErrors; departments: { id: string; nameJa: string; nameEn: string }[] }) {
  const { m, csrfToken, locale } = p.v;
  const f = m.requests.form;
  return (
    <div class="narrow">
      <h1>{f.title}</h1>
      <p>{f.intro}</p>
      <form method="post" action="/requests/new" novalidate>
        <CsrfField token={csrfToken} />
        <ErrorSummary m={m} errors={p.errors} />
        <input type="hidden" name="src" value={p.values.src ?? ''} />
        <Radios m={m} name="kind" label={f.kind} value={p.values.kind} error={p.errors.kind} options={REQUEST_KINDS.map((k) => ({ value: k, label: m.requests.kinds[k] }))} required />
        <Input m={m} name="title" label={f.titleLabel} hint={f.titleHint} value={p.values.title} error={p.errors.title} maxlength={MAX_TITLE} required />
        <TextArea m={m} name="body" label={f.body} hint={fmt(f.bodyHint, { max: MAX_BODY })} value={p.values.body} error={p.errors.body} maxlength={MAX_BODY} rows={8} required />
        <Select
          m={m}
          name="departmentId"
          label={f.department}
          value={p.values.departmentId ?? ''}
          error={p.errors.departmentId}
          options={[{ value: '', label: f.departmentNone }, ...p.departments.map((d) => ({ value: d.id, label: departmentName({ departmentJa: d.nameJa, departmentEn: d.nameEn }, locale) ?? d.nameJa }))]}
        />
        <Submit label={f.submit} />
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- /requests/:id

export interface RequestForms {
  reply?: FormState;
  note?: FormState;
  assign?: FormState;
  state?: { values: Values; errors: FieldErrors };
}

export function RequestPage(p: { v: ViewBase; data: RequestPageData; forms: RequestForms }) {
  const { m, locale, timeZone } = p.v;
  const t = m.requests;
  const pg = t.page;
  const d = p.data;
  const r = d.request;
  const staff = d.staff;
  const id = r.id;
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href={d.triage ? '/admin/requests' : '/requests'}>{d.triage ? pg.backQueue : pg.back}</a>
      </p>
      <h1>{r.title}</h1>
      <div class="card">
        <dl class="facts">
          {staff ? (
            <>
              <dt>{pg.requester}</dt>
              <dd>{r.requesterName}</dd>
            </>
          ) : null}
          <dt>{pg.kind}</dt>
          <dd>{t.kinds[r.kind]}</dd>
          <dt>{pg.department}</dt>
          <dd>{departmentName(r, locale) ?? pg.noDepartment}</dd>
          <dt>{pg.submitted}</dt>
          <dd>{formatDateTime(r.createdAt, locale, timeZone)}</dd>
          <dt>{pg.state}</dt>
          <dd>{staff ? fmt(t.withDetail, { main: t.states[r.state], detail: requestAge(m, r, locale, timeZone) }) : t.requesterStates[r.state]}</dd>
          <dt>{pg.assignee}</dt>
          <dd>{r.assigneeName ?? pg.unassigned}</dd>
          {staff ? (
            <>
              <dt>{pg.outcome}</dt>
              <dd>{r.outcome ? t.outcomes[r.outcome] : pg.noOutcome}</dd>
              <dt>{pg.value}</dt>
              <dd>{r.outcomeValue !== null ? yen(r.outcomeValue, locale) : pg.noOutcome}</dd>
            </>
          ) : null}
        </dl>
      </div>

      <CaseBody title={pg.request} body={r.body} />
      <Conversation v={p.v} notes={d.notes} empty={pg.noReplies} />
      <NoteForm
        v={p.v}
        action={`/requests/${id}/reply`}
        kind="reply"
        title={staff ? fmt(pg.replyToRequester, { name: r.requesterName }) : pg.replyLabel}
        label={pg.replyLabel}
        hint={staff ? pg.replyHintStaff : pg.replyHintRequester}
        submit={pg.send}
        form={p.forms.reply ?? {}}
      />
      {staff ? (
        <>
          <NoteForm v={p.v} action={`/requests/${id}/note`} kind="note" title={pg.noteTitle} label={pg.noteLabel} hint={pg.noteHint} submit={pg.addNote} form={p.forms.note ?? {}} />
          <ManageRequest v={p.v} data={d} forms={p.forms} />
          <History v={p.v} history={d.history} label={(s) => t.states[s as RequestState] ?? s} />
        </>
      ) : null}
    </div>
  );
}

function ManageRequest({ v, data, forms }: { v: ViewBase; data: RequestPageData; forms: RequestForms }) {
  const { m, csrfToken } = v;
  const t = m.requests;
  const f = t.manage;
  const r = data.request;
  const stateValues = forms.state?.values ?? { state: r.state, outcome: r.outcome ?? '', value: r.outcomeValue !== null ? String(r.outcomeValue) : '' };
  const stateErrors = forms.state?.errors ?? {};
  return (
    <section aria-labelledby="manage-title">
      <h2 id="manage-title">{f.title}</h2>
      {data.triage ? (
        <form method="post" action={`/requests/${r.id}/assign`} class="card" novalidate id="assign">
          <h3>{f.assignTitle}</h3>
          <CsrfField token={csrfToken} />
          {forms.assign?.error ? <ErrorSummary m={m} errors={{ assigneeId: forms.assign.error }} /> : null}
          <Select
            m={m}
            name="assigneeId"
            label={f.assignee}
            hint={f.assigneeHint}
            value={forms.assign?.value ?? r.assigneeId ?? ''}
            error={forms.assign?.error}
            options={[{ value: '', label: f.choose }, ...data.staffOptions.map((s) => ({ value: s.id, label: staffLabel(m, s) }))]}
            required
          />
          <Submit label={f.assign} secondary />
        </form>
      ) : null}
      <form method="post" action={`/requests/${r.id}/state`} class="card" novalidate id="state">
        <h3>{f.stateTitle}</h3>
        <CsrfField token={csrfToken} />
        <ErrorSummary m={m} errors={stateErrors} />
        <Select m={m} name="state" label={f.state} value={stateValues.state} error={stateErrors.state} options={REQUEST_STATES.map((s) => ({ value: s, label: t.states[s] }))} required />
        <Select
          m={m}
          name="outcome"
          label={f.outcome}
          hint={f.outcomeHint}
          value={stateValues.outcome ?? ''}
          error={stateErrors.outcome}
          options={[{ value: '', label: f.outcomeNone }, ...REQUEST_OUTCOMES.map((o) => ({ value: o, label: t.outcomes[o] }))]}
        />
        <Input m={m} name="value" label={f.value} hint={f.valueHint} value={stateValues.value} error={stateErrors.value} inputmode="numeric" maxlength={20} />
        <Submit label={f.save} />
      </form>
    </section>
  );
}

const staffLabel = (m: Messages, s: StaffOption) => fmt(m.requests.withDetail, { main: s.name, detail: m.roles[s.role] });

// ---------------------------------------------------------------- /admin/requests

export function QueuePage(p: { v: ViewBase; rows: ListRow[]; total: number; hasNext: boolean; page: number; filter: QueueFilter; staff: StaffOption[] }) {
  const { m, locale, timeZone } = p.v;
  const t = m.requests;
  const q = t.queue;
  const href = (page: number) => {
    const s = new URLSearchParams({ state: p.filter.state, kind: p.filter.kind ?? '', assignee: p.filter.assignee });
    if (page > 1) s.set('page', String(page));
    return `/admin/requests?${s.toString()}`;
  };
  return (
    <QueueLayout
      v={p.v}
      title={q.title}
      intro={q.intro}
      action="/admin/requests"
      filtersLabel={q.filtersLabel}
      filterLabel={q.filter}
      filters={
        <>
          <Select
            m={m}
            name="state"
            label={q.state}
            value={p.filter.state}
            options={[{ value: 'open', label: q.open }, ...REQUEST_STATES.map((s) => ({ value: s, label: t.states[s] })), { value: 'all', label: q.any }]}
          />
          <Select m={m} name="kind" label={q.kind} value={p.filter.kind ?? ''} options={[{ value: '', label: q.any }, ...REQUEST_KINDS.map((k) => ({ value: k, label: t.kinds[k] }))]} />
          <Select
            m={m}
            name="assignee"
            label={q.assignee}
            value={p.filter.assignee}
            options={[{ value: 'any', label: q.any }, { value: 'none', label: q.unassigned }, ...p.staff.map((s) => ({ value: s.id, label: staffLabel(m, s) }))]}
          />
        </>
      }
      count={fmt(q.count, { count: p.total.toLocaleString() })}
      empty={q.empty}
      headers={[q.colTitle, q.colRequester, q.colKind, q.colState, q.colAge, q.colAssignee, q.colOutcome]}
      rows={p.rows.map((r) => (
        <tr>
          <QueueTitle href={`/requests/${r.id}`} title={r.title} awaiting={r.awaiting} label={q.awaiting} />
          <td>{r.requesterName}</td>
          <td>{t.kinds[r.kind]}</td>
          <td>{t.states[r.state]}</td>
          <td>{requestAge(m, r, locale, timeZone)}</td>
          <td>{r.assigneeName ?? q.unassigned}</td>
          <td>{r.outcome ? (r.outcomeValue !== null ? fmt(t.withDetail, { main: t.outcomes[r.outcome], detail: yen(r.outcomeValue, locale) }) : t.outcomes[r.outcome]) : ''}</td>
        </tr>
      ))}
      page={p.page}
      hasNext={p.hasNext}
      href={href}
    />
  );
}
