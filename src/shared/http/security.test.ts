/** Security headers, cookie attributes (plain http and https installs) and the request body limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parseSetCookie, SETUP_FORM, type TestApp } from '../../../test/app.ts';
import { messages } from '../i18n/index.ts';

const ja = messages('ja');
const en = messages('en');

let http: TestApp;
let https: TestApp;

beforeAll(async () => {
  [http, https] = await Promise.all([
    createTestApp({ setup: true, env: { MAX_BODY_KB: '16' } }),
    createTestApp({ setup: true, baseUrl: 'https://alumni.example.jp' }),
  ]);
});

afterAll(async () => {
  await Promise.all([http?.close(), https?.close()]);
});

function csp(headers: Headers): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (headers.get('content-security-policy') ?? '').split(';')) {
    const [name = '', ...values] = part.trim().split(/\s+/);
    if (name) out.set(name, values.join(' '));
  }
  return out;
}

describe('security headers', () => {
  it('sends a CSP whose nonce is the one on the page script, and the other headers', async () => {
    const res = await http.client().get('/auth/sign-in');
    expect(res.status).toBe(200);
    const policy = csp(res.headers);
    const nonce = /'nonce-([^']+)'/.exec(policy.get('script-src') ?? '')?.[1];
    expect(nonce).toBeDefined();
    const scripts = [...res.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(policy.get('script-src')).not.toContain('unsafe-inline');
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('default-src')).toBe("'self'");
    expect(policy.get('object-src')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(policy.get('form-action')).toBe("'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('uses a new nonce for every response', async () => {
    const client = http.client();
    const a = csp((await client.get('/')).headers).get('script-src');
    const b = csp((await client.get('/')).headers).get('script-src');
    expect(a).not.toBe(b);
  });

  it('sends the headers on error pages too', async () => {
    const res = await http.client().get('/no-such-page');
    expect(res.status).toBe(404);
    expect(csp(res.headers).get('frame-ancestors')).toBe("'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lets shared caches keep static files but no page', async () => {
    const res = await http.client().get('/static/kizuna.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).not.toBe('no-store');
  });

  it('sends HSTS only when BASE_URL is https', async () => {
    const res = await https.client().get('/');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  });
});

describe('cookies', () => {
  it('keeps the session cookie HttpOnly and SameSite=Lax, without Secure on http', async () => {
    const user = await http.createUser('alumnus');
    const client = http.client();
    const res = await client.post('/auth/sign-in', { email: user.email, password: user.password });
    expect(res.status).toBe(303);
    const session = res.setCookies.map(parseSetCookie).find((c) => c.name === 'kizuna.session_token');
    expect(session).toBeDefined();
    expect(session!.attributes.httponly).toBe(true);
    expect(String(session!.attributes.samesite).toLowerCase()).toBe('lax');
    expect(session!.attributes.secure).toBeUndefined();
  });

  it('marks every cookie Secure under https (and the session cookie __Secure-)', async () => {
    const user = await https.createUser('alumnus');
    const client = https.client();
    const first = await client.get('/auth/sign-in?lang=en');
    const res = await client.post('/auth/sign-in', { email: user.email, password: user.password });
    expect(res.status).toBe(303);
    const cookies = [...first.setCookies, ...res.setCookies].map(parseSetCookie);
    expect(cookies.map((c) => c.name)).toEqual(expect.arrayContaining(['kizuna_csrf', 'kizuna_lang', '__Secure-kizuna.session_token']));
    for (const c of cookies) expect(c.attributes.secure, c.name).toBe(true);
    const session = cookies.find((c) => c.name === '__Secure-kizuna.session_token')!;
    expect(session.attributes.httponly).toBe(true);
    expect(String(session.attributes.samesite).toLowerCase()).toBe('lax');
    // …and the https session works.
    expect((await client.get('/account')).status).toBe(200);
  });

  it('keeps the CSRF cookie HttpOnly', async () => {
    const res = await http.client().get('/');
    const cookie = res.setCookies.map(parseSetCookie).find((c) => c.name === 'kizuna_csrf');
    expect(cookie?.attributes.httponly).toBe(true);
    expect(String(cookie?.attributes.samesite).toLowerCase()).toBe('lax');
  });
});

describe('request body limit (MAX_BODY_KB=16)', () => {
  const big = () => new URLSearchParams({ email: 'a@example.com', password: 'x'.repeat(20 * 1024) }).toString();

  it('answers 413 in Japanese by default', async () => {
    const client = http.client();
    const token = await client.csrfToken();
    const body = `${big()}&_csrf=${token}`;
    const res = await client.request('POST', '/auth/sign-in', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000', 'content-length': String(body.length) },
      body,
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain(ja.errors.PAYLOAD_TOO_LARGE);
  });

  it('answers 413 in the language of the visitor, with and without Content-Length', async () => {
    const client = http.client();
    client.setCookie('kizuna_lang', 'en');
    const token = await client.csrfToken();
    const body = `${big()}&_csrf=${token}`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' };
    const streamed = await client.request('POST', '/auth/sign-in', { headers, body });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toContain(en.errors.PAYLOAD_TOO_LARGE);
    const declared = await client.request('POST', '/auth/sign-in', { headers: { ...headers, 'content-length': String(body.length) }, body });
    expect(declared.status).toBe(413);
    expect(declared.body).toContain('<html lang="en"');
    expect(declared.body).toContain(en.errors.PAYLOAD_TOO_LARGE);
    expect(declared.body).toContain(SETUP_FORM.nameEn);
  });

  it('accepts a body under the limit', async () => {
    const res = await http.client().post('/auth/sign-in', { email: 'a@example.com', password: 'x'.repeat(1024) });
    expect(res.status).toBe(401);
  });
});
