/**
 * The personalised home: recommendations with reasons in words, the latest news, and the rule
 * that returning is never pushed at a member who did not ask for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { memberProfiles, posts, type Want } from '../../db/schema.ts';

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
});
