import { fmt, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, Submit } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { ROSTER_FIELDS, type RosterField, type RowError } from '../roster.parse.ts';
import type { ImportRow } from '../roster.service.ts';

interface Base {
  m: Messages;
  csrfToken: string;
}

export interface RosterListRow {
  id: string;
  employeeNumber: string;
  name: string;
  nameKana: string | null;
  department: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  rehireEligible: 'yes' | 'no' | 'unknown';
  contactConsent: boolean;
  hasEmail: boolean;
}

export function RosterPage({ m, rows, total, q, nextHref }: Base & { rows: RosterListRow[]; total: number; q: string; nextHref?: string | undefined }) {
  const r = m.roster;
  return (
    <div>
      <h1>{r.title}</h1>
      <p class="lead">{r.intro}</p>
      <p class="actions">
        <a class="button" href="/admin/roster/import">
          {r.import}
        </a>
        <a class="button button--secondary" href="/admin/roster/export.csv">
          {r.export}
        </a>
      </p>
      <p role="status">{fmt(r.count, { count: total.toLocaleString() })}</p>
      <form method="get" action="/admin/roster" class="filters card" role="search">
        <div class="field">
          <label for="q">{r.search}</label>
          <input id="q" name="q" type="search" value={q} maxlength={100} />
        </div>
        <button type="submit" class="button button--secondary">
          {m.common.search}
        </button>
      </form>
      {rows.length === 0 ? (
        <p>{r.empty}</p>
      ) : (
        <TableWrap label={r.title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{r.colNumber}</th>
                <th scope="col">{r.colName}</th>
                <th scope="col">{r.colDepartment}</th>
                <th scope="col">{r.colJoined}</th>
                <th scope="col">{r.colLeft}</th>
                <th scope="col">{r.colRehire}</th>
                <th scope="col">{r.colConsent}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((x) => (
                <tr>
                  <td>
                    <a href={`/admin/roster/entries/${x.id}`}>{x.employeeNumber}</a>
                  </td>
                  <td>
                    {x.name}
                    {x.nameKana ? <div class="muted small">{x.nameKana}</div> : null}
                  </td>
                  <td>{x.department ?? '—'}</td>
                  <td class="nowrap">{x.joinedOn ?? '—'}</td>
                  <td class="nowrap">{x.leftOn ?? '—'}</td>
                  <td>{r.rehire[x.rehireEligible]}</td>
                  <td>{x.contactConsent ? m.common.yes : m.common.no}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {nextHref ? (
        <nav class="pager" aria-label={m.common.more}>
          <a href={nextHref}>{m.common.next}</a>
        </nav>
      ) : null}
    </div>
  );
}

export function UploadPage({ m, csrfToken, error }: Base & { error?: string | undefined }) {
  const r = m.roster;
  return (
    <div class="narrow">
      <p>
        <a href="/admin/roster">{r.back}</a>
      </p>
      <h1>{r.importTitle}</h1>
      <p class="lead">{r.importIntro}</p>
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <form method="post" action="/admin/roster/import" enctype="multipart/form-data" class="card">
        <CsrfField token={csrfToken} />
        <div class={`field${error ? ' field--error' : ''}`}>
          <label for="f-file">{r.file}</label>
          <p class="hint" id="f-file-hint">
            {r.fileHint}
          </p>
          <input id="f-file" name="file" type="file" accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values" required aria-describedby="f-file-hint" />
        </div>
        <div class="field">
          <label for="f-encoding">{r.encoding}</label>
          <select id="f-encoding" name="encoding">
            {(['auto', 'utf-8', 'shift_jis'] as const).map((e) => (
              <option value={e}>{r.encodings[e]}</option>
            ))}
          </select>
        </div>
        <Submit label={r.upload} />
      </form>
    </div>
  );
}

export function ImportPage({ m, csrfToken, imp, error }: Base & { imp: ImportRow; error?: string | undefined }) {
  const r = m.roster;
  if (imp.state === 'queued' || imp.state === 'running') {
    const total = Math.max(imp.validRows, 1);
    return (
      <div class="narrow">
        <h1>{fmt(r.progressTitle, { file: imp.fileName })}</h1>
        <progress max={total} value={Math.min(imp.processedRows, total)} aria-label={fmt(r.progressTitle, { file: imp.fileName })}>
          {fmt(r.progress, { done: imp.processedRows, total })}
        </progress>
        <p role="status">{fmt(r.progress, { done: imp.processedRows.toLocaleString(), total: imp.validRows.toLocaleString() })}</p>
        <p class="muted">{r.progressRefresh}</p>
      </div>
    );
  }
  if (imp.state === 'done' || imp.state === 'failed') {
    return (
      <div class="narrow">
        <h1>{imp.state === 'done' ? r.doneTitle : fmt(r.progressTitle, { file: imp.fileName })}</h1>
        {imp.state === 'done' ? (
          <p class="notice" role="status">
            {fmt(r.doneSummary, { inserted: imp.inserted, updated: imp.updated, unchanged: imp.unchanged })}
          </p>
        ) : (
          <p class="error-summary" role="alert">
            {fmt(r.failed, { error: imp.error ?? '' })}
          </p>
        )}
        <p>
          <a href="/admin/roster">{r.back}</a>
        </p>
      </div>
    );
  }
  const preview = imp.preview as { errors: RowError[]; sample: Record<string, unknown>[]; errorCounts: Record<string, number> };
  const fieldFor = (i: number): RosterField | '' => (Object.entries(imp.mapping).find(([, v]) => v === i)?.[0] as RosterField) ?? '';
  const label = (f: RosterField | null) => (f ? r.fields[f] : '—');
  // Without the two required columns nothing can be imported: say why there is no import button.
  const unmapped = imp.mapping.employeeNumber === undefined || imp.mapping.name === undefined;
  return (
    <div>
      <p>
        <a href="/admin/roster">{r.back}</a>
      </p>
      <h1>{fmt(r.previewTitle, { file: imp.fileName })}</h1>
      <p class="lead" role="status">
        {fmt(r.summary, { total: imp.totalRows.toLocaleString(), encoding: imp.encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8', valid: imp.validRows.toLocaleString(), errors: imp.errorRows.toLocaleString() })}
      </p>
      {error ? (
        <div class="error-summary" role="alert">
          <p>{error}</p>
        </div>
      ) : unmapped ? (
        <p class="notice notice--warning">{r.mappingMissing}</p>
      ) : null}
      <section class="card">
        <h2>{r.mappingTitle}</h2>
        <p class="hint">{r.mappingHint}</p>
        <form method="post" action={`/admin/roster/imports/${imp.id}/mapping`}>
          <CsrfField token={csrfToken} />
          <TableWrap label={r.mappingTitle}>
            <table class="mapping">
              <thead>
                <tr>
                  <th scope="col">{r.column}</th>
                  <th scope="col">{r.field}</th>
                </tr>
              </thead>
              <tbody>
                {imp.headers.map((h, i) => (
                  <tr>
                    <td>
                      <label for={`col-${i}`}>{h || `#${i + 1}`}</label>
                    </td>
                    <td>
                      <select id={`col-${i}`} name={`col-${i}`}>
                        <option value="">{r.ignore}</option>
                        {ROSTER_FIELDS.map((f) => (
                          <option value={f} selected={fieldFor(i) === f}>
                            {r.fields[f]}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Submit label={r.applyMapping} secondary />
        </form>
      </section>
      {preview.errors.length > 0 ? (
        <section class="card">
          <h2>{r.errorsTitle}</h2>
          <p class="hint">{r.errorsHint}</p>
          <TableWrap label={r.errorsTitle}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{r.errorLine}</th>
                  <th scope="col">{r.errorField}</th>
                  <th scope="col">{r.errorProblem}</th>
                  <th scope="col">{r.errorValue}</th>
                </tr>
              </thead>
              <tbody>
                {preview.errors.map((e) => (
                  <tr>
                    <td>{e.line}</td>
                    <td>{label(e.field)}</td>
                    <td>{r.errors[e.code]}</td>
                    <td>{e.value ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {imp.errorRows > preview.errors.length ? <p class="muted">{fmt(r.moreErrors, { shown: preview.errors.length })}</p> : null}
        </section>
      ) : null}
      {preview.sample.length > 0 ? (
        <section class="card">
          <h2>{r.sampleTitle}</h2>
          <TableWrap label={r.sampleTitle}>
            <table>
              <thead>
                <tr>
                  {(['employeeNumber', 'name', 'nameKana', 'department', 'joinedOn', 'leftOn'] as const).map((f) => (
                    <th scope="col">{r.fields[f]}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.sample.map((row) => (
                  <tr>
                    {(['employeeNumber', 'name', 'nameKana', 'department', 'joinedOn', 'leftOn'] as const).map((f) => (
                      <td class={f === 'joinedOn' || f === 'leftOn' ? 'nowrap' : undefined}>{String(row[f] ?? '—')}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}
      {imp.validRows > 0 ? (
        <form method="post" action={`/admin/roster/imports/${imp.id}/commit`}>
          <CsrfField token={csrfToken} />
          <Submit label={fmt(r.commit, { count: imp.validRows.toLocaleString() })} />
        </form>
      ) : null}
    </div>
  );
}
