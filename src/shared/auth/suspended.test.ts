import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../../test/app.ts';
import { users } from '../../db/schema.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ setup: true });
});
afterAll(async () => t?.close());

describe('suspended accounts (access revoked)', () => {
  it('reach public pages only, from the next request on', async () => {
    const user = await t.createUser('alumnus');
    const client = t.client();
    await signIn(client, user.email, user.password);
    expect((await client.get('/account')).status).toBe(200);
    await t.db.update(users).set({ status: 'suspended' }).where(eq(users.id, user.id));
    expect((await client.get('/account')).status).toBe(403);
    expect((await client.get('/')).status).toBe(200);
    expect((await client.post('/auth/sign-out')).status).toBe(303);
  });
});
