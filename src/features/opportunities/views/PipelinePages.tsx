/** Staff pipeline pages: the board (or one stage's list), one application, and the operators' insights. */
import { PIPELINE_STAGES, RETURN_REASONS, type PipelineStage } from '../../../db/schema.ts';
import { fmt, formatDate, formatDateTime } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import type { PresentedProfile } from '../../profiles/profile.present.ts';
import { industryLabel, locationLabel, TenureList } from '../../profiles/views/ProfileParts.tsx';
import { MAX_INTERNAL_NOTE, MAX_MESSAGE } from '../application.form.ts';
import type { CaseNote, Insights, PipelineCard, PipelineView, StaffApplicationPage } from '../applications.service.ts';
import { FINAL_STAGES, LIVE_STAGES } from '../applications.service.ts';
import { daysSince, type ViewBase } from '../opportunities.present.ts';
import { Answers } from './parts.tsx';

export type KindFilter = 'return' | 'opportunity' | undefined;

function query(q: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function Age({ v, since, now }: { v: ViewBase; since: Date; now: Date }) {
  const p = v.m.opportunities.pipeline;
  const days = daysSince(since, now);
  return <>{days === 0 ? p.inStageToday : fmt(p.inStage, { days })}</>;
}

function Card({ v, card, now }: { v: ViewBase; card: PipelineCard; now: Date }) {
  const o = v.m.opportunities;
  return (
    <li class="feed-item">
      <a href={`/admin/applications/${card.id}`}>{card.applicantName}</a>
      <p class="small">{card.opportunityTitle ?? o.returnTitle}</p>
      <p class="muted small">
        <Age v={v} since={card.stageChangedAt} now={now} /> · {card.assigneeName ? fmt(o.pipeline.assignee, { name: card.assigneeName }) : o.pipeline.unassigned}
      </p>
    </li>
  );
}

export function PipelinePage(p: {
  v: ViewBase;
  view: PipelineView;
  stage: PipelineStage | undefined;
  kind: KindFilter;
  opportunityId: string | undefined;
  page: number;
  isOperator: boolean;
  now: Date;
}) {
  const { m, locale, timeZone } = p.v;
  const o = m.opportunities;
  const pl = o.pipeline;
  const href = (over: { stage?: string | undefined; kind?: string | undefined; page?: number }) =>
    `/admin/applications${query({
      opportunity: p.opportunityId,
      kind: 'kind' in over ? over.kind : p.kind,
      stage: 'stage' in over ? over.stage : p.stage,
      page: over.page && over.page > 1 ? String(over.page) : undefined,
    })}`;
  const count = (s: PipelineStage) => p.view.counts.get(s) ?? 0;
  return (
    <div>
      <h1>{p.stage ? `${pl.title}: ${o.stages[p.stage]}` : pl.title}</h1>
      <p>{p.view.assignedOnly ? pl.assignedIntro : pl.intro}</p>
      {p.isOperator ? (
        <p class="actions">
          <a href="/admin/applications/insights">{pl.insights}</a>
          <a href="/admin/opportunities">{pl.opportunities}</a>
        </p>
      ) : null}
      <nav class="tabs" aria-label={pl.tabsLabel}>
        <ul>
          <li>
            <a href={href({ stage: undefined })} aria-current={p.stage ? undefined : 'page'}>
              {pl.board} ({LIVE_STAGES.reduce((n, s) => n + count(s), 0)})
            </a>
          </li>
          {PIPELINE_STAGES.map((s) => (
            <li>
              <a href={href({ stage: s })} aria-current={p.stage === s ? 'page' : undefined}>
                {o.stages[s]} ({count(s)})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <nav class="tabs" aria-label={pl.kindsLabel}>
        <ul>
          {([undefined, 'return', 'opportunity'] as const).map((k) => (
            <li>
              <a href={href({ kind: k })} aria-current={p.kind === k ? 'page' : undefined}>
                {k ? pl.kinds[k] : pl.kindAll}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.view.board
        ? p.view.board.map((column) => (
            <section class="card" aria-labelledby={`stage-${column.stage}`}>
              <h2 id={`stage-${column.stage}`}>
                {o.stages[column.stage]} ({column.total})
              </h2>
              {column.cards.length ? (
                <ul class="feed">
                  {column.cards.map((card) => (
                    <Card v={p.v} card={card} now={p.now} />
                  ))}
                </ul>
              ) : (
                <p class="muted">{pl.empty}</p>
              )}
              {column.total > column.cards.length ? (
                <p>
                  <a href={href({ stage: column.stage })}>{fmt(pl.seeAll, { count: column.total })}</a>
                </p>
              ) : null}
            </section>
          ))
        : null}
      {p.view.list ? (
        p.view.list.cards.length ? (
          <TableWrap label={pl.tableLabel}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{pl.columns.applicant}</th>
                  <th scope="col">{pl.columns.about}</th>
                  <th scope="col">{pl.columns.assignee}</th>
                  <th scope="col">{pl.columns.since}</th>
                  <th scope="col">{pl.columns.applied}</th>
                </tr>
              </thead>
              <tbody>
                {p.view.list.cards.map((card) => (
                  <tr>
                    <td>
                      <a href={`/admin/applications/${card.id}`}>{card.applicantName}</a>
                    </td>
                    <td>{card.opportunityTitle ?? o.returnTitle}</td>
                    <td>{card.assigneeName ?? pl.unassigned}</td>
                    <td class="nowrap">{fmt(pl.days, { days: daysSince(card.stageChangedAt, p.now) })}</td>
                    <td class="nowrap">{formatDate(card.createdAt, locale, timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : (
          <p class="muted">{pl.empty}</p>
        )
      ) : null}
      {p.view.list && (p.page > 1 || p.view.list.hasNext) ? (
        <nav class="pager" aria-label={pl.pagesLabel}>
          {p.page > 1 ? <a href={href({ page: p.page - 1 })}>{o.list.previous}</a> : null}
          {p.view.list.hasNext ? <a href={href({ page: p.page + 1 })}>{o.list.next}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}

/** The profile as company staff could see it when the person applied (a stored snapshot). */
function Snapshot({ v, snapshot }: { v: ViewBase; snapshot: Partial<PresentedProfile> }) {
  const { m, locale } = v;
  const f = m.profiles.fields;
  const work = [snapshot.currentTitle, snapshot.currentEmployer].filter(Boolean).join(' · ');
  const rows: [string, unknown][] = [];
  if (work) rows.push([f.currentEmployer, work]);
  if (snapshot.industry) rows.push([f.industry, industryLabel(m, snapshot.industry)]);
  if (snapshot.location) rows.push([f.location, locationLabel(m, locale, snapshot.location)]);
  if (snapshot.skills?.length) rows.push([f.skills, snapshot.skills.join(locale === 'ja' ? '、' : ', ')]);
  if (snapshot.career?.length) {
    rows.push([
      f.career,
      <ul class="plain-list">
        {snapshot.career.map((c) => (
          <li>
            {c.employer}
            {c.title ? ` · ${c.title}` : ''} <span class="muted nowrap">({c.fromMonth ?? ''}–{c.toMonth ?? m.profiles.present})</span>
          </li>
        ))}
      </ul>,
    ]);
  }
  if (snapshot.achievements) rows.push([f.achievements, <span class="prose">{snapshot.achievements}</span>]);
  if (snapshot.bioJa || snapshot.bioEn) rows.push([f.bio, <span class="prose">{[snapshot.bioJa, snapshot.bioEn].filter(Boolean).join('\n\n')}</span>]);
  if (snapshot.tenure) rows.push([f.tenure, <TenureList m={m} locale={locale} tenure={snapshot.tenure} />]);
  if (snapshot.links?.length) {
    rows.push([
      f.links,
      <ul class="plain-list">
        {snapshot.links.map((l) => (
          <li>{/^https?:\/\//i.test(l.url) ? <a href={l.url} rel="nofollow noopener noreferrer ugc">{l.label || l.url}</a> : l.label}</li>
        ))}
      </ul>,
    ]);
  }
  if (!rows.length) return <p class="muted">{m.opportunities.detail.snapshotEmpty}</p>;
  return (
    <dl class="facts">
      {rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/** Notes of an application, oldest first, with when and by whom. */
function Notes({ v, notes, empty }: { v: ViewBase; notes: CaseNote[]; empty: string }) {
  const { m, locale, timeZone } = v;
  if (!notes.length) return <p class="muted">{empty}</p>;
  return (
    <ul class="feed">
      {notes.map((n) => (
        <li class="feed-item">
          <p class="muted small">
            {formatDateTime(n.createdAt, locale, timeZone)} {n.authorName ? fmt(m.opportunities.detail.by, { name: n.authorName }) : ''}
          </p>
          <p class="prose">{n.body}</p>
        </li>
      ))}
    </ul>
  );
}

export interface StageForm {
  values: Record<string, string>;
  errors: FieldErrors;
}

export function ApplicationStaffPage(p: {
  v: ViewBase;
  page: StaffApplicationPage;
  today: string;
  stageForm?: StageForm | undefined;
  assignForm?: StageForm | undefined;
  noteForm?: StageForm | undefined;
}) {
  const { m, locale, timeZone } = p.v;
  const o = m.opportunities;
  const d = o.detail;
  const a = p.page.application;
  const final = (FINAL_STAGES as readonly string[]).includes(a.stage);
  const stageValues = p.stageForm?.values ?? { stage: a.stage, startsOn: p.today };
  const errors = { ...p.stageForm?.errors, ...p.assignForm?.errors, ...p.noteForm?.errors };
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href="/admin/applications">← {d.back}</a>
      </p>
      <h1>
        {a.applicantName}: {a.opportunityTitle ?? o.returnTitle}
      </h1>
      <ErrorSummary m={m} errors={errors} />
      <div class="card">
        <dl class="facts">
          <dt>{d.stage}</dt>
          <dd>
            <strong>{o.stages[a.stage]}</strong> <span class="muted small">{fmt(o.application.since, { date: formatDate(a.stageChangedAt, locale, timeZone) })}</span>
          </dd>
          <dt>{d.kind}</dt>
          <dd>{o.pipeline.kinds[a.kind]}</dd>
          {a.opportunityId ? (
            <>
              <dt>{d.opportunity}</dt>
              <dd>
                <a href={`/opportunities/${a.opportunityId}`}>{a.opportunityTitle}</a> ({a.opportunityKind ? o.kinds[a.opportunityKind] : ''})
              </dd>
            </>
          ) : null}
          <dt>{d.applicant}</dt>
          <dd>{a.applicantName}</dd>
          <dt>{d.applied}</dt>
          <dd>{formatDateTime(a.createdAt, locale, timeZone)}</dd>
          <dt>{d.assignee}</dt>
          <dd>{a.assigneeName ?? d.noOne}</dd>
          <dt>{d.source}</dt>
          <dd>{a.source ? <code>{a.source}</code> : d.noSource}</dd>
          {p.page.rehireEligible ? (
            <>
              <dt>{d.rehire}</dt>
              <dd>
                <strong>{d.rehireValues[p.page.rehireEligible]}</strong>
                <span class="hint"> {d.rehireHint}</span>
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      <section class="card" aria-labelledby="about-title">
        <h2 id="about-title">{d.about}</h2>
        <Answers
          items={[
            [d.whatChanged, a.whatChanged],
            [d.whatNeeded, a.whatNeeded],
            [d.reasons, a.reasons.length ? a.reasons.map((r) => o.reasons[r]).join(locale === 'ja' ? '、' : ', ') : null],
            [d.note, a.note ?? m.common.none],
          ]}
        />
      </section>
      <section class="card" aria-labelledby="snapshot-title">
        <h2 id="snapshot-title">{d.snapshot}</h2>
        <p class="hint">{d.snapshotHint}</p>
        <Snapshot v={p.v} snapshot={a.profileSnapshot as Partial<PresentedProfile>} />
      </section>
      {p.page.canManage ? (
        <section class="card" aria-labelledby="stage-title" id="stage">
          <h2 id="stage-title">{d.stageTitle}</h2>
          {final ? (
            <p>{fmt(d.final, { stage: o.stages[a.stage] })}</p>
          ) : (
            <form method="post" action={`/admin/applications/${a.id}/stage`} novalidate>
              <CsrfField token={p.v.csrfToken} />
              <Select m={m} name="stage" label={d.stageField} value={stageValues.stage} error={p.stageForm?.errors.stage} required options={PIPELINE_STAGES.map((s) => ({ value: s, label: o.stages[s] }))} />
              <TextArea m={m} name="message" label={d.message} hint={fmt(d.messageHint, { max: MAX_MESSAGE })} value={stageValues.message} error={p.stageForm?.errors.message} maxlength={MAX_MESSAGE} rows={4} />
              <Input m={m} name="startsOn" type="date" label={d.startsOn} hint={d.startsOnHint} value={stageValues.startsOn} error={p.stageForm?.errors.startsOn} />
              <Submit label={d.move} />
            </form>
          )}
        </section>
      ) : null}
      {p.page.canManage ? (
        <section class="card" aria-labelledby="assign-title" id="assign">
          <h2 id="assign-title">{d.assignTitle}</h2>
          <form method="post" action={`/admin/applications/${a.id}/assign`} novalidate>
            <CsrfField token={p.v.csrfToken} />
            <Input
              m={m}
              name="email"
              type="email"
              inputmode="email"
              label={d.assigneeEmail}
              hint={d.assigneeHint}
              value={p.assignForm?.values.email ?? a.assigneeEmail ?? ''}
              error={p.assignForm?.errors.email}
              autocomplete="off"
            />
            <Submit label={d.assign} secondary />
          </form>
        </section>
      ) : null}
      <section aria-labelledby="messages-title">
        <h2 id="messages-title">{d.messagesTitle}</h2>
        <Notes v={p.v} notes={p.page.messages} empty={d.noMessages} />
      </section>
      <section class="card" aria-labelledby="notes-title" id="notes">
        <h2 id="notes-title">{d.notesTitle}</h2>
        <p class="hint">{d.notesHint}</p>
        <Notes v={p.v} notes={p.page.internalNotes} empty={d.noNotes} />
        <form method="post" action={`/admin/applications/${a.id}/notes`} novalidate>
          <CsrfField token={p.v.csrfToken} />
          <TextArea m={m} name="body" label={d.noteField} value={p.noteForm?.values.body} error={p.noteForm?.errors.body} maxlength={MAX_INTERNAL_NOTE} rows={3} required />
          <Submit label={d.addNote} secondary />
        </form>
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">{d.history}</h2>
        <ol class="timeline">
          {p.page.history.map((h) => (
            <li>
              {h.fromState ? fmt(d.historyEntry, { from: o.stages[h.fromState as PipelineStage] ?? h.fromState, to: o.stages[h.toState as PipelineStage] ?? h.toState }) : d.historyFirst}{' '}
              <span class="muted small">
                {formatDateTime(h.at, locale, timeZone)} {h.actorName ? fmt(d.by, { name: h.actorName }) : ''}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

export function InsightsPage({ v, data, kind }: { v: ViewBase; data: Insights; kind: KindFilter }) {
  const { m } = v;
  const o = m.opportunities;
  const s = o.insights;
  const times = new Map(data.times.map((t) => [t.stage, t]));
  const oneDecimal = new Intl.NumberFormat(v.locale === 'ja' ? 'ja-JP' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href="/admin/applications">← {o.pipeline.title}</a>
      </p>
      <h1>{s.title}</h1>
      <p>{s.intro}</p>
      <nav class="tabs" aria-label={s.kindsLabel}>
        <ul>
          {([undefined, 'return', 'opportunity'] as const).map((k) => (
            <li>
              <a href={`/admin/applications/insights${query({ kind: k })}`} aria-current={kind === k ? 'page' : undefined}>
                {k ? o.pipeline.kinds[k] : o.pipeline.kindAll}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="reasons-title">
        <h2 id="reasons-title">{s.reasonsTitle}</h2>
        <p>{fmt(s.reasonsIntro, { answered: data.reasons.answered })}</p>
        <TableWrap label={s.tableReasons}>
          <table>
            <thead>
              <tr>
                <th scope="col">{s.reason}</th>
                <th scope="col">{s.count}</th>
              </tr>
            </thead>
            <tbody>
              {RETURN_REASONS.map((r) => (
                <tr>
                  <th scope="row">{o.reasons[r]}</th>
                  <td class="num">{data.reasons.counts.get(r) ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section aria-labelledby="stages-title">
        <h2 id="stages-title">{s.stagesTitle}</h2>
        <TableWrap label={s.tableStages}>
          <table>
            <thead>
              <tr>
                <th scope="col">{s.stage}</th>
                <th scope="col">{s.count}</th>
              </tr>
            </thead>
            <tbody>
              {PIPELINE_STAGES.map((st) => (
                <tr>
                  <th scope="row">{o.stages[st]}</th>
                  <td class="num">{data.stages.get(st) ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <section aria-labelledby="times-title">
        <h2 id="times-title">{s.timeTitle}</h2>
        <p>{s.timeIntro}</p>
        <TableWrap label={s.tableTimes}>
          <table>
            <thead>
              <tr>
                <th scope="col">{s.stage}</th>
                <th scope="col">{s.stays}</th>
                <th scope="col">{s.current}</th>
                <th scope="col">{s.averageDays}</th>
              </tr>
            </thead>
            <tbody>
              {LIVE_STAGES.map((st) => {
                const t = times.get(st);
                return (
                  <tr>
                    <th scope="row">{o.stages[st]}</th>
                    <td class="num">{t?.stays ?? 0}</td>
                    <td class="num">{t?.current ?? 0}</td>
                    <td class="num">{t ? oneDecimal.format(t.averageDays) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      </section>
    </div>
  );
}
