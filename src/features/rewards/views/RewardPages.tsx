/** Reward pages: a member's own ledger (/rewards) and the operators' rules and ledger (/admin/rewards). */
import { REWARD_KINDS, REWARD_STATES, REWARD_TRIGGERS, type RewardState, type RewardTrigger } from '../../../db/schema.ts';
import { fmt, formatDate, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Radios, Select, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';
import { Pager, type ViewBase } from '../../referrals/views/ReferralPages.tsx';
import { fieldOf, MAX_DESCRIPTION } from '../reward.form.ts';
import { formatNumber, forWhat, memberState, valueText } from '../rewards.present.ts';
import type { LedgerFilter, LedgerRow, RuleRow, StateTotals } from '../rewards.service.ts';

const EMPTY: StateTotals = { count: 0, points: 0, yen: 0, gifts: 0 };

/** The operators' totals per state as a table: points, yen and gifts side by side, never added together. */
function TotalsTable(p: { v: ViewBase; totals: Map<RewardState, StateTotals> }) {
  const { m, locale } = p.v;
  const t = m.referrals.rewards.totals;
  return (
    <TableWrap label={t.label}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.state}</th>
            <th scope="col">{t.count}</th>
            <th scope="col">{t.points}</th>
            <th scope="col">{t.yen}</th>
            <th scope="col">{t.gifts}</th>
          </tr>
        </thead>
        <tbody>
          {REWARD_STATES.map((s) => {
            const x = p.totals.get(s) ?? EMPTY;
            return (
              <tr data-state={s}>
                <th scope="row">{m.referrals.rewards.states[s]}</th>
                <td class="num" data-total="count">
                  {formatNumber(x.count, locale)}
                </td>
                <td class="num" data-total="points">
                  {formatNumber(x.points, locale)}
                </td>
                <td class="num" data-total="yen">
                  {formatNumber(x.yen, locale)}
                </td>
                <td class="num" data-total="gifts">
                  {formatNumber(x.gifts, locale)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

function ForWhatCell({ m, row, side }: { m: Messages; row: LedgerRow; side: 'member' | 'staff' }) {
  const w = forWhat(m, row, side);
  return (
    <>
      {w.label}
      {w.detail ? (
        <>
          <br />
          <span class="hint">{w.href ? <a href={w.href}>{w.detail}</a> : w.detail}</span>
        </>
      ) : null}
    </>
  );
}

/**
 * A member's totals, one box per state: only the kinds they have (a member earning points only
 * never reads "0 yen"); each figure carries its kind and value for the tests to read back.
 */
function MemberTotals({ v, totals }: { v: ViewBase; totals: Map<RewardState, StateTotals> }) {
  const { m, locale } = v;
  const w = m.referrals.rewards;
  const states = ['pending', 'approved', 'paid'] as const;
  return (
    <dl class="stats" aria-label={w.mine.totalsTitle}>
      {states.map((s) => {
        const x = totals.get(s) ?? EMPTY;
        const parts = [
          x.points ? { kind: 'points', value: x.points, text: fmt(w.points, { n: formatNumber(x.points, locale) }) } : null,
          x.yen ? { kind: 'yen', value: x.yen, text: fmt(w.yen, { n: formatNumber(x.yen, locale) }) } : null,
          x.gifts ? { kind: 'gifts', value: x.gifts, text: fmt(w.gifts, { n: formatNumber(x.gifts, locale) }) } : null,
        ].filter((part) => part !== null);
        return (
          <div data-state={s}>
            <dt>{w.memberStates[s]}</dt>
            {parts.length ? (
              parts.map((part) => (
                <dd data-total={part.kind} data-value={String(part.value)}>
                  {part.text}
                </dd>
              ))
            ) : (
              <dd>0</dd>
            )}
          </div>
        );
      })}
    </dl>
  );
}

export function MyRewardsPage(p: { v: ViewBase; rows: LedgerRow[]; totals: Map<RewardState, StateTotals>; page: number; hasNext: boolean }) {
  const { m, locale, timeZone } = p.v;
  const w = m.referrals.rewards;
  const t = w.mine;
  return (
    <div class="narrow">
      <h1>{t.title}</h1>
      <p class="lead">{t.intro}</p>
      <h2>{t.totalsTitle}</h2>
      <MemberTotals v={p.v} totals={p.totals} />
      <h2>{t.listTitle}</h2>
      {p.rows.length === 0 ? (
        <p class="card">{t.empty}</p>
      ) : (
        <ul class="plain-list">
          {p.rows.map((row) => (
            <li class="card" id={`reward-${row.id}`}>
              <p>
                <strong>{valueText(m, locale, row)}</strong> <span class="badge">{memberState(m, row)}</span>
              </p>
              {row.kind !== 'gift' ? <p class="hint">{row.description}</p> : null}
              <p>
                <ForWhatCell m={m} row={row} side="member" />
              </p>
              <p class="hint">{formatDate(row.createdAt, locale, timeZone)}</p>
            </li>
          ))}
        </ul>
      )}
      <Pager m={m} label={t.pagesLabel} page={p.page} hasNext={p.hasNext} href={(n) => `/rewards?page=${n}`} />
    </div>
  );
}

/** The ledger filter as a query string (kept through the actions' redirects). */
export function filterQuery(f: LedgerFilter, page = 1): string {
  const q = new URLSearchParams();
  if (f.q) q.set('q', f.q);
  if (f.state) q.set('state', f.state);
  if (f.trigger) q.set('trigger', f.trigger);
  if (f.userId) q.set('member', f.userId);
  if (page > 1) q.set('page', String(page));
  return q.toString();
}

function RuleForm(p: { v: ViewBase; trigger: RewardTrigger; rule: RuleRow | undefined; values: Record<string, string>; errors: FieldErrors }) {
  const { m, locale, csrfToken } = p.v;
  const w = m.referrals.rewards;
  const a = w.admin;
  const f = (name: 'kind' | 'amount' | 'description') => fieldOf(p.trigger, name);
  // Shown: what was typed (after an error), else the active rule.
  const value = (name: 'kind' | 'amount' | 'description', fromRule: string) => p.values[f(name)] ?? fromRule;
  const hasError = (['kind', 'amount', 'description'] as const).some((name) => p.errors[f(name)]);
  return (
    <details class="card" id={`rule-${p.trigger}`} open={!p.rule || hasError}>
      <summary>
        <strong>{w.triggers[p.trigger]}</strong> <span class="muted">{p.rule ? fmt(a.current, { value: valueText(m, locale, p.rule), description: p.rule.description }) : a.noRule}</span>
      </summary>
      <form method="post" action={`/admin/rewards/rules/${p.trigger}`}>
        <CsrfField token={csrfToken} />
        <Radios
          m={m}
          name={f('kind')}
          label={a.kind}
          value={value('kind', p.rule?.kind ?? '')}
          error={p.errors[f('kind')]}
          options={REWARD_KINDS.map((k) => ({ value: k, label: w.kinds[k] }))}
        />
        <Input m={m} name={f('amount')} label={a.amount} hint={a.amountHint} inputmode="numeric" maxlength={12} value={value('amount', p.rule?.amount?.toString() ?? '')} error={p.errors[f('amount')]} />
        <Input
          m={m}
          name={f('description')}
          label={a.description}
          hint={fmt(a.descriptionHint, { max: MAX_DESCRIPTION })}
          maxlength={MAX_DESCRIPTION}
          value={value('description', p.rule?.description ?? '')}
          error={p.errors[f('description')]}
        />
        <button type="submit" class="button">
          {a.save}
        </button>
      </form>
      {p.rule ? (
        <form method="post" action={`/admin/rewards/rules/${p.trigger}/stop`} class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" class="link-button">
            {a.stop}
          </button>
        </form>
      ) : null}
    </details>
  );
}

function MoveButton(p: { csrfToken: string; id: string; move: 'approve' | 'pay' | 'cancel'; label: string; aria: string; back: string }) {
  return (
    <form method="post" action={`/admin/rewards/${p.id}/${p.move}`} class="inline-form">
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="back" value={p.back} />
      <button type="submit" class={p.move === 'cancel' ? 'link-button' : 'button button--small'} aria-label={p.aria}>
        {p.label}
      </button>
    </form>
  );
}

export function AdminRewardsPage(p: {
  v: ViewBase;
  rules: Map<RewardTrigger, RuleRow>;
  rows: LedgerRow[];
  totals: Map<RewardState, StateTotals>;
  filter: LedgerFilter;
  /** The member the ledger is narrowed to, when it is. */
  memberName: string | null;
  page: number;
  hasNext: boolean;
  values: Record<string, string>;
  errors: FieldErrors;
  /** An action refused (a move out of order), shown above the ledger. */
  problem: string | null;
}) {
  const { m, locale, timeZone, csrfToken } = p.v;
  const w = m.referrals.rewards;
  const a = w.admin;
  const back = filterQuery(p.filter, p.page);
  const filtered = Boolean(p.filter.q || p.filter.state || p.filter.trigger || p.filter.userId);
  return (
    <div>
      <h1>{a.title}</h1>
      <p class="lead">{a.intro}</p>
      <ErrorSummary m={m} errors={p.errors} />
      <h2 id="ledger">{a.ledgerTitle}</h2>
      {p.problem ? (
        <p class="notice notice--warning" role="alert">
          {p.problem}
        </p>
      ) : null}
      <form method="get" action="/admin/rewards#ledger" class="filters" aria-label={a.filtersLabel}>
        {p.filter.userId ? <input type="hidden" name="member" value={p.filter.userId} /> : null}
        <Input m={m} name="q" label={a.q} value={p.filter.q ?? ''} maxlength={100} />
        <Select
          m={m}
          name="state"
          label={a.state}
          value={p.filter.state ?? ''}
          options={[{ value: '', label: a.any }, ...REWARD_STATES.map((s) => ({ value: s, label: w.states[s] }))]}
        />
        <Select
          m={m}
          name="trigger"
          label={a.trigger}
          value={p.filter.trigger ?? ''}
          options={[{ value: '', label: a.any }, ...REWARD_TRIGGERS.map((t) => ({ value: t, label: w.triggers[t] }))]}
        />
        <button type="submit" class="button button--secondary">
          {a.filter}
        </button>
      </form>
      {p.memberName !== null || filtered ? (
        <p>
          {p.memberName !== null ? `${fmt(a.memberFilter, { name: p.memberName })} ` : null}
          <a href="/admin/rewards#ledger">{a.clearFilter}</a>
        </p>
      ) : null}
      <p class="hint">{filtered ? a.totalsFiltered : a.totalsAll}</p>
      <TotalsTable v={p.v} totals={p.totals} />
      {p.rows.length === 0 ? (
        <p class="card">{a.empty}</p>
      ) : (
        <TableWrap label={a.tableLabel}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.date}</th>
                <th scope="col">{a.member}</th>
                <th scope="col">{a.forWhat}</th>
                <th scope="col">{a.reward}</th>
                <th scope="col">{a.state}</th>
                <th scope="col">{a.actions}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((row) => (
                <tr id={`reward-${row.id}`}>
                  <td class="nowrap">{formatDate(row.createdAt, locale, timeZone)}</td>
                  <td>
                    <a href={`/admin/rewards?${filterQuery({ userId: row.userId })}#ledger`}>{row.memberName}</a>
                  </td>
                  <td>
                    <ForWhatCell m={m} row={row} side="staff" />
                  </td>
                  <td>
                    {valueText(m, locale, row)}
                    {row.kind !== 'gift' ? <div class="hint">{row.description}</div> : null}
                  </td>
                  <td class="nowrap">{w.states[row.state]}</td>
                  <td>
                    <div class="actions">
                      {row.state === 'pending' ? (
                        <MoveButton csrfToken={csrfToken} id={row.id} move="approve" label={a.approve} aria={fmt(a.approveLabel, { name: row.memberName })} back={back} />
                      ) : null}
                      {row.state === 'approved' ? (
                        <MoveButton csrfToken={csrfToken} id={row.id} move="pay" label={a.pay} aria={fmt(a.payLabel, { name: row.memberName })} back={back} />
                      ) : null}
                      {row.state === 'pending' || row.state === 'approved' ? (
                        <MoveButton csrfToken={csrfToken} id={row.id} move="cancel" label={a.cancel} aria={fmt(a.cancelLabel, { name: row.memberName })} back={back} />
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Pager m={m} label={a.pagesLabel} page={p.page} hasNext={p.hasNext} href={(n) => `/admin/rewards?${filterQuery(p.filter, n)}#ledger`} />

      <h2 id="rules">{a.rulesTitle}</h2>
      <p class="hint">{a.rulesIntro}</p>
      {REWARD_TRIGGERS.map((trigger) => (
        <RuleForm v={p.v} trigger={trigger} rule={p.rules.get(trigger)} values={p.values} errors={p.errors} />
      ))}
    </div>
  );
}
