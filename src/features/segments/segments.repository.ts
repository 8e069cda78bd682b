/**
 * The one segment engine: a saved filter over members becomes one SQL condition on `users`,
 * used alike by posts (who may read), newsletters (who receives), events and invitations.
 *
 * Privacy: profile criteria match only what the member lets company staff see (skills,
 * industry, location: visibility 'network' or 'staff'), except "what I want from this
 * network", which members state precisely so that the network sends them what fits; it is
 * used for matching only, and counts of segments that use it are rounded (see the service).
 * Roster criteria (department at the company, leave year) are the company's own records.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { textArray as list } from '../../db/sql.ts';
import { segments, users, type SegmentFilter } from '../../db/schema.ts';
import { DEFAULT_VISIBILITY, type ProfileField } from '../profiles/profile.fields.ts';

export type Segment = typeof segments.$inferSelect;


/** True when a profile field of `p` (member_profiles) is visible to company staff. */
const staffSees = (field: ProfileField) => sql`coalesce(p.visibility->>${field}, ${DEFAULT_VISIBILITY[field]}) in ('network', 'staff')`;

/** A condition on `users` that holds for the active members a filter selects. */
export function segmentCondition(f: SegmentFilter, now = new Date()): SQL {
  const where: SQL[] = [sql`${users.status} = 'active'`];
  if (f.roles?.length) {
    const parts = f.roles.map((r) =>
      r === 'manager' ? sql`(${users.role} = 'employee' and ${users.isManager})` : sql`${users.role} = ${r}`,
    );
    where.push(sql`(${sql.join(parts, sql` or `)})`);
  }
  if (f.languages?.length) where.push(sql`coalesce(${users.locale}, 'ja') = any(${list(f.languages)})`);
  if (f.joinedFrom) where.push(sql`${users.createdAt} >= ${f.joinedFrom}::date`);
  if (f.joinedTo) where.push(sql`${users.createdAt} < ${f.joinedTo}::date + 1`);
  if (f.activeWithinDays) where.push(sql`${users.lastSeenAt} >= ${new Date(now.getTime() - f.activeWithinDays * 86_400_000)}`);
  if (f.inactiveForDays) {
    where.push(sql`(${users.lastSeenAt} is null or ${users.lastSeenAt} < ${new Date(now.getTime() - f.inactiveForDays * 86_400_000)})`);
  }
  if (f.consents?.length) {
    const topics = f.consents.map((t) => sql.raw(`np.${/^[a-z]+$/.test(t) ? t : 'newsletter'}`));
    where.push(sql`exists (select 1 from notification_preferences np where np.user_id = ${users.id} and ${sql.join(topics, sql` and `)})`);
  }
  const profile: SQL[] = [];
  if (f.wants?.length) profile.push(sql`p.wants && ${list(f.wants)}`);
  if (f.skills?.length) profile.push(sql`${staffSees('skills')} and p.skills && ${list(f.skills)}`);
  if (f.industries?.length) profile.push(sql`${staffSees('industry')} and p.industry = any(${list(f.industries)})`);
  if (f.countries?.length) profile.push(sql`${staffSees('location')} and p.country = any(${list(f.countries)})`);
  if (f.prefectures?.length) profile.push(sql`${staffSees('location')} and p.prefecture = any(${list(f.prefectures)})`);
  if (profile.length) where.push(sql`exists (select 1 from member_profiles p where p.user_id = ${users.id} and ${sql.join(profile, sql` and `)})`);
  const roster: SQL[] = [];
  if (f.leftFrom !== undefined) roster.push(sql`extract(year from r.left_on) >= ${f.leftFrom}`);
  if (f.leftTo !== undefined) roster.push(sql`extract(year from r.left_on) <= ${f.leftTo}`);
  if (f.departmentIds?.length) {
    roster.push(sql`(r.department_id::text = any(${list(f.departmentIds)})
      or exists (select 1 from roster_departments rd where rd.roster_entry_id = r.id and rd.department_id::text = any(${list(f.departmentIds)})))`);
  }
  if (roster.length) where.push(sql`exists (select 1 from roster_entries r where r.user_id = ${users.id} and ${sql.join(roster, sql` and `)})`);
  if (f.groupIds?.length) {
    where.push(sql`exists (select 1 from group_members gm where gm.user_id = ${users.id} and gm.state = 'active' and gm.group_id::text = any(${list(f.groupIds)}))`);
  }
  return and(...where)!;
}

/** True when the filter uses a criterion members state for matching only (counts are then rounded). */
export function usesPrivateCriteria(f: SegmentFilter): boolean {
  return Boolean(f.wants?.length);
}

export async function countMatching(db: Db, f: SegmentFilter, now = new Date()): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(segmentCondition(f, now));
  return Number(row?.n ?? 0);
}

export async function matches(db: Db, f: SegmentFilter, userId: string, now = new Date()): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), segmentCondition(f, now))).limit(1);
  return rows.length > 0;
}

export async function findSegment(db: Db, id: string): Promise<Segment | null> {
  const [row] = await db.select().from(segments).where(eq(segments.id, id));
  return row ?? null;
}

export async function listSegments(db: Db, includeArchived = false): Promise<Segment[]> {
  return db
    .select()
    .from(segments)
    .where(includeArchived ? sql`true` : sql`${segments.archivedAt} is null`)
    .orderBy(segments.name);
}

export async function insertSegment(db: Db, values: { name: string; description: string | null; filter: SegmentFilter; createdBy: string }): Promise<string> {
  const [row] = await db.insert(segments).values(values).returning({ id: segments.id });
  return row!.id;
}

export async function updateSegment(db: Db, id: string, values: { name: string; description: string | null; filter: SegmentFilter }): Promise<void> {
  await db.update(segments).set({ ...values, updatedAt: new Date() }).where(eq(segments.id, id));
}

export async function archiveSegment(db: Db, id: string, at = new Date()): Promise<void> {
  await db.update(segments).set({ archivedAt: at, updatedAt: at }).where(eq(segments.id, id));
}

/** Of the given segments, the ones a member is in now (one query per distinct segment; few segments exist). */
export async function segmentsContaining(db: Db, userId: string, ids: string[], now = new Date()): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Set();
  const rows = await db.select().from(segments).where(inArray(segments.id, unique));
  const inside = new Set<string>();
  for (const s of rows) if (await matches(db, s.filter, userId, now)) inside.add(s.id);
  return inside;
}
