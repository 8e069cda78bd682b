import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, inputValue, type TestApp } from '../../../test/app.ts';
import { messages } from '../i18n/index.ts';
import { csrfTokenFor } from './csrf.ts';

const ja = messages('ja');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

describe('CSRF protection', () => {
  it('renders the token of this browser in forms, and that token works', async () => {
    const client = t.client();
    const page = await client.get('/auth/sign-in');
    const token = inputValue(page.body, '_csrf');
    expect(token).toBe(csrfTokenFor(t.config.secret, client.cookie('kizuna_csrf')!));
    const res = await client.post('/auth/sign-out', {}, { csrf: token! });
    expect(res.status).toBe(303);
  });

  it('refuses a POST without a token with 403', async () => {
    const { client } = await t.signedIn('alumnus');
    const res = await client.post('/account/profile', { name: 'Changed', locale: 'en' }, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.body).toContain(ja.errors.CSRF);
    expect((await client.get('/account')).body).not.toContain('value="Changed"');
  });

  it('refuses the token of another browser', async () => {
    const client = t.client();
    const other = t.client();
    const res = await client.post('/auth/sign-out', {}, { csrf: await other.csrfToken() });
    expect(res.status).toBe(403);
  });

  it('refuses a POST from a foreign Origin even with a valid token', async () => {
    const client = t.client();
    for (const origin of ['https://evil.example', 'http://localhost:3001', 'null']) {
      const res = await client.post('/auth/sign-out', {}, { origin });
      expect(res.status, origin).toBe(403);
      expect(res.body).toContain(ja.errors.CSRF);
    }
  });

  it('refuses a cross-site request by Sec-Fetch-Site', async () => {
    const res = await t.client().post('/auth/sign-out', {}, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    const same = await t.client().post('/auth/sign-out', {}, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(same.status).toBe(303);
  });

  it('accepts a form without Origin (older browsers) when the token is right', async () => {
    const res = await t.client().post('/auth/sign-out', {}, { origin: null });
    expect(res.status).toBe(303);
  });

  it('accepts a JSON POST with the x-csrf-token header, and refuses one without', async () => {
    const user = await t.createUser('alumnus');
    const client = await t.newSession(user);
    const origin = new URL(t.config.baseUrl).origin;
    const without = await client.request('POST', '/auth/sign-out', { headers: { 'content-type': 'application/json', origin }, body: '{}' });
    expect(without.status).toBe(403);
    // A token in a JSON body does not count: only the header does.
    const inBody = await client.request('POST', '/auth/sign-out', {
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ _csrf: await client.csrfToken() }),
    });
    expect(inBody.status).toBe(403);
    expect((await client.get('/account')).status).toBe(200);

    const res = await client.request('POST', '/auth/sign-out', {
      headers: { 'content-type': 'application/json', origin, 'x-csrf-token': await client.csrfToken() },
      body: '{}',
    });
    expect(res.status).toBe(303);
    expect((await client.get('/account')).status).toBe(303);
  });

  it('reads the token from a multipart form', async () => {
    const client = t.client();
    const form = new FormData();
    form.set('_csrf', await client.csrfToken());
    const res = await client.request('POST', '/auth/sign-out', { headers: { origin: new URL(t.config.baseUrl).origin }, body: form });
    expect(res.status).toBe(303);
  });

  it('replaces a malformed browser cookie instead of trusting it', async () => {
    const client = t.client();
    client.setCookie('kizuna_csrf', 'short');
    await client.get('/auth/sign-in');
    expect(client.cookie('kizuna_csrf')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
