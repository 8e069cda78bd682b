/**
 * Newsletter data: the newsletters themselves, the per-recipient ledger (one row per
 * newsletter × member), suppressions, clicks, and the members' newsletter opt-ins.
 *
 * The ledger is the heart of a resumable send: it is written once, in one INSERT … SELECT,
 * when the send starts; workers then claim batches of it with FOR UPDATE SKIP LOCKED.
 */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf, textArray } from '../../db/sql.ts';
import {
  consents,
  mailSuppressions,
  networkSettings,
  newsletterClicks,
  newsletterRecipients,
  newsletters,
  notificationPreferences,
  posts,
  users,
  type SegmentFilter,
} from '../../db/schema.ts';
import type { DbOrTx } from '../../shared/jobs/queue.ts';
import { segmentCondition } from '../segments/segments.repository.ts';

export type Newsletter = typeof newsletters.$inferSelect;
export type RecipientState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** Marks a ledger row that was in flight when a send was interrupted: it may have been sent twice. */
export const RESUMED_NOTE = 'resumed: in flight when the send was interrupted';



// ---------------------------------------------------------------- newsletters

export interface NewsletterValues {
  subjectJa: string | null;
  subjectEn: string | null;
  introJa: string | null;
  introEn: string | null;
  postIds: string[];
  segmentId: string | null;
  ratePerSecond: number | null;
}

export async function insertNewsletter(db: Db, values: NewsletterValues & { createdBy: string }): Promise<string> {
  const [row] = await db.insert(newsletters).values(values).returning({ id: newsletters.id });
  return row!.id;
}

/** Updates a newsletter that is still a draft; false when it is not (anymore). */
export async function updateDraft(db: Db, id: string, values: NewsletterValues): Promise<boolean> {
  const rows = await db
    .update(newsletters)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(newsletters.id, id), eq(newsletters.state, 'draft')))
    .returning({ id: newsletters.id });
  return rows.length > 0;
}

export async function findNewsletter(db: DbOrTx, id: string): Promise<Newsletter | null> {
  const [row] = await db.select().from(newsletters).where(eq(newsletters.id, id));
  return row ?? null;
}

/** Moves a newsletter between states when it is in one of `from`; false when it was not. */
export async function transition(
  db: DbOrTx,
  id: string,
  from: Newsletter['state'][],
  set: Partial<Pick<Newsletter, 'state' | 'scheduledAt' | 'startedAt' | 'finishedAt'>>,
): Promise<boolean> {
  const rows = await db
    .update(newsletters)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(newsletters.id, id), inArray(newsletters.state, from)))
    .returning({ id: newsletters.id });
  return rows.length > 0;
}

export interface Progress {
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  skipped: number;
  /** Rows tried more than once (soft bounces and batches resumed after an interruption). */
  retried: number;
  /** Rows that were in flight at an interruption and sent again (possible duplicates). */
  resumed: number;
}

const progressColumns = sql`
  count(*)::int as total,
  count(*) filter (where state = 'pending')::int as pending,
  count(*) filter (where state = 'sending')::int as sending,
  count(*) filter (where state = 'sent')::int as sent,
  count(*) filter (where state = 'failed')::int as failed,
  count(*) filter (where state = 'skipped')::int as skipped,
  count(*) filter (where attempts > 1)::int as retried,
  count(*) filter (where error = ${RESUMED_NOTE})::int as resumed`;

function toProgress(r: Record<string, unknown> | undefined): Progress {
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    total: n('total'),
    pending: n('pending'),
    sending: n('sending'),
    sent: n('sent'),
    failed: n('failed'),
    skipped: n('skipped'),
    retried: n('retried'),
    resumed: n('resumed'),
  };
}

export async function progressOf(db: DbOrTx, id: string): Promise<Progress> {
  const result = await db.execute(sql`select ${progressColumns} from newsletter_recipients where newsletter_id = ${id}`);
  return toProgress(rowsOf(result)[0]);
}

/** Newsletters newest first with their progress (one grouped scan of the ledger). */
export async function listNewsletters(db: Db, limit = 100): Promise<(Newsletter & { progress: Progress })[]> {
  const list = await db.select().from(newsletters).orderBy(desc(newsletters.createdAt)).limit(limit);
  if (list.length === 0) return [];
  const result = await db.execute(sql`
    select newsletter_id, ${progressColumns} from newsletter_recipients
    where newsletter_id = any(${sql`array[${sql.join(list.map((n) => sql`${n.id}`), sql`, `)}]::uuid[]`})
    group by newsletter_id`);
  const byId = new Map(rowsOf(result).map((r) => [String(r.newsletter_id), toProgress(r)]));
  return list.map((n) => ({ ...n, progress: byId.get(n.id) ?? toProgress(undefined) }));
}

// ---------------------------------------------------------------- posts

export interface MailPost {
  id: string;
  titleJa: string | null;
  bodyJa: string | null;
  titleEn: string | null;
  bodyEn: string | null;
  publishedAt: Date | null;
}

const postColumns = {
  id: posts.id,
  titleJa: posts.titleJa,
  bodyJa: posts.bodyJa,
  titleEn: posts.titleEn,
  bodyEn: posts.bodyEn,
  publishedAt: posts.publishedAt,
};

/** Published posts, newest first, to choose from when composing. */
export async function publishedPosts(db: Db, limit = 50): Promise<MailPost[]> {
  return db.select(postColumns).from(posts).where(eq(posts.state, 'published')).orderBy(desc(posts.publishedAt)).limit(limit);
}

/** The chosen posts that are still published, in the order given. */
export async function postsForMail(db: DbOrTx, ids: string[]): Promise<MailPost[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(postColumns)
    .from(posts)
    .where(and(inArray(posts.id, ids), eq(posts.state, 'published')));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((p): p is MailPost => p !== undefined);
}

// ---------------------------------------------------------------- audience and ledger

/**
 * Who may receive a newsletter now: active members of the audience (a segment, or every
 * active member) who opted in to the newsletter topic, whose address is not suppressed and
 * whom the roster does not mark deceased or do-not-contact (see isSuppressed in mail.ts).
 */
export function eligibleCondition(filter: SegmentFilter | null): SQL {
  return and(
    filter ? segmentCondition(filter) : sql`${users.status} = 'active'`,
    sql`exists (select 1 from notification_preferences np where np.user_id = ${users.id} and np.newsletter)`,
    sql`not exists (select 1 from mail_suppressions ms where ms.address = lower(${users.email}))`,
    sql`not exists (select 1 from roster_entries re where re.contact_status <> 'ok'
      and (re.user_id = ${users.id} or lower(re.personal_email) = lower(${users.email})))`,
  )!;
}

export async function countEligible(db: Db, filter: SegmentFilter | null): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(eligibleCondition(filter));
  return Number(row?.n ?? 0);
}

/** A few eligible members (name and language), to preview the newsletter as one of them. */
export async function sampleEligible(db: Db, filter: SegmentFilter | null, limit = 20): Promise<{ id: string; name: string; locale: 'ja' | 'en' }[]> {
  const rows = await db
    .select({ id: users.id, name: users.name, locale: users.locale })
    .from(users)
    .where(eligibleCondition(filter))
    .orderBy(users.createdAt)
    .limit(limit);
  return rows.map((r) => ({ id: r.id, name: r.name, locale: r.locale === 'en' ? 'en' : 'ja' }));
}

/** Writes the ledger: one row per eligible member, in one statement. Returns how many. */
export async function writeLedger(db: DbOrTx, newsletterId: string, filter: SegmentFilter | null): Promise<number> {
  const result = await db.execute(sql`
    insert into newsletter_recipients (newsletter_id, user_id, address, locale)
    select ${newsletterId}::uuid, ${users.id}, ${users.email}, coalesce(${users.locale}, 'ja')
    from ${users} where ${eligibleCondition(filter)}
    on conflict do nothing`);
  return Number((result as { rowCount?: number; affectedRows?: number }).rowCount ?? (result as { affectedRows?: number }).affectedRows ?? 0);
}

export interface ClaimedRecipient {
  userId: string;
  address: string;
  locale: 'ja' | 'en';
  name: string;
  attempts: number;
  /** Null when the member may still get it; otherwise why not (checked at claim time). */
  skipReason: 'unsubscribed' | 'suppressed' | 'contact_status' | 'inactive' | null;
}

/**
 * Claims up to `limit` due rows of a newsletter: pending ones (whose retry time has come)
 * and 'sending' ones whose claim is older than `staleMs` (the batch a crashed worker had in
 * flight; marked with RESUMED_NOTE). Eligibility is checked again here, so an unsubscribe
 * during a campaign takes effect for every batch claimed after it.
 */
export async function claimBatch(db: DbOrTx, newsletterId: string, limit: number, staleMs: number): Promise<ClaimedRecipient[]> {
  const result = await db.execute(sql`
    with due as (
      select newsletter_id, user_id from newsletter_recipients
      where newsletter_id = ${newsletterId}
        and ((state = 'pending' and (next_attempt_at is null or next_attempt_at <= now()))
          or (state = 'sending' and claimed_at < now() - (${staleMs}::double precision * interval '1 millisecond')))
      limit ${limit}
      for update skip locked
    ), claimed as (
      update newsletter_recipients r
      set state = 'sending', claimed_at = now(), attempts = r.attempts + 1,
        error = case when r.state = 'sending' then ${RESUMED_NOTE} else r.error end
      from due where r.newsletter_id = due.newsletter_id and r.user_id = due.user_id
      returning r.user_id, r.address, r.locale, r.attempts
    )
    select c.user_id, c.address, c.locale, c.attempts, u.name, u.status,
      exists (select 1 from notification_preferences np where np.user_id = c.user_id and np.newsletter) as opted_in,
      exists (select 1 from mail_suppressions ms where ms.address = lower(c.address)) as suppressed,
      exists (select 1 from roster_entries re where re.contact_status <> 'ok'
        and (re.user_id = c.user_id or lower(re.personal_email) = lower(c.address))) as no_contact
    from claimed c join users u on u.id = c.user_id`);
  return rowsOf(result).map((r) => ({
    userId: String(r.user_id),
    address: String(r.address),
    locale: r.locale === 'en' ? 'en' : 'ja',
    name: String(r.name ?? ''),
    attempts: Number(r.attempts),
    skipReason: r.status !== 'active' ? 'inactive' : !r.opted_in ? 'unsubscribed' : r.suppressed ? 'suppressed' : r.no_contact ? 'contact_status' : null,
  }));
}

const inFlight = (newsletterId: string, userIds: string[]) =>
  and(eq(newsletterRecipients.newsletterId, newsletterId), inArray(newsletterRecipients.userId, userIds), eq(newsletterRecipients.state, 'sending'));

/** Marks sent rows, one statement per batch; a resumed row keeps its RESUMED_NOTE so it stays counted. */
export async function markSent(db: DbOrTx, newsletterId: string, sent: { userId: string; messageId: string }[]): Promise<void> {
  if (sent.length === 0) return;
  await db.execute(sql`
    update newsletter_recipients r
    set state = 'sent', sent_at = now(), message_id = v.mid, next_attempt_at = null,
      error = case when r.error = ${RESUMED_NOTE} then r.error else null end
    from (select unnest(${textArray(sent.map((s) => s.userId))}) as uid, unnest(${textArray(sent.map((s) => s.messageId))}) as mid) v
    where r.newsletter_id = ${newsletterId} and r.user_id = v.uid and r.state = 'sending'`);
}

export async function markSkipped(db: DbOrTx, newsletterId: string, userIds: string[], reason: string): Promise<void> {
  if (userIds.length === 0) return;
  await db.update(newsletterRecipients).set({ state: 'skipped', error: reason }).where(inFlight(newsletterId, userIds));
}

export async function markFailed(db: DbOrTx, newsletterId: string, userId: string, error: string): Promise<void> {
  await db.update(newsletterRecipients).set({ state: 'failed', error }).where(inFlight(newsletterId, [userId]));
}

/** Back to pending, due again after `delaySeconds` (a soft bounce or a network error). */
export async function markRetry(db: DbOrTx, newsletterId: string, userId: string, error: string, delaySeconds: number): Promise<void> {
  await db
    .update(newsletterRecipients)
    .set({ state: 'pending', error, nextAttemptAt: sql`now() + (${delaySeconds}::double precision * interval '1 second')` })
    .where(inFlight(newsletterId, [userId]));
}

/** Skips every row not yet handled (cancel). */
export async function skipRemaining(db: DbOrTx, newsletterId: string, reason: string): Promise<number> {
  const rows = await db
    .update(newsletterRecipients)
    .set({ state: 'skipped', error: reason })
    .where(and(eq(newsletterRecipients.newsletterId, newsletterId), inArray(newsletterRecipients.state, ['pending', 'sending'])))
    .returning({ userId: newsletterRecipients.userId });
  return rows.length;
}

/** The earliest retry time of pending rows, and whether rows are claimed right now (by a live worker). */
export async function remainingWork(db: DbOrTx, newsletterId: string): Promise<{ pending: number; sending: number; nextAttemptAt: Date | null }> {
  const result = await db.execute(sql`
    select count(*) filter (where state = 'pending')::int as pending, count(*) filter (where state = 'sending')::int as sending,
      min(next_attempt_at) filter (where state = 'pending') as next_at
    from newsletter_recipients where newsletter_id = ${newsletterId} and state in ('pending', 'sending')`);
  const r = rowsOf(result)[0] ?? {};
  const next = r.next_at ? new Date(r.next_at as string | Date) : null;
  return { pending: Number(r.pending ?? 0), sending: Number(r.sending ?? 0), nextAttemptAt: next };
}

/** Marks the newsletter sent when no row is pending or in flight any more. */
export async function finishIfDone(db: DbOrTx, newsletterId: string): Promise<boolean> {
  const rows = await db
    .update(newsletters)
    .set({ state: 'sent', finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(newsletters.id, newsletterId),
        eq(newsletters.state, 'sending'),
        sql`not exists (select 1 from newsletter_recipients r where r.newsletter_id = ${newsletterId} and r.state in ('pending', 'sending'))`,
      ),
    )
    .returning({ id: newsletters.id });
  return rows.length > 0;
}

export interface RecipientRow {
  userId: string;
  name: string;
  address: string;
  locale: 'ja' | 'en';
  state: RecipientState;
  attempts: number;
  sentAt: Date | null;
  error: string | null;
  consentSource: string | null;
  consentVersion: string | null;
  consentGivenAt: Date | null;
}

/** One page of the ledger with each member's newsletter consent (latest, not withdrawn). */
export async function recipientsPage(db: Db, newsletterId: string, opts: { limit: number; offset: number; state?: RecipientState }): Promise<RecipientRow[]> {
  const result = await db.execute(sql`
    select r.user_id, u.name, r.address, r.locale, r.state, r.attempts, r.sent_at, r.error,
      c.source as consent_source, c.version as consent_version, c.given_at as consent_given_at
    from newsletter_recipients r
    join users u on u.id = r.user_id
    left join lateral (
      select source, version, given_at from consents
      where consents.user_id = r.user_id and kind = 'newsletter' and withdrawn_at is null
      order by given_at desc limit 1
    ) c on true
    where r.newsletter_id = ${newsletterId} ${opts.state ? sql`and r.state = ${opts.state}` : sql``}
    order by r.user_id
    limit ${opts.limit} offset ${opts.offset}`);
  return rowsOf(result).map((r) => ({
    userId: String(r.user_id),
    name: String(r.name),
    address: String(r.address),
    locale: r.locale === 'en' ? 'en' : 'ja',
    state: r.state as RecipientState,
    attempts: Number(r.attempts),
    sentAt: r.sent_at ? new Date(r.sent_at as string) : null,
    error: (r.error as string | null) ?? null,
    consentSource: (r.consent_source as string | null) ?? null,
    consentVersion: (r.consent_version as string | null) ?? null,
    consentGivenAt: r.consent_given_at ? new Date(r.consent_given_at as string) : null,
  }));
}

// ---------------------------------------------------------------- suppressions, clicks

export async function suppress(db: DbOrTx, address: string, reason: 'hard_bounce' | 'complaint' | 'manual', detail: string): Promise<void> {
  await db.insert(mailSuppressions).values({ address: address.toLowerCase(), reason, detail: detail.slice(0, 1000) }).onConflictDoNothing();
}

export async function recordClick(db: Db, click: { newsletterId: string; userId: string; url: string }): Promise<void> {
  // The newsletter or member may be gone since the mail was sent: a click is then not recorded.
  await db.execute(sql`
    insert into newsletter_clicks (newsletter_id, user_id, url)
    select n.id, u.id, ${click.url.slice(0, 2000)} from newsletters n left join users u on u.id = ${click.userId}
    where n.id = ${click.newsletterId}::uuid`);
}

export async function clickCount(db: Db, newsletterId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(newsletterClicks).where(eq(newsletterClicks.newsletterId, newsletterId));
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------- members' preferences

export type Topic = 'news' | 'newsletter' | 'events' | 'jobs' | 'messages';
export const TOPICS: readonly Topic[] = ['news', 'newsletter', 'events', 'jobs', 'messages'];

export async function memberForToken(db: Db, userId: string): Promise<{ id: string; name: string; email: string; locale: 'ja' | 'en' | null } | null> {
  const [row] = await db.select({ id: users.id, name: users.name, email: users.email, locale: users.locale }).from(users).where(eq(users.id, userId));
  return row ?? null;
}

export async function preferencesOf(db: Db, userId: string): Promise<Record<Topic, boolean>> {
  const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  return { news: row?.news ?? false, newsletter: row?.newsletter ?? false, events: row?.events ?? false, jobs: row?.jobs ?? false, messages: row?.messages ?? false };
}

export async function savePreferences(db: DbOrTx, userId: string, prefs: Record<Topic, boolean>): Promise<void> {
  await db
    .insert(notificationPreferences)
    .values({ userId, ...prefs, updatedAt: new Date() })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set: { ...prefs, updatedAt: new Date() } });
}

/** Turns the newsletter topic off. Returns true when it was on. */
export async function optOut(db: DbOrTx, userId: string): Promise<boolean> {
  const rows = await db
    .update(notificationPreferences)
    .set({ newsletter: false, updatedAt: new Date() })
    .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.newsletter, true)))
    .returning({ userId: notificationPreferences.userId });
  return rows.length > 0;
}

export async function withdrawConsent(db: DbOrTx, userId: string, at: Date): Promise<void> {
  await db
    .update(consents)
    .set({ withdrawnAt: at })
    .where(and(eq(consents.userId, userId), eq(consents.kind, 'newsletter'), sql`${consents.withdrawnAt} is null`));
}

export async function recordConsent(db: DbOrTx, c: { userId: string; version: string; source: string; ip: string | null; at: Date }): Promise<void> {
  await db.insert(consents).values({ userId: c.userId, kind: 'newsletter', version: c.version, source: c.source, givenAt: c.at, ip: c.ip });
}

// ---------------------------------------------------------------- sender settings

export interface Sender {
  senderName: string | null;
  senderPostalAddress: string | null;
  senderContact: string | null;
}

export async function saveSender(db: Db, s: Sender): Promise<void> {
  await db.update(networkSettings).set({ ...s, updatedAt: new Date() }).where(eq(networkSettings.id, 1));
}
