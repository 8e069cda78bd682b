import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { messages } from '../i18n/index.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase } from '../../../test/db.ts';
import type { Database, Db } from '../../db/client.ts';
import { jobs, mailMessages } from '../../db/schema.ts';
import { claimJobs, startWorkers, type Job, type Workers } from '../jobs/queue.ts';
import {
  getMail,
  listMail,
  MAIL_QUEUE,
  MAIL_TEMPLATES,
  mailCounts,
  mailJobHandlers,
  queueMail,
  readOutboxEml,
  redactLinks,
  renderMail,
} from './mail.ts';
import { createTransport, MailValidationError, type MailTransport } from './mailer.ts';
import { parseMessage, startSmtpReceiver, type SmtpReceiver } from './testing.ts';

const config = { mailFrom: 'Kizuna <no-reply@kizuna.test>' };
const JA = 'きずな同窓会';
const EN = 'Kizuna Alumni';

let database: Database;
let db: Db;
let receiver: SmtpReceiver;
let smtp: MailTransport;
let tmpDir: string;
const tempFailed = new Set<string>();

beforeAll(async () => {
  [database, receiver] = await Promise.all([
    createTestDatabase(),
    startSmtpReceiver({
      onRcpt: (address) => {
        if (address.startsWith('reject')) return { code: 550, message: 'Mailbox unavailable' };
        if (address.startsWith('always-busy')) return { code: 451, message: 'Try again later' };
        // Temporarily refused the first time, accepted afterwards.
        if (address.startsWith('busy') && !tempFailed.has(address)) {
          tempFailed.add(address);
          return { code: 451, message: 'Try again later' };
        }
        return undefined;
      },
    }),
  ]);
  db = database.db;
  smtp = createTransport({ smtpUrl: receiver.url, dataDir: '/nonexistent' });
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-mail-'));
});

afterAll(async () => {
  await smtp?.close();
  await receiver?.close();
  // pg's Pool.end() resolves before its sockets close, and test/db.ts then drops the
  // database WITH (FORCE): a backend still exiting reports 57P01 to a client the pool no
  // longer watches. That error is expected during teardown.
  database?.pool?.on('error', () => {});
  await database?.close();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.delete(jobs);
  await db.delete(mailMessages);
});

function received(address: string) {
  return receiver.messages.filter((m) => m.rcptTo.includes(address));
}

async function mailRow(id: string) {
  const [row] = await db.select().from(mailMessages).where(eq(mailMessages.id, id));
  return row!;
}

async function mailJob(): Promise<Job> {
  const [row] = await db.select().from(jobs).where(eq(jobs.queue, MAIL_QUEUE));
  return row!;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs the mail worker until every job has left the pending/running states. */
async function drain(transport: MailTransport = smtp): Promise<void> {
  const workers: Workers = startWorkers({
    database,
    handlers: mailJobHandlers({ transport, config }),
    pollMs: 20,
    backoff: { baseSeconds: 0.02, jitter: 0 },
  });
  try {
    await until(async () => {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int`.mapWith(Number) })
        .from(jobs)
        .where(sql`${jobs.state} in ('pending', 'running')`);
      return row!.n === 0;
    });
  } finally {
    await workers.stop();
  }
}

describe('renderMail', () => {
  it('knows the account templates and renders every catalogue template in both languages', () => {
    expect(MAIL_TEMPLATES).toEqual(
      expect.arrayContaining(['magicLink', 'magicLinkTwoFactor', 'resetPassword', 'signUpExisting', 'staffInvitation', 'test', 'verifyEmail']),
    );
    for (const template of MAIL_TEMPLATES) {
      const t = (messages('en').mail as unknown as Record<string, { subject: string; body: string }>)[template]!;
      const vars = Object.fromEntries([...`${t.subject} ${t.body}`.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, `<${m[1]}>`]));
      for (const locale of ['ja', 'en'] as const) {
        const r = renderMail(template, locale, { network: 'N', ...vars });
        expect(r.subject, `${template}/${locale}`).not.toMatch(/\{\w+\}/);
        expect(r.text, `${template}/${locale}`).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('renders subject, text with footer and an HTML part in the given language', () => {
    const ja = renderMail('verifyEmail', 'ja', { network: JA, name: '山田 <花子>', url: 'https://kizuna.test/verify?token=t0k&x=1' });
    expect(ja.subject).toBe(`【${JA}】メールアドレスの確認`);
    expect(ja.text.startsWith('山田 <花子>さん\n\n')).toBe(true);
    expect(ja.text).toContain('https://kizuna.test/verify?token=t0k&x=1\n');
    expect(ja.text).toMatch(new RegExp(`\n\n-- \nこのメールは${JA}から送信されました。`));
    expect(ja.html).toContain('<html lang="ja">');
    expect(ja.html).toContain('山田 &#60;花子&#62;さん');
    expect(ja.html).toContain('<a href="https://kizuna.test/verify?token=t0k&#38;x=1">https://kizuna.test/verify?token=t0k&#38;x=1</a>');
    expect(ja.html).not.toContain('<花子>');

    const en = renderMail('magicLink', 'en', { network: EN, url: 'https://kizuna.test/m?token=abc' });
    expect(en.subject).toBe(`[${EN}] Your sign-in link`);
    expect(en.text).toContain('Use this link to sign in');
    expect(en.html).toContain('<html lang="en">');
  });

  it('refuses a template whose placeholders are not all given', () => {
    expect(() => renderMail('verifyEmail', 'en', { network: EN, url: 'https://x.test' })).toThrow(/\{name\}/);
    expect(() => renderMail('test', 'en', {})).toThrow(/\{network\}/);
  });

  it('turns line breaks in subject variables into spaces', () => {
    const r = renderMail('staffInvitation', 'en', {
      network: EN,
      role: 'Manager\r\nBcc: victim@evil.test',
      inviter: 'Eve',
      url: 'https://kizuna.test/i',
    });
    expect(r.subject).toBe(`[${EN}] You are invited to join as Manager Bcc: victim@evil.test`);
  });

  it('redacts the secret parts of links', () => {
    expect(redactLinks('Go to https://kizuna.test/api/auth/magic-link/verify?token=abc&cb=%2F.')).toBe(
      'Go to https://kizuna.test/api/auth/magic-link/verify?….',
    );
    expect(redactLinks('https://kizuna.test/reset-password/Zx9_aaaaaaaaaaaaaaaaaaaa')).toBe('https://kizuna.test/reset-password/…');
    expect(redactLinks('https://kizuna.test/help')).toBe('https://kizuna.test/help');
  });
});

describe('queueMail and the mail worker over SMTP', () => {
  it('delivers exactly one message per key, to one recipient, in the recipient’s language', async () => {
    const to = 'hanako@example.test';
    const input = {
      key: 'magic:hanako:1',
      to,
      userId: 'u1',
      locale: 'ja' as const,
      template: 'magicLink' as const,
      vars: { network: JA, url: 'https://kizuna.test/api/auth/magic-link/verify?token=SECRET123' },
    };
    const id = await db.transaction((tx) => queueMail(tx, input));
    expect(id).toBeTypeOf('string');
    expect(await mailRow(id!)).toMatchObject({ state: 'queued', toAddress: to, locale: 'ja', template: 'magicLink', userId: 'u1' });
    expect(await mailJob()).toMatchObject({ payload: { messageId: id }, state: 'pending', maxAttempts: 10 });

    await drain();
    const messages = received(to);
    expect(messages).toHaveLength(1);
    const msg = messages[0]!;
    expect(msg.rcptTo).toEqual([to]);
    expect(receiver.rcptAttempts.filter((a) => a === to)).toHaveLength(1);
    const parsed = parseMessage(msg.raw);
    expect(parsed.header('subject')).toBe(`【${JA}】ログインリンク`);
    expect(parsed.header('from')).toBe('Kizuna <no-reply@kizuna.test>');
    expect(parsed.header('to')).toBe(to);
    expect(parsed.header('content-language')).toBe('ja');
    expect(parsed.header('auto-submitted')).toBe('auto-generated');
    expect(parsed.headerLines.filter((l) => /^(cc|bcc):/i.test(l))).toEqual([]);
    expect(parsed.text).toContain(`次のリンクから${JA}にログインできます。`);
    expect(parsed.text).toContain('https://kizuna.test/api/auth/magic-link/verify?token=SECRET123');
    expect(parsed.text).toContain(`-- \nこのメールは${JA}から送信されました。`);
    expect(parsed.html).toContain('<html lang="ja">');
    expect(parsed.html).toContain('<a href="https://kizuna.test/api/auth/magic-link/verify?token=SECRET123">');

    const row = await mailRow(id!);
    expect(row).toMatchObject({ state: 'sent', transport: 'smtp', emlPath: null, error: null, subject: `【${JA}】ログインリンク` });
    expect(row.messageId).toBe(parsed.header('message-id'));
    expect(row.sentAt).toBeInstanceOf(Date);
    // The ledger keeps where the link went, not the token.
    expect(row.textBody).toContain('https://kizuna.test/api/auth/magic-link/verify?…');
    expect(row.textBody).not.toContain('SECRET123');
    expect((await mailJob()).state).toBe('done');

    // Queueing the same key again is a no-op: no new row, no job, no message.
    expect(await queueMail(db, { ...input, vars: { ...input.vars, url: 'https://kizuna.test/other' } })).toBeNull();
    expect(await db.select().from(mailMessages)).toHaveLength(1);
    expect(await db.select().from(jobs)).toHaveLength(1);
    await drain();
    expect(received(to)).toHaveLength(1);
  });

  it('sends the ledger row’s attachments, with an inline image referenced by the HTML part', async () => {
    const to = 'attach@example.test';
    const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    await queueMail(db, {
      key: 'attach:1',
      to,
      locale: 'en',
      template: 'verifyEmail',
      vars: { network: EN, name: 'John', url: 'https://kizuna.test/v?t=1' },
      attachments: [
        { filename: 'event.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', content: Buffer.from(ics).toString('base64') },
        { filename: 'code.png', contentType: 'image/png', content: png.toString('base64'), cid: 'code@kizuna', alt: 'Check-in code <1>' },
      ],
    });
    await drain();
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(received(to)[0]!.raw);
    const files = parsed.attachments.map((a) => ({ name: a.filename, type: a.contentType, cid: a.cid ?? null, body: a.content.toString('latin1') }));
    files.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(files).toEqual([
      { name: 'code.png', type: 'image/png', cid: 'code@kizuna', body: png.toString('latin1') },
      { name: 'event.ics', type: 'text/calendar', cid: null, body: ics },
    ]);
    expect(String(parsed.html)).toContain('alt="Check-in code &#60;1&#62;"');
    expect(received(to)[0]!.rcptTo).toEqual([to]);
  });

  it('sends English to an English reader', async () => {
    const to = 'john@example.test';
    await queueMail(db, { key: 'verify:john', to, locale: 'en', template: 'verifyEmail', vars: { network: EN, name: 'John', url: 'https://kizuna.test/v?t=1' } });
    await drain();
    const parsed = parseMessage(received(to)[0]!.raw);
    expect(parsed.header('subject')).toBe(`[${EN}] Confirm your e-mail address`);
    expect(parsed.text).toContain('Hello John,');
    expect(parsed.header('content-language')).toBe('en');
  });

  it('skips a message that was already sent when its job runs again', async () => {
    const to = 'twice@example.test';
    const id = (await queueMail(db, { key: 'twice', to, locale: 'en', template: 'test', vars: { network: EN } }))!;
    await drain();
    expect(received(to)).toHaveLength(1);
    // A duplicate job for the same ledger row (e.g. a resend after a crash).
    const handler = mailJobHandlers({ transport: smtp, config })[MAIL_QUEUE]!;
    const { pino } = await import('pino');
    await handler({ messageId: id }, { db, jobId: 0, attempt: 1, maxAttempts: 1, log: pino({ level: 'silent' }) });
    expect(received(to)).toHaveLength(1);
  });

  it('adds nothing when the caller’s transaction rolls back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await queueMail(tx, { key: 'rolled-back', to: 'rb@example.test', locale: 'en', template: 'test', vars: { network: EN } });
        tx.rollback();
      }),
    ).rejects.toThrow();
    expect(await db.select().from(mailMessages)).toHaveLength(0);
    expect(await db.select().from(jobs)).toHaveLength(0);
  });

  it('neutralises CR/LF injected through variables; refuses it in the address', async () => {
    const to = 'invitee@example.test';
    await queueMail(db, {
      key: 'invite:1',
      to,
      locale: 'en',
      template: 'staffInvitation',
      vars: {
        network: `${EN}\r\nBcc: victim1@evil.test`,
        role: 'Manager\r\nBcc: victim2@evil.test\r\n\r\nInjected body',
        inviter: 'Eve\r\nBcc: victim3@evil.test',
        url: 'https://kizuna.test/invite/abc',
      },
    });
    await drain();
    const messages = received(to);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.rcptTo).toEqual([to]);
    expect(receiver.rcptAttempts.some((a) => a.includes('evil'))).toBe(false);
    const parsed = parseMessage(messages[0]!.raw);
    expect(parsed.headerLines.filter((l) => /^bcc:/i.test(l))).toEqual([]);
    // Every header line is a proper `Name: value` line: no header and no body were started early.
    expect(parsed.headerLines.filter((l) => !/^[A-Za-z0-9-]+: /.test(l))).toEqual([]);
    expect(parsed.text!.startsWith('Hello,')).toBe(true);
    expect(parsed.header('subject')).toBe(
      `[${EN} Bcc: victim1@evil.test] You are invited to join as Manager Bcc: victim2@evil.test Injected body`,
    );

    for (const bad of ['a@example.test\r\nBcc: victim@evil.test', 'a@example.test, b@example.test', 'Team: a@example.test;']) {
      await expect(
        queueMail(db, { key: `bad:${bad}`, to: bad, locale: 'en', template: 'test', vars: { network: EN } }),
      ).rejects.toBeInstanceOf(MailValidationError);
    }
    expect(await db.select().from(mailMessages)).toHaveLength(1);
  });

  it('marks a message refused with 550 as failed and does not retry it', async () => {
    const to = 'reject-me@example.test';
    const id = (await queueMail(db, { key: 'reject', to, locale: 'en', template: 'test', vars: { network: EN } }))!;
    await drain();
    const row = await mailRow(id);
    expect(row.state).toBe('failed');
    expect(row.error).toMatch(/550/);
    expect(row.sentAt).toBeNull();
    const job = await mailJob();
    expect(job).toMatchObject({ state: 'done', attempts: 1 });
    expect(receiver.rcptAttempts.filter((a) => a === to)).toHaveLength(1);
    expect(received(to)).toHaveLength(0);
  });

  it('retries a message refused with 451, then delivers it', async () => {
    const to = 'busy-once@example.test';
    const id = (await queueMail(db, { key: 'busy', to, locale: 'en', template: 'test', vars: { network: EN } }))!;

    // First attempt by hand, to look at the state between the two attempts.
    const handler = mailJobHandlers({ transport: smtp, config })[MAIL_QUEUE]!;
    const [job] = await claimJobs(db, { queues: [MAIL_QUEUE], limit: 1, workerId: 't' });
    const { pino } = await import('pino');
    await expect(
      handler(job!.payload, { db, jobId: job!.id, attempt: job!.attempts, maxAttempts: job!.maxAttempts, log: pino({ level: 'silent' }) }),
    ).rejects.toMatchObject({ responseCode: 451 });
    expect(await mailRow(id)).toMatchObject({ state: 'queued' });
    expect((await mailRow(id)).error).toMatch(/451/);
    // Give the job back as the worker would (a retry that is due at once).
    await db.update(jobs).set({ state: 'pending', lockedBy: null, lockedAt: null }).where(eq(jobs.id, job!.id));

    await drain();
    expect(received(to)).toHaveLength(1);
    expect(await mailRow(id)).toMatchObject({ state: 'sent', error: null });
    expect(await mailJob()).toMatchObject({ state: 'done', attempts: 2 });
    expect(receiver.rcptAttempts.filter((a) => a === to)).toHaveLength(2);
  });

  it('retries temporary failures with backoff through the worker, and fails the message on the last attempt', async () => {
    const to = 'always-busy@example.test';
    const id = (await queueMail(db, { key: 'always-busy', to, locale: 'en', template: 'test', vars: { network: EN } }))!;
    await db.update(jobs).set({ maxAttempts: 3 });
    await drain();
    expect(receiver.rcptAttempts.filter((a) => a === to)).toHaveLength(3);
    expect(await mailJob()).toMatchObject({ state: 'failed', attempts: 3 });
    const row = await mailRow(id);
    expect(row.state).toBe('failed');
    expect(row.error).toMatch(/451/);
  });
});

describe('mailJobHandlers', () => {
  it('refuses to start with a sender that is not one address', () => {
    expect(() => mailJobHandlers({ transport: smtp, config: { mailFrom: 'a@kizuna.test, b@kizuna.test' } })).toThrow(MailValidationError);
    expect(() => mailJobHandlers({ transport: smtp, config: { mailFrom: 'Kizuna\r\nBcc: x@evil.test <a@kizuna.test>' } })).toThrow(
      MailValidationError,
    );
  });
});

describe('outbox transport', () => {
  it('writes a readable .eml file and records its path', async () => {
    const dataDir = path.join(tmpDir, 'data');
    const outbox = createTransport({ smtpUrl: undefined, dataDir });
    const url = 'https://kizuna.test/reset-password/AbCdEfGhIjKlMnOpQrSt?callbackURL=%2F';
    const id = (await queueMail(db, {
      key: 'reset:1',
      to: 'reader@example.test',
      locale: 'ja',
      template: 'resetPassword',
      vars: { network: JA, name: '佐藤', url },
    }))!;
    await drain(outbox);
    const row = await mailRow(id);
    expect(row).toMatchObject({ state: 'sent', transport: 'outbox' });
    expect(row.emlPath).toMatch(new RegExp(`^${path.resolve(dataDir, 'outbox')}/.+\\.eml$`));
    const raw = await readOutboxEml({ dataDir }, row);
    expect(raw).toBe(fs.readFileSync(row.emlPath!, 'utf8'));
    const parsed = parseMessage(raw!);
    expect(parsed.header('subject')).toBe(`【${JA}】パスワードの再設定`);
    expect(parsed.header('to')).toBe('reader@example.test');
    expect(parsed.text).toContain('佐藤さん');
    expect(parsed.text).toContain(url);
    // Only files inside the outbox are read.
    expect(await readOutboxEml({ dataDir }, { emlPath: '/etc/passwd' })).toBeNull();
    expect(await readOutboxEml({ dataDir: tmpDir }, row)).toBeNull();
    await outbox.close();
  });
});

describe('operator views', () => {
  it('lists, counts and shows messages without live links', async () => {
    const first = (await queueMail(db, { key: 'v1', to: 'v1@example.test', locale: 'en', template: 'test', vars: { network: EN } }))!;
    await new Promise((r) => setTimeout(r, 5));
    const second = (await queueMail(db, {
      key: 'v2',
      to: 'v2@example.test',
      locale: 'en',
      template: 'magicLink',
      vars: { network: EN, url: 'https://kizuna.test/m?token=LIVE' },
    }))!;
    const list = await listMail(db, { limit: 10, offset: 0 });
    expect(list.map((m) => m.id)).toEqual([second, first]);
    expect(list[0]).not.toHaveProperty('textBody');
    expect(await listMail(db, { limit: 1, offset: 1 })).toHaveLength(1);
    expect(await mailCounts(db)).toEqual({ queued: 2, sent: 0, failed: 0 });

    const shown = await getMail(db, second);
    expect(shown).toMatchObject({ id: second, state: 'queued', subject: `[${EN}] Your sign-in link` });
    expect(shown!.textBody).toContain('https://kizuna.test/m?…');
    expect(shown!.textBody).not.toContain('LIVE');
    expect(await getMail(db, 'not-a-uuid')).toBeNull();
    expect(await getMail(db, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
