/**
 * Group pages: /groups (list, invitations, one's own), /groups/new, a group's page, members,
 * threads and replies, reports, the managers' page, and /admin/groups/reports (operators and
 * community managers: reported posts across every group).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { allow } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';
import { readForm } from '../../shared/http/form.ts';
import { setFlash } from '../../shared/http/middleware.ts';
import { page } from '../../shared/http/render.tsx';
import { fmt, formatDateTime } from '../../shared/i18n/index.ts';
import type { FieldErrors } from '../../shared/views/form.tsx';
import { groupFormValues, MAX_BODY, MAX_REASON, parseEmail, parseGroupForm, parseMuteUntil, parseNote, parseRequired, parseThreadForm } from './groups.form.ts';
import { presentPost } from './groups.present.ts';
import * as groups from './groups.service.ts';
import { DIGEST_FREQUENCIES, GROUP_KINDS, type DigestFrequency, type GroupKind } from './groups.service.ts';
import { GroupListPage, GroupPage, MembersPage, NewGroupPage, ReportPage, ThreadPage, type GroupHead, type ViewBase } from './views/GroupPages.tsx';
import { ManagePage, ReportQueuePage } from './views/ManagePages.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MODERATORS = ['operator', 'community_manager'] as const;

function base(c: Context<AppEnv>): ViewBase {
  return { m: c.get('m'), csrfToken: c.get('csrfToken'), locale: c.get('locale'), timeZone: c.get('settings')?.timeZone ?? 'Asia/Tokyo' };
}

const deps = (c: Context<AppEnv>) => c.get('deps');
const actorOf = (c: Context<AppEnv>) => c.get('actor') as Actor;
const ip = (c: Context<AppEnv>) => c.get('clientIp');
const baseUrl = (c: Context<AppEnv>) => deps(c).config.baseUrl;

/** A path parameter that must be a UUID: anything else is a page that does not exist (never a database error). */
function idParam(c: Context<AppEnv>, name = 'id'): string {
  const id = c.req.param(name) ?? '';
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  return id;
}

function pageParam(c: Context<AppEnv>): number {
  const n = Number.parseInt(c.req.query('page') ?? '1', 10);
  return Number.isFinite(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/** The kinds the settings form accepts: the actor's, and the group's own (an official group stays official; the form shows that as fixed). */
const acceptedKinds = (actor: Actor, g: groups.GroupRow): GroupKind[] => [...new Set([...groups.kindsFor(actor), g.kind])];

const headOf = (g: groups.GroupRow): GroupHead => ({ id: g.id, name: g.name, kind: g.kind, joinRule: g.joinRule, listed: g.listed, archived: g.archivedAt !== null });

/** Mail may have been queued: wake the in-process workers (after the change committed). */
function wake(c: Context<AppEnv>): void {
  deps(c).wakeWorkers();
}

// ---------------------------------------------------------------- rendering

async function renderGroup(
  c: Context<AppEnv>,
  id: string,
  extra: { thread?: { values: Record<string, string>; errors: FieldErrors }; note?: { value?: string; error?: string }; error?: string } = {},
  status: 200 | 403 | 409 | 422 = 200,
) {
  const actor = actorOf(c);
  const pageNo = pageParam(c);
  const data = await groups.groupPage(deps(c).db, actor, id, { page: pageNo });
  const a = data.access;
  return page(
    c,
    a.group.name,
    <GroupPage
      v={base(c)}
      g={{
        group: { ...headOf(a.group), description: a.group.description },
        state: a.membership?.state ?? null,
        manager: a.manager,
        canManage: a.canManage,
        canRead: a.canRead,
        canSeeTitles: a.canSeeTitles,
        canPost: a.canPost,
        mutedUntil: a.mutedUntil,
        digest: a.member ? (a.membership?.digest ?? null) : null,
        members: data.members,
        threads: data.threads,
        page: pageNo,
        hasNext: data.hasNext,
        events: data.events,
        canCreateEvent: data.canCreateEvent,
      }}
      {...extra}
    />,
    status,
  );
}

async function renderThread(c: Context<AppEnv>, id: string, threadId: string, reply: { value?: string; error?: string } = {}, status: 200 | 422 = 200) {
  const actor = actorOf(c);
  const data = await groups.threadPage(deps(c).db, actor, id, threadId);
  const a = data.access;
  const thread = presentPost(data.thread, data.mentions, actor.id);
  return page(
    c,
    thread.title ?? a.group.name,
    <ThreadPage
      v={base(c)}
      group={headOf(a.group)}
      thread={thread}
      replies={data.replies.map((r) => presentPost(r, data.mentions, actor.id))}
      canPost={a.canPost}
      canModerate={a.canManage}
      mutedUntil={a.mutedUntil}
      reply={reply}
    />,
    status,
  );
}

async function renderReport(c: Context<AppEnv>, id: string, postId: string, form: { value?: string; error?: string } = {}, status: 200 | 422 = 200) {
  const actor = actorOf(c);
  const { access, post } = await groups.postToReport(deps(c).db, actor, id, postId);
  const view = presentPost(post, new Map(), actor.id);
  return page(c, c.get('m').groups.report.title, <ReportPage v={base(c)} group={headOf(access.group)} post={view} value={form.value} error={form.error} />, status);
}

async function renderManage(
  c: Context<AppEnv>,
  id: string,
  extra: { settings?: { values: Record<string, string>; errors: FieldErrors }; invite?: { value?: string; error?: string }; muteError?: { userId: string; error: string } } = {},
  status: 200 | 422 = 200,
) {
  const actor = actorOf(c);
  const { db } = deps(c);
  const pageNo = pageParam(c);
  const data = await groups.managePage(db, actor, id, pageNo);
  const g = data.access.group;
  return page(
    c,
    fmt(c.get('m').groups.manage.title, { group: g.name }),
    <ManagePage
      v={base(c)}
      group={headOf(g)}
      viewerId={actor.id}
      members={data.memberCount}
      settings={extra.settings ?? { values: groupFormValues(g), errors: {} }}
      kinds={groups.kindsFor(actor)}
      requests={data.requests}
      invited={data.invited}
      removed={data.removed}
      roster={data.members}
      page={pageNo}
      hasNext={data.hasNext}
      reports={data.reports}
      invite={extra.invite ?? {}}
      muteError={extra.muteError}
    />,
    status,
  );
}

// ---------------------------------------------------------------- the routes

export const groupRoutes = new Hono<AppEnv>()
  .get('/groups', allow('verified'), async (c) => {
    const raw = c.req.query('kind') ?? '';
    const kind = (GROUP_KINDS as readonly string[]).includes(raw) ? (raw as GroupKind) : undefined;
    const pageNo = pageParam(c);
    const data = await groups.listPage(deps(c).db, actorOf(c), { kind, page: pageNo });
    return page(
      c,
      c.get('m').groups.title,
      <GroupListPage v={base(c)} groups={data.groups} mine={data.mine} kind={kind} page={pageNo} hasNext={data.hasNext} canCreate={data.canCreate} moderator={data.moderator} openReports={data.openReports} />,
    );
  })
  .get('/groups/new', allow('verified'), (c) => {
    const actor = actorOf(c);
    return page(c, c.get('m').groups.form.newTitle, <NewGroupPage v={base(c)} values={groupFormValues(null)} errors={{}} kinds={groups.kindsFor(actor)} />);
  })
  .post('/groups/new', allow('verified'), async (c) => {
    const actor = actorOf(c);
    const values = await readForm(c);
    const kinds = groups.kindsFor(actor);
    const parsed = parseGroupForm(c.get('m'), values, kinds);
    if (!parsed.ok) return page(c, c.get('m').groups.form.newTitle, <NewGroupPage v={base(c)} values={values} errors={parsed.errors} kinds={kinds} />, 422);
    const id = await groups.createGroup(deps(c).db, actor, parsed.data, ip(c));
    setFlash(c, 'groups.form.created');
    return c.redirect(`/groups/${id}`, 303);
  })
  .get('/admin/groups/reports', allow(MODERATORS), async (c) => {
    const pageNo = pageParam(c);
    const { rows, hasNext } = await groups.reportQueue(deps(c).db, actorOf(c), pageNo);
    return page(c, c.get('m').groups.reports.title, <ReportQueuePage v={base(c)} rows={rows} page={pageNo} hasNext={hasNext} />);
  })
  .post('/admin/groups/reports/:id/hide', allow(MODERATORS), async (c) => {
    await groups.resolveReport(deps(c).db, actorOf(c), idParam(c), 'hide', { ip: ip(c) });
    setFlash(c, 'groups.reports.hiddenDone');
    return c.redirect('/admin/groups/reports', 303);
  })
  .post('/admin/groups/reports/:id/dismiss', allow(MODERATORS), async (c) => {
    await groups.resolveReport(deps(c).db, actorOf(c), idParam(c), 'dismiss', { ip: ip(c) });
    setFlash(c, 'groups.reports.dismissedDone');
    return c.redirect('/admin/groups/reports', 303);
  })
  .get('/groups/:id', allow('verified'), (c) => renderGroup(c, idParam(c)))
  .post('/groups/:id/join', allow('verified'), async (c) => {
    const id = idParam(c);
    const values = await readForm(c);
    const note = parseNote(c.get('m'), values.note);
    if (!note.ok) return renderGroup(c, id, { note: { value: values.note ?? '', error: note.error } }, 422);
    const result = await groups.join(deps(c).db, actorOf(c), id, note.text, baseUrl(c));
    wake(c);
    if (result.outcome === 'joined') setFlash(c, 'groups.join.joined', { group: result.groupName });
    else setFlash(c, 'groups.join.requested');
    return c.redirect(`/groups/${id}`, 303);
  })
  .post('/groups/:id/leave', allow('verified'), async (c) => {
    const id = idParam(c);
    const result = await groups.leave(deps(c).db, actorOf(c), id);
    if (!result.ok) return renderGroup(c, id, { error: c.get('m').groups.join.lastManager }, 409);
    setFlash(c, result.was === 'requested' ? 'groups.join.withdrawn' : result.was === 'invited' ? 'groups.join.declined' : 'groups.join.left');
    // An unlisted group is gone for someone who left it.
    return c.redirect(result.listed ? `/groups/${id}` : '/groups', 303);
  })
  .post('/groups/:id/invitation', allow('verified'), async (c) => {
    const id = idParam(c);
    // The group must exist for the actor before the form is read (an unknown id is a 404, whatever was sent).
    await groups.accessTo(deps(c).db, actorOf(c), id);
    const answer = (await readForm(c)).answer;
    if (answer !== 'accept' && answer !== 'decline') throw new AppError('BAD_REQUEST');
    const name = await groups.answerInvitation(deps(c).db, actorOf(c), id, answer === 'accept');
    if (answer === 'accept') {
      setFlash(c, 'groups.join.accepted', { group: name });
      return c.redirect(`/groups/${id}`, 303);
    }
    setFlash(c, 'groups.join.declined');
    return c.redirect('/groups', 303);
  })
  .post('/groups/:id/digest', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.accessTo(deps(c).db, actorOf(c), id);
    const digest = (await readForm(c)).digest ?? '';
    if (!(DIGEST_FREQUENCIES as readonly string[]).includes(digest)) throw new AppError('BAD_REQUEST');
    await groups.setDigest(deps(c).db, actorOf(c), id, digest as DigestFrequency);
    setFlash(c, 'groups.digest.saved');
    return c.redirect(`/groups/${id}`, 303);
  })
  .get('/groups/:id/members', allow('verified'), async (c) => {
    const actor = actorOf(c);
    const pageNo = pageParam(c);
    const data = await groups.membersPage(deps(c).db, actor, idParam(c), pageNo);
    const g = data.access.group;
    return page(
      c,
      fmt(c.get('m').groups.members.title, { group: g.name }),
      <MembersPage v={base(c)} group={headOf(g)} rows={data.rows} unlisted={data.unlisted} page={pageNo} hasNext={data.hasNext} viewerId={actor.id} />,
    );
  })
  .post('/groups/:id/threads', allow('verified'), async (c) => {
    const id = idParam(c);
    const actor = actorOf(c);
    const access = await groups.accessTo(deps(c).db, actor, id);
    if (access.mutedUntil) return renderGroup(c, id, {}, 403);
    const values = await readForm(c);
    const parsed = parseThreadForm(c.get('m'), values);
    if (!parsed.ok) return renderGroup(c, id, { thread: { values, errors: parsed.errors } }, 422);
    const threadId = await groups.createThread(deps(c).db, actor, id, parsed.data, baseUrl(c));
    wake(c);
    setFlash(c, 'groups.threads.posted');
    return c.redirect(`/groups/${id}/threads/${threadId}`, 303);
  })
  .get('/groups/:id/threads/:threadId', allow('verified'), (c) => renderThread(c, idParam(c), idParam(c, 'threadId')))
  .post('/groups/:id/threads/:threadId/replies', allow('verified'), async (c) => {
    const id = idParam(c);
    const threadId = idParam(c, 'threadId');
    const m = c.get('m');
    const values = await readForm(c);
    const parsed = parseRequired(m, values.body, m.groups.threads.replyLabel, MAX_BODY);
    if (!parsed.ok) return renderThread(c, id, threadId, { value: values.body ?? '', error: parsed.error }, 422);
    const replyId = await groups.reply(deps(c).db, actorOf(c), id, threadId, parsed.text, baseUrl(c));
    wake(c);
    setFlash(c, 'groups.threads.replied');
    return c.redirect(`/groups/${id}/threads/${threadId}#post-${replyId}`, 303);
  })
  .get('/groups/:id/posts/:postId/report', allow('verified'), (c) => renderReport(c, idParam(c), idParam(c, 'postId')))
  .post('/groups/:id/posts/:postId/report', allow('verified'), async (c) => {
    const id = idParam(c);
    const postId = idParam(c, 'postId');
    const m = c.get('m');
    const values = await readForm(c);
    const parsed = parseRequired(m, values.reason, m.groups.report.reason, MAX_REASON);
    if (!parsed.ok) return renderReport(c, id, postId, { value: values.reason ?? '', error: parsed.error }, 422);
    const { post } = await groups.postToReport(deps(c).db, actorOf(c), id, postId);
    await groups.reportPost(deps(c).db, actorOf(c), id, postId, parsed.text);
    setFlash(c, 'groups.report.sent');
    return c.redirect(`/groups/${id}/threads/${post.threadId ?? post.id}`, 303);
  })
  .post('/groups/:id/posts/:postId/hide', allow('verified'), async (c) => {
    const id = idParam(c);
    const { threadId } = await groups.hidePost(deps(c).db, actorOf(c), id, idParam(c, 'postId'), ip(c));
    setFlash(c, 'groups.threads.hidden');
    return c.redirect(threadId ? `/groups/${id}/threads/${threadId}` : `/groups/${id}#threads`, 303);
  })
  .get('/groups/:id/manage', allow('verified'), (c) => renderManage(c, idParam(c)))
  .post('/groups/:id/manage', allow('verified'), async (c) => {
    const id = idParam(c);
    const actor = actorOf(c);
    const { group } = await groups.manageAccess(deps(c).db, actor, id);
    const values = await readForm(c);
    const parsed = parseGroupForm(c.get('m'), values, acceptedKinds(actor, group));
    if (!parsed.ok) return renderManage(c, id, { settings: { values, errors: parsed.errors } }, 422);
    await groups.updateSettings(deps(c).db, actor, id, parsed.data, ip(c));
    setFlash(c, 'groups.form.saved');
    return c.redirect(`/groups/${id}/manage`, 303);
  })
  .post('/groups/:id/requests/:userId', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.manageAccess(deps(c).db, actorOf(c), id);
    const decision = (await readForm(c)).decision;
    if (decision !== 'approve' && decision !== 'decline') throw new AppError('BAD_REQUEST');
    await groups.decideRequest(deps(c).db, actorOf(c), id, idParam(c, 'userId'), decision === 'approve', baseUrl(c), ip(c));
    wake(c);
    setFlash(c, decision === 'approve' ? 'groups.manage.approved' : 'groups.manage.declined');
    return c.redirect(`/groups/${id}/manage#requests`, 303);
  })
  .post('/groups/:id/invite', allow('verified'), async (c) => {
    const id = idParam(c);
    const m = c.get('m');
    await groups.manageAccess(deps(c).db, actorOf(c), id);
    const values = await readForm(c);
    const parsed = parseEmail(m, values.email);
    if (!parsed.ok) return renderManage(c, id, { invite: { value: values.email ?? '', error: parsed.error } }, 422);
    const result = await groups.invite(deps(c).db, actorOf(c), id, parsed.email, baseUrl(c), ip(c));
    if (!result.ok) {
      const error = { unknown: m.groups.manage.inviteUnknown, member: m.groups.manage.inviteMember, invited: m.groups.manage.inviteInvited }[result.error];
      return renderManage(c, id, { invite: { value: parsed.email, error } }, 422);
    }
    wake(c);
    setFlash(c, 'groups.manage.invitedDone', { name: result.name });
    return c.redirect(`/groups/${id}/manage#invite`, 303);
  })
  .post('/groups/:id/invitations/:userId/revoke', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.revokeInvitation(deps(c).db, actorOf(c), id, idParam(c, 'userId'));
    setFlash(c, 'groups.manage.revoked');
    return c.redirect(`/groups/${id}/manage#invite`, 303);
  })
  .post('/groups/:id/members/:userId/role', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.manageAccess(deps(c).db, actorOf(c), id);
    const role = (await readForm(c)).role;
    if (role !== 'manager' && role !== 'member') throw new AppError('BAD_REQUEST');
    const result = await groups.setRole(deps(c).db, actorOf(c), id, idParam(c, 'userId'), role, ip(c));
    setFlash(c, result.ok ? 'groups.manage.roleChanged' : 'groups.manage.lastManager');
    return c.redirect(`/groups/${id}/manage#members`, 303);
  })
  .post('/groups/:id/members/:userId/mute', allow('verified'), async (c) => {
    const id = idParam(c);
    const userId = idParam(c, 'userId');
    const values = await readForm(c);
    let until: Date | null = null;
    if (values.clear !== '1') {
      await groups.manageAccess(deps(c).db, actorOf(c), id);
      const parsed = parseMuteUntil(c.get('m'), values.until, base(c).timeZone, new Date());
      if (!parsed.ok) return renderManage(c, id, { muteError: { userId, error: parsed.error } }, 422);
      until = parsed.until;
    }
    const result = await groups.mute(deps(c).db, actorOf(c), id, userId, until, ip(c));
    if (!result.ok) setFlash(c, 'groups.manage.self');
    else if (until) setFlash(c, 'groups.manage.muted', { date: formatDateTime(until, c.get('locale'), base(c).timeZone) });
    else setFlash(c, 'groups.manage.unmuted');
    return c.redirect(`/groups/${id}/manage#members`, 303);
  })
  .post('/groups/:id/members/:userId/remove', allow('verified'), async (c) => {
    const id = idParam(c);
    const result = await groups.removeMember(deps(c).db, actorOf(c), id, idParam(c, 'userId'), ip(c));
    setFlash(c, result.ok ? 'groups.manage.removedDone' : result.error === 'self' ? 'groups.manage.self' : 'groups.manage.lastManager');
    return c.redirect(`/groups/${id}/manage#members`, 303);
  })
  .post('/groups/:id/reports/:reportId/hide', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.resolveReport(deps(c).db, actorOf(c), idParam(c, 'reportId'), 'hide', { groupId: id, ip: ip(c) });
    setFlash(c, 'groups.reports.hiddenDone');
    return c.redirect(`/groups/${id}/manage#reports`, 303);
  })
  .post('/groups/:id/reports/:reportId/dismiss', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.resolveReport(deps(c).db, actorOf(c), idParam(c, 'reportId'), 'dismiss', { groupId: id, ip: ip(c) });
    setFlash(c, 'groups.reports.dismissedDone');
    return c.redirect(`/groups/${id}/manage#reports`, 303);
  })
  .post('/groups/:id/archive', allow('verified'), async (c) => {
    const id = idParam(c);
    await groups.archiveGroup(deps(c).db, actorOf(c), id, ip(c));
    setFlash(c, 'groups.manage.archivedDone');
    return c.redirect(`/groups/${id}`, 303);
  });
