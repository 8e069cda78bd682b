/**
 * Groups: interest groups, project circles and official groups; joining by their rule (open, by
 * request, by invitation); threads with replies and mentions; the member list as profiles allow;
 * the group's events; moderation by the group's managers, and across groups by operators and
 * community managers (`groups.moderateAll`).
 *
 * Who sees what:
 * - A listed group's page is seen by every confirmed member; an unlisted one (a private circle)
 *   only by its members, people invited or asking to join, and moderators — for anyone else it
 *   does not exist (404). An archived group is seen by its members and moderators, read-only.
 * - Threads are read by active members (and moderators, who must judge reports in context).
 *   Non-members see only the titles, and only of open listed groups (anyone may join and read
 *   them at once, so the titles say nothing a member could not see); request and invitation
 *   groups keep even their titles to members.
 * - The member list is for members and moderators (membership of 子育て中のアルムナイ says
 *   something about a person); others see the count.
 * - Posts of a member blocked either way are never shown, never counted, never mailed.
 */
import type { Db } from '../../db/client.ts';
import type { DigestFrequency, GroupKind } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { hit, type Limit } from '../../shared/http/rate-limit.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { messages } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { excerpt } from '../../shared/markdown.ts';
import { networkName } from '../../shared/network.ts';
import { eventViewerOf, visibleCondition } from '../events/audience.ts';
import { audienceOf } from '../profiles/profile.fields.ts';
import type { GroupInput } from './groups.form.ts';
import * as repo from './groups.repository.ts';
import { resolveMentions } from './mentions.ts';

export type { GroupEventRow, GroupListRow, GroupRow, MyGroupRow, ReportRow, RosterRow, ThreadRow, VisibleMemberRow, VisiblePost } from './groups.repository.ts';
export { DIGEST_FREQUENCIES, GROUP_KINDS, JOIN_RULES } from '../../db/schema.ts';
export type { DigestFrequency, GroupKind, JoinRule } from '../../db/schema.ts';

export const PAGE_SIZE = 20;
export const MANAGE_PAGE_SIZE = 50;
export const MAX_REPLIES_SHOWN = 500;
export const EVENTS_SHOWN = 5;

/** Posts per member: enough for a conversation, too few for a flood (as news comments). */
export const POST_LIMIT: Limit = { name: 'group-post:user', max: 10, windowSeconds: 600 };
/** Reports per member: a member can report a thread, not the whole site. */
export const REPORT_LIMIT: Limit = { name: 'group-report:user', max: 20, windowSeconds: 3600 };
/** Requests to join per member: asking again and again after a decline is not a conversation. */
export const REQUEST_LIMIT: Limit = { name: 'group-request:user', max: 10, windowSeconds: 3600 };
/** Invitations per manager (each one is a mail to a member). */
export const INVITE_LIMIT: Limit = { name: 'group-invite:user', max: 50, windowSeconds: 3600 };

const localeOf = (l: Locale | null | undefined): Locale => l ?? 'ja';

// ---------------------------------------------------------------- who sees what

export interface GroupAccess {
  group: repo.GroupRow;
  membership: repo.MembershipRow | null;
  /** An active member. */
  member: boolean;
  /** An active manager of this group. */
  manager: boolean;
  /** An operator or community manager (`groups.moderateAll`). */
  moderator: boolean;
  /** May change settings, decide requests, invite, moderate: the group's managers and moderators. */
  canManage: boolean;
  /** May read threads and see the member list. */
  canRead: boolean;
  /** May see thread titles (members and moderators; anyone for an open listed group). */
  canSeeTitles: boolean;
  /** Muted until this time (null: not muted). */
  mutedUntil: Date | null;
  /** May start threads and reply: an active member, not muted, the group not archived. */
  canPost: boolean;
}

function accessOf(actor: Actor, group: repo.GroupRow, membership: repo.MembershipRow | null, now: Date): GroupAccess {
  const moderator = can(actor, 'groups.moderateAll');
  const member = membership?.state === 'active';
  const manager = member && membership?.role === 'manager';
  const archived = group.archivedAt !== null;
  const mutedUntil = member && membership?.mutedUntil && membership.mutedUntil > now ? membership.mutedUntil : null;
  const canRead = member || moderator;
  return {
    group,
    membership,
    member,
    manager,
    moderator,
    canManage: (manager || moderator) && !archived,
    canRead,
    canSeeTitles: canRead || (group.joinRule === 'open' && group.listed && !archived),
    mutedUntil,
    canPost: member && !mutedUntil && !archived,
  };
}

/** The group as the actor may see it, or NOT_FOUND (also for an unlisted group they have nothing to do with). */
export async function accessTo(db: Db, actor: Actor, groupId: string, now = new Date()): Promise<GroupAccess> {
  authorize(actor, 'groups.view');
  const group = await repo.findGroup(db, groupId);
  if (!group) throw new AppError('NOT_FOUND');
  const membership = await repo.findMembership(db, groupId, actor.id);
  const access = accessOf(actor, group, membership, now);
  const state = membership?.state;
  const involved = state === 'active' || state === 'invited' || state === 'requested';
  if (group.archivedAt && !access.member && !access.moderator) throw new AppError('NOT_FOUND');
  if (!group.listed && !involved && !access.moderator) throw new AppError('NOT_FOUND');
  return access;
}

function requireManage(access: GroupAccess): void {
  if (!access.canManage) throw new AppError(access.member || access.group.listed ? 'FORBIDDEN' : 'NOT_FOUND');
}

/** The group for one of its managers (or a moderator); others are refused before their form is read. */
export async function manageAccess(db: Db, actor: Actor, groupId: string, now = new Date()): Promise<GroupAccess> {
  const access = await accessTo(db, actor, groupId, now);
  requireManage(access);
  return access;
}

/** The kinds a member may give a group: official groups are started by operators and community managers. */
export function kindsFor(actor: Actor): GroupKind[] {
  return can(actor, 'groups.createOfficial') ? ['interest', 'circle', 'official'] : ['interest', 'circle'];
}

// ---------------------------------------------------------------- the list

export interface ListPage {
  groups: repo.GroupListRow[];
  hasNext: boolean;
  mine: repo.MyGroupRow[];
  canCreate: boolean;
  moderator: boolean;
  openReports: number;
}

/** /groups: the listed groups (moderators: unlisted too), the actor's own, invitations and requests. */
export async function listPage(db: Db, actor: Actor, opts: { kind?: GroupKind | undefined; page: number }): Promise<ListPage> {
  authorize(actor, 'groups.view');
  const moderator = can(actor, 'groups.moderateAll');
  const [rows, mine, openReports] = await Promise.all([
    repo.listGroups(db, { viewerId: actor.id, includeUnlisted: moderator, kind: opts.kind, limit: PAGE_SIZE + 1, offset: (opts.page - 1) * PAGE_SIZE }),
    repo.myGroups(db, actor.id),
    moderator ? repo.countOpenReports(db) : Promise.resolve(0),
  ]);
  return { groups: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE, mine, canCreate: can(actor, 'groups.create'), moderator, openReports };
}

/** Groups that are not archived, for the segment editor ("member of groups"). */
export async function groupChoices(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  authorize(actor, 'groups.moderateAll');
  return repo.activeGroups(db);
}

// ---------------------------------------------------------------- creating and settings

/** Starts a group; the creator is its first manager. Official groups need `groups.createOfficial`. */
export async function createGroup(db: Db, actor: Actor, input: GroupInput, ip?: string, now = new Date()): Promise<string> {
  authorize(actor, 'groups.create');
  if (input.kind === 'official') authorize(actor, 'groups.createOfficial');
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertGroup(t, { ...input, createdBy: actor.id, updatedAt: now });
    await repo.putMembership(t, { groupId: id, userId: actor.id, state: 'active', role: 'manager', joinedAt: now, updatedAt: now });
    await audit(t, { action: 'group.created', actor, subjectType: 'group', subjectId: id, ip, details: { name: input.name, kind: input.kind, joinRule: input.joinRule, listed: input.listed } });
    return id;
  });
}

/** Changes a group's settings (managers and moderators). An official group keeps its kind unless the actor may make official groups. */
export async function updateSettings(db: Db, actor: Actor, groupId: string, input: GroupInput, ip?: string, now = new Date()): Promise<void> {
  const access = await manageAccess(db, actor, groupId, now);
  const official = can(actor, 'groups.createOfficial');
  const kind = access.group.kind === 'official' && !official ? 'official' : input.kind;
  if (kind === 'official' && access.group.kind !== 'official') authorize(actor, 'groups.createOfficial');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.updateGroup(t, groupId, { ...input, kind, updatedAt: now });
    await audit(t, { action: 'group.updated', actor, subjectType: 'group', subjectId: groupId, ip, details: { name: input.name, kind, joinRule: input.joinRule, listed: input.listed } });
  });
}

/** Archives a group: it leaves the list, its members keep reading, nobody posts or joins. */
export async function archiveGroup(db: Db, actor: Actor, groupId: string, ip?: string, now = new Date()): Promise<void> {
  await manageAccess(db, actor, groupId, now);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.updateGroup(t, groupId, { archivedAt: now, updatedAt: now });
    await audit(t, { action: 'group.archived', actor, subjectType: 'group', subjectId: groupId, ip });
  });
}

// ---------------------------------------------------------------- the group page

export interface GroupPage {
  access: GroupAccess;
  members: number;
  threads: repo.ThreadRow[];
  hasNext: boolean;
  events: repo.GroupEventRow[];
  /** May create an event for this group: its managers, operators and community managers. */
  canCreateEvent: boolean;
}

export async function groupPage(db: Db, actor: Actor, groupId: string, opts: { page: number }, now = new Date()): Promise<GroupPage> {
  const access = await accessTo(db, actor, groupId, now);
  const threads = access.canSeeTitles ? await repo.listThreads(db, groupId, actor.id, PAGE_SIZE + 1, (opts.page - 1) * PAGE_SIZE) : [];
  const viewer = await eventViewerOf(db, actor, now);
  const [members, events] = await Promise.all([repo.activeMemberCount(db, groupId), repo.upcomingEvents(db, groupId, visibleCondition(viewer), now, EVENTS_SHOWN)]);
  return {
    access,
    members,
    threads: threads.slice(0, PAGE_SIZE),
    hasNext: threads.length > PAGE_SIZE,
    events,
    canCreateEvent: !access.group.archivedAt && (access.manager || can(actor, 'events.manage')),
  };
}

// ---------------------------------------------------------------- joining and leaving

export interface JoinResult {
  outcome: 'joined' | 'requested';
  groupName: string;
}

/**
 * Joins an open group at once, or asks to join a by-request group (its managers are told).
 * Invitation groups are joined by accepting an invitation. Someone removed may not come back
 * by themselves, by either rule: a manager may invite them again.
 */
export async function join(db: Db, actor: Actor, groupId: string, note: string | null, baseUrl: string, now = new Date()): Promise<JoinResult> {
  const access = await accessTo(db, actor, groupId, now);
  const { group, membership } = access;
  const joined: JoinResult = { outcome: 'joined', groupName: group.name };
  if (membership?.state === 'active') return joined;
  if (membership?.state === 'invited') {
    await answerInvitation(db, actor, groupId, true, now);
    return joined;
  }
  if (group.archivedAt || group.joinRule === 'invitation' || membership?.state === 'removed') throw new AppError('FORBIDDEN');
  if (membership?.state === 'requested') return { outcome: 'requested', groupName: group.name };
  if (group.joinRule === 'open') {
    await repo.putMembership(db, { groupId, userId: actor.id, state: 'active', role: 'member', joinedAt: now, lastDigestAt: null, updatedAt: now });
    return joined;
  }
  await hit(db, REQUEST_LIMIT, actor.id, now);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.putMembership(t, { groupId, userId: actor.id, state: 'requested', role: 'member', requestNote: note, createdAt: now, updatedAt: now });
    for (const manager of await repo.managersToTell(t, groupId, actor.id)) {
      const locale = localeOf(manager.locale);
      await queueMail(t, {
        key: `group-request:${groupId}:${actor.id}:${now.toISOString()}:${manager.userId}`,
        to: manager.email,
        userId: manager.userId,
        locale,
        template: 'groupRequest',
        vars: {
          network: await networkName(t, locale),
          manager: manager.name,
          name: actor.name,
          group: group.name,
          note: note ?? messages(locale).groups.mail.noNote,
          url: `${baseUrl}/groups/${groupId}/manage#requests`,
        },
      });
    }
  });
  return { outcome: 'requested', groupName: group.name };
}

/** What the actor had been (`was`), and whether the group is listed (an unlisted one is gone for them now). */
export type LeaveResult = { ok: true; was: repo.MembershipRow['state'] | null; listed: boolean } | { ok: false; error: 'lastManager' };

/** Leaves a group, withdraws a request or declines an invitation. The last manager must hand over first. */
export async function leave(db: Db, actor: Actor, groupId: string, now = new Date()): Promise<LeaveResult> {
  const access = await accessTo(db, actor, groupId, now);
  const state = access.membership?.state ?? null;
  const done: LeaveResult = { ok: true, was: state, listed: access.group.listed };
  if (state !== 'active' && state !== 'requested' && state !== 'invited') return done;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.lockGroup(t, groupId);
    if (access.manager && !access.group.archivedAt && (await repo.otherManagerCount(t, groupId, actor.id)) === 0) return { ok: false, error: 'lastManager' } as const;
    await repo.deleteMembership(t, groupId, actor.id, ['active', 'requested', 'invited']);
    return done;
  });
}

/** Accepts (becomes a member) or declines (the invitation is gone) an invitation; returns the group's name. */
export async function answerInvitation(db: Db, actor: Actor, groupId: string, accept: boolean, now = new Date()): Promise<string> {
  const access = await accessTo(db, actor, groupId, now);
  if (access.membership?.state !== 'invited' || access.group.archivedAt) throw new AppError('NOT_FOUND');
  if (accept) await repo.updateMembership(db, groupId, actor.id, ['invited'], { state: 'active', joinedAt: now, lastDigestAt: null, updatedAt: now });
  else await repo.deleteMembership(db, groupId, actor.id, ['invited']);
  return access.group.name;
}

/** The member's digest of this group: daily, weekly or off. */
export async function setDigest(db: Db, actor: Actor, groupId: string, digest: DigestFrequency, now = new Date()): Promise<void> {
  const access = await accessTo(db, actor, groupId, now);
  if (!access.member) throw new AppError('FORBIDDEN');
  await repo.updateMembership(db, groupId, actor.id, ['active'], { digest, updatedAt: now });
}

// ---------------------------------------------------------------- members

export interface MembersPage {
  access: GroupAccess;
  rows: repo.VisibleMemberRow[];
  /** Members not shown by name: not listed in the directory for the viewer's audience. */
  unlisted: number;
  hasNext: boolean;
}

/**
 * The member list as the viewer's audience may see it: the member's directory card (what their
 * profile shows that audience), company staff by name, and a count of those who are not in the
 * directory for that audience (hidden members); members blocked either way are left out.
 */
export async function membersPage(db: Db, actor: Actor, groupId: string, page: number, now = new Date()): Promise<MembersPage> {
  const access = await accessTo(db, actor, groupId, now);
  if (!access.canRead) throw new AppError('FORBIDDEN');
  const { rows, unlisted } = await repo.visibleMembers(db, groupId, actor.id, audienceOf(actor.role), PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  return { access, rows: rows.slice(0, PAGE_SIZE), unlisted, hasNext: rows.length > PAGE_SIZE };
}

// ---------------------------------------------------------------- threads and replies

function requirePost(access: GroupAccess): void {
  if (!access.canPost) throw new AppError('FORBIDDEN', access.mutedUntil ? 'muted' : 'not a member');
}

/**
 * Stores a new post's mentions (members the author sees in the member list, not blocked either
 * way) and mails each mentioned member once, in their language.
 */
async function mention(
  t: Db,
  actor: Actor,
  group: repo.GroupRow,
  post: { id: string; threadId: string; title: string; body: string },
  baseUrl: string,
): Promise<void> {
  const candidates = await repo.mentionableMembers(t, group.id, actor.id, audienceOf(actor.role));
  const ids = resolveMentions(post.body, candidates);
  if (!ids.length) return;
  await repo.insertMentions(t, post.id, ids);
  for (const person of candidates.filter((c) => ids.includes(c.userId))) {
    const locale = localeOf(person.locale);
    await queueMail(t, {
      key: `group-mention:${post.id}:${person.userId}`,
      to: person.email,
      userId: person.userId,
      locale,
      template: 'groupMention',
      vars: {
        network: await networkName(t, locale),
        name: person.name,
        author: actor.name,
        group: group.name,
        title: post.title,
        excerpt: excerpt(post.body, 300),
        url: `${baseUrl}/groups/${group.id}/threads/${post.threadId}#post-${post.id}`,
      },
    });
  }
}

/** Starts a thread (members who are not muted); returns its id. */
export async function createThread(db: Db, actor: Actor, groupId: string, input: { title: string; body: string }, baseUrl: string, now = new Date()): Promise<string> {
  const access = await accessTo(db, actor, groupId, now);
  requirePost(access);
  await hit(db, POST_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertPost(t, { groupId, threadId: null, title: input.title, body: input.body, authorId: actor.id, createdAt: now });
    await mention(t, actor, access.group, { id, threadId: id, title: input.title, body: input.body }, baseUrl);
    return id;
  });
}

export interface ThreadPage {
  access: GroupAccess;
  thread: repo.VisiblePost;
  replies: repo.VisiblePost[];
  mentions: Map<string, { userId: string; name: string }[]>;
}

async function visibleThread(db: Db, actor: Actor, access: GroupAccess, threadId: string): Promise<repo.VisiblePost> {
  if (!access.canRead) throw new AppError('NOT_FOUND');
  const thread = await repo.findVisiblePost(db, access.group.id, threadId, actor.id);
  if (!thread || thread.threadId !== null) throw new AppError('NOT_FOUND');
  return thread;
}

/** A thread with the replies the actor may see (readers only: members and moderators). */
export async function threadPage(db: Db, actor: Actor, groupId: string, threadId: string, now = new Date()): Promise<ThreadPage> {
  const access = await accessTo(db, actor, groupId, now);
  const thread = await visibleThread(db, actor, access, threadId);
  const replies = await repo.listReplies(db, threadId, actor.id, MAX_REPLIES_SHOWN);
  const mentions = await repo.mentionsOf(db, [thread.id, ...replies.map((r) => r.id)]);
  return { access, thread, replies, mentions };
}

/** Replies to a thread; returns the reply's id. */
export async function reply(db: Db, actor: Actor, groupId: string, threadId: string, body: string, baseUrl: string, now = new Date()): Promise<string> {
  const access = await accessTo(db, actor, groupId, now);
  const thread = await visibleThread(db, actor, access, threadId);
  requirePost(access);
  await hit(db, POST_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertPost(t, { groupId, threadId, title: null, body, authorId: actor.id, createdAt: now });
    await mention(t, actor, access.group, { id, threadId, title: thread.title ?? '', body }, baseUrl);
    return id;
  });
}

// ---------------------------------------------------------------- reports and moderation

/** A post someone else wrote that the actor may read, to report it. */
export async function postToReport(db: Db, actor: Actor, groupId: string, postId: string, now = new Date()): Promise<{ access: GroupAccess; post: repo.VisiblePost }> {
  const access = await accessTo(db, actor, groupId, now);
  if (!access.canRead) throw new AppError('NOT_FOUND');
  const post = await repo.findVisiblePost(db, groupId, postId, actor.id);
  if (!post || post.authorId === actor.id) throw new AppError('NOT_FOUND');
  return { access, post };
}

/** Reports a post to the group's managers and the moderators (once per member; a repeat is accepted silently). */
export async function reportPost(db: Db, actor: Actor, groupId: string, postId: string, reason: string, now = new Date()): Promise<void> {
  await postToReport(db, actor, groupId, postId, now);
  await hit(db, REPORT_LIMIT, actor.id, now);
  await repo.insertReport(db, { targetId: postId, reporterId: actor.id, reason, createdAt: now });
}

async function hideInTx(t: Db, actor: Actor, groupId: string, postId: string, ip: string | undefined, now: Date, reportId?: string): Promise<void> {
  if (!(await repo.hidePost(t, groupId, postId, actor.id, now))) return;
  const resolved = await repo.resolveReports(t, { targetId: postId }, 'hidden', actor.id, now);
  await audit(t, { action: 'group.post_hidden', actor, subjectType: 'group_post', subjectId: postId, ip, details: { groupId, reports: resolved, ...(reportId ? { reportId } : {}) } });
}

/** Hides a post of the group (kept, never shown) and resolves its reports; audited. */
export async function hidePost(db: Db, actor: Actor, groupId: string, postId: string, ip?: string, now = new Date()): Promise<{ threadId: string | null }> {
  await manageAccess(db, actor, groupId, now);
  const post = await repo.findVisiblePost(db, groupId, postId, actor.id);
  if (!post) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => hideInTx(tx as unknown as Db, actor, groupId, postId, ip, now));
  return { threadId: post.threadId };
}

/** Acts on an open report: from the group's manage page (`groupId` given) or the moderators' queue across groups. */
export async function resolveReport(
  db: Db,
  actor: Actor,
  reportId: string,
  action: 'hide' | 'dismiss',
  opts: { groupId?: string; ip?: string | undefined },
  now = new Date(),
): Promise<void> {
  if (opts.groupId) await manageAccess(db, actor, opts.groupId, now);
  else authorize(actor, 'groups.moderateAll');
  const report = await repo.findOpenReport(db, reportId);
  if (!report || (opts.groupId && report.groupId !== opts.groupId)) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (action === 'hide') return hideInTx(t, actor, report.groupId, report.targetId, opts.ip, now, reportId);
    await repo.resolveReports(t, { id: reportId }, 'dismissed', actor.id, now);
    await audit(t, { action: 'group.report_dismissed', actor, subjectType: 'content_report', subjectId: reportId, ip: opts.ip, details: { groupId: report.groupId, postId: report.targetId } });
  });
}

/** Open reports across every group, for operators and community managers. */
export async function reportQueue(db: Db, actor: Actor, page: number): Promise<{ rows: repo.ReportRow[]; hasNext: boolean }> {
  authorize(actor, 'groups.moderateAll');
  const rows = await repo.openReports(db, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

// ---------------------------------------------------------------- managing members

export interface ManagePage {
  access: GroupAccess;
  memberCount: number;
  requests: repo.RosterRow[];
  invited: repo.RosterRow[];
  removed: repo.RosterRow[];
  members: repo.RosterRow[];
  hasNext: boolean;
  reports: repo.ReportRow[];
}

/** Everything a manager decides: requests, invitations, members (by name: managers act on them), reports. */
export async function managePage(db: Db, actor: Actor, groupId: string, page: number, now = new Date()): Promise<ManagePage> {
  const access = await manageAccess(db, actor, groupId, now);
  const [memberCount, requests, invited, removed, members, reports] = await Promise.all([
    repo.activeMemberCount(db, groupId),
    repo.membershipsIn(db, groupId, ['requested'], 200, 0),
    repo.membershipsIn(db, groupId, ['invited'], 200, 0),
    repo.membershipsIn(db, groupId, ['removed'], 200, 0),
    repo.membershipsIn(db, groupId, ['active'], MANAGE_PAGE_SIZE + 1, (page - 1) * MANAGE_PAGE_SIZE),
    repo.openReports(db, { groupId, viewerId: actor.id, limit: 100, offset: 0 }),
  ]);
  // A mute that has ended is no mute: the page offers to mute again, not to lift it.
  const current = members.slice(0, MANAGE_PAGE_SIZE).map((r) => ({ ...r, mutedUntil: r.mutedUntil && r.mutedUntil > now ? r.mutedUntil : null }));
  return { access, memberCount, requests, invited, removed, members: current, hasNext: members.length > MANAGE_PAGE_SIZE, reports };
}

/** Approves (member at once) or declines (the request is gone) a request; the requester is told either way. */
export async function decideRequest(db: Db, actor: Actor, groupId: string, userId: string, approve: boolean, baseUrl: string, ip?: string, now = new Date()): Promise<void> {
  const access = await manageAccess(db, actor, groupId, now);
  const person = await repo.findPerson(db, userId);
  if (!person) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const changed = approve
      ? await repo.updateMembership(t, groupId, userId, ['requested'], { state: 'active', joinedAt: now, lastDigestAt: null, decidedBy: actor.id, updatedAt: now })
      : await repo.deleteMembership(t, groupId, userId, ['requested']);
    if (!changed) throw new AppError('NOT_FOUND');
    if (approve) await audit(t, { action: 'group.member_approved', actor, subjectType: 'user', subjectId: userId, ip, details: { groupId } });
    const locale = localeOf(person.locale);
    await queueMail(t, {
      key: `group-decision:${groupId}:${userId}:${now.toISOString()}`,
      to: person.email,
      userId,
      locale,
      template: approve ? 'groupRequestApproved' : 'groupRequestDeclined',
      vars: { network: await networkName(t, locale), name: person.name, group: access.group.name, url: approve ? `${baseUrl}/groups/${groupId}` : `${baseUrl}/groups` },
    });
  });
}

export type InviteResult = { ok: true; name: string } | { ok: false; error: 'unknown' | 'member' | 'invited' };

/**
 * Invites an active member of the network by e-mail address (one who asked to join is approved
 * instead; someone removed may be invited again). An address of nobody, or of someone blocked
 * either way, is "no member with this address": an invitation is contact.
 */
export async function invite(db: Db, actor: Actor, groupId: string, email: string, baseUrl: string, ip?: string, now = new Date()): Promise<InviteResult> {
  const access = await manageAccess(db, actor, groupId, now);
  const person = await repo.findActivePersonByEmail(db, email, actor.id);
  if (!person) return { ok: false, error: 'unknown' };
  const existing = await repo.findMembership(db, groupId, person.userId);
  if (existing?.state === 'active') return { ok: false, error: 'member' };
  if (existing?.state === 'invited') return { ok: false, error: 'invited' };
  if (existing?.state === 'requested') {
    await decideRequest(db, actor, groupId, person.userId, true, baseUrl, ip, now);
    return { ok: true, name: person.name };
  }
  await hit(db, INVITE_LIMIT, actor.id, now);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.putMembership(t, { groupId, userId: person.userId, state: 'invited', role: 'member', invitedBy: actor.id, mutedUntil: null, createdAt: now, updatedAt: now });
    const locale = localeOf(person.locale);
    await queueMail(t, {
      key: `group-invitation:${groupId}:${person.userId}:${now.toISOString()}`,
      to: person.email,
      userId: person.userId,
      locale,
      template: 'groupInvitation',
      vars: { network: await networkName(t, locale), name: person.name, inviter: actor.name, group: access.group.name, url: `${baseUrl}/groups/${groupId}` },
    });
  });
  return { ok: true, name: person.name };
}

/** Takes back an invitation not yet answered. */
export async function revokeInvitation(db: Db, actor: Actor, groupId: string, userId: string, now = new Date()): Promise<void> {
  await manageAccess(db, actor, groupId, now);
  if (!(await repo.deleteMembership(db, groupId, userId, ['invited']))) throw new AppError('NOT_FOUND');
}

export type ChangeResult = { ok: true } | { ok: false; error: 'lastManager' | 'self' };

/** Makes a member a manager, or a manager a member again; a group always keeps one manager. Audited. */
export async function setRole(db: Db, actor: Actor, groupId: string, userId: string, role: 'manager' | 'member', ip?: string, now = new Date()): Promise<ChangeResult> {
  await manageAccess(db, actor, groupId, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.lockGroup(t, groupId);
    const target = await repo.findMembership(t, groupId, userId);
    if (target?.state !== 'active') throw new AppError('NOT_FOUND');
    if (target.role === role) return { ok: true } as const;
    if (role === 'member' && (await repo.otherManagerCount(t, groupId, userId)) === 0) return { ok: false, error: 'lastManager' } as const;
    await repo.updateMembership(t, groupId, userId, ['active'], { role, updatedAt: now });
    await audit(t, { action: 'group.updated', actor, subjectType: 'group', subjectId: groupId, ip, details: { member: userId, role } });
    return { ok: true } as const;
  });
}

/** Mutes a member until a time (they read but do not post), or lifts the mute (`until` null). Audited. */
export async function mute(db: Db, actor: Actor, groupId: string, userId: string, until: Date | null, ip?: string, now = new Date()): Promise<ChangeResult> {
  await manageAccess(db, actor, groupId, now);
  if (userId === actor.id) return { ok: false, error: 'self' };
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await repo.updateMembership(t, groupId, userId, ['active'], { mutedUntil: until, updatedAt: now }))) throw new AppError('NOT_FOUND');
    await audit(t, { action: 'group.member_muted', actor, subjectType: 'user', subjectId: userId, ip, details: { groupId, until: until?.toISOString() ?? null } });
  });
  return { ok: true };
}

/** Removes a member (they may not rejoin by themselves; a manager may invite them again). Audited. */
export async function removeMember(db: Db, actor: Actor, groupId: string, userId: string, ip?: string, now = new Date()): Promise<ChangeResult> {
  await manageAccess(db, actor, groupId, now);
  if (userId === actor.id) return { ok: false, error: 'self' };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.lockGroup(t, groupId);
    const target = await repo.findMembership(t, groupId, userId);
    if (target?.state !== 'active') throw new AppError('NOT_FOUND');
    if (target.role === 'manager' && (await repo.otherManagerCount(t, groupId, userId)) === 0) return { ok: false, error: 'lastManager' } as const;
    await repo.updateMembership(t, groupId, userId, ['active'], { state: 'removed', role: 'member', mutedUntil: null, decidedBy: actor.id, updatedAt: now });
    await audit(t, { action: 'group.member_removed', actor, subjectType: 'user', subjectId: userId, ip, details: { groupId } });
    return { ok: true } as const;
  });
}

