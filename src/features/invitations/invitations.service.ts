/**
 * Invitations: operators invite a segment of the HR roster in waves, on a recorded legal
 * basis (APPI); each person gets one e-mail with a single-use link and at most two
 * reminders; following the link, the person joins: account, consents, preferences and
 * first profile fields in one transaction.
 *
 * Tokens are 32 random bytes (base64url); only their SHA-256 is stored. A reminder
 * therefore carries a new token (the old link stops working, which the reminder says).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { LEGAL_BASES, type LegalBasis } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize, CLI_ACTOR } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { formatDate, type Locale } from '../../shared/i18n/index.ts';
import { enqueue, type JobHandler } from '../../shared/jobs/queue.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { MailValidationError } from '../../shared/mail/mailer.ts';
import { getNetworkSettings, networkName } from '../../shared/network.ts';
import { findUserByEmail, insertAccount } from '../account/accounts.repository.ts';
import * as repo from './invitations.repository.ts';
import { NOTICE_VERSION, rulesVersion } from './notice.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';

export { LEGAL_BASES, type LegalBasis };
export { REHIRE_VALUES, SKIP_REASONS, type RehireValue, type Segment, type SkipReason } from './invitations.repository.ts';

export const INVITATION_TTL_DAYS = 30;
/** Reminder n (0-based) is due this many days after the invitation. */
export const REMINDER_DUE_DAYS = [7, 21] as const;
/** Never two messages to one person within this many days (a worker that was down catches up gently). */
const REMINDER_MIN_GAP_DAYS = 7;
export const INVITATION_REMIND_QUEUE = 'invitations.remind';
export const INVITATION_SEND_QUEUE = 'invitations.send';
/** Invitations given their token and mail per transaction by the send job. */
const SEND_BATCH = 250;
/** Invitations inserted per statement. */
const INSERT_BATCH = 1000;
export const WAVE_PAGE_SIZE = 100;

const DAY_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const newToken = () => randomBytes(32).toString('base64url');
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const joinUrl = (baseUrl: string, token: string, locale: Locale) => `${baseUrl}/join?token=${token}&lang=${locale}`;

interface Ctx {
  db: Db;
  actor: Actor | null;
  ip?: string | undefined;
  /** The clock (tests pass a fixed one). */
  now?: Date | undefined;
}

export function isLegalBasis(value: unknown): value is LegalBasis {
  return typeof value === 'string' && (LEGAL_BASES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------- segment

export interface SegmentInput {
  departments: string[];
  leftFrom: string;
  leftTo: string;
  rehire: string[];
  onlyNotInvited: boolean;
  onlyWithEmail: boolean;
}

export type SegmentErrors = Partial<Record<'leftFrom' | 'leftTo', 'invalidYear'>>;

/** Reads the filter form; unknown values are dropped, years must be four digits. */
export function readSegment(input: SegmentInput): { segment: repo.Segment; errors: SegmentErrors } {
  const errors: SegmentErrors = {};
  const year = (raw: string, field: 'leftFrom' | 'leftTo'): number | null => {
    const s = raw.trim().normalize('NFKC');
    if (!s) return null;
    const n = /^\d{4}$/.test(s) ? Number(s) : NaN;
    if (!(n >= 1900 && n <= 2200)) {
      errors[field] = 'invalidYear';
      return null;
    }
    return n;
  };
  let leftFromYear = year(input.leftFrom, 'leftFrom');
  let leftToYear = year(input.leftTo, 'leftTo');
  if (leftFromYear !== null && leftToYear !== null && leftFromYear > leftToYear) [leftFromYear, leftToYear] = [leftToYear, leftFromYear];
  return {
    segment: {
      departmentIds: [...new Set(input.departments.filter((d) => UUID.test(d)).map((d) => d.toLowerCase()))].slice(0, 1000),
      leftFromYear,
      leftToYear,
      rehire: repo.REHIRE_VALUES.filter((v) => input.rehire.includes(v)),
      onlyNotInvited: input.onlyNotInvited,
      onlyWithEmail: input.onlyWithEmail,
    },
    errors,
  };
}

export interface WaveCounts {
  /** People in the segment. */
  matched: number;
  /** People who get (or got) an invitation. */
  invited: number;
  skipped: number;
  reasons: Partial<Record<repo.SkipReason, number>>;
}

function summarise(rows: { reason: repo.SkipReason | null; n: number }[]): WaveCounts {
  const reasons: Partial<Record<repo.SkipReason, number>> = {};
  let matched = 0;
  let invited = 0;
  for (const r of rows) {
    matched += r.n;
    if (r.reason === null) invited += r.n;
    else reasons[r.reason] = (reasons[r.reason] ?? 0) + r.n;
  }
  return { matched, invited, skipped: matched - invited, reasons };
}

/** What a wave with this filter and basis would do now; nothing is written. */
export async function previewWave(ctx: Ctx, segment: repo.Segment, basis: LegalBasis): Promise<WaveCounts> {
  authorize(ctx.actor, 'invitations.view');
  return summarise(await repo.countSegment(ctx.db, segment, basis, ctx.now ?? new Date()));
}

export async function departmentsForFilter(ctx: Ctx) {
  authorize(ctx.actor, 'invitations.view');
  return repo.listDepartments(ctx.db);
}

// ---------------------------------------------------------------- sending a wave

export interface WaveInput {
  name: string;
  segment: repo.Segment;
  basis: LegalBasis;
  note: string;
  locale: Locale;
}

/**
 * Sends a wave. In one transaction: the segment is evaluated again (under a lock that
 * serialises waves, so nobody is invited twice), then the wave, one invitation per person
 * and the `invitations.send` job are written, with the audit event. The job (deliverWave)
 * then gives each invitation its token and queues its one e-mail, a batch per transaction:
 * until then an invitation carries the digest of a token nobody knows, so it cannot be
 * used, and it is never reminded. A wave of thousands thus never holds up the request.
 *
 * @returns the wave id (null when nobody could be invited: nothing is written) and counts.
 * @throws AppError VALIDATION ({ field }) for a missing name, basis or note.
 */
export async function sendWave(ctx: Ctx, input: WaveInput): Promise<WaveCounts & { waveId: string | null }> {
  const who = authorize(ctx.actor, 'invitations.send');
  const name = input.name.trim().slice(0, 200);
  const note = input.note.trim().slice(0, 2000);
  if (!name) throw new AppError('VALIDATION', 'wave name missing', { field: 'name' });
  if (!isLegalBasis(input.basis)) throw new AppError('VALIDATION', 'legal basis missing', { field: 'basis' });
  if (input.basis === 'operator_recorded' && !note) throw new AppError('VALIDATION', 'legal basis note missing', { field: 'note' });
  const now = ctx.now ?? new Date();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);

  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await repo.lockWaves(t);
    const counts = summarise(await repo.countSegment(t, input.segment, input.basis, now));
    const people = await repo.eligiblePeople(t, input.segment, input.basis, now);
    if (people.length === 0) return { ...counts, invited: 0, skipped: counts.matched, waveId: null };
    const waveId = await repo.insertWave(t, {
      name,
      createdBy: who.id === CLI_ACTOR.id ? null : who.id,
      segment: { ...input.segment },
      legalBasis: input.basis,
      legalBasisNote: note || null,
      invitedCount: counts.invited,
      skippedCount: counts.skipped,
      createdAt: now,
    });
    for (let start = 0; start < people.length; start += INSERT_BATCH) {
      const batch = people.slice(start, start + INSERT_BATCH);
      // The placeholder digest of a token that is thrown away: unusable until deliverWave sets the real one.
      await repo.insertInvitations(
        t,
        { waveId, locale: input.locale, legalBasis: input.basis, expiresAt, now },
        batch.map((p) => ({ rosterEntryId: p.id, email: p.email, tokenHash: hashToken(newToken()) })),
      );
    }
    await enqueue(t, INVITATION_SEND_QUEUE, { waveId }, { uniqueKey: `${INVITATION_SEND_QUEUE}:${waveId}`, maxAttempts: 10 });
    await audit(t, {
      action: 'invitation.wave_sent',
      actor: who,
      subjectType: 'invitation_wave',
      subjectId: waveId,
      ip: ctx.ip,
      details: {
        name,
        legalBasis: input.basis,
        locale: input.locale,
        segment: input.segment,
        matched: counts.matched,
        invited: counts.invited,
        skippedCount: counts.skipped,
        skipped: counts.reasons,
      },
    });
    return { ...counts, waveId };
  });
}

/**
 * The `invitations.send` job: for each invitation of the wave whose mail is not queued yet,
 * a new token, the expiry counted from now and exactly one queued e-mail (key
 * `invite:<id>`), committed together a batch at a time. Safe to run again after a crash.
 * An address the mail layer refuses (the roster changed meanwhile) loses its invitation.
 *
 * @returns how many mails were queued and how many invitations were dropped.
 */
export async function deliverWave(opts: { db: Db; baseUrl: string; waveId: string; now?: Date; batchSize?: number }): Promise<{ queued: number; dropped: number }> {
  const { db, waveId } = opts;
  const now = opts.now ?? new Date();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS);
  const settings = await getNetworkSettings(db);
  const timeZone = settings?.timeZone ?? 'Asia/Tokyo';
  const names = new Map<Locale, string>();
  for (const locale of ['ja', 'en'] as const) names.set(locale, await networkName(db, locale));
  let queued = 0;
  let dropped = 0;
  for (;;) {
    const batch = await repo.undeliveredInvitations(db, waveId, opts.batchSize ?? SEND_BATCH);
    if (batch.length === 0) break;
    const done = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      let q = 0;
      let d = 0;
      const tokens = new Map(batch.map((inv) => [inv.id, newToken()]));
      const updated = await repo.markDelivered(t, [...tokens].map(([id, token]) => ({ id, tokenHash: hashToken(token) })), expiresAt, now);
      for (const inv of batch) {
        const token = tokens.get(inv.id)!;
        if (!updated.has(inv.id)) continue;
        let id: string | null = null;
        try {
          id = await queueMail(t, {
            key: `invite:${inv.id}`,
            to: inv.email,
            locale: inv.locale,
            template: 'invitation',
            vars: { network: names.get(inv.locale)!, name: inv.name, expires: formatDate(expiresAt, inv.locale, timeZone), url: joinUrl(opts.baseUrl, token, inv.locale) },
          });
        } catch (err) {
          if (!(err instanceof MailValidationError)) throw err;
        }
        if (id) {
          q++;
        } else {
          // No invitation without its mail.
          await repo.deleteInvitation(t, inv.id);
          d++;
        }
      }
      if (d > 0) await repo.moveToSkipped(t, waveId, d);
      return { q, d };
    });
    queued += done.q;
    dropped += done.d;
  }
  await repo.markWaveSent(db, waveId, now);
  return { queued, dropped };
}

// ---------------------------------------------------------------- waves page

export async function listWaves(ctx: Ctx) {
  authorize(ctx.actor, 'invitations.view');
  return repo.listWaves(ctx.db, ctx.now ?? new Date());
}

export type InvitationState = 'sending' | 'open' | 'accepted' | 'expired' | 'revoked';

export function invitationState(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date; lastSentAt: Date | null }, now: Date): InvitationState {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  if (!i.lastSentAt) return 'sending';
  return i.expiresAt.getTime() <= now.getTime() ? 'expired' : 'open';
}

/** One wave with a page of its invitations (names and states only) and why people were skipped. */
export async function getWaveDetail(ctx: Ctx, id: string, page: number) {
  authorize(ctx.actor, 'invitations.view');
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  const row = await repo.getWave(ctx.db, id);
  if (!row) throw new AppError('NOT_FOUND');
  const now = ctx.now ?? new Date();
  const pageNo = Math.max(1, Math.min(page, 100_000));
  const rows = await repo.listWaveInvitations(ctx.db, id, { limit: WAVE_PAGE_SIZE + 1, offset: (pageNo - 1) * WAVE_PAGE_SIZE });
  const segment = row.wave.segment as unknown as repo.Segment;
  return {
    wave: row.wave,
    createdByName: row.createdByName,
    segment,
    departments: await repo.departmentNames(ctx.db, Array.isArray(segment.departmentIds) ? segment.departmentIds : []),
    reasons: await repo.waveSkipReasons(ctx.db, id),
    undelivered: row.wave.sentAt ? 0 : await repo.undeliveredCount(ctx.db, id),
    invitations: rows.slice(0, WAVE_PAGE_SIZE).map((r) => ({ ...r, state: invitationState(r, now) })),
    page: pageNo,
    hasMore: rows.length > WAVE_PAGE_SIZE,
  };
}

/** Revokes an open invitation: its link stops working and no reminder follows. Returns the wave id. */
export async function revokeInvitation(ctx: Ctx, id: string): Promise<string | null> {
  const who = authorize(ctx.actor, 'invitations.send');
  if (!UUID.test(id)) throw new AppError('NOT_FOUND');
  const now = ctx.now ?? new Date();
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const row = await repo.revokeOpenInvitation(t, id, now);
    if (!row) {
      if (await repo.invitationWave(t, id)) throw new AppError('CONFLICT');
      throw new AppError('NOT_FOUND');
    }
    await audit(t, { action: 'invitation.revoked', actor: who, subjectType: 'invitation', subjectId: id, ip: ctx.ip, details: { waveId: row.waveId } });
    return row.waveId;
  });
}

// ---------------------------------------------------------------- reminders

/**
 * Sends the reminders that are due (see repo.dueReminders): each with a new token, its
 * ledger key `invite-reminder:<id>:<n>` and the count on the invitation committed together.
 *
 * @returns how many reminders were queued.
 */
export async function sendReminders(opts: { db: Db; baseUrl: string; now?: Date; batchSize?: number }): Promise<number> {
  const { db } = opts;
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? 200;
  const settings = await getNetworkSettings(db);
  const timeZone = settings?.timeZone ?? 'Asia/Tokyo';
  const names = new Map<Locale, string>();
  for (const locale of ['ja', 'en'] as const) names.set(locale, await networkName(db, locale));
  let total = 0;
  for (;;) {
    const due = await repo.dueReminders(db, now, { dueDays: REMINDER_DUE_DAYS, minGapDays: REMINDER_MIN_GAP_DAYS, limit: batchSize });
    if (due.length === 0) break;
    total += await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      let sent = 0;
      for (const inv of due) {
        const n = inv.remindersSent + 1;
        const token = newToken();
        if (!(await repo.recordReminder(t, inv.id, n, hashToken(token), now))) continue;
        try {
          const queued = await queueMail(t, {
            key: `invite-reminder:${inv.id}:${n}`,
            to: inv.email,
            locale: inv.locale,
            template: 'invitationReminder',
            vars: {
              network: names.get(inv.locale)!,
              name: inv.name,
              expires: formatDate(inv.expiresAt, inv.locale, timeZone),
              url: joinUrl(opts.baseUrl, token, inv.locale),
            },
          });
          if (queued) sent++;
        } catch (err) {
          if (!(err instanceof MailValidationError)) throw err;
        }
      }
      return sent;
    });
    if (due.length < batchSize) break;
  }
  if (total > 0) await audit(db, { action: 'invitation.reminders_sent', subjectType: 'invitation', details: { count: total } });
  return total;
}

/** Job handlers: `invitations.send` (queued by sendWave) and `invitations.remind` (scheduled hourly by runWorkers). */
export function invitationJobHandlers(deps: { config: Pick<Config, 'baseUrl'> }): Record<string, JobHandler> {
  return {
    [INVITATION_SEND_QUEUE]: async (payload, ctx) => {
      const waveId = (payload as { waveId?: unknown } | null)?.waveId;
      if (typeof waveId !== 'string') return;
      const { queued, dropped } = await deliverWave({ db: ctx.db, baseUrl: deps.config.baseUrl, waveId });
      ctx.log.info({ waveId, queued, dropped }, 'invitation wave delivered');
    },
    [INVITATION_REMIND_QUEUE]: async (_payload, ctx) => {
      const count = await sendReminders({ db: ctx.db, baseUrl: deps.config.baseUrl });
      if (count > 0) ctx.log.info({ count }, 'invitation reminders queued');
    },
  };
}

// ---------------------------------------------------------------- joining

export type GoneReason = 'invalid' | 'expired' | 'used' | 'revoked';

type Found = NonNullable<Awaited<ReturnType<typeof repo.invitationByTokenHash>>>;

function goneReason({ invitation, entry }: Found, now: Date): GoneReason | null {
  if (invitation.acceptedAt || entry.userId) return 'used';
  if (invitation.revokedAt || entry.contactStatus !== 'ok') return 'revoked';
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

async function find(db: Db, token: string, forUpdate = false): Promise<Found | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return repo.invitationByTokenHash(db, hashToken(token), { forUpdate });
}

export interface OpenInvitation {
  email: string;
  locale: Locale;
  name: string;
  nameKana: string;
  expiresAt: Date;
}

/** What the join page needs for a usable token, or why the token cannot be used. */
export async function openInvitation(
  { db, now = new Date() }: { db: Db; now?: Date },
  token: string,
): Promise<{ ok: true; invitation: OpenInvitation } | { ok: false; reason: GoneReason }> {
  const found = await find(db, token);
  if (!found) return { ok: false, reason: 'invalid' };
  const reason = goneReason(found, now);
  if (reason) return { ok: false, reason };
  return {
    ok: true,
    invitation: {
      email: found.invitation.email,
      locale: found.invitation.locale,
      name: found.entry.name,
      nameKana: found.entry.nameKana ?? '',
      expiresAt: found.invitation.expiresAt,
    },
  };
}

export const PREFERENCE_TOPICS = ['news', 'newsletter', 'events', 'jobs', 'messages'] as const;
export type PreferenceTopic = (typeof PREFERENCE_TOPICS)[number];

export interface JoinInput {
  name: string;
  nameKana: string;
  email: string;
  password: string;
  locale: Locale;
  preferences: Record<PreferenceTopic, boolean>;
  currentEmployer: string;
  currentTitle: string;
  consents: { purposeOfUse: boolean; rules: boolean; contact: boolean };
}

export type JoinResult =
  | { status: 'joined'; userId: string; email: string; emailVerified: boolean }
  | { status: 'gone'; reason: GoneReason }
  | { status: 'emailInUse' };

/**
 * Joins from an invitation, all in one transaction: the account (e-mail verified when it
 * is the invited address: the token proved it), the roster link, the invitation used up,
 * three consents with the versions shown, notification preferences (off unless chosen),
 * the first profile fields (private) and the audit event.
 */
export async function acceptInvitation({ db, ip, now = new Date() }: { db: Db; ip?: string | undefined; now?: Date }, token: string, input: JoinInput): Promise<JoinResult> {
  if (!input.consents.purposeOfUse || !input.consents.rules || !input.consents.contact) throw new AppError('VALIDATION', 'consents missing');
  const settings = await getNetworkSettings(db);
  if (!settings) throw new AppError('CONFLICT');
  const email = input.email.trim();
  return db.transaction(async (tx): Promise<JoinResult> => {
    const t = tx as unknown as Db;
    const found = await find(t, token, true);
    if (!found) return { status: 'gone', reason: 'invalid' };
    const reason = goneReason(found, now);
    if (reason) return { status: 'gone', reason };
    const { invitation, entry } = found;
    if (await findUserByEmail(t, email)) return { status: 'emailInUse' };
    const emailVerified = email.toLowerCase() === invitation.email.trim().toLowerCase();
    const userId = await insertAccount(t, {
      email,
      name: input.name,
      nameKana: input.nameKana,
      password: input.password,
      role: 'alumnus',
      status: 'active',
      emailVerified,
      locale: input.locale,
    });
    if (!(await repo.markAccepted(t, invitation.id, userId, now))) throw new AppError('CONFLICT');
    if (!(await repo.linkRosterEntry(t, entry.id, userId, now))) throw new AppError('CONFLICT');
    const given = { userId, rosterEntryId: entry.id, source: 'join', givenAt: now, ip: ip ?? null };
    await repo.insertConsents(t, [
      { ...given, kind: 'purpose_of_use', version: NOTICE_VERSION },
      { ...given, kind: 'network_rules', version: rulesVersion(settings) },
      { ...given, kind: 'contact', version: NOTICE_VERSION },
      // 特定電子メール法: the newsletter opt-in is a consent of its own, recorded with when and how.
      ...(input.preferences.newsletter ? [{ ...given, kind: 'newsletter' as const, version: NOTICE_VERSION }] : []),
    ]);
    await repo.insertPreferences(t, { userId, ...input.preferences, updatedAt: now });
    await repo.insertProfile(t, {
      userId,
      currentEmployer: input.currentEmployer.trim() || null,
      currentTitle: input.currentTitle.trim() || null,
      visibility: { currentEmployer: 'private', currentTitle: 'private' },
      updatedAt: now,
      reviewedAt: now,
    });
    await refreshDirectory(t, userId);
    await audit(t, {
      action: 'invitation.accepted',
      actor: { id: userId, email },
      subjectType: 'invitation',
      subjectId: invitation.id,
      ip,
      details: { waveId: invitation.waveId, rosterEntryId: entry.id, emailVerified, noticeVersion: NOTICE_VERSION },
    });
    return { status: 'joined', userId, email, emailVerified };
  });
}

/**
 * The person does not want to join and asks not to be contacted: the invitation ends (no
 * reminders) and the roster records do-not-contact, which the mail layer honours.
 */
export async function declineInvitation(
  { db, ip, now = new Date() }: { db: Db; ip?: string | undefined; now?: Date },
  token: string,
): Promise<{ ok: true } | { ok: false; reason: GoneReason }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const found = await find(t, token, true);
    if (!found) return { ok: false, reason: 'invalid' } as const;
    const reason = goneReason(found, now);
    if (reason) return { ok: false, reason } as const;
    await repo.declineInvitation(t, found.invitation.id, found.entry.id, now);
    await audit(t, {
      action: 'invitation.declined',
      subjectType: 'invitation',
      subjectId: found.invitation.id,
      ip,
      details: { waveId: found.invitation.waveId, rosterEntryId: found.entry.id },
    });
    return { ok: true } as const;
  });
}
