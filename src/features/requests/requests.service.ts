/**
 * Requests (依頼) to the company: an alumnus asks for an introduction, proposes a collaboration,
 * asks for a career talk; the secretariat (operators and community managers, `requests.triage`)
 * assigns each to a staff contact and follows it to an outcome; the contact answers in a thread.
 *
 * Who sees a request: its requester, its assigned contact, and the secretariat. For anyone else
 * it does not exist (404), so an employee reaches only the requests assigned to them, also by URL.
 * Internal notes are for the contact and the secretariat; the requester never gets them (the
 * query leaves them out). Every status change is recorded (case_history) and audited in the
 * transaction that makes it; the requester is told by mail when what they see changes.
 */
import type { Db } from '../../db/client.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can, PERMISSIONS } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { hit, type Limit } from '../../shared/http/rate-limit.ts';
import { messages } from '../../shared/i18n/index.ts';
import { excerpt } from '../../shared/markdown.ts';
import { activeWithRoles } from '../account/accounts.repository.ts';
import { addNote, historyOf, notesOf, recordTransition, type CaseNote, type Transition } from '../cases/cases.repository.ts';
import { blockedEitherWay } from '../profiles/profiles.repository.ts';
import { mailAbout, type Recipient } from '../cases/case-mail.ts';
import type { RequestInput, RequestStateInput } from './requests.form.ts';
import * as repo from './requests.repository.ts';

export type { ListRow, QueueFilter, RequestRow, StaffOption } from './requests.repository.ts';
export { REQUEST_KINDS, REQUEST_OUTCOMES, REQUEST_STATES } from '../../db/schema.ts';
export type { RequestKind, RequestOutcome, RequestState } from '../../db/schema.ts';

export const PAGE_SIZE = 20;
export const QUEUE_PAGE_SIZE = 50;

/** Requests per alumnus: a few a day is plenty; more is a flood the secretariat cannot answer. */
export const REQUEST_LIMIT: Limit = { name: 'request:user', max: 5, windowSeconds: 86_400 };
/** Replies and notes per person: enough for a conversation, too few for a flood (as news comments). */
export const REPLY_LIMIT: Limit = { name: 'request-reply:user', max: 20, windowSeconds: 600 };

export interface RequestAccess {
  request: repo.ListRow;
  /** The actor made the request. */
  requester: boolean;
  /** The actor is its assigned contact. */
  assignee: boolean;
  /** The actor is in the secretariat (assigns, sees every request). */
  triage: boolean;
  /** Sees internal notes, answers, changes the status: the contact and the secretariat. */
  staff: boolean;
}

/** The request as the actor may see it, or NOT_FOUND (also for a request that is not theirs). */
export async function accessTo(db: Db, actor: Actor, id: string): Promise<RequestAccess> {
  const request = await repo.findRequest(db, id);
  if (!request) throw new AppError('NOT_FOUND');
  const requester = request.requesterId === actor.id;
  const triage = can(actor, 'requests.triage');
  const assignee = request.assigneeId === actor.id && can(actor, 'requests.answer');
  if (!requester && !triage && !assignee) throw new AppError('NOT_FOUND');
  return { request, requester, assignee, triage, staff: triage || assignee };
}

const recipientOf = {
  requester: (r: repo.RequestRow): Recipient => ({ id: r.requesterId, name: r.requesterName, email: r.requesterEmail, locale: r.requesterLocale }),
  assignee: (r: repo.RequestRow): Recipient | null =>
    r.assigneeId && r.assigneeEmail ? { id: r.assigneeId, name: r.assigneeName ?? '', email: r.assigneeEmail, locale: r.assigneeLocale } : null,
};

const requestUrl = (baseUrl: string, id: string) => `${baseUrl}/requests/${id}`;

// ---------------------------------------------------------------- lists

export interface MyRequests {
  /** May make requests (alumni). */
  canCreate: boolean;
  /** Answers requests assigned to them (staff). */
  canAnswer: boolean;
  canTriage: boolean;
  own: repo.ListRow[];
  assigned: repo.ListRow[];
  hasNext: boolean;
}

/**
 * The /requests page: an alumnus's own requests; for staff, the requests assigned to them (and
 * their own, should a rehired alumnus still have some). One page of each, newest own first.
 */
export async function myRequests(db: Db, actor: Actor, page: number): Promise<MyRequests> {
  const canCreate = can(actor, 'requests.create');
  const canAnswer = can(actor, 'requests.answer');
  const offset = (page - 1) * PAGE_SIZE;
  const [own, assigned] = await Promise.all([
    repo.listByRequester(db, actor.id, PAGE_SIZE + 1, offset),
    canAnswer ? repo.listByAssignee(db, actor.id, PAGE_SIZE + 1, offset) : Promise.resolve([]),
  ]);
  return {
    canCreate,
    canAnswer,
    canTriage: can(actor, 'requests.triage'),
    own: own.slice(0, PAGE_SIZE),
    assigned: assigned.slice(0, PAGE_SIZE),
    hasNext: own.length > PAGE_SIZE || assigned.length > PAGE_SIZE,
  };
}

export async function queue(db: Db, actor: Actor, filter: repo.QueueFilter, page: number): Promise<{ rows: repo.ListRow[]; total: number; hasNext: boolean; staff: repo.StaffOption[] }> {
  authorize(actor, 'requests.triage');
  const [rows, total, staff] = await Promise.all([
    repo.queue(db, filter, QUEUE_PAGE_SIZE + 1, (page - 1) * QUEUE_PAGE_SIZE),
    repo.queueCount(db, filter),
    repo.staffOptions(db, []),
  ]);
  return { rows: rows.slice(0, QUEUE_PAGE_SIZE), total, hasNext: rows.length > QUEUE_PAGE_SIZE, staff };
}

// ---------------------------------------------------------------- one request

export interface RequestPage extends RequestAccess {
  notes: CaseNote[];
  history: Transition[];
  /** Whom the secretariat may assign it to (empty for others). */
  staffOptions: repo.StaffOption[];
}

export async function requestPage(db: Db, actor: Actor, id: string): Promise<RequestPage> {
  const access = await accessTo(db, actor, id);
  const [notes, history, staffOptions] = await Promise.all([
    notesOf(db, 'request', id, access.staff),
    access.staff ? historyOf(db, 'request', id) : Promise.resolve([]),
    access.triage ? assignable(db, access.request.requesterId) : Promise.resolve([]),
  ]);
  return { ...access, notes, history, staffOptions };
}

/** Staff a request may go to: never someone blocked either way with its requester (they must not see each other's words). */
async function assignable(db: Db, requesterId: string): Promise<repo.StaffOption[]> {
  return repo.staffOptions(db, [requesterId, ...(await blockedEitherWay(db, requesterId))]);
}

/** A new request; the secretariat (everyone who assigns requests) is told by mail, each in their language. */
export async function createRequest(db: Db, actor: Actor, input: RequestInput, baseUrl: string, now = new Date()): Promise<string> {
  authorize(actor, 'requests.create');
  await hit(db, REQUEST_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertRequest(t, { requesterId: actor.id, ...input, createdAt: now });
    await recordTransition(t, 'request', id, actor.id, null, 'new');
    for (const person of await activeWithRoles(t, PERMISSIONS['requests.triage'])) {
      await mailAbout(t, person, 'requestNew', `request-new:${id}:${person.id}`, (locale) => ({
        title: input.title,
        requester: actor.name,
        kind: messages(locale).requests.kinds[input.kind],
        excerpt: excerpt(input.body, 300),
        url: requestUrl(baseUrl, id),
      }));
    }
    return id;
  });
}

/**
 * A reply in the thread, which the requester sees. A reply by staff tells the requester, and
 * starts a new request (in progress: somebody has answered); one by the requester tells the contact.
 */
export async function reply(db: Db, actor: Actor, id: string, body: string, baseUrl: string, ip?: string, now = new Date()): Promise<string> {
  const { request, requester, staff } = await accessTo(db, actor, id);
  await hit(db, REPLY_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const noteId = await addNote(t, 'request', id, actor.id, body, false);
    const vars = { title: request.title, excerpt: excerpt(body, 300), url: requestUrl(baseUrl, id) };
    if (requester && !staff) {
      const contact = recipientOf.assignee(request);
      if (contact) {
        await mailAbout(t, contact, 'requestRequesterReplied', `request-reply:${noteId}:${contact.id}`, () => ({ ...vars, requester: request.requesterName }));
      }
      return noteId;
    }
    const locked = await repo.lockRequest(t, id);
    if (locked?.state === 'new') await changeStateIn(t, actor, request, 'new', { state: 'in_progress', outcome: null, value: null }, ip, now);
    await mailAbout(t, recipientOf.requester(request), 'requestReplied', `request-reply:${noteId}:${request.requesterId}`, () => ({ ...vars, author: actor.name }));
    return noteId;
  });
}

/** An internal note (the contact and the secretariat only). */
export async function addInternalNote(db: Db, actor: Actor, id: string, body: string, now = new Date()): Promise<string> {
  const { staff } = await accessTo(db, actor, id);
  if (!staff) throw new AppError('FORBIDDEN');
  await hit(db, REPLY_LIMIT, actor.id, now);
  return addNote(db, 'request', id, actor.id, body, true);
}

export type AssignResult = { ok: true } | { ok: false; error: 'assignee' };

/**
 * Assigns the request to a staff member (the secretariat only), who is told by mail. A new
 * request is then in progress: the requester sees that somebody is on it, and is told.
 */
export async function assign(db: Db, actor: Actor, id: string, assigneeId: string, baseUrl: string, ip?: string, now = new Date()): Promise<AssignResult> {
  authorize(actor, 'requests.triage');
  const { request } = await accessTo(db, actor, id);
  const person = await repo.findStaff(db, assigneeId);
  if (!person || !(await assignable(db, request.requesterId)).some((s) => s.id === person.id)) return { ok: false, error: 'assignee' };
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const locked = await repo.lockRequest(t, id);
    if (!locked) throw new AppError('NOT_FOUND');
    if (locked.assigneeId === person.id) return;
    await repo.updateRequest(t, id, { assigneeId: person.id }, now);
    await audit(t, { action: 'request.assigned', actor, subjectType: 'request', subjectId: id, ip, details: { from: locked.assigneeId, to: person.id } });
    if (locked.state === 'new') await changeStateIn(t, actor, request, 'new', { state: 'in_progress', outcome: null, value: null }, ip, now, baseUrl);
    if (person.id !== actor.id) {
      await mailAbout(t, person, 'requestAssigned', `request-assigned:${id}:${person.id}:${now.toISOString()}`, () => ({
        title: request.title,
        requester: request.requesterName,
        assigner: actor.name,
        url: requestUrl(baseUrl, id),
      }));
    }
  });
  return { ok: true };
}

/**
 * Sets the status (the contact or the secretariat); connected and closed carry an outcome and
 * perhaps a value. The requester is told when the status they see changes (the outcome and its
 * value are the company's own record, not shown to them).
 */
export async function setState(db: Db, actor: Actor, id: string, input: RequestStateInput, baseUrl: string, ip?: string, now = new Date()): Promise<void> {
  const { request, staff } = await accessTo(db, actor, id);
  if (!staff) throw new AppError('FORBIDDEN');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const locked = await repo.lockRequest(t, id);
    if (!locked) throw new AppError('NOT_FOUND');
    if (locked.state === input.state && locked.outcome === input.outcome && locked.outcomeValue === input.value) return;
    await changeStateIn(t, actor, request, locked.state, input, ip, now, baseUrl);
  });
}

/** Writes a status (and outcome), records and audits it; mails the requester when the status itself changed and `baseUrl` is given. */
async function changeStateIn(
  t: Db,
  actor: Actor,
  request: repo.RequestRow,
  from: repo.RequestRow['state'],
  input: RequestStateInput,
  ip: string | undefined,
  now: Date,
  baseUrl?: string,
): Promise<void> {
  const moved = from !== input.state;
  await repo.updateRequest(t, request.id, { state: input.state, outcome: input.outcome, outcomeValue: input.value, ...(moved ? { stateChangedAt: now } : {}) }, now);
  if (moved) await recordTransition(t, 'request', request.id, actor.id, from, input.state);
  await audit(t, {
    action: 'request.state_changed',
    actor,
    subjectType: 'request',
    subjectId: request.id,
    ip,
    details: { from, to: input.state, outcome: input.outcome, value: input.value },
  });
  if (moved && baseUrl) {
    await mailAbout(t, recipientOf.requester(request), 'requestStateChanged', `request-state:${request.id}:${input.state}:${now.toISOString()}`, (locale) => ({
      title: request.title,
      state: messages(locale).requests.requesterStates[input.state],
      url: requestUrl(baseUrl, request.id),
    }));
  }
}
