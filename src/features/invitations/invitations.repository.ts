/**
 * Invitation queries: the segment of the roster a wave targets (with a skip reason for
 * everyone who must not be invited), batched inserts, wave and invitation listings, the
 * token lookup for joining and the reminder selection.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  auditEvents,
  consents,
  departments,
  invitations,
  invitationWaves,
  memberProfiles,
  notificationPreferences,
  rosterEntries,
  users,
  type LegalBasis,
} from '../../db/schema.ts';
import { pgArray } from '../roster/roster.repository.ts';

export const REHIRE_VALUES = ['yes', 'no', 'unknown'] as const;
export type RehireValue = (typeof REHIRE_VALUES)[number];

/** The roster filter of a wave, as stored in `invitation_waves.segment`. */
export interface Segment {
  /** Department at leaving (the entry's department); empty: every department. */
  departmentIds: string[];
  leftFromYear: number | null;
  leftToYear: number | null;
  /** Empty: every value. */
  rehire: RehireValue[];
  /** Leave out everyone who was ever invited (open, expired, revoked or accepted). */
  onlyNotInvited: boolean;
  /** Leave out people without a personal e-mail (instead of counting them as skipped). */
  onlyWithEmail: boolean;
}

/**
 * Why a person in the segment is not invited, in order of precedence (a person gets the
 * first that applies).
 */
export const SKIP_REASONS = ['deceased', 'doNotContact', 'member', 'rehired', 'invited', 'noEmail', 'noConsent', 'emailInUse', 'duplicateEmail'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Bases under which only people whose roster entry records consent may be contacted. */
export const CONSENT_BASES: readonly LegalBasis[] = ['consent_offboarding', 'consent_import'];

const iso = (d: Date) => d.toISOString();

/**
 * Every person in the segment with their skip reason (NULL: invite). One statement; the
 * lookups that would otherwise run once per person (open invitations, do-not-contact
 * addresses, accounts by address) are joined as sets, so 100,000 roster rows stay cheap.
 */
function classified(segment: Segment, basis: LegalBasis, now: Date): SQL {
  const where: SQL[] = [sql`true`];
  if (segment.departmentIds.length > 0) where.push(sql`e.department_id = ANY(${pgArray(segment.departmentIds)}::uuid[])`);
  if (segment.leftFromYear !== null) where.push(sql`e.left_on >= ${`${segment.leftFromYear}-01-01`}::date`);
  if (segment.leftToYear !== null) where.push(sql`e.left_on <= ${`${segment.leftToYear}-12-31`}::date`);
  if (segment.rehire.length > 0) where.push(sql`e.rehire_eligible = ANY(${pgArray(segment.rehire)}::text[])`);
  if (segment.onlyNotInvited) where.push(sql`NOT EXISTS (SELECT 1 FROM invitations i WHERE i.roster_entry_id = e.id)`);
  if (segment.onlyWithEmail) where.push(sql`coalesce(btrim(e.personal_email), '') <> ''`);
  const needsConsent = CONSENT_BASES.includes(basis);
  const live = sql`i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ${iso(now)}::timestamptz`;
  return sql`
    WITH live_entries AS (SELECT DISTINCT i.roster_entry_id AS id FROM invitations i WHERE ${live}),
    live_emails AS (SELECT DISTINCT lower(i.email) AS em FROM invitations i WHERE ${live}),
    blocked_emails AS (
      SELECT DISTINCT lower(personal_email) AS em FROM roster_entries WHERE contact_status <> 'ok' AND personal_email IS NOT NULL
    ),
    seg AS (
      SELECT e.id, e.name, btrim(e.personal_email) AS email, e.employee_number, e.left_on,
        CASE
          WHEN e.contact_status = 'deceased' THEN 'deceased'
          WHEN e.contact_status = 'do_not_contact' THEN 'doNotContact'
          WHEN e.user_id IS NOT NULL THEN 'member'
          WHEN e.rehired_on IS NOT NULL THEN 'rehired'
          WHEN le.id IS NOT NULL OR lm.em IS NOT NULL THEN 'invited'
          WHEN coalesce(btrim(e.personal_email), '') = '' THEN 'noEmail'
          WHEN ${sql.raw(needsConsent ? 'true' : 'false')} AND NOT e.contact_consent THEN 'noConsent'
          -- The same address belongs to someone who must not be mailed (mail suppression agrees).
          WHEN be.em IS NOT NULL THEN 'doNotContact'
          WHEN EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(btrim(e.personal_email))) THEN 'emailInUse'
        END AS reason
      FROM roster_entries e
      LEFT JOIN live_entries le ON le.id = e.id
      LEFT JOIN live_emails lm ON lm.em = lower(btrim(e.personal_email))
      LEFT JOIN blocked_emails be ON be.em = lower(btrim(e.personal_email))
      WHERE ${sql.join(where, sql` AND `)}
    ),
    ranked AS (
      SELECT seg.*,
        CASE WHEN reason IS NULL AND row_number() OVER (PARTITION BY reason IS NULL, lower(email) ORDER BY left_on DESC NULLS LAST, employee_number) > 1
          THEN 'duplicateEmail' ELSE reason END AS final_reason
      FROM seg
    )`;
}

export async function countSegment(db: Db, segment: Segment, basis: LegalBasis, now: Date): Promise<{ reason: SkipReason | null; n: number }[]> {
  const res = (await db.execute(sql`${classified(segment, basis, now)} SELECT final_reason AS reason, count(*)::int AS n FROM ranked GROUP BY 1`)) as unknown as {
    rows: { reason: SkipReason | null; n: number }[];
  };
  return res.rows.map((r) => ({ reason: r.reason, n: Number(r.n) }));
}

export interface Invitee {
  id: string;
  name: string;
  email: string;
}

export async function eligiblePeople(db: Db, segment: Segment, basis: LegalBasis, now: Date): Promise<Invitee[]> {
  const res = (await db.execute(
    sql`${classified(segment, basis, now)} SELECT id, name, email FROM ranked WHERE final_reason IS NULL ORDER BY employee_number`,
  )) as unknown as { rows: Invitee[] };
  return res.rows;
}

/** Serialises wave sending (two operators at once must not invite the same person twice). */
export async function lockWaves(db: Db): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('kizuna.invitation_waves'))`);
}

export async function listDepartments(db: Db) {
  return db.select({ id: departments.id, nameJa: departments.nameJa, nameEn: departments.nameEn }).from(departments).orderBy(asc(departments.nameJa));
}

export async function departmentNames(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: departments.id, nameJa: departments.nameJa, nameEn: departments.nameEn }).from(departments).where(inArray(departments.id, ids));
}

export async function insertWave(db: Db, wave: typeof invitationWaves.$inferInsert): Promise<string> {
  const [row] = await db.insert(invitationWaves).values(wave).returning({ id: invitationWaves.id });
  return row!.id;
}

export async function setWaveCounts(db: Db, id: string, invitedCount: number, skippedCount: number): Promise<void> {
  await db.update(invitationWaves).set({ invitedCount, skippedCount }).where(eq(invitationWaves.id, id));
}

export interface NewInvitation {
  rosterEntryId: string;
  email: string;
  tokenHash: string;
}

/** Inserts one batch of invitations in one statement (mail not sent yet: last_sent_at NULL); returns id per roster entry. */
export async function insertInvitations(
  db: Db,
  common: { waveId: string; locale: 'ja' | 'en'; legalBasis: LegalBasis; expiresAt: Date; now: Date },
  rows: NewInvitation[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (rows.length === 0) return out;
  const res = (await db.execute(sql`
    INSERT INTO invitations (wave_id, roster_entry_id, email, locale, legal_basis, token_hash, expires_at, created_at)
    SELECT ${common.waveId}::uuid, r.entry, r.email, ${common.locale}, ${common.legalBasis}, r.hash,
      ${iso(common.expiresAt)}::timestamptz, ${iso(common.now)}::timestamptz
    FROM unnest(${pgArray(rows.map((r) => r.rosterEntryId))}::uuid[], ${pgArray(rows.map((r) => r.email))}::text[],
                ${pgArray(rows.map((r) => r.tokenHash))}::text[]) AS r(entry, email, hash)
    RETURNING id, roster_entry_id`)) as unknown as { rows: { id: string; roster_entry_id: string }[] };
  for (const r of res.rows) out.set(r.roster_entry_id, r.id);
  return out;
}

export async function deleteInvitation(db: Db, id: string): Promise<void> {
  await db.delete(invitations).where(eq(invitations.id, id));
}

/** Invitations of a wave whose e-mail has not been queued yet (and that are still open). */
export async function undeliveredInvitations(db: Db, waveId: string, limit: number) {
  return db
    .select({ id: invitations.id, email: invitations.email, locale: invitations.locale, name: rosterEntries.name })
    .from(invitations)
    .innerJoin(rosterEntries, eq(rosterEntries.id, invitations.rosterEntryId))
    .where(and(eq(invitations.waveId, waveId), isNull(invitations.lastSentAt), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(asc(invitations.id))
    .limit(limit);
}

/**
 * Gives undelivered invitations their real token and expiry, in one statement; returns the
 * ids that were updated (not those delivered or closed meanwhile).
 */
export async function markDelivered(db: Db, rows: { id: string; tokenHash: string }[], expiresAt: Date, now: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const res = (await db.execute(sql`
    UPDATE invitations AS i SET token_hash = r.hash, expires_at = ${iso(expiresAt)}::timestamptz, last_sent_at = ${iso(now)}::timestamptz
    FROM unnest(${pgArray(rows.map((r) => r.id))}::uuid[], ${pgArray(rows.map((r) => r.tokenHash))}::text[]) AS r(id, hash)
    WHERE i.id = r.id AND i.last_sent_at IS NULL AND i.accepted_at IS NULL AND i.revoked_at IS NULL
    RETURNING i.id`)) as unknown as { rows: { id: string }[] };
  return new Set(res.rows.map((r) => r.id));
}

export async function moveToSkipped(db: Db, waveId: string, n: number): Promise<void> {
  await db
    .update(invitationWaves)
    .set({ invitedCount: sql`${invitationWaves.invitedCount} - ${n}`, skippedCount: sql`${invitationWaves.skippedCount} + ${n}` })
    .where(eq(invitationWaves.id, waveId));
}

export async function undeliveredCount(db: Db, waveId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
    .from(invitations)
    .where(and(eq(invitations.waveId, waveId), isNull(invitations.lastSentAt), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  return row?.n ?? 0;
}

export async function markWaveSent(db: Db, waveId: string, now: Date): Promise<void> {
  await db.update(invitationWaves).set({ sentAt: now }).where(and(eq(invitationWaves.id, waveId), isNull(invitationWaves.sentAt)));
}

/** Open, accepted, expired and revoked counts per wave, newest wave first. */
export async function listWaves(db: Db, now: Date, limit = 200) {
  const i = invitations;
  const open = sql`${i.acceptedAt} IS NULL AND ${i.revokedAt} IS NULL`;
  return db
    .select({
      id: invitationWaves.id,
      name: invitationWaves.name,
      legalBasis: invitationWaves.legalBasis,
      invitedCount: invitationWaves.invitedCount,
      skippedCount: invitationWaves.skippedCount,
      sentAt: invitationWaves.sentAt,
      createdAt: invitationWaves.createdAt,
      sending: sql<number>`count(${i.id}) FILTER (WHERE ${open} AND ${i.lastSentAt} IS NULL)::int`.mapWith(Number),
      open: sql<number>`count(${i.id}) FILTER (WHERE ${open} AND ${i.expiresAt} > ${iso(now)}::timestamptz)::int`.mapWith(Number),
      accepted: sql<number>`count(${i.id}) FILTER (WHERE ${i.acceptedAt} IS NOT NULL)::int`.mapWith(Number),
      expired: sql<number>`count(${i.id}) FILTER (WHERE ${open} AND ${i.expiresAt} <= ${iso(now)}::timestamptz)::int`.mapWith(Number),
      revoked: sql<number>`count(${i.id}) FILTER (WHERE ${i.acceptedAt} IS NULL AND ${i.revokedAt} IS NOT NULL)::int`.mapWith(Number),
    })
    .from(invitationWaves)
    .leftJoin(i, eq(i.waveId, invitationWaves.id))
    .groupBy(invitationWaves.id)
    .orderBy(desc(invitationWaves.createdAt), desc(invitationWaves.id))
    .limit(limit);
}

export async function getWave(db: Db, id: string) {
  const [row] = await db
    .select({ wave: invitationWaves, createdByName: users.name })
    .from(invitationWaves)
    .leftJoin(users, eq(users.id, invitationWaves.createdBy))
    .where(eq(invitationWaves.id, id))
    .limit(1);
  return row;
}

/** The skip counts recorded when the wave was sent (in its audit event). */
export async function waveSkipReasons(db: Db, waveId: string): Promise<Record<string, number>> {
  const [row] = await db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'invitation.wave_sent'), eq(auditEvents.subjectId, waveId)))
    .limit(1);
  const reasons = row?.details.skipped;
  return reasons && typeof reasons === 'object' ? (reasons as Record<string, number>) : {};
}

/** One page of a wave's invitations, by name reading. No addresses: the page does not need them. */
export async function listWaveInvitations(db: Db, waveId: string, opts: { limit: number; offset: number }) {
  return db
    .select({
      id: invitations.id,
      name: rosterEntries.name,
      nameKana: rosterEntries.nameKana,
      employeeNumber: rosterEntries.employeeNumber,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      remindersSent: invitations.remindersSent,
      lastSentAt: invitations.lastSentAt,
    })
    .from(invitations)
    .innerJoin(rosterEntries, eq(rosterEntries.id, invitations.rosterEntryId))
    .where(eq(invitations.waveId, waveId))
    .orderBy(sql`coalesce(${rosterEntries.nameKana}, ${rosterEntries.name})`, asc(rosterEntries.employeeNumber))
    .limit(opts.limit)
    .offset(opts.offset);
}

/** Revokes an invitation that is still open (not accepted, not revoked); returns its wave. */
export async function revokeOpenInvitation(db: Db, id: string, now: Date): Promise<{ id: string; waveId: string | null } | undefined> {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id, waveId: invitations.waveId });
  return row;
}

export async function invitationWave(db: Db, id: string): Promise<{ waveId: string | null } | undefined> {
  const [row] = await db.select({ waveId: invitations.waveId }).from(invitations).where(eq(invitations.id, id)).limit(1);
  return row;
}

/** The invitation for a token digest with the person's roster entry (locked when `forUpdate`). */
export async function invitationByTokenHash(db: Db, tokenHash: string, opts: { forUpdate?: boolean } = {}) {
  const query = db
    .select({ invitation: invitations, entry: rosterEntries })
    .from(invitations)
    .innerJoin(rosterEntries, eq(rosterEntries.id, invitations.rosterEntryId))
    .where(eq(invitations.tokenHash, tokenHash))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row;
}

export async function markAccepted(db: Db, id: string, userId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: now, userId })
    .where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .returning({ id: invitations.id });
  return rows.length === 1;
}

export async function linkRosterEntry(db: Db, rosterEntryId: string, userId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(rosterEntries)
    .set({ userId, updatedAt: now })
    .where(and(eq(rosterEntries.id, rosterEntryId), isNull(rosterEntries.userId)))
    .returning({ id: rosterEntries.id });
  return rows.length === 1;
}

export async function insertConsents(db: Db, rows: (typeof consents.$inferInsert)[]): Promise<void> {
  await db.insert(consents).values(rows);
}

export async function insertPreferences(db: Db, row: typeof notificationPreferences.$inferInsert): Promise<void> {
  await db.insert(notificationPreferences).values(row);
}

export async function insertProfile(db: Db, row: typeof memberProfiles.$inferInsert): Promise<void> {
  await db.insert(memberProfiles).values(row);
}

/** The person declined: the invitation ends and the roster records "do not contact". */
export async function declineInvitation(db: Db, invitationId: string, rosterEntryId: string, now: Date): Promise<void> {
  await db.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, invitationId));
  await db
    .update(rosterEntries)
    .set({ contactStatus: 'do_not_contact', updatedAt: now })
    .where(and(eq(rosterEntries.id, rosterEntryId), eq(rosterEntries.contactStatus, 'ok')));
}

/**
 * Invitations due a reminder: open, unexpired, fewer than two reminders, the person not a
 * member, still contactable (contact status ok; under a consent basis consent still on
 * record), delivered, and old enough: reminder n is due `dueDays[n]` days after the invitation, and
 * never sooner than `minGapDays` after the previous message.
 */
export async function dueReminders(db: Db, now: Date, opts: { dueDays: readonly number[]; minGapDays: number; limit: number }) {
  const i = invitations;
  const e = rosterEntries;
  const day = 24 * 3600 * 1000;
  const dueFor = (n: number) =>
    and(
      eq(i.remindersSent, n),
      lte(i.createdAt, new Date(now.getTime() - opts.dueDays[n]! * day)),
      // Never before the invitation itself went out (last_sent_at NULL: its mail is not queued yet).
      lte(i.lastSentAt, new Date(now.getTime() - opts.minGapDays * day)),
    );
  return db
    .select({
      id: i.id,
      email: i.email,
      locale: i.locale,
      expiresAt: i.expiresAt,
      remindersSent: i.remindersSent,
      name: e.name,
    })
    .from(i)
    .innerJoin(e, eq(e.id, i.rosterEntryId))
    .where(
      and(
        isNull(i.acceptedAt),
        isNull(i.revokedAt),
        gt(i.expiresAt, now),
        isNull(e.userId),
        eq(e.contactStatus, 'ok'),
        or(eq(i.legalBasis, 'operator_recorded'), eq(e.contactConsent, true)),
        or(...opts.dueDays.map((_, n) => dueFor(n))),
      ),
    )
    .orderBy(asc(i.createdAt), asc(i.id))
    .limit(opts.limit);
}

/** Records reminder n with a new token (the only copy of a token is in the mail it went out in). */
export async function recordReminder(db: Db, id: string, n: number, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ remindersSent: n, lastSentAt: now, tokenHash })
    .where(and(eq(invitations.id, id), eq(invitations.remindersSent, n - 1), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  return rows.length === 1;
}
