import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, linkIn, normalisePage, signIn, tokenOf, type Client, type TestApp } from '../../../test/app.ts';
import { auditEvents, consents, departments, rosterEntries, signupRequests, users } from '../../db/schema.ts';
import { allow } from '../../shared/auth/access.ts';
import { messages } from '../../shared/i18n/index.ts';
import { NOTICE_VERSION } from '../invitations/notice.ts';

const ja = messages('ja');
const en = messages('en');
const PASSWORD = 'a-long-enough-password';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    setup: true,
    // A member-only page does not exist yet: the rule is tested on a route of its own.
    extend: (app) => {
      app.get('/test/verified', allow('verified'), (c) => c.text('member content'));
    },
  });
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

async function department(nameJa: string): Promise<string> {
  const [existing] = await t.db.select().from(departments).where(eq(departments.nameJa, nameJa));
  if (existing) return existing.id;
  const [row] = await t.db.insert(departments).values({ code: `T-${unique()}`, nameJa, nameEn: `${nameJa} (en)` }).returning();
  return row!.id;
}

/** A roster entry (HR data) inserted directly, as an import would. */
async function rosterEntry(v: { name: string; nameKana?: string; department?: string; joinedOn?: string; leftOn?: string; employeeNumber?: string; leaveReasonCategory?: string; rehireEligible?: 'yes' | 'no' | 'unknown'; title?: string }) {
  const [row] = await t.db
    .insert(rosterEntries)
    .values({
      employeeNumber: v.employeeNumber ?? `E-${unique()}`,
      name: v.name,
      nameKana: v.nameKana ?? null,
      departmentId: v.department ? await department(v.department) : null,
      joinedOn: v.joinedOn ?? null,
      leftOn: v.leftOn ?? null,
      leaveReasonCategory: v.leaveReasonCategory ?? null,
      rehireEligible: v.rehireEligible ?? 'unknown',
      title: v.title ?? null,
    })
    .returning();
  return row!;
}

interface SignUpForm {
  name: string;
  nameKana?: string;
  email: string;
  joinYear?: string;
  leaveYear?: string;
  department?: string;
  employeeNumber?: string;
  note?: string;
  purposeConsent?: string;
}

function signUpBody(f: SignUpForm): Record<string, string> {
  return { nameKana: '', joinYear: '', leaveYear: '', department: '', employeeNumber: '', note: '', purposeConsent: 'yes', password: PASSWORD, passwordConfirm: PASSWORD, ...f };
}

async function signUp(f: SignUpForm, lang: 'ja' | 'en' = 'ja') {
  const res = await t.client().post(`/auth/sign-up?lang=${lang}`, signUpBody(f));
  expect(res.status).toBe(200);
  const [user] = await t.db.select().from(users).where(eq(users.email, f.email));
  return user!;
}

async function confirmAddress(email: string) {
  const mail = await t.lastMail(email, 'verifyEmail');
  const res = await t.client().post('/auth/verify-email', { token: tokenOf(linkIn(mail.text, '/auth/verify-email')) });
  expect(res.status).toBe(200);
}

async function requestOf(userId: string) {
  const [row] = await t.db.select().from(signupRequests).where(eq(signupRequests.userId, userId)).orderBy(desc(signupRequests.createdAt));
  return row!;
}

async function userRow(id: string) {
  const [row] = await t.db.select().from(users).where(eq(users.id, id));
  return row!;
}

async function auditFor(action: string, subjectId: string) {
  return t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.subjectId, subjectId)));
}

async function personClient(email: string): Promise<Client> {
  const client = t.client();
  await signIn(client, email, PASSWORD);
  return client;
}

/** A sign-up that lands in the review queue (two namesakes on the roster). */
async function queuedRequest(lang: 'ja' | 'en' = 'ja', extra: Partial<SignUpForm> = {}) {
  const id = unique();
  const name = `審査 太郎${id}`;
  const a = await rosterEntry({ name, nameKana: 'シンサ タロウ', department: '経理部', joinedOn: '2010-04-01', leftOn: '2019-03-31', leaveReasonCategory: `家業承継-${id}`, rehireEligible: 'no', title: `主任研究員-${id}` });
  const b = await rosterEntry({ name, nameKana: 'シンサ タロウ', department: '人事部', joinedOn: '2011-04-01', leftOn: '2019-09-30' });
  const email = `queued-${id}@example.com`;
  const user = await signUp({ name, nameKana: 'しんさ たろう', email, leaveYear: '2019', department: '経理部', ...extra }, lang);
  await confirmAddress(email);
  return { user, email, request: await requestOf(user.id), entries: [a, b], id };
}

// ---------------------------------------------------------------- sign-up

describe('sign-up with the request fields', () => {
  it('creates a pending alumnus, records the answers and the consent, and matches nothing before the address is confirmed', async () => {
    await rosterEntry({ name: '記録 一郎', nameKana: 'キロク イチロウ', employeeNumber: 'R-0001', leftOn: '2018-03-31' });
    const user = await signUp({
      name: '記録 一郎',
      nameKana: 'きろく いちろう',
      email: `record-${unique()}@example.com`,
      joinYear: '２０１０',
      leaveYear: '2018年',
      department: '総務部',
      employeeNumber: 'R-0001',
      note: '旧姓は田中です。',
    });
    expect(user).toMatchObject({ role: 'alumnus', status: 'pending', emailVerified: false });
    const request = await requestOf(user.id);
    expect(request).toMatchObject({
      name: '記録 一郎',
      nameKana: 'きろく いちろう',
      joinYear: 2010,
      leaveYear: 2018,
      department: '総務部',
      employeeNumber: 'R-0001',
      note: '旧姓は田中です。',
      state: 'pending',
      matchScore: null,
      rosterEntryId: null,
    });
    const [consent] = await t.db.select().from(consents).where(eq(consents.userId, user.id));
    expect(consent).toMatchObject({ kind: 'purpose_of_use', source: 'signup', version: NOTICE_VERSION, withdrawnAt: null });
    expect(consent!.ip).toMatch(/^10\./);
    expect(await auditFor('signup.requested', request.id)).toHaveLength(1);
    // Strong match on the roster, but the address is not confirmed yet: nothing linked.
    expect((await userRow(user.id)).status).toBe('pending');
  });

  it('asks for the consent and for readable years, in the visitor language', async () => {
    // An unticked checkbox is not sent at all.
    const { purposeConsent: _, ...unticked } = signUpBody({ name: 'X', email: `c-${unique()}@example.com`, joinYear: '19', leaveYear: '2001' });
    const res = await t.client().post('/auth/sign-up?lang=en', unticked);
    expect(res.status).toBe(422);
    expect(res.body).toContain(en.verification.errors.consent);
    expect(res.body).toContain(en.verification.errors.year.replace('{field}', en.verification.fields.joinYear));
    expect(res.body).toContain('href="#f-purposeConsent"');

    const order = await t.client().post('/auth/sign-up', signUpBody({ name: 'X', email: `o-${unique()}@example.com`, joinYear: '2015', leaveYear: '2012' }));
    expect(order.status).toBe(422);
    expect(order.body).toContain(ja.verification.errors.leaveBeforeJoin.replace('{field}', ja.verification.fields.leaveYear));
    expect(await t.db.select().from(users).where(eq(users.email, unticked.email!))).toEqual([]);
  });

  it('shows the purpose-of-use notice with its version and the request fields', async () => {
    const res = await t.client().get('/auth/sign-up');
    expect(res.body).toContain(ja.invitations.notice.title);
    expect(res.body).toContain(NOTICE_VERSION);
    expect(res.body).toContain(ja.verification.aboutIntro);
    for (const name of ['joinYear', 'leaveYear', 'department', 'employeeNumber', 'note', 'purposeConsent']) expect(res.body).toContain(`name="${name}"`);
  });

  it('answers an address already in use identically and records no request for it', async () => {
    const existing = await t.createUser('alumnus', { status: 'pending' });
    const fresh = await t.client().post('/auth/sign-up', signUpBody({ name: '新規 花子', email: `brand-new-${unique()}@example.com` }));
    const taken = await t.client().post('/auth/sign-up', signUpBody({ name: '新規 花子', email: existing.email }));
    expect(taken.status).toBe(fresh.status);
    expect(normalisePage(taken.body)).toBe(normalisePage(fresh.body));
    expect(await t.db.select().from(signupRequests).where(eq(signupRequests.userId, existing.id))).toEqual([]);
    expect(await t.db.select().from(consents).where(eq(consents.userId, existing.id))).toEqual([]);
    expect((await t.lastMail(existing.email)).template).toBe('signUpExisting');
  });
});

// ---------------------------------------------------------------- automatic matching

describe('matching when the address is confirmed', () => {
  it('verifies a strong match (employee number + name) at once: active, linked, approved without reviewer, audited, welcomed in their language', async () => {
    const entry = await rosterEntry({ name: 'Emma 佐々木', nameKana: 'エマ ササキ', employeeNumber: 'A-00421', leftOn: '2021-06-30', department: '開発部' });
    const email = `strong-${unique()}@example.com`;
    const user = await signUp({ name: 'Emma　佐々木', email, employeeNumber: 'ａ-００４２１' }, 'en');
    await confirmAddress(email);

    expect((await userRow(user.id)).status).toBe('active');
    const [linked] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entry.id));
    expect(linked!.userId).toBe(user.id);
    const request = await requestOf(user.id);
    expect(request).toMatchObject({ state: 'approved', rosterEntryId: entry.id, reviewerId: null });
    expect(request.decidedAt).not.toBeNull();
    expect(request.matchScore).toBeGreaterThanOrEqual(80);
    const [event] = await auditFor('signup.auto_verified', request.id);
    expect(event!.actorId).toBeNull();
    expect(event!.details).toMatchObject({ rosterEntryId: entry.id, facts: expect.arrayContaining(['employeeNumber', 'name']) });

    const mail = await t.lastMail(email, 'signupApproved');
    expect(mail.locale).toBe('en');
    expect(mail.subject).toContain('membership is confirmed');
    expect(linkIn(mail.text, '/')).toBe('/');

    const client = await personClient(email);
    expect((await client.get('/test/verified')).status).toBe(200);
  });

  it('verifies name + reading + leave year, whatever the kana script or spacing', async () => {
    const entry = await rosterEntry({ name: '照合　次郎', nameKana: 'ｼｮｳｺﾞｳ ｼﾞﾛｳ', leftOn: '2017-03-31' });
    const email = `kana-${unique()}@example.com`;
    const user = await signUp({ name: '照合 次郎', nameKana: 'しょうごう じろう', email, leaveYear: '2016' });
    await confirmAddress(email);
    expect((await userRow(user.id)).status).toBe('active');
    expect((await requestOf(user.id)).rosterEntryId).toBe(entry.id);
  });

  it('sends two same-name candidates to the review queue: nobody linked, still pending', async () => {
    const { user, request, entries } = await queuedRequest();
    expect((await userRow(user.id)).status).toBe('pending');
    expect(request).toMatchObject({ state: 'pending', rosterEntryId: null });
    expect(request.matchScore).toBeGreaterThan(0);
    for (const e of entries) expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, e.id)))[0]!.userId).toBeNull();
    expect(await auditFor('signup.auto_verified', request.id)).toEqual([]);

    const { client: operator } = await t.signedIn('operator');
    const queue = await operator.get('/admin/signups');
    expect(queue.status).toBe(200);
    expect(queue.body).toContain(`/admin/signups/${request.id}`);
  });

  it('also matches when the address is confirmed by an e-mail sign-in link', async () => {
    const entry = await rosterEntry({ name: '松本 リンク', employeeNumber: 'ML-42' });
    const email = `magic-${unique()}@example.com`;
    const user = await signUp({ name: '松本 リンク', email, employeeNumber: 'ML-42' });
    await t.client().post('/auth/magic-link/request', { email });
    const token = tokenOf(linkIn((await t.lastMail(email, 'magicLink')).text, '/auth/magic-link'));
    expect((await t.client().post('/auth/magic-link', { token })).status).toBe(303);
    expect((await userRow(user.id)).status).toBe('active');
    expect((await requestOf(user.id)).rosterEntryId).toBe(entry.id);
  });

  it('does not link an entry already linked to another member', async () => {
    const owner = await t.createUser('alumnus');
    await t.db.insert(rosterEntries).values({ employeeNumber: 'TAKEN-1', name: '既存 三郎', userId: owner.id });
    const email = `taken-${unique()}@example.com`;
    const user = await signUp({ name: '既存 三郎', email, employeeNumber: 'TAKEN-1' });
    await confirmAddress(email);
    expect((await userRow(user.id)).status).toBe('pending');
    expect(await requestOf(user.id)).toMatchObject({ state: 'pending', matchScore: 0 });
  });
});

// ---------------------------------------------------------------- the person's side

describe('a pending person', () => {
  it('sees where their request stands on the home page and may not reach member content', async () => {
    const { email } = await queuedRequest();
    const client = await personClient(email);
    const home = await client.get('/');
    expect(home.body).toContain(ja.verification.status.pending);
    expect(home.body).toContain('href="/membership/request"');
    const member = await client.get('/test/verified');
    expect(member.status).toBe(403);
    expect(member.body).toContain(ja.errors.FORBIDDEN);
  });

  it('gets through a verified route once active; anonymous visitors are sent to sign in', async () => {
    const { client } = await t.signedIn('alumnus');
    expect((await client.get('/test/verified')).body).toBe('member content');
    const anonymous = await t.client().get('/test/verified');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/auth/sign-in?next=%2Ftest%2Fverified');
    const suspended = await t.createUser('alumnus', { status: 'suspended' });
    expect((await (await t.newSession(suspended)).get('/test/verified')).status).toBe(403);
  });
});

// ---------------------------------------------------------------- the review queue

describe('review queue access', () => {
  it('refuses employees, managers and alumni (403), and anonymous visitors', async () => {
    const { request } = await queuedRequest();
    for (const kind of ['alumnus', 'employee', 'manager'] as const) {
      const { client } = await t.signedIn(kind);
      for (const path of ['/admin/signups', `/admin/signups/${request.id}`]) {
        const res = await client.get(path);
        expect(res.status, `${kind} ${path}`).toBe(403);
      }
      const post = await client.post(`/admin/signups/${request.id}/approve`, { rosterEntryId: 'none' });
      expect(post.status, `${kind} approve`).toBe(403);
    }
    expect((await t.client().get('/admin/signups')).status).toBe(303);
    expect((await requestOf(request.userId)).state).toBe('pending');
  });

  it('shows operators and community managers the link, through the administration hub', async () => {
    for (const kind of ['operator', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/')).body).toContain('href="/admin"');
      expect((await client.get('/admin')).body).toContain('href="/admin/signups"');
    }
    const alumnus = (await t.signedIn('alumnus')).client;
    expect((await alumnus.get('/')).body).not.toContain('href="/admin"');
    expect((await alumnus.get('/admin')).status).toBe(403);
  });
});

describe('the review page', () => {
  it('shows a community manager the candidates side by side without HR-only facts, and audits the view', async () => {
    const { request, entries, id } = await queuedRequest();
    const { client, user } = await t.signedIn('community_manager');
    const res = await client.get(`/admin/signups/${request.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(ja.verification.compareTitle);
    expect(res.body).toContain('2010-04-01');
    expect(res.body).toContain('2019-09-30');
    expect(res.body).toContain('経理部');
    expect(res.body).toContain(ja.verification.hrOnlyHidden);
    expect(res.body).not.toContain(`家業承継-${id}`);
    expect(res.body).not.toContain(`主任研究員-${id}`);
    expect(res.body).not.toContain(entries[0]!.employeeNumber);
    expect(res.body).not.toContain(`<th scope="row">${ja.verification.rows.rehire}</th>`);
    expect(res.body).not.toContain('/admin/roster/entries/');
    const views = (await auditFor('personal_data.viewed', request.id)).filter((e) => e.actorId === user.id);
    expect(views).toHaveLength(1);
    expect(views[0]!.details).toMatchObject({ hrOnlyFacts: false, rosterEntryIds: expect.arrayContaining(entries.map((e) => e.id)) });
  });

  it('shows an operator the HR-only facts too, and audits that', async () => {
    const { request, entries, id } = await queuedRequest();
    const { client, user } = await t.signedIn('operator');
    const res = await client.get(`/admin/signups/${request.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(`家業承継-${id}`);
    expect(res.body).toContain(`主任研究員-${id}`);
    expect(res.body).toContain(entries[0]!.employeeNumber);
    expect(res.body).toContain(`<th scope="row">${ja.verification.rows.rehire}</th>`);
    expect(res.body).toContain(`/admin/roster/entries/${entries[0]!.id}`);
    const views = (await auditFor('personal_data.viewed', request.id)).filter((e) => e.actorId === user.id);
    expect(views[0]!.details).toMatchObject({ hrOnlyFacts: true });
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const { client } = await t.signedIn('operator');
    expect((await client.get('/admin/signups/not-a-uuid')).status).toBe(404);
    expect((await client.get('/admin/signups/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('decisions', () => {
  it('approve with a roster link: active, linked, audited, mailed in the person’s language', async () => {
    const { user, email, request, entries } = await queuedRequest('en');
    const { client, user: cm } = await t.signedIn('community_manager');
    const res = await client.post(`/admin/signups/${request.id}/approve`, { rosterEntryId: entries[1]!.id });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/signups');
    expect((await client.get('/admin/signups')).body).toContain(ja.verification.flash.approved);

    expect((await userRow(user.id)).status).toBe('active');
    expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, entries[1]!.id)))[0]!.userId).toBe(user.id);
    expect(await requestOf(user.id)).toMatchObject({ state: 'approved', reviewerId: cm.id, rosterEntryId: entries[1]!.id });
    const [event] = await auditFor('signup.approved', request.id);
    expect(event).toMatchObject({ actorId: cm.id });
    const mail = await t.lastMail(email, 'signupApproved');
    expect(mail.locale).toBe('en');

    // Decided once: a second decision is refused on the page.
    const again = await client.post(`/admin/signups/${request.id}/decline`, { message: 'x' });
    expect(again.status).toBe(409);
    expect(again.body).toContain(ja.verification.decided);
  });

  it('approve without a roster link', async () => {
    const { user, request } = await queuedRequest();
    const { client } = await t.signedIn('operator');
    const missing = await client.post(`/admin/signups/${request.id}/approve`, {});
    expect(missing.status).toBe(422);
    expect((await client.post(`/admin/signups/${request.id}/approve`, { rosterEntryId: 'none' })).status).toBe(303);
    expect(await requestOf(user.id)).toMatchObject({ state: 'approved', rosterEntryId: null });
    expect((await userRow(user.id)).status).toBe('active');
  });

  it('links only one of the request’s candidates', async () => {
    const { request } = await queuedRequest();
    const stranger = await rosterEntry({ name: '無関係 四郎' });
    const { client } = await t.signedIn('community_manager');
    for (const rosterEntryId of [stranger.id, 'not-a-uuid']) {
      const res = await client.post(`/admin/signups/${request.id}/approve`, { rosterEntryId });
      expect(res.status).toBe(422);
    }
    expect((await requestOf(request.userId)).state).toBe('pending');
    expect((await t.db.select().from(rosterEntries).where(eq(rosterEntries.id, stranger.id)))[0]!.userId).toBeNull();
  });

  it('refuses to link a roster entry that belongs to someone else now', async () => {
    const { request, entries } = await queuedRequest();
    const other = await t.createUser('alumnus');
    await t.db.update(rosterEntries).set({ userId: other.id }).where(eq(rosterEntries.id, entries[0]!.id));
    const { client } = await t.signedIn('operator');
    const res = await client.post(`/admin/signups/${request.id}/approve`, { rosterEntryId: entries[0]!.id });
    expect(res.status).toBe(409);
    expect(res.body).toContain(ja.verification.entryTaken);
    expect((await requestOf(request.userId)).state).toBe('pending');
  });

  it('ask for more: mail with the message and a link; the person answers by editing; it goes back to review without automatic matching', async () => {
    const { user, email, request, entries } = await queuedRequest('ja');
    const { client } = await t.signedIn('operator');
    const empty = await client.post(`/admin/signups/${request.id}/ask`, { message: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(ja.verification.messageRequired);

    const question = '在籍時の社員番号を覚えていらっしゃいますか?';
    expect((await client.post(`/admin/signups/${request.id}/ask`, { message: question })).status).toBe(303);
    expect(await requestOf(user.id)).toMatchObject({ state: 'more_info', reviewerMessage: question });
    expect(await auditFor('signup.more_info_requested', request.id)).toHaveLength(1);
    const mail = await t.lastMail(email, 'signupMoreInfo');
    expect(mail.locale).toBe('ja');
    expect(mail.text).toContain(question);
    const link = linkIn(mail.text, '/membership/request');

    const person = await personClient(email);
    const home = await person.get('/');
    expect(home.body).toContain(ja.verification.status.more_info);
    expect(home.body).toContain(question);
    const form = await person.get(link);
    expect(form.status).toBe(200);
    expect(form.body).toContain(question);

    const bad = await person.post('/membership/request', { name: request.name, leaveYear: 'いつか' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(ja.verification.errors.year.replace('{field}', ja.verification.fields.leaveYear));

    // Now the answer makes a strong match, but a person answers questions: a reviewer decides.
    const answer = await person.post('/membership/request', {
      name: request.name,
      nameKana: 'しんさ たろう',
      leaveYear: '2019',
      employeeNumber: entries[0]!.employeeNumber,
      note: '社員番号を見つけました。',
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/');
    const updated = await requestOf(user.id);
    expect(updated).toMatchObject({ state: 'pending', employeeNumber: entries[0]!.employeeNumber, note: '社員番号を見つけました。', rosterEntryId: null });
    expect(updated.matchScore).toBeGreaterThanOrEqual(80);
    expect((await userRow(user.id)).status).toBe('pending');
    expect(await auditFor('signup.updated', request.id)).toHaveLength(1);
  });

  it('decline: the account stays pending, the person is told in their language and sees the message', async () => {
    const { user, email, request } = await queuedRequest('en');
    const { client } = await t.signedIn('community_manager');
    const reason = 'We could not find you in the records of the years you gave.';
    expect((await client.post(`/admin/signups/${request.id}/decline`, { message: reason })).status).toBe(303);
    expect(await requestOf(user.id)).toMatchObject({ state: 'declined', reviewerMessage: reason });
    expect((await userRow(user.id)).status).toBe('pending');
    expect(await auditFor('signup.declined', request.id)).toHaveLength(1);
    const mail = await t.lastMail(email, 'signupDeclined');
    expect(mail.locale).toBe('en');
    expect(mail.text).toContain(reason);

    const person = await personClient(email);
    const home = await person.get('/');
    expect(home.body).toContain(en.verification.status.declined);
    expect(home.body).toContain(reason);
    expect((await person.get('/test/verified')).status).toBe(403);
    const own = await person.get('/membership/request');
    expect(own.body).toContain(en.verification.closed);
    expect(own.body).not.toContain('action="/membership/request"');
    const edit = await person.post('/membership/request', { name: 'x' });
    expect(edit.status).toBe(303);
    expect((await requestOf(user.id)).state).toBe('declined');
  });
});
