/**
 * Group queries: groups, memberships, threads and replies (never hidden ones, never those of a
 * member blocked either way — filtered here, in SQL), mentions, reports of group posts, the
 * member list as the viewer's audience may see it, the group's events and the digest's windows.
 */
import { and, asc, count, desc, eq, inArray, isNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf, textArray } from '../../db/sql.ts';
import {
  contentReports,
  events,
  groupMembers,
  groupMentions,
  groupPosts,
  groups,
  memberBlocks,
  users,
  type Audience,
  type DigestFrequency,
  type GroupKind,
  type GroupMemberState,
  type Role,
} from '../../db/schema.ts';
import { DEFAULT_VISIBILITY } from '../profiles/profile.fields.ts';
import type { DirectoryCard } from '../profiles/profile.present.ts';

export type GroupRow = typeof groups.$inferSelect;
export type GroupValues = Omit<typeof groups.$inferInsert, 'id' | 'createdAt'>;
export type MembershipRow = typeof groupMembers.$inferSelect;
export type PostRow = typeof groupPosts.$inferSelect;

/** Neither blocked the other: the condition on an author column for `viewerId`. */
function notBlocked(viewerId: string, author: SQL | typeof groupPosts.authorId): SQL {
  return sql`not exists (select 1 from ${memberBlocks} mb where (mb.blocker_id = ${viewerId} and mb.blocked_id = ${author})
    or (mb.blocker_id = ${author} and mb.blocked_id = ${viewerId}))`;
}

// ---------------------------------------------------------------- groups

export async function findGroup(db: Db, id: string): Promise<GroupRow | null> {
  const [row] = await db.select().from(groups).where(eq(groups.id, id));
  return row ?? null;
}

/** The group row under a lock, so membership changes that must keep one manager are serialised. */
export async function lockGroup(db: Db, id: string): Promise<GroupRow | null> {
  const [row] = await db.select().from(groups).where(eq(groups.id, id)).for('update');
  return row ?? null;
}

export async function insertGroup(db: Db, values: GroupValues): Promise<string> {
  const [row] = await db.insert(groups).values(values).returning({ id: groups.id });
  return row!.id;
}

export async function updateGroup(db: Db, id: string, values: Partial<GroupValues>): Promise<void> {
  await db.update(groups).set(values).where(eq(groups.id, id));
}

/*
 * Subqueries in a select list name the outer table explicitly (`${groups}.id`): Drizzle leaves a
 * column of a single-table query unqualified there, and an unqualified `id` would be the subquery's own.
 */
const activeCount = sql<number>`(select count(*)::int from ${groupMembers} gm join ${users} gu on gu.id = gm.user_id
  where gm.group_id = ${groups}.id and gm.state = 'active' and gu.status = 'active')`;

/** A group in a list, with its active member count and the viewer's membership (joined by the caller). */
const listColumns = {
  id: groups.id,
  name: groups.name,
  description: groups.description,
  kind: groups.kind,
  joinRule: groups.joinRule,
  listed: groups.listed,
  archivedAt: groups.archivedAt,
  members: activeCount,
  state: groupMembers.state,
  role: groupMembers.role,
};

export interface GroupListRow {
  id: string;
  name: string;
  description: string | null;
  kind: GroupKind;
  joinRule: GroupRow['joinRule'];
  listed: boolean;
  archivedAt: Date | null;
  members: number;
  /** The viewer's membership state, if any. */
  state: GroupMemberState | null;
  role: 'manager' | 'member' | null;
}

/** Memberships that put a group among the viewer's own (`myGroups`). */
const MY_STATES: GroupMemberState[] = ['active', 'requested', 'invited'];

/**
 * Groups in the list: listed ones that are not archived (moderators: unlisted ones too) and not
 * among the viewer's own, the most members first, then by name; `offset` paging.
 */
export async function listGroups(
  db: Db,
  opts: { viewerId: string; includeUnlisted: boolean; kind?: GroupKind | undefined; limit: number; offset: number },
): Promise<GroupListRow[]> {
  const where = [isNull(groups.archivedAt)];
  if (!opts.includeUnlisted) where.push(eq(groups.listed, true));
  if (opts.kind) where.push(eq(groups.kind, opts.kind));
  // The viewer's own groups (member, asked to join, invited) are listed once, with `myGroups`, not here again.
  where.push(or(isNull(groupMembers.state), notInArray(groupMembers.state, MY_STATES))!);
  return db
    .select(listColumns)
    .from(groups)
    .leftJoin(groupMembers, and(eq(groupMembers.groupId, groups.id), eq(groupMembers.userId, opts.viewerId)))
    .where(and(...where))
    .orderBy(desc(activeCount), asc(groups.name), asc(groups.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

export interface MyGroupRow extends GroupListRow {
  /** Requests waiting for a decision (counted for the groups the viewer manages). */
  pendingRequests: number;
}

/** The viewer's groups: memberships, pending requests and invitations (archived groups only as members). */
export async function myGroups(db: Db, userId: string): Promise<MyGroupRow[]> {
  return db
    .select({
      ...listColumns,
      pendingRequests: sql<number>`case when ${groupMembers.role} = 'manager' and ${groupMembers.state} = 'active' then
        (select count(*)::int from ${groupMembers} r where r.group_id = ${groups}.id and r.state = 'requested') else 0 end`,
    })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(
      and(
        eq(groupMembers.userId, userId),
        or(eq(groupMembers.state, 'active'), and(inArray(groupMembers.state, ['requested', 'invited']), isNull(groups.archivedAt))),
      ),
    )
    .orderBy(asc(groups.name), asc(groups.id));
}

/** Every group that is not archived, by name (the segment editor's choices). */
export async function activeGroups(db: Db): Promise<{ id: string; name: string }[]> {
  return db.select({ id: groups.id, name: groups.name }).from(groups).where(isNull(groups.archivedAt)).orderBy(asc(groups.name), asc(groups.id));
}

// ---------------------------------------------------------------- memberships

export async function findMembership(db: Db, groupId: string, userId: string): Promise<MembershipRow | null> {
  const [row] = await db
    .select()
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  return row ?? null;
}

/** Writes a membership row, replacing the state of one that exists (a request, an invitation, a removal). */
export async function putMembership(
  db: Db,
  values: Pick<MembershipRow, 'groupId' | 'userId' | 'state'> & Partial<Omit<MembershipRow, 'groupId' | 'userId' | 'state'>>,
): Promise<void> {
  const { groupId: _g, userId: _u, ...update } = values;
  await db
    .insert(groupMembers)
    .values(values)
    .onConflictDoUpdate({ target: [groupMembers.groupId, groupMembers.userId], set: { ...update, updatedAt: values.updatedAt ?? new Date() } });
}

/** Updates a membership in one of `states`; returns whether a row changed. */
export async function updateMembership(
  db: Db,
  groupId: string,
  userId: string,
  states: readonly GroupMemberState[],
  values: Partial<Omit<MembershipRow, 'groupId' | 'userId' | 'createdAt'>>,
): Promise<boolean> {
  const rows = await db
    .update(groupMembers)
    .set(values)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId), inArray(groupMembers.state, [...states])))
    .returning({ userId: groupMembers.userId });
  return rows.length > 0;
}

/** Deletes a membership in one of `states` (leaving, withdrawing, declining); returns whether one was deleted. */
export async function deleteMembership(db: Db, groupId: string, userId: string, states: readonly GroupMemberState[]): Promise<boolean> {
  const rows = await db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId), inArray(groupMembers.state, [...states])))
    .returning({ userId: groupMembers.userId });
  return rows.length > 0;
}

/** Active managers of a group other than `except` (whose account is active). */
export async function otherManagerCount(db: Db, groupId: string, except: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(
      and(eq(groupMembers.groupId, groupId), eq(groupMembers.state, 'active'), eq(groupMembers.role, 'manager'), ne(groupMembers.userId, except), eq(users.status, 'active')),
    );
  return Number(row?.n ?? 0);
}

export async function activeMemberCount(db: Db, groupId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.state, 'active'), eq(users.status, 'active')));
  return Number(row?.n ?? 0);
}

export interface PersonRow {
  userId: string;
  name: string;
  email: string;
  locale: 'ja' | 'en' | null;
}

/** Who to mail: name, address and language. */
const personColumns = { userId: users.id, name: users.name, email: users.email, locale: users.locale };

export async function findPerson(db: Db, userId: string): Promise<PersonRow | null> {
  const [row] = await db.select(personColumns).from(users).where(eq(users.id, userId));
  return row ?? null;
}

/** An active member of the network by e-mail address, unless they and `viewerId` blocked each other. */
export async function findActivePersonByEmail(db: Db, email: string, viewerId: string): Promise<PersonRow | null> {
  const [row] = await db
    .select(personColumns)
    .from(users)
    .where(and(sql`lower(${users.email}) = lower(${email})`, eq(users.status, 'active'), notBlocked(viewerId, sql`${users.id}`)));
  return row ?? null;
}

/** The active managers of a group to tell about `aboutId`'s request (not those blocked either way with them: no contact). */
export async function managersToTell(db: Db, groupId: string, aboutId: string): Promise<PersonRow[]> {
  return db
    .select(personColumns)
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(
      and(
        eq(groupMembers.groupId, groupId),
        eq(groupMembers.state, 'active'),
        eq(groupMembers.role, 'manager'),
        eq(users.status, 'active'),
        notBlocked(aboutId, sql`${users.id}`),
      ),
    );
}

export interface VisibleMemberRow {
  userId: string;
  name: string;
  /** The member's role in the network (company staff are shown with it: they have no directory card). */
  networkRole: Role;
  role: 'manager' | 'member';
  /** The directory card for the viewer's audience (null: the member is not in the directory, e.g. company staff). */
  card: DirectoryCard | null;
}

/**
 * Which active members the viewer may see by name: those with a directory card for the
 * viewer's audience (alumni, as their profile allows), company staff who have not hidden and
 * whose name the viewer's audience may see, and the viewer. Blocked either way: never.
 */
function shownCondition(viewerId: string, audience: Audience): SQL {
  return sql`(u.id = ${viewerId} or de.user_id is not null or (u.role <> 'alumnus' and not coalesce(p.hidden, false)
    and coalesce(p.visibility->>'name', ${DEFAULT_VISIBILITY.name}) in ('network', ${audience})))`;
}

function memberFrom(groupId: string, viewerId: string, audience: Audience): SQL {
  return sql`from ${groupMembers} gm
    join ${users} u on u.id = gm.user_id
    left join directory_entries de on de.user_id = u.id and de.audience = ${audience}
    left join member_profiles p on p.user_id = u.id
    where gm.group_id = ${groupId} and gm.state = 'active' and u.status = 'active' and ${notBlocked(viewerId, sql`u.id`)}`;
}

/** One page of the members the viewer may see (managers first, then in 五十音順), and how many others are only counted. */
export async function visibleMembers(
  db: Db,
  groupId: string,
  viewerId: string,
  audience: Audience,
  limit: number,
  offset: number,
): Promise<{ rows: VisibleMemberRow[]; unlisted: number }> {
  const from = memberFrom(groupId, viewerId, audience);
  const [page, counted] = await Promise.all([
    db.execute(sql`select u.id as user_id, u.name, u.role as network_role, gm.role, de.card ${from} and ${shownCondition(viewerId, audience)}
      order by (gm.role = 'manager') desc, coalesce(de.sort_key, u.name_kana, u.name) collate "C", u.id limit ${limit} offset ${offset}`),
    db.execute(sql`select count(*)::int as n ${from} and not ${shownCondition(viewerId, audience)}`),
  ]);
  const rows = rowsOf(page).map((r) => ({
    userId: String(r.user_id),
    name: String(r.name),
    networkRole: String(r.network_role) as Role,
    role: r.role === 'manager' ? ('manager' as const) : ('member' as const),
    card: r.card ? ((typeof r.card === 'string' ? JSON.parse(r.card) : r.card) as DirectoryCard) : null,
  }));
  return { rows, unlisted: Number(rowsOf(counted)[0]?.n ?? 0) };
}

/**
 * The members `authorId` may mention: those the author sees by name in the member list (so a
 * mention never confirms that a member hidden from the directory belongs to the group), not
 * the author, never anyone blocked either way.
 */
export async function mentionableMembers(db: Db, groupId: string, authorId: string, audience: Audience): Promise<PersonRow[]> {
  const result = await db.execute(sql`select u.id as user_id, u.name, u.email, u.locale ${memberFrom(groupId, authorId, audience)}
    and ${shownCondition(authorId, audience)} and u.id <> ${authorId}`);
  return rowsOf(result).map((r) => ({ userId: String(r.user_id), name: String(r.name), email: String(r.email), locale: r.locale === 'en' || r.locale === 'ja' ? r.locale : null }));
}

export interface RosterRow {
  userId: string;
  name: string;
  role: 'manager' | 'member';
  state: GroupMemberState;
  mutedUntil: Date | null;
  requestNote: string | null;
  joinedAt: Date | null;
  createdAt: Date;
}

/** Memberships of a group in some states, for its managers (everyone by name: they decide and moderate). */
export async function membershipsIn(db: Db, groupId: string, states: readonly GroupMemberState[], limit: number, offset: number): Promise<RosterRow[]> {
  return db
    .select({
      userId: groupMembers.userId,
      name: users.name,
      role: groupMembers.role,
      state: groupMembers.state,
      mutedUntil: groupMembers.mutedUntil,
      requestNote: groupMembers.requestNote,
      joinedAt: groupMembers.joinedAt,
      createdAt: groupMembers.createdAt,
    })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), inArray(groupMembers.state, [...states]), eq(users.status, 'active')))
    .orderBy(desc(sql`${groupMembers.role} = 'manager'`), asc(sql`coalesce(${users.nameKana}, ${users.name}) collate "C"`), asc(users.id))
    .limit(limit)
    .offset(offset);
}

// ---------------------------------------------------------------- threads and replies

export interface ThreadRow {
  id: string;
  title: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  replies: number;
}

const authorName = sql<string | null>`(select name from ${users} au where au.id = ${groupPosts}.author_id)`;

/** Visible threads of a group for `viewerId`, latest activity first. */
export async function listThreads(db: Db, groupId: string, viewerId: string, limit: number, offset: number): Promise<ThreadRow[]> {
  const rows = await db
    .select({
      id: groupPosts.id,
      title: groupPosts.title,
      authorId: groupPosts.authorId,
      authorName,
      createdAt: groupPosts.createdAt,
      lastActivityAt: groupPosts.lastActivityAt,
      replies: sql<number>`(select count(*)::int from ${groupPosts} r where r.thread_id = ${groupPosts}.id and r.hidden_at is null
        and ${notBlocked(viewerId, sql`r.author_id`)})`,
    })
    .from(groupPosts)
    .where(and(eq(groupPosts.groupId, groupId), isNull(groupPosts.threadId), isNull(groupPosts.hiddenAt), notBlocked(viewerId, groupPosts.authorId)))
    .orderBy(desc(groupPosts.lastActivityAt), desc(groupPosts.id))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => ({ ...r, title: r.title ?? '' }));
}

export interface VisiblePost extends PostRow {
  authorName: string | null;
}

/**
 * A post of the group that `viewerId` may see: not hidden, its author not blocked either way,
 * and (for a reply) its thread visible too. `threadId` asks for a thread (null) or a reply of that thread.
 */
export async function findVisiblePost(db: Db, groupId: string, postId: string, viewerId: string): Promise<VisiblePost | null> {
  const [row] = await db
    .select({ post: groupPosts, authorName })
    .from(groupPosts)
    .where(
      and(
        eq(groupPosts.id, postId),
        eq(groupPosts.groupId, groupId),
        isNull(groupPosts.hiddenAt),
        notBlocked(viewerId, groupPosts.authorId),
        sql`(${groupPosts.threadId} is null or exists (select 1 from ${groupPosts} t where t.id = ${groupPosts.threadId} and t.hidden_at is null
          and ${notBlocked(viewerId, sql`t.author_id`)}))`,
      ),
    );
  return row ? { ...row.post, authorName: row.authorName } : null;
}

/** The visible replies of a thread for `viewerId`, oldest first. */
export async function listReplies(db: Db, threadId: string, viewerId: string, limit: number): Promise<VisiblePost[]> {
  const rows = await db
    .select({ post: groupPosts, authorName })
    .from(groupPosts)
    .where(and(eq(groupPosts.threadId, threadId), isNull(groupPosts.hiddenAt), notBlocked(viewerId, groupPosts.authorId)))
    .orderBy(asc(groupPosts.createdAt), asc(groupPosts.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.post, authorName: r.authorName }));
}

export async function insertPost(
  db: Db,
  values: { groupId: string; threadId: string | null; title: string | null; body: string; authorId: string; createdAt: Date },
): Promise<string> {
  const [row] = await db
    .insert(groupPosts)
    .values({ ...values, lastActivityAt: values.createdAt })
    .returning({ id: groupPosts.id });
  if (values.threadId) await db.update(groupPosts).set({ lastActivityAt: values.createdAt }).where(eq(groupPosts.id, values.threadId));
  return row!.id;
}

/** Hides a post (kept, never shown); returns false when it was already hidden or is not in the group. */
export async function hidePost(db: Db, groupId: string, postId: string, by: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(groupPosts)
    .set({ hiddenAt: at, hiddenBy: by })
    .where(and(eq(groupPosts.id, postId), eq(groupPosts.groupId, groupId), isNull(groupPosts.hiddenAt)))
    .returning({ id: groupPosts.id });
  return rows.length > 0;
}

export async function insertMentions(db: Db, postId: string, userIds: string[]): Promise<void> {
  if (!userIds.length) return;
  await db
    .insert(groupMentions)
    .values(userIds.map((userId) => ({ postId, userId })))
    .onConflictDoNothing();
}

/** The members mentioned in each post, with their current names. */
export async function mentionsOf(db: Db, postIds: string[]): Promise<Map<string, { userId: string; name: string }[]>> {
  const out = new Map<string, { userId: string; name: string }[]>();
  if (!postIds.length) return out;
  const rows = await db
    .select({ postId: groupMentions.postId, userId: groupMentions.userId, name: users.name })
    .from(groupMentions)
    .innerJoin(users, eq(users.id, groupMentions.userId))
    .where(inArray(groupMentions.postId, postIds));
  for (const r of rows) out.set(r.postId, [...(out.get(r.postId) ?? []), { userId: r.userId, name: r.name }]);
  return out;
}

// ---------------------------------------------------------------- events

export interface GroupEventRow {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  format: (typeof events.$inferSelect)['format'];
  venueName: string | null;
}

/** Published events of the group starting from `now`, soonest first, within what `visible` lets the viewer see. */
export async function upcomingEvents(db: Db, groupId: string, visible: SQL, now: Date, limit: number): Promise<GroupEventRow[]> {
  return db
    .select({ id: events.id, title: events.title, startsAt: events.startsAt, endsAt: events.endsAt, timeZone: events.timeZone, format: events.format, venueName: events.venueName })
    .from(events)
    .where(and(eq(events.groupId, groupId), eq(events.state, 'published'), sql`${events.startsAt} >= ${now}`, visible))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(limit);
}

// ---------------------------------------------------------------- reports

/** Records a report once per member and post; returns false when this member had already reported it. */
export async function insertReport(db: Db, values: { targetId: string; reporterId: string; reason: string; createdAt: Date }): Promise<boolean> {
  const rows = await db
    .insert(contentReports)
    .values({ kind: 'group_post', ...values })
    .onConflictDoNothing()
    .returning({ id: contentReports.id });
  return rows.length > 0;
}

export interface ReportRow {
  id: string;
  reason: string;
  createdAt: Date;
  reporterName: string;
  postId: string;
  postBody: string;
  postAt: Date;
  authorName: string | null;
  /** The thread the post is (or belongs to), for the link and its title. */
  threadId: string;
  threadTitle: string;
  groupId: string;
  groupName: string;
}

/** Open reports of group posts that are still shown; one group's (`viewerId` set: not of authors blocked either way) or all. */
export async function openReports(db: Db, opts: { groupId?: string; viewerId?: string; limit: number; offset: number }): Promise<ReportRow[]> {
  const where = [sql`cr.kind = 'group_post'`, sql`cr.resolved_at is null`, sql`gp.hidden_at is null`];
  if (opts.groupId) where.push(sql`gp.group_id = ${opts.groupId}`);
  if (opts.viewerId) where.push(notBlocked(opts.viewerId, sql`gp.author_id`));
  const result = await db.execute(sql`
    select cr.id, cr.reason, cr.created_at, ru.name as reporter_name, gp.id as post_id, gp.body as post_body, gp.created_at as post_at,
           au.name as author_name, coalesce(gp.thread_id, gp.id) as thread_id, coalesce(t.title, gp.title, '') as thread_title,
           g.id as group_id, g.name as group_name
    from ${contentReports} cr
    join ${groupPosts} gp on gp.id = cr.target_id
    join ${groups} g on g.id = gp.group_id
    left join ${groupPosts} t on t.id = gp.thread_id
    join ${users} ru on ru.id = cr.reporter_id
    left join ${users} au on au.id = gp.author_id
    where ${sql.join(where, sql` and `)}
    order by cr.created_at, cr.id
    limit ${opts.limit} offset ${opts.offset}`);
  return rowsOf(result).map((r) => ({
    id: String(r.id),
    reason: String(r.reason),
    createdAt: new Date(r.created_at as string),
    reporterName: String(r.reporter_name),
    postId: String(r.post_id),
    postBody: String(r.post_body),
    postAt: new Date(r.post_at as string),
    authorName: r.author_name === null ? null : String(r.author_name),
    threadId: String(r.thread_id),
    threadTitle: String(r.thread_title),
    groupId: String(r.group_id),
    groupName: String(r.group_name),
  }));
}

export async function countOpenReports(db: Db, groupId?: string): Promise<number> {
  const result = await db.execute(sql`select count(*)::int as n from ${contentReports} cr join ${groupPosts} gp on gp.id = cr.target_id
    where cr.kind = 'group_post' and cr.resolved_at is null and gp.hidden_at is null ${groupId ? sql`and gp.group_id = ${groupId}` : sql``}`);
  return Number(rowsOf(result)[0]?.n ?? 0);
}

/** An open report of a group post, with the post's group. */
export async function findOpenReport(db: Db, id: string): Promise<{ id: string; targetId: string; groupId: string } | null> {
  const [row] = await db
    .select({ id: contentReports.id, targetId: contentReports.targetId, groupId: groupPosts.groupId })
    .from(contentReports)
    .innerJoin(groupPosts, eq(groupPosts.id, contentReports.targetId))
    .where(and(eq(contentReports.id, id), eq(contentReports.kind, 'group_post'), isNull(contentReports.resolvedAt)));
  return row ?? null;
}

/** Resolves one report, or every open report of a post. */
export async function resolveReports(
  db: Db,
  where: { id: string } | { targetId: string },
  resolution: 'hidden' | 'dismissed',
  by: string,
  at: Date,
): Promise<number> {
  const target = 'id' in where ? eq(contentReports.id, where.id) : eq(contentReports.targetId, where.targetId);
  const rows = await db
    .update(contentReports)
    .set({ resolvedAt: at, resolvedBy: by, resolution })
    .where(and(target, eq(contentReports.kind, 'group_post'), isNull(contentReports.resolvedAt)))
    .returning({ id: contentReports.id });
  return rows.length;
}

// ---------------------------------------------------------------- digest

const DIGEST_INTERVAL: Record<Exclude<DigestFrequency, 'off'>, string> = { daily: '1 day', weekly: '7 days' };

/** Where a member's digest clock starts: the last digest, else when they joined. */
const digestSince = sql`coalesce(${groupMembers.lastDigestAt}, ${groupMembers.joinedAt}, ${groupMembers.createdAt})`;

function dueCondition(until: Date): SQL {
  return or(
    ...Object.entries(DIGEST_INTERVAL).map(([freq, interval]) => and(eq(groupMembers.digest, freq as DigestFrequency), sql`${digestSince} <= ${until}::timestamptz - ${interval}::interval`)),
  )!;
}

const digestMembership = and(eq(groupMembers.state, 'active'), ne(groupMembers.digest, 'off'), isNull(groups.archivedAt), eq(users.status, 'active'));

/** Members with at least one membership whose digest is due at `until`. */
export async function dueDigestMembers(db: Db, until: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: groupMembers.userId })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(digestMembership, dueCondition(until)))
    .limit(limit);
  return rows.map((r) => r.userId);
}

export interface DigestMembership {
  groupId: string;
  groupName: string;
  digest: Exclude<DigestFrequency, 'off'>;
  since: Date;
  due: boolean;
}

/** A member's memberships that take digests (locked: two workers never send the same period twice). */
export async function digestMemberships(db: Db, userId: string, until: Date): Promise<DigestMembership[]> {
  const rows = await db
    .select({
      groupId: groupMembers.groupId,
      groupName: groups.name,
      digest: groupMembers.digest,
      since: sql<string>`${digestSince}`,
      due: sql<boolean>`${dueCondition(until)}`,
    })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.userId, userId), digestMembership))
    .orderBy(asc(groups.name), asc(groups.id))
    .for('update', { of: groupMembers });
  return rows.map((r) => ({ ...r, digest: r.digest as DigestMembership['digest'], since: new Date(r.since), due: Boolean(r.due) }));
}

export interface DigestItem {
  groupId: string;
  threadId: string;
  title: string;
  /** The thread itself is new in the window (and not the member's own). */
  isNew: boolean;
  /** Replies in the window, not the member's own. */
  newReplies: number;
}

/**
 * What is new for a member in each group's window (since, until]: threads started by others and
 * replies by others, never hidden posts or posts of authors blocked either way.
 */
export async function digestItems(db: Db, userId: string, windows: { groupId: string; since: Date }[], until: Date): Promise<DigestItem[]> {
  if (!windows.length) return [];
  const result = await db.execute(sql`
    with w as (select g::uuid as group_id, s::timestamptz as since
               from unnest(${textArray(windows.map((x) => x.groupId))}, ${textArray(windows.map((x) => x.since.toISOString()))}) as x(g, s))
    select t.group_id, t.id as thread_id, t.title,
      (t.created_at > w.since and t.created_at <= ${until} and t.author_id is distinct from ${userId}) as is_new,
      (select count(*)::int from ${groupPosts} r where r.thread_id = t.id and r.hidden_at is null and r.created_at > w.since
         and r.created_at <= ${until} and r.author_id is distinct from ${userId} and ${notBlocked(userId, sql`r.author_id`)}) as new_replies
    from ${groupPosts} t join w on w.group_id = t.group_id
    where t.thread_id is null and t.hidden_at is null and t.last_activity_at > w.since and ${notBlocked(userId, sql`t.author_id`)}
    order by t.last_activity_at desc, t.id`);
  return rowsOf(result)
    .map((r) => ({ groupId: String(r.group_id), threadId: String(r.thread_id), title: String(r.title ?? ''), isNew: Boolean(r.is_new), newReplies: Number(r.new_replies ?? 0) }))
    .filter((r) => r.isNew || r.newReplies > 0);
}

export async function markDigested(db: Db, userId: string, groupIds: string[], at: Date): Promise<void> {
  if (!groupIds.length) return;
  await db
    .update(groupMembers)
    .set({ lastDigestAt: at })
    .where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, groupIds)));
}
