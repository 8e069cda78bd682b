/**
 * Applications — to an opportunity, or to return through the open door — and their pipeline:
 * received → casual talk → interviews → offer → hired / not this time / withdrawn.
 *
 * Who sees what: the applicant sees their own application in plain words and the messages staff
 * chose for them, never internal notes; operators see every application; other staff (employees,
 * community managers) only those assigned to them (NOT_FOUND otherwise, by list and by URL);
 * internal notes are for operators and the assignee; 再雇用可否 from the roster for operators only,
 * every view audited. Every stage change is recorded in the case history and audited in the
 * transaction that makes it, with the applicant's mail. A returner hired becomes rehired on the
 * roster (lifecycle.service markRehired).
 */
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { PipelineStage } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can, PERMISSIONS } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { messages, type Locale } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { activeWithRoles } from '../account/accounts.repository.ts';
import { mailAbout, type Recipient } from '../cases/case-mail.ts';
import { addNote, historyOf, notesOf, recordTransition, type CaseNote, type Transition } from '../cases/cases.repository.ts';
import { presentProfile } from '../profiles/profile.present.ts';
import { ownProfile } from '../profiles/profiles.service.ts';
import { markRehired } from '../roster/lifecycle.service.ts';
import type { ReturnInput, StageInput } from './application.form.ts';
import * as repo from './applications.repository.ts';
import { FINAL_STAGES, LIVE_STAGES } from './applications.repository.ts';
import { authorizeApplicant, closedReason, visibleOpportunity } from './opportunities.service.ts';

export type { ApplicationDetail, OwnApplication, PipelineCard, StageTime } from './applications.repository.ts';
export type { CaseNote } from '../cases/cases.repository.ts';
export { FINAL_STAGES, LIVE_STAGES } from './applications.repository.ts';
export { PIPELINE_STAGES } from '../../db/schema.ts';
export type { PipelineStage } from '../../db/schema.ts';

export const PAGE_SIZE = 20;
/** Cards per stage on the board (the pipeline is small: a few returners a quarter); "see all" lists the rest. */
export const BOARD_SIZE = 50;

/** What applications need to know of the site: its address, for the links in mail. */
export type Site = Pick<Config, 'baseUrl'>;

const isFinal = (stage: PipelineStage) => (FINAL_STAGES as readonly PipelineStage[]).includes(stage);

/**
 * A hire that brings the person back into employment (the open door, or a full-time or contract
 * position): their membership becomes rehired. Side jobs, projects and advisory work do not.
 */
export function rehires(a: Pick<repo.ApplicationDetail, 'kind' | 'opportunityKind'>): boolean {
  return a.kind === 'return' || a.opportunityKind === 'full_time' || a.opportunityKind === 'contract';
}

// ---------------------------------------------------------------- mail

async function mailApplicant(db: Db, site: Site, a: repo.ApplicationDetail, template: 'applicationReceived' | 'applicationUpdated', key: string, stage: PipelineStage, message: string | null) {
  const locale: Locale = a.applicantLocale ?? 'ja';
  const o = messages(locale).opportunities;
  await queueMail(db, {
    key,
    to: a.applicantEmail,
    userId: a.applicantId,
    locale,
    template,
    vars: {
      network: await networkName(db, locale),
      name: a.applicantName,
      title: a.opportunityTitle ?? o.returnTitle,
      status: o.applicantStages[stage],
      message: message ? `\n${o.mail.messageFromCompany}\n${message}\n` : '',
      url: `${site.baseUrl}/applications/${a.id}`,
    },
  });
}

/** An application for a member of staff to handle (a new one, or one assigned to them), in their language. */
function mailStaff(db: Db, site: Site, to: Recipient, template: 'applicationNew' | 'applicationAssigned', key: string, a: Pick<repo.ApplicationDetail, 'id' | 'applicantName' | 'opportunityTitle'>) {
  return mailAbout(db, to, template, key, (locale) => ({
    applicant: a.applicantName,
    title: a.opportunityTitle ?? messages(locale).opportunities.returnTitle,
    url: `${site.baseUrl}/admin/applications/${a.id}`,
  }));
}

// ---------------------------------------------------------------- applying

export type ApplyResult = { ok: true; id: string } | { ok: false; reason: 'closed' } | { ok: false; reason: 'already'; id: string };

/** Writes the application, its first history entry and the applicant's confirmation, together. */
async function createApplication(db: Db, site: Site, actor: Actor, values: repo.ApplicationValues, now: Date): Promise<ApplyResult> {
  const result = await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertApplication(t, values, now);
    if (!id) return null;
    await recordTransition(t, 'application', id, actor.id, null, 'received');
    const detail = (await repo.findApplication(t, id))!;
    await mailApplicant(t, site, detail, 'applicationReceived', `application:${id}:received`, 'received', null);
    // Everyone who runs the pipeline is told, each in their language.
    for (const person of await activeWithRoles(t, PERMISSIONS['applications.manage'])) {
      await mailStaff(t, site, person, 'applicationNew', `application:${id}:new:${person.id}`, detail);
    }
    return id;
  });
  if (result) return { ok: true, id: result };
  const live = await repo.findLive(db, actor.id, values.opportunityId ?? null);
  if (!live) throw new AppError('CONFLICT', 'application refused by the unique index, then gone');
  return { ok: false, reason: 'already', id: live.id };
}

/** What company staff may see of the applicant's profile now: the snapshot stored with the application. */
async function profileSnapshot(db: Db, actor: Actor): Promise<Record<string, unknown>> {
  const shown = presentProfile(await ownProfile(db, actor), { self: false, audience: 'staff' });
  return JSON.parse(JSON.stringify(shown)) as Record<string, unknown>;
}

/**
 * One-click application to an opportunity: the note and a snapshot of the profile as company
 * staff may see it. Refused while applications are not taken; a second live application to the
 * same opportunity is not made (the existing one is returned).
 */
export async function apply(db: Db, site: Site, actor: Actor, opportunityId: string, input: { note: string | null; source: string | null }, now = new Date()): Promise<ApplyResult> {
  authorizeApplicant(actor);
  const opportunity = await visibleOpportunity(db, actor, opportunityId, now);
  const live = await repo.findLive(db, actor.id, opportunityId);
  if (live) return { ok: false, reason: 'already', id: live.id };
  if (closedReason(opportunity, now)) return { ok: false, reason: 'closed' };
  const values: repo.ApplicationValues = {
    opportunityId,
    applicantId: actor.id,
    kind: 'opportunity',
    note: input.note,
    profileSnapshot: await profileSnapshot(db, actor),
    source: input.source,
  };
  return createApplication(db, site, actor, values, now);
}

/** The member's open-door application still in the pipeline, if any. */
export async function liveReturnApplication(db: Db, actor: Actor): Promise<string | null> {
  authorizeApplicant(actor);
  return (await repo.findLive(db, actor.id, null))?.id ?? null;
}

/** The open-door return application: what changed, what they would need, their reasons, a note. */
export async function applyToReturn(db: Db, site: Site, actor: Actor, input: ReturnInput & { source: string | null }, now = new Date()): Promise<ApplyResult> {
  authorizeApplicant(actor);
  const live = await repo.findLive(db, actor.id, null);
  if (live) return { ok: false, reason: 'already', id: live.id };
  const values: repo.ApplicationValues = {
    opportunityId: null,
    applicantId: actor.id,
    kind: 'return',
    note: input.note,
    whatChanged: input.whatChanged,
    whatNeeded: input.whatNeeded,
    reasons: input.reasons,
    profileSnapshot: await profileSnapshot(db, actor),
    source: input.source,
  };
  return createApplication(db, site, actor, values, now);
}

// ---------------------------------------------------------------- the applicant's side

export async function ownApplications(db: Db, actor: Actor): Promise<repo.OwnApplication[]> {
  authorize(actor, 'opportunities.view');
  return repo.listOwn(db, actor.id, 100);
}

export interface OwnApplicationPage {
  application: repo.ApplicationDetail;
  /** The messages staff chose for the applicant (never internal notes), oldest first. */
  messages: CaseNote[];
}

/** The applicant's own application; anyone else's is NOT_FOUND. */
export async function readOwnApplication(db: Db, actor: Actor, id: string): Promise<OwnApplicationPage> {
  authorize(actor, 'opportunities.view');
  const application = await repo.findApplication(db, id);
  if (!application || application.applicantId !== actor.id) throw new AppError('NOT_FOUND');
  return { application, messages: await notesOf(db, 'application', id, false) };
}

/** The applicant withdraws (while the application is in the pipeline). Recorded and audited. */
export async function withdraw(db: Db, actor: Actor, id: string, ip?: string, now = new Date()): Promise<boolean> {
  const { application } = await readOwnApplication(db, actor, id);
  if (isFinal(application.stage)) return false;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await repo.moveStage(t, id, application.stage, 'withdrawn', null, now))) return false;
    await recordTransition(t, 'application', id, actor.id, application.stage, 'withdrawn');
    await audit(t, { action: 'application.stage_changed', actor, subjectType: 'application', subjectId: id, ip, details: { from: application.stage, to: 'withdrawn', byApplicant: true } });
    return true;
  });
}

// ---------------------------------------------------------------- the pipeline (staff)

/** Operators see every application; other staff only those assigned to them. */
function scopeOf(actor: Actor): { assigneeId?: string } {
  if (can(actor, 'applications.manage')) return {};
  if (actor.role === 'alumnus') throw new AppError('FORBIDDEN');
  return { assigneeId: actor.id };
}

export interface PipelineQuery {
  stage?: PipelineStage | undefined;
  kind?: repo.ApplicationRow['kind'] | undefined;
  opportunityId?: string | undefined;
  page: number;
}

export interface PipelineView {
  /** Without a stage: the board, live stages with their first cards. */
  board: { stage: PipelineStage; cards: repo.PipelineCard[]; total: number }[] | null;
  /** With a stage: one page of that stage. */
  list: { cards: repo.PipelineCard[]; hasNext: boolean } | null;
  counts: Map<PipelineStage, number>;
  assignedOnly: boolean;
}

export async function pipeline(db: Db, actor: Actor, q: PipelineQuery): Promise<PipelineView> {
  const scope = scopeOf(actor);
  const base = { ...scope, kind: q.kind, opportunityId: q.opportunityId };
  const counts = await repo.countByStage(db, { ...base, stages: [...LIVE_STAGES, ...FINAL_STAGES] });
  if (q.stage) {
    const rows = await repo.listPipeline(db, { ...base, stages: [q.stage] }, { limit: PAGE_SIZE + 1, offset: (q.page - 1) * PAGE_SIZE });
    return { board: null, list: { cards: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE }, counts, assignedOnly: Boolean(scope.assigneeId) };
  }
  const board = await Promise.all(
    LIVE_STAGES.map(async (stage) => ({
      stage,
      cards: await repo.listPipeline(db, { ...base, stages: [stage] }, { limit: BOARD_SIZE, offset: 0 }),
      total: counts.get(stage) ?? 0,
    })),
  );
  return { board, list: null, counts, assignedOnly: Boolean(scope.assigneeId) };
}

/** How many live applications are assigned to a staff member (the link on /opportunities). */
export async function assignedCount(db: Db, actor: Actor): Promise<number> {
  if (actor.role === 'alumnus' || can(actor, 'applications.manage')) return 0;
  return repo.countAssigned(db, actor.id);
}

/** The application when the actor may handle it: operators any, other staff the ones assigned to them. */
async function staffApplication(db: Db, actor: Actor, id: string): Promise<repo.ApplicationDetail> {
  const scope = scopeOf(actor);
  const application = await repo.findApplication(db, id);
  if (!application || (scope.assigneeId && application.assigneeId !== actor.id)) throw new AppError('NOT_FOUND');
  return application;
}

export interface StaffApplicationPage {
  application: repo.ApplicationDetail;
  /** Messages sent to the applicant (what they see). */
  messages: CaseNote[];
  /** Internal notes: operators and the assignee (everyone who reaches this page). */
  internalNotes: CaseNote[];
  history: Transition[];
  /** 再雇用可否 from the roster: operators only (null for others); 'none' when the applicant has no roster entry. */
  rehireEligible: 'yes' | 'no' | 'unknown' | 'none' | null;
  canManage: boolean;
}

/** One application for staff; showing an operator 再雇用可否 is audited each time. */
export async function readForStaff(db: Db, actor: Actor, id: string, ip?: string): Promise<StaffApplicationPage> {
  const application = await staffApplication(db, actor, id);
  const [all, history] = await Promise.all([notesOf(db, 'application', id, true), historyOf(db, 'application', id)]);
  let rehireEligible: StaffApplicationPage['rehireEligible'] = null;
  if (can(actor, 'rehire.viewEligibility')) {
    const entry = await repo.rosterEntryOf(db, application.applicantId);
    rehireEligible = entry?.rehireEligible ?? 'none';
    await audit(db, {
      action: 'application.rehire_eligibility_viewed',
      actor,
      subjectType: 'application',
      subjectId: id,
      ip,
      details: { applicantId: application.applicantId, rosterEntryId: entry?.id ?? null },
    });
  }
  return {
    application,
    messages: all.filter((n) => !n.internal),
    internalNotes: all.filter((n) => n.internal),
    history,
    rehireEligible,
    canManage: can(actor, 'applications.manage'),
  };
}

export type StageResult =
  | { ok: true; changed: boolean; rehired: 'done' | 'already' | 'noRoster' | null }
  | { ok: false; reason: 'final' | 'unchanged' | 'moved' };

/**
 * Moves an application to a stage (operators), with an optional message the applicant sees; the
 * same stage with a new message only sends the message. In one transaction: the stage, the
 * history, the audit entry, the message (kept as a note the applicant sees) and the mail. A hire
 * that brings a person back makes their roster entry rehired from `startsOn`; without an entry the
 * hire is recorded and the result says HR must add them.
 */
export async function changeStage(db: Db, site: Site, actor: Actor, id: string, input: StageInput, ip?: string, now = new Date()): Promise<StageResult> {
  authorize(actor, 'applications.manage');
  const application = await staffApplication(db, actor, id);
  const from = application.stage;
  if (isFinal(from)) return { ok: false, reason: 'final' };
  const changed = input.stage !== from;
  if (!changed && !input.message) return { ok: false, reason: 'unchanged' };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    let rehired: 'done' | 'already' | 'noRoster' | null = null;
    if (changed) {
      if (!(await repo.moveStage(t, id, from, input.stage, input.message, now))) return { ok: false, reason: 'moved' } as const;
      await recordTransition(t, 'application', id, actor.id, from, input.stage);
      if (input.stage === 'hired' && rehires(application)) {
        const entry = await repo.rosterEntryOf(t, application.applicantId);
        if (!entry) rehired = 'noRoster';
        else {
          const result = await markRehired({ db: t, actor, ip }, entry.id, input.startsOn);
          if (!result.ok && result.reason === 'invalidDate') throw new AppError('VALIDATION', 'start date');
          rehired = result.ok ? 'done' : 'already';
        }
      }
      await audit(t, {
        action: 'application.stage_changed',
        actor,
        subjectType: 'application',
        subjectId: id,
        ip,
        details: { from, to: input.stage, message: Boolean(input.message), rehired },
      });
    } else await repo.setMessage(t, id, input.message, now);
    if (input.message) await addNote(t, 'application', id, actor.id, input.message, false);
    const seq = (await historyOf(t, 'application', id)).length;
    const notes = (await notesOf(t, 'application', id, false)).length;
    await mailApplicant(t, site, application, 'applicationUpdated', `application:${id}:update:${seq}:${notes}`, input.stage, input.message);
    return { ok: true, changed, rehired } as const;
  });
}

export type AssignResult = { ok: true } | { ok: false; reason: 'unknown' };

/**
 * Gives the application to a staff member by e-mail (or to nobody): an active operator, community
 * manager or employee whom the applicant has not blocked (nor been blocked by). The new assignee
 * is told by mail. Audited.
 */
export async function assign(db: Db, site: Site, actor: Actor, id: string, email: string | null, ip?: string, now = new Date()): Promise<AssignResult> {
  authorize(actor, 'applications.manage');
  const application = await staffApplication(db, actor, id);
  const staff = email ? await repo.assignableStaff(db, email, application.applicantId) : null;
  if (email && !staff) return { ok: false, reason: 'unknown' };
  if ((staff?.id ?? null) === application.assigneeId) return { ok: true };
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.setAssignee(t, id, staff?.id ?? null, now);
    await audit(t, { action: 'application.assigned', actor, subjectType: 'application', subjectId: id, ip, details: { from: application.assigneeId, to: staff?.id ?? null } });
    if (staff && staff.id !== actor.id) {
      await mailStaff(t, site, staff, 'applicationAssigned', `application:${id}:assigned:${staff.id}:${now.getTime()}`, application);
    }
  });
  return { ok: true };
}

/** An internal note (operators and the assignee; the applicant never sees it). */
export async function addInternalNote(db: Db, actor: Actor, id: string, body: string): Promise<void> {
  await staffApplication(db, actor, id);
  await addNote(db, 'application', id, actor.id, body, true);
}

// ---------------------------------------------------------------- insights (operators)

export interface Insights {
  /** Applications that named each reason (several per application), and how many named any. */
  reasons: { counts: Map<string, number>; answered: number };
  stages: Map<PipelineStage, number>;
  times: repo.StageTime[];
}

/** Aggregates only: never one person's answers. */
export async function insights(db: Db, actor: Actor, kind: repo.KindFilter, now = new Date()): Promise<Insights> {
  authorize(actor, 'applications.manage');
  const [reasons, stages, times] = await Promise.all([repo.reasonCounts(db, kind), repo.stageCounts(db, kind), repo.timeInStages(db, kind, now)]);
  return { reasons, stages, times };
}
