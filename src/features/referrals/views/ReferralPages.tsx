/** The referrer's pages: the referral form of a posting and their own referrals with the status in plain words. */
import { fmt, formatDate, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { MAX_EMAIL, MAX_NAME, MAX_NOTE, MAX_PHONE } from '../referral.form.ts';
import { plainStatus, type OwnReferralRow } from '../referrals.service.ts';

export interface ViewBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

/** Previous / next links of a paged list. */
export function Pager(p: { m: Messages; label: string; page: number; hasNext: boolean; href: (page: number) => string }) {
  if (p.page <= 1 && !p.hasNext) return null;
  return (
    <nav class="pager" aria-label={p.label}>
      {p.page > 1 ? <a href={p.href(p.page - 1)}>{p.m.common.previous}</a> : null}
      {p.hasNext ? <a href={p.href(p.page + 1)}>{p.m.common.next}</a> : null}
    </nav>
  );
}

export function ReferPage(p: { v: ViewBase; opportunity: { id: string; title: string; closesAt: Date | null }; values: Record<string, string>; errors: FieldErrors }) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const r = m.referrals.refer;
  const back = `/opportunities/${p.opportunity.id}${p.values.src ? `?src=${encodeURIComponent(p.values.src)}` : ''}`;
  return (
    <div class="narrow">
      <p>
        <a href={back}>{r.back}</a>
      </p>
      <h1>{fmt(r.title, { title: p.opportunity.title })}</h1>
      <p class="lead">{r.intro}</p>
      <p class="hint">{r.privacy}</p>
      {p.opportunity.closesAt ? <p>{fmt(r.closes, { date: formatDate(p.opportunity.closesAt, locale, timeZone) })}</p> : null}
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action={`/opportunities/${p.opportunity.id}/refer`}>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="src" value={p.values.src ?? ''} />
        <fieldset class="card">
          <legend>{r.candidateSection}</legend>
          <Input m={m} name="candidateName" label={r.candidateName} value={p.values.candidateName} error={p.errors.candidateName} required maxlength={MAX_NAME} autocomplete="off" />
          <Input
            m={m}
            name="candidateEmail"
            type="email"
            label={r.candidateEmail}
            value={p.values.candidateEmail}
            error={p.errors.candidateEmail}
            required
            maxlength={MAX_EMAIL}
            autocomplete="off"
            inputmode="email"
          />
          <Input
            m={m}
            name="candidatePhone"
            label={`${r.candidatePhone} (${m.common.optional})`}
            value={p.values.candidatePhone}
            error={p.errors.candidatePhone}
            maxlength={MAX_PHONE}
            autocomplete="off"
            inputmode="tel"
          />
        </fieldset>
        <TextArea m={m} name="note" label={r.note} hint={fmt(r.noteHint, { max: MAX_NOTE })} value={p.values.note} error={p.errors.note} rows={5} maxlength={MAX_NOTE} />
        <Checkbox m={m} name="agreed" label={r.agreed} checked={p.values.agreed === '1'} error={p.errors.agreed} required />
        <p class="actions">
          <button type="submit" class="button">
            {r.submit}
          </button>
        </p>
      </form>
    </div>
  );
}

export function MyReferralsPage(p: { v: ViewBase; rows: OwnReferralRow[]; page: number; hasNext: boolean; assigned: number }) {
  const { m, locale, timeZone } = p.v;
  const r = m.referrals;
  const t = r.mine;
  return (
    <div class="narrow">
      <h1>{t.title}</h1>
      <p class="lead">{t.intro}</p>
      <p class="actions">
        <a href="/opportunities">{t.findOpportunities}</a>
        <a href="/rewards">{t.rewardsLink}</a>
        {p.assigned > 0 ? <a href="/admin/referrals">{fmt(t.assignedLink, { count: p.assigned })}</a> : null}
      </p>
      {p.rows.length === 0 ? (
        <p class="card">{t.empty}</p>
      ) : (
        <ul class="plain-list" aria-label={t.tableLabel}>
          {p.rows.map((row) => {
            const status = plainStatus(row.stage);
            return (
              <li class="card" id={`referral-${row.id}`}>
                <h2 class="member-card__name">{row.candidateName}</h2>
                <dl class="facts">
                  <dt>{t.opportunity}</dt>
                  <dd>{row.opportunityId && row.opportunityTitle ? <a href={`/opportunities/${row.opportunityId}`}>{row.opportunityTitle}</a> : r.closedOpportunity}</dd>
                  <dt>{t.submittedOn}</dt>
                  <dd>{formatDate(row.createdAt, locale, timeZone)}</dd>
                  <dt>{t.status}</dt>
                  <dd>
                    <strong>{r.statuses[status]}</strong>
                  </dd>
                </dl>
                <p class="hint">{r.statusHints[status]}</p>
              </li>
            );
          })}
        </ul>
      )}
      <Pager m={m} label={t.pagesLabel} page={p.page} hasNext={p.hasNext} href={(n) => `/referrals?page=${n}`} />
    </div>
  );
}
