/** The directory (search, filters, keyset pages, former colleagues) and the operators' pages behind it. */
import { WANTS, type Want } from '../../../db/schema.ts';
import { fmt, formatDateTime } from '../../../shared/i18n/index.ts';
import { TableWrap } from '../../../shared/views/table.tsx';
import { INDUSTRIES, PREFECTURES } from '../profile.fields.ts';
import type { Tenure } from '../profile.present.ts';
import { SEARCH_CAP, type ColleagueRow, type DirectoryHit, type VolumeRow } from '../profiles.repository.ts';
import { industryLabel, MemberCard, TenureList, type ViewBase } from './ProfileParts.tsx';

export interface DirectoryFilters {
  q: string;
  department: string;
  leftFrom: string;
  leftTo: string;
  industry: string;
  skill: string;
  prefecture: string;
  wants: Want[];
  sort: 'kana' | 'joined' | 'updated';
}

export function filtersQuery(f: DirectoryFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'department', 'leftFrom', 'leftTo', 'industry', 'skill', 'prefecture'] as const) if (f[key]) params.set(key, f[key]);
  for (const w of f.wants) params.append('wants', w);
  if (f.sort !== 'kana') params.set('sort', f.sort);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function DirectoryPage(p: {
  v: ViewBase;
  audience: 'alumni' | 'staff';
  filters: DirectoryFilters;
  errors: Record<string, string>;
  departments: { id: string; nameJa: string; nameEn: string }[];
  hits: DirectoryHit[];
  next: string | null;
  paged: boolean;
  capped: boolean;
  colleagues: ColleagueRow[] | null;
}) {
  const { m, locale } = p.v;
  const d = m.profiles.directory;
  const f = p.filters;
  const filtered = Boolean(f.department || f.leftFrom || f.leftTo || f.industry || f.skill || f.prefecture || f.wants.length);
  return (
    <div>
      <h1>{d.title}</h1>
      <p>{fmt(d.intro, { audience: p.audience === 'alumni' ? d.audienceAlumni : d.audienceStaff })}</p>
      <form method="get" action="/members" class="card directory-search" role="search">
        <div class="field">
          <label for="f-q">{d.searchLabel}</label>
          <p class="hint" id="f-q-hint">
            {d.searchHint}
          </p>
          <div class="search-row">
            <input type="search" id="f-q" name="q" value={f.q} maxlength={200} aria-describedby="f-q-hint" autocomplete="off" />
            <button type="submit" class="button">
              {d.search}
            </button>
          </div>
        </div>
        <details open={filtered || Object.keys(p.errors).length > 0}>
          <summary>{d.filters}</summary>
          <div class="filters">
            <div class="field">
              <label for="f-department">{d.department}</label>
              <select id="f-department" name="department">
                <option value="">{d.anyDepartment}</option>
                {p.departments.map((dep) => (
                  <option value={dep.id} selected={dep.id === f.department}>
                    {locale === 'ja' ? dep.nameJa : dep.nameEn}
                  </option>
                ))}
              </select>
            </div>
            {(['leftFrom', 'leftTo'] as const).map((key) => (
              <div class={`field${p.errors[key] ? ' field--error' : ''}`}>
                <label for={`f-${key}`}>{d[key]}</label>
                {p.errors[key] ? (
                  <p class="field-error" id={`f-${key}-error`}>
                    {p.errors[key]}
                  </p>
                ) : null}
                <input
                  type="text"
                  inputmode="numeric"
                  id={`f-${key}`}
                  name={key}
                  value={f[key]}
                  maxlength={4}
                  aria-invalid={p.errors[key] ? 'true' : undefined}
                  aria-describedby={p.errors[key] ? `f-${key}-error` : undefined}
                />
              </div>
            ))}
            <div class="field">
              <label for="f-industry">{d.industry}</label>
              <select id="f-industry" name="industry">
                <option value="">{d.anyIndustry}</option>
                {INDUSTRIES.map((i) => (
                  <option value={i} selected={i === f.industry}>
                    {industryLabel(m, i)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-skill">{d.skill}</label>
              <input type="text" id="f-skill" name="skill" value={f.skill} maxlength={40} />
            </div>
            <div class="field">
              <label for="f-prefecture">{d.location}</label>
              <select id="f-prefecture" name="prefecture">
                <option value="">{d.anyLocation}</option>
                {PREFECTURES.map((code, i) => (
                  <option value={code} selected={code === f.prefecture}>
                    {m.profiles.prefectures[i]}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-sort">{d.sort}</label>
              <select id="f-sort" name="sort">
                <option value="kana" selected={f.sort === 'kana'}>
                  {d.sortKana}
                </option>
                <option value="joined" selected={f.sort === 'joined'}>
                  {d.sortJoined}
                </option>
                <option value="updated" selected={f.sort === 'updated'}>
                  {d.sortUpdated}
                </option>
              </select>
            </div>
          </div>
          <fieldset class="field">
            <legend>{d.wants}</legend>
            <div class="choices choices--inline">
              {WANTS.map((w) => (
                <label class="choice" for={`f-want-${w}`}>
                  <input type="checkbox" id={`f-want-${w}`} name="wants" value={w} checked={f.wants.includes(w)} />
                  {m.profiles.wants[w]}
                </label>
              ))}
            </div>
          </fieldset>
          <p class="actions">
            <button type="submit" class="button">
              {d.apply}
            </button>
            <a class="button button--secondary" href="/members">
              {d.clear}
            </a>
          </p>
        </details>
      </form>
      {p.colleagues ? (
        <section aria-labelledby="colleagues-h" class="card">
          <h2 id="colleagues-h">{d.colleagues}</h2>
          {p.colleagues.length === 0 ? (
            <p class="muted">{d.colleaguesNone}</p>
          ) : (
            <ul class="member-list">
              {p.colleagues.map((c) => (
                <MemberCard
                  v={p.v}
                  userId={c.userId}
                  card={c.card}
                  extra={<p class="member-card__reason">{fmt(d.colleagueReason, { from: String(c.fromYear), to: String(c.toYear), department: locale === 'ja' ? c.nameJa : c.nameEn })}</p>}
                />
              ))}
            </ul>
          )}
        </section>
      ) : null}
      <section aria-labelledby="results-h">
        <h2 id="results-h">{d.results}</h2>
        {p.capped ? <p class="notice notice--warning">{fmt(d.capped, { count: SEARCH_CAP.toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-GB') })}</p> : null}
        {p.hits.length === 0 ? (
          <p>{d.none}</p>
        ) : (
          <ul class="member-list">
            {p.hits.map((h) => (
              <MemberCard v={p.v} userId={h.userId} card={h.card} />
            ))}
          </ul>
        )}
        <nav class="pager" aria-label={d.results}>
          {p.paged ? <a href={`/members${filtersQuery(f)}`}>{d.first}</a> : null}
          {p.next ? (
            <a href={`/members${filtersQuery(f, { after: p.next })}`} rel="next">
              {d.next}
            </a>
          ) : null}
        </nav>
      </section>
    </div>
  );
}

export function HrFactsPage({
  v,
  name,
  facts,
  tenure,
}: {
  v: ViewBase;
  name: string;
  facts: { employeeNumber: string; joinedOn: string | null; leftOn: string | null; title: string | null; rehireEligible: string; contactStatus: string; rehiredOn: string | null } | null;
  tenure: Tenure | null;
}) {
  const { m, locale } = v;
  const h = m.profiles.hr;
  return (
    <div class="narrow">
      <h1>{fmt(h.title, { name })}</h1>
      <p class="notice notice--warning">{h.notice}</p>
      {facts ? (
        <dl class="facts card">
          <dt>{h.employeeNumber}</dt>
          <dd>{facts.employeeNumber}</dd>
          <dt>{h.joinedOn}</dt>
          <dd class="nowrap">{facts.joinedOn ?? '—'}</dd>
          <dt>{h.leftOn}</dt>
          <dd class="nowrap">{facts.leftOn ?? '—'}</dd>
          <dt>{h.title2}</dt>
          <dd>{facts.title ?? '—'}</dd>
          <dt>{h.rehireEligible}</dt>
          <dd>{m.roster.rehire[facts.rehireEligible as keyof typeof m.roster.rehire] ?? facts.rehireEligible}</dd>
          <dt>{h.contactStatus}</dt>
          <dd>{m.roster.contactStatuses[facts.contactStatus as keyof typeof m.roster.contactStatuses] ?? facts.contactStatus}</dd>
          {facts.rehiredOn ? (
            <>
              <dt>{h.rehiredOn}</dt>
              <dd class="nowrap">{facts.rehiredOn}</dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p>{h.noEntry}</p>
      )}
      {tenure ? (
        <section class="card">
          <h2>{h.departments}</h2>
          <TenureList m={m} locale={locale} tenure={tenure} />
        </section>
      ) : null}
    </div>
  );
}

export function ActivityPage({ v, rows, limits }: { v: ViewBase; rows: VolumeRow[]; limits: { profiles: number; searches: number } }) {
  const { m, locale } = v;
  const a = m.profiles.activity;
  return (
    <div>
      <h1>{a.title}</h1>
      <p>
        {fmt(a.intro, {
          profiles: String(Math.ceil(limits.profiles / 2)),
          searches: String(Math.ceil(limits.searches / 2)),
          profileLimit: String(limits.profiles),
          searchLimit: String(limits.searches),
        })}
      </p>
      {rows.length === 0 ? (
        <p class="muted">{a.none}</p>
      ) : (
        <TableWrap label={a.title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.member}</th>
                <th scope="col">{a.hour}</th>
                <th scope="col">{a.profiles}</th>
                <th scope="col">{a.searches}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    {r.name}
                    <br />
                    <span class="muted">{r.email}</span> · {m.roles[r.role as keyof typeof m.roles]}
                  </td>
                  <td class="nowrap">{formatDateTime(r.hour, locale, v.timeZone)}</td>
                  <td>{r.profiles}</td>
                  <td>{r.searches}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}
