import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SETUP_FORM, type TestApp } from '../../../test/app.ts';
import { auditEvents, networkSettings, users } from '../../db/schema.ts';
import { messages } from '../../shared/i18n/index.ts';

const ja = messages('ja');
const en = messages('en');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

// The tests run in order on one database: before setup, a failed setup, setup, after setup.
describe('setup wizard', () => {
  it('sends every page to /setup before the network exists', async () => {
    const client = t.client();
    for (const path of ['/', '/auth/sign-in', '/auth/sign-up', '/account', '/admin/people', '/nowhere']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(303);
      expect(res.location, path).toBe('/setup');
    }
    const post = await client.post('/auth/sign-in', { email: 'a@example.com', password: 'x'.repeat(12) });
    expect(post.status).toBe(303);
    expect(post.location).toBe('/setup');
    // The wizard itself, health checks and static files stay reachable.
    expect((await client.get('/setup')).status).toBe(200);
    expect((await client.get('/healthz')).status).toBe(200);
    expect((await client.get('/static/kizuna.css')).status).toBe(200);
  });

  it('answers invalid input with 422 and the errors in Japanese', async () => {
    const client = t.client();
    const res = await client.post('/setup', { ...SETUP_FORM, nameJa: '', email: 'not-an-address', password: 'short', passwordConfirm: 'short' });
    expect(res.status).toBe(422);
    expect(res.body).toContain('<html lang="ja"');
    expect(res.body).toContain(ja.common.formErrors);
    expect(res.body).toContain(`${ja.setup.nameJa}を入力してください。`);
    expect(res.body).toContain(ja.validation.email);
    expect(res.body).toContain(`${ja.setup.password}は12文字以上で入力してください。`);
    // What was typed is kept (except passwords).
    expect(res.body).toContain('value="not-an-address"');
    expect(res.body).not.toContain('value="short"');
  });

  it('answers in English with ?lang=en', async () => {
    const client = t.client();
    const res = await client.post('/setup?lang=en', { ...SETUP_FORM, nameJa: '', passwordConfirm: 'something else entirely' });
    expect(res.status).toBe(422);
    expect(res.body).toContain('<html lang="en"');
    expect(res.body).toContain(en.common.formErrors);
    expect(res.body).toContain(`Enter ${en.setup.nameJa}.`);
    expect(res.body).toContain(en.validation.passwordMismatch);
    expect(res.body).not.toContain(ja.common.formErrors);
  });

  it('rejects an unknown time zone and operator type', async () => {
    const res = await t.client().post('/setup?lang=en', { ...SETUP_FORM, timeZone: 'Mars/Olympus', operatorType: 'owners' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(en.validation.timeZone);
    expect(res.body).toContain(`Choose ${en.setup.operatorType}.`);
  });

  it('wrote nothing for invalid input', async () => {
    const [settings] = await t.db.select({ n: count() }).from(networkSettings);
    const [people] = await t.db.select({ n: count() }).from(users);
    expect(settings!.n).toBe(0);
    expect(people!.n).toBe(0);
  });

  it('creates the network and its operator, signs them in and asks for two-factor', async () => {
    const client = t.client();
    const res = await client.post('/setup', { ...SETUP_FORM });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account/two-factor');
    expect(client.hasSessionCookie()).toBe(true);

    const page = await client.get('/account/two-factor');
    expect(page.status).toBe(200);
    expect(page.body).toContain(ja.setup.done);
    expect(page.body).toContain(SETUP_FORM.name);
    // Anything else waits for two-factor.
    const home = await client.get('/');
    expect(home.status).toBe(303);
    expect(home.location).toBe('/account/two-factor');

    const [settings] = await t.db.select().from(networkSettings);
    expect(settings).toMatchObject({ nameJa: SETUP_FORM.nameJa, nameEn: SETUP_FORM.nameEn, operatorType: 'company', timeZone: 'Asia/Tokyo' });
    const [operator] = await t.db.select().from(users).where(eq(users.email, SETUP_FORM.email));
    expect(operator).toMatchObject({ role: 'operator', status: 'active', emailVerified: true, name: SETUP_FORM.name, twoFactorEnabled: false });
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'setup.completed'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: operator!.id, actorEmail: SETUP_FORM.email });
  });

  it('answers a second setup with 410 and changes nothing', async () => {
    const before = await t.db.select().from(networkSettings);
    const client = t.client();
    const res = await client.post('/setup', { ...SETUP_FORM, nameJa: '乗っ取り', email: 'intruder@example.com' });
    expect(res.status).toBe(410);
    expect(res.body).toContain(ja.errors.GONE);
    expect(client.hasSessionCookie()).toBe(false);
    expect((await client.get('/setup')).status).toBe(410);

    expect(await t.db.select().from(networkSettings)).toEqual(before);
    expect(await t.db.select().from(users).where(eq(users.email, 'intruder@example.com'))).toEqual([]);
    const [people] = await t.db.select({ n: count() }).from(users);
    expect(people!.n).toBe(1);
    expect(await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'setup.completed'))).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous setups win', async () => {
    const other = await createTestApp();
    try {
      const [a, b] = await Promise.all([
        other.client().post('/setup', { ...SETUP_FORM, email: 'first@example.com' }),
        other.client().post('/setup', { ...SETUP_FORM, email: 'second@example.com' }),
      ]);
      expect([a.status, b.status].sort()).toEqual([303, 410]);
      const operators = await other.db.select().from(users);
      expect(operators).toHaveLength(1);
      expect(await other.db.select().from(networkSettings)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('shows the landing page to visitors once set up', async () => {
    const res = await t.client().get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain(SETUP_FORM.nameJa);
    expect(res.body).toContain(SETUP_FORM.purposeJa);
    const english = await t.client().get('/?lang=en');
    expect(english.body).toContain(SETUP_FORM.nameEn);
    expect(english.body).toContain(SETUP_FORM.purposeEn);
  });
});
