/** Operator views: the audit log, the mail outbox and the job queue. Each asks `can` first. */
import { and, desc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { auditEvents } from '../../db/schema.ts';
import { audit, AUDIT_ACTIONS } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import type { Actor } from '../../shared/http/context.ts';
import { jobCounts, listJobs } from '../../shared/jobs/queue.ts';
import { getMail, listMail } from '../../shared/mail/mail.ts';
import { AppError } from '../../shared/errors.ts';

export interface AuditFilter {
  action?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Keyset cursor: show entries with id below this. */
  before?: number | undefined;
}

export const AUDIT_PAGE_SIZE = 50;

/** Parses a YYYY-MM-DD date as the start of that day in the network's time zone. */
function dayStart(value: string, timeZone: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const utc = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(utc.getTime())) return undefined;
  // Offset of the zone at that instant, e.g. +09:00 for Asia/Tokyo.
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(utc);
  const offset = parts.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '') || '+00:00';
  return new Date(`${value}T00:00:00${offset === '' ? 'Z' : offset}`);
}

export async function listAudit(db: Db, actor: Actor | null, f: AuditFilter, timeZone: string) {
  authorize(actor, 'audit.view');
  const where = [];
  if (f.action && (AUDIT_ACTIONS as readonly string[]).includes(f.action)) where.push(eq(auditEvents.action, f.action));
  if (f.actor) where.push(sql`lower(${auditEvents.actorEmail}) = lower(${f.actor.trim()})`);
  const from = f.from ? dayStart(f.from, timeZone) : undefined;
  const to = f.to ? dayStart(f.to, timeZone) : undefined;
  if (from) where.push(gte(auditEvents.at, from));
  if (to) where.push(lt(auditEvents.at, new Date(to.getTime() + 24 * 3600 * 1000)));
  if (f.before && Number.isSafeInteger(f.before)) where.push(lte(auditEvents.id, f.before - 1));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1);
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return { rows: page, nextBefore: rows.length > AUDIT_PAGE_SIZE ? page[page.length - 1]!.id : undefined };
}

export async function outbox(db: Db, actor: Actor | null, offset: number) {
  authorize(actor, 'mail.outbox.view');
  return listMail(db, { limit: 50, offset: Math.max(0, offset) });
}

/** One message, for an operator: its content is personal data, so each view is audited. */
export async function outboxMessage(db: Db, actor: Actor | null, id: string, ip?: string) {
  const who = authorize(actor, 'mail.outbox.view');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND');
  const message = await getMail(db, id);
  if (!message) throw new AppError('NOT_FOUND');
  await audit(db, { action: 'mail.viewed', actor: who, subjectType: 'mail_message', subjectId: id, ip });
  return message;
}

export async function jobsOverview(db: Db, actor: Actor | null) {
  authorize(actor, 'jobs.view');
  const [counts, recent] = await Promise.all([jobCounts(db), listJobs(db, { limit: 50 })]);
  return { counts, recent };
}
