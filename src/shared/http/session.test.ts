/**
 * The session middleware's fast path: one query, the cookie's signature checked with node:crypto;
 * better-auth extends sessions that are due, and anything forged or expired is anonymous.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { sessions } from '../../db/schema.ts';
import { SESSION_EXPIRES_IN_MS, SESSION_UPDATE_AGE_MS } from '../auth/auth.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

const COOKIE = 'kizuna.session_token';

async function signedIn() {
  const user = await t.createUser('alumnus', { name: 'セッション 確認' });
  const client = await t.newSession(user);
  const [row] = await t.db.select().from(sessions).where(eq(sessions.userId, user.id));
  return { user, client, session: row! };
}

describe('session middleware', () => {
  it('a valid cookie signs the member in; the account page shows them', async () => {
    const { client, user } = await signedIn();
    const res = await client.get('/account');
    expect(res.status).toBe(200);
    expect(res.body).toContain(user.email);
  });

  it('a token with a forged or missing signature is anonymous, even for a real session', async () => {
    const { client } = await signedIn();
    const value = decodeURIComponent(client.cookie(COOKIE)!);
    const token = value.slice(0, value.lastIndexOf('.'));
    for (const forged of [token, `${token}.${'A'.repeat(43)}=`, `${token}.${value.slice(value.lastIndexOf('.') + 1).replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'))}`]) {
      client.setCookie(COOKIE, encodeURIComponent(forged));
      const res = await client.get('/account');
      expect(res.status, forged).not.toBe(200);
    }
  });

  it('an expired session is anonymous', async () => {
    const { client, session } = await signedIn();
    await t.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, session.id));
    expect((await client.get('/account')).status).not.toBe(200);
  });

  it('a session older than a day is extended by better-auth and its cookie set again; a fresh one is not touched', async () => {
    const { client, session } = await signedIn();
    const fresh = await client.get('/account');
    expect(fresh.headers.getSetCookie().some((c) => c.includes(COOKIE))).toBe(false);
    // Make it two days old: due for extension.
    const old = new Date(Date.now() + SESSION_EXPIRES_IN_MS - 2 * SESSION_UPDATE_AGE_MS);
    await t.db.update(sessions).set({ expiresAt: old }).where(eq(sessions.id, session.id));
    const res = await client.get('/account');
    expect(res.status).toBe(200);
    const [after] = await t.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(after!.expiresAt.getTime()).toBeGreaterThan(old.getTime() + SESSION_UPDATE_AGE_MS);
    expect(res.headers.getSetCookie().some((c) => c.includes(COOKIE))).toBe(true);
  });

  it('a suspended member is read as suspended at once (no caching of the user)', async () => {
    const { client, user } = await signedIn();
    expect((await client.get('/members')).status).toBe(200);
    await t.db.execute(`update users set status = 'suspended' where id = '${user.id}'`);
    expect((await client.get('/members')).status).toBe(403);
  });
});
