/**
 * Who may see an event — the one condition behind every list, page, registration and .ics.
 *
 * Audiences: alumni only; alumni + managers (役職者: employees with `is_manager`); alumni + every
 * employee; a segment (the segment engine, evaluated for the viewer); a group (its active members).
 * Operators and community managers organise every event and see them all, drafts included.
 * Everyone else sees published and cancelled events of their audience only: an event outside
 * one's audience is NOT_FOUND, even by URL.
 */
import { and, eq, inArray, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { eventHosts, events, groupMembers } from '../../db/schema.ts';
import { can } from '../../shared/auth/can.ts';
import type { Actor } from '../../shared/http/context.ts';
import { segmentsContaining } from '../segments/segments.repository.ts';

export type EventRow = typeof events.$inferSelect;

/** What the viewer is, as far as event audiences go. */
export type EventViewer =
  | { all: true; userId: string }
  | { all: false; userId: string; side: 'alumnus' | 'manager' | 'employee'; segmentIds: string[]; groupIds: string[] };

/** Groups the member is an active member of. */
export async function activeGroupIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.userId, userId), eq(groupMembers.state, 'active')));
  return rows.map((r) => r.id);
}

/** Groups the member manages (role manager, active). */
export async function managedGroupIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.userId, userId), eq(groupMembers.state, 'active'), eq(groupMembers.role, 'manager')));
  return rows.map((r) => r.id);
}

/** The viewer for `visibleCondition`. Segments are evaluated only for segments events use. */
export async function eventViewerOf(db: Db, actor: Actor, now = new Date()): Promise<EventViewer> {
  if (can(actor, 'events.manage')) return { all: true, userId: actor.id };
  const side = actor.role === 'alumnus' ? 'alumnus' : actor.isManager ? 'manager' : 'employee';
  const used = await db
    .selectDistinct({ id: events.segmentId })
    .from(events)
    .where(and(eq(events.audience, 'segment'), isNotNull(events.segmentId), inArray(events.state, ['published', 'cancelled'])));
  const ids = used.map((r) => r.id!).filter(Boolean);
  const segmentIds = ids.length ? [...(await segmentsContaining(db, actor.id, ids, now))] : [];
  return { all: false, userId: actor.id, side, segmentIds, groupIds: await activeGroupIds(db, actor.id) };
}

/**
 * The condition on `events` for what the viewer may see. Non-organisers never see drafts,
 * except a group's managers for their own group's events and the event's hosts.
 */
export function visibleCondition(v: EventViewer): SQL {
  if (v.all) return sql`true`;
  const audience: SQL[] = [];
  if (v.side === 'alumnus') audience.push(inArray(events.audience, ['alumni', 'alumni_managers', 'alumni_employees']));
  if (v.side === 'manager') audience.push(inArray(events.audience, ['alumni_managers', 'alumni_employees']));
  if (v.side === 'employee') audience.push(eq(events.audience, 'alumni_employees'));
  if (v.segmentIds.length) audience.push(and(eq(events.audience, 'segment'), inArray(events.segmentId, v.segmentIds))!);
  if (v.groupIds.length) audience.push(and(eq(events.audience, 'group'), inArray(events.groupId, v.groupIds))!);
  const isHost = sql`exists (select 1 from ${eventHosts} eh where eh.event_id = ${events.id} and eh.user_id = ${v.userId})`;
  const managesGroup = sql`exists (select 1 from ${groupMembers} gm where gm.group_id = ${events.groupId} and gm.user_id = ${v.userId} and gm.state = 'active' and gm.role = 'manager')`;
  const published = inArray(events.state, ['published', 'cancelled']);
  return or(and(published, audience.length ? or(...audience)! : sql`false`), isHost, managesGroup)!;
}

/**
 * May the actor change this event, see its attendee list and export it: operators and community
 * managers for every event; a group's managers for their group's events.
 */
export async function canManageEvent(db: Db, actor: Actor, event: Pick<EventRow, 'groupId'>): Promise<boolean> {
  if (can(actor, 'events.manage')) return true;
  if (!can(actor, 'events.view') || !event.groupId) return false;
  return (await managedGroupIds(db, actor.id)).includes(event.groupId);
}

/** May the actor check people in: whoever manages the event, and its hosts. */
export async function canCheckIn(db: Db, actor: Actor, event: Pick<EventRow, 'id' | 'groupId'>): Promise<boolean> {
  if (await canManageEvent(db, actor, event)) return true;
  if (!can(actor, 'events.view')) return false;
  const rows = await db
    .select({ id: eventHosts.userId })
    .from(eventHosts)
    .where(and(eq(eventHosts.eventId, event.id), eq(eventHosts.userId, actor.id)))
    .limit(1);
  return rows.length > 0;
}
