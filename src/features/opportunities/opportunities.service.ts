/**
 * Opportunities: operators post them (full-time, 業務委託, 副業, project, advisory), publish and
 * close them; members see those of their audience. An opportunity outside one's audience, or a
 * draft, does not exist for a member (NOT_FOUND, by list and by URL). Also the "open to returning
 * someday" switch, which is the profile's want 'return', set and withdrawn only by the member.
 */
import type { Db } from '../../db/client.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, can } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { departmentOptions, ownProfile, setWant } from '../profiles/profiles.service.ts';
import { segmentChoices } from '../segments/segments.service.ts';
import { segmentsContaining } from '../segments/segments.repository.ts';
import { findLive } from './applications.repository.ts';
import type { Intent, OpportunityInput } from './opportunity.form.ts';
import * as repo from './opportunities.repository.ts';

export type { OpportunityCard, OpportunityRow } from './opportunities.repository.ts';

export const PAGE_SIZE = 20;

/**
 * Authorises applying (alumni). Applying pages are declared for the alumnus role, which a sign-up
 * still being verified also has: for them these pages do not exist yet.
 */
export function authorizeApplicant(actor: Actor): Actor {
  authorize(actor, 'opportunities.apply');
  if (actor.status !== 'active') throw new AppError('NOT_FOUND');
  return actor;
}

/** The viewer for `visibleCondition`; segments are evaluated only for those opportunities use. */
async function viewerOf(db: Db, actor: Actor, now: Date): Promise<repo.OpportunityViewer> {
  if (can(actor, 'opportunities.manage')) return { all: true };
  const inUse = await repo.segmentIdsInUse(db);
  const segmentIds = inUse.length ? [...(await segmentsContaining(db, actor.id, inUse, now))] : [];
  return { all: false, side: actor.role === 'alumnus' ? 'alumni' : 'staff', segmentIds };
}

/** The opportunity when the actor may see it, or NOT_FOUND. */
export async function visibleOpportunity(db: Db, actor: Actor, id: string, now = new Date()): Promise<repo.OpportunityRow> {
  authorize(actor, 'opportunities.view');
  const row = await repo.findVisible(db, id, await viewerOf(db, actor, now));
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

/** Why applications are not taken, or null when they are. */
export type ClosedReason = 'draft' | 'closed' | 'deadline';

export function closedReason(o: Pick<repo.OpportunityRow, 'state' | 'closesAt'>, now: Date): ClosedReason | null {
  if (o.state === 'draft') return 'draft';
  if (o.state === 'closed') return 'closed';
  if (o.closesAt && o.closesAt <= now) return 'deadline';
  return null;
}

export async function listOpportunities(db: Db, actor: Actor, opts: { page: number; now?: Date }): Promise<{ cards: repo.OpportunityCard[]; hasNext: boolean }> {
  authorize(actor, 'opportunities.view');
  const now = opts.now ?? new Date();
  const rows = await repo.listOpen(db, await viewerOf(db, actor, now), { now, limit: PAGE_SIZE + 1, offset: (opts.page - 1) * PAGE_SIZE });
  return { cards: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE };
}

export interface OpportunityPage {
  opportunity: repo.OpportunityRow;
  department: { nameJa: string; nameEn: string } | null;
  /** The segment it is addressed to, by name: operators only. */
  segmentName: string | null;
  closed: ClosedReason | null;
  /** The actor's application still in the pipeline, if any. */
  myApplicationId: string | null;
  /** The actor may apply (alumni), when applications are taken and they have no live one. */
  canApply: boolean;
  /** Referrals are welcome and the actor may refer (the referral form is features/referrals). */
  canRefer: boolean;
  canManage: boolean;
}

export async function readOpportunity(db: Db, actor: Actor, id: string, now = new Date()): Promise<OpportunityPage> {
  const opportunity = await visibleOpportunity(db, actor, id, now);
  const canManage = can(actor, 'opportunities.manage');
  const closed = closedReason(opportunity, now);
  const [department, segmentName, mine] = await Promise.all([
    opportunity.departmentId ? repo.departmentName(db, opportunity.departmentId) : null,
    canManage && opportunity.segmentId ? repo.segmentName(db, opportunity.segmentId) : null,
    can(actor, 'opportunities.apply') ? findLive(db, actor.id, id) : null,
  ]);
  return {
    opportunity,
    department,
    segmentName,
    closed,
    myApplicationId: mine?.id ?? null,
    canApply: can(actor, 'opportunities.apply') && !closed && !mine,
    canRefer: opportunity.referralsOpen && !closed && can(actor, 'referrals.create'),
    canManage,
  };
}

// ---------------------------------------------------------------- the open door

/** Whether the member has opened the door to returning someday (never set for them). */
export async function openDoor(db: Db, actor: Actor): Promise<boolean> {
  authorizeApplicant(actor);
  return (await ownProfile(db, actor)).wants.includes('return');
}

export async function setOpenDoor(db: Db, actor: Actor, open: boolean): Promise<void> {
  authorizeApplicant(actor);
  await setWant(db, actor, 'return', open);
}

// ---------------------------------------------------------------- editing (operators)

export interface AdminListRow extends repo.AdminOpportunityRow {
  /** The state as members meet it: an open opportunity past its closing day takes no applications (closed). */
  shownState: repo.OpportunityRow['state'];
}

export async function adminList(db: Db, actor: Actor, page: number, now = new Date()): Promise<{ rows: AdminListRow[]; hasNext: boolean }> {
  authorize(actor, 'opportunities.manage');
  const rows = await repo.listForAdmin(db, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  const shown = rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, shownState: closedReason(r, now) === 'deadline' ? ('closed' as const) : r.state }));
  return { rows: shown, hasNext: rows.length > PAGE_SIZE };
}

export async function opportunityForEdit(db: Db, actor: Actor, id: string): Promise<repo.OpportunityRow> {
  authorize(actor, 'opportunities.manage');
  const row = await repo.findOpportunity(db, id);
  if (!row) throw new AppError('NOT_FOUND');
  return row;
}

export interface EditorChoices {
  departments: { id: string; nameJa: string; nameEn: string }[];
  segments: { id: string; name: string }[];
}

export async function editorChoices(db: Db, actor: Actor): Promise<EditorChoices> {
  authorize(actor, 'opportunities.manage');
  const [departments, segments] = await Promise.all([departmentOptions(db), segmentChoices(db, actor)]);
  return { departments, segments };
}

/**
 * Creates or updates an opportunity. `publish` opens it for applications (again, when it was
 * closed); `draft` saves without changing whether it is open (a new one stays a draft).
 * Opening is audited.
 */
export async function saveOpportunity(
  db: Db,
  actor: Actor,
  args: { id?: string | undefined; input: OpportunityInput; intent: Intent; ip?: string | undefined },
  now = new Date(),
): Promise<{ id: string; state: repo.OpportunityRow['state'] }> {
  authorize(actor, 'opportunities.manage');
  const existing = args.id ? await repo.findOpportunity(db, args.id) : null;
  if (args.id && !existing) throw new AppError('NOT_FOUND');
  const state = args.intent === 'publish' ? 'open' : (existing?.state ?? 'draft');
  const opens = state === 'open' && existing?.state !== 'open';
  const { input } = args;
  const values: repo.OpportunityValues = {
    ...input,
    segmentId: input.audience === 'segment' ? input.segmentId : null,
    state,
    publishedAt: opens ? (existing?.publishedAt ?? now) : (existing?.publishedAt ?? null),
    createdBy: existing ? existing.createdBy : actor.id,
    updatedAt: now,
  };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = existing ? existing.id : await repo.insertOpportunity(t, values);
    if (existing) await repo.updateOpportunity(t, id, values);
    if (opens) {
      await audit(t, {
        action: 'opportunity.published',
        actor,
        subjectType: 'opportunity',
        subjectId: id,
        ip: args.ip,
        details: { kind: input.kind, audience: input.audience, segmentId: values.segmentId, reopened: existing?.state === 'closed' },
      });
    }
    return { id, state };
  });
}

/** Stops taking applications (those in the pipeline go on). Audited. */
export async function closeOpportunity(db: Db, actor: Actor, id: string, ip?: string, now = new Date()): Promise<void> {
  authorize(actor, 'opportunities.manage');
  const existing = await repo.findOpportunity(db, id);
  if (!existing) throw new AppError('NOT_FOUND');
  if (existing.state !== 'open') return;
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.updateOpportunity(t, id, { state: 'closed', updatedAt: now });
    await audit(t, { action: 'opportunity.closed', actor, subjectType: 'opportunity', subjectId: id, ip, details: {} });
  });
}
