/**
 * Offboarding ("よい別れ方", seed 004): an operator registers an upcoming leaver; the leaver
 * gets an exit form (personal e-mail, consent to be contacted, interests, an optional
 * confidential reason); N days before the last day the manager is asked for a thank-you
 * message; on the last day the message and the invitation arrive together — only with the
 * leaver's consent. Without a message the operators are told, and the invitation still goes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { consents, departments, invitations, offboardings, rosterEntries, users } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { formatDate, type Locale } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { getNetworkSettings, networkName } from '../../shared/network.ts';

export const OFFBOARDING_QUEUE = 'offboarding.tick';
/** The manager is asked this many days before the last day. */
export const MANAGER_LEAD_DAYS = 7;
/** Aggregates of confidential reasons are shown from this many answers on. */
export const MIN_AGGREGATE = 5;
export const INTERESTS = ['news', 'events', 'side_work', 'collaboration', 'mentoring', 'return_someday'] as const;
export const REASONS = ['career', 'compensation', 'workload', 'relationships', 'family', 'independence', 'study', 'other', 'prefer_not'] as const;
export const CONTACT_NOTICE_VERSION = 'offboarding-2026-11';
const INVITATION_TTL_DAYS = 30;

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

interface Ctx {
  db: Db;
  actor: Actor | null;
  baseUrl: string;
  ip?: string | undefined;
}

/** Today's date (YYYY-MM-DD) in the network's time zone. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export interface RegisterInput {
  employeeNumber: string;
  name: string;
  nameKana: string;
  department: string;
  lastDay: string;
  managerId: string | null;
  contactEmail: string;
  locale: Locale;
}

/** Registers a leaver (creating or updating their roster row) and sends the exit form. */
export async function registerLeaver(ctx: Ctx, input: RegisterInput): Promise<{ status: 'sent' } | { status: 'exists' }> {
  const who = authorize(ctx.actor, 'offboarding.manage');
  const token = randomBytes(32).toString('base64url');
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    let [entry] = await t.select().from(rosterEntries).where(eq(rosterEntries.employeeNumber, input.employeeNumber)).limit(1);
    if (!entry) {
      let departmentId: string | null = null;
      if (input.department) {
        await t
          .insert(departments)
          .values({ code: `D-${hash(input.department).slice(0, 10)}`, nameJa: input.department, nameEn: input.department })
          .onConflictDoNothing();
        const [d] = await t.select({ id: departments.id }).from(departments).where(eq(departments.nameJa, input.department)).limit(1);
        departmentId = d?.id ?? null;
      }
      [entry] = await t
        .insert(rosterEntries)
        .values({ employeeNumber: input.employeeNumber, name: input.name, nameKana: input.nameKana || null, departmentId, leftOn: input.lastDay })
        .returning();
    } else if (!entry.leftOn || entry.leftOn !== input.lastDay) {
      await t.update(rosterEntries).set({ leftOn: input.lastDay, updatedAt: new Date() }).where(eq(rosterEntries.id, entry.id));
    }
    const inserted = await t
      .insert(offboardings)
      .values({
        rosterEntryId: entry!.id,
        lastDay: input.lastDay,
        managerId: input.managerId,
        locale: input.locale,
        contactEmail: input.contactEmail,
        exitTokenHash: hash(token),
        createdBy: who.id,
      })
      .onConflictDoNothing()
      .returning({ id: offboardings.id });
    if (inserted.length === 0) return { status: 'exists' } as const;
    const settings = await getNetworkSettings(t);
    await queueMail(t, {
      key: `offboarding-exit:${inserted[0]!.id}`,
      to: input.contactEmail,
      locale: input.locale,
      template: 'offboardingExitForm',
      vars: {
        network: await networkName(t, input.locale),
        name: entry!.name,
        date: formatDate(new Date(`${input.lastDay}T00:00:00Z`), input.locale, 'UTC'),
        url: `${ctx.baseUrl}/exit?token=${token}`,
      },
    });
    await audit(t, {
      action: 'offboarding.registered',
      actor: who,
      subjectType: 'roster_entry',
      subjectId: entry!.id,
      ip: ctx.ip,
      details: { lastDay: input.lastDay, managerId: input.managerId, timeZone: settings?.timeZone },
    });
    return { status: 'sent' } as const;
  });
}

/** Operators' overview: leavers, newest last day first, without any individual's confidential reason. */
export async function listOffboardings(ctx: Pick<Ctx, 'db' | 'actor'>) {
  authorize(ctx.actor, 'offboarding.manage');
  const rows = await ctx.db
    .select({
      id: offboardings.id,
      name: rosterEntries.name,
      lastDay: offboardings.lastDay,
      exitSubmittedAt: offboardings.exitSubmittedAt,
      managerWrittenAt: offboardings.managerWrittenAt,
      farewellSentAt: offboardings.farewellSentAt,
      consent: rosterEntries.contactConsent,
    })
    .from(offboardings)
    .innerJoin(rosterEntries, eq(rosterEntries.id, offboardings.rosterEntryId))
    .orderBy(desc(offboardings.lastDay))
    .limit(200);
  const counts = await ctx.db
    .select({ reason: offboardings.confidentialReason, n: sql<number>`count(*)::int` })
    .from(offboardings)
    .where(isNotNull(offboardings.confidentialReason))
    .groupBy(offboardings.confidentialReason);
  const answered = counts.reduce((s, c) => s + c.n, 0);
  // Small numbers could identify a person: no breakdown below the threshold.
  const reasons = answered >= MIN_AGGREGATE ? Object.fromEntries(counts.map((c) => [c.reason!, c.n])) : null;
  return { rows, reasons, answered };
}

/** Managers to choose from: employees (and staff) with an account. */
export async function listManagers(ctx: Pick<Ctx, 'db' | 'actor'>) {
  authorize(ctx.actor, 'offboarding.manage');
  return ctx.db
    .select({ id: users.id, name: users.name, isManager: users.isManager })
    .from(users)
    .where(and(sql`${users.role} in ('employee', 'operator', 'community_manager')`, eq(users.status, 'active')))
    .orderBy(desc(users.isManager), asc(users.name))
    .limit(500);
}

async function byExitToken(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const [row] = await db
    .select({ o: offboardings, name: rosterEntries.name, personalEmail: rosterEntries.personalEmail, contactConsent: rosterEntries.contactConsent })
    .from(offboardings)
    .innerJoin(rosterEntries, eq(rosterEntries.id, offboardings.rosterEntryId))
    .where(and(eq(offboardings.exitTokenHash, hash(token)), isNull(offboardings.farewellSentAt)))
    .limit(1);
  return row;
}

/** The exit form as the leaver sees it (usable until the farewell has gone out). */
export async function getExitForm(db: Db, token: string) {
  const row = await byExitToken(db, token);
  if (!row) throw new AppError('GONE');
  return { name: row.name, personalEmail: row.personalEmail ?? '', consent: row.contactConsent, interests: row.o.interests, reason: row.o.confidentialReason ?? '' };
}

export interface ExitInput {
  personalEmail: string;
  consent: boolean;
  interests: string[];
  reason: string;
}

/** Saves the leaver's answers; consent is recorded with its version, and a withdrawal too. */
export async function submitExitForm(db: Db, token: string, input: ExitInput, ip?: string): Promise<void> {
  const row = await byExitToken(db, token);
  if (!row) throw new AppError('GONE');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const entryId = row.o.rosterEntryId;
    await t
      .update(rosterEntries)
      .set({ personalEmail: input.personalEmail || row.personalEmail, contactConsent: input.consent, updatedAt: new Date() })
      .where(eq(rosterEntries.id, entryId));
    await t
      .update(offboardings)
      .set({
        exitSubmittedAt: new Date(),
        interests: input.interests.filter((i) => (INTERESTS as readonly string[]).includes(i)),
        confidentialReason: (REASONS as readonly string[]).includes(input.reason) ? input.reason : null,
      })
      .where(eq(offboardings.id, row.o.id));
    if (input.consent && !row.contactConsent) {
      await t.insert(consents).values({ rosterEntryId: entryId, kind: 'contact', version: CONTACT_NOTICE_VERSION, source: 'offboarding', ip: ip ?? null });
    } else if (!input.consent && row.contactConsent) {
      await t
        .update(consents)
        .set({ withdrawnAt: new Date() })
        .where(and(eq(consents.rosterEntryId, entryId), eq(consents.kind, 'contact'), isNull(consents.withdrawnAt)));
    }
  });
}

/** The thank-you form, for the named manager only. */
export async function getThanksForm(ctx: Pick<Ctx, 'db' | 'actor'>, id: string) {
  const actor = ctx.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND');
  const [row] = await ctx.db
    .select({ o: offboardings, name: rosterEntries.name })
    .from(offboardings)
    .innerJoin(rosterEntries, eq(rosterEntries.id, offboardings.rosterEntryId))
    .where(eq(offboardings.id, id))
    .limit(1);
  // Someone else's leaver is as good as absent.
  if (!row || row.o.managerId !== actor.id) throw new AppError('NOT_FOUND');
  return { name: row.name, lastDay: row.o.lastDay, message: row.o.managerMessage ?? '', locked: row.o.farewellSentAt !== null };
}

export async function saveThanks(ctx: Pick<Ctx, 'db' | 'actor'>, id: string, message: string): Promise<'saved' | 'locked'> {
  const form = await getThanksForm(ctx, id);
  if (form.locked) return 'locked';
  await ctx.db
    .update(offboardings)
    .set({ managerMessage: message.slice(0, 4000), managerWrittenAt: new Date() })
    .where(and(eq(offboardings.id, id), isNull(offboardings.farewellSentAt)));
  return 'saved';
}

/**
 * The scheduled step (hourly): asks managers N days ahead, and sends the farewell on the
 * last day. Idempotent — each step is recorded and each mail has its own ledger key.
 */
export async function runOffboardingTick(db: Db, baseUrl: string, now = new Date()): Promise<{ requested: number; farewells: number }> {
  const settings = await getNetworkSettings(db);
  const today = localDate(now, settings?.timeZone ?? 'Asia/Tokyo');
  let requested = 0;
  let farewells = 0;

  const dueForManager = await db
    .select({ o: offboardings, name: rosterEntries.name, manager: users })
    .from(offboardings)
    .innerJoin(rosterEntries, eq(rosterEntries.id, offboardings.rosterEntryId))
    .innerJoin(users, eq(users.id, offboardings.managerId))
    .where(and(isNull(offboardings.managerRequestedAt), isNull(offboardings.managerWrittenAt), lte(offboardings.lastDay, addDays(today, MANAGER_LEAD_DAYS))));
  for (const row of dueForManager) {
    const locale: Locale = row.manager.locale ?? 'ja';
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      await t.update(offboardings).set({ managerRequestedAt: now }).where(eq(offboardings.id, row.o.id));
      await queueMail(t, {
        key: `offboarding-manager:${row.o.id}`,
        to: row.manager.email,
        userId: row.manager.id,
        locale,
        template: 'offboardingManagerRequest',
        vars: {
          network: await networkName(t, locale),
          name: row.name,
          manager: row.manager.name,
          date: formatDate(new Date(`${row.o.lastDay}T00:00:00Z`), locale, 'UTC'),
          url: `${baseUrl}/offboarding/${row.o.id}/thanks`,
        },
      });
    });
    requested++;
  }

  const dueForFarewell = await db
    .select({ o: offboardings, entry: rosterEntries })
    .from(offboardings)
    .innerJoin(rosterEntries, eq(rosterEntries.id, offboardings.rosterEntryId))
    .where(and(isNull(offboardings.farewellSentAt), lte(offboardings.lastDay, today)));
  for (const { o, entry } of dueForFarewell) {
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      await t.update(offboardings).set({ farewellSentAt: now }).where(eq(offboardings.id, o.id));
      // APPI: without the leaver's consent and a personal address, nothing is sent.
      if (!entry.contactConsent || !entry.personalEmail || entry.contactStatus !== 'ok') return;
      const token = randomBytes(32).toString('base64url');
      const [inv] = await t
        .insert(invitations)
        .values({
          rosterEntryId: entry.id,
          email: entry.personalEmail,
          locale: o.locale,
          legalBasis: 'consent_offboarding',
          tokenHash: hash(token),
          expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000),
          lastSentAt: now,
        })
        .returning({ id: invitations.id });
      const [manager] = o.managerId ? await t.select({ name: users.name }).from(users).where(eq(users.id, o.managerId)).limit(1) : [];
      const network = await networkName(t, o.locale);
      const url = `${baseUrl}/join?token=${token}`;
      await queueMail(t, {
        key: `farewell:${o.id}`,
        to: entry.personalEmail,
        locale: o.locale,
        template: o.managerMessage ? 'farewell' : 'farewellWithoutMessage',
        vars: { network, name: entry.name, manager: manager?.name ?? '', message: o.managerMessage ?? '', url },
      });
      await audit(t, { action: 'offboarding.farewell_sent', subjectType: 'roster_entry', subjectId: entry.id, details: { invitationId: inv!.id, withMessage: Boolean(o.managerMessage) } });
      if (!o.managerMessage) {
        const operators = await t.select().from(users).where(and(eq(users.role, 'operator'), eq(users.status, 'active')));
        for (const op of operators) {
          const locale: Locale = op.locale ?? 'ja';
          await queueMail(t, {
            key: `offboarding-no-message:${o.id}:${op.id}`,
            to: op.email,
            userId: op.id,
            locale,
            template: 'offboardingNoMessage',
            vars: {
              network: await networkName(t, locale),
              name: entry.name,
              date: formatDate(new Date(`${o.lastDay}T00:00:00Z`), locale, 'UTC'),
              url: `${baseUrl}/admin/offboarding`,
            },
          });
        }
        await t.update(offboardings).set({ operatorsNotifiedAt: now }).where(eq(offboardings.id, o.id));
      }
    });
    farewells++;
  }
  return { requested, farewells };
}
