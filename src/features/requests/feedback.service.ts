/**
 * Feedback and ideas: alumni send feedback on products and services and improvement ideas;
 * operators and community managers (`feedback.manage`) reply, decide (received → considering →
 * adopted / not now) and mark what helped. Contributors earn rewards: adopting grants
 * 'feedback_adopted' and the "useful" mark grants 'feedback_useful', each in the transaction
 * that makes the change and at most once per item (the ledger's unique key).
 *
 * An item is seen by its author and the team; for anyone else it does not exist (404). Internal
 * notes are the team's; the author never gets them. The author is told by mail when the status
 * changes, when the team replies, and when the item is marked useful.
 */
import type { Db } from '../../db/client.ts';
import type { FeedbackState } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can, PERMISSIONS } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { hit, type Limit } from '../../shared/http/rate-limit.ts';
import { messages } from '../../shared/i18n/index.ts';
import { excerpt } from '../../shared/markdown.ts';
import { activeWithRoles } from '../account/accounts.repository.ts';
import { addNote, historyOf, notesOf, recordTransition, type CaseNote, type Transition } from '../cases/cases.repository.ts';
import { activeRule, grantReward } from '../rewards/ledger.ts';
import { mailAbout, type Recipient } from '../cases/case-mail.ts';
import * as repo from './feedback.repository.ts';
import type { FeedbackInput } from './requests.form.ts';
import { REPLY_LIMIT } from './requests.service.ts';

export type { FeedbackRow, QueueFilter } from './feedback.repository.ts';
export { FEEDBACK_KINDS, FEEDBACK_STATES } from '../../db/schema.ts';
export type { FeedbackKind, FeedbackState } from '../../db/schema.ts';

export const PAGE_SIZE = 20;
export const QUEUE_PAGE_SIZE = 50;

/** Feedback per alumnus: generous (ideas come in bursts), but not a flood. */
export const FEEDBACK_LIMIT: Limit = { name: 'feedback:user', max: 10, windowSeconds: 86_400 };

export interface FeedbackAccess {
  item: repo.FeedbackRow;
  author: boolean;
  /** Operators and community managers: reply, decide, see internal notes. */
  manager: boolean;
}

export async function accessTo(db: Db, actor: Actor, id: string): Promise<FeedbackAccess> {
  const item = await repo.findFeedback(db, id);
  if (!item) throw new AppError('NOT_FOUND');
  const author = item.authorId === actor.id;
  const manager = can(actor, 'feedback.manage');
  if (!author && !manager) throw new AppError('NOT_FOUND');
  return { item, author, manager };
}

const authorOf = (f: repo.FeedbackRow): Recipient => ({ id: f.authorId, name: f.authorName, email: f.authorEmail, locale: f.authorLocale });
const feedbackUrl = (baseUrl: string, id: string) => `${baseUrl}/feedback/${id}`;

export async function myFeedback(db: Db, actor: Actor, page: number): Promise<{ rows: repo.FeedbackRow[]; hasNext: boolean }> {
  authorize(actor, 'feedback.create');
  const rows = await repo.listByAuthor(db, actor.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

export async function queue(db: Db, actor: Actor, filter: repo.QueueFilter, page: number): Promise<{ rows: repo.FeedbackRow[]; total: number; hasNext: boolean }> {
  authorize(actor, 'feedback.manage');
  const [rows, total] = await Promise.all([repo.queue(db, filter, QUEUE_PAGE_SIZE + 1, (page - 1) * QUEUE_PAGE_SIZE), repo.queueCount(db, filter)]);
  return { rows: rows.slice(0, QUEUE_PAGE_SIZE), total, hasNext: rows.length > QUEUE_PAGE_SIZE };
}

export interface FeedbackPage extends FeedbackAccess {
  notes: CaseNote[];
  history: Transition[];
  useful: boolean;
  /** What the "useful" mark would earn (the active rule's description), or null when no rule is active: then there is no mark to give. */
  usefulReward: string | null;
  /** What adopting it earns (the active rule's description), or null when no rule is active. */
  adoptedReward: string | null;
}

export async function feedbackPage(db: Db, actor: Actor, id: string): Promise<FeedbackPage> {
  const access = await accessTo(db, actor, id);
  const [notes, history, useful, usefulRule, adoptedRule] = await Promise.all([
    notesOf(db, 'feedback', id, access.manager),
    access.manager ? historyOf(db, 'feedback', id) : Promise.resolve([]),
    repo.markedUseful(db, id, access.item.authorId),
    access.manager ? activeRule(db, 'feedback_useful') : Promise.resolve(null),
    access.manager ? activeRule(db, 'feedback_adopted') : Promise.resolve(null),
  ]);
  return { ...access, notes, history, useful, usefulReward: usefulRule?.description ?? null, adoptedReward: adoptedRule?.description ?? null };
}

/** New feedback; everyone who answers feedback is told by mail, each in their language. */
export async function createFeedback(db: Db, actor: Actor, input: FeedbackInput, baseUrl: string, now = new Date()): Promise<string> {
  authorize(actor, 'feedback.create');
  await hit(db, FEEDBACK_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertFeedback(t, { authorId: actor.id, ...input, createdAt: now });
    await recordTransition(t, 'feedback', id, actor.id, null, 'received');
    for (const person of await activeWithRoles(t, PERMISSIONS['feedback.manage'])) {
      await mailAbout(t, person, 'feedbackNew', `feedback-new:${id}:${person.id}`, () => ({
        title: input.title,
        author: actor.name,
        excerpt: excerpt(input.body, 300),
        url: feedbackUrl(baseUrl, id),
      }));
    }
    return id;
  });
}

/** A reply the author sees; the team's replies are mailed to the author. */
export async function reply(db: Db, actor: Actor, id: string, body: string, baseUrl: string, now = new Date()): Promise<string> {
  const { item, manager } = await accessTo(db, actor, id);
  await hit(db, REPLY_LIMIT, actor.id, now);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const noteId = await addNote(t, 'feedback', id, actor.id, body, false);
    if (manager && item.authorId !== actor.id) {
      await mailAbout(t, authorOf(item), 'feedbackReplied', `feedback-reply:${noteId}`, () => ({
        title: item.title,
        author: actor.name,
        excerpt: excerpt(body, 300),
        url: feedbackUrl(baseUrl, id),
      }));
    }
    return noteId;
  });
}

export async function addInternalNote(db: Db, actor: Actor, id: string, body: string, now = new Date()): Promise<string> {
  authorize(actor, 'feedback.manage');
  await accessTo(db, actor, id);
  await hit(db, REPLY_LIMIT, actor.id, now);
  return addNote(db, 'feedback', id, actor.id, body, true);
}

/** Decides; adopting grants the author the 'feedback_adopted' reward (once, whatever happens later). */
export async function setState(db: Db, actor: Actor, id: string, state: FeedbackState, baseUrl: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'feedback.manage');
  const { item } = await accessTo(db, actor, id);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const from = await repo.lockFeedback(t, id);
    if (!from) throw new AppError('NOT_FOUND');
    if (from === state) return;
    await repo.setState(t, id, state, now);
    await recordTransition(t, 'feedback', id, actor.id, from, state);
    await audit(t, { action: 'feedback.state_changed', actor, subjectType: 'feedback', subjectId: id, ip, details: { from, to: state } });
    if (state === 'adopted') await grantReward(t, { userId: item.authorId, trigger: 'feedback_adopted', caseKind: 'feedback', caseId: id });
    await mailAbout(t, authorOf(item), 'feedbackStateChanged', `feedback-state:${id}:${state}:${now.toISOString()}`, (locale) => ({
      title: item.title,
      state: messages(locale).requests.feedback.authorStates[state],
      url: feedbackUrl(baseUrl, id),
    }));
  });
}

export type UsefulResult = { ok: true; granted: boolean } | { ok: false; error: 'noRule' };

/**
 * Marks the item useful: the author earns the 'feedback_useful' reward (once) and is told.
 * Without an active rule for it there is nothing to give, and nothing is marked.
 */
export async function markUseful(db: Db, actor: Actor, id: string, baseUrl: string): Promise<UsefulResult> {
  authorize(actor, 'feedback.manage');
  const { item } = await accessTo(db, actor, id);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const rule = await activeRule(t, 'feedback_useful');
    if (!rule) return { ok: false, error: 'noRule' } as const;
    const rewardId = await grantReward(t, { userId: item.authorId, trigger: 'feedback_useful', caseKind: 'feedback', caseId: id });
    if (rewardId) {
      await mailAbout(t, authorOf(item), 'feedbackUseful', `feedback-useful:${id}`, () => ({ title: item.title, reward: rule.description, url: feedbackUrl(baseUrl, id) }));
    }
    return { ok: true, granted: rewardId !== null } as const;
  });
}
