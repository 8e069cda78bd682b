/**
 * Requests to the company through HTTP: every kind of person on every page (the requester, an
 * employee assigned or not, community managers and operators), the thread (internal notes never
 * reach the requester), assignment and its mail, statuses with outcome and value, history and
 * audit, ages in the queue, attribution carried from the link, rate limit and bad input (422).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, caseHistory, companyRequests, departments, memberBlocks, users } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';

const ja = messages('ja');
const en = messages('en');
const R = ja.requests;

let t: TestApp;
let operator: { client: Client; user: TestUser };
let cm: { client: Client; user: TestUser };
let employee: { client: Client; user: TestUser };
let otherEmployee: { client: Client; user: TestUser };
let alumnus: { client: Client; user: TestUser };
let otherAlumnus: { client: Client; user: TestUser };
let departmentId: string;

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

async function person(role: 'alumnus' | 'employee', locale: 'ja' | 'en' | null = null): Promise<{ client: Client; user: TestUser }> {
  const user = await t.createUser(role, { name: `${role === 'alumnus' ? '卒業' : '社員'} ${unique()}`, locale });
  return { user, client: await t.newSession(user) };
}

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  // Before the first page: the department choices are cached briefly.
  const [dept] = await t.db.insert(departments).values({ code: `D-${unique()}`, nameJa: '決済事業部', nameEn: 'Payments' }).returning({ id: departments.id });
  departmentId = dept!.id;
  operator = await t.signedIn('operator');
  cm = await t.signedIn('community_manager');
  employee = await person('employee');
  otherEmployee = await person('employee');
  otherAlumnus = await person('alumnus');
});

// A new requester for every test: each may send only a few requests a day.
beforeEach(async () => {
  alumnus = await person('alumnus');
});

afterAll(async () => {
  await t?.close();
});

/** Sends a request through the form as `who`; returns its id. */
async function makeRequest(who: Client, fields: Record<string, string> = {}): Promise<string> {
  const res = await who.post('/requests/new', { kind: 'introduction', title: `決済チームの方を紹介してください ${unique()}`, body: '新しい決済サービスを考えています。', ...fields });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  const id = /^\/requests\/([0-9a-f-]{36})$/.exec(res.location ?? '')?.[1];
  expect(id).toBeTruthy();
  return id!;
}

const rowOf = async (id: string) => (await t.db.select().from(companyRequests).where(eq(companyRequests.id, id)))[0]!;
const historyOf = (id: string) =>
  t.db.select({ from: caseHistory.fromState, to: caseHistory.toState, actor: caseHistory.actorId }).from(caseHistory).where(and(eq(caseHistory.caseKind, 'request'), eq(caseHistory.caseId, id))).orderBy(asc(caseHistory.id));
const auditOf = (id: string) => t.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'request'), eq(auditEvents.subjectId, id))).orderBy(asc(auditEvents.id));

describe('making a request', () => {
  it('tells the secretariat (community managers and operators), each in their language; not employees', async () => {
    const englishOperator = await t.createUser('operator', { name: `Operator ${unique()}`, locale: 'en' });
    const id = await makeRequest(alumnus.client, { kind: 'career_talk', title: '採用説明会で話したい', body: '**卒業生**として話せます。' });
    for (const who of [operator.user, cm.user]) {
      const mail = await t.lastMail(who.email, 'requestNew');
      expect(mail.locale).toBe('ja');
      expect(mail.subject).toContain('採用説明会で話したい');
      expect(mail.subject).toContain(alumnus.user.name);
      expect(mail.text).toContain(R.kinds.career_talk);
      expect(mail.text).toContain('卒業生として話せます。');
      expect(mail.text).toContain(`/requests/${id}`);
    }
    const english = await t.lastMail(englishOperator.email, 'requestNew');
    expect(english.locale).toBe('en');
    expect(english.text).toContain(en.requests.kinds.career_talk);
    const forThis = (await t.mails({ template: 'requestNew' })).filter((m) => m.text.includes(`/requests/${id}`));
    // Every active community manager and operator (the one who set the network up included), once.
    const team = await t.db.select({ email: users.email }).from(users).where(and(inArray(users.role, ['operator', 'community_manager']), eq(users.status, 'active')));
    expect(forThis.map((m) => m.to).sort()).toEqual(team.map((u) => u.email).sort());
    expect(team.length).toBeGreaterThanOrEqual(3);
    expect(forThis.some((m) => m.to === employee.user.email || m.to === alumnus.user.email)).toBe(false);
  });

  it('stores kind, title, body, department and the source carried from the link, with its first history entry', async () => {
    const newsletterId = randomUUID();
    const form = await alumnus.client.get(`/requests/new?src=newsletter:${newsletterId}`);
    expect(form.status).toBe(200);
    expect(form.body).toContain(`name="src" value="newsletter:${newsletterId}"`);
    expect(form.body).toContain('決済事業部');
    for (const kind of ['introduction', 'collaboration', 'career_talk', 'other'] as const) expect(form.body).toContain(R.kinds[kind]);

    const id = await makeRequest(alumnus.client, { kind: 'collaboration', departmentId, src: `newsletter:${newsletterId}`, title: '協業のご提案', body: '**共同**で実証実験をしたいです。' });
    const row = await rowOf(id);
    expect(row).toMatchObject({ kind: 'collaboration', title: '協業のご提案', departmentId, source: `newsletter:${newsletterId}`, state: 'new', requesterId: alumnus.user.id, assigneeId: null });
    expect(await historyOf(id)).toEqual([{ from: null, to: 'new', actor: alumnus.user.id }]);

    const page = await alumnus.client.get(`/requests/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(R.flash.sent);
    expect(page.body).toContain('<strong>共同</strong>');
    expect(page.body).toContain(R.requesterStates.new);
    expect(page.body).toContain('決済事業部');
  });

  it('carries the source from the list page to the form, and drops a source that is not one', async () => {
    const src = `post:${randomUUID()}`;
    const list = await alumnus.client.get(`/requests?src=${src}`);
    expect(list.body).toContain(`/requests/new?src=${encodeURIComponent(src)}`);
    expect(list.body).toContain(`/feedback/new?src=${encodeURIComponent(src)}`);
    const id = await makeRequest(alumnus.client, { src: 'javascript:alert(1)' });
    expect((await rowOf(id)).source).toBeNull();
  });

  it('answers bad input with 422, the errors in the user’s language next to the fields and the input kept', async () => {
    const empty = await alumnus.client.post('/requests/new', {});
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(R.form.kindMissing);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: R.form.titleLabel }));
    expect(empty.body).toContain(fmt(ja.validation.required, { field: R.form.body }));

    const kept = await alumnus.client.post('/requests/new', { kind: 'nonsense', title: 'タイトルは残る', body: 'x'.repeat(5001), departmentId: randomUUID(), src: 'event:-' });
    expect(kept.status).toBe(422);
    expect(kept.body).toContain('value="タイトルは残る"');
    expect(kept.body).toContain(R.form.departmentGone);
    expect(kept.body).toContain(fmt(ja.validation.tooLong, { field: R.form.body, max: '5000' }));
    expect(kept.body).toContain('name="src" value="event:-"');

    const english = await (await person('alumnus')).client.post('/requests/new?lang=en', { kind: 'other', title: '', body: 'body' });
    expect(english.status).toBe(422);
    expect(english.body).toContain(fmt(en.validation.required, { field: en.requests.form.titleLabel }));
    const before = (await t.db.select().from(companyRequests).where(eq(companyRequests.requesterId, alumnus.user.id))).length;
    await alumnus.client.post('/requests/new', { kind: 'other', title: '\u0000', body: '\u0000' });
    expect((await t.db.select().from(companyRequests).where(eq(companyRequests.requesterId, alumnus.user.id))).length).toBe(before);
  });

  it('limits how many requests one alumnus sends in a day, keeping what they typed', async () => {
    const busy = await person('alumnus');
    for (let i = 0; i < 5; i++) await makeRequest(busy.client);
    const res = await busy.client.post('/requests/new', { kind: 'other', title: '六件目', body: '長い文章をここに書きました。' });
    expect(res.status).toBe(429);
    expect(res.body).toContain(R.form.tooMany);
    expect(res.body).toContain('長い文章をここに書きました。');
    expect((await t.db.select().from(companyRequests).where(eq(companyRequests.requesterId, busy.user.id))).length).toBe(5);
  });

  it('is for alumni: staff cannot open the form or send one', async () => {
    for (const who of [employee, operator, cm, await t.signedIn('manager')]) {
      expect((await who.client.get('/requests/new')).status).toBe(403);
      expect((await who.client.post('/requests/new', { kind: 'other', title: 'x', body: 'y' })).status).toBe(403);
    }
  });
});

describe('who sees a request', () => {
  it('the requester, the assigned employee and the secretariat; nobody else, by list or by URL', async () => {
    const id = await makeRequest(alumnus.client, { title: `見える人の確認 ${unique()}` });
    const title = (await rowOf(id)).title;
    const url = `/requests/${id}`;
    expect((await alumnus.client.get(url)).status).toBe(200);
    expect((await cm.client.get(url)).status).toBe(200);
    expect((await operator.client.get(url)).status).toBe(200);
    expect((await otherAlumnus.client.get(url)).status).toBe(404);
    expect((await employee.client.get(url)).status).toBe(404);
    expect((await (await t.signedIn('manager')).client.get(url)).status).toBe(404);
    expect((await employee.client.get('/requests')).body).not.toContain(title);
    expect((await otherAlumnus.client.get('/requests')).body).not.toContain(title);
    expect((await alumnus.client.get('/requests')).body).toContain(title);

    expect((await cm.client.post(`${url}/assign`, { assigneeId: employee.user.id })).status).toBe(303);
    expect((await employee.client.get(url)).status).toBe(200);
    const list = await employee.client.get('/requests');
    expect(list.body).toContain(R.assignedTitle);
    expect(list.body).toContain(title);
    expect((await otherEmployee.client.get(url)).status).toBe(404);
    expect((await otherEmployee.client.get('/requests')).body).not.toContain(title);
    // Nor may they act on it.
    expect((await otherEmployee.client.post(`${url}/reply`, { body: 'こんにちは' })).status).toBe(404);
    expect((await otherEmployee.client.post(`${url}/state`, { state: 'closed', outcome: 'none' })).status).toBe(404);
    expect((await otherAlumnus.client.post(`${url}/reply`, { body: 'こんにちは' })).status).toBe(404);

    // Reassigned: the first employee no longer sees it.
    expect((await cm.client.post(`${url}/assign`, { assigneeId: otherEmployee.user.id })).status).toBe(303);
    expect((await employee.client.get(url)).status).toBe(404);
    expect((await otherEmployee.client.get(url)).status).toBe(200);
  });

  it('answers 404 for garbage and unknown ids on every request route, for every role', async () => {
    for (const who of [alumnus, employee, cm, operator]) {
      for (const id of ['not-a-uuid', randomUUID(), '1%27%20or%201=1']) {
        expect((await who.client.get(`/requests/${id}`)).status).toBe(404);
        expect((await who.client.post(`/requests/${id}/reply`, { body: 'x' })).status).toBe(404);
      }
    }
    for (const who of [employee, cm, operator]) {
      expect((await who.client.post(`/requests/${randomUUID()}/note`, { body: 'x' })).status).toBe(404);
      expect((await who.client.post(`/requests/${randomUUID()}/state`, { state: 'closed', outcome: 'none' })).status).toBe(404);
    }
    expect((await cm.client.post(`/requests/${randomUUID()}/assign`, { assigneeId: employee.user.id })).status).toBe(404);
  });

  it('keeps the queue and assignment to the secretariat', async () => {
    const id = await makeRequest(alumnus.client);
    for (const who of [alumnus, employee]) {
      expect((await who.client.get('/admin/requests')).status).toBe(403);
      expect((await who.client.post(`/requests/${id}/assign`, { assigneeId: employee.user.id })).status).toBe(403);
    }
    expect((await alumnus.client.post(`/requests/${id}/note`, { body: '内緒' })).status).toBe(403);
    expect((await alumnus.client.post(`/requests/${id}/state`, { state: 'closed', outcome: 'none' })).status).toBe(403);
    expect((await cm.client.get('/admin/requests')).status).toBe(200);
    expect((await operator.client.get('/admin/requests')).status).toBe(200);
  });
});

describe('handling a request', () => {
  it('assigns to an employee (told by mail), which puts a new request in progress: recorded, audited, the requester told', async () => {
    const requester = await person('alumnus', 'en');
    const id = await makeRequest(requester.client, { title: `Assign me ${unique()}` });
    const res = await cm.client.post(`/requests/${id}/assign`, { assigneeId: employee.user.id });
    expect(res.status).toBe(303);
    const row = await rowOf(id);
    expect(row).toMatchObject({ assigneeId: employee.user.id, state: 'in_progress' });
    expect(await historyOf(id)).toEqual([
      { from: null, to: 'new', actor: requester.user.id },
      { from: 'new', to: 'in_progress', actor: cm.user.id },
    ]);
    const actions = (await auditOf(id)).map((a) => a.action);
    expect(actions).toEqual(['request.assigned', 'request.state_changed']);

    const assigned = await t.lastMail(employee.user.email, 'requestAssigned');
    expect(assigned.subject).toContain(row.title);
    expect(assigned.text).toContain(`${t.config.baseUrl}/requests/${id}`);
    expect(assigned.text).toContain(requester.user.name);
    const told = await t.lastMail(requester.user.email, 'requestStateChanged');
    expect(told.locale).toBe('en');
    expect(told.subject).toContain(en.requests.requesterStates.in_progress);

    // The same assignee again changes nothing and mails nobody.
    const before = (await t.mails({ template: 'requestAssigned' })).length;
    expect((await cm.client.post(`/requests/${id}/assign`, { assigneeId: employee.user.id })).status).toBe(303);
    expect((await t.mails({ template: 'requestAssigned' })).length).toBe(before);
  });

  it('refuses as assignee anyone but active staff, and staff blocked either way with the requester (422, not listed)', async () => {
    const id = await makeRequest(alumnus.client);
    const blocked = await person('employee');
    await t.db.insert(memberBlocks).values({ blockerId: alumnus.user.id, blockedId: blocked.user.id });
    const page = await cm.client.get(`/requests/${id}`);
    expect(page.body).toContain(`value="${employee.user.id}"`);
    expect(page.body).not.toContain(`value="${blocked.user.id}"`);
    for (const assigneeId of [blocked.user.id, otherAlumnus.user.id, alumnus.user.id, 'nobody', '']) {
      const res = await cm.client.post(`/requests/${id}/assign`, { assigneeId });
      expect(res.status, assigneeId).toBe(422);
      expect(res.body).toContain(R.manage.assigneeInvalid);
    }
    expect((await rowOf(id)).assigneeId).toBeNull();
  });

  it('runs the thread: replies reach the other side by mail; internal notes never reach the requester', async () => {
    const id = await makeRequest(alumnus.client, { title: `スレッド ${unique()}` });
    await cm.client.post(`/requests/${id}/assign`, { assigneeId: employee.user.id });

    const reply = await employee.client.post(`/requests/${id}/reply`, { body: '担当の山田です。来週お話ししましょう。' });
    expect(reply.status).toBe(303);
    const toRequester = await t.lastMail(alumnus.user.email, 'requestReplied');
    expect(toRequester.text).toContain('来週お話ししましょう');
    expect(toRequester.text).toContain(employee.user.name);

    const answer = await alumnus.client.post(`/requests/${id}/reply`, { body: '火曜日はいかがですか。' });
    expect(answer.status).toBe(303);
    const toAssignee = await t.lastMail(employee.user.email, 'requestRequesterReplied');
    expect(toAssignee.text).toContain('火曜日はいかがですか');
    expect(toAssignee.subject).toContain(alumnus.user.name);

    const secret = `社内限定メモ ${unique()}`;
    expect((await employee.client.post(`/requests/${id}/note`, { body: secret })).status).toBe(303);
    expect((await cm.client.post(`/requests/${id}/note`, { body: `${secret} 事務局` })).status).toBe(303);

    const asRequester = await alumnus.client.get(`/requests/${id}`);
    expect(asRequester.body).toContain('来週お話ししましょう');
    expect(asRequester.body).not.toContain(secret);
    expect(asRequester.body).not.toContain(R.page.internalBadge);
    expect(asRequester.body).not.toContain(R.manage.title);
    expect(asRequester.body).not.toContain(R.page.history);
    for (const who of [employee, cm, operator]) {
      const staffPage = await who.client.get(`/requests/${id}`);
      expect(staffPage.body).toContain(secret);
      expect(staffPage.body).toContain(R.page.internalBadge);
      expect(staffPage.body).toContain(R.page.history);
    }
    // Notes are not mailed to anyone.
    expect((await t.mails()).some((m) => m.text.includes(secret))).toBe(false);

    // A requester's reply the assignee has not answered yet is flagged in the queue and in their list.
    expect((await cm.client.get('/admin/requests')).body).toContain(R.queue.awaiting);
  });

  it('a reply by the secretariat to a new request starts it (in progress), without a second mail', async () => {
    const id = await makeRequest(alumnus.client);
    const before = (await t.mails({ to: alumnus.user.email, template: 'requestStateChanged' })).length;
    expect((await cm.client.post(`/requests/${id}/reply`, { body: '拝見しました。' })).status).toBe(303);
    expect((await rowOf(id)).state).toBe('in_progress');
    expect((await historyOf(id)).map((h) => h.to)).toEqual(['new', 'in_progress']);
    expect((await t.mails({ to: alumnus.user.email, template: 'requestStateChanged' })).length).toBe(before);
    expect((await t.lastMail(alumnus.user.email, 'requestReplied')).text).toContain('拝見しました');
  });

  it('keeps a reply that is empty or too long (422) and refuses a flood (429), the text kept', async () => {
    const id = await makeRequest(alumnus.client);
    const empty = await alumnus.client.post(`/requests/${id}/reply`, { body: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: R.page.replyLabel }));
    const long = await alumnus.client.post(`/requests/${id}/reply`, { body: 'あ'.repeat(5001) });
    expect(long.status).toBe(422);
    expect(long.body).toContain('あ'.repeat(100));
    const chatty = await person('alumnus');
    const own = await makeRequest(chatty.client);
    for (let i = 0; i < 20; i++) expect((await chatty.client.post(`/requests/${own}/reply`, { body: `追記 ${i}` })).status).toBe(303);
    const flood = await chatty.client.post(`/requests/${own}/reply`, { body: '二十一通目の追記' });
    expect(flood.status).toBe(429);
    expect(flood.body).toContain('二十一通目の追記');
  });

  it('records the outcome and value on connected or closed; the requester sees the plain status, not the figures', async () => {
    const id = await makeRequest(alumnus.client, { kind: 'collaboration' });
    await cm.client.post(`/requests/${id}/assign`, { assigneeId: employee.user.id });

    const noOutcome = await employee.client.post(`/requests/${id}/state`, { state: 'connected', outcome: '', value: '' });
    expect(noOutcome.status).toBe(422);
    expect(noOutcome.body).toContain(R.manage.outcomeRequired);
    const badValue = await employee.client.post(`/requests/${id}/state`, { state: 'connected', outcome: 'deal', value: '百万円' });
    expect(badValue.status).toBe(422);
    expect(badValue.body).toContain(R.manage.valueInvalid);
    expect(badValue.body).toContain('value="百万円"');
    const badState = await employee.client.post(`/requests/${id}/state`, { state: 'rejected' });
    expect(badState.status).toBe(422);
    expect((await rowOf(id)).state).toBe('in_progress');

    expect((await employee.client.post(`/requests/${id}/state`, { state: 'connected', outcome: 'deal', value: '¥1,200,000' })).status).toBe(303);
    expect(await rowOf(id)).toMatchObject({ state: 'connected', outcome: 'deal', outcomeValue: 1_200_000 });
    expect((await historyOf(id)).map((h) => `${h.from}→${h.to}`)).toEqual(['null→new', 'new→in_progress', 'in_progress→connected']);
    const audits = (await auditOf(id)).filter((a) => a.action === 'request.state_changed');
    expect(audits.at(-1)?.details).toMatchObject({ from: 'in_progress', to: 'connected', outcome: 'deal', value: 1_200_000 });
    expect(audits.at(-1)?.actorId).toBe(employee.user.id);
    expect((await t.lastMail(alumnus.user.email, 'requestStateChanged')).subject).toContain(R.requesterStates.connected);

    // Correcting the value alone changes no status: no history entry, no mail.
    const mailsBefore = (await t.mails({ to: alumnus.user.email, template: 'requestStateChanged' })).length;
    expect((await cm.client.post(`/requests/${id}/state`, { state: 'connected', outcome: 'deal', value: '1500000' })).status).toBe(303);
    expect((await rowOf(id)).outcomeValue).toBe(1_500_000);
    expect((await historyOf(id)).length).toBe(3);
    expect((await t.mails({ to: alumnus.user.email, template: 'requestStateChanged' })).length).toBe(mailsBefore);

    const staffPage = await employee.client.get(`/requests/${id}`);
    expect(staffPage.body).toContain(R.outcomes.deal);
    expect(staffPage.body).toContain('1,500,000');
    const requesterPage = await alumnus.client.get(`/requests/${id}`);
    expect(requesterPage.body).toContain(R.requesterStates.connected);
    expect(requesterPage.body).not.toContain('1,500,000');
    expect(requesterPage.body).not.toContain(R.outcomes.deal);

    // Reopening drops the outcome; closing again records the new one.
    expect((await cm.client.post(`/requests/${id}/state`, { state: 'in_progress', outcome: 'deal', value: '5' })).status).toBe(303);
    expect(await rowOf(id)).toMatchObject({ state: 'in_progress', outcome: null, outcomeValue: null });
    expect((await cm.client.post(`/requests/${id}/state`, { state: 'closed', outcome: 'none' })).status).toBe(303);
    expect(await rowOf(id)).toMatchObject({ state: 'closed', outcome: 'none', outcomeValue: null });
  });
});

describe('the secretariat queue', () => {
  it('shows new requests first with their age, and filters by state, kind and assignee', async () => {
    const fresh = await person('alumnus');
    const old = await makeRequest(fresh.client, { kind: 'career_talk', title: `三日前の相談 ${unique()}` });
    const today = await makeRequest(fresh.client, { kind: 'other', title: `今日の依頼 ${unique()}` });
    const busy = await makeRequest(fresh.client, { kind: 'career_talk', title: `対応中の相談 ${unique()}` });
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000 - 60_000);
    await t.db.update(companyRequests).set({ createdAt: threeDaysAgo, stateChangedAt: threeDaysAgo }).where(eq(companyRequests.id, old));
    await cm.client.post(`/requests/${busy}/assign`, { assigneeId: otherEmployee.user.id });
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000 - 60_000);
    await t.db.update(companyRequests).set({ stateChangedAt: fiveDaysAgo }).where(eq(companyRequests.id, busy));
    const titles = Object.fromEntries(await Promise.all([old, today, busy].map(async (id) => [id, (await rowOf(id)).title] as const)));

    const queue = await cm.client.get('/admin/requests');
    expect(queue.status).toBe(200);
    const body = queue.body;
    expect(body).toContain(fmt(R.age.newDays, { days: 3 }));
    expect(body).toContain('3日前から未対応');
    expect(body).toContain(R.age.newToday);
    expect(body).toContain(fmt(R.age.progressDays, { days: 5 }));
    // New ones before the one in progress; the oldest new one first.
    expect(body.indexOf(titles[old]!)).toBeLessThan(body.indexOf(titles[today]!));
    expect(body.indexOf(titles[today]!)).toBeLessThan(body.indexOf(titles[busy]!));

    const byKind = await cm.client.get('/admin/requests?state=all&kind=career_talk');
    expect(byKind.body).toContain(titles[old]);
    expect(byKind.body).toContain(titles[busy]);
    expect(byKind.body).not.toContain(titles[today]);
    const byAssignee = await operator.client.get(`/admin/requests?state=open&assignee=${otherEmployee.user.id}`);
    expect(byAssignee.body).toContain(titles[busy]);
    expect(byAssignee.body).not.toContain(titles[old]);
    const unassigned = await operator.client.get('/admin/requests?state=new&assignee=none');
    expect(unassigned.body).toContain(titles[old]);
    expect(unassigned.body).not.toContain(titles[busy]);
    const closed = await cm.client.get('/admin/requests?state=closed');
    expect(closed.body).not.toContain(titles[old]);
    // Nonsense filters fall back to the defaults rather than failing.
    expect((await cm.client.get('/admin/requests?state=%27&kind=%E2%80%AE&assignee=%3Cscript%3E&page=-4')).status).toBe(200);

    // The assigned employee sees the age too, on their own list.
    expect((await otherEmployee.client.get('/requests')).body).toContain(fmt(R.age.progressDays, { days: 5 }));
  });
});
