/** The applicant's own view of an application: plain words, the messages staff chose, withdrawing. */
import { fmt, formatDate, formatDateTime } from '../../../shared/i18n/index.ts';
import { CsrfField, Submit } from '../../../shared/views/form.tsx';
import type { OwnApplicationPage as PageData } from '../applications.service.ts';
import { FINAL_STAGES } from '../applications.service.ts';
import type { ViewBase } from '../opportunities.present.ts';
import { Answers } from './parts.tsx';

export function OwnApplicationPage({ v, page }: { v: ViewBase; page: PageData }) {
  const { m, locale, timeZone } = v;
  const o = m.opportunities;
  const a = page.application;
  const live = !(FINAL_STAGES as readonly string[]).includes(a.stage);
  return (
    <div class="narrow">
      <p class="small">
        <a href="/opportunities">← {o.application.back}</a>
      </p>
      <h1>{a.opportunityTitle ?? o.returnTitle}</h1>
      <p class="muted">{fmt(o.application.sent, { date: formatDate(a.createdAt, locale, timeZone) })}</p>
      <section class="card" aria-labelledby="status-title">
        <h2 id="status-title">{o.application.status}</h2>
        <p class="lead">
          <strong>{o.applicantStages[a.stage]}</strong>{' '}
          <span class="muted small">{fmt(o.application.since, { date: formatDate(a.stageChangedAt, locale, timeZone) })}</span>
        </p>
        <p>{o.applicantStageHints[a.stage]}</p>
      </section>
      <section aria-labelledby="messages-title">
        <h2 id="messages-title">{o.application.messages}</h2>
        {page.messages.length ? (
          <ul class="feed">
            {[...page.messages].reverse().map((n) => (
              <li class="feed-item">
                <p class="muted small">{formatDateTime(n.createdAt, locale, timeZone)}</p>
                <p class="prose">{n.body}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{o.application.noMessages}</p>
        )}
      </section>
      <section aria-labelledby="yours-title">
        <h2 id="yours-title">{o.application.yours}</h2>
        <Answers
          items={[
            [o.returnForm.whatChanged, a.whatChanged],
            [o.returnForm.whatNeeded, a.whatNeeded],
            [o.returnForm.reasons, a.reasons.length ? a.reasons.map((r) => o.reasons[r]).join(locale === 'ja' ? '、' : ', ') : null],
            [o.application.note, a.note ?? m.common.none],
          ]}
        />
      </section>
      {live ? (
        <section class="card" aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">{o.application.withdrawTitle}</h2>
          <p>{o.application.withdrawIntro}</p>
          <form method="post" action={`/applications/${a.id}/withdraw`}>
            <CsrfField token={v.csrfToken} />
            <Submit label={o.application.withdraw} secondary />
          </form>
        </section>
      ) : null}
    </div>
  );
}
