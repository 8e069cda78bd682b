/**
 * Messages: 1:1 conversations between two members, and between a member and the company.
 *
 * Two members may write to each other only while both accept messages from members (profile
 * contact 'yes'), each is in the directory the other sees (active, not hidden, name visible),
 * and neither blocked the other. A block hides the conversation from both (404), like every
 * other trace of a blocked member. The rule is checked on every message, not only the first.
 *
 * A member conversation is readable by its two members and nobody else: there is no staff
 * branch in `accessOf`, and the secretariat's pages query company conversations only. The
 * secretariat sees a member message only when one of the two reports it, and then only that
 * message. Mail about a member message carries neither its words nor the sender's name: the
 * ledger (`mail_messages`) is readable by operators in the outbox, and a mailbox keeps forever
 * what a block or a moderator's hide later takes back.
 *
 * Company conversations: a member writes to the company (or the secretariat writes to a member
 * who accepts messages from the company); operators and community managers read and answer
 * them all, and may give one to an employee, who then reads and answers it too. Staff answer
 * under their own name marked "Company": a person answering builds the 1:1 relationship the
 * network is for, and staff act there in their professional role.
 */
import type { Db } from '../../db/client.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { hit, type Limit } from '../../shared/http/rate-limit.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { queueMail, type MailTemplate } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { audienceOf } from '../profiles/profile.fields.ts';
import { blockMember } from '../profiles/profiles.service.ts';
import * as repo from './messages.repository.ts';

export type { CompanyRow, InboxRow, MessageRow, ReportRow } from './messages.repository.ts';

export const PAGE_SIZE = 20;
/** Messages shown on a thread page (the latest ones). */
export const MAX_SHOWN = 300;

/** New conversations per member and day: enough to reach out, too few to spam the directory. */
export const CONVERSATION_LIMIT: Limit = { name: 'messages-new:user', max: 20, windowSeconds: 86_400 };
/** Messages per member and hour (staff answering as the company are not limited). */
export const MESSAGE_LIMIT: Limit = { name: 'messages-send:user', max: 60, windowSeconds: 3_600 };
/** Reports per member and hour. */
export const REPORT_LIMIT: Limit = { name: 'messages-report:user', max: 20, windowSeconds: 3_600 };
/** At most one mail per conversation and recipient in this time. */
export const MAIL_GAP_MS = 3_600_000;

/** Why a message cannot be sent (shown in words; a block or an unlisted target is a 404 instead). */
export type Refusal = 'theirNo' | 'theirCompany' | 'myContact' | 'meUnlisted' | 'companyNoContact' | 'inactive' | 'closed';

export type SendResult = { ok: true; id: string } | { ok: false; refusal: Refusal } | { ok: false; limited: 'messages' | 'conversations' };

const localeOf = (l: Locale | null | undefined): Locale => l ?? 'ja';

/** Counts a hit; false when the limit is reached (the caller shows the form again with its text). */
async function within(db: Db, limit: Limit, subject: string, now: Date): Promise<boolean> {
  try {
    await hit(db, limit, subject, now);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'RATE_LIMITED') return false;
    throw err;
  }
}

// ---------------------------------------------------------------- who may write to whom

/**
 * Whether the actor may write to another member now. A member who is blocked either way, not in
 * the actor's directory, or not a member at all does not exist for the actor (NOT_FOUND); the
 * other reasons are told, since the contact preference is on the profile anyway.
 */
async function memberRule(db: Db, actor: Actor, targetId: string): Promise<{ facts: repo.ContactFacts; refusal: Refusal | null }> {
  if (targetId === actor.id) throw new AppError('NOT_FOUND');
  const facts = await repo.contactFacts(db, actor.id, audienceOf(actor.role), targetId);
  if (!facts || facts.blocked || !facts.theyListed) throw new AppError('NOT_FOUND');
  let refusal: Refusal | null = null;
  if (!facts.iListed) refusal = 'meUnlisted';
  else if (facts.myContact !== 'yes') refusal = 'myContact';
  else if (facts.theirContact === 'company') refusal = 'theirCompany';
  else if (facts.theirContact !== 'yes') refusal = 'theirNo';
  return { facts, refusal };
}

export interface StartPage {
  target: { id: string; name: string };
  /** The pair's conversation, when they already have one (the page then leads there). */
  existing: string | null;
  refusal: Refusal | null;
}

/** The page that starts a conversation with a member (/messages/new?to=). */
export async function startPage(db: Db, actor: Actor, targetId: string): Promise<StartPage> {
  authorize(actor, 'messages.use');
  const { facts, refusal } = await memberRule(db, actor, targetId);
  const [a, b] = [actor.id, targetId].sort() as [string, string];
  return { target: { id: facts.id, name: facts.name }, existing: await repo.findPair(db, a, b), refusal };
}

/**
 * Sends a first message to a member: starts the pair's conversation, or adds to it when they
 * already have one (one conversation per pair, also when both start at once).
 */
export async function startMemberConversation(
  db: Db,
  actor: Actor,
  args: { targetId: string; body: string; source: string | null; baseUrl: string },
  now = new Date(),
): Promise<SendResult> {
  authorize(actor, 'messages.use');
  const { facts, refusal } = await memberRule(db, actor, args.targetId);
  if (refusal) return { ok: false, refusal };
  const [a, b] = [actor.id, args.targetId].sort() as [string, string];
  const existing = await repo.findPair(db, a, b);
  if (!existing && !(await within(db, CONVERSATION_LIMIT, actor.id, now))) return { ok: false, limited: 'conversations' };
  if (!(await within(db, MESSAGE_LIMIT, actor.id, now))) return { ok: false, limited: 'messages' };
  const id = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const { id } = await repo.putPair(t, { a, b, source: args.source, now });
    await repo.insertMessage(t, { conversationId: id, senderId: actor.id, body: args.body, now });
    await repo.markRead(t, id, actor.id, now);
    await notifyMember(t, id, facts, args.baseUrl, now);
    return id;
  });
  return { ok: true, id };
}

/** A member starts a conversation with the company (a subject and a first message). */
export async function startCompanyConversation(
  db: Db,
  actor: Actor,
  args: { subject: string; body: string; source: string | null; baseUrl: string },
  now = new Date(),
): Promise<SendResult> {
  authorize(actor, 'messages.use');
  // Staff are the company: only alumni write to it.
  if (actor.role !== 'alumnus') throw new AppError('FORBIDDEN');
  if (!(await within(db, CONVERSATION_LIMIT, actor.id, now))) return { ok: false, limited: 'conversations' };
  if (!(await within(db, MESSAGE_LIMIT, actor.id, now))) return { ok: false, limited: 'messages' };
  const id = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertCompanyConversation(t, { memberId: actor.id, subject: args.subject, source: args.source, now });
    await repo.insertMessage(t, { conversationId: id, senderId: actor.id, body: args.body, now });
    await repo.markRead(t, id, actor.id, now);
    await notifyStaff(t, { id, subject: args.subject, assigneeId: null }, actor, args.baseUrl, now);
    return id;
  });
  return { ok: true, id };
}

/** The member the secretariat may write to as the company: an active alumnus (else NOT_FOUND). */
async function companyTarget(db: Db, targetId: string): Promise<{ person: repo.Person; refusal: Refusal | null }> {
  const person = await repo.findMember(db, targetId);
  if (!person || person.role !== 'alumnus' || person.status !== 'active') throw new AppError('NOT_FOUND');
  return { person, refusal: person.contact === 'no' ? 'companyNoContact' : null };
}

/** The page on which the secretariat writes to a member as the company (/admin/messages/new?to=). */
export async function companyStartPage(db: Db, actor: Actor, targetId: string): Promise<{ target: { id: string; name: string }; refusal: Refusal | null }> {
  authorize(actor, 'messages.secretariat');
  const { person, refusal } = await companyTarget(db, targetId);
  return { target: { id: person.id, name: person.name }, refusal };
}

/** The secretariat starts a conversation with a member who accepts messages from the company (or from members). */
export async function startAsCompany(
  db: Db,
  actor: Actor,
  args: { targetId: string; subject: string; body: string; baseUrl: string },
  now = new Date(),
): Promise<SendResult> {
  authorize(actor, 'messages.secretariat');
  const { person, refusal } = await companyTarget(db, args.targetId);
  if (refusal) return { ok: false, refusal };
  if (!(await within(db, CONVERSATION_LIMIT, actor.id, now))) return { ok: false, limited: 'conversations' };
  const id = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertCompanyConversation(t, { memberId: person.id, subject: args.subject, source: null, now });
    await repo.insertMessage(t, { conversationId: id, senderId: actor.id, body: args.body, now });
    await repo.markRead(t, id, actor.id, now);
    await notifyCompanyMember(t, { id, subject: args.subject, memberA: person.id }, args.baseUrl, now);
    return id;
  });
  return { ok: true, id };
}

// ---------------------------------------------------------------- a thread

type Side = 'member' | 'staff';

interface Access {
  conversation: repo.ConversationRow;
  side: Side;
  /** Member conversations: the other member's facts (contact rule). */
  other: repo.ContactFacts | null;
}

/**
 * Who the actor is in a conversation, or NOT_FOUND. A member conversation has exactly two
 * readers, its members, and none while a block stands between them; a company conversation is
 * read by its member, the secretariat and the employee it was given to.
 */
async function accessOf(db: Db, actor: Actor, id: string): Promise<Access> {
  authorize(actor, 'messages.use');
  const conversation = await repo.findConversation(db, id);
  if (!conversation) throw new AppError('NOT_FOUND');
  if (conversation.kind === 'member') {
    const otherId = conversation.memberA === actor.id ? conversation.memberB : conversation.memberB === actor.id ? conversation.memberA : null;
    if (!otherId) throw new AppError('NOT_FOUND');
    const other = await repo.contactFacts(db, actor.id, audienceOf(actor.role), otherId);
    if (!other || other.blocked) throw new AppError('NOT_FOUND');
    return { conversation, side: 'member', other };
  }
  if (conversation.memberA === actor.id) return { conversation, side: 'member', other: null };
  if (can(actor, 'messages.secretariat') || conversation.assigneeId === actor.id) return { conversation, side: 'staff', other: null };
  throw new AppError('NOT_FOUND');
}

/** Why the actor cannot write in this conversation now, or null. */
async function replyRefusal(db: Db, actor: Actor, access: Access): Promise<Refusal | null> {
  const { conversation, side, other } = access;
  if (conversation.kind === 'member') {
    const o = other!;
    if (o.status !== 'active') return 'inactive';
    if (!o.theyListed) return 'closed';
    if (!o.iListed) return 'meUnlisted';
    if (o.myContact !== 'yes') return 'myContact';
    if (o.theirContact === 'company') return 'theirCompany';
    if (o.theirContact !== 'yes') return 'theirNo';
    return null;
  }
  if (side === 'member') return null;
  const member = await repo.findMember(db, conversation.memberA);
  if (!member || member.status !== 'active') return 'inactive';
  // A member who wrote in the conversation is answered; otherwise their preference decides.
  if (member.contact === 'no' && !(await repo.hasWritten(db, conversation.id, conversation.memberA))) return 'companyNoContact';
  return null;
}

export interface Thread {
  id: string;
  kind: 'member' | 'company';
  subject: string | null;
  side: Side;
  /** The member the actor talks with (member conversations), or the member of a company conversation. */
  counterpart: { id: string; name: string } | null;
  memberId: string;
  messages: repo.MessageRow[];
  /** More messages exist than are shown. */
  truncated: boolean;
  refusal: Refusal | null;
  assignee: { id: string; name: string } | null;
  /** The employees the secretariat may give the conversation to (secretariat only). */
  employees: { id: string; name: string }[] | null;
}

/** A conversation as the actor may read it; reading it marks it read for them. */
export async function readThread(db: Db, actor: Actor, id: string, now = new Date()): Promise<Thread> {
  const access = await accessOf(db, actor, id);
  const { conversation: c } = access;
  const [rows, refusal] = await Promise.all([repo.messagesOf(db, id, actor.id, MAX_SHOWN + 1), replyRefusal(db, actor, access)]);
  await repo.markRead(db, id, actor.id, now);
  const secretariat = c.kind === 'company' && access.side === 'staff' && can(actor, 'messages.secretariat');
  const [member, assignee, employees] = await Promise.all([
    c.kind === 'company' && access.side === 'staff' ? repo.findPerson(db, c.memberA) : null,
    c.assigneeId ? repo.findPerson(db, c.assigneeId) : null,
    secretariat ? repo.assignableEmployees(db) : null,
  ]);
  const counterpart = access.other ? { id: access.other.id, name: access.other.name } : member ? { id: member.id, name: member.name } : null;
  return {
    id,
    kind: c.kind,
    subject: c.subject,
    side: access.side,
    counterpart,
    memberId: c.memberA,
    messages: rows.length > MAX_SHOWN ? rows.slice(rows.length - MAX_SHOWN) : rows,
    truncated: rows.length > MAX_SHOWN,
    refusal,
    assignee: assignee ? { id: assignee.id, name: assignee.name } : null,
    employees,
  };
}

/** Sends a message in a conversation the actor may write in now. */
export async function reply(db: Db, actor: Actor, id: string, body: string, baseUrl: string, now = new Date()): Promise<SendResult> {
  const access = await accessOf(db, actor, id);
  const refusal = await replyRefusal(db, actor, access);
  if (refusal) return { ok: false, refusal };
  const { conversation: c } = access;
  // Staff answering as the company are accountable by name and not limited; members are.
  if (access.side === 'member' && !(await within(db, MESSAGE_LIMIT, actor.id, now))) return { ok: false, limited: 'messages' };
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.insertMessage(t, { conversationId: id, senderId: actor.id, body, now });
    await repo.markRead(t, id, actor.id, now);
    if (c.kind === 'member') await notifyMember(t, id, access.other!, baseUrl, now);
    else if (access.side === 'member') await notifyStaff(t, { id, subject: c.subject ?? '', assigneeId: c.assigneeId }, actor, baseUrl, now);
    else await notifyCompanyMember(t, { id, subject: c.subject ?? '', memberA: c.memberA }, baseUrl, now);
  });
  return { ok: true, id };
}

/** Blocks the other member of a conversation (the profiles' block): the conversation ends for both. */
export async function blockFromThread(db: Db, actor: Actor, id: string): Promise<{ name: string }> {
  const access = await accessOf(db, actor, id);
  if (access.conversation.kind !== 'member') throw new AppError('NOT_FOUND');
  await blockMember(db, actor, access.other!.id);
  return { name: access.other!.name };
}

// ---------------------------------------------------------------- reports

/** A message the actor may report: in a conversation they read, written by someone else, not hidden. */
export async function messageToReport(db: Db, actor: Actor, id: string, messageId: string): Promise<repo.MessageRow> {
  await accessOf(db, actor, id);
  const message = await repo.findMessage(db, id, messageId);
  if (!message || message.hidden || message.senderId === actor.id) throw new AppError('NOT_FOUND');
  return message;
}

/** Reports a message to the secretariat (once per member: a repeat returns false and changes nothing). */
export async function reportMessage(db: Db, actor: Actor, id: string, messageId: string, reason: string, ip?: string, now = new Date()): Promise<boolean> {
  await messageToReport(db, actor, id, messageId);
  await hit(db, REPORT_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const created = await repo.insertReport(t, { messageId, reporterId: actor.id, reason, now });
    if (created) await audit(t, { action: 'message.reported', actor, subjectType: 'conversation_message', subjectId: messageId, ip });
    return created;
  });
}

export async function listOpenReports(db: Db, actor: Actor, page: number): Promise<{ rows: repo.ReportRow[]; hasNext: boolean }> {
  authorize(actor, 'messages.secretariat');
  const rows = await repo.openReports(db, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

/** Hides a reported message (for both sides) and resolves every open report of it, audited. */
export async function hideReported(db: Db, actor: Actor, reportId: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'messages.secretariat');
  const report = await repo.findOpenReport(db, reportId);
  if (!report) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.hideMessage(t, report.targetId, now);
    const resolved = await repo.resolveReports(t, { messageId: report.targetId }, 'hidden', actor.id, now);
    await audit(t, { action: 'message.hidden', actor, subjectType: 'conversation_message', subjectId: report.targetId, ip, details: { reportId, reports: resolved } });
  });
}

/** Nothing wrong: closes one report, the message stays, audited. */
export async function dismissReport(db: Db, actor: Actor, reportId: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'messages.secretariat');
  const report = await repo.findOpenReport(db, reportId);
  if (!report) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.resolveReports(t, { id: reportId }, 'dismissed', actor.id, now);
    await audit(t, { action: 'message.report_dismissed', actor, subjectType: 'content_report', subjectId: reportId, ip, details: { messageId: report.targetId } });
  });
}

// ---------------------------------------------------------------- inboxes

/** The actor's inbox, newest first (employees: also the company conversations given to them). */
export async function inbox(db: Db, actor: Actor, page: number): Promise<{ rows: repo.InboxRow[]; hasNext: boolean }> {
  authorize(actor, 'messages.use');
  const rows = await repo.inbox(db, actor.id, { assigned: actor.role !== 'alumnus', limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

export type AdminFilter = 'awaiting' | 'all';

/** The secretariat's inbox: company conversations only. */
export async function companyInbox(db: Db, actor: Actor, filter: AdminFilter, page: number): Promise<{ rows: repo.CompanyRow[]; hasNext: boolean; openReports: number }> {
  authorize(actor, 'messages.secretariat');
  const [rows, openReports] = await Promise.all([
    repo.companyConversations(db, { viewerId: actor.id, awaiting: filter === 'awaiting', limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }),
    repo.countOpenReports(db),
  ]);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE, openReports };
}

/**
 * Gives a company conversation to an employee to answer (null: back to the secretariat). The
 * employee is told by mail; the change is audited, since it lets them read the member's messages.
 */
export async function assign(
  db: Db,
  actor: Actor,
  id: string,
  assigneeId: string | null,
  args: { baseUrl: string; ip?: string | undefined },
  now = new Date(),
): Promise<{ ok: true; name: string | null } | { ok: false }> {
  authorize(actor, 'messages.secretariat');
  const conversation = await repo.findConversation(db, id);
  if (!conversation || conversation.kind !== 'company') throw new AppError('NOT_FOUND');
  const employee = assigneeId ? await repo.findPerson(db, assigneeId) : null;
  if (assigneeId && (!employee || employee.role !== 'employee' || employee.status !== 'active')) return { ok: false };
  if ((conversation.assigneeId ?? null) === assigneeId) return { ok: true, name: employee?.name ?? null };
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.setAssignee(t, id, assigneeId);
    await audit(t, { action: 'message.assigned', actor, subjectType: 'conversation', subjectId: id, ip: args.ip, details: { from: conversation.assigneeId, to: assigneeId } });
    if (employee) {
      const member = await repo.findPerson(t, conversation.memberA);
      const locale = localeOf(employee.locale);
      await queueMail(t, {
        key: `message-assigned:${id}:${employee.id}:${now.toISOString()}`,
        to: employee.email,
        userId: employee.id,
        locale,
        template: 'messageAssigned',
        vars: {
          network: await networkName(t, locale),
          name: employee.name,
          by: actor.name,
          member: member?.name ?? '',
          subject: conversation.subject ?? '',
          url: `${args.baseUrl}/messages/${id}`,
        },
      });
    }
  });
  return { ok: true, name: employee?.name ?? null };
}

// ---------------------------------------------------------------- mail

/**
 * Queues a message notification unless this recipient was mailed about this conversation in
 * the last hour. The ledger key names the hour, so the two keys that can hold such a mail (this
 * hour's and the previous one's) are found by the key's unique index, and a repeat is a no-op.
 */
async function throttledMail(
  t: Db,
  args: { conversationId: string; recipient: repo.Person | repo.ContactFacts; template: MailTemplate; vars: (locale: Locale) => Promise<Record<string, string>>; now: Date },
): Promise<void> {
  const hour = Math.floor(args.now.getTime() / MAIL_GAP_MS);
  const key = (h: number) => `message:${args.conversationId}:${args.recipient.id}:${h}`;
  const sent = await repo.mailQueuedAt(t, [key(hour), key(hour - 1)]);
  if (sent.some((at) => args.now.getTime() - at.getTime() < MAIL_GAP_MS)) return;
  const locale = localeOf(args.recipient.locale);
  await queueMail(t, { key: key(hour), to: args.recipient.email, userId: args.recipient.id, locale, template: args.template, vars: await args.vars(locale) });
}

/** The other member, when they chose mail about messages: a link, never the words or the sender. */
async function notifyMember(t: Db, conversationId: string, other: repo.ContactFacts, baseUrl: string, now: Date): Promise<void> {
  if (other.status !== 'active' || !(await repo.wantsMessageMail(t, other.id))) return;
  await throttledMail(t, {
    conversationId,
    recipient: other,
    template: 'messageReceived',
    vars: async (locale) => ({ network: await networkName(t, locale), name: other.name, url: `${baseUrl}/messages/${conversationId}`, settingsUrl: `${baseUrl}/account/mail` }),
    now,
  });
}

/**
 * The member of a company conversation. When they have written in it, the answer is mail about
 * their own question and is always sent; a conversation the company started follows their
 * preference, like any message.
 */
async function notifyCompanyMember(t: Db, c: { id: string; subject: string; memberA: string }, baseUrl: string, now: Date): Promise<void> {
  const member = await repo.findPerson(t, c.memberA);
  if (!member || member.status !== 'active') return;
  const own = await repo.hasWritten(t, c.id, member.id);
  if (!own && !(await repo.wantsMessageMail(t, member.id))) return;
  await throttledMail(t, {
    conversationId: c.id,
    recipient: member,
    template: own ? 'messageCompanyReply' : 'messageFromCompany',
    vars: async (locale) => ({
      network: await networkName(t, locale),
      name: member.name,
      subject: c.subject,
      url: `${baseUrl}/messages/${c.id}`,
      settingsUrl: `${baseUrl}/account/mail`,
    }),
    now,
  });
}

/**
 * The company side of a member's message: the employee it was given to (answering it is their
 * task, so they are always told), else the secretariat members who chose mail about messages.
 */
async function notifyStaff(t: Db, c: { id: string; subject: string; assigneeId: string | null }, member: Actor, baseUrl: string, now: Date): Promise<void> {
  const assignee = c.assigneeId ? await repo.findPerson(t, c.assigneeId) : null;
  const recipients = assignee && assignee.status === 'active' ? [assignee] : await repo.secretariatToNotify(t);
  for (const person of recipients) {
    await throttledMail(t, {
      conversationId: c.id,
      recipient: person,
      template: 'messageToCompany',
      vars: async (locale) => ({ network: await networkName(t, locale), name: person.name, member: member.name, subject: c.subject, url: `${baseUrl}/messages/${c.id}` }),
      now,
    });
  }
}
