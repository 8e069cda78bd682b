/**
 * Segments: saved filters over members, shared by posts, newsletters, events and invitations.
 * Operators and community managers build them; members are never listed, only counted.
 */
import type { Db } from '../../db/client.ts';
import type { SegmentFilter } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import * as repo from './segments.repository.ts';
import type { SegmentInput } from './segment.form.ts';

/**
 * Below this many members, a count of a segment built on what members stated for matching only
 * ("what I want from this network") is shown as "fewer than": a count of one or two would say
 * what a particular person wants.
 */
export const SMALL_COUNT = 5;

export interface SegmentCount {
  count: number;
  /** The count is below SMALL_COUNT and is shown as "fewer than SMALL_COUNT". */
  rounded: boolean;
}

export function shownCount(filter: SegmentFilter, count: number): SegmentCount {
  return repo.usesPrivateCriteria(filter) && count > 0 && count < SMALL_COUNT ? { count: 0, rounded: true } : { count, rounded: false };
}

export async function countFor(db: Db, actor: Actor, filter: SegmentFilter, now = new Date()): Promise<SegmentCount> {
  authorize(actor, 'segments.manage');
  return shownCount(filter, await repo.countMatching(db, filter, now));
}

export async function listSegments(db: Db, actor: Actor, now = new Date()) {
  authorize(actor, 'segments.manage');
  const rows = await repo.listSegments(db);
  return Promise.all(rows.map(async (s) => ({ ...s, size: shownCount(s.filter, await repo.countMatching(db, s.filter, now)) })));
}

export async function getSegment(db: Db, actor: Actor, id: string) {
  authorize(actor, 'segments.manage');
  const segment = await repo.findSegment(db, id);
  if (!segment || segment.archivedAt) throw new AppError('NOT_FOUND');
  return segment;
}

/** Segments to choose from in other features' forms (posts, newsletters, events). */
export async function segmentChoices(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  authorize(actor, 'segments.manage');
  return (await repo.listSegments(db)).map((s) => ({ id: s.id, name: s.name }));
}

export async function createSegment(db: Db, actor: Actor, input: SegmentInput, ip?: string): Promise<string> {
  authorize(actor, 'segments.manage');
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const id = await repo.insertSegment(t, { ...input, createdBy: actor.id });
    await audit(t, { action: 'segment.saved', actor, subjectType: 'segment', subjectId: id, ip, details: { name: input.name, filter: input.filter } });
    return id;
  });
}

export async function updateSegment(db: Db, actor: Actor, id: string, input: SegmentInput, ip?: string): Promise<void> {
  await getSegment(db, actor, id);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.updateSegment(t, id, input);
    await audit(t, { action: 'segment.saved', actor, subjectType: 'segment', subjectId: id, ip, details: { name: input.name, filter: input.filter } });
  });
}

/** Archived segments disappear from the choices; posts and newsletters that use one keep it. */
export async function archiveSegment(db: Db, actor: Actor, id: string, ip?: string): Promise<void> {
  await getSegment(db, actor, id);
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.archiveSegment(t, id);
    await audit(t, { action: 'segment.archived', actor, subjectType: 'segment', subjectId: id, ip });
  });
}
