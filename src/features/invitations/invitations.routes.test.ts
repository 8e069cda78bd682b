import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, inputValue, linkIn, pageLang, SETUP_FORM, tokenOf, type Client, type TestApp } from '../../../test/app.ts';
import { auditEvents, consents, invitations, invitationWaves, memberProfiles, notificationPreferences, rosterEntries, users } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import { insertAccount } from '../account/accounts.repository.ts';
import { deliverWave, sendWave } from './invitations.service.ts';
import { NOTICE_VERSION, rulesVersion } from './notice.ts';
import { addPeople, makeDepartment, operatorActor, segmentOf } from './testing.ts';

const ja = messages('ja');
const en = messages('en');
const DAY = 24 * 3600 * 1000;

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
});
afterAll(async () => t?.close());

/** A wave sent through the service (with its send job run), for the joining tests. */
async function invite(people: Parameters<typeof addPeople>[2], opts: { locale?: 'ja' | 'en'; now?: Date } = {}) {
  const dept = await makeDepartment(t.db);
  const entries = await addPeople(t.db, dept, people);
  const op = operatorActor(await t.ensureSetup());
  const sent = await sendWave({ db: t.db, actor: op, now: opts.now }, { name: 'join test', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: opts.locale ?? 'ja' });
  await deliverWave({ db: t.db, baseUrl: t.config.baseUrl, waveId: sent.waveId!, now: opts.now });
  const links = [];
  for (const e of entries) links.push(linkIn((await t.lastMail(e.personalEmail!, 'invitation')).text, '/join'));
  return { entries, links, waveId: sent.waveId! };
}

function joinForm(token: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    token,
    name: '卒業 花子',
    nameKana: 'そつぎょう はなこ',
    email: '',
    password: 'alumni-password-123',
    passwordConfirm: 'alumni-password-123',
    locale: 'ja',
    currentEmployer: '株式会社つぎの会社',
    currentTitle: 'プロダクトマネージャー',
    consentPurpose: '1',
    consentRules: '1',
    consentContact: '1',
    ...over,
  };
}

describe('operator pages', () => {
  it('filters, previews the numbers, sends, shows progress and states, and revokes', async () => {
    const dept = await makeDepartment(t.db, '招待テスト部');
    const people = await addPeople(t.db, dept, [{}, {}, { contactConsent: false }, { contactStatus: 'do_not_contact' }, { personalEmail: null }]);

    const list = await operator.get('/admin/invitations');
    expect(list.status).toBe(200);
    expect(list.body).toContain(ja.invitations.wavesIntro);
    const form = await operator.get('/admin/invitations/new');
    expect(form.status).toBe(200);
    expect(form.body).toContain('招待テスト部');
    expect(form.body).not.toContain(ja.invitations.previewTitle);

    const query = `department=${dept}&basis=consent_import&preview=1`;
    const preview = await operator.get(`/admin/invitations/new?${query}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toContain(fmt(ja.invitations.previewSummary, { matched: 5, invited: 2, skipped: 3 }));
    expect(preview.body).toContain(fmt(ja.invitations.reasonCount, { reason: ja.invitations.reasons.noConsent, count: 1 }));
    expect(preview.body).toContain(fmt(ja.invitations.reasonCount, { reason: ja.invitations.reasons.noEmail, count: 1 }));
    expect(preview.body).toContain(fmt(ja.invitations.send, { count: 2 }));
    // Nothing was written by looking.
    expect(await t.db.select().from(invitations).where(eq(invitations.rosterEntryId, people[0]!.id))).toHaveLength(0);

    const noBasis = await operator.get(`/admin/invitations/new?department=${dept}&preview=1`);
    expect(noBasis.status).toBe(422);
    expect(noBasis.body).toContain(ja.invitations.invalidBasis);
    const badYear = await operator.get(`/admin/invitations/new?${query}&leftFrom=20x`);
    expect(badYear.status).toBe(422);
    expect(badYear.body).toContain(ja.invitations.invalidYear);

    const noNote = await operator.post('/admin/invitations/waves', { department: dept, basis: 'operator_recorded', name: '根拠なし', note: '' });
    expect(noNote.status).toBe(422);
    expect(noNote.body).toContain(ja.invitations.noteRequired);
    const noName = await operator.post('/admin/invitations/waves', { department: dept, basis: 'consent_import', name: ' ' });
    expect(noName.status).toBe(422);
    expect(await t.db.select().from(invitationWaves).where(eq(invitationWaves.name, '根拠なし'))).toHaveLength(0);

    const send = await operator.post('/admin/invitations/waves', { department: dept, basis: 'consent_import', name: '先行実施', locale: 'ja' });
    expect(send.status).toBe(303);
    expect(send.location).toMatch(/^\/admin\/invitations\/waves\/[0-9a-f-]{36}$/);
    const sending = await operator.get(send.location!);
    expect(sending.body).toContain(fmt(ja.invitations.sent, { count: 2 }));
    expect(sending.headers.get('refresh')).toBe('3');
    expect(sending.body).toContain(ja.invitations.states.sending);

    const mail = await t.lastMail(people[0]!.personalEmail!, 'invitation');
    const sent = await operator.get(send.location!);
    expect(sent.headers.get('refresh')).toBeNull();
    expect(sent.body).toContain(people[0]!.name);
    expect(sent.body).toContain(ja.invitations.states.open);
    expect(sent.body).toContain(fmt(ja.invitations.reasonCount, { reason: ja.invitations.reasons.doNotContact, count: 1 }));
    const waves = await operator.get('/admin/invitations');
    expect(waves.body).toContain('先行実施');

    const [inv] = await t.db.select().from(invitations).where(eq(invitations.rosterEntryId, people[0]!.id));
    const revoke = await operator.post(`/admin/invitations/revoke/${inv!.id}`);
    expect(revoke.status).toBe(303);
    expect(revoke.location).toBe(send.location);
    const after = await operator.get(send.location!);
    expect(after.body).toContain(ja.invitations.revoked);
    expect(after.body).toContain(ja.invitations.states.revoked);
    expect((await operator.post(`/admin/invitations/revoke/${inv!.id}`)).status).toBe(409);
    const audits = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'invitation.revoked'), eq(auditEvents.subjectId, inv!.id)));
    expect(audits).toHaveLength(1);

    const gone = await t.client().get(linkIn(mail.text, '/join'));
    expect(gone.status).toBe(410);
    expect(gone.body).toContain(ja.invitations.join.revoked);
  });

  it('is for operators only', async () => {
    const [wave] = await t.db.select().from(invitationWaves).limit(1);
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      for (const path of ['/admin/invitations', '/admin/invitations/new', `/admin/invitations/new?basis=consent_import&preview=1`, `/admin/invitations/waves/${wave!.id}`]) {
        expect((await client.get(path)).status, `${kind} ${path}`).toBe(403);
      }
      expect((await client.post('/admin/invitations/waves', { basis: 'consent_import', name: 'x' })).status, kind).toBe(403);
      expect((await client.post(`/admin/invitations/revoke/${wave!.id}`)).status, kind).toBe(403);
    }
    expect((await t.client().get('/admin/invitations')).status).toBe(303);
  });
});

describe('joining from an invitation', () => {
  it('a newsletter opt-in on the join page is recorded as its own consent (when, how, notice version)', async () => {
    const { entries, links } = await invite([{ name: '購読 希望' }]);
    const browser = t.client();
    const token = inputValue((await browser.get(links[0]!)).body, 'token')!;
    const joined = await browser.post('/join', joinForm(token, { email: entries[0]!.personalEmail!, 'pref-newsletter': '1' }));
    expect(joined.status).toBe(303);
    const [user] = await t.db.select().from(users).where(eq(users.email, entries[0]!.personalEmail!));
    const newsletter = (await t.db.select().from(consents).where(eq(consents.userId, user!.id))).filter((c) => c.kind === 'newsletter');
    expect(newsletter.map((c) => [c.version, c.source, c.ip, c.withdrawnAt])).toEqual([[NOTICE_VERSION, 'join', browser.ip, null]]);
  });

  it('shows purpose, rules and the notice; refuses without the three consents and writes nothing; then joins once', async () => {
    const { entries, links, waveId } = await invite([{ name: '卒業 花子', nameKana: 'そつぎょう はなこ' }]);
    const entry = entries[0]!;
    const email = entry.personalEmail!;
    const browser = t.client();
    const page = await browser.get(links[0]!);
    expect(page.status).toBe(200);
    expect(pageLang(page.body)).toBe('ja');
    for (const text of [SETUP_FORM.purposeJa, SETUP_FORM.rulesJa, ja.invitations.notice.title, fmt(ja.invitations.notice.version, { version: NOTICE_VERSION }), ja.invitations.join.voluntary]) {
      expect(page.body).toContain(text);
    }
    expect(inputValue(page.body, 'name')).toBe('卒業 花子');
    expect(inputValue(page.body, 'nameKana')).toBe('そつぎょう はなこ');
    expect(inputValue(page.body, 'email')).toBe(email);
    // Every opt-in starts unticked.
    for (const topic of ['news', 'newsletter', 'events', 'jobs', 'messages']) expect(page.body).not.toMatch(new RegExp(`name="pref-${topic}"[^>]*checked`));
    const token = inputValue(page.body, 'token')!;
    expect(token).toBe(tokenOf(links[0]!));

    const missing = await browser.post('/join', joinForm(token, { email, consentRules: '', 'pref-news': '1' }));
    expect(missing.status).toBe(422);
    expect(missing.body).toContain(ja.invitations.join.consentRulesMissing);
    expect(missing.body).not.toContain(ja.invitations.join.consentPurposeMissing);
    expect(inputValue(missing.body, 'currentEmployer')).toBe('株式会社つぎの会社');
    expect(inputValue(missing.body, 'email')).toBe(email);
    expect(missing.body).toMatch(/name="pref-news"[^>]*checked/);
    expect(missing.body).not.toContain('alumni-password-123');
    const mismatch = await browser.post('/join', joinForm(token, { email, passwordConfirm: 'something-else-99' }));
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toContain(ja.validation.passwordMismatch);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
    expect(await t.db.select().from(consents).where(eq(consents.rosterEntryId, entry.id))).toHaveLength(0);
    expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entry.id)))[0]!.userId).toBeNull();

    const before = Date.now();
    const joined = await browser.post('/join', joinForm(token, { email, 'pref-news': '1', 'pref-events': '1', locale: 'en' }));
    expect(joined.status).toBe(303);
    expect(joined.location).toBe('/');
    expect((await browser.get('/account')).status).toBe(200);

    const [user] = await t.db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ role: 'alumnus', status: 'active', emailVerified: true, locale: 'en', name: '卒業 花子', nameKana: 'そつぎょう はなこ' });
    expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entry.id)))[0]!.userId).toBe(user!.id);
    const [inv] = await t.db.select().from(invitations).where(eq(invitations.waveId, waveId));
    expect(inv).toMatchObject({ userId: user!.id });
    expect(inv!.acceptedAt).not.toBeNull();
    const given = await t.db.select().from(consents).where(eq(consents.userId, user!.id));
    const settings = { rulesJa: SETUP_FORM.rulesJa, rulesEn: SETUP_FORM.rulesEn };
    expect(given.map((g) => [g.kind, g.version, g.source, g.ip, g.rosterEntryId, g.withdrawnAt]).sort()).toEqual(
      [
        ['contact', NOTICE_VERSION, 'join', browser.ip, entry.id, null],
        ['network_rules', rulesVersion(settings), 'join', browser.ip, entry.id, null],
        ['purpose_of_use', NOTICE_VERSION, 'join', browser.ip, entry.id, null],
      ].sort(),
    );
    for (const g of given) expect(g.givenAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const [prefs] = await t.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, user!.id));
    expect(prefs).toMatchObject({ news: true, newsletter: false, events: true, jobs: false, messages: false });
    const [profile] = await t.db.select().from(memberProfiles).where(eq(memberProfiles.userId, user!.id));
    expect(profile).toMatchObject({ currentEmployer: '株式会社つぎの会社', currentTitle: 'プロダクトマネージャー', visibility: { currentEmployer: 'private', currentTitle: 'private' } });
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'invitation.accepted'), eq(auditEvents.subjectId, inv!.id)));
    expect(audit).toMatchObject([{ actorId: user!.id }]);

    // Single use: the page and the form answer 410, in the visitor's language.
    const again = await t.client().post('/join', joinForm(token, { email: 'someone-else@example.jp' }));
    expect(again.status).toBe(410);
    expect(again.body).toContain(ja.invitations.join.used);
    const page2 = await t.client().get(`/join?token=${token}&lang=en`);
    expect(page2.status).toBe(410);
    expect(page2.body).toContain(en.invitations.join.used);
  });

  it('speaks the invitation’s language, and keeps preferences off unless ticked', async () => {
    const { entries, links } = await invite([{}], { locale: 'en' });
    const mail = await t.lastMail(entries[0]!.personalEmail!, 'invitation');
    expect(mail.locale).toBe('en');
    expect(mail.subject).toBe('[Kizuna Test Alumni] An invitation to our alumni network');
    const browser = t.client();
    const page = await browser.get(links[0]!);
    expect(pageLang(page.body)).toBe('en');
    expect(page.body).toContain(SETUP_FORM.purposeEn);
    expect(page.body).toContain(en.invitations.notice.title);
    expect(page.body).toMatch(/value="en"[^>]*checked/);
    const res = await browser.post('/join', joinForm(tokenOf(links[0]!), { email: entries[0]!.personalEmail!, locale: 'en', currentEmployer: '', currentTitle: '' }));
    expect(res.status).toBe(303);
    const [user] = await t.db.select().from(users).where(eq(users.email, entries[0]!.personalEmail!));
    const [prefs] = await t.db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, user!.id));
    expect(prefs).toMatchObject({ news: false, newsletter: false, events: false, jobs: false, messages: false });
    const [profile] = await t.db.select().from(memberProfiles).where(eq(memberProfiles.userId, user!.id));
    expect(profile).toMatchObject({ currentEmployer: null, currentTitle: null });
  });

  it('with another address: the account waits for that address to be confirmed', async () => {
    const { links } = await invite([{}]);
    const browser = t.client();
    const other = 'my-new-address@example.jp';
    const res = await browser.post('/join', joinForm(tokenOf(links[0]!), { email: other }));
    expect(res.status).toBe(200);
    expect(res.body).toContain(fmt(ja.invitations.join.verifySent, { email: other }));
    expect(browser.hasSessionCookie()).toBe(false);
    const [user] = await t.db.select().from(users).where(eq(users.email, other));
    expect(user).toMatchObject({ emailVerified: false, status: 'active', role: 'alumnus' });
    const verify = await t.lastMail(other, 'verifyEmail');
    expect(verify.locale).toBe('ja');
    expect(linkIn(verify.text, '/auth/verify-email')).toContain('token=');
  });

  it('asks for another address when an account already uses it', async () => {
    const { entries, links } = await invite([{}]);
    await insertAccount(t.db, { email: 'in-use@example.jp', name: '既存', password: 'password-12345', role: 'alumnus' });
    const res = await t.client().post('/join', joinForm(tokenOf(links[0]!), { email: 'IN-USE@example.jp' }));
    expect(res.status).toBe(422);
    expect(res.body).toContain(ja.invitations.join.emailInUse);
    expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entries[0]!.id)))[0]!.userId).toBeNull();
  });

  it('answers an expired, unknown or malformed link with a clear 410 page', async () => {
    const { links } = await invite([{}], { now: new Date(Date.now() - 31 * DAY) });
    const expired = await t.client().get(links[0]!);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain(ja.invitations.join.expired);
    expect((await t.client().post('/join', joinForm(tokenOf(links[0]!)))).status).toBe(410);
    for (const url of ['/join', '/join?token=short', `/join?token=${'A'.repeat(43)}`]) {
      const res = await t.client().get(url);
      expect(res.status, url).toBe(410);
      expect(res.body).toContain(ja.invitations.join.invalid);
    }
  });

  it('accepts invitations made outside a wave (offboarding: no wave, no language in the link)', async () => {
    const dept = await makeDepartment(t.db);
    const [entry] = await addPeople(t.db, dept, [{}]);
    const token = randomBytes(32).toString('base64url');
    await t.db.insert(invitations).values({
      rosterEntryId: entry!.id,
      email: entry!.personalEmail!,
      legalBasis: 'consent_offboarding',
      tokenHash: createHash('sha256').update(token).digest('base64url'),
      expiresAt: new Date(Date.now() + 30 * DAY),
      lastSentAt: new Date(),
    });
    const browser = t.client();
    expect((await browser.get(`/join?token=${token}`)).status).toBe(200);
    const res = await browser.post('/join', joinForm(token, { email: entry!.personalEmail! }));
    expect(res.status).toBe(303);
    expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entry!.id)))[0]!.userId).not.toBeNull();
  });

  it('lets the person decline and ask not to be contacted again', async () => {
    const { entries, links } = await invite([{}]);
    const res = await t.client().post('/join/decline', { token: tokenOf(links[0]!) });
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.invitations.join.declined);
    const [entry] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entries[0]!.id));
    expect(entry!.contactStatus).toBe('do_not_contact');
    expect((await t.client().get(links[0]!)).status).toBe(410);
    expect((await t.client().post('/join/decline', { token: tokenOf(links[0]!) })).status).toBe(410);
  });
});
