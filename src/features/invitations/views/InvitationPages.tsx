/** Operator pages: the list of waves, a new wave (filter → numbers → send), one wave. */
import { fmt, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Radios, Select, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import type { InvitationState, LegalBasis, RehireValue, Segment, SkipReason, WaveCounts } from '../invitations.service.ts';
import { LEGAL_BASES, REHIRE_VALUES, SKIP_REASONS } from '../invitations.service.ts';

interface Base {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

export interface WaveRow {
  id: string;
  name: string;
  legalBasis: LegalBasis;
  invitedCount: number;
  skippedCount: number;
  sentAt: Date | null;
  createdAt: Date;
  sending: number;
  open: number;
  accepted: number;
  expired: number;
  revoked: number;
}

export function WavesPage({ m, locale, timeZone, waves }: Base & { waves: WaveRow[] }) {
  const v = m.invitations;
  return (
    <div>
      <h1>{v.wavesTitle}</h1>
      <p class="lead">{v.wavesIntro}</p>
      <p class="actions">
        <a class="button" href="/admin/invitations/new">
          {v.newWave}
        </a>
      </p>
      {waves.length === 0 ? (
        <p>{v.wavesEmpty}</p>
      ) : (
        <TableWrap label={v.wavesTitle}>
          <table>
            <thead>
              <tr>
                <th scope="col">{v.colWave}</th>
                <th scope="col">{v.colSentAt}</th>
                <th scope="col">{v.colBasis}</th>
                <th scope="col">{v.colInvited}</th>
                <th scope="col">{v.colOpen}</th>
                <th scope="col">{v.colAccepted}</th>
                <th scope="col">{v.colExpired}</th>
                <th scope="col">{v.colRevoked}</th>
                <th scope="col">{v.colSkipped}</th>
              </tr>
            </thead>
            <tbody>
              {waves.map((w) => (
                <tr>
                  <td>
                    <a href={`/admin/invitations/waves/${w.id}`}>{w.name}</a>
                  </td>
                  <td>{w.sentAt ? formatDateTime(w.sentAt, locale, timeZone) : v.sending}</td>
                  <td>{v.bases[w.legalBasis]}</td>
                  <td>{w.invitedCount.toLocaleString()}</td>
                  <td>{w.open.toLocaleString()}</td>
                  <td>{w.accepted.toLocaleString()}</td>
                  <td>{w.expired.toLocaleString()}</td>
                  <td>{w.revoked.toLocaleString()}</td>
                  <td>{w.skippedCount.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

export interface Department {
  id: string;
  nameJa: string;
  nameEn: string;
}

const deptName = (d: Department, locale: Locale) => (locale === 'en' ? d.nameEn || d.nameJa : d.nameJa);

/** The filter as entered (strings), so the form shows exactly what was sent. */
export interface FilterValues {
  departments: string[];
  leftFrom: string;
  leftTo: string;
  rehire: string[];
  onlyNotInvited: boolean;
  onlyWithEmail: boolean;
  basis: string;
}

function ReasonList({ m, reasons }: { m: Messages; reasons: Partial<Record<SkipReason, number>> }) {
  const v = m.invitations;
  const shown = SKIP_REASONS.filter((r) => (reasons[r] ?? 0) > 0);
  if (shown.length === 0) return null;
  return (
    <>
      <p>{v.skippedBecause}</p>
      <ul>
        {shown.map((r) => (
          <li>{fmt(v.reasonCount, { reason: v.reasons[r], count: (reasons[r] ?? 0).toLocaleString() })}</li>
        ))}
      </ul>
    </>
  );
}

function Check({ id, name, value, label, checked }: { id: string; name: string; value: string; label: string; checked: boolean }) {
  return (
    <label class="choice" for={id}>
      <input type="checkbox" id={id} name={name} value={value} checked={checked} />
      {label}
    </label>
  );
}

/** The segment and basis again, as hidden fields of the send form. */
function HiddenFilter({ f }: { f: FilterValues }) {
  return (
    <>
      {f.departments.map((d) => (
        <input type="hidden" name="department" value={d} />
      ))}
      {f.rehire.map((r) => (
        <input type="hidden" name="rehire" value={r} />
      ))}
      <input type="hidden" name="leftFrom" value={f.leftFrom} />
      <input type="hidden" name="leftTo" value={f.leftTo} />
      {f.onlyNotInvited ? <input type="hidden" name="onlyNotInvited" value="1" /> : null}
      {f.onlyWithEmail ? <input type="hidden" name="onlyWithEmail" value="1" /> : null}
      <input type="hidden" name="basis" value={f.basis} />
    </>
  );
}

export function NewWavePage(
  p: Base & {
    departments: Department[];
    filter: FilterValues;
    filterErrors: FieldErrors;
    preview: WaveCounts | null;
    sendValues: Record<string, string>;
    sendErrors: FieldErrors;
  },
) {
  const { m, filter } = p;
  const v = m.invitations;
  const basis = filter.basis as LegalBasis;
  return (
    <div>
      <p>
        <a href="/admin/invitations">{v.back}</a>
      </p>
      <h1>{v.newTitle}</h1>
      <p class="lead">{v.newIntro}</p>
      <ErrorSummary m={m} errors={p.filterErrors} />
      <form method="get" action="/admin/invitations/new" class="card" novalidate>
        <h2>{v.segmentTitle}</h2>
        <fieldset class="field" id="f-department" aria-describedby="f-department-hint">
          <legend>{v.departments}</legend>
          <p class="hint" id="f-department-hint">
            {p.departments.length === 0 ? v.noDepartments : v.departmentsHint}
          </p>
          <div class="choices">
            {p.departments.map((d, i) => (
              <Check id={`f-department-${i}`} name="department" value={d.id} label={deptName(d, p.locale)} checked={filter.departments.includes(d.id)} />
            ))}
          </div>
        </fieldset>
        <Input m={m} name="leftFrom" label={v.leftFrom} hint={v.yearHint} value={filter.leftFrom} error={p.filterErrors.leftFrom} inputmode="numeric" maxlength={4} />
        <Input m={m} name="leftTo" label={v.leftTo} value={filter.leftTo} error={p.filterErrors.leftTo} inputmode="numeric" maxlength={4} />
        <fieldset class="field" id="f-rehire" aria-describedby="f-rehire-hint">
          <legend>{v.rehire}</legend>
          <p class="hint" id="f-rehire-hint">
            {v.rehireHint}
          </p>
          <div class="choices">
            {REHIRE_VALUES.map((r: RehireValue, i) => (
              <Check id={`f-rehire-${i}`} name="rehire" value={r} label={m.roster.rehire[r]} checked={filter.rehire.includes(r)} />
            ))}
          </div>
        </fieldset>
        <div class="field">
          <div class="choices">
            <Check id="f-onlyNotInvited" name="onlyNotInvited" value="1" label={v.onlyNotInvited} checked={filter.onlyNotInvited} />
            <Check id="f-onlyWithEmail" name="onlyWithEmail" value="1" label={v.onlyWithEmail} checked={filter.onlyWithEmail} />
          </div>
        </div>
        <h2>{v.basisTitle}</h2>
        <Radios
          m={m}
          name="basis"
          label={v.colBasis}
          hint={`${v.basisHint} ${filter.basis && LEGAL_BASES.includes(basis) ? v.basisHints[basis] : ''}`.trim()}
          value={filter.basis}
          error={p.filterErrors.basis}
          required
          options={LEGAL_BASES.map((b) => ({ value: b, label: v.bases[b] }))}
        />
        <input type="hidden" name="preview" value="1" />
        <Submit label={v.preview} secondary />
      </form>

      {p.preview ? (
        <section class="card" aria-labelledby="preview-title">
          <h2 id="preview-title">{v.previewTitle}</h2>
          <p class="lead" role="status">
            {fmt(v.previewSummary, {
              matched: p.preview.matched.toLocaleString(),
              invited: p.preview.invited.toLocaleString(),
              skipped: p.preview.skipped.toLocaleString(),
            })}
          </p>
          <ReasonList m={m} reasons={p.preview.reasons} />
          {p.preview.invited === 0 ? (
            <p class="notice notice--warning">{v.nobody}</p>
          ) : (
            <form method="post" action="/admin/invitations/waves" novalidate>
              <CsrfField token={p.csrfToken} />
              <HiddenFilter f={filter} />
              <ErrorSummary m={m} errors={p.sendErrors} />
              <p class="hint">{v.basisHints[basis]}</p>
              <Input m={m} name="name" label={v.name} hint={v.nameHint} value={p.sendValues.name} error={p.sendErrors.name} required maxlength={200} autocomplete="off" />
              <TextArea
                m={m}
                name="note"
                label={v.note}
                hint={v.noteHint}
                value={p.sendValues.note}
                error={p.sendErrors.note}
                required={basis === 'operator_recorded'}
                maxlength={2000}
                rows={3}
              />
              <Select
                m={m}
                name="locale"
                label={v.locale}
                value={p.sendValues.locale ?? 'ja'}
                options={[
                  { value: 'ja', label: '日本語' },
                  { value: 'en', label: 'English' },
                ]}
              />
              <Submit label={fmt(v.send, { count: p.preview.invited.toLocaleString() })} />
            </form>
          )}
        </section>
      ) : null}
    </div>
  );
}

export interface WaveInvitationRow {
  id: string;
  name: string;
  nameKana: string | null;
  employeeNumber: string;
  expiresAt: Date;
  remindersSent: number;
  state: InvitationState;
  lastSentAt: Date | null;
}

export function WavePage(
  p: Base & {
    wave: { id: string; name: string; legalBasis: LegalBasis; legalBasisNote: string | null; invitedCount: number; skippedCount: number; sentAt: Date | null; createdAt: Date };
    createdByName: string | null;
    segment: Segment;
    departments: Department[];
    reasons: Partial<Record<SkipReason, number>>;
    undelivered: number;
    invitations: WaveInvitationRow[];
    page: number;
    hasMore: boolean;
  },
) {
  const { m, wave } = p;
  const v = m.invitations;
  const s = p.segment;
  const sep = p.locale === 'ja' ? '、' : ', ';
  const parts: string[] = [];
  if (p.departments.length > 0) parts.push(fmt(v.segmentDepartments, { list: p.departments.map((d) => deptName(d, p.locale)).join(sep) }));
  if (s.leftFromYear !== null || s.leftToYear !== null) parts.push(fmt(v.segmentYears, { from: s.leftFromYear ?? '', to: s.leftToYear ?? '' }));
  if (Array.isArray(s.rehire) && s.rehire.length > 0) parts.push(fmt(v.segmentRehire, { list: s.rehire.map((r) => m.roster.rehire[r]).join(sep) }));
  if (s.onlyNotInvited) parts.push(v.segmentNotInvited);
  if (s.onlyWithEmail) parts.push(v.segmentWithEmail);
  const pageHref = (n: number) => `/admin/invitations/waves/${wave.id}${n > 1 ? `?page=${n}` : ''}`;
  return (
    <div>
      <p>
        <a href="/admin/invitations">{v.back}</a>
      </p>
      <h1>{fmt(v.waveTitle, { name: wave.name })}</h1>
      {wave.sentAt ? null : (
        <p class="notice" role="status">
          {fmt(v.sendingNotice, { done: (wave.invitedCount - p.undelivered).toLocaleString(), total: wave.invitedCount.toLocaleString() })}
        </p>
      )}
      <section class="card">
        <h2>{v.waveFacts}</h2>
        <dl class="facts">
          <dt>{v.colSentAt}</dt>
          <dd>{wave.sentAt ? formatDateTime(wave.sentAt, p.locale, p.timeZone) : v.sending}</dd>
          <dt>{v.sentBy}</dt>
          <dd>{p.createdByName ?? '—'}</dd>
          <dt>{v.segment}</dt>
          <dd>{parts.length ? parts.join(' / ') : v.segmentAll}</dd>
          <dt>{v.colBasis}</dt>
          <dd>
            {v.bases[wave.legalBasis]}
            {wave.legalBasisNote ? <p class="prose">{wave.legalBasisNote}</p> : null}
          </dd>
          <dt>{v.colInvited}</dt>
          <dd>{wave.invitedCount.toLocaleString()}</dd>
          <dt>{v.colSkipped}</dt>
          <dd>
            {wave.skippedCount.toLocaleString()}
            <ReasonList m={m} reasons={p.reasons} />
          </dd>
        </dl>
      </section>
      {p.invitations.length === 0 ? (
        <p>{v.noInvitations}</p>
      ) : (
        <TableWrap label={fmt(v.waveTitle, { name: wave.name })}>
          <table>
            <thead>
              <tr>
                <th scope="col">{v.colPerson}</th>
                <th scope="col">{v.colNumber}</th>
                <th scope="col">{v.colState}</th>
                <th scope="col">{v.colReminders}</th>
                <th scope="col">{v.colExpires}</th>
                <th scope="col">{v.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {p.invitations.map((i) => (
                <tr>
                  <td>
                    {i.name}
                    {i.nameKana ? <div class="muted small">{i.nameKana}</div> : null}
                  </td>
                  <td>{i.employeeNumber}</td>
                  <td>{v.states[i.state]}</td>
                  <td>{i.remindersSent}</td>
                  <td>{formatDateTime(i.expiresAt, p.locale, p.timeZone)}</td>
                  <td>
                    {i.state === 'open' || i.state === 'sending' ? (
                      <form method="post" action={`/admin/invitations/revoke/${i.id}`} class="inline-form">
                        <CsrfField token={p.csrfToken} />
                        <button type="submit" class="button button--small button--secondary" aria-label={fmt(v.revokeLabel, { name: i.name })}>
                          {v.revoke}
                        </button>
                      </form>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {p.page > 1 || p.hasMore ? (
        <nav class="pager" aria-label={m.common.more}>
          {p.page > 1 ? <a href={pageHref(p.page - 1)}>{m.common.previous}</a> : null}
          {p.hasMore ? <a href={pageHref(p.page + 1)}>{m.common.next}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}
