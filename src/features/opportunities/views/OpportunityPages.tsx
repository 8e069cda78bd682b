/** Members' opportunity pages: the list (with their applications and the open door), one opportunity with applying, the return form. */
import { raw } from 'hono/html';
import { RETURN_REASONS } from '../../../db/schema.ts';
import { withSource } from '../../../shared/attribution.ts';
import { fmt, formatDate } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { Checkboxes, CsrfField, ErrorSummary, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { MAX_ANSWER, MAX_NOTE } from '../application.form.ts';
import type { OwnApplication } from '../applications.service.ts';
import type { OpportunityCard, OpportunityPage as OpportunityPageData } from '../opportunities.service.ts';
import { closingDate, departmentLabel, type ViewBase } from '../opportunities.present.ts';

/** The source hidden field: where the visit came from, carried into what the member creates. */
function SourceField({ source }: { source: string | null }) {
  return source ? <input type="hidden" name="src" value={source} /> : null;
}

function OpportunityFacts({ v, kind, department, location, workStyle, closesAt }: { v: ViewBase; kind: OpportunityCard['kind']; department: string | null; location: string | null; workStyle: OpportunityCard['workStyle']; closesAt: Date | null }) {
  const o = v.m.opportunities;
  return (
    <ul class="tags">
      <li>{o.kinds[kind]}</li>
      {department ? <li>{department}</li> : null}
      {location ? <li>{location}</li> : null}
      <li>{o.workStyles[workStyle]}</li>
      {closesAt ? <li>{fmt(o.list.closes, { date: closingDate(closesAt, v.locale, v.timeZone) })}</li> : null}
    </ul>
  );
}

export function OpportunityListPage(p: {
  v: ViewBase;
  cards: OpportunityCard[];
  page: number;
  hasNext: boolean;
  source: string | null;
  /** Alumni: their applications and the open door; null for staff. */
  alumnus: { applications: OwnApplication[]; doorOpen: boolean; liveReturnId: string | null } | null;
  canManage: boolean;
  assignedCount: number;
}) {
  const { m, locale, timeZone } = p.v;
  const o = m.opportunities;
  const link = (path: string) => (p.source ? withSource(path, p.source, p.v.baseUrl) : path);
  const pageHref = (n: number) => link(n > 1 ? `/opportunities?page=${n}` : '/opportunities');
  return (
    <div class="narrow-wide">
      <h1>{o.title}</h1>
      <p>{o.intro}</p>
      {p.canManage || p.assignedCount ? (
        <p class="actions">
          {p.canManage ? (
            <>
              <a class="button button--secondary" href="/admin/opportunities">
                {o.list.manage}
              </a>
              <a class="button button--secondary" href="/admin/applications">
                {o.admin.pipeline}
              </a>
            </>
          ) : null}
          {p.assignedCount ? (
            <a class="button button--secondary" href="/admin/applications">
              {fmt(o.list.assigned, { count: p.assignedCount })}
            </a>
          ) : null}
        </p>
      ) : null}
      <section aria-labelledby="open-now">
        <h2 id="open-now">{o.list.heading}</h2>
        {p.cards.length ? (
          <ul class="feed">
            {p.cards.map((c) => (
              <li class="feed-item">
                <h3>
                  <a href={link(`/opportunities/${c.id}`)}>{c.title}</a>
                </h3>
                <OpportunityFacts
                  v={p.v}
                  kind={c.kind}
                  department={departmentLabel(locale, { nameJa: c.departmentJa, nameEn: c.departmentEn })}
                  location={c.location}
                  workStyle={c.workStyle}
                  closesAt={c.closesAt}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{o.list.empty}</p>
        )}
        {p.page > 1 || p.hasNext ? (
          <nav class="pager" aria-label={o.list.pagesLabel}>
            {p.page > 1 ? <a href={pageHref(p.page - 1)}>{o.list.previous}</a> : null}
            {p.hasNext ? <a href={pageHref(p.page + 1)}>{o.list.next}</a> : null}
          </nav>
        ) : null}
      </section>
      {p.alumnus ? (
        <>
          <section class="card" aria-labelledby="return-title">
            <h2 id="return-title">{o.door.returnTitle}</h2>
            {p.alumnus.liveReturnId ? (
              <p>
                {o.door.returnPending} <a href={`/applications/${p.alumnus.liveReturnId}`}>{o.door.returnSee}</a>
              </p>
            ) : (
              <>
                <p>{o.door.returnIntro}</p>
                <p>
                  <a class="button button--secondary" href={link('/opportunities/return')}>
                    {o.door.returnLink}
                  </a>
                </p>
              </>
            )}
          </section>
          <section class="card" aria-labelledby="door-title" id="open-door">
            <h2 id="door-title">{o.door.title}</h2>
            <p>{o.door.intro}</p>
            <p>
              <strong>{p.alumnus.doorOpen ? o.door.isOpen : o.door.isClosed}</strong>
            </p>
            <form method="post" action="/opportunities/open-door" class="inline-form">
              <CsrfField token={p.v.csrfToken} />
              <input type="hidden" name="open" value={p.alumnus.doorOpen ? '0' : '1'} />
              <Submit label={p.alumnus.doorOpen ? o.door.close : o.door.open} secondary={p.alumnus.doorOpen} />
            </form>
            <p class="hint">{o.door.visibility}</p>
          </section>
          <section aria-labelledby="mine-title">
            <h2 id="mine-title">{o.mine.title}</h2>
            {p.alumnus.applications.length ? (
              <ul class="feed">
                {p.alumnus.applications.map((a) => (
                  <li class="feed-item">
                    <a href={`/applications/${a.id}`}>{a.opportunityTitle ?? o.returnTitle}</a>{' '}
                    <span class="badge">{o.applicantStages[a.stage]}</span>
                    <p class="muted small">{fmt(o.mine.sent, { date: formatDate(a.createdAt, locale, timeZone) })}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{o.mine.none}</p>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}

export function OpportunityPage(p: { v: ViewBase; page: OpportunityPageData; source: string | null; note?: string | undefined; errors: FieldErrors }) {
  const { m, locale, timeZone } = p.v;
  const o = m.opportunities;
  const { opportunity: op, closed } = p.page;
  const department = departmentLabel(locale, p.page.department);
  const back = p.source ? withSource('/opportunities', p.source, p.v.baseUrl) : '/opportunities';
  const referHref = `/opportunities/${op.id}/refer`;
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href={back}>← {o.page.back}</a>
      </p>
      <h1>{op.title}</h1>
      {p.page.canManage ? (
        <p class="actions">
          <span class="badge">{o.states[op.state]}</span>
          <a href={`/admin/opportunities/${op.id}/edit`}>{o.page.edit}</a>
          <a href={`/admin/applications?opportunity=${op.id}`}>{o.page.applications}</a>
        </p>
      ) : null}
      <div class="card">
        <dl class="facts">
          <dt>{o.page.kind}</dt>
          <dd>{o.kinds[op.kind]}</dd>
          {department ? (
            <>
              <dt>{o.page.department}</dt>
              <dd>{department}</dd>
            </>
          ) : null}
          {op.location ? (
            <>
              <dt>{o.page.location}</dt>
              <dd>{op.location}</dd>
            </>
          ) : null}
          <dt>{o.page.workStyle}</dt>
          <dd>{o.workStyles[op.workStyle]}</dd>
          <dt>{o.page.closes}</dt>
          <dd>{op.closesAt ? closingDate(op.closesAt, locale, timeZone) : o.page.noDeadline}</dd>
          {p.page.canManage ? (
            <>
              <dt>{o.page.audience}</dt>
              <dd>{p.page.segmentName ? `${o.audiences[op.audience]}: ${p.page.segmentName}` : o.audiences[op.audience]}</dd>
            </>
          ) : null}
        </dl>
      </div>
      <section aria-labelledby="about-title">
        <h2 id="about-title">{o.page.about}</h2>
        <div>{raw(renderMarkdown(op.description, { headingsFrom: 3 }))}</div>
      </section>
      {p.page.canRefer ? (
        <p>
          <a class="button button--secondary" href={p.source ? withSource(referHref, p.source, p.v.baseUrl) : referHref}>
            {o.page.refer}
          </a>
        </p>
      ) : null}
      <section class="card" aria-labelledby="apply-title" id="apply">
        <h2 id="apply-title">{o.page.applyTitle}</h2>
        {p.page.myApplicationId ? (
          <p>
            <a href={`/applications/${p.page.myApplicationId}`}>{o.page.mine}</a>
          </p>
        ) : closed ? (
          <p class="notice notice--warning">{o.page.closed[closed]}</p>
        ) : p.page.canApply ? (
          <>
            <p>{o.page.applyIntro}</p>
            <ErrorSummary m={m} errors={p.errors} />
            <form method="post" action={`/opportunities/${op.id}/apply`} novalidate>
              <CsrfField token={p.v.csrfToken} />
              <SourceField source={p.source} />
              <TextArea m={m} name="note" label={o.page.note} hint={fmt(o.page.noteHint, { max: MAX_NOTE })} value={p.note} error={p.errors.note} maxlength={MAX_NOTE} rows={4} />
              <Submit label={o.page.apply} />
            </form>
          </>
        ) : (
          <p class="muted">{o.page.onlyAlumni}</p>
        )}
      </section>
    </div>
  );
}

export function ReturnFormPage(p: { v: ViewBase; values: Record<string, string>; reasons: string[]; errors: FieldErrors; source: string | null }) {
  const { m } = p.v;
  const o = m.opportunities;
  const r = o.returnForm;
  return (
    <div class="narrow">
      <p class="small">
        <a href={p.source ? withSource('/opportunities', p.source, p.v.baseUrl) : '/opportunities'}>← {o.title}</a>
      </p>
      <h1>{r.title}</h1>
      <p>{r.intro}</p>
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action="/opportunities/return" novalidate>
        <CsrfField token={p.v.csrfToken} />
        <SourceField source={p.source} />
        <TextArea m={m} name="whatChanged" label={r.whatChanged} hint={fmt(r.whatChangedHint, { max: MAX_ANSWER })} value={p.values.whatChanged} error={p.errors.whatChanged} maxlength={MAX_ANSWER} rows={4} />
        <TextArea m={m} name="whatNeeded" label={r.whatNeeded} hint={fmt(r.whatNeededHint, { max: MAX_ANSWER })} value={p.values.whatNeeded} error={p.errors.whatNeeded} maxlength={MAX_ANSWER} rows={4} />
        <Checkboxes grid name="reasons" legend={r.reasons} hint={r.reasonsHint} options={RETURN_REASONS.map((reason) => ({ value: reason, label: o.reasons[reason] }))} checked={p.reasons} />
        <TextArea m={m} name="note" label={r.note} hint={fmt(r.noteHint, { max: MAX_NOTE })} value={p.values.note} error={p.errors.note} maxlength={MAX_NOTE} rows={3} />
        <p class="hint">{r.snapshot}</p>
        <Submit label={r.submit} />
      </form>
    </div>
  );
}
