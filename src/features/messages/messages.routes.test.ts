/**
 * Messages through HTTP: who may write to whom (contact preferences on both sides, blocks both
 * ways, hidden members), one conversation per pair, read state and unread counts, mail by
 * preference and at most hourly, operators never reading member conversations, company
 * conversations with the secretariat and an assigned employee, reports and hiding, rate limits
 * and hostile input.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import {
  auditEvents,
  contentReports,
  conversationMessages,
  conversations,
  mailMessages,
  memberBlocks,
  memberProfiles,
  notificationPreferences,
  type ContactPreference,
} from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { hit } from '../../shared/http/rate-limit.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';
import { CONVERSATION_LIMIT, MAIL_GAP_MS, MESSAGE_LIMIT, reply } from './messages.service.ts';

const ja = messages('ja');
const M = ja.messages;

let t: TestApp;
let operator: Client;
let cm: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
  cm = (await t.signedIn('community_manager')).client;
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}${Date.now().toString(36)}`;

interface Member {
  user: TestUser;
  client: Client;
}

/** An active alumnus with a profile (contact preference, hidden or not) and their directory rows. */
async function member(contact: ContactPreference = 'yes', opts: { hidden?: boolean; mail?: boolean } = {}): Promise<Member> {
  const user = await t.createUser('alumnus', { name: `会員 ${unique()}` });
  await t.db.insert(memberProfiles).values({ userId: user.id, contact, hidden: opts.hidden ?? false });
  await refreshDirectory(t.db, user.id);
  if (opts.mail) await t.db.insert(notificationPreferences).values({ userId: user.id, messages: true });
  return { user, client: await t.newSession(user) };
}

async function setProfile(userId: string, values: { contact?: ContactPreference; hidden?: boolean }): Promise<void> {
  await t.db.update(memberProfiles).set(values).where(eq(memberProfiles.userId, userId));
  await refreshDirectory(t.db, userId);
}

/** Starts (or continues) the pair's conversation through the page; returns its id. */
async function start(from: Member, to: Member, body = `こんにちは ${unique()}`): Promise<string> {
  const res = await from.client.post(`/messages/new?to=${to.user.id}`, { body });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  const id = /^\/messages\/([0-9a-f-]{36})$/.exec(res.location ?? '')?.[1];
  expect(id).toBeTruthy();
  return id!;
}

async function startWithCompany(from: Member, subject = `ご相談 ${unique()}`, body = '転職後の近況をお伝えしたく連絡しました。'): Promise<string> {
  const res = await from.client.post('/messages/company', { subject, body });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  return /^\/messages\/([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
}

const pairRows = async (a: string, b: string) => {
  const [x, y] = [a, b].sort();
  return t.db.select().from(conversations).where(and(eq(conversations.memberA, x!), eq(conversations.memberB, y!)));
};

const messageRows = (conversationId: string) => t.db.select().from(conversationMessages).where(eq(conversationMessages.conversationId, conversationId));

const audits = (action: string, subjectId: string) =>
  t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.subjectId, subjectId)));

const actorOf = (u: TestUser): Actor => ({ id: u.id, name: u.name, email: u.email, role: u.role, isManager: false, status: 'active', twoFactorEnabled: false, locale: null, sessionId: 'test' });

// ---------------------------------------------------------------- who may write to whom

describe('contact rules', () => {
  it('lets two members write only when both accept messages from members (yes/no/company × both sides)', async () => {
    const prefs: ContactPreference[] = ['yes', 'no', 'company'];
    for (const mine of prefs) {
      for (const theirs of prefs) {
        const a = await member(mine);
        const b = await member(theirs);
        const profile = await a.client.get(`/members/${b.user.id}`);
        expect(profile.status).toBe(200);
        // The profile offers the button exactly when the other side accepts messages from members.
        expect(profile.body.includes(`/messages/new?to=${b.user.id}`), `${mine}→${theirs} button`).toBe(theirs === 'yes');
        const page = await a.client.get(`/messages/new?to=${b.user.id}`);
        expect(page.status).toBe(200);
        const res = await a.client.post(`/messages/new?to=${b.user.id}`, { body: 'はじめまして' });
        const allowed = mine === 'yes' && theirs === 'yes';
        expect(res.status, `${mine}→${theirs}`).toBe(allowed ? 303 : 422);
        expect((await pairRows(a.user.id, b.user.id)).length).toBe(allowed ? 1 : 0);
        if (allowed) continue;
        // The reason is said in words: the sender's own setting first, then the other's.
        const name = b.user.name;
        const expected = mine !== 'yes' ? M.refusals.myContact : theirs === 'company' ? fmt(M.refusals.theirCompany, { name }) : fmt(M.refusals.theirNo, { name });
        expect(page.body).toContain(expected);
        expect(page.body).not.toContain('name="body"');
      }
    }
  });

  it('treats a member blocked either way, and a hidden member, as not there (404); a hidden sender is told why', async () => {
    const a = await member();
    const b = await member();
    await t.db.insert(memberBlocks).values({ blockerId: b.user.id, blockedId: a.user.id });
    expect((await a.client.get(`/messages/new?to=${b.user.id}`)).status).toBe(404);
    expect((await a.client.post(`/messages/new?to=${b.user.id}`, { body: 'やあ' })).status).toBe(404);
    expect((await b.client.get(`/messages/new?to=${a.user.id}`)).status).toBe(404);
    expect((await b.client.post(`/messages/new?to=${a.user.id}`, { body: 'やあ' })).status).toBe(404);
    expect(await pairRows(a.user.id, b.user.id)).toEqual([]);

    const hidden = await member('yes', { hidden: true });
    expect((await a.client.get(`/messages/new?to=${hidden.user.id}`)).status).toBe(404);
    expect((await a.client.post(`/messages/new?to=${hidden.user.id}`, { body: 'やあ' })).status).toBe(404);
    const fromHidden = await hidden.client.get(`/messages/new?to=${a.user.id}`);
    expect(fromHidden.status).toBe(200);
    expect(fromHidden.body).toContain(M.refusals.meUnlisted);
    expect((await hidden.client.post(`/messages/new?to=${a.user.id}`, { body: 'やあ' })).status).toBe(422);
  });

  it('applies the rule to every message: a member who hides or stops accepting closes the conversation for replies', async () => {
    const a = await member();
    const b = await member();
    const id = await start(a, b);
    await setProfile(b.user.id, { contact: 'no' });
    let page = await a.client.get(`/messages/${id}`);
    expect(page.body).toContain(fmt(M.refusals.theirNo, { name: b.user.name }));
    expect((await a.client.post(`/messages/${id}`, { body: 'まだいますか' })).status).toBe(422);
    // B's own setting stops B too, with the way to change it.
    page = await b.client.get(`/messages/${id}`);
    expect(page.body).toContain(M.refusals.myContact);
    await setProfile(b.user.id, { contact: 'yes', hidden: true });
    page = await a.client.get(`/messages/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(M.refusals.closed);
    expect((await a.client.post(`/messages/${id}`, { body: 'まだいますか' })).status).toBe(422);
    await setProfile(b.user.id, { hidden: false });
    expect((await a.client.post(`/messages/${id}`, { body: 'おかえりなさい' })).status).toBe(303);
    expect((await messageRows(id)).length).toBe(2);
  });

  it('keeps employees, community managers and operators out of member conversations (they are not in the directory)', async () => {
    const b = await member();
    for (const kind of ['employee', 'community_manager', 'operator'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get(`/messages/new?to=${b.user.id}`)).status, kind).toBe(403);
      expect((await client.post(`/messages/new?to=${b.user.id}`, { body: 'やあ' })).status, kind).toBe(403);
    }
  });
});

describe('one conversation per pair', () => {
  it('continues the pair’s conversation whoever starts, and leads the new-message page to it', async () => {
    const a = await member();
    const b = await member();
    const first = await start(a, b);
    const second = await start(b, a, '返信します');
    expect(second).toBe(first);
    const page = await a.client.get(`/messages/new?to=${b.user.id}`);
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/messages/${first}`);
    expect((await pairRows(a.user.id, b.user.id)).length).toBe(1);
    expect((await messageRows(first)).length).toBe(2);
  });

  it('makes one conversation when both start at the same moment', async () => {
    const a = await member();
    const b = await member();
    const results = await Promise.all([a.client.post(`/messages/new?to=${b.user.id}`, { body: 'A から' }), b.client.post(`/messages/new?to=${a.user.id}`, { body: 'B から' })]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    expect(results[0]!.location).toBe(results[1]!.location);
    const rows = await pairRows(a.user.id, b.user.id);
    expect(rows.length).toBe(1);
    expect((await messageRows(rows[0]!.id)).length).toBe(2);
  });
});

// ---------------------------------------------------------------- reading

describe('inbox and read state', () => {
  it('counts unread messages per conversation, newest conversation first; opening the thread reads it', async () => {
    const a = await member();
    const b = await member();
    const c = await member();
    const ab = await start(a, b, '一通目');
    expect((await a.client.post(`/messages/${ab}`, { body: '二通目' })).status).toBe(303);
    const cb = await start(c, b, 'C からです');

    let inbox = await b.client.get('/messages');
    expect(inbox.status).toBe(200);
    expect(inbox.body).toContain(fmt(M.inbox.unread, { count: 2 }));
    expect(inbox.body).toContain(fmt(M.inbox.unread, { count: 1 }));
    // Newest first: C's conversation, then A's.
    expect(inbox.body.indexOf(`/messages/${cb}`)).toBeLessThan(inbox.body.indexOf(`/messages/${ab}`));
    expect(inbox.body).toContain('C からです');
    // The sender has nothing unread in their own conversation.
    expect((await a.client.get('/messages')).body).not.toContain(fmt(M.inbox.unread, { count: 2 }));

    const thread = await b.client.get(`/messages/${ab}`);
    expect(thread.status).toBe(200);
    expect(thread.body).toContain('一通目');
    expect(thread.body).toContain('二通目');
    inbox = await b.client.get('/messages');
    expect(inbox.body).not.toContain(fmt(M.inbox.unread, { count: 2 }));
    expect(inbox.body).toContain(fmt(M.inbox.unread, { count: 1 }));

    // A reply makes it unread for the other side only.
    expect((await b.client.post(`/messages/${ab}`, { body: '読みました' })).status).toBe(303);
    expect((await a.client.get('/messages')).body).toContain(fmt(M.inbox.unread, { count: 1 }));
    expect((await b.client.get('/messages')).body).toContain(fmt(M.inbox.unread, { count: 1 }));
  });

  it('shows messages as plain text: markup escaped, line breaks kept, web addresses linked as written', async () => {
    const a = await member();
    const b = await member();
    const id = await start(a, b, '<script>alert(1)</script>\n二行目 https://example.com/path?x=1。\n[罠](javascript:alert(1))');
    const page = await b.client.get(`/messages/${id}`);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('<a href="https://example.com/path?x=1" rel="nofollow noopener noreferrer ugc">https://example.com/path?x=1</a>');
    expect(page.body).not.toContain('href="javascript:');
    expect(page.body).toMatch(/class="prose">&lt;script&gt;alert\(1\)&lt;\/script&gt;\n二行目/);
  });
});

// ---------------------------------------------------------------- privacy

describe('operators never read member conversations', () => {
  it('answers 404 to staff for every URL of a member conversation, and lists none in the secretariat inbox', async () => {
    const a = await member();
    const b = await member();
    const secret = `ひみつの話 ${unique()}`;
    const id = await start(a, b, secret);
    const [msg] = await messageRows(id);
    const employee = (await t.signedIn('employee')).client;
    for (const [who, client] of [
      ['operator', operator],
      ['community_manager', cm],
      ['employee', employee],
    ] as const) {
      expect((await client.get(`/messages/${id}`)).status, who).toBe(404);
      expect((await client.post(`/messages/${id}`, { body: '割り込み' })).status, who).toBe(404);
      expect((await client.get(`/messages/${id}/messages/${msg!.id}/report`)).status, who).toBe(404);
      expect((await client.post(`/messages/${id}/block`)).status, who).toBe(404);
      expect((await client.get('/messages')).body, who).not.toContain(secret);
    }
    expect((await operator.post(`/admin/messages/${id}/assign`, { assignee: '' })).status).toBe(404);
    for (const filter of ['awaiting', 'all']) {
      const list = await operator.get(`/admin/messages?filter=${filter}`);
      expect(list.status).toBe(200);
      expect(list.body).not.toContain(id);
      expect(list.body).not.toContain(secret);
    }
    // A third member is not a reader either.
    const c = await member();
    expect((await c.client.get(`/messages/${id}`)).status).toBe(404);
    expect((await messageRows(id)).length).toBe(1);
  });
});

describe('blocking from a conversation', () => {
  it('ends the conversation for both sides (404, out of both inboxes); unblocking brings it back', async () => {
    const a = await member();
    const b = await member();
    const id = await start(a, b, 'ブロック前');
    const res = await b.client.post(`/messages/${id}/block`);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/messages');
    expect((await t.db.select().from(memberBlocks).where(eq(memberBlocks.blockerId, b.user.id))).length).toBe(1);
    for (const side of [a, b]) {
      expect((await side.client.get(`/messages/${id}`)).status).toBe(404);
      expect((await side.client.post(`/messages/${id}`, { body: 'まだ?' })).status).toBe(404);
      expect((await side.client.get('/messages')).body).not.toContain(`/messages/${id}`);
    }
    expect((await a.client.post(`/messages/new?to=${b.user.id}`, { body: 'もう一度' })).status).toBe(404);
    expect((await b.client.post(`/members/${a.user.id}/unblock`)).status).toBe(303);
    expect((await a.client.get(`/messages/${id}`)).status).toBe(200);
    expect((await messageRows(id)).length).toBe(1);
  });
});

// ---------------------------------------------------------------- mail

describe('mail about messages', () => {
  it('mails a recipient who chose it, once an hour per conversation, with a link and neither the words nor the sender', async () => {
    const a = await member();
    const b = await member('yes', { mail: true });
    const secret = `誰にも言えない話 ${unique()}`;
    const id = await start(a, b, secret);
    const mail = await t.lastMail(b.user.email, 'messageReceived');
    expect(mail.text).toContain(`/messages/${id}`);
    expect(mail.text).not.toContain(secret);
    expect(mail.text).not.toContain(a.user.name);
    expect(mail.subject).not.toContain(a.user.name);
    // Within the hour: no second mail for this conversation.
    expect((await a.client.post(`/messages/${id}`, { body: 'もう一通' })).status).toBe(303);
    expect((await t.mails({ to: b.user.email, template: 'messageReceived' })).length).toBe(1);
    // The hour is counted from the last mail, not by the clock: move that mail to a minute before
    // some hour ends, then write two minutes later (the next clock hour) — still no mail.
    const H = MAIL_GAP_MS;
    const hour = Math.floor(Date.now() / H) + 10;
    await t.db
      .update(mailMessages)
      .set({ key: `message:${id}:${b.user.id}:${hour}`, createdAt: new Date(hour * H + H - 60_000) })
      .where(eq(mailMessages.id, mail.id));
    expect((await reply(t.db, actorOf(a.user), id, '二分後', t.config.baseUrl, new Date((hour + 1) * H + 60_000))).ok).toBe(true);
    expect((await t.mails({ to: b.user.email, template: 'messageReceived' })).length).toBe(1);
    // An hour after the last mail, one more.
    expect((await reply(t.db, actorOf(a.user), id, '一時間後', t.config.baseUrl, new Date((hour + 1) * H + H - 30_000))).ok).toBe(true);
    expect((await t.mails({ to: b.user.email, template: 'messageReceived' })).length).toBe(2);
    // The sender, who did not choose mail, gets none when B answers.
    expect((await b.client.post(`/messages/${id}`, { body: '返事です' })).status).toBe(303);
    expect(await t.mails({ to: a.user.email })).toEqual([]);
  });

  it('writes to each recipient in their language, and shows the pages in it', async () => {
    const en = messages('en');
    const a = await member();
    const user = await t.createUser('alumnus', { name: `Member ${unique()}`, locale: 'en' });
    await t.db.insert(memberProfiles).values({ userId: user.id, contact: 'yes' });
    await refreshDirectory(t.db, user.id);
    await t.db.insert(notificationPreferences).values({ userId: user.id, messages: true });
    const b: Member = { user, client: await t.newSession(user) };
    const id = await start(a, b);
    const mail = await t.lastMail(user.email, 'messageReceived');
    expect(mail.locale).toBe('en');
    expect(mail.subject).toContain('You have a new message');
    const page = await b.client.get(`/messages/${id}`);
    expect(page.body).toContain(fmt(en.messages.thread.withMember, { name: a.user.name }));
    expect(page.body).toContain(en.messages.thread.replyTitle);
  });

  it('always tells a member that the company answered their conversation; a conversation the company starts follows the preference', async () => {
    const a = await member('company');
    const id = await startWithCompany(a);
    expect((await operator.post(`/messages/${id}`, { body: 'ご連絡ありがとうございます。' })).status).toBe(303);
    const mail = await t.lastMail(a.user.email, 'messageCompanyReply');
    expect(mail.text).toContain(`/messages/${id}`);

    const quiet = await member('company');
    expect((await operator.post(`/admin/messages/new?to=${quiet.user.id}`, { subject: '求人のご案内', body: 'ご興味があればお知らせください。' })).status).toBe(303);
    expect(await t.mails({ to: quiet.user.email })).toEqual([]);
    const keen = await member('company', { mail: true });
    expect((await operator.post(`/admin/messages/new?to=${keen.user.id}`, { subject: '求人のご案内', body: 'ご興味があればお知らせください。' })).status).toBe(303);
    expect((await t.lastMail(keen.user.email, 'messageFromCompany')).subject).toContain('求人のご案内');
  });
});

// ---------------------------------------------------------------- company conversations

describe('conversations with the company', () => {
  it('reaches the secretariat, can be given to an employee who then reads and answers it as the company', async () => {
    const a = await member('no');
    const subject = `部署の方と話したい ${unique()}`;
    const id = await startWithCompany(a, subject, '新規事業の件でご相談があります。');
    for (const client of [operator, cm]) {
      const list = await client.get('/admin/messages');
      expect(list.body).toContain(subject);
      expect(list.body).toContain(M.admin.waitingToday);
      expect((await client.get(`/messages/${id}`)).status).toBe(200);
    }
    const employee = await t.createUser('employee', { name: `社員 ${unique()}` });
    const other = await t.createUser('employee');
    const employeeClient = await t.newSession(employee);
    const otherClient = await t.newSession(other);
    expect((await employeeClient.get(`/messages/${id}`)).status).toBe(404);

    // Only an active employee can be given a conversation.
    const alumnus = await member();
    expect((await operator.post(`/admin/messages/${id}/assign`, { assignee: alumnus.user.id })).status).toBe(422);
    expect((await operator.post(`/admin/messages/${id}/assign`, { assignee: 'not-a-uuid' })).status).toBe(422);
    const assigned = await cm.post(`/admin/messages/${id}/assign`, { assignee: employee.id });
    expect(assigned.status).toBe(303);
    expect((await audits('message.assigned', id)).length).toBe(1);
    expect((await t.lastMail(employee.email, 'messageAssigned')).text).toContain(`/messages/${id}`);

    const inbox = await employeeClient.get('/messages');
    expect(inbox.body).toContain(subject);
    expect(inbox.body).toContain(M.inbox.assignedToYou);
    expect((await employeeClient.get(`/messages/${id}`)).body).toContain('新規事業の件でご相談があります。');
    expect((await otherClient.get(`/messages/${id}`)).status).toBe(404);
    expect((await employeeClient.post(`/messages/${id}`, { body: '担当の者です。来週お話ししましょう。' })).status).toBe(303);

    const seen = await a.client.get(`/messages/${id}`);
    expect(seen.body).toContain('担当の者です。来週お話ししましょう。');
    expect(seen.body).toContain(fmt(M.thread.asCompany, { name: employee.name }));
    expect((await operator.get('/admin/messages')).body).not.toContain(subject);
    expect((await operator.get('/admin/messages?filter=all')).body).toContain(subject);

    // The member writes again: the assignee is told, and the conversation waits for an answer.
    expect((await a.client.post(`/messages/${id}`, { body: 'ありがとうございます。' })).status).toBe(303);
    expect((await t.lastMail(employee.email, 'messageToCompany')).text).toContain(`/messages/${id}`);
    expect((await operator.get('/admin/messages')).body).toContain(subject);
    // Back to the secretariat: the employee no longer reads it.
    expect((await operator.post(`/admin/messages/${id}/assign`, { assignee: '' })).status).toBe(303);
    expect((await employeeClient.get(`/messages/${id}`)).status).toBe(404);
  });

  it('lets the secretariat write first only to members who accept messages from the company', async () => {
    const open = await member('company');
    const closed = await member('no');
    const staffView = await operator.get(`/members/${open.user.id}`);
    expect(staffView.body).toContain(`/admin/messages/new?to=${open.user.id}`);
    expect((await operator.get(`/members/${closed.user.id}`)).body).not.toContain('/admin/messages/new');
    const refused = await operator.get(`/admin/messages/new?to=${closed.user.id}`);
    expect(refused.body).toContain(fmt(M.refusals.companyNoContact, { name: closed.user.name }));
    expect((await operator.post(`/admin/messages/new?to=${closed.user.id}`, { subject: '件名', body: '本文' })).status).toBe(422);
    const res = await operator.post(`/admin/messages/new?to=${open.user.id}`, { subject: 'キャリア面談のご案内', body: 'よろしければお話ししませんか。' });
    expect(res.status).toBe(303);
    const id = res.location!.split('/').pop()!;
    expect((await open.client.get('/messages')).body).toContain('キャリア面談のご案内');
    // The company may not write again to a member who says no and never answered.
    await setProfile(open.user.id, { contact: 'no' });
    expect((await operator.post(`/messages/${id}`, { body: 'いかがでしょうか' })).status).toBe(422);
    expect((await open.client.post(`/messages/${id}`, { body: 'ぜひお願いします' })).status).toBe(303);
    expect((await operator.post(`/messages/${id}`, { body: 'では日程を調整します' })).status).toBe(303);
    expect((await operator.get(`/admin/messages/new?to=${randomUUID()}`)).status).toBe(404);
    expect((await operator.get(`/admin/messages/new?to=${(await t.signedIn('employee')).user.id}`)).status).toBe(404);
  });

  it('keeps where the member came from', async () => {
    const a = await member();
    const src = `newsletter:${randomUUID()}`;
    const form = await a.client.get(`/messages/company?src=${src}`);
    expect(form.body).toContain(`name="src" value="${src}"`);
    const res = await a.client.post('/messages/company', { subject: 'メルマガを読んで', body: '記事の件で連絡しました。', src });
    const id = res.location!.split('/').pop()!;
    const [row] = await t.db.select().from(conversations).where(eq(conversations.id, id));
    expect(row!.source).toBe(src);
    const bad = await a.client.post('/messages/company', { subject: '件名', body: '本文', src: 'javascript:alert(1)' });
    const [badRow] = await t.db.select().from(conversations).where(eq(conversations.id, bad.location!.split('/').pop()!));
    expect(badRow!.source).toBeNull();
  });
});

// ---------------------------------------------------------------- reports

describe('reports', () => {
  it('shows the secretariat only the reported message, and hides it for both sides when asked', async () => {
    const a = await member();
    const b = await member();
    const other = `ふつうの話 ${unique()}`;
    const bad = `ひどい言葉 ${unique()}`;
    const id = await start(a, b, other);
    expect((await a.client.post(`/messages/${id}`, { body: bad })).status).toBe(303);
    const rows = await messageRows(id);
    const target = rows.find((r) => r.body === bad)!;
    // Nobody reports their own message.
    expect((await a.client.get(`/messages/${id}/messages/${target.id}/report`)).status).toBe(404);
    const form = await b.client.get(`/messages/${id}/messages/${target.id}/report`);
    expect(form.status).toBe(200);
    expect(form.body).toContain(bad);
    expect((await b.client.post(`/messages/${id}/messages/${target.id}/report`, { reason: '' })).status).toBe(422);
    const sent = await b.client.post(`/messages/${id}/messages/${target.id}/report`, { reason: '暴言です' });
    expect(sent.status).toBe(303);
    expect((await audits('message.reported', target.id)).length).toBe(1);
    // Once per reporter.
    expect((await b.client.post(`/messages/${id}/messages/${target.id}/report`, { reason: 'もう一度' })).status).toBe(303);
    expect((await t.db.select().from(contentReports).where(eq(contentReports.targetId, target.id))).length).toBe(1);
    expect((await b.client.get(`/messages/${id}`)).body).toContain(M.thread.reported);

    const queue = await cm.get('/admin/messages/reports');
    expect(queue.body).toContain(bad);
    expect(queue.body).toContain('暴言です');
    expect(queue.body).not.toContain(other);
    expect(queue.body).not.toContain(`/messages/${id}`);
    expect((await cm.get('/admin/messages')).body).toContain(fmt(M.admin.reportsLinkCount, { count: 1 }));
    const [report] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, target.id));
    expect((await cm.post(`/admin/messages/reports/${report!.id}/hide`)).status).toBe(303);
    expect((await audits('message.hidden', target.id)).length).toBe(1);
    for (const side of [a, b]) {
      const page = await side.client.get(`/messages/${id}`);
      expect(page.body).not.toContain(bad);
      expect(page.body).toContain(M.thread.hidden);
      expect(page.body).toContain(other);
    }
    expect((await cm.get('/admin/messages/reports')).body).not.toContain(bad);
    expect((await cm.post(`/admin/messages/reports/${report!.id}/hide`)).status).toBe(404);
    // The operator still cannot open the conversation itself.
    expect((await operator.get(`/messages/${id}`)).status).toBe(404);
  });

  it('closes a report with nothing wrong, audited, and leaves the message', async () => {
    const a = await member();
    const b = await member();
    const id = await start(a, b, '冗談です');
    const [msg] = await messageRows(id);
    expect((await b.client.post(`/messages/${id}/messages/${msg!.id}/report`, { reason: '気になりました' })).status).toBe(303);
    const [report] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, msg!.id));
    expect((await operator.post(`/admin/messages/reports/${report!.id}/dismiss`)).status).toBe(303);
    expect((await audits('message.report_dismissed', report!.id)).length).toBe(1);
    expect((await b.client.get(`/messages/${id}`)).body).toContain('冗談です');
  });
});

// ---------------------------------------------------------------- limits and input

describe('rate limits', () => {
  it('refuses the 61st message of an hour with the text kept (429)', async () => {
    const a = await member();
    const b = await member();
    const id = await start(a, b);
    for (let i = 1; i < MESSAGE_LIMIT.max; i++) await hit(t.db, MESSAGE_LIMIT, a.user.id);
    const res = await a.client.post(`/messages/${id}`, { body: '61通目の本文' });
    expect(res.status).toBe(429);
    expect(res.body).toContain(M.errors.rateMessages);
    expect(res.body).toContain('61通目の本文');
    expect((await messageRows(id)).length).toBe(1);
    // The other side is not limited by it.
    expect((await b.client.post(`/messages/${id}`, { body: '返事' })).status).toBe(303);
  });

  it('refuses a 21st new conversation in a day with the text kept, but lets an existing one continue', async () => {
    const a = await member();
    const b = await member();
    const c = await member();
    const id = await start(a, b);
    for (let i = 1; i < CONVERSATION_LIMIT.max; i++) await hit(t.db, CONVERSATION_LIMIT, a.user.id);
    const res = await a.client.post(`/messages/new?to=${c.user.id}`, { body: '新しい会話です' });
    expect(res.status).toBe(429);
    expect(res.body).toContain(fmt(M.errors.rateConversations, { max: CONVERSATION_LIMIT.max }));
    expect(res.body).toContain('新しい会話です');
    expect(await pairRows(a.user.id, c.user.id)).toEqual([]);
    const company = await a.client.post('/messages/company', { subject: '件名です', body: '会社へ' });
    expect(company.status).toBe(429);
    expect(company.body).toContain('件名です');
    expect((await a.client.post(`/messages/new?to=${b.user.id}`, { body: '続きです' })).status).toBe(303);
    expect((await messageRows(id)).length).toBe(2);
  });
});

describe('bad input', () => {
  it('answers 422 with the text kept, or 404 for ids that are not there; never 500', async () => {
    const a = await member();
    const b = await member();
    const id = await start(a, b);
    const empty = await a.client.post(`/messages/${id}`, { body: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: M.thread.body }));
    const long = 'あ'.repeat(2001);
    const tooLong = await a.client.post(`/messages/${id}`, { body: long });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toContain(long);
    expect((await a.client.post(`/messages/${id}`, { body: 'い'.repeat(2000) })).status).toBe(303);
    const noSubject = await a.client.post('/messages/company', { subject: '', body: '本文だけ' });
    expect(noSubject.status).toBe(422);
    expect(noSubject.body).toContain('本文だけ');
    for (const path of ['/messages/not-a-uuid', `/messages/${randomUUID()}`, `/messages/${id}/messages/${randomUUID()}/report`, '/messages/new', '/messages/new?to=xyz', `/messages/new?to=${randomUUID()}`, `/messages/new?to=${a.user.id}`]) {
      expect((await a.client.get(path)).status, path).toBe(404);
    }
    expect((await a.client.post(`/messages/${randomUUID()}`, { body: 'x' })).status).toBe(404);
    expect((await a.client.post('/messages/new?to=%E3%81%82', { body: 'x' })).status).toBe(404);
    expect((await operator.post(`/admin/messages/reports/${randomUUID()}/hide`)).status).toBe(404);
    expect((await operator.get('/admin/messages?filter=%27;drop&page=-5')).status).toBe(200);
  });
});
