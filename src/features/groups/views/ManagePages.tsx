/** Managers' page of a group (settings, requests, invitations, members, reports, archive) and the moderators' report queue. */
import { raw } from 'hono/html';
import { fmt, formatDate, formatDateTime, type Messages } from '../../../shared/i18n/index.ts';
import { renderMarkdown } from '../../../shared/markdown.ts';
import { CsrfField, ErrorSummary, Input, Submit, type FieldErrors } from '../../../shared/views/form.tsx';
import type { GroupKind } from '../../../db/schema.ts';
import type { ReportRow, RosterRow } from '../groups.service.ts';
import { GroupFields, GroupStyles, Pager, type GroupHead, type ViewBase } from './GroupPages.tsx';

/** One reported post with what to do about it; `action` is the form's base path (…/hide, …/dismiss). */
function ReportCard({ v, r, action, showGroup }: { v: ViewBase; r: ReportRow; action: string; showGroup: boolean }) {
  const { m, locale, timeZone, csrfToken } = v;
  const t = m.groups.reports;
  const author = r.authorName ?? m.groups.threads.formerMember;
  return (
    <li class="card group-report">
      <p class="small">
        {showGroup ? (
          <>
            <a href={`/groups/${r.groupId}`}>{r.groupName}</a>
            {' · '}
          </>
        ) : null}
        <a href={`/groups/${r.groupId}/threads/${r.threadId}#post-${r.postId}`}>{fmt(t.inThread, { title: r.threadTitle })}</a>
      </p>
      <p class="small muted">
        <strong>{author}</strong> · <time datetime={r.postAt.toISOString()}>{formatDateTime(r.postAt, locale, timeZone)}</time>
      </p>
      <blockquote class="group-post__body">{raw(renderMarkdown(r.postBody))}</blockquote>
      <p class="small">{fmt(t.reportedBy, { name: r.reporterName, date: formatDateTime(r.createdAt, locale, timeZone) })}</p>
      <p>
        <strong>{t.reason}:</strong> {r.reason}
      </p>
      <div class="actions">
        <form method="post" action={`${action}/${r.id}/hide`} class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" class="button button--small" aria-label={fmt(t.hideLabel, { name: author })}>
            {t.hide}
          </button>
        </form>
        <form method="post" action={`${action}/${r.id}/dismiss`} class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" class="button button--secondary button--small" aria-label={fmt(t.dismissLabel, { name: author })}>
            {t.dismiss}
          </button>
        </form>
      </div>
    </li>
  );
}

function PersonForm({ v, action, label, aria, secondary }: { v: ViewBase; action: string; label: string; aria: string; secondary?: boolean }) {
  return (
    <form method="post" action={action} class="inline-form">
      <CsrfField token={v.csrfToken} />
      <button type="submit" class={secondary ? 'button button--secondary button--small' : 'button button--small'} aria-label={aria}>
        {label}
      </button>
    </form>
  );
}

function MemberActions({ v, gid, row, self, muteError }: { v: ViewBase; gid: string; row: RosterRow; self: boolean; muteError?: string | undefined }) {
  const { m, csrfToken } = v;
  const t = m.groups.manage;
  const base = `/groups/${gid}/members/${row.userId}`;
  const muteId = `f-mute-${row.userId}`;
  return (
    <div class="group-member-actions">
      <form method="post" action={`${base}/role`} class="inline-form">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="role" value={row.role === 'manager' ? 'member' : 'manager'} />
        <button type="submit" class="button button--secondary button--small" aria-label={fmt(row.role === 'manager' ? t.makeMemberLabel : t.makeManagerLabel, { name: row.name })}>
          {row.role === 'manager' ? t.makeMember : t.makeManager}
        </button>
      </form>
      {self ? null : (
        <>
          {row.mutedUntil ? (
            <form method="post" action={`${base}/mute`} class="inline-form">
              <CsrfField token={csrfToken} />
              <input type="hidden" name="clear" value="1" />
              <button type="submit" class="button button--secondary button--small" aria-label={fmt(t.unmuteLabel, { name: row.name })}>
                {t.unmute}
              </button>
            </form>
          ) : (
            <form method="post" action={`${base}/mute`} class={`inline-form group-mute${muteError ? ' field--error' : ''}`} novalidate>
              <CsrfField token={csrfToken} />
              <label for={muteId} class="visually-hidden">
                {fmt(t.muteLabel, { name: row.name })}
              </label>
              {muteError ? (
                <span class="field-error" id={`${muteId}-error`}>
                  {muteError}
                </span>
              ) : null}
              <input type="date" id={muteId} name="until" required aria-invalid={muteError ? 'true' : undefined} aria-describedby={muteError ? `${muteId}-error` : undefined} />
              <button type="submit" class="button button--secondary button--small">
                {t.mute}
              </button>
            </form>
          )}
          <PersonForm v={v} action={`${base}/remove`} label={t.remove} aria={fmt(t.removeLabel, { name: row.name })} secondary />
        </>
      )}
    </div>
  );
}

export function ManagePage(p: {
  v: ViewBase;
  group: GroupHead;
  viewerId: string;
  members: number;
  settings: { values: Record<string, string>; errors: FieldErrors };
  kinds: readonly GroupKind[];
  requests: RosterRow[];
  invited: RosterRow[];
  removed: RosterRow[];
  roster: RosterRow[];
  page: number;
  hasNext: boolean;
  reports: ReportRow[];
  invite: { value?: string | undefined; error?: string | undefined };
  /** A mute date error, for one member. */
  muteError?: { userId: string; error: string } | undefined;
}) {
  const { v } = p;
  const { m, locale, timeZone, csrfToken } = v;
  const t = m.groups.manage;
  const gid = p.group.id;
  const href = (n: number) => (n > 1 ? `/groups/${gid}/manage?page=${n}#members` : `/groups/${gid}/manage#members`);
  return (
    <div class="narrow-wide">
      <GroupStyles />
      <p class="small">
        <a href={`/groups/${gid}`}>← {t.back}</a>
      </p>
      <h1>{fmt(t.title, { group: p.group.name })}</h1>

      <section aria-labelledby="requests" class="card">
        <h2 id="requests">{t.requests}</h2>
        {p.requests.length === 0 ? <p class="muted">{t.noRequests}</p> : null}
        <ul class="plain-list group-people">
          {p.requests.map((r) => (
            <li>
              <p>
                <strong>{r.name}</strong> <span class="small muted">{fmt(t.asked, { date: formatDate(r.createdAt, locale, timeZone) })}</span>
              </p>
              {r.requestNote ? <p class="prose small">{fmt(t.note, { note: r.requestNote })}</p> : null}
              <form method="post" action={`/groups/${gid}/requests/${r.userId}`} class="inline-form">
                <CsrfField token={csrfToken} />
                <button type="submit" name="decision" value="approve" class="button button--small" aria-label={fmt(t.approveLabel, { name: r.name })}>
                  {t.approve}
                </button>
                <button type="submit" name="decision" value="decline" class="button button--secondary button--small" aria-label={fmt(t.declineLabel, { name: r.name })}>
                  {t.decline}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="invite-title" id="invite" class="card">
        <h2 id="invite-title">{t.invite}</h2>
        <form method="post" action={`/groups/${gid}/invite`} novalidate>
          <CsrfField token={csrfToken} />
          <Input m={m} name="email" type="email" label={t.inviteEmail} hint={t.inviteHint} value={p.invite.value} error={p.invite.error} autocomplete="off" required />
          <Submit label={t.inviteSubmit} />
        </form>
        <h3>{t.invitations}</h3>
        {p.invited.length === 0 ? <p class="muted">{t.noInvitations}</p> : null}
        <ul class="plain-list group-people">
          {p.invited.map((r) => (
            <li>
              {r.name} <PersonForm v={v} action={`/groups/${gid}/invitations/${r.userId}/revoke`} label={t.revoke} aria={fmt(t.revokeLabel, { name: r.name })} secondary />
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="members-title" id="members">
        <h2 id="members-title">{fmt(t.members, { count: p.members })}</h2>
        {/* A list, not a table: each member's actions wrap under their name on a phone. */}
        <ul class="plain-list group-people">
          {p.roster.map((r) => (
            <li class="group-person">
              <p>
                <strong>{r.name}</strong> <span class={r.role === 'manager' ? 'badge badge--staff' : 'badge'}>{t.roles[r.role]}</span>{' '}
                {r.mutedUntil ? <span class="badge badge--private">{fmt(t.mutedUntil, { date: formatDateTime(r.mutedUntil, locale, timeZone) })}</span> : null}
              </p>
              {r.joinedAt ? <p class="small muted">{fmt(t.since, { date: formatDate(r.joinedAt, locale, timeZone) })}</p> : null}
              <MemberActions v={v} gid={gid} row={r} self={r.userId === p.viewerId} muteError={p.muteError?.userId === r.userId ? p.muteError.error : undefined} />
            </li>
          ))}
        </ul>
        <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.groups.previous} nextLabel={m.groups.next} />
      </section>

      {p.removed.length ? (
        <section aria-labelledby="removed-title">
          <h2 id="removed-title">{t.removedList}</h2>
          <p class="hint">{t.removedHint}</p>
          <ul class="plain-list group-people">
            {p.removed.map((r) => (
              <li>{r.name}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="reports-title" id="reports">
        <h2 id="reports-title">{t.reports}</h2>
        {p.reports.length === 0 ? <p class="muted">{t.noReports}</p> : null}
        <ul class="plain-list">
          {p.reports.map((r) => (
            <ReportCard v={v} r={r} action={`/groups/${gid}/reports`} showGroup={false} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="settings-title" id="settings" class="card">
        <h2 id="settings-title">{t.settings}</h2>
        <ErrorSummary m={m} errors={p.settings.errors} />
        <form method="post" action={`/groups/${gid}/manage`} novalidate>
          <CsrfField token={csrfToken} />
          <GroupFields v={v} values={p.settings.values} errors={p.settings.errors} kinds={p.kinds} />
          <Submit label={m.groups.form.save} />
        </form>
      </section>

      <section aria-labelledby="archive-title" class="card">
        <h2 id="archive-title">{t.archive}</h2>
        <p class="hint">{t.archiveHint}</p>
        <form method="post" action={`/groups/${gid}/archive`}>
          <CsrfField token={csrfToken} />
          <Submit label={t.archive} secondary />
        </form>
      </section>
    </div>
  );
}

export function ReportQueuePage(p: { v: ViewBase; rows: ReportRow[]; page: number; hasNext: boolean }) {
  const { v } = p;
  const m: Messages = v.m;
  const t = m.groups.reports;
  const href = (n: number) => (n > 1 ? `/admin/groups/reports?page=${n}` : '/admin/groups/reports');
  return (
    <div class="narrow-wide">
      <GroupStyles />
      <p class="small">
        <a href="/groups">← {m.groups.page.backToList}</a>
      </p>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {p.rows.length === 0 ? <p class="card">{t.none}</p> : null}
      <ul class="plain-list">
        {p.rows.map((r) => (
          <ReportCard v={v} r={r} action="/admin/groups/reports" showGroup />
        ))}
      </ul>
      <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.groups.previous} nextLabel={m.groups.next} />
    </div>
  );
}
