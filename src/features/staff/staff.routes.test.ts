import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, inputValue, linkIn, signIn, tokenOf, type Client, type TestApp } from '../../../test/app.ts';
import { auditEvents, jobs, mailMessages, staffInvitations, users } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';

const ja = messages('ja');
const en = messages('en');

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
});

afterAll(async () => {
  await t?.close();
});

const acceptForm = (token: string) => ({
  token,
  name: '社員 一郎',
  nameKana: 'しゃいん いちろう',
  password: 'employee-password-1',
  passwordConfirm: 'employee-password-1',
});

describe('staff invitations', () => {
  it('invites an employee by mail; the link creates the account with that role, once', async () => {
    const email = 'new-employee@example.com';
    const res = await operator.post('/admin/people/invite', { email, role: 'employee', isManager: '1', locale: 'en' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/people');
    const people = await operator.get('/admin/people');
    expect(people.body).toContain(fmt(ja.admin.inviteSent, { email }));
    expect(people.body).toContain(email); // listed as pending

    const [invitation] = await t.db.select().from(staffInvitations).where(eq(staffInvitations.email, email));
    expect(invitation).toMatchObject({ role: 'employee', isManager: true, locale: 'en', acceptedAt: null, revokedAt: null });
    // Queued with the invitation (same transaction), sent by the worker later.
    const [queued] = await t.db.select().from(mailMessages).where(eq(mailMessages.toAddress, email));
    expect(queued).toMatchObject({ template: 'staffInvitation', state: 'queued', locale: 'en' });
    const pending = await t.db.select().from(jobs).where(and(eq(jobs.queue, 'mail.send'), eq(jobs.state, 'pending')));
    expect(pending.some((j) => (j.payload as { messageId?: string }).messageId === queued!.id)).toBe(true);
    // The token is stored hashed only.
    const mail = await t.lastMail(email, 'staffInvitation');
    expect(mail.locale).toBe('en');
    expect(mail.subject).toContain(en.roles.employee);
    const link = linkIn(mail.text, '/invite/staff');
    const token = tokenOf(link);
    expect(invitation!.tokenHash).not.toContain(token);
    const invited = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'staff.invited'), eq(auditEvents.subjectId, invitation!.id)));
    expect(invited).toHaveLength(1);

    const browser = t.client();
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    expect(inputValue(page.body, 'token')).toBe(token);

    const invalid = await browser.post('/invite/staff', { ...acceptForm(token), passwordConfirm: 'something-else-1' });
    expect(invalid.status).toBe(422);

    const accepted = await browser.post('/invite/staff', acceptForm(token));
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe('/');
    expect((await browser.get('/account')).status).toBe(200);
    const [user] = await t.db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ role: 'employee', isManager: true, status: 'active', emailVerified: true, locale: 'en', name: '社員 一郎' });
    const done = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'staff.invitation_accepted'), eq(auditEvents.subjectId, invitation!.id)));
    expect(done).toHaveLength(1);

    // Single use: neither the page nor the form works again.
    const other = t.client();
    expect((await other.get(link)).status).toBe(410);
    const reuse = await other.post('/invite/staff', { ...acceptForm(token), password: 'another-password-2', passwordConfirm: 'another-password-2' });
    expect(reuse.status).toBe(410);
    expect(other.hasSessionCookie()).toBe(false);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it('makes an invited operator set up two-factor first', async () => {
    const email = 'new-operator@example.com';
    expect((await operator.post('/admin/people/invite', { email, role: 'operator', locale: 'ja' })).status).toBe(303);
    const token = tokenOf(linkIn((await t.lastMail(email)).text, '/invite/staff'));
    const browser = t.client();
    expect((await browser.post('/invite/staff', acceptForm(token))).status).toBe(303);
    const home = await browser.get('/');
    expect(home.status).toBe(303);
    expect(home.location).toBe('/account/two-factor');
  });

  it('refuses to invite an address that already has an account', async () => {
    const existing = await t.createUser('alumnus');
    const res = await operator.post('/admin/people/invite', { email: existing.email, role: 'employee', locale: 'ja' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(ja.admin.inviteExists);
    expect(await t.db.select().from(staffInvitations).where(eq(staffInvitations.email, existing.email))).toEqual([]);
  });

  it('validates the invitation form', async () => {
    const res = await operator.post('/admin/people/invite?lang=en', { email: 'not-an-address', role: 'alumnus' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(en.validation.email);
  });

  it('revokes an invitation: its link stops working, and revoking twice is 404', async () => {
    const email = 'revoked@example.com';
    await operator.post('/admin/people/invite', { email, role: 'community_manager', locale: 'ja' });
    const link = linkIn((await t.lastMail(email)).text, '/invite/staff');
    const [invitation] = await t.db.select().from(staffInvitations).where(eq(staffInvitations.email, email));
    const page = await operator.get('/admin/people');
    expect(page.body).toContain(`/admin/invitations/${invitation!.id}/revoke`);

    const res = await operator.post(`/admin/invitations/${invitation!.id}/revoke`);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/people');
    expect((await operator.get('/admin/people')).body).not.toContain(`/admin/invitations/${invitation!.id}/revoke`);
    const revoked = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'staff.invitation_revoked'), eq(auditEvents.subjectId, invitation!.id)));
    expect(revoked).toHaveLength(1);

    const browser = t.client();
    expect((await browser.get(link)).status).toBe(410);
    expect((await browser.post('/invite/staff', acceptForm(tokenOf(link)))).status).toBe(410);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toEqual([]);

    expect((await operator.post(`/admin/invitations/${invitation!.id}/revoke`)).status).toBe(404);
    expect((await operator.post('/admin/invitations/not-a-uuid/revoke')).status).toBe(404);
  });

  it('refuses a made-up token', async () => {
    const res = await t.client().get(`/invite/staff?token=${'A'.repeat(43)}`);
    expect(res.status).toBe(410);
    expect(res.body).toContain(ja.staffInvite.invalid);
  });

  it('leaves the operator who invited signed in with two-factor', async () => {
    // The accept flow signs the new person in; it must not touch anyone else's session.
    const { user } = await t.signedIn('operator');
    expect((await operator.get('/admin/people')).status).toBe(200);
    const again = t.client();
    expect(await signIn(again, user.email, user.password, { totpSecret: user.totpSecret! })).toBe('/');
  });
});
