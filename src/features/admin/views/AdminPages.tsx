import type { Role } from '../../../db/schema.ts';
import { formatDateTime, fmt, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { CsrfField, ErrorSummary, Input, Select, Submit, type FieldErrors } from '../../../shared/views/form.tsx';
import { TableWrap } from '../../../shared/views/table.tsx';

interface Base {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

export interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  isManager: boolean;
  status: string;
  twoFactorEnabled: boolean;
}

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  isManager: boolean;
  expiresAt: Date;
}

const ROLE_OPTIONS: Role[] = ['operator', 'community_manager', 'employee', 'alumnus'];

export function PeoplePage(
  p: Base & {
    selfId: string;
    rows: PersonRow[];
    invitations: InvitationRow[];
    errors: FieldErrors;
    values: Record<string, string>;
    filter: { role?: string | undefined; q?: string | undefined };
    page: number;
    hasMore: boolean;
  },
) {
  const { m } = p;
  const a = m.admin;
  const roleLabel = (r: Role, isManager: boolean) => `${m.roles[r]}${isManager ? ` · ${m.roles.manager}` : ''}`;
  const qs = (page: number) => {
    const s = new URLSearchParams();
    if (p.filter.role) s.set('role', p.filter.role);
    if (p.filter.q) s.set('q', p.filter.q);
    s.set('page', String(page));
    return `/admin/people?${s.toString()}`;
  };
  return (
    <div>
      <h1>{a.peopleTitle}</h1>
      <p class="lead">{a.peopleIntro}</p>

      <section class="card">
        <h2>{a.inviteTitle}</h2>
        <ErrorSummary m={m} errors={p.errors} />
        <form method="post" action="/admin/people/invite" class="grid-form" novalidate>
          <CsrfField token={p.csrfToken} />
          <Input m={m} name="email" type="email" label={a.inviteEmail} value={p.values.email} error={p.errors.email} required autocomplete="off" />
          <Select
            m={m}
            name="role"
            label={a.inviteRole}
            value={p.values.role ?? 'employee'}
            error={p.errors.role}
            options={(['employee', 'community_manager', 'operator'] as const).map((r) => ({ value: r, label: m.roles[r] }))}
          />
          <div class="field">
            <label class="choice" for="f-isManager">
              <input type="checkbox" id="f-isManager" name="isManager" value="1" checked={p.values.isManager === '1'} />
              {a.inviteManager}
            </label>
          </div>
          <Select
            m={m}
            name="locale"
            label={a.inviteLocale}
            value={p.values.locale ?? p.locale}
            options={[
              { value: 'ja', label: '日本語' },
              { value: 'en', label: 'English' },
            ]}
          />
          <Submit label={a.inviteSend} />
        </form>
      </section>

      {p.invitations.length > 0 ? (
        <section class="card">
          <h2>{a.pendingInvites}</h2>
          <TableWrap label={a.pendingInvites}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{a.colEmail}</th>
                  <th scope="col">{a.colRole}</th>
                  <th scope="col">{a.expires}</th>
                  <th scope="col">
                    <span class="visually-hidden">{a.revoke}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.invitations.map((inv) => (
                  <tr>
                    <td>{inv.email}</td>
                    <td>{roleLabel(inv.role, inv.isManager)}</td>
                    <td>{formatDateTime(inv.expiresAt, p.locale, p.timeZone)}</td>
                    <td>
                      <form method="post" action={`/admin/invitations/${inv.id}/revoke`}>
                        <CsrfField token={p.csrfToken} />
                        <button type="submit" class="button button--small button--secondary" aria-label={`${a.revoke}: ${inv.email}`}>
                          {a.revoke}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ) : null}

      <section class="card">
        <form method="get" action="/admin/people" class="filters" role="search">
          <div class="field">
            <label for="q">{m.common.search}</label>
            <input id="q" name="q" type="search" value={p.filter.q ?? ''} maxlength={100} />
          </div>
          <div class="field">
            <label for="role-filter">{a.colRole}</label>
            <select id="role-filter" name="role">
              <option value="">{m.common.all}</option>
              {ROLE_OPTIONS.map((r) => (
                <option value={r} selected={p.filter.role === r}>
                  {m.roles[r]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button button--secondary">
            {m.common.filter}
          </button>
        </form>
        <TableWrap label={a.peopleTitle}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.colName}</th>
                <th scope="col">{a.colEmail}</th>
                <th scope="col">{a.colRole}</th>
                <th scope="col">{a.colTwoFactor}</th>
                <th scope="col">{a.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>{r.name}</td>
                  <td>{r.email}</td>
                  <td>{roleLabel(r.role, r.isManager)}</td>
                  <td>{r.twoFactorEnabled ? m.twoFactorSetup.on : m.twoFactorSetup.off}</td>
                  <td>
                    {r.id === p.selfId ? (
                      <span class="muted">—</span>
                    ) : (
                      <form method="post" action={`/admin/people/${r.id}/role`} class="inline-form">
                        <CsrfField token={p.csrfToken} />
                        <label class="visually-hidden" for={`role-${r.id}`}>
                          {`${a.colRole}: ${r.name}`}
                        </label>
                        <select id={`role-${r.id}`} name="role">
                          {ROLE_OPTIONS.map((role) => (
                            <option value={role} selected={role === r.role}>
                              {m.roles[role]}
                            </option>
                          ))}
                        </select>
                        <label class="choice" for={`mgr-${r.id}`}>
                          <input type="checkbox" id={`mgr-${r.id}`} name="isManager" value="1" checked={r.isManager} />
                          {m.roles.manager}
                        </label>
                        <button type="submit" class="button button--small">
                          {a.changeRole}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {p.page > 1 || p.hasMore ? (
          <nav class="pager" aria-label={m.common.more}>
            {p.page > 1 ? <a href={qs(p.page - 1)}>{m.common.previous}</a> : null}
            {p.hasMore ? <a href={qs(p.page + 1)}>{m.common.next}</a> : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}

export interface AuditRow {
  id: number;
  at: Date;
  actorEmail: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export function AuditPage(p: Base & { rows: AuditRow[]; actions: readonly string[]; filter: Record<string, string | undefined>; nextHref?: string | undefined }) {
  const { m } = p;
  const a = m.admin;
  return (
    <div>
      <h1>{a.auditTitle}</h1>
      <p class="lead">{a.auditIntro}</p>
      <form method="get" action="/admin/audit" class="filters card" role="search">
        <div class="field">
          <label for="action">{a.auditAction}</label>
          <select id="action" name="action">
            <option value="">{m.common.all}</option>
            {p.actions.map((x) => (
              <option value={x} selected={p.filter.action === x}>
                {x}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="actor">{a.auditActor}</label>
          <input id="actor" name="actor" type="email" value={p.filter.actor ?? ''} maxlength={254} />
        </div>
        <div class="field">
          <label for="from">{a.auditFrom}</label>
          <input id="from" name="from" type="date" value={p.filter.from ?? ''} />
        </div>
        <div class="field">
          <label for="to">{a.auditTo}</label>
          <input id="to" name="to" type="date" value={p.filter.to ?? ''} />
        </div>
        <button type="submit" class="button button--secondary">
          {m.common.filter}
        </button>
      </form>
      {p.rows.length === 0 ? (
        <p>{a.auditEmpty}</p>
      ) : (
        <TableWrap label={a.auditTitle}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.auditWhen}</th>
                <th scope="col">{a.auditAction}</th>
                <th scope="col">{a.auditActor}</th>
                <th scope="col">{a.auditSubject}</th>
                <th scope="col">{a.auditIp}</th>
                <th scope="col">{a.auditDetails}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>
                    <time datetime={r.at.toISOString()}>{formatDateTime(r.at, p.locale, p.timeZone)}</time>
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>{r.actorEmail ?? '—'}</td>
                  <td>{r.subjectType ? `${r.subjectType}:${r.subjectId ?? ''}` : '—'}</td>
                  <td>{r.ip ?? '—'}</td>
                  <td>
                    <code class="details">{Object.keys(r.details).length ? JSON.stringify(r.details) : ''}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {p.nextHref ? (
        <nav class="pager" aria-label={m.common.more}>
          <a href={p.nextHref}>{m.common.next}</a>
        </nav>
      ) : null}
    </div>
  );
}

export interface OutboxRow {
  id: string;
  toAddress: string;
  subject: string | null;
  state: 'queued' | 'sent' | 'failed';
  transport: string | null;
  createdAt: Date;
}

export function OutboxPage(p: Base & { rows: OutboxRow[]; offset: number }) {
  const { m } = p;
  const a = m.admin;
  return (
    <div>
      <h1>{a.outboxTitle}</h1>
      <p class="lead">{a.outboxIntro}</p>
      {p.rows.length === 0 ? (
        <p>{a.outboxEmpty}</p>
      ) : (
        <TableWrap label={a.outboxTitle}>
          <table>
            <thead>
              <tr>
                <th scope="col">{a.outboxWhen}</th>
                <th scope="col">{a.outboxTo}</th>
                <th scope="col">{a.outboxSubject}</th>
                <th scope="col">{a.outboxState}</th>
                <th scope="col">{a.outboxTransport}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>{formatDateTime(r.createdAt, p.locale, p.timeZone)}</td>
                  <td>{r.toAddress}</td>
                  <td>
                    <a href={`/admin/outbox/${r.id}`}>{r.subject ?? '—'}</a>
                  </td>
                  <td>{a.outboxStates[r.state]}</td>
                  <td>{r.transport ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {p.offset > 0 || p.rows.length === 50 ? (
        <nav class="pager" aria-label={m.common.more}>
          {p.offset > 0 ? <a href={`/admin/outbox?offset=${Math.max(0, p.offset - 50)}`}>{m.common.previous}</a> : null}
          {p.rows.length === 50 ? <a href={`/admin/outbox?offset=${p.offset + 50}`}>{m.common.next}</a> : null}
        </nav>
      ) : null}
    </div>
  );
}

export function OutboxMessagePage(
  p: Base & { message: { toAddress: string; subject: string | null; textBody: string | null; state: 'queued' | 'sent' | 'failed'; createdAt: Date; error: string | null } },
) {
  const { m, message } = p;
  const a = m.admin;
  return (
    <div class="narrow">
      <p>
        <a href="/admin/outbox">{a.outboxTitle}</a>
      </p>
      <h1>{message.subject ?? '—'}</h1>
      <dl class="facts">
        <dt>{a.outboxTo}</dt>
        <dd>{message.toAddress}</dd>
        <dt>{a.outboxState}</dt>
        <dd>{a.outboxStates[message.state]}</dd>
        <dt>{a.outboxWhen}</dt>
        <dd>{formatDateTime(message.createdAt, p.locale, p.timeZone)}</dd>
        {message.error ? (
          <>
            <dt>{a.jobsError}</dt>
            <dd>{message.error}</dd>
          </>
        ) : null}
      </dl>
      <pre class="mail-body">{message.textBody ?? ''}</pre>
    </div>
  );
}

export function JobsPage(
  p: Base & {
    counts: Record<'pending' | 'running' | 'done' | 'failed', number>;
    recent: { id: number; queue: string; state: string; attempts: number; lastError: string | null; createdAt: Date }[];
  },
) {
  const { m } = p;
  const a = m.admin;
  return (
    <div>
      <h1>{a.jobsTitle}</h1>
      <p class="lead">{a.jobsIntro}</p>
      <p role="status">{fmt(a.jobsCounts, p.counts)}</p>
      <TableWrap label={a.jobsTitle}>
        <table>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">{a.jobsQueue}</th>
              <th scope="col">{a.jobsState}</th>
              <th scope="col">{a.jobsAttempts}</th>
              <th scope="col">{a.outboxWhen}</th>
              <th scope="col">{a.jobsError}</th>
            </tr>
          </thead>
          <tbody>
            {p.recent.map((j) => (
              <tr>
                <td>{j.id}</td>
                <td>
                  <code>{j.queue}</code>
                </td>
                <td>{j.state}</td>
                <td>{j.attempts}</td>
                <td>{formatDateTime(j.createdAt, p.locale, p.timeZone)}</td>
                <td>{j.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}

/** The administration hub: one navigation link leads here, the sections the viewer may open are listed. */
export function AdminHubPage(p: { m: Messages; sections: { title: string; links: { href: string; label: string; hint: string }[] }[] }) {
  return (
    <section class="admin-hub">
      <h1>{p.m.adminHub.title}</h1>
      <p class="lead">{p.m.adminHub.intro}</p>
      {p.sections.map((s) => (
        <section class="admin-hub__section">
          <h2>{s.title}</h2>
          <ul class="admin-hub__links">
            {s.links.map((l) => (
              <li>
                <a href={l.href}>{l.label}</a>
                <span class="muted">{l.hint}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
