/** Error pages: status from the one code → status map, the user's language, never a stack trace or SQL. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, pageLang, type TestApp, type TestResponse } from '../../../test/app.ts';
import { allow } from '../auth/access.ts';
import { AppError } from '../errors.ts';
import { messages } from '../i18n/index.ts';

const ja = messages('ja');
const en = messages('en');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    setup: true,
    logLevel: 'error',
    extend: (app) => {
      // Test-only routes that fail the ways real code can.
      app.get('/__test/throw', allow('public'), () => {
        throw new Error('SELECT secret_column FROM hidden_table WHERE password = $1');
      });
      app.get('/__test/sql', allow('public'), async (c) => {
        await c.get('deps').db.execute(sql`SELECT * FROM no_such_table_xyz`);
        return c.text('unreachable');
      });
      app.get('/__test/conflict', allow('public'), () => {
        throw new AppError('CONFLICT', 'row version mismatch in table users');
      });
    },
  });
});

afterAll(async () => {
  await t?.close();
});

/** Things that must never reach a visitor. */
function expectNothingInternal(res: TestResponse) {
  for (const leak of [/\bat .+\.(ts|tsx|js|mjs):\d+/, /node_modules/, /SELECT|FROM|WHERE/, /no_such_table|hidden_table|secret_column/, /Error:/, /relation ".*" does not exist/]) {
    expect(res.body).not.toMatch(leak);
  }
}

describe('not found', () => {
  it('answers an unknown path with a 404 page in Japanese', async () => {
    const res = await t.client().get('/no/such/page');
    expect(res.status).toBe(404);
    expect(pageLang(res.body)).toBe('ja');
    expect(res.body).toContain(ja.errors.NOT_FOUND);
    expect(res.body).toContain(ja.errors.backHome);
  });

  it('answers in English for an English visitor and an English member', async () => {
    const visitor = await t.client().get('/no/such/page', { 'accept-language': 'en-GB' });
    expect(visitor.status).toBe(404);
    expect(pageLang(visitor.body)).toBe('en');
    expect(visitor.body).toContain(en.errors.NOT_FOUND);

    const member = await t.newSession(await t.createUser('alumnus', { locale: 'en' }));
    const res = await member.get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.body).toContain(en.errors.NOT_FOUND);
  });

  it('answers JSON to a client that asks for JSON', async () => {
    const res = await t.client().get('/no/such/page', { accept: 'application/json' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'NOT_FOUND', message: ja.errors.NOT_FOUND } });
  });

  it('answers 404 for an unknown method on a known path (after the CSRF check)', async () => {
    const client = t.client();
    expect((await client.request('DELETE', '/account')).status).toBe(403);
    const res = await client.request('DELETE', '/account', { headers: { origin: 'http://localhost:3000', 'x-csrf-token': await client.csrfToken() } });
    expect(res.status).toBe(404);
  });
});

describe('unexpected errors', () => {
  it('shows a 500 page with a request id, without the message or stack, and logs the error', async () => {
    const res = await t.client().get('/__test/throw?lang=en');
    expect(res.status).toBe(500);
    expect(res.body).toContain(en.errors.INTERNAL);
    expectNothingInternal(res);
    const id = /ID: ([0-9a-f-]{36})/.exec(res.body)?.[1];
    expect(id).toBeDefined();
    const logged = t.logs.map((l) => JSON.parse(l) as { msg: string; requestId?: string; err?: { message: string; stack: string } });
    const entry = logged.find((l) => l.requestId === id);
    expect(entry?.msg).toBe('unhandled error');
    expect(entry?.err?.message).toContain('hidden_table');
    expect(entry?.err?.stack).toContain('errors.test.ts');
  });

  it('does not show a database error', async () => {
    const res = await t.client().get('/__test/sql');
    expect(res.status).toBe(500);
    expect(res.body).toContain(ja.errors.INTERNAL);
    expectNothingInternal(res);
  });

  it('does not show a database error as JSON either', async () => {
    const res = await t.client().get('/__test/sql', { accept: 'application/json' });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'INTERNAL', message: ja.errors.INTERNAL } });
  });

  it('shows the catalogue message of an AppError, not its developer message', async () => {
    const res = await t.client().get('/__test/conflict');
    expect(res.status).toBe(409);
    expect(res.body).toContain(ja.errors.CONFLICT);
    expect(res.body).not.toContain('row version mismatch');
  });

  it('answers a malformed form body with 400, not 500', async () => {
    const client = t.client();
    const res = await client.request('POST', '/auth/sign-in', {
      headers: { origin: 'http://localhost:3000', 'content-type': 'multipart/form-data; boundary=nope', 'x-csrf-token': await client.csrfToken() },
      body: '--other\r\nContent-Disposition: form-data; name="email"\r\n\r\nbroken',
    });
    expect(res.status).toBe(400);
    expectNothingInternal(res);
  });

  it('keeps a failing page of the real app free of SQL (a table gone missing)', async () => {
    const client = t.client();
    await t.db.execute(sql`ALTER TABLE staff_invitations RENAME TO staff_invitations_gone`);
    try {
      const res = await client.get(`/invite/staff?token=${'A'.repeat(43)}`);
      expect(res.status).toBe(500);
      expectNothingInternal(res);
      expect(res.body).not.toContain('staff_invitations');
    } finally {
      await t.db.execute(sql`ALTER TABLE staff_invitations_gone RENAME TO staff_invitations`);
    }
  });
});
