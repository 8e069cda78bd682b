import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  enrolTwoFactor,
  inputValue,
  linkIn,
  normalisePage,
  signIn,
  TEST_PASSWORD,
  tokenOf,
  totpCode,
  type Client,
  type TestApp,
} from '../../../test/app.ts';
import { auditEvents, mailMessages, sessions, users } from '../../db/schema.ts';
import { LIMITS } from '../../shared/http/rate-limit.ts';
import { messages } from '../../shared/i18n/index.ts';
import { safeNext } from './auth.routes.tsx';

const ja = messages('ja');
const en = messages('en');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

async function auditOf(action: string) {
  return t.db.select().from(auditEvents).where(eq(auditEvents.action, action));
}

async function isSignedIn(client: Client): Promise<boolean> {
  const res = await client.get('/account');
  return res.status === 200;
}

describe('sign-in with a password', () => {
  it('signs in, audits it, and goes to a same-site `next` only', async () => {
    const user = await t.createUser('alumnus');
    const client = t.client();
    const res = await client.post('/auth/sign-in', { email: user.email, password: user.password, next: '/account' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account');
    expect(await isSignedIn(client)).toBe(true);
    const events = (await auditOf('auth.sign_in')).filter((e) => e.actorId === user.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toEqual({ method: 'password' });
    expect(events[0]!.ip).toBe(client.ip);

    const other = t.client();
    const evil = await other.post('/auth/sign-in', { email: user.email, password: user.password, next: '//evil.example/' });
    expect(evil.location).toBe('/');
  });

  it('keeps the e-mail address case-insensitive', async () => {
    const user = await t.createUser('alumnus');
    const res = await t.client().post('/auth/sign-in', { email: user.email.toUpperCase(), password: user.password });
    expect(res.status).toBe(303);
  });

  it('answers a wrong password and an unknown address with the same page, and audits both', async () => {
    const user = await t.createUser('alumnus');
    const client = t.client();
    const wrong = await client.post('/auth/sign-in', { email: user.email, password: 'wrong-password-123' });
    const unknown = await client.post('/auth/sign-in', { email: 'nobody-here@example.com', password: 'wrong-password-123' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toContain(ja.auth.invalid);
    // The page echoes the address typed; apart from that (and the nonce) the answers are identical.
    const a = normalisePage(wrong.body).replaceAll(user.email, '{email}');
    const b = normalisePage(unknown.body).replaceAll('nobody-here@example.com', '{email}');
    expect(a).toBe(b);
    expect(client.hasSessionCookie()).toBe(false);

    const failed = await auditOf('auth.sign_in_failed');
    const forUser = failed.find((e) => (e.details as { email?: string }).email === user.email.toLowerCase());
    const forUnknown = failed.find((e) => (e.details as { email?: string }).email === 'nobody-here@example.com');
    expect(forUser).toBeDefined();
    expect(forUnknown).toBeDefined();
    expect(forUser!.actorId).toBeNull();
    expect((forUser!.details as { reason: string }).reason).toBe((forUnknown!.details as { reason: string }).reason);
    expect(forUser!.ip).toBe(client.ip);
  });

  it('refuses an empty form without touching the database', async () => {
    const res = await t.client().post('/auth/sign-in', { email: '', password: '' });
    expect(res.status).toBe(401);
    expect(res.body).toContain(ja.auth.invalid);
  });

  it('asks an unverified account to confirm its address first and sends a new link', async () => {
    const user = await t.createUser('alumnus', { emailVerified: false, status: 'pending' });
    const res = await t.client().post('/auth/sign-in?lang=en', { email: user.email, password: user.password });
    expect(res.status).toBe(403);
    expect(res.body).toContain(en.auth.verifyNeeded);
    const mail = await t.lastMail(user.email, 'verifyEmail');
    expect(linkIn(mail.text, '/auth/verify-email')).toContain('token=');
  });

  it('accepts only same-site relative paths as `next`', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('/admin/audit?action=x')).toBe('/admin/audit?action=x');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', undefined, 42, `/${'a'.repeat(600)}`]) {
      expect(safeNext(bad)).toBe('/');
    }
  });
});

describe('rate limits', () => {
  it(`locks an address after ${LIMITS.signInPerEmail.max} attempts with 429 and Retry-After, whatever the IP`, async () => {
    const user = await t.createUser('alumnus');
    for (let i = 0; i < LIMITS.signInPerEmail.max; i++) {
      const res = await t.client().post('/auth/sign-in', { email: user.email, password: `wrong-password-${i}` });
      expect(res.status).toBe(401);
    }
    const client = t.client();
    client.setCookie('kizuna_lang', 'en');
    // Even the right password is refused now.
    const res = await client.post('/auth/sign-in', { email: user.email, password: user.password });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.signInPerEmail.windowSeconds);
    expect(res.body).toContain(`Too many attempts. Please wait ${retryAfter} seconds`);
    expect(client.hasSessionCookie()).toBe(false);
  });

  it(`limits one IP to ${LIMITS.signInPerIp.max} sign-in attempts across addresses`, async () => {
    const client = t.client();
    for (let i = 0; i < LIMITS.signInPerIp.max; i++) {
      const res = await client.post('/auth/sign-in', { email: `spray-${i}@example.com`, password: 'wrong-password-123' });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const res = await client.post('/auth/sign-in', { email: 'spray-last@example.com', password: 'wrong-password-123' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.body).toContain('秒待ってからもう一度お試しください');
    // Another address from another IP is unaffected.
    const other = await t.client().post('/auth/sign-in', { email: 'spray-last@example.com', password: 'wrong-password-123' });
    expect(other.status).toBe(401);
  });

  it(`sends at most ${LIMITS.mailPerEmail.max} e-mail links to one address per window`, async () => {
    const user = await t.createUser('alumnus');
    for (let i = 0; i < LIMITS.mailPerEmail.max; i++) {
      expect((await t.client().post('/auth/magic-link/request', { email: user.email })).status).toBe(200);
    }
    const res = await t.client().post('/auth/magic-link/request', { email: user.email });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('magic link', () => {
  it('mails a link whose GET only shows a confirmation, whose POST signs in, once', async () => {
    const user = await t.createUser('alumnus');
    const requester = t.client();
    const res = await requester.post('/auth/magic-link/request', { email: user.email });
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.auth.magicSent);
    const [queued] = await t.db.select().from(mailMessages).where(eq(mailMessages.toAddress, user.email));
    expect(queued).toMatchObject({ template: 'magicLink', state: 'queued', userId: user.id });

    const mail = await t.lastMail(user.email, 'magicLink');
    expect(mail.state).toBe('sent');
    const link = linkIn(mail.text, '/auth/magic-link');
    const token = tokenOf(link);

    // A mail scanner (or the user) opening the link is not signed in.
    const browser = t.client();
    const confirm = await browser.get(link);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain(ja.auth.magicConfirmIntro);
    expect(inputValue(confirm.body, 'token')).toBe(token);
    expect(browser.hasSessionCookie()).toBe(false);
    expect(await isSignedIn(browser)).toBe(false);
    // …and the link still works after that GET.
    const signedIn = await browser.post('/auth/magic-link', { token });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/');
    expect(await isSignedIn(browser)).toBe(true);
    expect((await auditOf('auth.sign_in_magic_link')).some((e) => e.actorId === user.id)).toBe(true);

    const again = await t.client().post('/auth/magic-link', { token });
    expect(again.status).toBe(400);
    expect(again.body).toContain(ja.auth.magicInvalid);
  });

  it('answers the same for an unknown address and mails nothing', async () => {
    const res = await t.client().post('/auth/magic-link/request', { email: 'nobody-magic@example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.auth.magicSent);
    expect(await t.mails({ to: 'nobody-magic@example.com' })).toEqual([]);
  });

  it('refuses a garbage token', async () => {
    const res = await t.client().post('/auth/magic-link', { token: 'not a token <script>' });
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('<script>');
  });

  it('sends a staff member with two-factor no link at all', async () => {
    const { user } = await t.signedIn('operator');
    const res = await t.client().post('/auth/magic-link/request', { email: user.email });
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.auth.magicSent);
    const mail = await t.lastMail(user.email);
    expect(mail.template).toBe('magicLinkTwoFactor');
    expect(mail.text).not.toContain('/auth/magic-link');
  });

  it('refuses a link sent before the account turned two-factor on', async () => {
    const user = await t.createUser('employee');
    await t.client().post('/auth/magic-link/request', { email: user.email });
    const token = tokenOf(linkIn((await t.lastMail(user.email, 'magicLink')).text, '/auth/magic-link'));

    const owner = t.client();
    await signIn(owner, user.email, user.password);
    await enrolTwoFactor(owner, user.password);

    const browser = t.client();
    const res = await browser.post('/auth/magic-link', { token });
    expect(res.status).toBe(400);
    expect(res.body).toContain(ja.auth.magicNeedsTwoFactor);
    expect(browser.hasSessionCookie()).toBe(false);
  });
});

describe('sign-up', () => {
  const form = (email: string) => ({
    name: '卒業 太郎',
    nameKana: 'そつぎょう たろう',
    email,
    password: 'a-long-enough-password',
    passwordConfirm: 'a-long-enough-password',
    purposeConsent: 'yes',
  });

  it('creates a pending account that signs in after confirming its address', async () => {
    const email = 'new-alumnus@example.com';
    const client = t.client();
    const res = await client.post('/auth/sign-up', form(email));
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.auth.signUpSent);
    expect(client.hasSessionCookie()).toBe(false);
    const [row] = await t.db.select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ role: 'alumnus', status: 'pending', emailVerified: false, locale: 'ja', nameKana: 'そつぎょう たろう' });

    // Not before the address is confirmed.
    expect((await t.client().post('/auth/sign-in', { email, password: 'a-long-enough-password' })).status).toBe(403);

    const mail = await t.lastMail(email, 'verifyEmail');
    expect(mail.locale).toBe('ja');
    const link = linkIn(mail.text, '/auth/verify-email');
    const confirm = await t.client().get(link);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain(ja.auth.verifyIntro);
    // Opening the link confirms nothing by itself.
    expect((await t.db.select().from(users).where(eq(users.email, email)))[0]!.emailVerified).toBe(false);

    const done = await t.client().post('/auth/verify-email', { token: tokenOf(link) });
    expect(done.status).toBe(200);
    expect(done.body).toContain(ja.auth.verifyDone);
    expect((await t.db.select().from(users).where(eq(users.email, email)))[0]!.emailVerified).toBe(true);
    // better-auth's verifyEmail answers `user: null`, so the row is written without an actor (auth.service.ts verifyEmail).
    expect((await auditOf('auth.email_verified')).length).toBeGreaterThan(0);

    const browser = t.client();
    expect(await signIn(browser, email, 'a-long-enough-password')).toBe('/');
    const home = await browser.get('/');
    // Where the self sign-up request stands (src/features/verification).
    expect(home.body).toContain(ja.verification.status.pending);
  });

  it('answers an address already in use identically, mails its owner, and creates nothing', async () => {
    const existing = await t.createUser('alumnus', { locale: 'en' });
    const fresh = await t.client().post('/auth/sign-up', form('someone-brand-new@example.com'));
    const taken = await t.client().post('/auth/sign-up', form(existing.email));
    expect(taken.status).toBe(fresh.status);
    expect(normalisePage(taken.body)).toBe(normalisePage(fresh.body));

    const mail = await t.lastMail(existing.email);
    expect(mail.template).toBe('signUpExisting');
    expect(mail.locale).toBe('en'); // the owner's language, not the visitor's
    const [row] = await t.db.select().from(users).where(eq(users.email, existing.email));
    expect(row).toMatchObject({ id: existing.id, name: existing.name });
    // The old password still works; the one typed by the visitor does not.
    expect((await t.client().post('/auth/sign-in', { email: existing.email, password: 'a-long-enough-password' })).status).toBe(401);
    expect((await t.client().post('/auth/sign-in', { email: existing.email, password: existing.password })).status).toBe(303);
  });

  it('validates the form in the visitor language', async () => {
    const res = await t.client().post('/auth/sign-up?lang=en', { ...form('bad'), passwordConfirm: 'different-password' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(en.validation.email);
    expect(res.body).toContain(en.validation.passwordMismatch);
  });

  it('refuses a reused or forged verification token', async () => {
    const res = await t.client().post('/auth/verify-email', { token: 'forged.token.value' });
    expect(res.status).toBe(400);
    expect(res.body).toContain(ja.auth.verifyInvalid);
  });
});

describe('password reset', () => {
  it('mails a link that sets a new password, ends every session, and works once', async () => {
    const user = await t.createUser('alumnus', { locale: 'en' });
    const oldSession = await t.newSession(user);
    const otherSession = await t.newSession(user);
    expect(await isSignedIn(oldSession)).toBe(true);

    const req = await t.client().post('/auth/forgot-password', { email: user.email });
    expect(req.status).toBe(200);
    expect(req.body).toContain(ja.auth.forgotSent);
    const mail = await t.lastMail(user.email, 'resetPassword');
    expect(mail.locale).toBe('en');
    const link = linkIn(mail.text, '/auth/reset-password');

    const browser = t.client();
    const form = await browser.get(link);
    expect(form.status).toBe(200);
    const token = inputValue(form.body, 'token')!;
    expect(token).toBe(tokenOf(link));

    const mismatch = await browser.post('/auth/reset-password', { token, password: 'new-password-123', passwordConfirm: 'other-password-123' });
    expect(mismatch.status).toBe(422);

    const done = await browser.post('/auth/reset-password', { token, password: 'new-password-123', passwordConfirm: 'new-password-123' });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/auth/sign-in');
    expect((await browser.get('/auth/sign-in')).body).toContain(ja.auth.resetDone);

    expect(await isSignedIn(oldSession)).toBe(false);
    expect(await isSignedIn(otherSession)).toBe(false);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect((await auditOf('auth.password_reset')).length).toBeGreaterThan(0);

    expect((await t.client().post('/auth/sign-in', { email: user.email, password: user.password })).status).toBe(401);
    expect(await signIn(t.client(), user.email, 'new-password-123')).toBe('/');

    const reuse = await t.client().post('/auth/reset-password', { token, password: 'third-password-123', passwordConfirm: 'third-password-123' });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toContain(ja.auth.resetInvalid);
  });

  it('answers the same for an unknown address and mails nothing', async () => {
    const res = await t.client().post('/auth/forgot-password', { email: 'nobody-reset@example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.auth.forgotSent);
    expect(await t.mails({ to: 'nobody-reset@example.com' })).toEqual([]);
  });
});

describe('two-factor sign-in', () => {
  it('asks for a code after the password, refuses a wrong one, accepts the right one', async () => {
    const user = await t.createUser('community_manager', { twoFactor: true });
    const client = t.client();
    const first = await client.post('/auth/sign-in', { email: user.email, password: user.password, next: '/account' });
    expect(first.status).toBe(303);
    expect(first.location).toBe('/auth/two-factor?next=%2Faccount');
    // The password alone is not a session.
    expect(await isSignedIn(client)).toBe(false);

    const code = totpCode(user.totpSecret!);
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await client.post('/auth/two-factor', { code: wrongCode, next: '/account' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain(ja.auth.twoFactorInvalid);
    expect((await auditOf('auth.two_factor_failed')).length).toBeGreaterThan(0);

    const ok = await client.post('/auth/two-factor', { code, next: '/account' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/account');
    expect(await isSignedIn(client)).toBe(true);
    const events = (await auditOf('auth.sign_in')).filter((e) => e.actorId === user.id);
    expect(events.some((e) => (e.details as { method?: string }).method === 'password+2fa')).toBe(true);
  });

  it('says the attempt expired when there is no pending sign-in', async () => {
    const res = await t.client().post('/auth/two-factor', { code: '123456' });
    expect(res.status).toBe(401);
    expect(res.body).toContain(ja.auth.twoFactorExpired);
  });
});

describe('sign out', () => {
  it('ends the session for good, even for a copied cookie, and audits it', async () => {
    const user = await t.createUser('employee');
    const client = await t.newSession(user);
    const stolen = client.clone();
    const res = await client.post('/auth/sign-out');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/auth/sign-in');
    expect(client.hasSessionCookie()).toBe(false);
    expect((await client.get('/auth/sign-in')).body).toContain(ja.auth.signedOut);
    expect(await isSignedIn(stolen)).toBe(false);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.sign_out'), eq(auditEvents.actorId, user.id)));
    expect(events).toHaveLength(1);
  });

  it('keeps failed-sign-in audit rows free of passwords', async () => {
    const rows = await t.db.select().from(auditEvents).where(sql`${auditEvents.details}::text LIKE ${`%${TEST_PASSWORD}%`}`);
    expect(rows).toEqual([]);
  });
});
