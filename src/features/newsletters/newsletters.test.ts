/**
 * Newsletters end to end with a REAL SMTP exchange: the app sends through nodemailer's
 * pooled SMTP transport to an smtp-server receiver, and the received messages are parsed
 * with mailparser.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../../test/app.ts';
import { auditEvents, consents, mailSuppressions, newsletterClicks, newsletterRecipients, newsletters, notificationPreferences, posts, segments } from '../../db/schema.ts';
import { startSmtpReceiver, type SmtpReceiver, type SmtpReply } from '../../shared/mail/testing.ts';
import { createTransport } from '../../shared/mail/mailer.ts';
import { messages } from '../../shared/i18n/index.ts';
import * as repo from './newsletters.repository.ts';
import { newsletterJobHandlers, runSend, Throttle, type SenderDeps } from './sender.ts';
import { clickToken, readClickToken, readUnsubscribeToken, unsubscribeToken } from './tokens.ts';

const ja = messages('ja');
let t: TestApp;
let operator: Client;
let smtp: SmtpReceiver;
/** Replies the receiver gives to RCPT TO, by address (set per test). */
const rcptReplies = new Map<string, SmtpReply[]>();

beforeAll(async () => {
  smtp = await startSmtpReceiver({ onRcpt: (address) => rcptReplies.get(address)?.shift() });
  t = await createTestApp({ setup: true, env: { SMTP_URL: smtp.url, NEWSLETTER_RATE_PER_SECOND: '0', NEWSLETTER_BATCH_SIZE: '3' } });
  operator = (await t.signedIn('operator')).client;
  const res = await operator.post('/admin/newsletters/sender', {
    senderName: '株式会社サンプル 広報部',
    senderPostalAddress: '東京都千代田区丸の内1-1-1',
    senderContact: 'alumni@example.com',
  });
  expect(res.status).toBe(303);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let counter = 0;
/** A member who opted in to newsletters (with a consent record), tagged for a segment by a unique name prefix. */
async function member(tag: string, opts: { locale?: 'ja' | 'en' | null; optIn?: boolean; name?: string } = {}) {
  counter++;
  const email = `${tag}-${counter}@example.com`;
  const u = await t.createUser('alumnus', { email, name: opts.name ?? `${tag} 会員${counter}`, locale: opts.locale === undefined ? 'ja' : opts.locale });
  if (opts.optIn !== false) {
    await t.db.insert(notificationPreferences).values({ userId: u.id, newsletter: true }).onConflictDoUpdate({ target: notificationPreferences.userId, set: { newsletter: true } });
    await t.db.insert(consents).values({ userId: u.id, kind: 'newsletter', version: 'test-1', source: 'join' });
  }
  return u;
}

/**
 * A segment (all alumni) whose eligible members are exactly `userIds`: segments select by
 * criteria, so every other member's newsletter opt-in is turned off instead.
 */
async function segmentOf(userIds: string[]): Promise<string> {
  await t.db.update(notificationPreferences).set({ newsletter: false }).where(sql`${notificationPreferences.userId} <> all(${sql`array[${sql.join(userIds.map((id) => sql`${id}`), sql`, `)}]::text[]`})`);
  const [row] = await t.db.insert(segments).values({ name: `seg ${counter}`, filter: { roles: ['alumnus'] } }).returning({ id: segments.id });
  return row!.id;
}

async function post(titleJa: string, titleEn: string): Promise<string> {
  const [row] = await t.db
    .insert(posts)
    .values({ category: 'company', titleJa, bodyJa: `${titleJa}の本文です。詳しくは https://example.com/ja を見てください。`, titleEn, bodyEn: `Body of ${titleEn}.`, state: 'published', publishedAt: new Date() })
    .returning({ id: posts.id });
  return row!.id;
}

async function compose(form: Record<string, string>, postIds: string[] = []): Promise<string> {
  const body = new URLSearchParams({ subject_ja: '', subject_en: '', intro_ja: '', intro_en: '', segment: '', rate: '', ...form });
  for (const p of postIds) body.append('posts', p);
  body.set('_csrf', await operator.csrfToken());
  const res = await operator.request('POST', '/admin/newsletters', {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.config.baseUrl).origin },
  });
  expect(res.status, res.body.slice(0, 2000)).toBe(303);
  return res.location!.split('/').pop()!;
}

/** Runs the newsletter jobs (and others) until none is due. */
async function runJobs(): Promise<void> {
  await t.runJobs();
}

async function received(address: string): Promise<ParsedMail[]> {
  const out: ParsedMail[] = [];
  for (const msg of smtp.messages.filter((m) => m.rcptTo.includes(address))) out.push(await simpleParser(msg.raw));
  return out;
}

async function ledger(id: string) {
  return t.db.select().from(newsletterRecipients).where(eq(newsletterRecipients.newsletterId, id));
}

function senderDeps(over: Partial<SenderDeps> = {}): SenderDeps {
  return {
    transport: createTransport(t.config),
    config: { ...t.config, newsletterRatePerSecond: null, newsletterBatchSize: 2 },
    ...over,
  };
}

describe('sending over SMTP', () => {
  it('sends one message per member, addressed only to them, in their language, with both unsubscribe headers and no injected headers', async () => {
    const a = await member('lang', { locale: 'ja' });
    const b = await member('lang', { locale: 'en', name: 'Evil\r\nBcc: victim@example.com' });
    const c = await member('lang', { locale: null });
    const outsider = await member('lang', { optIn: false });
    const segment = await segmentOf([a.id, b.id, c.id]);
    const p = await post('新製品のお知らせ', 'New product');
    const id = await compose(
      { subject_ja: '4月のお知らせ', subject_en: 'April news\r\nBcc: victim@example.com', intro_ja: 'こんにちは。[会社のサイト](https://example.com/about)', intro_en: 'Hello. [Our site](https://example.com/about)', segment },
      [p],
    );
    // Line breaks in the subject never reach the database.
    const [row] = await t.db.select().from(newsletters).where(eq(newsletters.id, id));
    expect(row!.subjectEn).toBe('April news Bcc: victim@example.com');

    const detail = await operator.get(`/admin/newsletters/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('今すぐ 3 人に送信');
    const send = await operator.post(`/admin/newsletters/${id}/send`);
    expect(send.status).toBe(303);
    await runJobs();

    expect(await received(outsider.email)).toHaveLength(0);
    expect(smtp.rcptAttempts).not.toContain('victim@example.com');
    for (const [u, lang] of [
      [a, 'ja'],
      [b, 'en'],
      [c, 'ja'],
    ] as const) {
      const mails = await received(u.email);
      expect(mails, u.email).toHaveLength(1);
      const raw = smtp.messages.find((m) => m.rcptTo.includes(u.email))!;
      expect(raw.rcptTo).toEqual([u.email]);
      const mail = mails[0]!;
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((v) => v.address) : []).toEqual([u.email]);
      expect(mail.cc).toBeUndefined();
      expect(mail.bcc).toBeUndefined();
      expect(mail.headers.get('bcc')).toBeUndefined();
      // mailparser turns List-Unsubscribe into an object: read the raw header line.
      const listUnsub = /^List-Unsubscribe: (.*)$/im.exec(raw.raw.replace(/\r\n[ \t]+/g, ' '))?.[1]?.trim() ?? '';
      expect(raw.raw.match(/^(To|Cc|Bcc):/gim)).toEqual(['To:']);
      expect(listUnsub).toMatch(/^<http:\/\/localhost:3000\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}>$/);
      expect(raw.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      expect(mail.html).toBeTruthy();
      expect(mail.text).toBeTruthy();
      expect(mail.subject).toBe(lang === 'ja' ? '4月のお知らせ' : 'April news Bcc: victim@example.com');
      expect(mail.headers.get('content-language')).toBe(lang);
      // 特定電子メール法 footer in the message's language.
      expect(mail.text).toContain('株式会社サンプル 広報部');
      expect(mail.text).toContain('東京都千代田区丸の内1-1-1');
      expect(mail.text).toContain(lang === 'ja' ? '配信停止: http://localhost:3000/u/' : 'Unsubscribe: http://localhost:3000/u/');
      // Links go through signed click redirects; no tracking pixels.
      expect(mail.html).toContain('http://localhost:3000/r/');
      expect(mail.html).not.toMatch(/<img/i);
    }
    // The injected "Bcc:" in a name stays text in the body.
    const bMail = (await received(b.email))[0]!;
    expect(bMail.text).toContain('Dear Evil Bcc: victim@example.com,');
    const rows = await ledger(id);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(3);
    const [done] = await t.db.select().from(newsletters).where(eq(newsletters.id, id));
    expect(done!.state).toBe('sent');
    expect(await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'newsletter.sent'), eq(auditEvents.subjectId, id)))).toHaveLength(1);

    // The recipient list shows where consent came from, and viewing it is audited.
    const list = await operator.get(`/admin/newsletters/${id}/recipients`);
    expect(list.status).toBe(200);
    expect(list.body).toContain('join');
    expect(await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'newsletter.recipients_viewed'), eq(auditEvents.subjectId, id)))).toHaveLength(1);

    // Clicks: recorded, then a 302 to the signed URL only. A link elsewhere is left alone; a link
    // inside the network carries the newsletter as its source (attribution of what the reader does next).
    const hrefs = [...new Set([...(bMail.html as string).matchAll(/href="(http:\/\/localhost:3000\/r\/[^"]+)"/g)].map((m) => m[1]!))];
    const targets: string[] = [];
    for (const href of hrefs) {
      const clicked = await t.client().get(href);
      expect(clicked.status).toBe(302);
      targets.push(clicked.location!);
    }
    expect(targets.some((u) => new RegExp(`^http://localhost:3000/news/[0-9a-f-]+\\?src=newsletter%3A${id}$`).test(u)), targets.join(' ')).toBe(true);
    for (const u of targets) expect(u).toMatch(new RegExp(`^https://example\\.com/about$|^http://localhost:3000/news/[0-9a-f-]+\\?src=newsletter%3A${id}$`));
    expect(await t.db.select().from(newsletterClicks).where(eq(newsletterClicks.newsletterId, id))).toHaveLength(hrefs.length);
  });

  it('refuses to send until the sender details are filled in', async () => {
    await t.db.execute(sql`update network_settings set sender_postal_address = null`);
    const { invalidateNetworkSettings } = await import('../../shared/network.ts');
    invalidateNetworkSettings(t.db);
    const id = await compose({ subject_ja: '送信者なし', intro_ja: '本文' });
    const res = await operator.post(`/admin/newsletters/${id}/send`);
    expect(res.status).toBe(422);
    expect(res.body).toContain(ja.newsletters.detail.noSender);
    await t.db.execute(sql`update network_settings set sender_postal_address = '東京都千代田区丸の内1-1-1'`);
    invalidateNetworkSettings(t.db);
  });
});

describe('unsubscribe', () => {
  it('GET shows a confirmation and changes nothing; the one-click POST (no session, no CSRF token) unsubscribes and withdraws consent', async () => {
    const u = await member('unsub');
    const token = unsubscribeToken(t.config.secret, u.id);
    const visitor = t.client();
    const page = await visitor.get(`/u/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(ja.newsletters.unsubscribe.confirm);
    expect(page.body).toContain(`/u/${token}/preferences`);
    const [still] = await t.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, u.id));
    expect(still!.newsletter).toBe(true);

    const forged = await visitor.request('POST', `/u/${token.slice(0, -2)}xx`, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.status).toBe(404);

    const res = await visitor.request('POST', `/u/${token}`, { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    const [after] = await t.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, u.id));
    expect(after!.newsletter).toBe(false);
    const [consent] = await t.db.select().from(consents).where(and(eq(consents.userId, u.id), eq(consents.kind, 'newsletter')));
    expect(consent!.withdrawnAt).not.toBeNull();
  });

  it('the preferences page works without signing in and records a consent when newsletters are turned on', async () => {
    const u = await member('prefs', { optIn: false });
    const token = unsubscribeToken(t.config.secret, u.id);
    const visitor = t.client();
    expect((await visitor.get(`/u/${token}/preferences`)).status).toBe(200);
    const res = await visitor.post(`/u/${token}/preferences`, { newsletter: '1', events: '1' });
    expect(res.status).toBe(303);
    const [prefs] = await t.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, u.id));
    expect(prefs).toMatchObject({ newsletter: true, events: true, news: false });
    const rows = await t.db.select().from(consents).where(and(eq(consents.userId, u.id), eq(consents.kind, 'newsletter')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.source).toBe('preferences');
  });

  it('a signed-in member reaches the same preferences from the account page; nobody else does', async () => {
    const u = await member('account-prefs');
    const client = await t.newSession(u);
    expect((await client.get('/account')).body).toContain('href="/account/mail"');
    const res = await client.get('/account/mail');
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/u/${unsubscribeToken(t.config.secret, u.id)}/preferences`);
    expect((await client.get(res.location!)).status).toBe(200);
    const anonymous = await t.client().get('/account/mail');
    expect(anonymous.location ?? '').not.toContain('/u/');
  });

  it('an unsubscribe during a running campaign applies to every batch claimed after it', async () => {
    const people = [await member('mid'), await member('mid'), await member('mid'), await member('mid')];
    const segment = await segmentOf(people.map((p) => p.id));
    const id = await compose({ subject_ja: '途中で停止', intro_ja: '本文', segment });
    expect((await operator.post(`/admin/newsletters/${id}/send`)).status).toBe(303);
    await runSend(t.db, senderDeps({ afterBatch: () => false }), id);
    const sentSoFar = (await ledger(id)).filter((r) => r.state === 'sent').map((r) => r.userId);
    expect(sentSoFar).toHaveLength(2);
    const unsubscribed = people.find((p) => !sentSoFar.includes(p.id))!.id;
    await t.db.update(notificationPreferences).set({ newsletter: false }).where(eq(notificationPreferences.userId, unsubscribed));
    await runSend(t.db, senderDeps(), id);
    const rows = await ledger(id);
    expect(rows.find((r) => r.userId === unsubscribed)).toMatchObject({ state: 'skipped', error: 'unsubscribed' });
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(3);
  });

  it('tokens are bound to their purpose and cannot be forged', () => {
    const token = unsubscribeToken(t.config.secret, 'user-1');
    expect(readUnsubscribeToken(t.config.secret, token)).toBe('user-1');
    expect(readUnsubscribeToken('y'.repeat(40), token)).toBeNull();
    expect(readClickToken(t.config.secret, token)).toBeNull();
    const click = clickToken(t.config.secret, { newsletterId: 'n', userId: 'u', url: 'javascript:alert(1)' });
    expect(readClickToken(t.config.secret, click)).toBeNull();
  });
});

describe('resume, bounces, throttle, pause', () => {
  it('resumes after a forced stop mid-send: nobody missed, the in-flight batch counted', async () => {
    const people = [];
    for (let i = 0; i < 7; i++) people.push(await member('resume'));
    const segment = await segmentOf(people.map((p) => p.id));
    const id = await compose({ subject_ja: '再開テスト', intro_ja: '本文', segment });
    expect((await operator.post(`/admin/newsletters/${id}/send`)).status).toBe(303);
    // First worker: one batch of 2 sent, then it "dies" holding a claimed batch of 2 it never finished.
    await runSend(t.db, senderDeps({ afterBatch: () => false }), id);
    const inFlight = await repo.claimBatch(t.db, id, 2, 60_000);
    expect(inFlight).toHaveLength(2);
    // Pretend those two were actually delivered before the crash (the worst case: they go out twice).
    await t.db.execute(sql`update newsletter_recipients set claimed_at = now() - interval '10 minutes' where newsletter_id = ${id} and state = 'sending'`);
    // Restart: the new worker treats old claims as the crashed batch.
    await runSend(t.db, senderDeps({ staleClaimMs: 60_000 }), id);
    const rows = await ledger(id);
    expect(rows.filter((r) => r.state !== 'sent')).toHaveLength(0);
    for (const p of people) expect((await received(p.email)).length, p.email).toBeGreaterThanOrEqual(1);
    const progress = await repo.progressOf(t.db, id);
    expect(progress).toMatchObject({ total: 7, sent: 7, resumed: 2, retried: 2, pending: 0 });
    const [n] = await t.db.select().from(newsletters).where(eq(newsletters.id, id));
    expect(n!.state).toBe('sent');
    const page = await operator.get(`/admin/newsletters/${id}`);
    expect(page.body).toContain(ja.newsletters.detail.resumed);
  });

  it('a 5xx on RCPT fails the row and suppresses the address; a 4xx is retried later', async () => {
    const hard = await member('bounce');
    const soft = await member('bounce');
    const fine = await member('bounce');
    rcptReplies.set(hard.email, [{ code: 550, message: 'No such user' }]);
    rcptReplies.set(soft.email, [{ code: 451, message: 'Try again later' }]);
    const segment = await segmentOf([hard.id, soft.id, fine.id]);
    const id = await compose({ subject_ja: 'バウンス', intro_ja: '本文', segment });
    expect((await operator.post(`/admin/newsletters/${id}/send`)).status).toBe(303);
    await runJobs();
    let rows = await ledger(id);
    expect(rows.find((r) => r.userId === hard.id)).toMatchObject({ state: 'failed' });
    expect(await t.db.select().from(mailSuppressions).where(eq(mailSuppressions.address, hard.email.toLowerCase()))).toHaveLength(1);
    const softRow = rows.find((r) => r.userId === soft.id)!;
    expect(softRow.state).toBe('pending');
    expect(softRow.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect(rows.find((r) => r.userId === fine.id)!.state).toBe('sent');
    // The retry time comes (moved forward here instead of waiting).
    await t.db.update(newsletterRecipients).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(newsletterRecipients.newsletterId, id));
    await t.db.execute(sql`update jobs set run_at = now() where queue = 'newsletter.send' and state = 'pending'`);
    await runJobs();
    rows = await ledger(id);
    expect(rows.find((r) => r.userId === soft.id)).toMatchObject({ state: 'sent', attempts: 2 });
    const [n] = await t.db.select().from(newsletters).where(eq(newsletters.id, id));
    expect(n!.state).toBe('sent');
    // A suppressed address is not in the next newsletter's audience.
    expect(await repo.countEligible(t.db, { roles: ['alumnus'] })).toBe(2);
  });

  it('the throttle spaces messages at the configured rate (counted on a fake clock)', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) };
    const throttle = new Throttle(5, clock);
    for (let i = 0; i < 11; i++) await throttle.take();
    // 11 messages at 5 per second: the last may start no earlier than 2 seconds after the first.
    expect(now).toBeGreaterThanOrEqual(2000);
    expect(sleeps).toHaveLength(10);
    const free = new Throttle(null, clock);
    await free.take();
    expect(sleeps).toHaveLength(10);

    // Through the sender: 6 messages at 3 per second on the fake clock.
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await member('rate'));
    const segment = await segmentOf(people.map((p) => p.id));
    const id = await compose({ subject_ja: '送信速度', intro_ja: '本文', segment, rate: '3' });
    expect((await operator.post(`/admin/newsletters/${id}/send`)).status).toBe(303);
    now = 0;
    await runSend(t.db, senderDeps({ clock }), id);
    expect((await ledger(id)).filter((r) => r.state === 'sent')).toHaveLength(6);
    expect(now).toBeGreaterThanOrEqual((5 / 3) * 1000 - 1);
  });

  it('pause stops the send before the next batch; resume continues; cancel skips the rest', async () => {
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await member('pause'));
    const segment = await segmentOf(people.map((p) => p.id));
    const id = await compose({ subject_ja: '一時停止', intro_ja: '本文', segment });
    expect((await operator.post(`/admin/newsletters/${id}/send`)).status).toBe(303);
    expect((await operator.post(`/admin/newsletters/${id}/pause`)).status).toBe(303);
    await runJobs();
    expect((await ledger(id)).filter((r) => r.state === 'sent')).toHaveLength(0);
    const paused = await operator.get(`/admin/newsletters/${id}`);
    expect(paused.body).toContain(ja.newsletters.detail.resume);
    expect((await operator.post(`/admin/newsletters/${id}/resume`)).status).toBe(303);
    await runSend(t.db, senderDeps({ afterBatch: () => false }), id);
    expect((await ledger(id)).filter((r) => r.state === 'sent')).toHaveLength(2);
    expect((await operator.post(`/admin/newsletters/${id}/cancel`)).status).toBe(303);
    await runJobs();
    const rows = await ledger(id);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(2);
    expect(rows.filter((r) => r.state === 'skipped')).toHaveLength(4);
    expect(await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'newsletter.cancelled'), eq(auditEvents.subjectId, id)))).toHaveLength(1);
    // Cancelled is final.
    expect((await operator.post(`/admin/newsletters/${id}/resume`)).status).toBe(422);
  });

  it('community managers compose but cannot send; alumni cannot reach the pages; bad input is a 422', async () => {
    const cm = (await t.signedIn('community_manager')).client;
    expect((await cm.get('/admin/newsletters')).status).toBe(200);
    const id = await compose({ subject_ja: '権限', intro_ja: '本文' });
    expect((await cm.post(`/admin/newsletters/${id}/send`)).status).toBe(403);
    const alumnus = (await t.signedIn('alumnus')).client;
    expect((await alumnus.get('/admin/newsletters')).status).toBe(403);
    const bad = await operator.post('/admin/newsletters', { subject_ja: '', subject_en: '', intro_ja: '', intro_en: '', segment: 'nope', rate: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(ja.newsletters.compose.subjectNeeded);
    expect((await operator.get(`/admin/newsletters/${crypto.randomUUID()}`)).status).toBe(404);
    const badTime = await operator.post(`/admin/newsletters/${id}/schedule`, { at: '2001-01-01T09:00' });
    expect(badTime.status).toBe(422);
  });

  it('a scheduled newsletter starts when its job is due', async () => {
    const u = await member('sched');
    const segment = await segmentOf([u.id]);
    const id = await compose({ subject_ja: '予約', intro_ja: '本文', segment });
    const res = await operator.post(`/admin/newsletters/${id}/schedule`, { at: '2099-01-01T09:00' });
    expect(res.status).toBe(303);
    const [n] = await t.db.select().from(newsletters).where(eq(newsletters.id, id));
    // 09:00 in Tokyo is 00:00 UTC.
    expect(n!.scheduledAt!.toISOString()).toBe('2099-01-01T00:00:00.000Z');
    await t.db.update(newsletters).set({ scheduledAt: new Date() }).where(eq(newsletters.id, id));
    await t.db.execute(sql`update jobs set run_at = now() where queue = 'newsletter.send' and state = 'pending'`);
    await runJobs();
    expect(await received(u.email)).toHaveLength(1);
  });
});

describe('SpamAssassin', () => {
  const hasSpamAssassin = spawnSync('spamassassin', ['--version']).status === 0;
  it.skipIf(!hasSpamAssassin)('scores a rendered newsletter at most 1.0 (local rules)', async () => {
    const u = await member('spam', { locale: 'ja' });
    const segment = await segmentOf([u.id]);
    const p = await post('アルムナイ交流会を開催しました', 'Alumni meetup');
    const id = await compose({ subject_ja: '11月のアルムナイ通信', intro_ja: '皆さま、いつもありがとうございます。今月のお知らせをお届けします。', segment }, [p]);
    expect((await operator.post(`/admin/newsletters/${id}/send`)).status).toBe(303);
    await runJobs();
    const raw = smtp.messages.find((m) => m.rcptTo.includes(u.email))!.raw;
    const report = execFileSync('spamassassin', ['-t', '-L'], { input: raw, encoding: 'utf8' });
    const score = Number(/^X-Spam-Status: \w+, score=(-?[\d.]+)/m.exec(report)?.[1]);
    expect(score, report.slice(report.indexOf('Content analysis details'))).toBeLessThanOrEqual(1.0);
  });
  if (!hasSpamAssassin) it.skip('SpamAssassin is not installed here (apt-get install spamassassin); CI installs it', () => {});
});

describe('job handlers', () => {
  it('reject a bad payload for good', async () => {
    const handlers = newsletterJobHandlers(senderDeps());
    await expect(handlers['newsletter.send']!({ newsletterId: 'x' }, { db: t.db, jobId: 1, attempt: 1, maxAttempts: 1, log: t.logger })).rejects.toThrow(/payload/);
  });
});
