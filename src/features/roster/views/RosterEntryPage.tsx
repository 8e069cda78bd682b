import type { ContactStatus } from '../../../db/schema.ts';
import { fmt, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, Input, Submit } from '../../../shared/views/form.tsx';
import type { getRosterEntry } from '../lifecycle.service.ts';

type Data = Awaited<ReturnType<typeof getRosterEntry>>;

export function RosterEntryPage({ m, csrfToken, data, error }: { m: Messages; csrfToken: string; data: Data; error?: string | undefined }) {
  const r = m.roster;
  const { entry, events, user } = data;
  const base = `/admin/roster/entries/${entry.id}`;
  const statuses: ContactStatus[] = ['ok', 'do_not_contact', 'deceased'];
  return (
    <div class="narrow">
      <p>
        <a href="/admin/roster">{r.back}</a>
      </p>
      <h1>{fmt(r.entryTitle, { name: entry.name, number: entry.employeeNumber })}</h1>
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <section class="card">
        <h2>{r.hrFacts}</h2>
        <p class="hint">{r.hrFactsAudited}</p>
        <dl class="facts">
          <dt>{r.colKana}</dt>
          <dd>{entry.nameKana ?? '—'}</dd>
          <dt>{r.colDepartment}</dt>
          <dd>{entry.department ?? '—'}</dd>
          <dt>{r.fields.title}</dt>
          <dd>{entry.title ?? '—'}</dd>
          <dt>{r.colJoined}</dt>
          <dd>{entry.joinedOn ?? '—'}</dd>
          <dt>{r.colLeft}</dt>
          <dd>{entry.leftOn ?? '—'}</dd>
          {entry.rehiredOn ? (
            <>
              <dt>{r.rehiredOn}</dt>
              <dd>{entry.rehiredOn}</dd>
            </>
          ) : null}
          <dt>{r.leaveReason}</dt>
          <dd>{entry.leaveReasonCategory ?? '—'}</dd>
          <dt>{r.colRehire}</dt>
          <dd>{r.rehire[entry.rehireEligible]}</dd>
          <dt>{r.colEmail}</dt>
          <dd>{entry.personalEmail ?? '—'}</dd>
          <dt>{r.colConsent}</dt>
          <dd>{entry.contactConsent ? m.common.yes : m.common.no}</dd>
          <dt>{r.contactStatusLabel}</dt>
          <dd>{r.contactStatuses[entry.contactStatus]}</dd>
          <dt>{r.account}</dt>
          <dd>
            {user ? `${user.email} · ${m.roles[user.role]} · ${r.accountStatus[user.status as 'pending' | 'active' | 'suspended'] ?? user.status}` : r.noAccount}
            {user?.status === 'suspended' && user.revokedReason ? <div class="muted">{fmt(r.revokedBecause, { reason: user.revokedReason })}</div> : null}
          </dd>
        </dl>
      </section>
      <section class="card">
        <h2>{r.history}</h2>
        {events.length === 0 ? (
          <p>{r.historyEmpty}</p>
        ) : (
          <ul>
            {events.map((e) => (
              <li>
                {e.on}: {r.events[e.kind]}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card">
        <h2>{r.lifecycle}</h2>
        {entry.rehiredOn ? (
          <form method="post" action={`${base}/leave`}>
            <CsrfField token={csrfToken} />
            <p class="hint">{r.leaveHint}</p>
            <Input m={m} name="on" type="date" label={r.newLeftOn} required />
            <Submit label={r.leave} secondary />
          </form>
        ) : (
          <form method="post" action={`${base}/rehire`}>
            <CsrfField token={csrfToken} />
            <p class="hint">{r.rehireHint}</p>
            <Input m={m} name="on" type="date" label={r.rehiredOn} required />
            <Submit label={r.rehireAction} secondary />
          </form>
        )}
        <form method="post" action={`${base}/contact-status`}>
          <CsrfField token={csrfToken} />
          <fieldset class="field">
            <legend>{r.contactStatusLabel}</legend>
            <div class="choices">
              {statuses.map((s) => (
                <label class="choice" for={`cs-${s}`}>
                  <input type="radio" id={`cs-${s}`} name="status" value={s} checked={entry.contactStatus === s} />
                  {r.contactStatuses[s]}
                </label>
              ))}
            </div>
          </fieldset>
          <Submit label={r.setContactStatus} secondary />
        </form>
        {user ? (
          user.status === 'suspended' ? (
            <form method="post" action={`${base}/restore`}>
              <CsrfField token={csrfToken} />
              <Submit label={r.restore} secondary />
            </form>
          ) : (
            <form method="post" action={`${base}/revoke`}>
              <CsrfField token={csrfToken} />
              <Input m={m} name="reason" label={r.revokeReason} required maxlength={500} />
              <Submit label={r.revoke} secondary />
            </form>
          )
        ) : null}
      </section>
    </div>
  );
}
