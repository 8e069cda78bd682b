/**
 * Newsletters: compose (community managers and operators), send or schedule (operators),
 * follow the progress, pause / resume / cancel; members' unsubscribe and preferences by
 * signed link; click redirects. Authorisation is checked here, whatever the route says.
 */
import { sourceOf, withSource } from '../../shared/attribution.ts';
import { authorize } from '../../shared/auth/can.ts';
import type { Actor } from '../../shared/http/context.ts';
import type { Db } from '../../db/client.ts';
import { audit } from '../../shared/audit.ts';
import { AppError } from '../../shared/errors.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { enqueue } from '../../shared/jobs/queue.ts';
import { getNetworkSettings, invalidateNetworkSettings, localized } from '../../shared/network.ts';
import { findSegment, listSegments, type Segment } from '../segments/segments.repository.ts';
import * as repo from './newsletters.repository.ts';
import { compileNewsletter, contentLocale, personalise, type PersonalisedMail } from './render.ts';
import { audienceFilter, beginSend, NEWSLETTER_QUEUE, NEWSLETTER_TEST_QUEUE, senderInfo, type StartResult } from './sender.ts';
import { readClickToken, readUnsubscribeToken } from './tokens.ts';

export type { StartResult } from './sender.ts';
export type { Newsletter, Progress, RecipientRow, MailPost, Topic } from './newsletters.repository.ts';
export { TOPICS } from './newsletters.repository.ts';
export type NewsletterInput = repo.NewsletterValues;

/** Version of the newsletter opt-in notice a member agrees to on the preferences page. */
export const NEWSLETTER_NOTICE_VERSION = '2026-11-1';

export interface Ctx {
  db: Db;
  actor: Actor;
  ip?: string | undefined;
}

const actorRef = (a: Actor) => ({ id: a.id, email: a.email });

export async function list(ctx: Ctx) {
  authorize(ctx.actor, 'newsletters.manage');
  return repo.listNewsletters(ctx.db);
}

/** What the compose form offers: published posts and saved segments. */
export async function composeChoices(ctx: Ctx): Promise<{ posts: repo.MailPost[]; segments: Segment[] }> {
  authorize(ctx.actor, 'newsletters.manage');
  const [posts, segments] = await Promise.all([repo.publishedPosts(ctx.db), listSegments(ctx.db)]);
  return { posts, segments };
}

export async function get(ctx: Ctx, id: string): Promise<repo.Newsletter> {
  authorize(ctx.actor, 'newsletters.manage');
  const n = await repo.findNewsletter(ctx.db, id);
  if (!n) throw new AppError('NOT_FOUND');
  return n;
}

/** Checks that the segment exists (a removed or forged id is a field error, not a 500). */
async function validSegment(db: Db, segmentId: string | null): Promise<boolean> {
  return segmentId === null || (await findSegment(db, segmentId)) !== null;
}

export async function create(ctx: Ctx, values: repo.NewsletterValues): Promise<string | 'badSegment'> {
  const actor = authorize(ctx.actor, 'newsletters.manage');
  if (!(await validSegment(ctx.db, values.segmentId))) return 'badSegment';
  return repo.insertNewsletter(ctx.db, { ...values, createdBy: actor.id });
}

export async function update(ctx: Ctx, id: string, values: repo.NewsletterValues): Promise<'ok' | 'badSegment' | 'notDraft'> {
  authorize(ctx.actor, 'newsletters.manage');
  await get(ctx, id);
  if (!(await validSegment(ctx.db, values.segmentId))) return 'badSegment';
  return (await repo.updateDraft(ctx.db, id, values)) ? 'ok' : 'notDraft';
}

/** How many members would receive it if it were sent now. */
export async function audienceCount(ctx: Ctx, n: repo.Newsletter): Promise<number> {
  authorize(ctx.actor, 'newsletters.manage');
  return repo.countEligible(ctx.db, await audienceFilter(ctx.db, n));
}

export async function exampleRecipients(ctx: Ctx, n: repo.Newsletter) {
  authorize(ctx.actor, 'newsletters.manage');
  return repo.sampleEligible(ctx.db, await audienceFilter(ctx.db, n));
}

/** The message as one member (or a sample name) would get it, in a language; links inert. */
export async function preview(
  ctx: Ctx,
  n: repo.Newsletter,
  opts: { locale: Locale; name: string; baseUrl: string },
): Promise<(PersonalisedMail & { locale: Locale }) | null> {
  authorize(ctx.actor, 'newsletters.manage');
  const sender = (await senderInfo(ctx.db)) ?? { name: '—', postalAddress: '—', contact: '—' };
  const settings = await getNetworkSettings(ctx.db);
  const locale = contentLocale(n, opts.locale);
  const compiled = compileNewsletter({
    newsletter: n,
    posts: await repo.postsForMail(ctx.db, n.postIds),
    locale,
    sender,
    networkName: settings ? localized(settings, locale, 'name') : 'Kizuna',
    baseUrl: opts.baseUrl,
  });
  return { ...personalise(compiled, { userId: 'preview', name: opts.name }, { baseUrl: opts.baseUrl, secret: 'preview', track: false, preview: true }), locale };
}

/** Queues one test message to the actor's own address. */
export async function sendTest(ctx: Ctx, id: string, locale: Locale): Promise<void> {
  const actor = authorize(ctx.actor, 'newsletters.manage');
  await get(ctx, id);
  if (!(await senderInfo(ctx.db))) throw new AppError('CONFLICT', 'sender details missing');
  await enqueue(ctx.db, NEWSLETTER_TEST_QUEUE, { newsletterId: id, userId: actor.id, locale }, { maxAttempts: 5 });
}

export async function sendNow(ctx: Ctx, id: string): Promise<StartResult> {
  const actor = authorize(ctx.actor, 'newsletters.send');
  await get(ctx, id);
  const result = await beginSend(ctx.db, id);
  if (result.status === 'started') {
    await audit(ctx.db, { action: 'newsletter.sent', actor: actorRef(actor), subjectType: 'newsletter', subjectId: id, ip: ctx.ip, details: { recipients: result.recipients } });
  }
  return result;
}

/** Schedules the send; the job at that time writes the ledger (the audience as it is then). */
export async function schedule(ctx: Ctx, id: string, at: Date): Promise<'ok' | 'noSender' | 'notDraft' | 'past'> {
  const actor = authorize(ctx.actor, 'newsletters.send');
  await get(ctx, id);
  if (!(await senderInfo(ctx.db))) return 'noSender';
  if (at.getTime() < Date.now() - 60_000) return 'past';
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await repo.transition(t, id, ['draft', 'scheduled'], { state: 'scheduled', scheduledAt: at }))) return 'notDraft' as const;
    await enqueue(t, NEWSLETTER_QUEUE, { newsletterId: id, start: true }, { runAt: at, maxAttempts: 10 });
    await audit(t, { action: 'newsletter.scheduled', actor: actorRef(actor), subjectType: 'newsletter', subjectId: id, ip: ctx.ip, details: { at: at.toISOString() } });
    return 'ok' as const;
  });
}

/** Back to draft (the scheduled job then finds nothing to start). */
export async function unschedule(ctx: Ctx, id: string): Promise<boolean> {
  authorize(ctx.actor, 'newsletters.send');
  await get(ctx, id);
  return repo.transition(ctx.db, id, ['scheduled'], { state: 'draft', scheduledAt: null });
}

export async function pause(ctx: Ctx, id: string): Promise<boolean> {
  authorize(ctx.actor, 'newsletters.send');
  await get(ctx, id);
  return repo.transition(ctx.db, id, ['sending'], { state: 'paused' });
}

export async function resume(ctx: Ctx, id: string): Promise<boolean> {
  authorize(ctx.actor, 'newsletters.send');
  await get(ctx, id);
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await repo.transition(t, id, ['paused'], { state: 'sending' }))) return false;
    await enqueue(t, NEWSLETTER_QUEUE, { newsletterId: id }, { maxAttempts: 10 });
    return true;
  });
}

/** Cancels a scheduled, sending or paused newsletter; rows not yet sent are skipped. */
export async function cancel(ctx: Ctx, id: string): Promise<boolean> {
  const actor = authorize(ctx.actor, 'newsletters.send');
  await get(ctx, id);
  return ctx.db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await repo.transition(t, id, ['scheduled', 'sending', 'paused'], { state: 'cancelled', finishedAt: new Date() }))) return false;
    const skipped = await repo.skipRemaining(t, id, 'cancelled');
    await audit(t, { action: 'newsletter.cancelled', actor: actorRef(actor), subjectType: 'newsletter', subjectId: id, ip: ctx.ip, details: { skipped } });
    return true;
  });
}

export async function progress(ctx: Ctx, id: string): Promise<repo.Progress & { clicks: number }> {
  authorize(ctx.actor, 'newsletters.manage');
  const [p, clicks] = await Promise.all([repo.progressOf(ctx.db, id), repo.clickCount(ctx.db, id)]);
  return { ...p, clicks };
}

export const RECIPIENTS_PAGE = 100;

/** One page of the recipient list (names and addresses: audited). */
export async function recipients(ctx: Ctx, id: string, page: number, state?: repo.RecipientState): Promise<repo.RecipientRow[]> {
  const actor = authorize(ctx.actor, 'newsletters.manage');
  await get(ctx, id);
  const rows = await repo.recipientsPage(ctx.db, id, { limit: RECIPIENTS_PAGE, offset: page * RECIPIENTS_PAGE, ...(state ? { state } : {}) });
  await audit(ctx.db, { action: 'newsletter.recipients_viewed', actor: actorRef(actor), subjectType: 'newsletter', subjectId: id, ip: ctx.ip, details: { page, state: state ?? null, rows: rows.length } });
  return rows;
}

// ---------------------------------------------------------------- sender details

export async function sender(ctx: Ctx): Promise<repo.Sender> {
  authorize(ctx.actor, 'newsletters.manage');
  const s = await getNetworkSettings(ctx.db);
  return { senderName: s?.senderName ?? null, senderPostalAddress: s?.senderPostalAddress ?? null, senderContact: s?.senderContact ?? null };
}

export async function saveSender(ctx: Ctx, s: repo.Sender): Promise<void> {
  const actor = authorize(ctx.actor, 'newsletters.send');
  await repo.saveSender(ctx.db, s);
  invalidateNetworkSettings(ctx.db);
  await audit(ctx.db, { action: 'newsletter.sender_changed', actor: actorRef(actor), subjectType: 'network_settings', subjectId: '1', ip: ctx.ip });
}

// ---------------------------------------------------------------- members, by signed link

/** The member a signed unsubscribe token names, or null (bad token, account gone). */
export async function memberOfToken(db: Db, secret: string, token: string) {
  const userId = readUnsubscribeToken(secret, token);
  return userId ? repo.memberForToken(db, userId) : null;
}

/** One-click (RFC 8058) or confirmed unsubscribe: topic off, consent withdrawn. Idempotent. */
export async function unsubscribe(db: Db, userId: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    await repo.optOut(tx, userId);
    await repo.withdrawConsent(tx, userId, now);
  });
}

export async function preferences(db: Db, userId: string): Promise<Record<repo.Topic, boolean>> {
  return repo.preferencesOf(db, userId);
}

/** Saves the topics; turning newsletters on records a consent, turning them off withdraws it. */
export async function savePreferences(db: Db, userId: string, prefs: Record<repo.Topic, boolean>, opts: { ip: string | null; source: string; now?: Date }): Promise<void> {
  const now = opts.now ?? new Date();
  await db.transaction(async (tx) => {
    const before = await repo.preferencesOf(tx as unknown as Db, userId);
    await repo.savePreferences(tx, userId, prefs);
    if (prefs.newsletter && !before.newsletter) await repo.recordConsent(tx, { userId, version: NEWSLETTER_NOTICE_VERSION, source: opts.source, ip: opts.ip, at: now });
    if (!prefs.newsletter && before.newsletter) await repo.withdrawConsent(tx, userId, now);
  });
}

/** Records a click of a signed link and returns where to go, or null for a bad token. */
/**
 * Records a click and returns where it goes. Links inside the network carry `src=newsletter:<id>`,
 * so what the reader then does (registers, applies, asks) is attributed to this newsletter.
 */
export async function click(db: Db, secret: string, token: string, baseUrl: string): Promise<string | null> {
  const payload = readClickToken(secret, token);
  if (!payload) return null;
  await repo.recordClick(db, payload);
  return withSource(payload.url, sourceOf('newsletter', payload.newsletterId), baseUrl);
}
