/** Operators' opportunity pages: the list with application counts, and the editor (publish, reopen, close). */
import { OPPORTUNITY_AUDIENCES, OPPORTUNITY_KINDS, WANTS, WORK_STYLES } from '../../../db/schema.ts';
import { fmt, formatDate } from '../../../shared/i18n/index.ts';
import { Checkbox, Checkboxes, CsrfField, ErrorSummary, Input, Radios, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import type { AdminListRow, EditorChoices, OpportunityRow } from '../opportunities.service.ts';
import { MAX_DESCRIPTION, MAX_LOCATION, MAX_TITLE } from '../opportunity.form.ts';
import { closingDate, departmentLabel, type ViewBase } from '../opportunities.present.ts';

export function AdminOpportunityListPage({ v, rows, page, hasNext }: { v: ViewBase; rows: AdminListRow[]; page: number; hasNext: boolean }) {
  const { m, locale, timeZone } = v;
  const o = m.opportunities;
  const c = o.admin.columns;
  return (
    <div>
      <h1>{o.admin.title}</h1>
      <p>{o.admin.intro}</p>
      <p class="actions">
        <a class="button" href="/admin/opportunities/new">
          {o.admin.new}
        </a>
        <a class="button button--secondary" href="/admin/applications">
          {o.admin.pipeline}
        </a>
        <a class="button button--secondary" href="/admin/applications/insights">
          {o.admin.insights}
        </a>
      </p>
      {rows.length ? (
        <TableWrap label={o.admin.tableLabel}>
          <table>
            <thead>
              <tr>
                <th scope="col">{c.title}</th>
                <th scope="col">{c.kind}</th>
                <th scope="col">{c.state}</th>
                <th scope="col">{c.audience}</th>
                <th scope="col">{c.closes}</th>
                <th scope="col">{c.applications}</th>
                <th scope="col">{c.updated}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/admin/opportunities/${r.id}/edit`}>{r.title}</a>
                  </td>
                  <td>{o.kinds[r.kind]}</td>
                  <td>{o.states[r.shownState]}</td>
                  <td>{r.segmentName ? `${o.audiences[r.audience]}: ${r.segmentName}` : o.audiences[r.audience]}</td>
                  <td class="nowrap">{r.closesAt ? closingDate(r.closesAt, locale, timeZone) : '—'}</td>
                  <td>
                    <a href={`/admin/applications?opportunity=${r.id}`}>{fmt(o.admin.counts, { live: r.live, total: r.total })}</a>
                  </td>
                  <td class="nowrap">{formatDate(r.updatedAt, locale, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : (
        <p class="muted">{o.admin.empty}</p>
      )}
      {page > 1 || hasNext ? (
        <nav class="pager" aria-label={o.admin.pagesLabel}>
          {page > 1 ? <a href={`/admin/opportunities?page=${page - 1}`}>{o.list.previous}</a> : null}
          {hasNext ? <a href={`/admin/opportunities?page=${page + 1}`}>{o.list.next}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}

export function OpportunityEditorPage(p: { v: ViewBase; existing: OpportunityRow | null; values: Record<string, string>; errors: FieldErrors; choices: EditorChoices }) {
  const { m, locale } = p.v;
  const o = m.opportunities;
  const ed = o.editor;
  const val = p.values;
  const state = p.existing?.state ?? 'draft';
  const action = p.existing ? `/admin/opportunities/${p.existing.id}/edit` : '/admin/opportunities/new';
  return (
    <div class="narrow-wide">
      <p class="small">
        <a href="/admin/opportunities">← {o.admin.title}</a>
      </p>
      <h1>{p.existing ? ed.editTitle : ed.newTitle}</h1>
      <p>{ed.intro}</p>
      {p.existing ? (
        <p>
          <span class="badge">{fmt(ed.state, { state: o.states[state] })}</span>{' '}
          {state !== 'draft' ? <a href={`/opportunities/${p.existing.id}`}>{ed.preview}</a> : null}
        </p>
      ) : null}
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action={action} class="profile-form" novalidate>
        <CsrfField token={p.v.csrfToken} />
        <fieldset class="card">
          <legend>{ed.basics}</legend>
          <Select m={m} name="kind" label={ed.kind} value={val.kind} error={p.errors.kind} required options={OPPORTUNITY_KINDS.map((k) => ({ value: k, label: o.kinds[k] }))} />
          <Input m={m} name="title" label={ed.titleField} value={val.title} error={p.errors.title} maxlength={MAX_TITLE} required />
          <TextArea
            m={m}
            name="description"
            label={ed.description}
            hint={fmt(ed.descriptionHint, { max: MAX_DESCRIPTION })}
            value={val.description}
            error={p.errors.description}
            maxlength={MAX_DESCRIPTION}
            rows={10}
            required
          />
          <Select
            m={m}
            name="departmentId"
            label={ed.department}
            value={val.departmentId}
            error={p.errors.departmentId}
            options={[{ value: '', label: ed.noDepartment }, ...p.choices.departments.map((d) => ({ value: d.id, label: departmentLabel(locale, d) ?? d.nameJa }))]}
          />
        </fieldset>
        <fieldset class="card">
          <legend>{ed.where}</legend>
          <Input m={m} name="location" label={ed.location} hint={fmt(ed.locationHint, { max: MAX_LOCATION })} value={val.location} error={p.errors.location} maxlength={MAX_LOCATION} />
          <Radios m={m} name="workStyle" label={ed.workStyle} value={val.workStyle} error={p.errors.workStyle} required options={WORK_STYLES.map((w) => ({ value: w, label: o.workStyles[w] }))} />
          <Input m={m} name="closesOn" type="date" label={ed.closesOn} hint={fmt(ed.closesOnHint, { zone: p.v.timeZone })} value={val.closesOn} error={p.errors.closesOn} />
        </fieldset>
        <fieldset class="card">
          <legend>{ed.who}</legend>
          <Radios
            m={m}
            name="audience"
            label={ed.audience}
            hint={ed.audienceHint}
            value={val.audience}
            error={p.errors.audience}
            required
            options={OPPORTUNITY_AUDIENCES.filter((a) => a !== 'segment' || p.choices.segments.length).map((a) => ({ value: a, label: o.audiences[a] }))}
          />
          {p.choices.segments.length ? (
            <Select
              m={m}
              name="segmentId"
              label={ed.segment}
              value={val.segmentId}
              error={p.errors.segmentId}
              options={[{ value: '', label: ed.chooseSegment }, ...p.choices.segments.map((s) => ({ value: s.id, label: s.name }))]}
            />
          ) : null}
          <Checkbox m={m} name="referralsOpen" label={ed.referralsOpen} checked={val.referralsOpen === '1'} />
        </fieldset>
        <Checkboxes
          card
          grid
          name="wants"
          legend={ed.wants}
          hint={ed.wantsHint}
          options={WANTS.map((w) => ({ value: w, label: m.profiles.wants[w] }))}
          checked={(val.wants ?? '').split(',')}
        />
        <div class="actions">
          {state === 'open' ? (
            <button type="submit" name="intent" value="publish" class="button">
              {ed.update}
            </button>
          ) : (
            <>
              <button type="submit" name="intent" value="publish" class="button">
                {state === 'closed' ? ed.reopen : ed.publish}
              </button>
              <button type="submit" name="intent" value="draft" class="button button--secondary">
                {state === 'closed' ? ed.save : ed.saveDraft}
              </button>
            </>
          )}
        </div>
      </form>
      {state === 'open' && p.existing ? (
        <section class="card" aria-labelledby="close-title">
          <h2 id="close-title">{ed.closeTitle}</h2>
          <p>{ed.closeHint}</p>
          <form method="post" action={`/admin/opportunities/${p.existing.id}/close`}>
            <CsrfField token={p.v.csrfToken} />
            <Submit label={ed.close} secondary />
          </form>
        </section>
      ) : null}
    </div>
  );
}
