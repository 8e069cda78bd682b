/** Members' group pages: the list, starting a group, a group, a thread, the member list, the report form. */
import { raw } from 'hono/html';
import { DIGEST_FREQUENCIES, GROUP_KINDS, JOIN_RULES, WANTS, type DigestFrequency, type GroupKind, type GroupMemberState, type JoinRule } from '../../../db/schema.ts';
import { fmt, formatDateTime, type Locale, type Messages } from '../../../shared/i18n/index.ts';
import { excerpt, renderMarkdown } from '../../../shared/markdown.ts';
import { whenText } from '../../events/events.present.ts';
import { Checkbox, CsrfField, ErrorSummary, Input, Radios, Submit, TextArea, type FieldErrors } from '../../../shared/views/form.tsx';
import { Avatar, MemberCard } from '../../profiles/views/ProfileParts.tsx';
import { MAX_BODY, MAX_DESCRIPTION, MAX_NAME, MAX_NOTE, MAX_REASON, MAX_TITLE } from '../groups.form.ts';
import type { PostView } from '../groups.present.ts';
import type { GroupEventRow, GroupListRow, MyGroupRow, ThreadRow, VisibleMemberRow } from '../groups.service.ts';

export interface ViewBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
}

/** The group pages' own stylesheet, next to the site's. */
export function GroupStyles() {
  return <link rel="stylesheet" href="/static/groups.css" />;
}

export interface GroupHead {
  id: string;
  name: string;
  kind: GroupKind;
  joinRule: JoinRule;
  listed: boolean;
  archived: boolean;
}

/** Kind, join rule, unlisted, archived: in words, never by colour alone. */
export function GroupBadges({ m, g, manager }: { m: Messages; g: GroupHead; manager?: boolean }) {
  const t = m.groups;
  return (
    <span class="group-badges">
      <span class="badge badge--alumni">{t.kinds[g.kind]}</span> <span class="badge">{t.joinRules[g.joinRule]}</span>
      {g.listed ? null : <span class="badge badge--private">{t.unlisted}</span>}
      {g.archived ? <span class="badge">{t.archived}</span> : null}
      {manager ? <span class="badge badge--staff">{t.manager}</span> : null}
    </span>
  );
}

const count = (m: Messages, n: number) => (n === 1 ? m.groups.memberOne : fmt(m.groups.memberCount, { count: n }));

/** Previous / next links of a paged list. */
export function Pager({ label, prev, next, prevLabel, nextLabel }: { label: string; prev: string | null; next: string | null; prevLabel: string; nextLabel: string }) {
  if (!prev && !next) return null;
  return (
    <nav class="pager" aria-label={label}>
      {prev ? (
        <a href={prev} rel="prev">
          {prevLabel}
        </a>
      ) : null}
      {next ? (
        <a href={next} rel="next">
          {nextLabel}
        </a>
      ) : null}
    </nav>
  );
}

/** One line of a group's description on its card (the rest on the group's page). */
function Excerpt({ description }: { description: string | null }) {
  const text = description ? excerpt(description, 120) : '';
  return text ? <p class="small muted group-item__excerpt">{text}</p> : null;
}

const headOf = (r: GroupListRow): GroupHead => ({ id: r.id, name: r.name, kind: r.kind, joinRule: r.joinRule, listed: r.listed, archived: r.archivedAt !== null });

// ---------------------------------------------------------------- the list

export function GroupListPage(p: {
  v: ViewBase;
  groups: GroupListRow[];
  mine: MyGroupRow[];
  kind: GroupKind | undefined;
  page: number;
  hasNext: boolean;
  canCreate: boolean;
  moderator: boolean;
  openReports: number;
}) {
  const { m, csrfToken } = p.v;
  const t = m.groups;
  const invitations = p.mine.filter((g) => g.state === 'invited');
  const mine = p.mine.filter((g) => g.state !== 'invited');
  const href = (page: number, kind = p.kind) => {
    const q = new URLSearchParams();
    if (kind) q.set('kind', kind);
    if (page > 1) q.set('page', String(page));
    const s = q.toString();
    return s ? `/groups?${s}` : '/groups';
  };
  return (
    <div class="narrow-wide">
      <GroupStyles />
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {p.canCreate || p.moderator ? (
        <p class="actions">
          {p.canCreate ? (
            <a class="button" href="/groups/new">
              {t.create}
            </a>
          ) : null}
          {p.moderator ? (
            <a class="button button--secondary" href="/admin/groups/reports">
              {p.openReports ? fmt(t.reportsLinkCount, { count: p.openReports }) : t.reportsLink}
            </a>
          ) : null}
        </p>
      ) : null}

      {invitations.length ? (
        <section class="card" aria-labelledby="invitations-title">
          <h2 id="invitations-title">{t.invitations.title}</h2>
          <p>{t.invitations.intro}</p>
          <ul class="plain-list group-list">
            {invitations.map((g) => (
              <li class="group-item">
                <p class="group-item__name">
                  <a href={`/groups/${g.id}`}>{g.name}</a>
                </p>
                <Excerpt description={g.description} />
                <p class="small">
                  <GroupBadges m={m} g={headOf(g)} />
                </p>
                <form method="post" action={`/groups/${g.id}/invitation`} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <button type="submit" name="answer" value="accept" class="button button--small" aria-label={fmt(t.invitations.acceptLabel, { group: g.name })}>
                    {t.invitations.accept}
                  </button>
                  <button type="submit" name="answer" value="decline" class="button button--secondary button--small" aria-label={fmt(t.invitations.declineLabel, { group: g.name })}>
                    {t.invitations.decline}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="mine-title">
        <h2 id="mine-title">{t.mine.title}</h2>
        {mine.length === 0 ? <p class="muted">{t.mine.none}</p> : null}
        <ul class="plain-list group-list">
          {mine.map((g) => (
            <li class="group-item">
              <p class="group-item__name">
                <a href={`/groups/${g.id}`}>{g.name}</a>
              </p>
              <Excerpt description={g.description} />
              <p class="small">
                <GroupBadges m={m} g={headOf(g)} manager={g.state === 'active' && g.role === 'manager'} /> {g.state === 'requested' ? <span class="badge">{t.mine.requested}</span> : null}{' '}
                <span class="muted">{count(m, g.members)}</span>
              </p>
              {g.pendingRequests > 0 ? (
                <p class="small">
                  <a href={`/groups/${g.id}/manage#requests`}>{g.pendingRequests === 1 ? t.mine.requestWaiting : fmt(t.mine.requestsWaiting, { count: g.pendingRequests })}</a>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="all-title">
        <h2 id="all-title">{p.mine.length ? t.otherTitle : t.listTitle}</h2>
        <nav class="tabs" aria-label={t.kindsLabel}>
          <ul>
            <li>
              <a href="/groups" aria-current={p.kind ? undefined : 'page'}>
                {t.all}
              </a>
            </li>
            {GROUP_KINDS.map((k) => (
              <li>
                <a href={href(1, k)} aria-current={p.kind === k ? 'page' : undefined}>
                  {t.kinds[k]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {p.groups.length === 0 ? <p class="card">{p.mine.length ? t.emptyOther : t.empty}</p> : null}
        <ul class="plain-list group-list">
          {p.groups.map((g) => (
            <li class="group-item">
              <p class="group-item__name">
                <a href={`/groups/${g.id}`}>{g.name}</a>
              </p>
              <Excerpt description={g.description} />
              <p class="small">
                <GroupBadges m={m} g={headOf(g)} /> <span class="muted">{count(m, g.members)}</span>
              </p>
            </li>
          ))}
        </ul>
        <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={t.previous} nextLabel={t.next} />
      </section>
    </div>
  );
}

// ---------------------------------------------------------------- the settings form

/** The fields of a group's settings (new group, manage page). */
export function GroupFields({ v, values, errors, kinds }: { v: ViewBase; values: Record<string, string>; errors: FieldErrors; kinds: readonly GroupKind[] }) {
  const { m } = v;
  const f = m.groups.form;
  const kindLocked = !kinds.includes(values.kind as GroupKind) && values.kind === 'official';
  return (
    <>
      <Input m={m} name="name" label={f.name} value={values.name ?? ''} error={errors.name} maxlength={MAX_NAME} required />
      <TextArea
        m={m}
        name="description"
        label={f.description}
        hint={fmt(f.descriptionHint, { max: MAX_DESCRIPTION })}
        value={values.description ?? ''}
        error={errors.description}
        maxlength={MAX_DESCRIPTION}
        rows={6}
      />
      {kindLocked ? (
        <>
          <input type="hidden" name="kind" value="official" />
          <p class="hint">{f.officialKept}</p>
        </>
      ) : (
        <Radios m={m} name="kind" label={f.kind} value={values.kind} error={errors.kind} required options={kinds.map((k) => ({ value: k, label: `${m.groups.kinds[k]} — ${m.groups.kindHints[k]}` }))} />
      )}
      <Radios
        m={m}
        name="joinRule"
        label={f.joinRule}
        value={values.joinRule}
        error={errors.joinRule}
        required
        options={JOIN_RULES.map((r) => ({ value: r, label: `${m.groups.joinRules[r]} — ${m.groups.joinRuleHints[r]}` }))}
      />
      <Checkbox m={m} name="listed" label={f.listed} checked={values.listed === '1'} />
      <p class="hint">{f.listedHint}</p>
      <fieldset class="field">
        <legend>{f.wants}</legend>
        <div class="choices choices--inline">
          {WANTS.map((w) => (
            <label class="choice" for={`f-wants-${w}`}>
              <input type="checkbox" id={`f-wants-${w}`} name={`wants.${w}`} value="1" checked={values[`wants.${w}`] !== undefined} />
              <span>{m.profiles.wants[w]}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}

export function NewGroupPage(p: { v: ViewBase; values: Record<string, string>; errors: FieldErrors; kinds: readonly GroupKind[] }) {
  const { m, csrfToken } = p.v;
  const f = m.groups.form;
  return (
    <div class="narrow">
      <p class="small">
        <a href="/groups">← {m.groups.page.backToList}</a>
      </p>
      <h1>{f.newTitle}</h1>
      <p>{f.intro}</p>
      <ErrorSummary m={m} errors={p.errors} />
      <form method="post" action="/groups/new" novalidate>
        <CsrfField token={csrfToken} />
        <GroupFields v={p.v} values={p.values} errors={p.errors} kinds={p.kinds} />
        <Submit label={f.create} />
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- the group page

export interface GroupPageView {
  group: GroupHead & { description: string | null };
  state: GroupMemberState | null;
  manager: boolean;
  canManage: boolean;
  canRead: boolean;
  canSeeTitles: boolean;
  canPost: boolean;
  mutedUntil: Date | null;
  digest: DigestFrequency | null;
  members: number;
  threads: ThreadRow[];
  page: number;
  hasNext: boolean;
  events: GroupEventRow[];
  canCreateEvent: boolean;
}

function Muted({ v, until }: { v: ViewBase; until: Date }) {
  return <p class="notice notice--warning">{fmt(v.m.groups.threads.muted, { date: formatDateTime(until, v.locale, v.timeZone) })}</p>;
}

/** Leaving (or withdrawing a request): a small secondary button, in red when it ends a membership. */
function LeaveForm({ v, groupId, label, danger }: { v: ViewBase; groupId: string; label: string; danger?: boolean }) {
  return (
    <form method="post" action={`/groups/${groupId}/leave`} class="inline-form">
      <CsrfField token={v.csrfToken} />
      <button type="submit" class={`button button--secondary button--small${danger ? ' button--danger' : ''}`}>
        {label}
      </button>
    </form>
  );
}

function Membership({ v, g, note }: { v: ViewBase; g: GroupPageView; note: { value?: string | undefined; error?: string | undefined } }) {
  const { m, csrfToken } = v;
  const j = m.groups.join;
  const id = g.group.id;
  const archived = g.group.archived;
  if (g.state === 'active') {
    return (
      <>
        <p>{g.manager ? j.managerStatus : j.member}</p>
        <form method="post" action={`/groups/${id}/digest`} class="group-digest">
          <CsrfField token={csrfToken} />
          <Radios
            m={m}
            name="digest"
            label={m.groups.digest.legend}
            hint={m.groups.digest.hint}
            value={g.digest ?? 'weekly'}
            options={DIGEST_FREQUENCIES.map((d) => ({ value: d, label: m.groups.digest[d] }))}
          />
          <Submit label={m.groups.digest.save} secondary />
        </form>
      </>
    );
  }
  if (g.state === 'invited') {
    return (
      <>
        <p>{j.invited}</p>
        <form method="post" action={`/groups/${id}/invitation`} class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" name="answer" value="accept" class="button">
            {m.groups.invitations.accept}
          </button>
          <button type="submit" name="answer" value="decline" class="button button--secondary">
            {m.groups.invitations.decline}
          </button>
        </form>
      </>
    );
  }
  if (g.state === 'requested') {
    return (
      <>
        <p>{j.pending}</p>
        <LeaveForm v={v} groupId={id} label={j.withdraw} />
      </>
    );
  }
  if (g.state === 'removed') return <p>{j.removed}</p>;
  if (archived) return null;
  if (g.group.joinRule === 'invitation') return <p>{j.invitationOnly}</p>;
  if (g.group.joinRule === 'open') {
    return (
      <form method="post" action={`/groups/${id}/join`}>
        <CsrfField token={csrfToken} />
        <Submit label={j.join} />
      </form>
    );
  }
  return (
    <form method="post" action={`/groups/${id}/join`} novalidate>
      <CsrfField token={csrfToken} />
      <TextArea m={m} name="note" label={j.noteLabel} hint={fmt(j.noteHint, { max: MAX_NOTE })} value={note.value} error={note.error} maxlength={MAX_NOTE} rows={3} />
      <Submit label={j.request} />
    </form>
  );
}

function ThreadForm({ v, groupId, values, errors }: { v: ViewBase; groupId: string; values: Record<string, string>; errors: FieldErrors }) {
  const { m, csrfToken } = v;
  const t = m.groups.threads;
  return (
    <form method="post" action={`/groups/${groupId}/threads`} class="card" novalidate id="new-thread">
      <h2 id="new-thread-title">{t.new}</h2>
      <CsrfField token={csrfToken} />
      <ErrorSummary m={m} errors={errors} />
      <Input m={m} name="title" label={t.titleLabel} value={values.title ?? ''} error={errors.title} maxlength={MAX_TITLE} required />
      <TextArea m={m} name="body" label={t.bodyLabel} hint={fmt(t.bodyHint, { max: MAX_BODY })} value={values.body ?? ''} error={errors.body} maxlength={MAX_BODY} rows={6} required />
      <Submit label={t.submit} />
    </form>
  );
}

export function GroupPage(p: {
  v: ViewBase;
  g: GroupPageView;
  thread?: { values: Record<string, string>; errors: FieldErrors };
  note?: { value?: string | undefined; error?: string | undefined };
  error?: string | undefined;
}) {
  const { v, g } = p;
  const { m, locale, timeZone } = v;
  const t = m.groups;
  const id = g.group.id;
  const pageHref = (n: number) => (n > 1 ? `/groups/${id}?page=${n}#threads` : `/groups/${id}#threads`);
  return (
    <div class="narrow-wide">
      <GroupStyles />
      <p class="small">
        <a href="/groups">← {t.page.backToList}</a>
      </p>
      <h1>{g.group.name}</h1>
      <p class="small group-meta">
        <GroupBadges m={m} g={g.group} /> <span class="muted">{count(m, g.members)}</span>
      </p>
      {p.error ? (
        <div class="error-summary" role="alert">
          <p>{p.error}</p>
        </div>
      ) : null}
      {g.group.archived ? <p class="notice notice--warning">{t.page.archivedNotice}</p> : null}

      <section aria-labelledby="about-title" class="group-about">
        <h2 id="about-title">{t.page.about}</h2>
        {g.group.description ? raw(renderMarkdown(g.group.description)) : <p class="muted">{t.page.noDescription}</p>}
      </section>

      <section class="card" aria-labelledby="membership-title">
        <h2 id="membership-title">{t.page.membership}</h2>
        <Membership v={v} g={g} note={p.note ?? {}} />
      </section>

      {g.canRead || g.canManage ? (
        <p class="actions">
          {g.canRead ? <a href={`/groups/${id}/members`}>{t.page.seeMembers}</a> : null}
          {g.canManage ? <a href={`/groups/${id}/manage`}>{t.page.manage}</a> : null}
        </p>
      ) : null}

      <section aria-labelledby="events-title">
        <h2 id="events-title">{t.events.title}</h2>
        {g.events.length === 0 ? <p class="muted">{t.events.none}</p> : null}
        <ul class="plain-list group-events">
          {g.events.map((e) => (
            <li>
              <a href={`/events/${e.id}`}>{e.title}</a>{' '}
              <span class="muted small">
                <time datetime={e.startsAt.toISOString()}>{whenText(e, locale, timeZone)}</time>
                {e.venueName ? ` · ${e.venueName}` : ''}
              </span>
            </li>
          ))}
        </ul>
        {g.canCreateEvent ? (
          <p>
            <a class="button button--secondary" href={`/events/new?group=${id}`}>
              {t.events.create}
            </a>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="threads-title" id="threads">
        <h2 id="threads-title">{t.threads.title}</h2>
        {!g.canSeeTitles ? <p class="muted">{t.threads.membersOnly}</p> : null}
        {g.canSeeTitles && !g.canRead ? <p class="muted">{t.threads.joinToRead}</p> : null}
        {g.canSeeTitles && g.threads.length === 0 ? <p class="muted">{t.threads.none}</p> : null}
        <ul class="plain-list group-threads">
          {g.threads.map((th) => (
            <li class="group-thread">
              <p class="group-thread__title">{g.canRead ? <a href={`/groups/${id}/threads/${th.id}`}>{th.title}</a> : th.title}</p>
              <p class="small muted">
                {th.authorName ?? t.threads.formerMember} · {th.replies === 1 ? t.threads.replyOne : fmt(t.threads.replyCount, { count: th.replies })} ·{' '}
                <time datetime={th.lastActivityAt.toISOString()}>{fmt(t.threads.lastActivity, { date: formatDateTime(th.lastActivityAt, locale, timeZone) })}</time>
              </p>
            </li>
          ))}
        </ul>
        <Pager label={t.threads.pagesLabel} prev={g.page > 1 ? pageHref(g.page - 1) : null} next={g.hasNext ? pageHref(g.page + 1) : null} prevLabel={t.threads.newer} nextLabel={t.threads.older} />
      </section>
      {g.mutedUntil ? <Muted v={v} until={g.mutedUntil} /> : null}
      {g.canPost ? <ThreadForm v={v} groupId={id} values={p.thread?.values ?? {}} errors={p.thread?.errors ?? {}} /> : null}
      {g.state === 'active' ? (
        // Leaving is rare and ends the membership: at the end of the page, away from the everyday settings.
        <section class="group-leave" aria-labelledby="leave-title">
          <h2 id="leave-title">{t.join.leaveTitle}</h2>
          <LeaveForm v={v} groupId={id} label={t.join.leave} danger />
        </section>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- a thread

function PostActions({ v, groupId, post, canHide }: { v: ViewBase; groupId: string; post: PostView; canHide: boolean }) {
  const { m, csrfToken } = v;
  const t = m.groups.threads;
  const name = post.authorName ?? t.formerMember;
  if (post.own) return null;
  return (
    <div class="actions small">
      <a href={`/groups/${groupId}/posts/${post.id}/report`} aria-label={fmt(t.reportLabel, { name })}>
        {t.report}
      </a>
      {canHide ? (
        <form method="post" action={`/groups/${groupId}/posts/${post.id}/hide`} class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" class="link-button" aria-label={fmt(t.hideLabel, { name })}>
            {t.hide}
          </button>
        </form>
      ) : null}
    </div>
  );
}

function PostBody({ v, post }: { v: ViewBase; post: PostView }) {
  const { m, locale, timeZone } = v;
  return (
    <>
      <p class="small muted">
        <strong class="group-post__author">{post.authorName ?? m.groups.threads.formerMember}</strong> ·{' '}
        <time datetime={post.createdAt.toISOString()}>{formatDateTime(post.createdAt, locale, timeZone)}</time>
      </p>
      <div class="group-post__body">{raw(post.html)}</div>
    </>
  );
}

export function ThreadPage(p: {
  v: ViewBase;
  group: GroupHead;
  thread: PostView;
  replies: PostView[];
  canPost: boolean;
  canModerate: boolean;
  mutedUntil: Date | null;
  reply: { value?: string | undefined; error?: string | undefined };
}) {
  const { v } = p;
  const { m, csrfToken } = v;
  const t = m.groups.threads;
  const gid = p.group.id;
  return (
    <div class="narrow-wide">
      <GroupStyles />
      <p class="small">
        <a href={`/groups/${gid}#threads`}>← {fmt(t.back, { group: p.group.name })}</a>
      </p>
      <article class="group-post group-post--thread" id={`post-${p.thread.id}`} aria-labelledby="thread-title">
        <h1 id="thread-title">{p.thread.title}</h1>
        <PostBody v={v} post={p.thread} />
        <PostActions v={v} groupId={gid} post={p.thread} canHide={p.canModerate} />
      </article>
      <section aria-labelledby="replies-title" id="replies">
        <h2 id="replies-title">{fmt(t.replies, { count: p.replies.length })}</h2>
        {p.replies.length === 0 ? <p class="muted">{t.noReplies}</p> : null}
        <ol class="group-replies">
          {p.replies.map((r) => (
            <li class="group-post" id={`post-${r.id}`}>
              <PostBody v={v} post={r} />
              <PostActions v={v} groupId={gid} post={r} canHide={p.canModerate} />
            </li>
          ))}
        </ol>
      </section>
      {p.mutedUntil ? <Muted v={v} until={p.mutedUntil} /> : null}
      {p.canPost ? (
        <form method="post" action={`/groups/${gid}/threads/${p.thread.id}/replies`} class="card" novalidate id="reply">
          <CsrfField token={csrfToken} />
          {p.reply.error ? <ErrorSummary m={m} errors={{ body: p.reply.error }} /> : null}
          <TextArea m={m} name="body" label={t.replyLabel} hint={fmt(t.bodyHint, { max: MAX_BODY })} value={p.reply.value} error={p.reply.error} maxlength={MAX_BODY} rows={4} required />
          <Submit label={t.replySubmit} />
        </form>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- reporting

export function ReportPage(p: { v: ViewBase; group: GroupHead; post: PostView; value?: string | undefined; error?: string | undefined }) {
  const { v } = p;
  const { m, csrfToken } = v;
  const r = m.groups.report;
  const back = `/groups/${p.group.id}/threads/${p.post.threadId ?? p.post.id}#post-${p.post.id}`;
  return (
    <div class="narrow">
      <GroupStyles />
      <h1>{r.title}</h1>
      <p>{r.intro}</p>
      <ErrorSummary m={m} errors={{ reason: p.error }} />
      <section class="card" aria-labelledby="reported-post">
        <h2 id="reported-post">{r.post}</h2>
        <PostBody v={v} post={p.post} />
      </section>
      <form method="post" action={`/groups/${p.group.id}/posts/${p.post.id}/report`} novalidate>
        <CsrfField token={csrfToken} />
        <TextArea m={m} name="reason" label={r.reason} hint={fmt(r.reasonHint, { max: MAX_REASON })} value={p.value} error={p.error} maxlength={MAX_REASON} rows={4} required />
        <div class="actions">
          <Submit label={r.submit} />
          <a class="button button--secondary" href={back}>
            {m.common.cancel}
          </a>
        </div>
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- members

export function MembersPage(p: { v: ViewBase; group: GroupHead; rows: VisibleMemberRow[]; unlisted: number; page: number; hasNext: boolean; viewerId: string }) {
  const { v } = p;
  const { m, locale, timeZone } = v;
  const t = m.groups.members;
  const gid = p.group.id;
  const href = (n: number) => (n > 1 ? `/groups/${gid}/members?page=${n}` : `/groups/${gid}/members`);
  const badges = (row: VisibleMemberRow) => (
    <p class="member-card__line small">
      {row.role === 'manager' ? <span class="badge badge--staff">{m.groups.manager}</span> : null}{' '}
      {row.userId === p.viewerId ? <span class="badge">{t.you}</span> : null}
    </p>
  );
  return (
    <div class="narrow-wide">
      <GroupStyles />
      <p class="small">
        <a href={`/groups/${gid}`}>← {fmt(m.groups.threads.back, { group: p.group.name })}</a>
      </p>
      <h1>{fmt(t.title, { group: p.group.name })}</h1>
      <p>{t.intro}</p>
      {p.rows.length === 0 ? <p class="muted">{t.none}</p> : null}
      <ul class="member-list">
        {p.rows.map((row) =>
          row.card ? (
            <MemberCard v={{ m, locale, timeZone, csrfToken: v.csrfToken }} userId={row.userId} card={row.card} extra={badges(row)} />
          ) : (
            <li class="member-card">
              <Avatar m={m} userId={row.userId} name={row.name} />
              <div class="member-card__body">
                <p class="member-card__name">{row.name}</p>
                <p class="member-card__line small">
                  <span class="badge">{m.roles[row.networkRole]}</span> {row.role === 'manager' ? <span class="badge badge--staff">{m.groups.manager}</span> : null}{' '}
                  {row.userId === p.viewerId ? <span class="badge">{t.you}</span> : null}
                </p>
              </div>
            </li>
          ),
        )}
      </ul>
      {p.unlisted > 0 ? <p class="muted">{p.unlisted === 1 ? t.unlistedOne : fmt(t.unlisted, { count: p.unlisted })}</p> : null}
      <Pager label={t.pagesLabel} prev={p.page > 1 ? href(p.page - 1) : null} next={p.hasNext ? href(p.page + 1) : null} prevLabel={m.groups.previous} nextLabel={m.groups.next} />
    </div>
  );
}
