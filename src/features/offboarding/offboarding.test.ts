import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkIn, signIn, tokenOf, type TestApp } from '../../../test/app.ts';
import { consents, invitations, offboardings, rosterEntries } from '../../db/schema.ts';
import { runOffboardingTick } from './offboarding.service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ setup: true });
});
afterAll(async () => t?.close());

const BASE = 'http://localhost:3000';

async function register(opts: { number: string; lastDay: string; managerId?: string; email: string }) {
  const { client } = await t.signedIn('operator');
  const res = await client.post('/admin/offboarding', {
    employeeNumber: opts.number,
    name: `退職 ${opts.number}`,
    nameKana: 'たいしょく',
    department: '営業企画部',
    lastDay: opts.lastDay,
    managerId: opts.managerId ?? '',
    contactEmail: opts.email,
    locale: 'ja',
  });
  expect(res.status).toBe(303);
  const mail = await t.lastMail(opts.email, 'offboardingExitForm');
  return linkIn(mail.text, '/exit');
}

describe('offboarding', () => {
  it('exit form → manager asked 7 days ahead → message and invitation together on the last day (Asia/Tokyo)', async () => {
    const manager = await t.createUser('employee', { isManager: true });
    const link = await register({ number: 'OB1', lastDay: '2026-12-25', managerId: manager.id, email: 'ob1@work.example.com' });

    const leaver = t.client();
    const form = await leaver.get(link);
    expect(form.status).toBe(200);
    expect(form.body).toContain('退職前アンケート');
    const saved = await leaver.post('/exit', { token: tokenOf(link), personalEmail: 'ob1@example.jp', consent: '1', interests: 'return_someday', reason: 'career' });
    expect(saved.status).toBe(200);
    const [entry] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.employeeNumber, 'OB1'));
    expect(entry).toMatchObject({ personalEmail: 'ob1@example.jp', contactConsent: true, leftOn: '2026-12-25' });
    const given = await t.db.select().from(consents).where(eq(consents.rosterEntryId, entry!.id));
    expect(given.map((c) => `${c.kind}:${c.source}`)).toEqual(['contact:offboarding']);

    // 9 days before: nothing yet. 7 days before (Tokyo time): the manager is asked, once.
    expect(await runOffboardingTick(t.db, BASE, new Date('2026-12-16T00:00:00Z'))).toEqual({ requested: 0, farewells: 0 });
    expect(await runOffboardingTick(t.db, BASE, new Date('2026-12-17T16:00:00Z'))).toEqual({ requested: 1, farewells: 0 });
    expect(await runOffboardingTick(t.db, BASE, new Date('2026-12-18T16:00:00Z'))).toEqual({ requested: 0, farewells: 0 });
    const ask = await t.lastMail(manager.email, 'offboardingManagerRequest');
    const thanksLink = linkIn(ask.text, '/offboarding/');

    const mgr = t.client();
    await signIn(mgr, manager.email, manager.password);
    expect((await mgr.get(thanksLink)).status).toBe(200);
    expect((await mgr.post(thanksLink, { message: '3年間ありがとう。新天地でも応援しています。' })).status).toBe(200);
    // Another employee cannot see or write it.
    const { client: other } = await t.signedIn('employee');
    expect((await other.get(thanksLink)).status).toBe(404);

    // 24 Dec 15:00 UTC is 25 Dec 00:00 in Tokyo: the last day has begun there.
    expect(await runOffboardingTick(t.db, BASE, new Date('2026-12-24T14:59:00Z'))).toEqual({ requested: 0, farewells: 0 });
    expect(await runOffboardingTick(t.db, BASE, new Date('2026-12-24T15:00:00Z'))).toEqual({ requested: 0, farewells: 1 });
    const farewell = await t.lastMail('ob1@example.jp', 'farewell');
    expect(farewell.text).toContain('3年間ありがとう。新天地でも応援しています。');
    expect(linkIn(farewell.text, '/join')).toContain('token=');
    const inv = await t.db.select().from(invitations).where(eq(invitations.rosterEntryId, entry!.id));
    expect(inv).toHaveLength(1);
    expect(inv[0]!.legalBasis).toBe('consent_offboarding');
    // Idempotent: a second tick sends nothing more.
    expect(await runOffboardingTick(t.db, BASE, new Date('2026-12-25T15:00:00Z'))).toEqual({ requested: 0, farewells: 0 });
    expect((await mgr.post(thanksLink, { message: 'もう一度' })).body).toContain('送り出しのメールはすでに送信されました');
  });

  it('without a manager message: the invitation still goes and the operators are told', async () => {
    const link = await register({ number: 'OB2', lastDay: '2026-11-30', email: 'ob2@work.example.com' });
    await t.client().post('/exit', { token: tokenOf(link), personalEmail: 'ob2@example.jp', consent: '1' });
    await runOffboardingTick(t.db, BASE, new Date('2026-11-30T03:00:00Z'));
    const farewell = await t.lastMail('ob2@example.jp', 'farewellWithoutMessage');
    expect(linkIn(farewell.text, '/join')).toContain('token=');
    const op = t.operator!;
    const notice = await t.lastMail(op.email, 'offboardingNoMessage');
    expect(notice.subject).toContain('退職 OB2');
  });

  it('without consent nothing is sent on the last day, and the exit link stops working', async () => {
    const link = await register({ number: 'OB3', lastDay: '2026-11-29', email: 'ob3@work.example.com' });
    await t.client().post('/exit', { token: tokenOf(link), personalEmail: 'ob3@example.jp' });
    await runOffboardingTick(t.db, BASE, new Date('2026-11-29T03:00:00Z'));
    expect(await t.mails({ to: 'ob3@example.jp' })).toHaveLength(0);
    const [row] = await t.db.select().from(offboardings).innerJoin(rosterEntries, eq(rosterEntries.id, offboardings.rosterEntryId)).where(eq(rosterEntries.employeeNumber, 'OB3'));
    expect(row!.offboardings.farewellSentAt).not.toBeNull();
    expect((await t.client().get(link)).status).toBe(410);
  });

  it('shows confidential reasons only in aggregate, and only from five answers', async () => {
    const { client } = await t.signedIn('operator');
    const before = await client.get('/admin/offboarding');
    expect(before.body).toContain('回答はまだ5人未満です');
    for (const n of [4, 5, 6, 7]) {
      const link = await register({ number: `OB${n}`, lastDay: '2027-03-31', email: `ob${n}@work.example.com` });
      await t.client().post('/exit', { token: tokenOf(link), reason: n % 2 ? 'career' : 'family' });
    }
    const after = await client.get('/admin/offboarding');
    expect(after.body).toContain('キャリアの転換: 3');
    expect(after.body).toContain('家庭の事情: 2');
    expect(after.body).not.toContain('退職 OB5</td><td>2027-03-31</td><td>済</td><td>未</td><td>未</td><td>キャリア');
  });

  it('is for operators only; the registration form reports a duplicate', async () => {
    for (const kind of ['alumnus', 'employee', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/admin/offboarding')).status, kind).toBe(403);
    }
    const { client } = await t.signedIn('operator');
    const dup = await client.post('/admin/offboarding', { employeeNumber: 'OB1', name: 'x', lastDay: '2026-12-25', contactEmail: 'x@example.com' });
    expect(dup.status).toBe(422);
    expect(dup.body).toContain('すでに送り出しの手続き中です');
  });
});
