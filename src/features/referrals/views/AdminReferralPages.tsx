/** Staff pages of referrals: the pipeline (operators: every referral; others: those assigned to them) and one case. */
import { raw } from 'hono/html';
import { PIPELINE_STAGES, type PipelineStage } from '../../../db/schema.ts';
import { fmt, formatDate, formatDateTime, type Messages } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { CsrfField, ErrorSummary, Input, Select, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import type { CaseNote, Transition } from '../../cases/cases.repository.ts';
import { MAX_EMAIL, MAX_NOTE } from '../referral.form.ts';
import type { PipelineFilter, PipelineRow, ReferralDetail } from '../referrals.service.ts';
import { Pager, type ViewBase } from './ReferralPages.tsx';

const DAY_MS = 86_400_000;

/** How long a case has waited in its stage, in whole days ("since today", "1 day", "12 days"). */
export function waitingText(m: Messages, since: Date, now: Date): string {
  const a = m.referrals.admin;
  const days = Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));
  return days === 0 ? a.waitingToday : days === 1 ? a.waitingOneDay : fmt(a.waitingDays, { n: days });
}

const stageName = (m: Messages, s: string | null) => (s && (PIPELINE_STAGES as readonly string[]).includes(s) ? m.referrals.stages[s as PipelineStage] : (s ?? ''));

export function PipelinePage(p: {
  v: ViewBase;
  rows: PipelineRow[];
  counts: Map<PipelineStage, number>;
  stage: PipelineFilter['stage'];
  all: boolean;
  mine: boolean;
  page: number;
  hasNext: boolean;
  now: Date;
}) {
  const { m, locale, timeZone } = p.v;
  const r = m.referrals;
  const a = r.admin;
  const href = (o: { stage?: PipelineFilter['stage']; mine?: boolean; page?: number }) => {
    const q = new URLSearchParams();
    const stage = o.stage ?? p.stage;
    if (stage !== 'open') q.set('stage', stage);
    if (o.mine ?? p.mine) q.set('mine', '1');
    if ((o.page ?? 1) > 1) q.set('page', String(o.page));
    const s = q.toString();
    return s ? `/admin/referrals?${s}` : '/admin/referrals';
  };
  const openCount = (['received', 'casual_talk', 'interviews', 'offer'] as const).reduce((n, s) => n + (p.counts.get(s) ?? 0), 0);
  const allCount = [...p.counts.values()].reduce((n, c) => n + c, 0);
  const tabs: { stage: PipelineFilter['stage']; label: string; count: number }[] = [
    { stage: 'open', label: a.open, count: openCount },
    ...PIPELINE_STAGES.map((s) => ({ stage: s, label: r.stages[s], count: p.counts.get(s) ?? 0 })),
    { stage: 'all', label: a.all, count: allCount },
  ];
  return (
    <div>
      <h1>{a.title}</h1>
      <p class="lead">{p.all ? a.intro : a.introAssigned}</p>
      {p.all ? (
        <p class="actions">
          {p.mine ? <a href={href({ mine: false })}>{a.everyone}</a> : <a href={href({ mine: true })}>{a.mine}</a>}
        </p>
      ) : null}
      <nav class="tabs" aria-label={a.filterLabel}>
        <span class="tabs__label">{a.filterLabel}:</span>
        <ul>
          {tabs.map((tab) => (
            <li>
              <a href={href({ stage: tab.stage })} aria-current={p.stage === tab.stage ? 'page' : undefined}>
                {fmt(a.tabCount, { label: tab.label, count: tab.count })}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <p class="card">{a.empty}</p>
      ) : (
        <TableWrap label={a.tableLabel}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.candidate}</th>
                <th scope="col">{a.opportunity}</th>
                <th scope="col">{a.referrer}</th>
                <th scope="col">{a.stage}</th>
                <th scope="col">{a.waiting}</th>
                <th scope="col">{a.assignee}</th>
                <th scope="col">{a.submitted}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((row) => (
                <tr>
                  <td>
                    <a href={`/admin/referrals/${row.id}`}>{row.candidateName}</a>
                  </td>
                  <td>{row.opportunityTitle ?? r.closedOpportunity}</td>
                  <td>{row.referrerName}</td>
                  <td class="nowrap">{r.stages[row.stage]}</td>
                  <td class="nowrap">{waitingText(m, row.stageChangedAt, p.now)}</td>
                  <td>{row.assigneeName ?? a.unassigned}</td>
                  <td class="nowrap">{formatDate(row.createdAt, locale, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Pager m={m} label={a.pagesLabel} page={p.page} hasNext={p.hasNext} href={(n) => href({ page: n })} />
    </div>
  );
}

export function CasePage(p: {
  v: ViewBase;
  referral: ReferralDetail;
  notes: CaseNote[];
  history: Transition[];
  canAssign: boolean;
  /** The viewer's e-mail address ("assign to me"). */
  me: string;
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const r = m.referrals;
  const c = r.case;
  const x = p.referral;
  const base = `/admin/referrals/${x.id}`;
  return (
    <div class="narrow-wide">
      <p>
        <a href="/admin/referrals">{c.back}</a>
      </p>
      <h1>{fmt(c.title, { name: x.candidateName })}</h1>
      <ErrorSummary m={m} errors={p.errors} />
      <section class="card" aria-labelledby="candidate-title">
        <h2 id="candidate-title">{c.detailsTitle}</h2>
        <dl class="facts">
          <dt>{c.email}</dt>
          <dd>
            <a href={`mailto:${x.candidateEmail}`}>{x.candidateEmail}</a>
          </dd>
          <dt>{c.phone}</dt>
          <dd>{x.candidatePhone ?? c.noPhone}</dd>
          <dt>{c.agreedAt}</dt>
          <dd>{formatDateTime(x.candidateAgreedAt, locale, timeZone)}</dd>
          <dt>{c.opportunity}</dt>
          <dd>{x.opportunityId && x.opportunityTitle ? <a href={`/opportunities/${x.opportunityId}`}>{x.opportunityTitle}</a> : r.closedOpportunity}</dd>
          <dt>{c.referrer}</dt>
          <dd>{x.referrerName}</dd>
          <dt>{c.submitted}</dt>
          <dd>{formatDateTime(x.createdAt, locale, timeZone)}</dd>
          <dt>{c.source}</dt>
          <dd>{x.source ? <code>{x.source}</code> : c.noSource}</dd>
        </dl>
        <h3>{c.referrerNote}</h3>
        {x.note ? <div class="prose">{raw(renderMarkdown(x.note))}</div> : <p class="hint">{c.noNote}</p>}
      </section>

      <section class="card" aria-labelledby="stage-title">
        <h2 id="stage-title">{c.stageTitle}</h2>
        <p>{fmt(c.stageNow, { stage: r.stages[x.stage], date: formatDate(x.stageChangedAt, locale, timeZone) })}</p>
        <form method="post" action={`${base}/stage`}>
          <CsrfField token={csrfToken} />
          <Select
            m={m}
            name="stage"
            label={c.stageLabel}
            hint={c.stageHint}
            value={p.values.stage ?? x.stage}
            error={p.errors.stage}
            options={PIPELINE_STAGES.map((s) => ({ value: s, label: r.stages[s] }))}
          />
          <button type="submit" class="button">
            {c.move}
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="assignee-title">
        <h2 id="assignee-title">{c.assignTitle}</h2>
        <p>{fmt(c.assigneeNow, { name: x.assigneeName ?? r.admin.unassigned })}</p>
        {p.canAssign ? (
          <>
            <form method="post" action={`${base}/assign`}>
              <CsrfField token={csrfToken} />
              <Input
                m={m}
                name="assignee"
                type="email"
                label={c.assigneeLabel}
                hint={c.assigneeHint}
                value={p.values.assignee ?? x.assigneeEmail ?? ''}
                error={p.errors.assignee}
                maxlength={MAX_EMAIL}
                autocomplete="off"
                inputmode="email"
              />
              <button type="submit" class="button button--secondary">
                {c.assign}
              </button>
            </form>
            {x.assigneeEmail?.toLowerCase() !== p.me.toLowerCase() ? (
              <form method="post" action={`${base}/assign`} class="inline-form">
                <CsrfField token={csrfToken} />
                <input type="hidden" name="assignee" value={p.me} />
                <button type="submit" class="link-button">
                  {c.assignMe}
                </button>
              </form>
            ) : null}
          </>
        ) : null}
      </section>

      <section class="card" aria-labelledby="notes-title">
        <h2 id="notes-title">{c.notesTitle}</h2>
        <p class="hint">{c.notesHint}</p>
        {p.notes.length === 0 ? (
          <p>{c.noNotes}</p>
        ) : (
          <ul class="plain-list">
            {p.notes.map((n) => (
              <li class="card" id={`note-${n.id}`}>
                <p class="hint">{fmt(c.by, { name: n.authorName ?? c.unknownAuthor, date: formatDateTime(n.createdAt, locale, timeZone) })}</p>
                <div class="prose">{raw(renderMarkdown(n.body))}</div>
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`${base}/notes`}>
          <CsrfField token={csrfToken} />
          <TextArea m={m} name="body" label={c.noteLabel} value={p.values.body} error={p.errors.body} rows={4} maxlength={MAX_NOTE} required />
          <button type="submit" class="button button--secondary">
            {c.addNote}
          </button>
        </form>
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{c.historyTitle}</h2>
        <ol class="timeline">
          {p.history.map((h) => {
            const vars = { date: formatDateTime(h.at, locale, timeZone), from: stageName(m, h.fromState), to: stageName(m, h.toState), name: h.actorName ?? c.unknownAuthor };
            return <li>{fmt(h.fromState ? c.historyEntry : c.historyFirst, vars)}</li>;
          })}
        </ol>
      </section>
    </div>
  );
}
