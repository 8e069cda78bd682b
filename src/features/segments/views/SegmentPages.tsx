/** Segment list and editor (operators and community managers). */
import { WANTS, type SegmentFilter } from '../../../db/schema.ts';
import { fmt, formatDate, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { INDUSTRIES, PREFECTURES } from '../../profiles/profile.fields.ts';
import { SEGMENT_LANGUAGES, SEGMENT_ROLES, SEGMENT_TOPICS } from '../segment.form.ts';
import { SMALL_COUNT, type SegmentCount } from '../segments.service.ts';

export interface SegmentViewBase {
  m: Messages;
  locale: Locale;
  timeZone: string;
  csrfToken: string;
}

export function CountText({ m, size }: { m: Messages; size: SegmentCount }) {
  return <>{size.rounded ? fmt(m.segments.countFewer, { n: SMALL_COUNT }) : fmt(m.segments.countLabel, { count: size.count.toLocaleString() })}</>;
}

export function SegmentListPage(p: {
  v: SegmentViewBase;
  segments: { id: string; name: string; description: string | null; updatedAt: Date; size: SegmentCount }[];
}) {
  const { m, locale, timeZone } = p.v;
  const s = m.segments;
  return (
    <div>
      <h1>{s.title}</h1>
      <p class="lead">{s.intro}</p>
      <p class="hint">{fmt(s.privacyNote, { n: SMALL_COUNT })}</p>
      <p class="actions">
        <a class="button" href="/admin/segments/new">
          {s.create}
        </a>
      </p>
      {p.segments.length === 0 ? (
        <p>{s.empty}</p>
      ) : (
        <TableWrap label={s.title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{s.form.name}</th>
                <th scope="col">{s.members}</th>
                <th scope="col">{s.updated}</th>
              </tr>
            </thead>
            <tbody>
              {p.segments.map((seg) => (
                <tr>
                  <td>
                    <a href={`/admin/segments/${seg.id}`}>{seg.name}</a>
                    {seg.description ? <div class="hint">{seg.description}</div> : null}
                  </td>
                  <td class="num">{seg.size.rounded ? fmt(s.fewerThan, { n: SMALL_COUNT }) : seg.size.count.toLocaleString()}</td>
                  <td>{formatDate(seg.updatedAt, locale, timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

/** A group of checkboxes, one field per value (`group.value`), in a fieldset (`f-<group>`, where an error summary links). */
function Checks(p: { legend: string; group: string; options: { value: string; label: string }[]; values: Record<string, string>; collapsed?: string; error?: string | undefined }) {
  const ticked = p.options.filter((o) => p.values[`${p.group}.${o.value}`] !== undefined).length;
  const boxes = (
    <div class="choices choices--grid">
      {p.options.map((o) => (
        <label class="choice" for={`f-${p.group}-${o.value}`}>
          <input type="checkbox" id={`f-${p.group}-${o.value}`} name={`${p.group}.${o.value}`} value="1" checked={p.values[`${p.group}.${o.value}`] !== undefined} />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
  return (
    <fieldset class={`field${p.error ? ' field--error' : ''}`} id={`f-${p.group}`}>
      <legend>
        {p.legend}
        {ticked ? ` (${ticked})` : ''}
      </legend>
      {p.error ? <p class="field-error">{p.error}</p> : null}
      {p.collapsed ? (
        <details open={ticked > 0}>
          <summary>{p.collapsed}</summary>
          {boxes}
        </details>
      ) : (
        boxes
      )}
    </fieldset>
  );
}

export function SegmentFormPage(p: {
  v: SegmentViewBase;
  /** Null for a new segment. */
  id: string | null;
  values: Record<string, string>;
  errors: FieldErrors;
  departments: { id: string; nameJa: string; nameEn: string }[];
  /** Groups that may be chosen (not archived). */
  groups: { id: string; name: string }[];
  /** The count of the filter as submitted (after "count members"), or of the saved filter. */
  size: SegmentCount | null;
  filter: SegmentFilter | null;
}) {
  const { m, locale } = p.v;
  const s = m.segments;
  const f = s.form;
  const action = p.id ? `/admin/segments/${p.id}` : '/admin/segments';
  const empty = p.filter !== null && Object.keys(p.filter).length === 0;
  return (
    <div class="narrow">
      <p>
        <a href="/admin/segments">{m.common.back}</a>
      </p>
      <h1>{p.id ? s.edit : s.create}</h1>
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action={action} class="segment-form" data-segment-count>
        <CsrfField token={p.v.csrfToken} />
        <Input m={m} name="name" label={f.name} value={p.values.name ?? ''} required maxlength={100} error={p.errors.name} />
        <TextArea m={m} name="description" label={f.description} value={p.values.description ?? ''} rows={2} maxlength={500} error={p.errors.description} />

        <h2>{f.who}</h2>
        <Checks legend={f.roles} group="roles" values={p.values} options={SEGMENT_ROLES.map((r) => ({ value: r, label: m.roles[r] }))} />
        <Checks legend={f.wants} group="wants" values={p.values} options={WANTS.map((w) => ({ value: w, label: m.profiles.wants[w] }))} />
        <Checks legend={f.languages} group="languages" values={p.values} options={SEGMENT_LANGUAGES.map((l) => ({ value: l, label: s.languages[l] }))} />
        <Checks legend={f.consents} group="consents" values={p.values} options={SEGMENT_TOPICS.map((t) => ({ value: t, label: s.topics[t] }))} />
        {p.groups.length ? (
          <Checks
            legend={f.groups}
            group="groups"
            values={p.values}
            collapsed={f.showChoices}
            error={p.errors.groups}
            options={p.groups.map((g) => ({ value: g.id, label: g.name }))}
          />
        ) : (
          <p class="hint">{f.noGroups}</p>
        )}

        <h2>{f.company}</h2>
        {p.departments.length ? (
          <Checks
            legend={f.departments}
            group="departments"
            values={p.values}
            collapsed={f.showChoices}
            options={p.departments.map((d) => ({ value: d.id, label: locale === 'en' && d.nameEn ? d.nameEn : d.nameJa }))}
          />
        ) : (
          <p class="hint">{f.noDepartments}</p>
        )}
        <div class="field-row">
          <Input m={m} name="leftFrom" label={f.leftFrom} value={p.values.leftFrom ?? ''} inputmode="numeric" maxlength={4} error={p.errors.leftFrom} />
          <Input m={m} name="leftTo" label={f.leftTo} value={p.values.leftTo ?? ''} inputmode="numeric" maxlength={4} error={p.errors.leftTo} />
        </div>

        <h2>{f.now}</h2>
        <Input m={m} name="skills" label={f.skills} value={p.values.skills ?? ''} maxlength={500} error={p.errors.skills} />
        <Checks legend={f.industries} group="industries" values={p.values} collapsed={f.showChoices} options={INDUSTRIES.map((i) => ({ value: i, label: m.profiles.industries[i] }))} />
        <Checks legend={f.prefectures} group="prefectures" values={p.values} collapsed={f.showChoices} options={PREFECTURES.map((code, i) => ({ value: code, label: m.profiles.prefectures[i] ?? code }))} />

        <h2>{f.activity}</h2>
        <div class="field-row">
          <Input m={m} name="joinedFrom" type="date" label={f.joinedFrom} value={p.values.joinedFrom ?? ''} error={p.errors.joinedFrom} />
          <Input m={m} name="joinedTo" type="date" label={f.joinedTo} value={p.values.joinedTo ?? ''} error={p.errors.joinedTo} />
        </div>
        <div class="field-row">
          <Input m={m} name="activeWithinDays" label={f.activeWithinDays} value={p.values.activeWithinDays ?? ''} inputmode="numeric" maxlength={4} error={p.errors.activeWithinDays} />
          <Input m={m} name="inactiveForDays" label={f.inactiveForDays} value={p.values.inactiveForDays ?? ''} inputmode="numeric" maxlength={4} error={p.errors.inactiveForDays} />
        </div>

        <div class="card segment-count" aria-live="polite" id="segment-count">
          {p.size ? (
            <p class="lead">
              <strong>
                <CountText m={m} size={p.size} />
              </strong>
              {empty ? <span class="hint"> — {s.everyone}</span> : null}
            </p>
          ) : (
            <p class="hint">{s.countHint}</p>
          )}
        </div>
        <p class="actions">
          <button type="submit" class="button" name="intent" value="save">
            {f.save}
          </button>
          <button type="submit" class="button button--secondary" name="intent" value="count">
            {s.countAction}
          </button>
        </p>
      </form>
      {p.id ? (
        <form method="post" action={`/admin/segments/${p.id}/archive`} class="card">
          <CsrfField token={p.v.csrfToken} />
          <p class="hint">{s.archiveHint}</p>
          <button type="submit" class="button button--secondary">
            {s.archive}
          </button>
        </form>
      ) : null}
    </div>
  );
}
