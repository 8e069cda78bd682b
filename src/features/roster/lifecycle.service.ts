/**
 * The membership lifecycle on a roster entry: alumnus → rehired (an employee again, with
 * history kept) → alumnus again on a new leave date; do-not-contact and deceased (no mail);
 * access revoked with a reason. Every change is audited in its own transaction and takes
 * effect on the person's next request (the session reads role and status every time).
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { departments, employmentEvents, rosterEntries, users, type ContactStatus } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';

interface Ctx {
  db: Db;
  actor: Actor | null;
  ip?: string | undefined;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** One person's HR facts for an operator. Viewing them is audited (personal data). */
export async function getRosterEntry(ctx: Ctx, id: string) {
  const who = authorize(ctx.actor, 'roster.view');
  if (!isUuid(id)) throw new AppError('NOT_FOUND');
  const [entry] = await ctx.db
    .select({
      id: rosterEntries.id,
      employeeNumber: rosterEntries.employeeNumber,
      name: rosterEntries.name,
      nameKana: rosterEntries.nameKana,
      nameRomaji: rosterEntries.nameRomaji,
      department: departments.nameJa,
      title: rosterEntries.title,
      joinedOn: rosterEntries.joinedOn,
      leftOn: rosterEntries.leftOn,
      rehiredOn: rosterEntries.rehiredOn,
      leaveReasonCategory: rosterEntries.leaveReasonCategory,
      rehireEligible: rosterEntries.rehireEligible,
      personalEmail: rosterEntries.personalEmail,
      contactConsent: rosterEntries.contactConsent,
      contactStatus: rosterEntries.contactStatus,
      userId: rosterEntries.userId,
    })
    .from(rosterEntries)
    .leftJoin(departments, eq(departments.id, rosterEntries.departmentId))
    .where(eq(rosterEntries.id, id))
    .limit(1);
  if (!entry) throw new AppError('NOT_FOUND');
  const events = await ctx.db.select().from(employmentEvents).where(eq(employmentEvents.rosterEntryId, id)).orderBy(asc(employmentEvents.on), asc(employmentEvents.createdAt));
  const [user] = entry.userId
    ? await ctx.db
        .select({ id: users.id, email: users.email, role: users.role, status: users.status, revokedReason: users.revokedReason })
        .from(users)
        .where(eq(users.id, entry.userId))
        .limit(1)
    : [];
  await audit(ctx.db, { action: 'personal_data.viewed', actor: who, subjectType: 'roster_entry', subjectId: id, ip: ctx.ip });
  return { entry, events, user: user ?? null };
}

async function entryFor(db: Db, id: string) {
  if (!isUuid(id)) throw new AppError('NOT_FOUND');
  const [entry] = await db.select().from(rosterEntries).where(eq(rosterEntries.id, id)).limit(1);
  if (!entry) throw new AppError('NOT_FOUND');
  return entry;
}

export type LifecycleResult = { ok: true } | { ok: false; reason: 'alreadyRehired' | 'notRehired' | 'invalidDate' };

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** Rehired: an employee again (role employee, out of alumni-only audiences); history kept. */
export async function markRehired(ctx: Ctx, id: string, on: string): Promise<LifecycleResult> {
  const who = authorize(ctx.actor, 'roster.changeStatus');
  if (!isDate(on)) return { ok: false, reason: 'invalidDate' };
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const entry = await entryFor(t, id);
    if (entry.rehiredOn) return { ok: false, reason: 'alreadyRehired' } as const;
    await t.update(rosterEntries).set({ rehiredOn: on, updatedAt: new Date() }).where(eq(rosterEntries.id, id));
    await t.insert(employmentEvents).values({ rosterEntryId: id, kind: 'rehired', on, createdBy: who.id });
    if (entry.userId) await t.update(users).set({ role: 'employee', isManager: false, updatedAt: new Date() }).where(eq(users.id, entry.userId));
    // An employee again: out of the alumni directory (and back in when they leave).
    if (entry.userId) await refreshDirectory(t, entry.userId);
    await audit(t, { action: 'member.rehired', actor: who, subjectType: 'roster_entry', subjectId: id, ip: ctx.ip, details: { on, userId: entry.userId } });
    return { ok: true } as const;
  });
}

/** Left again: an alumnus from the new leave date; the earlier dates stay in the history. */
export async function markLeftAgain(ctx: Ctx, id: string, on: string): Promise<LifecycleResult> {
  const who = authorize(ctx.actor, 'roster.changeStatus');
  if (!isDate(on)) return { ok: false, reason: 'invalidDate' };
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const entry = await entryFor(t, id);
    if (!entry.rehiredOn) return { ok: false, reason: 'notRehired' } as const;
    if (on < entry.rehiredOn) return { ok: false, reason: 'invalidDate' } as const;
    await t.update(rosterEntries).set({ rehiredOn: null, leftOn: on, updatedAt: new Date() }).where(eq(rosterEntries.id, id));
    await t.insert(employmentEvents).values({ rosterEntryId: id, kind: 'left', on, createdBy: who.id });
    if (entry.userId) await t.update(users).set({ role: 'alumnus', isManager: false, updatedAt: new Date() }).where(eq(users.id, entry.userId));
    if (entry.userId) await refreshDirectory(t, entry.userId);
    await audit(t, { action: 'member.left', actor: who, subjectType: 'roster_entry', subjectId: id, ip: ctx.ip, details: { on, previousLeftOn: entry.leftOn } });
    return { ok: true } as const;
  });
}

/** Do-not-contact and deceased stop all network mail to the person (see mail suppression). */
export async function setContactStatus(ctx: Ctx, id: string, status: ContactStatus): Promise<void> {
  const who = authorize(ctx.actor, 'roster.changeStatus');
  await ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const entry = await entryFor(t, id);
    if (entry.contactStatus === status) return;
    await t.update(rosterEntries).set({ contactStatus: status, updatedAt: new Date() }).where(eq(rosterEntries.id, id));
    // A deceased person's account is closed to sign-in too, so nobody can use it.
    if (status === 'deceased' && entry.userId) await t.update(users).set({ status: 'suspended', revokedReason: 'deceased' }).where(eq(users.id, entry.userId));
    if (status === 'deceased' && entry.userId) await refreshDirectory(t, entry.userId);
    await audit(t, { action: 'member.contact_status_changed', actor: who, subjectType: 'roster_entry', subjectId: id, ip: ctx.ip, details: { from: entry.contactStatus, to: status } });
  });
}

/** Revokes (or restores) the linked account's access; the reason is kept for operators. */
export async function setAccess(ctx: Ctx, id: string, revoke: boolean, reason: string): Promise<void> {
  const who = authorize(ctx.actor, 'roster.changeStatus');
  await ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const entry = await entryFor(t, id);
    if (!entry.userId) throw new AppError('NOT_FOUND');
    if (entry.userId === who.id) throw new AppError('FORBIDDEN');
    await t
      .update(users)
      .set(revoke ? { status: 'suspended', revokedReason: reason.slice(0, 500) } : { status: 'active', revokedReason: null })
      .where(eq(users.id, entry.userId));
    await refreshDirectory(t, entry.userId);
    await audit(t, {
      action: revoke ? 'member.access_revoked' : 'member.access_restored',
      actor: who,
      subjectType: 'user',
      subjectId: entry.userId,
      ip: ctx.ip,
      details: revoke ? { reason: reason.slice(0, 500) } : {},
    });
  });
}
