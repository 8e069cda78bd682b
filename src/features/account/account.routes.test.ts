import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, totpCode, type Client, type TestApp } from '../../../test/app.ts';
import { auditEvents, sessions, users } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';

const ja = messages('ja');
const en = messages('en');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

async function isSignedIn(client: Client): Promise<boolean> {
  return (await client.get('/account')).status === 200;
}

describe('sign out of all devices', () => {
  it('ends every session of the person, on every device, and audits it', async () => {
    const user = await t.createUser('alumnus');
    const laptop = await t.newSession(user);
    const phone = await t.newSession(user);
    const bystander = await t.newSession(await t.createUser('alumnus'));
    const page = await laptop.get('/account');
    expect(page.body).toContain(fmt(ja.account.sessionsHint, { count: 2 }));

    const res = await laptop.post('/account/sign-out-all');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/auth/sign-in');
    expect(laptop.hasSessionCookie()).toBe(false);
    expect((await laptop.get('/auth/sign-in')).body).toContain(ja.account.signedOutAll);

    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(bystander)).toBe(true);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.sign_out_all'), eq(auditEvents.actorId, user.id)));
    expect(events).toHaveLength(1);
  });
});

describe('change password', () => {
  it('needs the current password, then ends the other sessions', async () => {
    const user = await t.createUser('employee');
    const here = await t.newSession(user);
    const elsewhere = await t.newSession(user);

    const wrong = await here.post('/account/password', { currentPassword: 'not-my-password', password: 'brand-new-password', passwordConfirm: 'brand-new-password' });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toContain(ja.account.wrongPassword);

    const short = await here.post('/account/password?lang=en', { currentPassword: user.password, password: 'short', passwordConfirm: 'short' });
    expect(short.status).toBe(422);
    expect(short.body).toContain(`${en.account.newPassword} must be at least 12 characters.`);

    const ok = await here.post('/account/password', { currentPassword: user.password, password: 'brand-new-password', passwordConfirm: 'brand-new-password' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/account');
    expect(await isSignedIn(here)).toBe(true);
    expect(await isSignedIn(elsewhere)).toBe(false);
    expect(await signIn(t.client(), user.email, 'brand-new-password')).toBe('/');
    expect((await t.client().post('/auth/sign-in', { email: user.email, password: user.password })).status).toBe(401);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.password_changed'), eq(auditEvents.actorId, user.id)));
    expect(events).toHaveLength(1);
  });
});

describe('profile', () => {
  it('saves name, reading and language, and shows the next page in that language', async () => {
    const user = await t.createUser('alumnus');
    const client = await t.newSession(user);
    const res = await client.post('/account/profile', { name: '新しい 名前', nameKana: 'あたらしい なまえ', locale: 'en' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account?lang=en');
    const page = await client.get(res.location!);
    expect(page.body).toContain('<html lang="en"');
    expect(page.body).toContain(en.common.saved);
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ name: '新しい 名前', nameKana: 'あたらしい なまえ', locale: 'en' });
  });

  it('refuses an empty name with 422', async () => {
    const client = await t.newSession(await t.createUser('alumnus'));
    const res = await client.post('/account/profile', { name: '  ', locale: 'ja' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(`${ja.account.name}を入力してください。`);
  });
});

describe('two-factor enrolment', () => {
  it('needs the password, shows a secret and backup codes, and turns on with a valid code', async () => {
    const user = await t.createUser('employee');
    const client = await t.newSession(user);

    const badPassword = await client.post('/account/two-factor/enable', { password: 'not-my-password' });
    expect(badPassword.status).toBe(422);
    expect(badPassword.body).toContain(ja.account.wrongPassword);

    const page = await client.post('/account/two-factor/enable', { password: user.password });
    expect(page.status).toBe(200);
    const secret = /<code class="secret">([A-Z2-7=]+)<\/code>/.exec(page.body)?.[1];
    expect(secret).toBeDefined();
    const backupCodes = [...page.body.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(backupCodes.length).toBeGreaterThanOrEqual(5);
    expect(page.body).toContain('src="data:image/svg+xml;base64,');

    const wrong = await client.post('/account/two-factor/verify', { code: '000000' === totpCode(secret!) ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    expect((await t.db.select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(false);

    const ok = await client.post('/account/two-factor/verify', { code: totpCode(secret!) });
    expect(ok.status).toBe(303);
    expect(await isSignedIn(client)).toBe(true);
    expect((await t.db.select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(true);
    expect((await client.get('/account/two-factor')).body).toContain(ja.twoFactorSetup.enabled);

    // A backup code stands in for the app, once.
    const browser = t.client();
    const first = await browser.post('/auth/sign-in', { email: user.email, password: user.password });
    expect(first.location).toMatch(/^\/auth\/two-factor/);
    const withBackup = await browser.post('/auth/two-factor', { code: backupCodes[0]! });
    expect(withBackup.status).toBe(303);
    expect(await isSignedIn(browser)).toBe(true);

    const again = t.client();
    await again.post('/auth/sign-in', { email: user.email, password: user.password });
    expect((await again.post('/auth/two-factor', { code: backupCodes[0]! })).status).toBe(401);
  });

  it('lets the setup operator reach nothing but enrolment until two-factor is on', async () => {
    const client = t.client();
    await signIn(client, t.operator!.email, t.operator!.password);
    expect((await client.get('/admin/people')).location).toBe('/account/two-factor');
    const page = await client.get('/account/two-factor');
    expect(page.status).toBe(200);
    expect(page.body).toContain(fmt(ja.twoFactorSetup.required, { role: ja.roles.operator }));
  });
});
