/** Pages of the self sign-up verification: form parts, the review queue, one request, the person's own request. */
import { fmt, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { PurposeNotice } from '../../../shared/views/notice.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import type { MatchFact } from '../verification.match.ts';
import type { CandidateView, QueueFilter, Review, SignupRequestRow } from '../verification.service.ts';

interface Base {
  m: Messages;
  csrfToken: string;
}

interface Dates {
  locale: Locale;
  timeZone: string;
}

// ---------------------------------------------------------------- form parts

/** Join and leave years, department, employee number and a note: in the sign-up form and on the request page. */
export function RequestFields({ m, values: v, errors: e }: { m: Messages; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const f = m.verification.fields;
  const h = m.verification.hints;
  return (
    <>
      <div class="grid-form">
        <Input m={m} name="joinYear" label={f.joinYear} hint={h.year} value={v.joinYear} error={e.joinYear} inputmode="numeric" maxlength={6} autocomplete="off" />
        <Input m={m} name="leaveYear" label={f.leaveYear} hint={h.year} value={v.leaveYear} error={e.leaveYear} inputmode="numeric" maxlength={6} autocomplete="off" />
      </div>
      <Input m={m} name="department" label={f.department} hint={h.department} value={v.department} error={e.department} maxlength={100} autocomplete="off" />
      <Input m={m} name="employeeNumber" label={f.employeeNumber} hint={h.employeeNumber} value={v.employeeNumber} error={e.employeeNumber} maxlength={50} autocomplete="off" />
      <TextArea m={m} name="note" label={f.note} hint={h.note} value={v.note} error={e.note} maxlength={1000} rows={3} />
    </>
  );
}

/** The sign-up form's part about the company: why we ask, then the fields. */
export function SignUpAboutSection({ m, values, errors }: { m: Messages; values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <fieldset class="field">
      <legend>
        <h2>{m.verification.aboutTitle}</h2>
      </legend>
      <p class="hint">{m.verification.aboutIntro}</p>
      <RequestFields m={m} values={values} errors={errors} />
    </fieldset>
  );
}

/**
 * The purpose-of-use notice (the invitations feature's text, versioned by its
 * NOTICE_VERSION) and the required consent box.
 */
export function PurposeConsent({ m, version, checked, error }: { m: Messages; version: string; checked: boolean; error?: string | undefined }) {
  return (
    <section class="field" aria-labelledby="notice-title">
      <PurposeNotice m={m} version={version} />
      <Checkbox m={m} name="purposeConsent" value="yes" label={m.verification.consent} checked={checked} error={error} required />
    </section>
  );
}

// ---------------------------------------------------------------- the queue

export interface QueueRow {
  id: string;
  name: string;
  nameKana: string | null;
  email: string;
  state: SignupRequestRow['state'];
  matchScore: number | null;
  createdAt: Date;
}

/** Whole days since `from` (0 on the same day). */
export function daysSince(from: Date, now = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - from.getTime()) / 86_400_000));
}

export function QueuePage({ m, locale, timeZone, rows, total, limit, filter, filters }: Base & Dates & { rows: QueueRow[]; total: number; limit: number; filter: QueueFilter; filters: readonly QueueFilter[] }) {
  const v = m.verification;
  return (
    <div>
      <h1>{v.queueTitle}</h1>
      <p class="lead">{v.queueIntro}</p>
      <form method="get" action="/admin/signups" class="filters card">
        <div class="field">
          <label for="f-state">{v.filter}</label>
          <select id="f-state" name="state">
            {filters.map((f) => (
              <option value={f} selected={f === filter}>
                {v.filters[f]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="button button--secondary">
          {m.common.filter}
        </button>
      </form>
      <p role="status">
        {fmt(v.count, { count: total.toLocaleString() })}
        {total > limit ? ` ${fmt(v.limited, { limit })}` : ''}
      </p>
      {rows.length === 0 ? (
        <p>{v.empty}</p>
      ) : (
        <TableWrap label={v.queueTitle}>
          <table>
            <thead>
              <tr>
                <th scope="col">{v.colName}</th>
                <th scope="col">{v.colEmail}</th>
                <th scope="col">{v.colSubmitted}</th>
                <th scope="col">{v.colWaiting}</th>
                <th scope="col">{v.colState}</th>
                <th scope="col">{v.colScore}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const days = daysSince(r.createdAt);
                return (
                  <tr>
                    <td>
                      <a href={`/admin/signups/${r.id}`}>{r.name}</a>
                      {r.nameKana ? <div class="muted small">{r.nameKana}</div> : null}
                    </td>
                    <td>{r.email}</td>
                    <td class="nowrap">{formatDateTime(r.createdAt, locale, timeZone)}</td>
                    <td class="nowrap">{days === 0 ? v.ageToday : fmt(v.ageDays, { days })}</td>
                    <td>{v.states[r.state]}</td>
                    <td>{r.matchScore ?? v.none}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- one request

function Agrees({ m, on }: { m: Messages; on: boolean }) {
  return on ? <div class="small">{m.verification.agrees}</div> : null;
}

const dash = (v: string | number | null | undefined, m: Messages) => (v === null || v === undefined || v === '' ? m.verification.none : String(v));

export function ReviewPage({ m, csrfToken, locale, timeZone, review, error }: Base & Dates & { review: Review; error?: string | undefined }) {
  const v = m.verification;
  const { request: r, user, candidates, withHr } = review;
  type Row = { label: string; request: string; cell: (c: CandidateView) => string; fact?: MatchFact };
  const rows: Row[] = [
    { label: v.rows.name, request: r.name, cell: (c) => c.name, fact: 'name' },
    { label: v.rows.nameKana, request: dash(r.nameKana, m), cell: (c) => dash(c.nameKana, m), fact: 'kana' },
    { label: v.rows.department, request: dash(r.department, m), cell: (c) => dash(c.department, m), fact: 'department' },
    { label: v.rows.joined, request: dash(r.joinYear, m), cell: (c) => dash(c.joinedOn, m), fact: 'joinYear' },
    { label: v.rows.left, request: dash(r.leaveYear, m), cell: (c) => dash(c.leftOn, m), fact: 'leaveYear' },
    // The roster's employee number is HR-only: community managers see only whether it agrees.
    { label: v.rows.employeeNumber, request: dash(r.employeeNumber, m), cell: (c) => (c.hr ? c.hr.employeeNumber : ''), fact: 'employeeNumber' },
  ];
  if (withHr) {
    rows.push(
      { label: v.rows.title, request: '', cell: (c) => dash(c.hr?.title, m) },
      { label: v.rows.leaveReason, request: '', cell: (c) => dash(c.hr?.leaveReasonCategory, m) },
      { label: v.rows.rehire, request: '', cell: (c) => (c.hr ? v.rehire[c.hr.rehireEligible] : '') },
      { label: v.rows.contactStatus, request: '', cell: (c) => (c.hr ? (v.contactStatuses[c.hr.contactStatus as keyof typeof v.contactStatuses] ?? c.hr.contactStatus) : '') },
    );
  }
  const decided = r.decidedAt ? formatDateTime(r.decidedAt, locale, timeZone) : null;
  return (
    <div>
      <p>
        <a href="/admin/signups">{v.back}</a>
      </p>
      <h1>{fmt(v.detailTitle, { name: r.name })}</h1>
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {r.state === 'approved' && !r.reviewerId ? <p class="notice">{v.autoVerified}</p> : null}
      {decided && review.reviewerName ? <p class="notice">{fmt(v.decidedBy, { reviewer: review.reviewerName, date: decided })}</p> : null}
      <section class="card">
        <h2>{v.requestTitle}</h2>
        <dl class="facts">
          <dt>{v.state}</dt>
          <dd>{v.states[r.state]}</dd>
          <dt>{v.email}</dt>
          <dd>{user.email}</dd>
          <dt>{v.submitted}</dt>
          <dd>
            {formatDateTime(r.createdAt, locale, timeZone)} ({(() => {
              const days = daysSince(r.createdAt);
              return days === 0 ? v.ageToday : fmt(v.ageDays, { days });
            })()})
          </dd>
          <dt>{v.rows.name}</dt>
          <dd>{r.name}</dd>
          <dt>{v.rows.nameKana}</dt>
          <dd>{dash(r.nameKana, m)}</dd>
          <dt>{v.rows.joined}</dt>
          <dd>{dash(r.joinYear, m)}</dd>
          <dt>{v.rows.left}</dt>
          <dd>{dash(r.leaveYear, m)}</dd>
          <dt>{v.rows.department}</dt>
          <dd>{dash(r.department, m)}</dd>
          <dt>{v.rows.employeeNumber}</dt>
          <dd>{dash(r.employeeNumber, m)}</dd>
          <dt>{v.rows.note}</dt>
          <dd class="prose">{dash(r.note, m)}</dd>
          {r.reviewerMessage ? (
            <>
              <dt>{v.lastMessage}</dt>
              <dd class="prose">{r.reviewerMessage}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section class="card">
        <h2>{review.open ? v.compareTitle : v.linkedTitle}</h2>
        {candidates.length === 0 ? (
          <p>{review.open ? v.noCandidates : v.none}</p>
        ) : (
          <>
            <p class="hint">{v.compareIntro}</p>
            <p class="hint">{v.compareAudited}</p>
            {withHr ? null : <p class="hint">{v.hrOnlyHidden}</p>}
            <TableWrap label={review.open ? v.compareTitle : v.linkedTitle}>
              <table>
                <thead>
                  <tr>
                    <td></td>
                    <th scope="col">{v.colRequest}</th>
                    {candidates.map((c, i) => (
                      <th scope="col">
                        {fmt(v.colCandidate, { n: i + 1 })}
                        {withHr ? (
                          <div class="small">
                            <a href={`/admin/roster/entries/${c.id}`}>{v.openEntry}</a>
                          </div>
                        ) : null}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr>
                      <th scope="row">{row.label}</th>
                      <td>{row.request}</td>
                      {candidates.map((c) => (
                        <td>
                          {row.cell(c)}
                          {row.fact ? <Agrees m={m} on={c.facts[row.fact]} /> : null}
                        </td>
                      ))}
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">{v.score}</th>
                    <td></td>
                    {candidates.map((c) => (
                      <td>
                        {c.score}
                        {c.strong ? <div class="small">{v.strong}</div> : null}
                      </td>
                    ))}
                  </tr>
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </section>
      {review.open && !review.canDecide ? <p class="notice notice--warning">{v.ownRequest}</p> : null}
      {review.canDecide ? <Decisions m={m} csrfToken={csrfToken} id={r.id} candidates={candidates} /> : null}
    </div>
  );
}

function Decisions({ m, csrfToken, id, candidates }: Base & { id: string; candidates: CandidateView[] }) {
  const v = m.verification;
  return (
    <>
      <section class="card">
        <h2>{v.approveTitle}</h2>
        <p class="hint">{v.approveHint}</p>
        <form method="post" action={`/admin/signups/${id}/approve`}>
          <CsrfField token={csrfToken} />
          <fieldset class="field">
            <legend>{v.linkTo}</legend>
            <div class="choices">
              {candidates.map((c, i) => (
                <label class="choice" for={`f-entry-${i}`}>
                  <input type="radio" id={`f-entry-${i}`} name="rosterEntryId" value={c.id} required />
                  {fmt(v.colCandidate, { n: i + 1 })}: {fmt(v.candidateOption, { name: c.name, left: dash(c.leftOn, m) })}
                </label>
              ))}
              <label class="choice" for="f-entry-none">
                <input type="radio" id="f-entry-none" name="rosterEntryId" value="none" checked={candidates.length === 0} required />
                {v.noLink}
              </label>
            </div>
          </fieldset>
          <Submit label={v.approve} />
        </form>
      </section>
      <section class="card">
        <h2>{v.askTitle}</h2>
        <p class="hint">{v.askHint}</p>
        <form method="post" action={`/admin/signups/${id}/ask`}>
          <CsrfField token={csrfToken} />
          <TextArea m={m} id="f-ask-message" name="message" label={v.message} required maxlength={2000} rows={4} />
          <Submit label={v.ask} secondary />
        </form>
      </section>
      <section class="card">
        <h2>{v.declineTitle}</h2>
        <p class="hint">{v.declineHint}</p>
        <form method="post" action={`/admin/signups/${id}/decline`}>
          <CsrfField token={csrfToken} />
          <TextArea m={m} id="f-decline-message" name="message" label={v.message} required maxlength={2000} rows={4} />
          <Submit label={v.decline} secondary />
        </form>
      </section>
    </>
  );
}

// ---------------------------------------------------------------- the person's side

/** Where the request stands, in words for the person (home page and request page). */
export function SignupStatus({ m, request, link }: { m: Messages; request: Pick<SignupRequestRow, 'state' | 'reviewerMessage'>; link: boolean }) {
  const v = m.verification;
  const warn = request.state === 'more_info' || request.state === 'declined';
  return (
    <div class={warn ? 'notice notice--warning' : 'notice'} role="status">
      <p>{v.status[request.state]}</p>
      {warn && request.reviewerMessage ? <p class="prose">{request.reviewerMessage}</p> : null}
      {link && request.state !== 'approved' ? (
        <p>
          <a href="/membership/request">{request.state === 'more_info' ? v.answer : v.update}</a>
        </p>
      ) : null}
    </div>
  );
}

export function OwnRequestPage({ m, csrfToken, request, values, errors }: Base & { request: SignupRequestRow; values: Record<string, string | undefined>; errors: FieldErrors }) {
  const v = m.verification;
  const editable = request.state === 'pending' || request.state === 'more_info';
  return (
    <div class="narrow">
      <h1>{v.ownTitle}</h1>
      <p class="lead">{v.ownIntro}</p>
      <SignupStatus m={m} request={request} link={false} />
      {editable ? (
        <>
          <ErrorSummary m={m} errors={errors} />
          <form method="post" action="/membership/request" class="card" novalidate>
            <CsrfField token={csrfToken} />
            <Input m={m} name="name" label={v.fields.name} hint={v.hints.name} value={values.name} error={errors.name} required autocomplete="name" maxlength={100} />
            <Input m={m} name="nameKana" label={v.fields.nameKana} value={values.nameKana} error={errors.nameKana} maxlength={100} />
            <RequestFields m={m} values={values} errors={errors} />
            <Submit label={v.save} />
          </form>
        </>
      ) : (
        <p>{v.closed}</p>
      )}
    </div>
  );
}

/** The form values of a stored request. */
export function requestValues(r: SignupRequestRow): Record<string, string> {
  return {
    name: r.name,
    nameKana: r.nameKana ?? '',
    joinYear: r.joinYear === null ? '' : String(r.joinYear),
    leaveYear: r.leaveYear === null ? '' : String(r.leaveYear),
    department: r.department ?? '',
    employeeNumber: r.employeeNumber ?? '',
    note: r.note ?? '',
  };
}
