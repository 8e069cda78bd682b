import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkIn, tokenOf, type TestApp } from '../../../test/app.ts';
import { auditEvents, invitations, invitationWaves, jobs, mailMessages, rosterEntries } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { commitImport, runImport, uploadRoster } from '../roster/roster.service.ts';
import { insertAccount } from '../account/accounts.repository.ts';
import {
  acceptInvitation,
  deliverWave,
  openInvitation,
  previewWave,
  readSegment,
  revokeInvitation,
  sendReminders,
  sendWave,
  type JoinInput,
} from './invitations.service.ts';
import { addPeople, makeDepartment, operatorActor, segmentOf } from './testing.ts';

const DAY = 24 * 3600 * 1000;

let t: TestApp;
let operator: Actor;
const alumnus: Actor = { id: 'x', name: 'A', email: 'a@example.com', role: 'alumnus', isManager: false, status: 'active', twoFactorEnabled: false, locale: null, sessionId: 's' };

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = operatorActor(await t.ensureSetup());
});
afterAll(async () => t?.close());

const ctx = (now?: Date) => ({ db: t.db, actor: operator, ip: '10.0.0.1', now });

/** Sends a wave and runs its send job (deliverWave) at the same time. */
async function wave(now: Date | undefined, input: Parameters<typeof sendWave>[1]) {
  const sent = await sendWave(ctx(now), input);
  if (sent.waveId) await deliverWave({ db: t.db, baseUrl: t.config.baseUrl, waveId: sent.waveId, now });
  return sent;
}

const joinInput = (over: Partial<JoinInput> = {}): JoinInput => ({
  name: '参加 太郎',
  nameKana: 'さんか たろう',
  email: 'x@example.jp',
  password: 'joining-password-1',
  locale: 'ja',
  preferences: { news: false, newsletter: false, events: false, jobs: false, messages: false },
  currentEmployer: '',
  currentTitle: '',
  consents: { purposeOfUse: true, rules: true, contact: true },
  ...over,
});

async function inviteMails(waveId: string) {
  return t.db
    .select({ key: mailMessages.key, to: mailMessages.toAddress, locale: mailMessages.locale, template: mailMessages.template })
    .from(mailMessages)
    .innerJoin(invitations, sql`${mailMessages.key} = 'invite:' || ${invitations.id}::text`)
    .where(eq(invitations.waveId, waveId));
}

describe('segments and skip reasons', () => {
  it('counts who matches, who is invited and why the others are skipped', async () => {
    const dept = await makeDepartment(t.db);
    const existing = await insertAccount(t.db, { email: 'taken@example.jp', name: '既存', password: 'password-12345', role: 'alumnus' });
    const member = await insertAccount(t.db, { email: 'member-x@example.jp', name: '会員', password: 'password-12345', role: 'alumnus' });
    const [ok, , , , , , , liveInvited, expiredInvited] = await addPeople(t.db, dept, [
      {}, // invited
      { contactConsent: false }, // noConsent
      { contactStatus: 'do_not_contact' },
      { contactStatus: 'deceased' },
      { personalEmail: null }, // noEmail
      { userId: member }, // member
      { rehiredOn: '2024-04-01' }, // rehired
      {}, // has a live invitation
      {}, // had an invitation that expired: invited again
      { personalEmail: 'taken@example.jp' }, // emailInUse
      { personalEmail: 'same@example.jp', leftOn: '2023-03-31' }, // invited (latest leave wins)
      { personalEmail: 'SAME@example.jp', leftOn: '2021-03-31' }, // duplicateEmail
    ]);
    expect(existing).toBeTruthy();
    const now = new Date();
    await t.db.insert(invitations).values([
      { rosterEntryId: liveInvited!.id, email: liveInvited!.personalEmail!, legalBasis: 'consent_import', tokenHash: `live-${ok!.id}`, expiresAt: new Date(now.getTime() + DAY) },
      { rosterEntryId: expiredInvited!.id, email: expiredInvited!.personalEmail!, legalBasis: 'consent_import', tokenHash: `old-${ok!.id}`, expiresAt: new Date(now.getTime() - DAY) },
    ]);

    const preview = await previewWave(ctx(), segmentOf([dept]), 'consent_import');
    expect(preview).toEqual({
      matched: 12,
      invited: 3,
      skipped: 9,
      reasons: { noConsent: 1, doNotContact: 1, deceased: 1, noEmail: 1, member: 1, rehired: 1, invited: 1, emailInUse: 1, duplicateEmail: 1 },
    });
    // Under a basis recorded by the operators, consent on the roster is not required.
    expect((await previewWave(ctx(), segmentOf([dept]), 'operator_recorded')).invited).toBe(4);
    // Filters narrow the match instead of skipping.
    expect((await previewWave(ctx(), segmentOf([dept], { onlyWithEmail: true }), 'consent_import')).matched).toBe(11);
    const notInvited = await previewWave(ctx(), segmentOf([dept], { onlyNotInvited: true }), 'consent_import');
    expect(notInvited).toMatchObject({ matched: 10, invited: 2 });

    const sent = await wave(undefined, { name: '全員', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    expect(sent).toMatchObject({ matched: 12, invited: 3, skipped: 9 });
    const mails = await inviteMails(sent.waveId!);
    expect(mails.map((m) => m.to).sort()).toEqual([ok!.personalEmail, expiredInvited!.personalEmail, 'same@example.jp'].sort());
    // Sending again invites nobody: everyone is now invited or skipped.
    const again = await wave(undefined, { name: '再送', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    expect(again).toMatchObject({ waveId: null, invited: 0 });
  });

  it('filters by department, leave year and rehire eligibility', async () => {
    const [a, b] = [await makeDepartment(t.db), await makeDepartment(t.db)];
    await addPeople(t.db, a, [
      { leftOn: '2019-03-31', rehireEligible: 'yes' },
      { leftOn: '2020-06-30', rehireEligible: 'no' },
      { leftOn: '2021-12-31', rehireEligible: 'unknown' },
      { leftOn: null },
    ]);
    await addPeople(t.db, b, [{ leftOn: '2020-01-01', rehireEligible: 'yes' }]);
    const count = async (s: ReturnType<typeof segmentOf>) => (await previewWave(ctx(), s, 'consent_import')).matched;
    expect(await count(segmentOf([a]))).toBe(4);
    expect(await count(segmentOf([a, b]))).toBe(5);
    expect(await count(segmentOf([a, b], { leftFromYear: 2020, leftToYear: 2021 }))).toBe(3);
    expect(await count(segmentOf([a, b], { leftToYear: 2020 }))).toBe(3);
    expect(await count(segmentOf([a, b], { rehire: ['yes'] }))).toBe(2);
    expect(await count(segmentOf([a, b], { rehire: ['no', 'unknown'], leftFromYear: 2020 }))).toBe(2);
  });

  it('reads the filter form strictly', () => {
    const { segment, errors } = readSegment({ departments: ['x', 'AAAAAAAA-0000-4000-8000-000000000000'], leftFrom: '２０２３', leftTo: '2020', rehire: ['yes', 'maybe'], onlyNotInvited: true, onlyWithEmail: false });
    expect(errors).toEqual({});
    expect(segment).toEqual({ departmentIds: ['aaaaaaaa-0000-4000-8000-000000000000'], leftFromYear: 2020, leftToYear: 2023, rehire: ['yes'], onlyNotInvited: true, onlyWithEmail: false });
    expect(readSegment({ departments: [], leftFrom: '20', leftTo: 'abcd', rehire: [], onlyNotInvited: false, onlyWithEmail: false }).errors).toEqual({ leftFrom: 'invalidYear', leftTo: 'invalidYear' });
  });

  it('needs a note for a basis recorded by the operators, and stores it with the wave', async () => {
    const dept = await makeDepartment(t.db);
    await addPeople(t.db, dept, [{ contactConsent: false }]);
    await expect(sendWave(ctx(), { name: 'x', segment: segmentOf([dept]), basis: 'operator_recorded', note: '  ', locale: 'ja' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'note' },
    });
    expect(await t.db.select().from(invitationWaves).where(eq(invitationWaves.name, 'x'))).toHaveLength(0);
    const note = '2026年10月 取締役会議事録 第3号議案(退職者への案内を承認)';
    const sent = await wave(undefined, { name: '記録した根拠', segment: segmentOf([dept]), basis: 'operator_recorded', note, locale: 'ja' });
    expect(sent.invited).toBe(1);
    const [row] = await t.db.select().from(invitationWaves).where(eq(invitationWaves.id, sent.waveId!));
    expect(row).toMatchObject({ legalBasis: 'operator_recorded', legalBasisNote: note, invitedCount: 1, skippedCount: 0 });
  });

  it('refuses everyone but operators', async () => {
    await expect(previewWave({ db: t.db, actor: alumnus }, segmentOf([]), 'consent_import')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sendWave({ db: t.db, actor: null }, { name: 'x', segment: segmentOf([]), basis: 'consent_import', note: '', locale: 'ja' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const cm = { ...operator, role: 'community_manager' as const };
    await expect(revokeInvitation({ db: t.db, actor: cm }, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('sending', () => {
  it('creates one invitation and exactly one mail each, in the wave language, with a hashed single-use token', async () => {
    const dept = await makeDepartment(t.db);
    const people = await addPeople(t.db, dept, [{}, {}, {}]);
    const now = new Date();
    const sent = await wave(now, { name: 'English wave', segment: segmentOf([dept]), basis: 'consent_offboarding', note: '', locale: 'en' });
    expect(sent.invited).toBe(3);
    const rows = await t.db.select().from(invitations).where(eq(invitations.waveId, sent.waveId!));
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ locale: 'en', legalBasis: 'consent_offboarding', remindersSent: 0, acceptedAt: null, revokedAt: null });
      expect(r.expiresAt.getTime() - now.getTime()).toBe(30 * DAY);
      expect(r.tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    const queued = await inviteMails(sent.waveId!);
    expect(queued).toHaveLength(3);
    expect(new Set(queued.map((q) => q.to))).toEqual(new Set(people.map((p) => p.personalEmail)));
    expect(queued.every((q) => q.locale === 'en' && q.template === 'invitation')).toBe(true);
    // One mail.send job per message, queued with the wave.
    const jobRows = await t.db.select().from(jobs).where(eq(jobs.queue, 'mail.send'));
    const messageIds = new Set(jobRows.map((j) => (j.payload as { messageId: string }).messageId));
    const ledger = await t.db.select({ id: mailMessages.id }).from(mailMessages).where(inArray(mailMessages.key, rows.map((r) => `invite:${r.id}`)));
    expect(ledger.every((l) => messageIds.has(l.id))).toBe(true);

    const mail = await t.lastMail(people[0]!.personalEmail!, 'invitation');
    expect(mail.subject).toContain('Kizuna Test Alumni');
    expect(mail.text).toContain(people[0]!.name);
    const link = linkIn(mail.text, '/join');
    expect(link).toContain('lang=en');
    const token = tokenOf(link);
    expect(rows.some((r) => r.tokenHash.includes(token))).toBe(false);
    const opened = await openInvitation({ db: t.db }, token);
    expect(opened).toMatchObject({ ok: true, invitation: { email: people[0]!.personalEmail, locale: 'en', name: people[0]!.name } });

    const audits = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'invitation.wave_sent'), eq(auditEvents.subjectId, sent.waveId!)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ matched: 3, invited: 3, skippedCount: 0, legalBasis: 'consent_offboarding' });
  });

  it('delivers through the send job: invitations are unusable and never reminded until their mail is queued', async () => {
    const dept = await makeDepartment(t.db);
    const [p] = await addPeople(t.db, dept, [{}]);
    const sent = await sendWave(ctx(), { name: 'job', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    const [before] = await t.db.select().from(invitations).where(eq(invitations.waveId, sent.waveId!));
    expect(before).toMatchObject({ lastSentAt: null });
    expect(await t.db.select().from(mailMessages).where(eq(mailMessages.key, `invite:${before!.id}`))).toHaveLength(0);
    expect(await t.db.select().from(jobs).where(eq(jobs.uniqueKey, `invitations.send:${sent.waveId}`))).toHaveLength(1);
    await sendReminders({ db: t.db, baseUrl: t.config.baseUrl, now: new Date(Date.now() + 8 * DAY) });
    expect((await t.db.select().from(invitations).where(eq(invitations.id, before!.id)))[0]).toMatchObject({ remindersSent: 0, lastSentAt: null });
    const mail = await t.lastMail(p!.personalEmail!, 'invitation'); // runs the jobs: invitations.send, then mail.send
    expect(mail.locale).toBe('ja');
    expect(mail.subject).toBe('【絆テスト株式会社 アルムナイ】アルムナイネットワークへのご招待');
    expect(await openInvitation({ db: t.db }, tokenOf(linkIn(mail.text, '/join')))).toMatchObject({ ok: true });
    const [waveRow] = await t.db.select().from(invitationWaves).where(eq(invitationWaves.id, sent.waveId!));
    expect(waveRow!.sentAt).not.toBeNull();
    // Running the job again changes nothing.
    expect(await deliverWave({ db: t.db, baseUrl: t.config.baseUrl, waveId: sent.waveId! })).toEqual({ queued: 0, dropped: 0 });
    expect(await t.mails({ to: p!.personalEmail! })).toHaveLength(1);
  });

  it('never mails people without recorded consent (roster imported with mixed consent)', async () => {
    const csv =
      '社員番号,氏名,フリガナ,部署,入社日,退職日,個人メールアドレス,連絡同意\r\n' +
      'C1,同意 一郎,ドウイ イチロウ,同意確認部,2010/4/1,2020/3/31,c1@example.jp,有\r\n' +
      'C2,未同意 二郎,ミドウイ ジロウ,同意確認部,2010/4/1,2020/3/31,c2@example.jp,無\r\n' +
      'C3,空欄 三郎,クウラン サブロウ,同意確認部,2010/4/1,2020/3/31,c3@example.jp,\r\n' +
      'C4,同意 四郎,ドウイ シロウ,同意確認部,2010/4/1,2020/3/31,c4@example.jp,有\r\n' +
      'C5,同意 五郎,ドウイ ゴロウ,同意確認部,2010/4/1,2020/3/31,,有\r\n';
    const imp = await uploadRoster({ db: t.db, actor: operator }, { name: 'consent.csv', bytes: Buffer.from(csv), encoding: 'auto' });
    await commitImport({ db: t.db, actor: operator }, imp.id);
    await runImport(t.db, imp.id);
    const [entry] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.employeeNumber, 'C1'));
    const dept = entry!.departmentId!;
    for (const basis of ['consent_import', 'consent_offboarding'] as const) {
      await wave(undefined, { name: `同意 ${basis}`, segment: segmentOf([dept]), basis, note: '', locale: 'ja' });
    }
    // Reminders later do not change who is mailed.
    await sendReminders({ db: t.db, baseUrl: t.config.baseUrl, now: new Date(Date.now() + 8 * DAY) });
    await t.runJobs();
    const ledger = await t.db.select({ to: mailMessages.toAddress, state: mailMessages.state }).from(mailMessages).where(like(mailMessages.toAddress, 'c_@example.jp'));
    expect([...new Set(ledger.map((l) => l.to))].sort()).toEqual(['c1@example.jp', 'c4@example.jp']);
    expect(ledger).toHaveLength(4); // invitation + one reminder each
  });

  it('does not invite an address the mail layer suppresses (another roster entry marked do-not-contact)', async () => {
    const dept = await makeDepartment(t.db);
    const other = await makeDepartment(t.db);
    await addPeople(t.db, other, [{ personalEmail: 'shared@example.jp', contactStatus: 'do_not_contact' }]);
    await addPeople(t.db, dept, [{ personalEmail: 'shared@example.jp' }, {}]);
    const sent = await wave(undefined, { name: 'suppressed', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    expect(sent).toMatchObject({ invited: 1, skipped: 1, reasons: { doNotContact: 1 } });
    expect(await inviteMails(sent.waveId!)).toHaveLength(1);
  });
});

describe('reminders', () => {
  it('sends at most two, after 7 and 21 days, none after joining, revoking or expiry', async () => {
    const dept = await makeDepartment(t.db);
    const people = await addPeople(t.db, dept, [{}, {}, {}, {}]);
    const t0 = new Date('2030-01-10T00:00:00Z');
    const at = (days: number) => new Date(t0.getTime() + days * DAY);
    const sent = await wave(t0, { name: 'reminders', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    expect(sent.invited).toBe(4);
    const rows = await t.db.select().from(invitations).where(eq(invitations.waveId, sent.waveId!));
    const byEntry = new Map(rows.map((r) => [r.rosterEntryId, r]));
    const [joiner, revoked, late, plain] = people.map((p) => byEntry.get(p.id)!);
    const remind = (d: Date) => sendReminders({ db: t.db, baseUrl: t.config.baseUrl, now: d });

    // The first person joins on day 3; the second invitation is revoked on day 4.
    const firstMail = (await t.mails({ to: joiner!.email, template: 'invitation' }))[0]!;
    const joined = await acceptInvitation({ db: t.db, now: at(3) }, tokenOf(linkIn(firstMail.text, '/join')), joinInput({ email: joiner!.email }));
    expect(joined).toMatchObject({ status: 'joined', emailVerified: true });
    await revokeInvitation(ctx(at(4)), revoked!.id);

    expect(await remind(at(6))).toBe(0);
    expect(await remind(at(7))).toBe(2); // late + plain
    expect(await remind(at(7.5))).toBe(0);
    expect(await remind(at(20))).toBe(0);
    expect(await remind(at(21))).toBe(2);
    expect(await remind(at(25))).toBe(0);
    expect(await remind(at(29.9))).toBe(0); // two is the most
    const keys = (await t.db.select({ key: mailMessages.key }).from(mailMessages).where(like(mailMessages.key, 'invite-reminder:%'))).map((k) => k.key);
    for (const inv of [late!, plain!]) {
      expect(keys.filter((k) => k.startsWith(`invite-reminder:${inv.id}:`)).sort()).toEqual([`invite-reminder:${inv.id}:1`, `invite-reminder:${inv.id}:2`]);
    }
    expect(keys.some((k) => k.includes(joiner!.id) || k.includes(revoked!.id))).toBe(false);

    // The reminder's link works (new token); the first mail's link does not any more.
    const reminders = await t.mails({ to: plain!.email, template: 'invitationReminder' });
    expect(reminders).toHaveLength(2);
    const newToken = tokenOf(linkIn(reminders[1]!.text, '/join'));
    expect(await openInvitation({ db: t.db, now: at(22) }, newToken)).toMatchObject({ ok: true });
    const oldToken = tokenOf(linkIn((await t.mails({ to: plain!.email, template: 'invitation' }))[0]!.text, '/join'));
    expect(await openInvitation({ db: t.db, now: at(22) }, oldToken)).toEqual({ ok: false, reason: 'invalid' });
    // After expiry the link answers "expired" and nothing more is sent.
    expect(await openInvitation({ db: t.db, now: at(30) }, newToken)).toEqual({ ok: false, reason: 'expired' });
    expect(await remind(at(45))).toBe(0);
  });

  it('skips a person whose contact status changed after the wave', async () => {
    const dept = await makeDepartment(t.db);
    const [p] = await addPeople(t.db, dept, [{}]);
    const t0 = new Date('2031-05-01T00:00:00Z');
    await wave(t0, { name: 'dnc later', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    await t.db.update(rosterEntries).set({ contactStatus: 'do_not_contact' }).where(eq(rosterEntries.id, p!.id));
    expect(await sendReminders({ db: t.db, baseUrl: t.config.baseUrl, now: new Date(t0.getTime() + 8 * DAY) })).toBe(0);
  });
});

describe('joining', () => {
  it('is single use and writes nothing without the three consents', async () => {
    const dept = await makeDepartment(t.db);
    const [p] = await addPeople(t.db, dept, [{}]);
    await wave(undefined, { name: 'single use', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
    const token = tokenOf(linkIn((await t.lastMail(p!.personalEmail!, 'invitation')).text, '/join'));
    await expect(acceptInvitation({ db: t.db }, token, joinInput({ email: p!.personalEmail!, consents: { purposeOfUse: true, rules: false, contact: true } }))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const [entry] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, p!.id));
    expect(entry!.userId).toBeNull();
    expect(await acceptInvitation({ db: t.db }, token, joinInput({ email: p!.personalEmail! }))).toMatchObject({ status: 'joined' });
    expect(await acceptInvitation({ db: t.db }, token, joinInput({ email: 'other@example.jp' }))).toEqual({ status: 'gone', reason: 'used' });
    expect(await openInvitation({ db: t.db }, token)).toEqual({ ok: false, reason: 'used' });
  });
});
