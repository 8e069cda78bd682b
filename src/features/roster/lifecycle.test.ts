import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../../test/app.ts';
import { auditEvents, employmentEvents, mailMessages, rosterEntries, users } from '../../db/schema.ts';
import { queueMail } from '../../shared/mail/mail.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ setup: true });
});
afterAll(async () => t?.close());

/** A roster entry linked to a new alumnus account. */
async function member() {
  const user = await t.createUser('alumnus');
  const [entry] = await t.db
    .insert(rosterEntries)
    .values({ employeeNumber: `L${Math.random().toString(36).slice(2, 9)}`, name: user.name, joinedOn: '2012-04-01', leftOn: '2020-03-31', personalEmail: user.email, userId: user.id })
    .returning();
  return { user, entry: entry! };
}

describe('membership lifecycle', () => {
  it('rehired → employee at once (history kept) → alumnus again on a new leave date', async () => {
    const { client: op } = await t.signedIn('operator');
    const { user, entry } = await member();
    const alumnus = t.client();
    await signIn(alumnus, user.email, user.password);

    const page = await op.get(`/admin/roster/entries/${entry.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('人事情報');
    expect((await op.post(`/admin/roster/entries/${entry.id}/rehire`, { on: '2024-10-01' })).status).toBe(303);
    const [asEmployee] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(asEmployee!.role).toBe('employee');
    // Immediate: the member's very next page shows them as an employee.
    expect((await alumnus.get('/')).body).toContain('社員');
    expect((await op.post(`/admin/roster/entries/${entry.id}/rehire`, { on: '2024-10-02' })).status).toBe(422);

    expect((await op.post(`/admin/roster/entries/${entry.id}/leave`, { on: '2023-01-01' })).status).toBe(422);
    expect((await op.post(`/admin/roster/entries/${entry.id}/leave`, { on: '2026-03-31' })).status).toBe(303);
    const [again] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entry.id));
    expect(again).toMatchObject({ leftOn: '2026-03-31', rehiredOn: null, joinedOn: '2012-04-01' });
    const events = await t.db.select().from(employmentEvents).where(eq(employmentEvents.rosterEntryId, entry.id));
    expect(events.map((e) => `${e.kind}:${e.on}`).sort()).toEqual(['left:2026-03-31', 'rehired:2024-10-01']);
    const [back] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(back!.role).toBe('alumnus');
    const actions = (await t.db.select().from(auditEvents)).filter((a) => a.subjectId === entry.id).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['personal_data.viewed', 'member.rehired', 'member.left']));
  });

  it('do-not-contact stops network mail but not sign-in links; deceased stops all mail and closes the account', async () => {
    const { client: op } = await t.signedIn('operator');
    const { user, entry } = await member();
    await op.post(`/admin/roster/entries/${entry.id}/contact-status`, { status: 'do_not_contact' });
    const network = await queueMail(t.db, { key: `k1-${entry.id}`, to: user.email, userId: user.id, locale: 'ja', template: 'test', vars: { network: 'N' } });
    expect(network).not.toBeNull(); // 'test' is transactional
    const reset = await queueMail(t.db, { key: `k2-${entry.id}`, to: user.email, locale: 'ja', template: 'resetPassword', vars: { network: 'N', name: 'x', url: 'http://localhost:3000/x' } });
    expect(reset).not.toBeNull();

    await op.post(`/admin/roster/entries/${entry.id}/contact-status`, { status: 'deceased' });
    const none = await queueMail(t.db, { key: `k3-${entry.id}`, to: user.email.toUpperCase(), locale: 'ja', template: 'resetPassword', vars: { network: 'N', name: 'x', url: 'http://localhost:3000/x' } });
    expect(none).toBeNull();
    expect(await t.db.select().from(mailMessages).where(eq(mailMessages.key, `k3-${entry.id}`))).toHaveLength(0);
    const [closed] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(closed!.status).toBe('suspended');
  });

  it('revokes access with a reason, effective on the next request, and restores it', async () => {
    const { client: op } = await t.signedIn('operator');
    const { user, entry } = await member();
    const alumnus = t.client();
    await signIn(alumnus, user.email, user.password);
    expect((await alumnus.get('/account')).status).toBe(200);
    expect((await op.post(`/admin/roster/entries/${entry.id}/revoke`, { reason: '' })).status).toBe(422);
    expect((await op.post(`/admin/roster/entries/${entry.id}/revoke`, { reason: '規約違反の報告による' })).status).toBe(303);
    expect((await alumnus.get('/account')).status).toBe(403);
    expect((await op.get(`/admin/roster/entries/${entry.id}`)).body).toContain('利用停止中: 規約違反の報告による');
    expect((await op.post(`/admin/roster/entries/${entry.id}/restore`)).status).toBe(303);
    expect((await alumnus.get('/account')).status).toBe(200);
  });

  it('is for operators only', async () => {
    const { entry } = await member();
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get(`/admin/roster/entries/${entry.id}`)).status, kind).toBe(403);
      expect((await client.post(`/admin/roster/entries/${entry.id}/rehire`, { on: '2025-01-01' })).status, kind).toBe(403);
    }
  });
});
