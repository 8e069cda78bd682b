/** The secretariat's message pages: the inbox of company conversations and the reported messages. */
import { fmt, formatDateTime } from '../../../shared/i18n/index.ts';
import { CsrfField } from '../../../shared/views/form.tsx';
import { Pager, type ViewBase } from '../../groups/views/GroupPages.tsx';
import { daysSince } from '../../verification/views/VerificationPages.tsx';
import type { AdminFilter, CompanyRow, ReportRow } from '../messages.service.ts';
import { MessageText } from './MessagePages.tsx';

const FILTERS: readonly AdminFilter[] = ['awaiting', 'all'];

export function CompanyInboxPage(p: { v: ViewBase; rows: CompanyRow[]; filter: AdminFilter; page: number; hasNext: boolean; openReports: number; now: Date }) {
  const { v } = p;
  const { m, locale, timeZone } = v;
  const t = m.messages.admin;
  const href = (n: number, f: AdminFilter = p.filter) => {
    const q = new URLSearchParams();
    if (f !== 'awaiting') q.set('filter', f);
    if (n > 1) q.set('page', String(n));
    const s = q.toString();
    return s ? `/admin/messages?${s}` : '/admin/messages';
  };
  return (
    <div class="narrow-wide">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      <p class="actions">
        <a class="button button--secondary" href="/admin/messages/reports">
          {p.openReports ? fmt(t.reportsLinkCount, { count: p.openReports }) : t.reportsLink}
        </a>
      </p>
      <nav class="tabs" aria-label={t.filtersLabel}>
        <ul>
          {FILTERS.map((f) => (
            <li>
              <a href={href(1, f)} aria-current={p.filter === f ? 'page' : undefined}>
                {t.filters[f]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <p class="card">{t.none}</p>
      ) : (
        <ul class="feed" aria-label={t.listLabel}>
          {p.rows.map((r) => {
            const days = r.awaitingSince ? daysSince(r.awaitingSince, p.now) : null;
            return (
              <li class="feed-item">
                <p>
                  <a href={`/messages/${r.id}`}>
                    <strong>{r.subject ?? t.noSubject}</strong>
                  </a>{' '}
                  {r.unread > 0 ? <span class="badge badge--alumni">{fmt(t.unread, { count: r.unread })}</span> : null}
                </p>
                <p class="small">{fmt(t.memberLine, { member: r.memberName, assignee: r.assigneeName ?? t.secretariat })}</p>
                <p class="small muted">
                  {days === null ? t.answered : days === 0 ? t.waitingToday : fmt(t.waitingDays, { days })} ·{' '}
                  <time datetime={r.lastMessageAt.toISOString()}>{formatDateTime(r.lastMessageAt, locale, timeZone)}</time>
                </p>
              </li>
            );
          })}
        </ul>
      )}
      <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.messages.previous} nextLabel={m.messages.next} />
    </div>
  );
}

/** Reported messages: each one alone (never its conversation), with hide and dismiss. */
export function ReportsPage(p: { v: ViewBase; rows: ReportRow[]; page: number; hasNext: boolean }) {
  const { v } = p;
  const { m, locale, timeZone, csrfToken } = v;
  const t = m.messages.reports;
  const href = (n: number) => (n > 1 ? `/admin/messages/reports?page=${n}` : '/admin/messages/reports');
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href="/admin/messages">← {t.back}</a>
      </p>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {p.rows.length === 0 ? <p class="card">{t.none}</p> : null}
      <ul class="plain-list">
        {p.rows.map((r) => {
          const author = r.authorName ?? m.messages.formerMember;
          return (
            <li class="card">
              <p class="small muted">{fmt(t.author, { name: author, date: formatDateTime(r.messageAt, locale, timeZone) })}</p>
              <blockquote>
                <MessageText text={r.body} />
              </blockquote>
              <p class="small">{fmt(t.reportedBy, { name: r.reporterName, date: formatDateTime(r.createdAt, locale, timeZone) })}</p>
              <dl class="facts">
                <dt>{t.reason}</dt>
                <dd class="prose">{r.reason}</dd>
              </dl>
              {r.hidden ? <p class="muted">{t.alreadyHidden}</p> : null}
              <div class="actions">
                <form method="post" action={`/admin/messages/reports/${r.id}/hide`} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <button type="submit" class="button button--small" aria-label={fmt(t.hideLabel, { name: author })}>
                    {t.hide}
                  </button>
                </form>
                <form method="post" action={`/admin/messages/reports/${r.id}/dismiss`} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <button type="submit" class="button button--secondary button--small" aria-label={fmt(t.dismissLabel, { name: author })}>
                    {t.dismiss}
                  </button>
                </form>
              </div>
            </li>
          );
        })}
      </ul>
      <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.messages.previous} nextLabel={m.messages.next} />
    </div>
  );
}
