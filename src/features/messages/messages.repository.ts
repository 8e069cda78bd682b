/**
 * Message queries: conversations (member ↔ member, member ↔ company), their messages, read state,
 * reports of single messages, and the facts that decide whether two members may write to each
 * other. No query here reads a member conversation for anyone but its two members: the only
 * staff-facing queries are about 'company' conversations and about one reported message.
 */
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  contentReports,
  conversationMessages,
  conversationReads,
  conversations,
  mailMessages,
  memberBlocks,
  notificationPreferences,
  users,
  type Audience,
  type ContactPreference,
  type Role,
} from '../../db/schema.ts';

export type ConversationRow = typeof conversations.$inferSelect;

/** Two members blocked each other (either way): the SQL condition on two user-id expressions. */
function blockedBetween(a: SQL, b: SQL): SQL {
  return sql`exists (select 1 from ${memberBlocks} mb where (mb.blocker_id = ${a} and mb.blocked_id = ${b})
    or (mb.blocker_id = ${b} and mb.blocked_id = ${a}))`;
}

// ---------------------------------------------------------------- who may write to whom

/** The columns of a person as the messages need them (name and address for mail, role and status for the rules). */
const personColumns = { id: users.id, name: users.name, email: users.email, locale: users.locale, role: users.role, status: users.status };

/** The contact preference of the user of the row (no profile: 'no'). */
const contactOfRow = sql<ContactPreference>`coalesce((select mp.contact from member_profiles mp where mp.user_id = ${users}.id), 'no')`;

export interface ContactFacts {
  id: string;
  name: string;
  email: string;
  locale: 'ja' | 'en' | null;
  role: Role;
  status: string;
  /** The target's contact preference (no profile: 'no'). */
  theirContact: ContactPreference;
  /** The actor's own contact preference. */
  myContact: ContactPreference;
  /** The target has a directory row for the actor's audience (listed, active, name visible). */
  theyListed: boolean;
  /** The actor has a directory row for the target's audience. */
  iListed: boolean;
  blocked: boolean;
}

/**
 * Everything that decides whether `actorId` may write to `targetId`, in one round trip: both
 * contact preferences, whether each is in the directory the other sees, and blocks either way.
 */
export async function contactFacts(db: Db, actorId: string, actorAudience: Audience, targetId: string): Promise<ContactFacts | null> {
  const result = await db
    .select({
      ...personColumns,
      theirContact: contactOfRow,
      myContact: sql<ContactPreference>`coalesce((select mp.contact from member_profiles mp where mp.user_id = ${actorId}), 'no')`,
      theyListed: sql<boolean>`exists (select 1 from directory_entries de where de.user_id = ${users}.id and de.audience = ${actorAudience})`,
      iListed: sql<boolean>`exists (select 1 from directory_entries de where de.user_id = ${actorId}
        and de.audience = (case when ${users}.role = 'alumnus' then 'alumni' else 'staff' end))`,
      blocked: blockedBetween(sql`${actorId}`, sql`${users}.id`).mapWith(Boolean),
    })
    .from(users)
    .where(eq(users.id, targetId));
  return result[0] ?? null;
}

export interface Person {
  id: string;
  name: string;
  email: string;
  locale: 'ja' | 'en' | null;
  role: Role;
  status: string;
}

export async function findPerson(db: Db, id: string): Promise<Person | null> {
  const [row] = await db.select(personColumns).from(users).where(eq(users.id, id));
  return row ?? null;
}

/** A person with their contact preference (no profile: 'no'). */
export async function findMember(db: Db, id: string): Promise<(Person & { contact: ContactPreference }) | null> {
  const [row] = await db
    .select({ ...personColumns, contact: contactOfRow })
    .from(users)
    .where(eq(users.id, id));
  return row ?? null;
}

/** Whether the member turned on mail about messages (off until chosen). */
export async function wantsMessageMail(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ on: notificationPreferences.messages }).from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  return row?.on ?? false;
}

/** Active operators and community managers who chose mail about messages (told of unassigned company conversations). */
export async function secretariatToNotify(db: Db): Promise<Person[]> {
  return db
    .select(personColumns)
    .from(users)
    .innerJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(and(inArray(users.role, ['operator', 'community_manager']), eq(users.status, 'active'), eq(notificationPreferences.messages, true)));
}

/** Active employees, who may be given a company conversation to answer, in kana order. */
export async function assignableEmployees(db: Db): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.role, 'employee'), eq(users.status, 'active')))
    .orderBy(sql`coalesce(${users.nameKana}, ${users.name})`, asc(users.id));
}

// ---------------------------------------------------------------- conversations

export async function findConversation(db: Db, id: string): Promise<ConversationRow | null> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
  return row ?? null;
}

/** The one member conversation of a pair (ids ordered a < b), if any. */
export async function findPair(db: Db, a: string, b: string): Promise<string | null> {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.kind, 'member'), eq(conversations.memberA, a), eq(conversations.memberB, b)));
  return row?.id ?? null;
}

/**
 * Inserts the member conversation of a pair, or finds the one that exists (the pair's unique
 * index decides when two start at once). `created` says which.
 */
export async function putPair(db: Db, values: { a: string; b: string; source: string | null; now: Date }): Promise<{ id: string; created: boolean }> {
  const rows = await db
    .insert(conversations)
    .values({ kind: 'member', memberA: values.a, memberB: values.b, source: values.source, createdAt: values.now, lastMessageAt: values.now })
    .onConflictDoNothing({ target: [conversations.memberA, conversations.memberB], where: sql`kind = 'member'` })
    .returning({ id: conversations.id });
  if (rows[0]) return { id: rows[0].id, created: true };
  const id = await findPair(db, values.a, values.b);
  if (!id) throw new Error('member conversation vanished while being started');
  return { id, created: false };
}

export async function insertCompanyConversation(db: Db, values: { memberId: string; subject: string; source: string | null; now: Date }): Promise<string> {
  const [row] = await db
    .insert(conversations)
    .values({ kind: 'company', memberA: values.memberId, subject: values.subject, source: values.source, createdAt: values.now, lastMessageAt: values.now })
    .returning({ id: conversations.id });
  return row!.id;
}

export async function setAssignee(db: Db, id: string, assigneeId: string | null): Promise<void> {
  await db.update(conversations).set({ assigneeId }).where(and(eq(conversations.id, id), eq(conversations.kind, 'company')));
}

/** Adds a message and moves the conversation up the inboxes. */
export async function insertMessage(db: Db, values: { conversationId: string; senderId: string; body: string; now: Date }): Promise<string> {
  const [row] = await db
    .insert(conversationMessages)
    .values({ conversationId: values.conversationId, senderId: values.senderId, body: values.body, createdAt: values.now })
    .returning({ id: conversationMessages.id });
  await db.update(conversations).set({ lastMessageAt: values.now }).where(eq(conversations.id, values.conversationId));
  return row!.id;
}

/** Records that a participant has read a conversation up to `at` (never moves backwards). */
export async function markRead(db: Db, conversationId: string, userId: string, at: Date): Promise<void> {
  await db
    .insert(conversationReads)
    .values({ conversationId, userId, lastReadAt: at })
    .onConflictDoUpdate({
      target: [conversationReads.conversationId, conversationReads.userId],
      set: { lastReadAt: sql`greatest(${conversationReads.lastReadAt}, excluded.last_read_at)` },
    });
}

/** Whether the member of a company conversation has written in it (then the company may always answer). */
export async function hasWritten(db: Db, conversationId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ id: conversationMessages.id })
    .from(conversationMessages)
    .where(and(eq(conversationMessages.conversationId, conversationId), eq(conversationMessages.senderId, userId)))
    .limit(1);
  return rows.length > 0;
}

/** Unread messages of a conversation for a reader: not theirs, not hidden, after their last read. */
const unreadFor = (readerId: string) => sql<number>`(select count(*)::int from ${conversationMessages} um
  where um.conversation_id = ${conversations}.id and um.hidden_at is null and um.sender_id is distinct from ${readerId}
  and um.created_at > coalesce((select r.last_read_at from ${conversationReads} r where r.conversation_id = ${conversations}.id and r.user_id = ${readerId}), '-infinity'))`;

const lastBody = sql<string | null>`(select lm.body from ${conversationMessages} lm
  where lm.conversation_id = ${conversations}.id and lm.hidden_at is null order by lm.created_at desc, lm.id desc limit 1)`;

export interface InboxRow {
  id: string;
  kind: 'member' | 'company';
  memberA: string;
  memberB: string | null;
  subject: string | null;
  assigneeId: string | null;
  lastMessageAt: Date;
  /** The other member's name (member conversations) or the member's (company ones, seen by staff). */
  otherName: string | null;
  lastBody: string | null;
  unread: number;
}

/**
 * A member's inbox, newest first: their member conversations (never one with a member blocked
 * either way) and company conversations they are the member of, plus, with `assigned`, the
 * company conversations given to them to answer.
 */
export async function inbox(db: Db, userId: string, opts: { assigned: boolean; limit: number; offset: number }): Promise<InboxRow[]> {
  const mine = sql`(${conversations.memberA} = ${userId} or ${conversations.memberB} = ${userId})`;
  const where = opts.assigned ? sql`(${mine} or (${conversations.kind} = 'company' and ${conversations.assigneeId} = ${userId}))` : mine;
  return db
    .select({
      id: conversations.id,
      kind: conversations.kind,
      memberA: conversations.memberA,
      memberB: conversations.memberB,
      subject: conversations.subject,
      assigneeId: conversations.assigneeId,
      lastMessageAt: conversations.lastMessageAt,
      otherName: sql<string | null>`(select ou.name from ${users} ou where ou.id = case
        when ${conversations}.kind = 'company' then (case when ${conversations}.member_a = ${userId} then null else ${conversations}.member_a end)
        when ${conversations}.member_a = ${userId} then ${conversations}.member_b else ${conversations}.member_a end)`,
      lastBody,
      unread: unreadFor(userId),
    })
    .from(conversations)
    .where(and(where, sql`not (${conversations.kind} = 'member' and ${blockedBetween(sql`${conversations}.member_a`, sql`${conversations}.member_b`)})`))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

/** When the oldest member message not yet answered by the company was written (null: answered). */
const awaitingSince = sql<Date | null>`(select min(wm.created_at) from ${conversationMessages} wm
  where wm.conversation_id = ${conversations}.id and wm.sender_id = ${conversations}.member_a and wm.hidden_at is null
  and wm.created_at > coalesce((select max(sm.created_at) from ${conversationMessages} sm
    where sm.conversation_id = ${conversations}.id and sm.sender_id is distinct from ${conversations}.member_a), '-infinity'))`;

/** The member wrote last: one backward probe of the messages index per conversation. */
const memberWroteLast = sql`(select lm.sender_id from ${conversationMessages} lm
  where lm.conversation_id = ${conversations}.id and lm.hidden_at is null
  order by lm.created_at desc limit 1) = ${conversations}.member_a`;

export interface CompanyRow {
  id: string;
  subject: string | null;
  memberName: string;
  assigneeName: string | null;
  lastMessageAt: Date;
  awaitingSince: Date | null;
  unread: number;
}

/**
 * The secretariat's inbox: company conversations only (member conversations have no way in
 * here). 'awaiting': those whose member wrote last, the one waiting longest since their last
 * message first. Waiting-since (the first unanswered message) is computed for the page's rows
 * only: ordering by it cost ~4× more (20,000 company conversations: 60–85 ms against 250 ms).
 */
export async function companyConversations(db: Db, opts: { viewerId: string; awaiting: boolean; limit: number; offset: number }): Promise<CompanyRow[]> {
  const assignee = sql<string | null>`(select au.name from ${users} au where au.id = ${conversations}.assignee_id)`;
  return db
    .select({
      id: conversations.id,
      subject: conversations.subject,
      memberName: users.name,
      assigneeName: assignee,
      lastMessageAt: conversations.lastMessageAt,
      awaitingSince: awaitingSince.mapWith((v: unknown) => (v === null ? null : new Date(v as string))),
      unread: unreadFor(opts.viewerId),
    })
    .from(conversations)
    .innerJoin(users, eq(users.id, conversations.memberA))
    .where(and(eq(conversations.kind, 'company'), opts.awaiting ? memberWroteLast : undefined))
    .orderBy(...(opts.awaiting ? [asc(conversations.lastMessageAt), asc(conversations.id)] : [desc(conversations.lastMessageAt), desc(conversations.id)]))
    .limit(opts.limit)
    .offset(opts.offset);
}

// ---------------------------------------------------------------- messages

export interface MessageRow {
  id: string;
  senderId: string | null;
  senderName: string | null;
  body: string;
  createdAt: Date;
  hidden: boolean;
  reportedByMe: boolean;
}

/** The latest `limit` messages of a conversation, returned oldest first. */
export async function messagesOf(db: Db, conversationId: string, viewerId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .select({
      id: conversationMessages.id,
      senderId: conversationMessages.senderId,
      senderName: users.name,
      body: conversationMessages.body,
      createdAt: conversationMessages.createdAt,
      hidden: sql<boolean>`${conversationMessages.hiddenAt} is not null`,
      reportedByMe: sql<boolean>`exists (select 1 from ${contentReports} cr where cr.kind = 'message'
        and cr.target_id = ${conversationMessages.id} and cr.reporter_id = ${viewerId})`,
    })
    .from(conversationMessages)
    .leftJoin(users, eq(users.id, conversationMessages.senderId))
    .where(eq(conversationMessages.conversationId, conversationId))
    .orderBy(desc(conversationMessages.createdAt), desc(conversationMessages.id))
    .limit(limit);
  return rows.reverse();
}

export async function findMessage(db: Db, conversationId: string, messageId: string): Promise<MessageRow | null> {
  const [row] = await db
    .select({
      id: conversationMessages.id,
      senderId: conversationMessages.senderId,
      senderName: users.name,
      body: conversationMessages.body,
      createdAt: conversationMessages.createdAt,
      hidden: sql<boolean>`${conversationMessages.hiddenAt} is not null`,
      reportedByMe: sql<boolean>`false`,
    })
    .from(conversationMessages)
    .leftJoin(users, eq(users.id, conversationMessages.senderId))
    .where(and(eq(conversationMessages.id, messageId), eq(conversationMessages.conversationId, conversationId)));
  return row ?? null;
}

export async function hideMessage(db: Db, messageId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(conversationMessages)
    .set({ hiddenAt: now })
    .where(and(eq(conversationMessages.id, messageId), isNull(conversationMessages.hiddenAt)))
    .returning({ id: conversationMessages.id });
  return rows.length > 0;
}

// ---------------------------------------------------------------- reports

/** A member's report of one message (once per reporter: a repeat changes nothing). */
export async function insertReport(db: Db, values: { messageId: string; reporterId: string; reason: string; now: Date }): Promise<boolean> {
  const rows = await db
    .insert(contentReports)
    .values({ kind: 'message', targetId: values.messageId, reporterId: values.reporterId, reason: values.reason, createdAt: values.now })
    .onConflictDoNothing()
    .returning({ id: contentReports.id });
  return rows.length > 0;
}

export interface ReportRow {
  id: string;
  reason: string;
  createdAt: Date;
  reporterName: string;
  messageId: string;
  body: string;
  messageAt: Date;
  authorName: string | null;
  hidden: boolean;
}

const reporter = sql<string>`(select ru.name from ${users} ru where ru.id = ${contentReports.reporterId})`;

/** Open reports of messages, oldest first: the reported message only (no conversation, no other message). */
export async function openReports(db: Db, limit: number, offset: number): Promise<ReportRow[]> {
  return db
    .select({
      id: contentReports.id,
      reason: contentReports.reason,
      createdAt: contentReports.createdAt,
      reporterName: reporter,
      messageId: conversationMessages.id,
      body: conversationMessages.body,
      messageAt: conversationMessages.createdAt,
      authorName: users.name,
      hidden: sql<boolean>`${conversationMessages.hiddenAt} is not null`,
    })
    .from(contentReports)
    .innerJoin(conversationMessages, eq(conversationMessages.id, contentReports.targetId))
    .leftJoin(users, eq(users.id, conversationMessages.senderId))
    .where(and(eq(contentReports.kind, 'message'), isNull(contentReports.resolvedAt)))
    .orderBy(asc(contentReports.createdAt), asc(contentReports.id))
    .limit(limit)
    .offset(offset);
}

export async function countOpenReports(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contentReports)
    .where(and(eq(contentReports.kind, 'message'), isNull(contentReports.resolvedAt)));
  return row?.n ?? 0;
}

export async function findOpenReport(db: Db, id: string): Promise<{ id: string; targetId: string } | null> {
  const [row] = await db
    .select({ id: contentReports.id, targetId: contentReports.targetId })
    .from(contentReports)
    .where(and(eq(contentReports.id, id), eq(contentReports.kind, 'message'), isNull(contentReports.resolvedAt)));
  return row ?? null;
}

/** Resolves the open reports of one message (hidden), or one report (dismissed); returns how many. */
export async function resolveReports(db: Db, which: { messageId: string } | { id: string }, resolution: 'hidden' | 'dismissed', by: string, now: Date): Promise<number> {
  const target = 'messageId' in which ? eq(contentReports.targetId, which.messageId) : eq(contentReports.id, which.id);
  const rows = await db
    .update(contentReports)
    .set({ resolvedAt: now, resolvedBy: by, resolution })
    .where(and(eq(contentReports.kind, 'message'), target, isNull(contentReports.resolvedAt)))
    .returning({ id: contentReports.id });
  return rows.length;
}

// ---------------------------------------------------------------- mail throttle

/** When each of these ledger keys was queued (keys not in the ledger are absent). */
export async function mailQueuedAt(db: Db, keys: string[]): Promise<Date[]> {
  if (!keys.length) return [];
  const rows = await db.select({ at: mailMessages.createdAt }).from(mailMessages).where(inArray(mailMessages.key, keys));
  return rows.map((r) => r.at);
}
