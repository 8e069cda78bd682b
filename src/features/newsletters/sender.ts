/**
 * Sending a newsletter through the job queue. A `newsletter.send` job works through the
 * ledger in batches: claim (FOR UPDATE SKIP LOCKED, pending → sending), send each message
 * with the throttle, mark sent / failed / retry. After a crash the rows of the batch in
 * flight stay 'sending' with an old claim; the next job claims them again and counts them.
 * A job runs for a bounded time, then queues its continuation, so a large send never holds
 * one worker slot for hours and a pause or cancel is seen before the next batch.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { SegmentFilter } from '../../db/schema.ts';
import { AppError } from '../../shared/errors.ts';
import { enqueue, PermanentJobError, retryDelaySeconds, type JobHandler } from '../../shared/jobs/queue.ts';
import { isPermanentSmtpError, MailValidationError, type MailTransport } from '../../shared/mail/mailer.ts';
import { getNetworkSettings, localized } from '../../shared/network.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { findSegment } from '../segments/segments.repository.ts';
import * as repo from './newsletters.repository.ts';
import { compileNewsletter, contentLocale, personalise, type CompiledNewsletter, type SenderInfo } from './render.ts';

export const NEWSLETTER_QUEUE = 'newsletter.send';
export const NEWSLETTER_TEST_QUEUE = 'newsletter.test';
/** Tries per recipient for soft bounces and network errors (backoff 30 s, 1 min, 2 min, 4 min). */
export const RECIPIENT_MAX_ATTEMPTS = 5;

/** Waits so that messages start at most `rate` per second (null: no limit). */
export class Throttle {
  private next = 0;
  constructor(
    private readonly rate: number | null,
    private readonly clock: Clock = realClock,
  ) {}

  async take(): Promise<void> {
    if (!this.rate || this.rate <= 0) return;
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface SenderDeps {
  transport: MailTransport;
  config: Pick<Config, 'mailFrom' | 'baseUrl' | 'secret' | 'newsletterRatePerSecond' | 'newsletterBatchSize'>;
  logger?: Logger;
  /** A claim older than this is a crashed worker's batch (default 2 min; a batch takes seconds). */
  staleClaimMs?: number;
  /** How long one job sends before queueing its continuation (default 2 min). */
  jobBudgetMs?: number;
  /** Messages sent at the same time within a batch (default 8; the SMTP pool queues the rest). */
  parallel?: number;
  clock?: Clock;
  /** Test hook: called after each batch is recorded; returning false stops the job there (a "crash"). */
  afterBatch?: (sentSoFar: number) => boolean;
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** A 5xx answer to RCPT TO: the mailbox does not exist; the address is suppressed for good. */
function isHardBounce(err: unknown): boolean {
  return isPermanentSmtpError(err) && (err as { command?: unknown }).command === 'RCPT TO';
}

/** The sender details, or null while any of them is missing (then nothing may be sent). */
export async function senderInfo(db: Db): Promise<SenderInfo | null> {
  const s = await getNetworkSettings(db);
  if (!s?.senderName?.trim() || !s.senderPostalAddress?.trim() || !s.senderContact?.trim()) return null;
  return { name: s.senderName.trim(), postalAddress: s.senderPostalAddress.trim(), contact: s.senderContact.trim() };
}

/** Both languages' templates of a newsletter, compiled once per job. */
async function compileAll(db: Db, n: repo.Newsletter, baseUrl: string, sender: SenderInfo): Promise<Record<Locale, CompiledNewsletter>> {
  const settings = await getNetworkSettings(db);
  const postList = await repo.postsForMail(db, n.postIds);
  const compile = (locale: Locale) =>
    compileNewsletter({
      newsletter: n,
      posts: postList,
      locale,
      sender,
      networkName: settings ? localized(settings, locale, 'name') : 'Kizuna',
      baseUrl,
    });
  return { ja: compile('ja'), en: compile('en') };
}

/** Runs `work` over `items` with at most `lanes` at a time. */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const lane = async () => {
    while (i < items.length) await work(items[i++]!);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/**
 * Sends what is due of one newsletter until it is done, paused or cancelled, or the job's
 * time is up. Returns how many messages this run sent.
 */
export async function runSend(db: Db, deps: SenderDeps, newsletterId: string, log?: Logger): Promise<number> {
  const staleMs = deps.staleClaimMs ?? 120_000;
  const started = Date.now();
  const budget = deps.jobBudgetMs ?? 120_000;
  const first = await repo.findNewsletter(db, newsletterId);
  if (!first || first.state !== 'sending') return 0;
  const sender = await senderInfo(db);
  if (!sender) throw new PermanentJobError('newsletter sender details are missing');
  const templates = await compileAll(db, first, deps.config.baseUrl, sender);
  const throttle = new Throttle(first.ratePerSecond ?? deps.config.newsletterRatePerSecond, deps.clock);
  const batchSize = deps.config.newsletterBatchSize;
  let sentTotal = 0;

  for (;;) {
    const current = await repo.findNewsletter(db, newsletterId);
    if (!current || current.state !== 'sending') return sentTotal;
    if (Date.now() - started > budget) {
      await enqueue(db, NEWSLETTER_QUEUE, { newsletterId }, { maxAttempts: 10 });
      return sentTotal;
    }
    const batch = await repo.claimBatch(db, newsletterId, batchSize, staleMs);
    if (batch.length === 0) {
      await scheduleRest(db, newsletterId, staleMs);
      return sentTotal;
    }
    const skipped = new Map<string, string[]>();
    const sendable = batch.filter((r) => {
      if (!r.skipReason) return true;
      skipped.set(r.skipReason, [...(skipped.get(r.skipReason) ?? []), r.userId]);
      return false;
    });
    for (const [reason, ids] of skipped) await repo.markSkipped(db, newsletterId, ids, reason);

    const sent: { userId: string; messageId: string }[] = [];
    await inLanes(sendable, deps.parallel ?? 8, async (r) => {
      await throttle.take();
      const mail = personalise(templates[contentLocale(first, r.locale)], r, { baseUrl: deps.config.baseUrl, secret: deps.config.secret, track: true });
      try {
        const info = await deps.transport.send({ from: deps.config.mailFrom, to: r.address, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
        sent.push({ userId: r.userId, messageId: info.messageId });
      } catch (err) {
        await recordFailure(db, newsletterId, r, err);
        log?.warn({ newsletterId, attempt: r.attempts, error: describe(err) }, 'newsletter message not sent');
      }
    });
    await repo.markSent(db, newsletterId, sent);
    sentTotal += sent.length;
    if (deps.afterBatch && !deps.afterBatch(sentTotal)) return sentTotal;
  }
}

async function recordFailure(db: Db, newsletterId: string, r: repo.ClaimedRecipient, err: unknown): Promise<void> {
  const error = describe(err);
  if (isHardBounce(err)) {
    await repo.suppress(db, r.address, 'hard_bounce', error);
    await repo.markFailed(db, newsletterId, r.userId, `hard bounce: ${error}`);
  } else if (err instanceof MailValidationError || isPermanentSmtpError(err) || r.attempts >= RECIPIENT_MAX_ATTEMPTS) {
    await repo.markFailed(db, newsletterId, r.userId, error);
  } else {
    await repo.markRetry(db, newsletterId, r.userId, error, retryDelaySeconds(r.attempts - 1, { baseSeconds: 30, maxSeconds: 3600 }));
  }
}

/** Nothing due now: finish, or come back when the next retry is due or a live claim may have gone stale. */
async function scheduleRest(db: Db, newsletterId: string, staleMs: number): Promise<void> {
  if (await repo.finishIfDone(db, newsletterId)) return;
  const rest = await repo.remainingWork(db, newsletterId);
  const next = rest.sending > 0 ? new Date(Date.now() + staleMs) : rest.nextAttemptAt;
  if (next) await enqueue(db, NEWSLETTER_QUEUE, { newsletterId }, { runAt: next, maxAttempts: 10 });
}

/** The saved filter of a newsletter's segment (null: everyone); a removed segment is a conflict. */
export async function audienceFilter(db: Db, n: repo.Newsletter): Promise<SegmentFilter | null> {
  if (!n.segmentId) return null;
  const s = await findSegment(db, n.segmentId);
  if (!s) throw new AppError('CONFLICT');
  return s.filter;
}

export type StartResult = { status: 'started'; recipients: number } | { status: 'noSender' | 'notDraft' | 'noContent' };

/**
 * Starts a send: in one transaction the newsletter row is locked, the ledger written (one
 * INSERT … SELECT) and the first send job queued. Used by "send now" and by the scheduled job.
 */
export async function beginSend(db: Db, id: string, now = new Date()): Promise<StartResult> {
  if (!(await senderInfo(db))) return { status: 'noSender' };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const n = await repo.findNewsletter(t, id);
    if (!n || (n.state !== 'draft' && n.state !== 'scheduled')) return { status: 'notDraft' as const };
    if (!n.subjectJa?.trim() && !n.subjectEn?.trim()) return { status: 'noContent' as const };
    if (!(await repo.transition(t, id, ['draft', 'scheduled'], { state: 'sending', startedAt: now }))) return { status: 'notDraft' as const };
    const recipients = await repo.writeLedger(t, id, await audienceFilter(t, n));
    await enqueue(t, NEWSLETTER_QUEUE, { newsletterId: id }, { maxAttempts: 10 });
    return { status: 'started' as const, recipients };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The job handlers: `newsletter.send` (a send or its continuation) and `newsletter.test` (one test message). */
export function newsletterJobHandlers(deps: SenderDeps): Record<string, JobHandler> {
  const send: JobHandler = async (payload, ctx) => {
    const id = (payload as { newsletterId?: unknown } | null)?.newsletterId;
    if (typeof id !== 'string' || !UUID.test(id)) throw new PermanentJobError('newsletter.send: payload has no newsletterId');
    if ((payload as { start?: unknown }).start === true) {
      // A scheduled start: only when it is still scheduled for (about) now; a rescheduled
      // newsletter has its own, later job.
      const n = await repo.findNewsletter(ctx.db, id);
      if (n?.state !== 'scheduled' || !n.scheduledAt || n.scheduledAt.getTime() > Date.now() + 5_000) return;
      const result = await beginSend(ctx.db, id);
      ctx.log.info({ newsletterId: id, result }, 'scheduled newsletter started');
      return;
    }
    const sent = await runSend(ctx.db, deps, id, deps.logger ?? ctx.log);
    ctx.log.info({ newsletterId: id, sent }, 'newsletter batch run finished');
  };
  const test: JobHandler = async (payload, ctx) => {
    const p = payload as { newsletterId?: unknown; userId?: unknown; locale?: unknown } | null;
    if (typeof p?.newsletterId !== 'string' || typeof p.userId !== 'string') throw new PermanentJobError('newsletter.test: bad payload');
    const n = await repo.findNewsletter(ctx.db, p.newsletterId);
    const member = await repo.memberForToken(ctx.db, p.userId);
    const sender = await senderInfo(ctx.db);
    if (!n || !member || !sender) return;
    const templates = await compileAll(ctx.db, n, deps.config.baseUrl, sender);
    const locale = contentLocale(n, p.locale === 'en' ? 'en' : 'ja');
    const mail = personalise(templates[locale], { userId: member.id, name: member.name }, { baseUrl: deps.config.baseUrl, secret: deps.config.secret, track: false });
    try {
      await deps.transport.send({ from: deps.config.mailFrom, to: member.email, subject: `[TEST] ${mail.subject}`, text: mail.text, html: mail.html, headers: mail.headers });
    } catch (err) {
      if (err instanceof MailValidationError || isPermanentSmtpError(err)) throw new PermanentJobError(describe(err));
      throw err;
    }
  };
  return { [NEWSLETTER_QUEUE]: send, [NEWSLETTER_TEST_QUEUE]: test };
}
