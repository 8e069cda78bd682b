import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, isPermanentSmtpError, MailValidationError, parseSingleAddress, type MailTransport, type OutgoingMail } from './mailer.ts';
import { parseMessage, startSmtpReceiver, type SmtpReceiver } from './testing.ts';

let receiver: SmtpReceiver;
let smtp: MailTransport;
let tmpDir: string;

beforeAll(async () => {
  receiver = await startSmtpReceiver({
    onRcpt: (address) => {
      if (address.startsWith('reject')) return { code: 550, message: 'No such user here' };
      if (address.startsWith('busy')) return { code: 451, message: 'Try again later' };
      return undefined;
    },
  });
  smtp = createTransport({ smtpUrl: receiver.url, dataDir: '/nonexistent' });
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-mailer-'));
});

afterAll(async () => {
  await smtp?.close();
  await receiver?.close();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

const base: OutgoingMail = {
  from: 'Kizuna <no-reply@kizuna.test>',
  to: 'alice@example.test',
  subject: 'Hello',
  text: 'Hello Alice',
};

describe('SMTP transport', () => {
  it('is pooled SMTP and delivers one message to one recipient', async () => {
    expect(smtp.kind).toBe('smtp');
    await smtp.verify();
    const before = receiver.messages.length;
    const sent = await smtp.send({ ...base, to: 'Alice Example <alice@example.test>', subject: 'こんにちは', text: '本文です。' });
    expect(sent.transport).toBe('smtp');
    expect(sent.emlPath).toBeNull();
    expect(sent.response).toMatch(/^250/);
    const [msg] = (await receiver.waitForMessages(before + 1)).slice(before);
    expect(msg!.rcptTo).toEqual(['alice@example.test']);
    expect(msg!.mailFrom).toBe('no-reply@kizuna.test');
    const parsed = parseMessage(msg!.raw);
    expect(parsed.header('subject')).toBe('こんにちは');
    expect(parsed.header('to')).toBe('Alice Example <alice@example.test>');
    expect(parsed.header('message-id')).toBe(sent.messageId);
    expect(parsed.text?.trim()).toBe('本文です。');
  });

  it('reports a 550 as permanent and a 451 as temporary', async () => {
    const permanent = await smtp.send({ ...base, to: 'reject@example.test' }).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(Error);
    expect((permanent as { responseCode?: number }).responseCode).toBe(550);
    expect(isPermanentSmtpError(permanent)).toBe(true);

    const temporary = await smtp.send({ ...base, to: 'busy@example.test' }).catch((e: unknown) => e);
    expect((temporary as { responseCode?: number }).responseCode).toBe(451);
    expect(isPermanentSmtpError(temporary)).toBe(false);

    // The pool is still usable afterwards.
    await smtp.send({ ...base, to: 'after-errors@example.test' });
  });

  it('classifies errors without a reply code as temporary', () => {
    expect(isPermanentSmtpError(Object.assign(new Error('refused'), { code: 'ECONNECTION' }))).toBe(false);
    expect(isPermanentSmtpError(Object.assign(new Error('auth'), { code: 'EAUTH', responseCode: 535 }))).toBe(false);
    expect(isPermanentSmtpError(Object.assign(new Error('seq'), { responseCode: 503 }))).toBe(false);
    expect(isPermanentSmtpError(Object.assign(new Error('no'), { responseCode: 554 }))).toBe(true);
    expect(isPermanentSmtpError('string')).toBe(false);
  });
});

describe('one recipient, clean headers', () => {
  const refused: [string, OutgoingMail][] = [
    ['two addresses', { ...base, to: 'a@example.test, b@example.test' }],
    ['two addresses with ;', { ...base, to: 'a@example.test; b@example.test' }],
    ['a second address in the name', { ...base, to: 'a@example.test b@example.test' }],
    ['a group', { ...base, to: 'Team: a@example.test, b@example.test;' }],
    ['a list', { ...base, to: ['a@example.test'] as unknown as string }],
    ['no address', { ...base, to: '' }],
    ['an invalid address', { ...base, to: 'not-an-address' }],
    ['cc', { ...base, cc: 'c@example.test' } as OutgoingMail],
    ['bcc', { ...base, bcc: ['c@example.test'] } as unknown as OutgoingMail],
    ['CR/LF in the subject', { ...base, subject: 'Hi\r\nBcc: victim@evil.test' }],
    ['LF in the subject', { ...base, subject: 'Hi\nBcc: victim@evil.test' }],
    ['CR/LF in the address', { ...base, to: 'alice@example.test\r\nBcc: victim@evil.test' }],
    ['CR/LF in the name', { ...base, to: { name: 'Alice\r\nBcc: victim@evil.test', address: 'alice@example.test' } }],
    ['CR/LF in a quoted name', { ...base, to: '"Alice\r\nBcc: victim@evil.test" <alice@example.test>' }],
    ['CR/LF in the sender', { ...base, from: 'Kizuna\r\nBcc: victim@evil.test <no-reply@kizuna.test>' }],
    ['two senders', { ...base, from: 'a@kizuna.test, b@kizuna.test' }],
    ['CR/LF in a header', { ...base, headers: { 'X-Test': 'a\r\nBcc: victim@evil.test' } }],
    ['an address header', { ...base, headers: { Bcc: 'victim@evil.test' } }],
    ['a bad header name', { ...base, headers: { 'X Bad:': 'x' } }],
  ];
  it.each(refused)('refuses %s before anything is sent', async (_label, mail) => {
    const attempts = receiver.rcptAttempts.length;
    await expect(smtp.send(mail)).rejects.toBeInstanceOf(MailValidationError);
    expect(receiver.rcptAttempts.length).toBe(attempts);
  });

  it('parses one address with or without a name', () => {
    expect(parseSingleAddress('a@example.test')).toEqual({ name: '', address: 'a@example.test' });
    expect(parseSingleAddress('"Doe, Jane" <jane@example.test>')).toEqual({ name: 'Doe, Jane', address: 'jane@example.test' });
    expect(parseSingleAddress('山田 太郎 <taro@example.test>')).toEqual({ name: '山田 太郎', address: 'taro@example.test' });
  });
});

describe('outbox transport', () => {
  it('writes each message as a readable .eml file into <dataDir>/outbox', async () => {
    const dataDir = path.join(tmpDir, 'data');
    const outbox = createTransport({ smtpUrl: undefined, dataDir });
    expect(outbox.kind).toBe('outbox');
    await outbox.verify();
    const sent = await outbox.send({
      ...base,
      to: 'bob@example.test',
      subject: '【Kizuna】テスト',
      text: 'こんにちは\n\nhttps://kizuna.test/x?token=abc',
      html: '<p>こんにちは</p>',
    });
    expect(sent.transport).toBe('outbox');
    expect(path.dirname(sent.emlPath!)).toBe(path.resolve(dataDir, 'outbox'));
    expect(sent.emlPath).toMatch(/\.eml$/);
    expect(fs.statSync(sent.emlPath!).mode & 0o777).toBe(0o600);
    const raw = fs.readFileSync(sent.emlPath!, 'utf8');
    const parsed = parseMessage(raw);
    expect(parsed.header('to')).toBe('bob@example.test');
    expect(parsed.header('subject')).toBe('【Kizuna】テスト');
    expect(parsed.header('message-id')).toBe(sent.messageId);
    expect(parsed.text).toContain('https://kizuna.test/x?token=abc');
    expect(parsed.html).toContain('<p>こんにちは</p>');
    // No temporary file left behind.
    expect(fs.readdirSync(path.join(dataDir, 'outbox'))).toEqual([path.basename(sent.emlPath!)]);

    await expect(outbox.send({ ...base, to: 'a@example.test, b@example.test' })).rejects.toBeInstanceOf(MailValidationError);
    expect(fs.readdirSync(path.join(dataDir, 'outbox'))).toHaveLength(1);
    await outbox.close();
  });
});
