/**
 * Feedback and ideas through HTTP: every kind of person on every page (the author, other alumni,
 * employees, community managers, operators), replies and internal notes, statuses in the team's
 * words and the author's, rewards for adopted and useful feedback (granted once, in the same
 * transaction, only with an active rule), the queue with ages, attribution, bad input (422).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, caseHistory, feedbackItems, rewardRules, rewards, users } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';

const ja = messages('ja');
const en = messages('en');
const F = ja.requests.feedback;

let t: TestApp;
let operator: { client: Client; user: TestUser };
let cm: { client: Client; user: TestUser };
let employee: { client: Client; user: TestUser };
let author: { client: Client; user: TestUser };
let otherAlumnus: { client: Client; user: TestUser };

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

async function person(role: 'alumnus' | 'employee', locale: 'ja' | 'en' | null = null): Promise<{ client: Client; user: TestUser }> {
  const user = await t.createUser(role, { name: `${role === 'alumnus' ? '卒業' : '社員'} ${unique()}`, locale });
  return { user, client: await t.newSession(user) };
}

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = await t.signedIn('operator');
  cm = await t.signedIn('community_manager');
  employee = await t.signedIn('employee');
  otherAlumnus = await person('alumnus');
});

beforeEach(async () => {
  author = await person('alumnus');
});

afterAll(async () => {
  await t?.close();
});

async function sendFeedback(who: Client, fields: Record<string, string> = {}): Promise<string> {
  const res = await who.post('/feedback/new', { kind: 'product', subject: '経費精算アプリ', title: `申請画面が分かりにくい ${unique()}`, body: '承認者を選ぶ欄が見つけにくいです。', ...fields });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  const id = /^\/feedback\/([0-9a-f-]{36})$/.exec(res.location ?? '')?.[1];
  expect(id).toBeTruthy();
  return id!;
}

const rowOf = async (id: string) => (await t.db.select().from(feedbackItems).where(eq(feedbackItems.id, id)))[0]!;
const rewardsOf = (id: string) => t.db.select().from(rewards).where(and(eq(rewards.caseKind, 'feedback'), eq(rewards.caseId, id))).orderBy(asc(rewards.createdAt));

async function withRule(trigger: 'feedback_useful' | 'feedback_adopted', description: string, run: () => Promise<void>): Promise<void> {
  const [rule] = await t.db.insert(rewardRules).values({ trigger, kind: 'points', amount: 500, description }).returning({ id: rewardRules.id });
  try {
    await run();
  } finally {
    await t.db.update(rewardRules).set({ active: false }).where(eq(rewardRules.id, rule!.id));
  }
}

describe('sending feedback', () => {
  it('tells everyone who answers feedback (community managers and operators), each in their language; nobody else', async () => {
    const englishCm = await t.createUser('community_manager', { name: `CM ${unique()}`, locale: 'en' });
    const title = `通知の確認 ${unique()}`;
    const id = await sendFeedback(author.client, { title, body: '**太字**の本文です。' });
    for (const who of [operator.user, cm.user]) {
      const mail = await t.lastMail(who.email, 'feedbackNew');
      expect(mail.locale).toBe('ja');
      expect(mail.subject).toContain(title);
      expect(mail.subject).toContain(author.user.name);
      expect(mail.text).toContain('太字の本文です。');
      expect(mail.text).toContain(`/feedback/${id}`);
    }
    const english = await t.lastMail(englishCm.email, 'feedbackNew');
    expect(english.locale).toBe('en');
    expect(english.subject).toContain(`New feedback from ${author.user.name}`);
    const everyone = await t.mails({ template: 'feedbackNew' });
    const forThis = everyone.filter((m) => m.text.includes(`/feedback/${id}`));
    // Every active community manager and operator (the one who set the network up included), once.
    const team = await t.db.select({ email: users.email }).from(users).where(and(inArray(users.role, ['operator', 'community_manager']), eq(users.status, 'active')));
    expect(forThis.map((m) => m.to).sort()).toEqual(team.map((u) => u.email).sort());
    expect(team.length).toBeGreaterThanOrEqual(3);
    expect(forThis.some((m) => m.to === employee.user.email || m.to === author.user.email)).toBe(false);
  });

  it('stores kind, product, title, body and the source carried from the link, with its first history entry', async () => {
    const src = `event:${randomUUID()}`;
    const list = await author.client.get(`/feedback?src=${src}`);
    expect(list.status).toBe(200);
    expect(list.body).toContain(`/feedback/new?src=${encodeURIComponent(src)}`);
    const form = await author.client.get(`/feedback/new?src=${src}`);
    expect(form.body).toContain(`name="src" value="${src}"`);

    const id = await sendFeedback(author.client, { kind: 'idea', subject: '  社内  ポータル ', src, title: '検索を速く', body: '- 絞り込み\n- 並べ替え' });
    expect(await rowOf(id)).toMatchObject({ kind: 'idea', subject: '社内 ポータル', title: '検索を速く', source: src, state: 'received', authorId: author.user.id });
    const history = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseKind, 'feedback'), eq(caseHistory.caseId, id)));
    expect(history.map((h) => [h.fromState, h.toState])).toEqual([[null, 'received']]);

    const page = await author.client.get(`/feedback/${id}`);
    expect(page.body).toContain(F.flash.sent);
    expect(page.body).toContain('<li>絞り込み</li>');
    expect(page.body).toContain(F.authorStates.received);
    expect((await author.client.get('/feedback')).body).toContain('検索を速く');
  });

  it('answers bad input with 422, errors next to the fields and the input kept; the product is optional', async () => {
    const empty = await author.client.post('/feedback/new', {});
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(F.form.kindMissing);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: F.form.titleLabel }));
    const kept = await author.client.post('/feedback/new', { kind: 'service', subject: 'あ'.repeat(121), title: '残るタイトル', body: '残る本文' });
    expect(kept.status).toBe(422);
    expect(kept.body).toContain(fmt(ja.validation.tooLong, { field: F.form.subject, max: '120' }));
    expect(kept.body).toContain('value="残るタイトル"');
    expect(kept.body).toContain('残る本文');
    const id = await sendFeedback(author.client, { subject: '' });
    expect((await rowOf(id)).subject).toBeNull();
  });

  it('is for alumni: staff cannot open the form, send, or list their own', async () => {
    for (const who of [employee, cm, operator, await t.signedIn('manager')]) {
      expect((await who.client.get('/feedback/new')).status).toBe(403);
      expect((await who.client.post('/feedback/new', { kind: 'idea', title: 'x', body: 'y' })).status).toBe(403);
      expect((await who.client.get('/feedback')).status).toBe(403);
    }
  });

  it('limits how much one alumnus sends in a day, keeping what they typed', async () => {
    for (let i = 0; i < 10; i++) await sendFeedback(author.client);
    const res = await author.client.post('/feedback/new', { kind: 'idea', title: '十一件目', body: 'まだ言いたいことがあります。' });
    expect(res.status).toBe(429);
    expect(res.body).toContain(F.form.tooMany);
    expect(res.body).toContain('まだ言いたいことがあります。');
  });
});

describe('who sees feedback', () => {
  it('the author and the team; another alumnus gets 404 and employees are refused', async () => {
    const id = await sendFeedback(author.client);
    const url = `/feedback/${id}`;
    expect((await author.client.get(url)).status).toBe(200);
    expect((await cm.client.get(url)).status).toBe(200);
    expect((await operator.client.get(url)).status).toBe(200);
    expect((await otherAlumnus.client.get(url)).status).toBe(404);
    expect((await otherAlumnus.client.post(`${url}/reply`, { body: 'わたしも' })).status).toBe(404);
    expect((await otherAlumnus.client.get('/feedback')).body).not.toContain((await rowOf(id)).title);
    for (const path of [url, '/admin/feedback']) expect((await employee.client.get(path)).status).toBe(403);
    for (const action of ['reply', 'note', 'state', 'useful']) {
      expect((await employee.client.post(`${url}/${action}`, { body: 'x', state: 'adopted' })).status).toBe(403);
    }
    for (const action of ['note', 'state', 'useful']) {
      expect((await author.client.post(`${url}/${action}`, { body: 'x', state: 'adopted' })).status).toBe(403);
    }
    expect((await rowOf(id)).state).toBe('received');
  });

  it('answers 404 for garbage and unknown ids, for every role that may reach the pages', async () => {
    for (const who of [author, cm, operator]) {
      for (const id of ['nope', randomUUID()]) {
        expect((await who.client.get(`/feedback/${id}`)).status).toBe(404);
        expect((await who.client.post(`/feedback/${id}/reply`, { body: 'x' })).status).toBe(404);
      }
    }
    for (const action of ['note', 'state', 'useful']) expect((await cm.client.post(`/feedback/${randomUUID()}/${action}`, { body: 'x', state: 'adopted' })).status).toBe(404);
  });
});

describe('the team handles feedback', () => {
  it('replies reach the author by mail; internal notes never reach the author', async () => {
    const enAuthor = await person('alumnus', 'en');
    const id = await sendFeedback(enAuthor.client, { title: 'Expense app' });
    expect((await cm.client.post(`/feedback/${id}/reply`, { body: 'Thank you, we are looking into it.' })).status).toBe(303);
    const mail = await t.lastMail(enAuthor.user.email, 'feedbackReplied');
    expect(mail.locale).toBe('en');
    expect(mail.text).toContain('we are looking into it');
    expect(mail.text).toContain(`${t.config.baseUrl}/feedback/${id}`);

    const secret = `社内だけの検討メモ ${unique()}`;
    expect((await operator.client.post(`/feedback/${id}/note`, { body: secret })).status).toBe(303);
    const authorPage = await enAuthor.client.get(`/feedback/${id}`);
    expect(authorPage.body).toContain('we are looking into it');
    expect(authorPage.body).not.toContain(secret);
    expect(authorPage.body).not.toContain(en.requests.page.internalBadge);
    expect(authorPage.body).not.toContain(en.requests.feedback.manage.title);
    expect((await cm.client.get(`/feedback/${id}`)).body).toContain(secret);
    expect((await t.mails()).some((m) => m.text.includes(secret))).toBe(false);

    // The author's answer: no mail to anyone, flagged in the team's queue.
    const before = (await t.mails()).length;
    expect((await enAuthor.client.post(`/feedback/${id}/reply`, { body: 'One more thing: the date picker.' })).status).toBe(303);
    expect((await t.mails()).length).toBe(before);
    const queue = await cm.client.get('/admin/feedback');
    const row = queue.body.slice(queue.body.indexOf('Expense app'));
    expect(row.slice(0, 400)).toContain(F.queue.awaiting);

    const empty = await cm.client.post(`/feedback/${id}/reply`, { body: '' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: ja.requests.page.replyLabel }));
  });

  it('moves through the statuses: recorded, audited, the author told in plain words (never “rejected”)', async () => {
    const id = await sendFeedback(author.client);
    expect((await cm.client.post(`/feedback/${id}/state`, { state: 'considering' })).status).toBe(303);
    expect((await t.lastMail(author.user.email, 'feedbackStateChanged')).subject).toContain(F.authorStates.considering);
    expect((await cm.client.post(`/feedback/${id}/state`, { state: 'not_now' })).status).toBe(303);
    const notNow = await t.lastMail(author.user.email, 'feedbackStateChanged');
    expect(notNow.subject).toContain('今回は見送りました');
    expect(notNow.text).not.toMatch(/却下|不採用|reject/i);
    const authorPage = await author.client.get(`/feedback/${id}`);
    expect(authorPage.body).toContain(F.authorStates.not_now);
    expect(authorPage.body).not.toMatch(/却下|不採用|reject/i);

    const history = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseKind, 'feedback'), eq(caseHistory.caseId, id))).orderBy(asc(caseHistory.id));
    expect(history.map((h) => `${h.fromState}→${h.toState}`)).toEqual(['null→received', 'received→considering', 'considering→not_now']);
    expect(history.at(-1)?.actorId).toBe(cm.user.id);
    const audits = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'feedback.state_changed'), eq(auditEvents.subjectId, id))).orderBy(asc(auditEvents.id));
    expect(audits.map((a) => a.details)).toEqual([
      { from: 'received', to: 'considering' },
      { from: 'considering', to: 'not_now' },
    ]);
    const staffPage = await operator.client.get(`/feedback/${id}`);
    expect(staffPage.body).toContain(ja.requests.page.history);
    expect(staffPage.body).toContain(F.states.not_now);

    // The same status again is no change: no history, no mail.
    const mails = (await t.mails({ to: author.user.email })).length;
    expect((await cm.client.post(`/feedback/${id}/state`, { state: 'not_now' })).status).toBe(303);
    expect((await t.mails({ to: author.user.email })).length).toBe(mails);

    const bad = await cm.client.post(`/feedback/${id}/state`, { state: 'rejected' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(fmt(ja.validation.choose, { field: F.manage.state }));
    expect((await rowOf(id)).state).toBe('not_now');
  });

  it('adopting grants the adopted reward once, whatever happens after; without a rule nothing is granted', async () => {
    const noRule = await sendFeedback(author.client);
    expect((await cm.client.get(`/feedback/${noRule}`)).body).not.toContain(F.manage.adoptedReward.split('{reward}')[0]!);
    expect((await cm.client.post(`/feedback/${noRule}/state`, { state: 'adopted' })).status).toBe(303);
    expect(await rewardsOf(noRule)).toEqual([]);

    await withRule('feedback_adopted', '採用記念 500ポイント', async () => {
      const id = await sendFeedback(author.client);
      expect((await cm.client.get(`/feedback/${id}`)).body).toContain(fmt(F.manage.adoptedReward, { reward: '採用記念 500ポイント' }));
      expect((await cm.client.post(`/feedback/${id}/state`, { state: 'adopted' })).status).toBe(303);
      expect((await cm.client.post(`/feedback/${id}/state`, { state: 'considering' })).status).toBe(303);
      expect((await operator.client.post(`/feedback/${id}/state`, { state: 'adopted' })).status).toBe(303);
      const granted = await rewardsOf(id);
      expect(granted).toHaveLength(1);
      expect(granted[0]).toMatchObject({ userId: author.user.id, trigger: 'feedback_adopted', kind: 'points', amount: 500, description: '採用記念 500ポイント', state: 'pending' });
      expect((await author.client.get(`/feedback/${id}`)).body).toContain(F.authorStates.adopted);
    });
  });

  it('the useful mark grants the useful reward once and tells the author; without a rule it cannot be given', async () => {
    const id = await sendFeedback(author.client);
    const without = await cm.client.get(`/feedback/${id}`);
    expect(without.body).toContain(F.manage.noUsefulRule);
    expect(without.body).not.toContain(`action="/feedback/${id}/useful"`);
    const refused = await cm.client.post(`/feedback/${id}/useful`);
    expect(refused.status).toBe(303);
    expect((await cm.client.get(refused.location!)).body).toContain(F.flash.noRule);
    expect(await rewardsOf(id)).toEqual([]);

    await withRule('feedback_useful', '感謝の気持ち 500ポイント', async () => {
      const page = await cm.client.get(`/feedback/${id}`);
      expect(page.body).toContain(fmt(F.manage.usefulHint, { reward: '感謝の気持ち 500ポイント' }));
      expect((await cm.client.post(`/feedback/${id}/useful`)).status).toBe(303);
      expect((await operator.client.post(`/feedback/${id}/useful`)).status).toBe(303);
      const granted = await rewardsOf(id);
      expect(granted).toHaveLength(1);
      expect(granted[0]).toMatchObject({ userId: author.user.id, trigger: 'feedback_useful', amount: 500, state: 'pending' });
      const mails = await t.mails({ to: author.user.email, template: 'feedbackUseful' });
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain('感謝の気持ち 500ポイント');
      expect((await author.client.get(`/feedback/${id}`)).body).toContain(F.page.useful);
      expect((await cm.client.get(`/feedback/${id}`)).body).toContain(F.manage.usefulDone);
    });
    // A mark already given stays, rule or not.
    expect((await author.client.get(`/feedback/${id}`)).body).toContain(F.page.useful);
  });
});

describe('the team queue', () => {
  it('shows received feedback first with its age, and filters by state and kind', async () => {
    const old = await sendFeedback(author.client, { kind: 'service', title: `四日前のご意見 ${unique()}` });
    const fresh = await sendFeedback(author.client, { kind: 'idea', title: `今日のアイデア ${unique()}` });
    const thinking = await sendFeedback(author.client, { kind: 'idea', title: `検討中のアイデア ${unique()}` });
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000 - 60_000);
    await t.db.update(feedbackItems).set({ createdAt: fourDaysAgo, stateChangedAt: fourDaysAgo }).where(eq(feedbackItems.id, old));
    await cm.client.post(`/feedback/${thinking}/state`, { state: 'considering' });
    const titles = Object.fromEntries(await Promise.all([old, fresh, thinking].map(async (id) => [id, (await rowOf(id)).title] as const)));

    const queue = await operator.client.get('/admin/feedback');
    expect(queue.status).toBe(200);
    expect(queue.body).toContain('4日前から未対応');
    expect(queue.body).toContain(F.age.receivedToday);
    expect(queue.body).toContain(F.age.consideringToday);
    expect(queue.body.indexOf(titles[old]!)).toBeLessThan(queue.body.indexOf(titles[fresh]!));
    expect(queue.body.indexOf(titles[fresh]!)).toBeLessThan(queue.body.indexOf(titles[thinking]!));

    const ideas = await cm.client.get('/admin/feedback?state=all&kind=idea');
    expect(ideas.body).toContain(titles[fresh]);
    expect(ideas.body).not.toContain(titles[old]);
    const considering = await cm.client.get('/admin/feedback?state=considering');
    expect(considering.body).toContain(titles[thinking]);
    expect(considering.body).not.toContain(titles[fresh]);
    expect((await cm.client.get('/admin/feedback?state=%3Cx%3E&kind=1&page=abc')).status).toBe(200);
  });
});
