/**
 * Verification of self sign-ups: someone who was not invited creates an account (status
 * 'pending'), tells us about their time at the company, and is either matched to the HR
 * roster automatically or decided by a reviewer (operator or community manager).
 *
 * Matching runs once, when the e-mail address is confirmed (not at sign-up): a roster
 * entry is linked only to an account whose owner proved they read that mailbox, so a
 * mistyped address cannot take a former colleague's roster entry. Later edits by the
 * person are never matched automatically (that would let anyone try employee numbers
 * until one fits); a reviewer decides them.
 *
 * Every state change is audited in the same transaction, and the e-mail to the person is
 * queued in that transaction too.
 */
import type { Db } from '../../db/client.ts';
import { consents } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { isLocale, type Locale } from '../../shared/i18n/index.ts';
import { queueMail, type MailTemplate } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { NOTICE_VERSION } from '../invitations/notice.ts';
import type { RequestInput } from './verification.form.ts';
import { decide, scoreCandidate, type MatchFact, type RequestFacts } from './verification.match.ts';
import * as repo from './verification.repository.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';

export type { RequestState, SignupRequestRow } from './verification.repository.ts';

/** How many roster candidates the review page shows side by side. */
export const CANDIDATES_SHOWN = 3;
/** The queue page lists at most this many requests (oldest first). */
export const QUEUE_LIMIT = 200;

export interface ReviewCtx {
  db: Db;
  actor: Actor | null;
  ip?: string | undefined;
  baseUrl: string;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
const tx = <T>(db: Db, fn: (t: Db) => Promise<T>) => db.transaction((t) => fn(t as unknown as Db));

function factsOf(r: repo.SignupRequestRow): RequestFacts {
  return { name: r.name, nameKana: r.nameKana, joinYear: r.joinYear, leaveYear: r.leaveYear, department: r.department, employeeNumber: r.employeeNumber };
}

/** Queues a message about their request to the person, in their language. */
async function mailPerson(
  db: Db,
  user: { id: string; email: string; name: string; locale: string | null },
  template: MailTemplate,
  key: string,
  vars: Record<string, string>,
): Promise<void> {
  const locale: Locale = isLocale(user.locale) ? user.locale : 'ja';
  await queueMail(db, {
    key,
    to: user.email,
    userId: user.id,
    locale,
    template,
    vars: { network: await networkName(db, locale), name: user.name, ...vars },
  });
}

// ---------------------------------------------------------------- sign-up and automatic matching

export interface SignupAnswers {
  nameKana: string;
  joinYear: number | null;
  leaveYear: number | null;
  department: string;
  employeeNumber: string;
  note: string;
}

/**
 * Records the request and the purpose-of-use consent of an account better-auth has just
 * created. Does nothing for an id that is not a new pending account (better-auth answers
 * a sign-up for an address in use with a made-up user): true when recorded.
 */
export async function recordSignupRequest(db: Db, input: { userId: string; name: string; answers: SignupAnswers; ip?: string | undefined }): Promise<boolean> {
  if (!isUuid(input.userId)) return false;
  return tx(db, async (t) => {
    const user = await repo.pendingUserWithoutRequest(t, input.userId);
    if (!user) return false;
    const a = input.answers;
    const request = await repo.insertRequest(t, {
      userId: user.id,
      name: input.name,
      nameKana: a.nameKana || null,
      joinYear: a.joinYear,
      leaveYear: a.leaveYear,
      department: a.department || null,
      employeeNumber: a.employeeNumber || null,
      note: a.note || null,
    });
    await t.insert(consents).values({ userId: user.id, kind: 'purpose_of_use', version: NOTICE_VERSION, source: 'signup', ip: input.ip ?? null });
    await audit(t, {
      action: 'signup.requested',
      actor: { id: user.id, email: user.email },
      subjectType: 'signup_request',
      subjectId: request.id,
      ip: input.ip,
      details: { noticeVersion: NOTICE_VERSION },
    });
    return true;
  });
}

export type MatchOutcome = 'auto_verified' | 'review' | 'none';

/**
 * Scores the person's request against the roster once their address is confirmed. A
 * strong, unambiguous match verifies them at once (account active, roster entry linked,
 * request approved without a reviewer, welcome mail); anything else waits in the review
 * queue with its best score. Idempotent: a request already scored is left alone.
 */
export async function matchAfterVerification(db: Db, userId: string, baseUrl: string): Promise<MatchOutcome> {
  const request = await repo.requestOfUser(db, userId);
  if (!request || request.state !== 'pending' || request.matchScore !== null) return 'none';
  const user = await repo.userById(db, userId);
  if (!user || user.status !== 'pending' || !user.emailVerified) return 'none';
  const decision = decide(factsOf(request), await repo.candidatesFor(db, factsOf(request)));
  const best = decision.ranked[0]?.score ?? 0;
  try {
    return await tx(db, async (t) => {
      if (decision.kind === 'auto' && (await repo.linkEntry(t, decision.match.candidate.id, userId))) {
        const moved = await repo.scoreRequest(t, request.id, {
          state: 'approved',
          rosterEntryId: decision.match.candidate.id,
          matchScore: decision.match.score,
          reviewerId: null,
          decidedAt: new Date(),
        });
        // Decided by someone else meanwhile: undo the link.
        if (!moved) throw new RaceLost();
        await repo.activateUser(t, userId);
        await refreshDirectory(t, userId);
        await audit(t, {
          action: 'signup.auto_verified',
          subjectType: 'signup_request',
          subjectId: request.id,
          details: { userId, rosterEntryId: decision.match.candidate.id, score: decision.match.score, facts: agreeing(decision.match.facts) },
        });
        await mailPerson(t, user, 'signupApproved', `signup-approved:${request.id}`, { url: `${baseUrl}/` });
        return 'auto_verified';
      }
      // No strong match, or the entry was linked to someone else a moment ago: a reviewer decides.
      await repo.scoreRequest(t, request.id, { matchScore: best });
      return 'review';
    });
  } catch (err) {
    if (err instanceof RaceLost) return 'none';
    throw err;
  }
}

class RaceLost extends Error {}

const agreeing = (facts: Record<MatchFact, boolean>) => (Object.keys(facts) as MatchFact[]).filter((f) => facts[f]);

// ---------------------------------------------------------------- the review queue

export type QueueFilter = 'open' | repo.RequestState;
export const QUEUE_FILTERS: readonly QueueFilter[] = ['open', 'pending', 'more_info', 'approved', 'declined'];

export async function listQueue(ctx: ReviewCtx, filter: QueueFilter) {
  authorize(ctx.actor, 'signup.review');
  const states = filter === 'open' ? repo.OPEN_STATES : [filter];
  return repo.listRequests(ctx.db, states, QUEUE_LIMIT);
}

/** A roster candidate as a reviewer sees it; `hr` only for those allowed to see HR-only facts. */
export interface CandidateView {
  id: string;
  name: string;
  nameKana: string | null;
  department: string | null;
  joinedOn: string | null;
  leftOn: string | null;
  score: number;
  facts: Record<MatchFact, boolean>;
  strong: boolean;
  hr: {
    employeeNumber: string;
    title: string | null;
    leaveReasonCategory: string | null;
    rehireEligible: 'yes' | 'no' | 'unknown';
    contactStatus: string;
  } | null;
}

function candidateView(req: RequestFacts, c: repo.CandidateRow, withHr: boolean): CandidateView {
  const s = scoreCandidate(req, c);
  return {
    id: c.id,
    name: c.name,
    nameKana: c.nameKana,
    department: c.department,
    joinedOn: c.joinedOn,
    leftOn: c.leftOn,
    score: s.score,
    facts: s.facts,
    strong: s.strong,
    hr: withHr
      ? { employeeNumber: c.employeeNumber, title: c.title, leaveReasonCategory: c.leaveReasonCategory, rehireEligible: c.rehireEligible, contactStatus: c.contactStatus }
      : null,
  };
}

async function openable(db: Db, id: string) {
  if (!isUuid(id)) throw new AppError('NOT_FOUND');
  const row = await repo.requestWithUser(db, id);
  // A request is submitted once its address is confirmed; before that it is nobody's business.
  if (!row || !row.user.emailVerified) throw new AppError('NOT_FOUND');
  return row;
}

/**
 * One request with its best roster candidates (open requests) or the entry it was linked
 * to (approved). Showing roster facts is a view of HR data: audited. Community managers
 * never receive the HR-only facts (employee number, title, leave reason, rehire
 * eligibility, contact status): they are left out here, not just hidden in the page.
 */
export async function getReview(ctx: ReviewCtx, id: string) {
  const who = authorize(ctx.actor, 'signup.review');
  const { request, user } = await openable(ctx.db, id);
  const withHr = can(who, 'signup.viewHrFacts');
  const facts = factsOf(request);
  const open = repo.OPEN_STATES.includes(request.state);
  let candidates: CandidateView[] = [];
  if (open) {
    const ranked = decide(facts, await repo.candidatesFor(ctx.db, facts)).ranked.slice(0, CANDIDATES_SHOWN);
    candidates = ranked.map((s) => candidateView(facts, s.candidate, withHr));
  } else if (request.rosterEntryId) {
    const linked = await repo.candidateById(ctx.db, request.rosterEntryId);
    if (linked) candidates = [candidateView(facts, linked, withHr)];
  }
  if (candidates.length > 0) {
    await audit(ctx.db, {
      action: 'personal_data.viewed',
      actor: who,
      subjectType: 'signup_request',
      subjectId: request.id,
      ip: ctx.ip,
      details: { rosterEntryIds: candidates.map((c) => c.id), hrOnlyFacts: withHr },
    });
  }
  const reviewer = request.reviewerId ? await repo.userById(ctx.db, request.reviewerId) : undefined;
  return {
    request,
    user: { id: user.id, email: user.email, name: user.name, status: user.status },
    candidates,
    withHr,
    open,
    reviewerName: reviewer?.name ?? null,
    canDecide: open && user.id !== who.id,
  };
}

export type Review = Awaited<ReturnType<typeof getReview>>;

/** The reviewer, checked: allowed, and not deciding about their own account. */
async function reviewerFor(ctx: ReviewCtx, id: string) {
  const who = authorize(ctx.actor, 'signup.review');
  const row = await openable(ctx.db, id);
  if (row.user.id === who.id) throw new AppError('FORBIDDEN');
  if (!repo.OPEN_STATES.includes(row.request.state)) throw new AppError('CONFLICT', 'already decided', { reason: 'decided' });
  return { who, ...row };
}

/**
 * Approves: the account becomes active, linked to the chosen roster entry (one of the
 * request's unlinked candidates: a reviewer cannot link an arbitrary roster entry), or to
 * none when the reviewer knows the person another way.
 */
export async function approve(ctx: ReviewCtx, id: string, rosterEntryId: string | null): Promise<void> {
  const { who, request, user } = await reviewerFor(ctx, id);
  if (rosterEntryId !== null) {
    const candidates = isUuid(rosterEntryId) ? await repo.candidatesFor(ctx.db, factsOf(request)) : [];
    if (!candidates.some((c) => c.id === rosterEntryId)) {
      const entry = isUuid(rosterEntryId) ? await repo.candidateById(ctx.db, rosterEntryId) : undefined;
      if (entry?.userId) throw new AppError('CONFLICT', 'entry taken', { reason: 'entryTaken' });
      throw new AppError('VALIDATION', 'not a candidate', { reason: 'entry' });
    }
  }
  await tx(ctx.db, async (t) => {
    if (rosterEntryId !== null && !(await repo.linkEntry(t, rosterEntryId, user.id))) {
      throw new AppError('CONFLICT', 'entry taken', { reason: 'entryTaken' });
    }
    const score = rosterEntryId ? await repo.candidateById(t, rosterEntryId) : undefined;
    const moved = await repo.moveOpenRequest(t, request.id, {
      state: 'approved',
      rosterEntryId,
      matchScore: score ? scoreCandidate(factsOf(request), score).score : request.matchScore,
      reviewerId: who.id,
      reviewerMessage: null,
      decidedAt: new Date(),
    });
    if (!moved) throw new AppError('CONFLICT', 'already decided', { reason: 'decided' });
    await repo.activateUser(t, user.id);
    await refreshDirectory(t, user.id);
    await audit(t, {
      action: 'signup.approved',
      actor: who,
      subjectType: 'signup_request',
      subjectId: request.id,
      ip: ctx.ip,
      details: { userId: user.id, rosterEntryId },
    });
    await mailPerson(t, user, 'signupApproved', `signup-approved:${request.id}`, { url: `${ctx.baseUrl}/` });
  });
}

/** Asks the person for more: they get the message by e-mail and answer by editing their request. */
export async function askForMore(ctx: ReviewCtx, id: string, message: string): Promise<void> {
  const { who, request, user } = await reviewerFor(ctx, id);
  await tx(ctx.db, async (t) => {
    const moved = await repo.moveOpenRequest(t, request.id, { state: 'more_info', reviewerId: who.id, reviewerMessage: message });
    if (!moved) throw new AppError('CONFLICT', 'already decided', { reason: 'decided' });
    await audit(t, {
      action: 'signup.more_info_requested',
      actor: who,
      subjectType: 'signup_request',
      subjectId: request.id,
      ip: ctx.ip,
      details: { userId: user.id, message },
    });
    await mailPerson(t, user, 'signupMoreInfo', `signup-more-info:${request.id}:${moved.updatedAt.getTime()}`, {
      message,
      url: `${ctx.baseUrl}/membership/request`,
    });
  });
}

/** Declines: the account stays pending (no member content), the person gets the message. */
export async function declineRequest(ctx: ReviewCtx, id: string, message: string): Promise<void> {
  const { who, request, user } = await reviewerFor(ctx, id);
  await tx(ctx.db, async (t) => {
    const moved = await repo.moveOpenRequest(t, request.id, { state: 'declined', reviewerId: who.id, reviewerMessage: message, decidedAt: new Date() });
    if (!moved) throw new AppError('CONFLICT', 'already decided', { reason: 'decided' });
    await audit(t, {
      action: 'signup.declined',
      actor: who,
      subjectType: 'signup_request',
      subjectId: request.id,
      ip: ctx.ip,
      details: { userId: user.id, message },
    });
    await mailPerson(t, user, 'signupDeclined', `signup-declined:${request.id}`, { message, url: `${ctx.baseUrl}/membership/request` });
  });
}

// ---------------------------------------------------------------- the person's own request

/** Where the signed-in person's request stands (for their home page), or null without one. */
export async function ownRequest(db: Db, actor: Actor | null): Promise<repo.SignupRequestRow | null> {
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return (await repo.requestOfUser(db, actor.id)) ?? null;
}

/**
 * The person corrects or completes their request (pending, or answering a question): it
 * goes back to the reviewers as 'pending', with a fresh score, never verified automatically.
 */
export async function updateOwnRequest(ctx: { db: Db; actor: Actor | null; ip?: string | undefined }, input: RequestInput): Promise<'updated' | 'closed'> {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED');
  const actor = ctx.actor;
  const request = await repo.requestOfUser(ctx.db, actor.id);
  if (!request) throw new AppError('NOT_FOUND');
  if (!repo.OPEN_STATES.includes(request.state)) return 'closed';
  const facts: RequestFacts = {
    name: input.name,
    nameKana: input.nameKana || null,
    joinYear: input.joinYear,
    leaveYear: input.leaveYear,
    department: input.department || null,
    employeeNumber: input.employeeNumber || null,
  };
  const best = decide(facts, await repo.candidatesFor(ctx.db, facts)).ranked[0]?.score ?? 0;
  return tx(ctx.db, async (t) => {
    const moved = await repo.moveOpenRequest(t, request.id, { ...facts, note: input.note || null, state: 'pending', matchScore: best });
    if (!moved) return 'closed';
    await audit(t, {
      action: 'signup.updated',
      actor,
      subjectType: 'signup_request',
      subjectId: request.id,
      ip: ctx.ip,
      details: { answeredQuestion: request.state === 'more_info' },
    });
    return 'updated';
  });
}
