/**
 * The personalised home: recommendations with reasons in words, the latest news, and the rule
 * that returning is never pushed at a member who did not ask for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { events, memberProfiles, opportunities, posts, type EventAudience, type Want } from '../../db/schema.ts';

let t: TestApp;

const publish = async (title: string, wants: Want[], o: { audience?: 'everyone' | 'employees'; daysAgo?: number } = {}) => {
  await t.db.insert(posts).values({
    category: wants.includes('return') ? 'opportunities' : 'company',
    audience: o.audience ?? 'everyone',
    titleJa: title,
    bodyJa: `${title}の本文`,
    wants,
    state: 'published',
    publishedAt: new Date(Date.now() - (o.daysAgo ?? 1) * 86_400_000),
  });
};

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  await publish('協業パートナー募集', ['business']);
  await publish('アルムナイ再入社のご案内', ['return', 'information']);
  await publish('社内向けのお知らせ', [], { audience: 'employees' });
  await publish('会社の近況', [], { daysAgo: 3 });
});

afterAll(async () => {
  await t?.close();
});

const wantsOf = async (userId: string, wants: Want[]) => {
  await t.db.insert(memberProfiles).values({ userId, wants }).onConflictDoUpdate({ target: memberProfiles.userId, set: { wants } });
};

describe('personalised home', () => {
  it('recommends what the member wants and says why; never pushes returning at them', async () => {
    const user = await t.createUser('alumnus', { name: '協業 希望' });
    await wantsOf(user.id, ['business', 'information']);
    const client = await t.newSession(user);
    const home = await client.get('/');
    expect(home.status).toBe(200);
    const recommended = home.body.slice(home.body.indexOf('あなたへのおすすめ'), home.body.indexOf('最新のニュース'));
    expect(recommended).toContain('協業パートナー募集');
    expect(recommended).toContain('協業・取引に関心があるため');
    // Tagged "information" too, but about returning: not on this member's home at all.
    expect(home.body).not.toContain('アルムナイ再入社のご案内');
    // Employees-only news never reaches an alumnus.
    expect(home.body).not.toContain('社内向けのお知らせ');
    expect(home.body).toContain('会社の近況');
  });

  it('a member interested in returning sees the returning post, with that reason', async () => {
    const user = await t.createUser('alumnus', { name: '再入社 希望' });
    await wantsOf(user.id, ['return']);
    const home = await (await t.newSession(user)).get('/');
    const recommended = home.body.slice(home.body.indexOf('あなたへのおすすめ'), home.body.indexOf('最新のニュース'));
    expect(recommended).toContain('アルムナイ再入社のご案内');
    expect(recommended).toContain('再入社に関心があるため');
  });

  it('a member who said nothing is asked, in English too, and still sees the latest news', async () => {
    const user = await t.createUser('alumnus', { name: 'Quiet Member', locale: 'en' });
    const home = await (await t.newSession(user)).get('/');
    expect(home.body).toContain('Tell us what you want from this network');
    expect(home.body).toContain('href="/profile/edit#wants"');
    expect(home.body).not.toContain('Picked for you');
    // The post has no English version: shown in Japanese, marked as such for screen readers.
    expect(home.body).toMatch(/<a href="\/news\/[0-9a-f-]+" lang="ja">協業パートナー募集<\/a>/);
  });

  it('an employee sees employees-only news on the home', async () => {
    const user = await t.createUser('employee', { name: '社員 一郎' });
    const home = await (await t.newSession(user)).get('/');
    expect(home.body).toContain('社内向けのお知らせ');
  });

  it('shows the upcoming events the member may attend, what fits them first, never returning unasked, never outside their audience', async () => {
    const day = 86_400_000;
    const event = async (title: string, wants: Want[], inDays: number, audience: EventAudience = 'alumni', state: 'published' | 'draft' = 'published') => {
      const startsAt = new Date(Date.now() + inDays * day);
      await t.db.insert(events).values({ title, format: 'online', timeZone: 'Asia/Tokyo', startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000), audience, wants, state, publishedAt: new Date() });
    };
    await event('近日の交流会', ['social'], 2);
    await event('協業ミートアップ', ['business'], 20);
    await event('再入社説明会', ['return'], 3);
    await event('社員も参加する勉強会', [], 4, 'alumni_employees');
    await event('役職者との懇親会', [], 5, 'alumni_managers');
    await event('準備中のイベント', ['business'], 6, 'alumni', 'draft');
    await event('終わったイベント', ['business'], -2);

    const user = await t.createUser('alumnus', { name: '協業 二郎' });
    await wantsOf(user.id, ['business']);
    const home = await (await t.newSession(user)).get('/');
    const section = home.body.slice(home.body.indexOf('これからのイベント'), home.body.indexOf('すべてのイベント'));
    const titles = [...section.matchAll(/<a href="\/events\/[0-9a-f-]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    // The one that fits comes first with its reason, then the soonest.
    expect(titles).toEqual(['協業ミートアップ', '近日の交流会', '社員も参加する勉強会']);
    expect(section).toContain('協業・取引に関心があるため');
    expect(home.body).not.toContain('再入社説明会');
    expect(home.body).not.toContain('準備中のイベント');
    expect(home.body).not.toContain('終わったイベント');

    // An employee who is not a manager sees only the event open to all employees.
    const employee = await t.createUser('employee', { name: '社員 三郎' });
    const staffHome = await (await t.newSession(employee)).get('/');
    expect(staffHome.body).toContain('社員も参加する勉強会');
    expect(staffHome.body).not.toContain('近日の交流会');
    expect(staffHome.body).not.toContain('役職者との懇親会');
  });

  it('shows only the open opportunities that fit the member, with reasons; returning only to those open to it', async () => {
    const post = async (title: string, wants: Want[], o: { state?: 'open' | 'draft'; description?: string } = {}) =>
      t.db.insert(opportunities).values({ kind: 'contract', title, description: o.description ?? `${title}の説明`, audience: 'alumni', wants, state: o.state ?? 'open', publishedAt: new Date() });
    await post('協業パートナー（業務委託）', ['business']);
    await post('正社員として戻りませんか', ['return']);
    await post('経理の業務委託', []);
    await post('TypeScriptの設計レビュー', [], { description: 'TypeScript の経験者を探しています。' });
    await post('準備中の募集', ['business'], { state: 'draft' });

    const user = await t.createUser('alumnus', { name: '募集 見る' });
    await t.db.insert(memberProfiles).values({ userId: user.id, wants: ['business'], skills: ['TypeScript'] });
    const home = await (await t.newSession(user)).get('/');
    const section = home.body.slice(home.body.indexOf('あなたに合いそうな募集'), home.body.indexOf('すべての募集'));
    const titles = [...section.matchAll(/<a href="\/opportunities\/[0-9a-f-]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(titles.sort()).toEqual(['TypeScriptの設計レビュー', '協業パートナー（業務委託）']);
    expect(section).toContain('協業・取引に関心があるため');
    expect(section).toContain('スキル「TypeScript」に関連');
    expect(home.body).not.toContain('正社員として戻りませんか');
    expect(home.body).not.toContain('経理の業務委託');
    expect(home.body).not.toContain('準備中の募集');

    // A member open to returning sees the returning one; an employee sees none of these alumni postings.
    const returner = await t.createUser('alumnus', { name: '戻る 人' });
    await wantsOf(returner.id, ['return']);
    expect((await (await t.newSession(returner)).get('/')).body).toContain('正社員として戻りませんか');
    const employee = await t.createUser('employee', { name: '社員 四郎' });
    await t.db.insert(memberProfiles).values({ userId: employee.id, wants: ['business'] });
    expect((await (await t.newSession(employee)).get('/')).body).not.toContain('あなたに合いそうな募集');
  });
});
