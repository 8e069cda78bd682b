/**
 * Referrals: a member (alumnus or staff) refers a candidate who agreed to be contacted for an
 * open posting of their audience; operators run the pipeline, assign a staff member, keep
 * internal notes and move the stages; the referrer follows the status in plain words.
 *
 * The candidate is not a member: their details are personal data shown only to operators and the
 * assigned staff member (each view audited) and to the referrer who gave them. A referral
 * outside the viewer's reach does not exist for them (NOT_FOUND), by list and by URL alike.
 * Submitting earns 'referral_submitted', a hire earns 'referral_hired' (grantReward, in the same
 * transaction, once per referral).
 */
import type { Db } from '../../db/client.ts';
import type { PipelineStage } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { hit, type Limit } from '../../shared/http/rate-limit.ts';
import { fmt, messages, type Locale } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { addNote, historyOf, notesOf, recordTransition, type CaseNote, type Transition } from '../cases/cases.repository.ts';
import { grantReward } from '../rewards/ledger.ts';
import { matches } from '../segments/segments.repository.ts';
import type { ReferralInput } from './referral.form.ts';
import * as repo from './referrals.repository.ts';

export type { OwnReferralRow, PipelineFilter, PipelineRow, ReferralDetail } from './referrals.repository.ts';
export { PIPELINE_STAGES } from '../../db/schema.ts';
export type { PipelineStage } from '../../db/schema.ts';

export const PAGE_SIZE = 20;

/** Referrals per member and day: a generous network member refers a few people, not a list. */
export const REFERRAL_LIMIT: Limit = { name: 'referral:user', max: 10, windowSeconds: 86_400 };

/**
 * What the referrer sees: the steps of a hiring process are the company's and the candidate's
 * business, so they are folded into "in progress"; the outcome is said plainly and respectfully.
 */
export const PLAIN_STATUSES = ['received', 'in_progress', 'hired', 'not_this_time', 'withdrawn'] as const;
export type PlainStatus = (typeof PLAIN_STATUSES)[number];

export function plainStatus(stage: PipelineStage): PlainStatus {
  return stage === 'casual_talk' || stage === 'interviews' || stage === 'offer' ? 'in_progress' : stage;
}

const localeOf = (l: Locale | null | undefined): Locale => l ?? 'ja';

// ---------------------------------------------------------------- referring

/** An open posting the actor may refer to (open, referrals welcome, within their audience), or NOT_FOUND. */
async function referableFor(db: Db, actor: Actor, opportunityId: string, now: Date): Promise<repo.ReferableOpportunity> {
  authorize(actor, 'referrals.create');
  const opp = await repo.findReferable(db, opportunityId, now);
  if (!opp) throw new AppError('NOT_FOUND');
  // Those who post opportunities see every one of them; the others, their audience's.
  if (can(actor, 'opportunities.manage')) return opp;
  const inAudience =
    opp.audience === 'alumni_employees' ||
    (opp.audience === 'alumni' && actor.role === 'alumnus') ||
    (opp.audience === 'segment' && opp.segmentFilter !== null && (await matches(db, opp.segmentFilter, actor.id, now)));
  if (!inAudience) throw new AppError('NOT_FOUND');
  return opp;
}

export async function referralTarget(db: Db, actor: Actor, opportunityId: string, now = new Date()): Promise<{ id: string; title: string; closesAt: Date | null }> {
  const opp = await referableFor(db, actor, opportunityId, now);
  return { id: opp.id, title: opp.title, closesAt: opp.closesAt };
}

export type SubmitResult = { ok: true; id: string } | { ok: false; error: 'duplicate' };

/**
 * Records a referral: the row, its first history entry and the 'referral_submitted' reward in one
 * transaction. The same referrer cannot refer the same address twice for a posting while the first
 * referral is still open (a second copy helps nobody and would earn twice).
 */
export async function submitReferral(db: Db, actor: Actor, opportunityId: string, input: ReferralInput, now = new Date()): Promise<SubmitResult> {
  const opp = await referableFor(db, actor, opportunityId, now);
  if (await repo.hasLiveReferral(db, actor.id, opp.id, input.candidateEmail)) return { ok: false, error: 'duplicate' };
  await hit(db, REFERRAL_LIMIT, actor.id, now);
  const id = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const referralId = await repo.insertReferral(t, { opportunityId: opp.id, referrerId: actor.id, ...input, candidateAgreedAt: now, createdAt: now });
    await recordTransition(t, 'referral', referralId, actor.id, null, 'received');
    await grantReward(t, { userId: actor.id, trigger: 'referral_submitted', caseKind: 'referral', caseId: referralId });
    return referralId;
  });
  return { ok: true, id };
}

/** The actor's own referrals; for staff, also how many referrals are assigned to them (a way into the pipeline). */
export async function myReferrals(db: Db, actor: Actor, page: number): Promise<{ rows: repo.OwnReferralRow[]; hasNext: boolean; assigned: number }> {
  const rows = await repo.ownReferrals(db, actor.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
  const assigned = actor.role === 'alumnus' || can(actor, 'referrals.manage') ? 0 : await repo.countAssigned(db, actor.id);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE, assigned };
}

// ---------------------------------------------------------------- the pipeline

/** Staff who may work on referrals at all: operators (every referral) and the staff member assigned one. */
function isStaff(actor: Actor): boolean {
  return actor.role !== 'alumnus' && can(actor, 'referrals.create');
}

export interface PipelinePage {
  rows: repo.PipelineRow[];
  hasNext: boolean;
  counts: Map<PipelineStage, number>;
  /** Operators see every referral (and may narrow to their own); the others only theirs. */
  all: boolean;
}

export async function pipeline(db: Db, actor: Actor, opts: { stage: repo.PipelineFilter['stage']; mine: boolean; page: number }): Promise<PipelinePage> {
  if (!isStaff(actor)) throw new AppError('FORBIDDEN');
  const all = can(actor, 'referrals.manage');
  const assigneeId = !all || opts.mine ? actor.id : undefined;
  const [rows, counts] = await Promise.all([
    repo.pipeline(db, { assigneeId, stage: opts.stage }, PAGE_SIZE + 1, (opts.page - 1) * PAGE_SIZE),
    repo.stageCounts(db, assigneeId),
  ]);
  return { rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE, counts, all };
}

/** A referral the actor may work on, or NOT_FOUND (never FORBIDDEN: its existence is not told). */
async function caseFor(db: Db, actor: Actor, id: string, forUpdate = false): Promise<repo.ReferralDetail> {
  if (!isStaff(actor)) throw new AppError('NOT_FOUND');
  const row = await repo.findReferral(db, id, { forUpdate });
  if (!row) throw new AppError('NOT_FOUND');
  if (!can(actor, 'referrals.manage') && row.assigneeId !== actor.id) throw new AppError('NOT_FOUND');
  return row;
}

export interface CasePage {
  referral: repo.ReferralDetail;
  notes: CaseNote[];
  history: Transition[];
  canAssign: boolean;
}

/** The case page: the candidate's details (a view of personal data, audited), internal notes, history. */
export async function casePage(db: Db, actor: Actor, id: string, ip?: string): Promise<CasePage> {
  const referral = await caseFor(db, actor, id);
  const [notes, history] = await Promise.all([notesOf(db, 'referral', id, true), historyOf(db, 'referral', id)]);
  await audit(db, { action: 'personal_data.viewed', actor, subjectType: 'referral', subjectId: id, ip, details: { candidate: true } });
  return { referral, notes, history, canAssign: can(actor, 'referrals.manage') };
}

export type MoveResult = 'moved' | 'unchanged';

/**
 * Moves a referral to a stage: the change, its history entry, the audit row, the referrer's
 * reward on a hire and the referrer's mail when what they see changes — one transaction, under
 * the referral's row lock, so two clicks never record a change twice. Closed referrals may be
 * reopened (mistakes happen); a hire earns its reward once whatever happens after.
 */
export async function moveStage(db: Db, baseUrl: string, actor: Actor, id: string, stage: PipelineStage, ip?: string, now = new Date()): Promise<MoveResult> {
  await caseFor(db, actor, id);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const referral = await caseFor(t, actor, id, true);
    const from = referral.stage;
    if (from === stage) return 'unchanged';
    await repo.setStage(t, id, stage, now);
    await recordTransition(t, 'referral', id, actor.id, from, stage);
    await audit(t, { action: 'referral.stage_changed', actor, subjectType: 'referral', subjectId: id, ip, details: { from, to: stage } });
    const rewardId = stage === 'hired' ? await grantReward(t, { userId: referral.referrerId, trigger: 'referral_hired', caseKind: 'referral', caseId: id }) : null;
    if (plainStatus(from) !== plainStatus(stage)) await tellReferrer(t, baseUrl, referral, stage, rewardId !== null, now);
    return 'moved';
  });
}

async function tellReferrer(t: Db, baseUrl: string, referral: repo.ReferralDetail, stage: PipelineStage, rewarded: boolean, now: Date): Promise<void> {
  const locale = localeOf(referral.referrerLocale);
  const r = messages(locale).referrals;
  const status = plainStatus(stage);
  await queueMail(t, {
    key: `referral-status:${referral.id}:${status}:${now.toISOString()}`,
    to: referral.referrerEmail,
    userId: referral.referrerId,
    locale,
    template: 'referralStatus',
    vars: {
      network: await networkName(t, locale),
      name: referral.referrerName,
      candidate: referral.candidateName,
      opportunity: referral.opportunityTitle ?? r.closedOpportunity,
      status: r.statuses[status],
      detail: r.statusHints[status],
      reward: rewarded ? fmt(r.mail.rewardAdded, { url: `${baseUrl}/rewards` }) : '',
      url: `${baseUrl}/referrals#referral-${referral.id}`,
    },
  });
}

export type AssignResult = { ok: true; changed: boolean } | { ok: false; error: 'unknownStaff' };

/** Operators assign a staff member (by e-mail address; empty: nobody), audited; the new assignee is told by mail. */
export async function assign(db: Db, baseUrl: string, actor: Actor, id: string, email: string | null, ip?: string, now = new Date()): Promise<AssignResult> {
  authorize(actor, 'referrals.manage');
  await caseFor(db, actor, id);
  const staff = email ? await repo.findStaffByEmail(db, email) : null;
  if (email && !staff) return { ok: false, error: 'unknownStaff' };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const referral = await caseFor(t, actor, id, true);
    const to = staff?.id ?? null;
    if (referral.assigneeId === to) return { ok: true, changed: false };
    await repo.setAssignee(t, id, to, now);
    await audit(t, { action: 'referral.assigned', actor, subjectType: 'referral', subjectId: id, ip, details: { from: referral.assigneeId, to } });
    if (staff && staff.id !== actor.id) {
      const locale = localeOf(staff.locale);
      await queueMail(t, {
        key: `referral-assigned:${id}:${staff.id}:${now.toISOString()}`,
        to: staff.email,
        userId: staff.id,
        locale,
        template: 'referralAssigned',
        vars: {
          network: await networkName(t, locale),
          name: staff.name,
          opportunity: referral.opportunityTitle ?? messages(locale).referrals.closedOpportunity,
          url: `${baseUrl}/admin/referrals/${id}`,
        },
      });
    }
    return { ok: true, changed: true };
  });
}

/** An internal note (operators and the assignee only; the referrer never sees notes). */
export async function addInternalNote(db: Db, actor: Actor, id: string, body: string): Promise<void> {
  await caseFor(db, actor, id);
  await addNote(db, 'referral', id, actor.id, body, true);
}
