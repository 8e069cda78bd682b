/**
 * Groups through HTTP: starting groups, the join rules (open, request, invitation, removal,
 * unlisted), the member list as profiles allow, threads and replies (sanitised Markdown),
 * mentions, muting, reports and moderation (the group's managers, operators and community
 * managers across groups), blocks, the group's events, both languages and hostile input.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, contentReports, events, groupMembers, groupMentions, groupPosts, groups, memberBlocks, segments } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import type { Actor } from '../../shared/http/context.ts';
import { indexMissingMembers, saveProfile, setHidden, type ProfileInput } from '../profiles/profiles.service.ts';

const ja = messages('ja');
const en = messages('en');
const G = ja.groups;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

interface Person {
  user: TestUser;
  client: Client;
}

async function person(role: 'alumnus' | 'employee' = 'alumnus', opts: { name?: string; locale?: 'ja' | 'en' } = {}): Promise<Person> {
  const user = await t.createUser(role, { name: opts.name ?? `会員 ${unique()}`, locale: opts.locale ?? null });
  return { user, client: await t.newSession(user) };
}

const actorOf = (user: TestUser): Actor => ({
  id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  isManager: user.isManager,
  status: 'active',
  twoFactorEnabled: Boolean(user.totpSecret),
  locale: null,
  sessionId: 'test',
});

/** Starts a group through the form; returns its id. */
async function startGroup(client: Client, fields: Record<string, string> = {}): Promise<string> {
  const res = await client.post('/groups/new', { name: `グループ ${unique()}`, kind: 'interest', joinRule: 'open', listed: '1', ...fields });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  const id = /^\/groups\/([0-9a-f-]{36})$/.exec(res.location ?? '')?.[1];
  expect(id).toBeTruthy();
  return id!;
}

async function stateOf(groupId: string, userId: string): Promise<string | null> {
  const [row] = await t.db
    .select({ state: groupMembers.state })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  return row?.state ?? null;
}

async function join(groupId: string, p: Person): Promise<void> {
  const res = await p.client.post(`/groups/${groupId}/join`);
  expect(res.status, res.body.slice(0, 800)).toBe(303);
  expect(await stateOf(groupId, p.user.id)).toBe('active');
}

/** Starts a thread as `p`; returns its id. */
async function thread(groupId: string, p: Person, title = `話題 ${unique()}`, body = '本文です。'): Promise<string> {
  const res = await p.client.post(`/groups/${groupId}/threads`, { title, body });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  return /\/threads\/([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
}

async function replyTo(groupId: string, threadId: string, p: Person, body: string): Promise<string> {
  const res = await p.client.post(`/groups/${groupId}/threads/${threadId}/replies`, { body });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  return /#post-([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
}

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function audits(action: string, subjectId: string) {
  return t.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.subjectId, subjectId)));
}

// ---------------------------------------------------------------- starting groups

describe('starting a group', () => {
  it('lets any confirmed member start one and makes them its manager (audited)', async () => {
    const creator = await person();
    const name = `エンジニア ${unique()}`;
    const id = await startGroup(creator.client, { name, description: '**技術**の話をしましょう', 'wants.business': '1' });
    const page = await creator.client.get(`/groups/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(name);
    expect(page.body).toContain('<strong>技術</strong>');
    expect(page.body).toContain(G.join.managerStatus);
    expect(page.body).toContain(`href="/groups/${id}/manage"`);
    expect(await stateOf(id, creator.user.id)).toBe('active');
    expect(await audits('group.created', id)).toHaveLength(1);
    const list = await creator.client.get('/groups');
    expect(list.body).toContain(name);
  });

  it('keeps official groups to operators and community managers', async () => {
    const alumnus = await person();
    const form = await alumnus.client.get('/groups/new');
    expect(form.body).not.toContain('value="official"');
    const refused = await alumnus.client.post('/groups/new', { name: `公式 ${unique()}`, kind: 'official', joinRule: 'open', listed: '1' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain(G.form.kindMissing);
    const cm = (await t.signedIn('community_manager')).client;
    expect((await cm.get('/groups/new')).body).toContain('value="official"');
    const id = await startGroup(cm, { kind: 'official' });
    expect((await cm.get(`/groups/${id}`)).body).toContain(G.kinds.official);
    // A member who manages an official group keeps it official.
    await join(id, alumnus);
    expect((await cm.post(`/groups/${id}/members/${alumnus.user.id}/role`, { role: 'manager' })).status).toBe(303);
    const manage = await alumnus.client.get(`/groups/${id}/manage`);
    expect(manage.body).toContain(G.form.officialKept);
    expect(manage.body).not.toContain('name="kind" value="interest"');
    for (const kind of ['official', 'interest']) {
      expect((await alumnus.client.post(`/groups/${id}/manage`, { name: '公式グループ', kind, joinRule: 'open', listed: '1' })).status, kind).toBe(303);
    }
    const [row] = await t.db.select().from(groups).where(eq(groups.id, id));
    expect(row!.kind).toBe('official');
    expect(row!.name).toBe('公式グループ');
  });

  it('answers bad input with 422, the values kept and errors in the member’s language, never 500', async () => {
    const jaMember = await person();
    const long = 'あ'.repeat(81);
    const res = await jaMember.client.post('/groups/new', { name: long, description: '説明', kind: 'nonsense', joinRule: '' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(fmt(ja.validation.tooLong, { field: G.form.name, max: '80' }));
    expect(res.body).toContain(G.form.kindMissing);
    expect(res.body).toContain(G.form.joinRuleMissing);
    expect(res.body).toContain(long);
    const enMember = await person('alumnus', { locale: 'en' });
    const empty = await enMember.client.post('/groups/new', {});
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(fmt(en.validation.required, { field: en.groups.form.name }));
    for (const path of ['/groups/not-a-uuid', `/groups/${randomUUID()}`, `/groups/${randomUUID()}/threads/${randomUUID()}`, `/groups/${randomUUID()}/members`]) {
      expect((await jaMember.client.get(path)).status, path).toBe(404);
    }
  });
});

// ---------------------------------------------------------------- join rules

describe('join rules', () => {
  it('open: a member joins at once and may leave', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const joiner = await person();
    const before = await joiner.client.get(`/groups/${id}`);
    expect(before.body).toContain(G.join.join);
    await join(id, joiner);
    const after = await joiner.client.get(`/groups/${id}`);
    expect(after.body).toContain(G.join.member);
    expect(after.body).toContain(G.join.leave);
    expect((await joiner.client.post(`/groups/${id}/leave`)).status).toBe(303);
    expect(await stateOf(id, joiner.user.id)).toBeNull();
  });

  it('by request: pending until a manager approves or declines, the requester told by mail either way', async () => {
    const manager = await person();
    const name = `承認制 ${unique()}`;
    const id = await startGroup(manager.client, { name, joinRule: 'request' });
    const asker = await person('alumnus', { locale: 'en' });
    const res = await asker.client.post(`/groups/${id}/join`, { note: 'I build things.' });
    expect(res.status).toBe(303);
    expect(await stateOf(id, asker.user.id)).toBe('requested');
    expect((await asker.client.get(`/groups/${id}`)).body).toContain(en.groups.join.pending);
    const told = await t.lastMail(manager.user.email, 'groupRequest');
    expect(told.subject).toContain(asker.user.name);
    expect(told.text).toContain('I build things.');
    // Pending members do not read threads.
    expect((await asker.client.get(`/groups/${id}/members`)).status).toBe(403);

    const manage = await manager.client.get(`/groups/${id}/manage`);
    expect(manage.body).toContain(asker.user.name);
    expect(manage.body).toContain('I build things.');
    expect((await manager.client.post(`/groups/${id}/requests/${asker.user.id}`, { decision: 'approve' })).status).toBe(303);
    expect(await stateOf(id, asker.user.id)).toBe('active');
    const approved = await t.lastMail(asker.user.email, 'groupRequestApproved');
    expect(approved.locale).toBe('en');
    expect(approved.subject).toContain(name);
    expect(await audits('group.member_approved', asker.user.id)).toHaveLength(1);

    const declined = await person();
    await declined.client.post(`/groups/${id}/join`, { note: '' });
    expect((await manager.client.post(`/groups/${id}/requests/${declined.user.id}`, { decision: 'decline' })).status).toBe(303);
    expect(await stateOf(id, declined.user.id)).toBeNull();
    const mail = await t.lastMail(declined.user.email, 'groupRequestDeclined');
    expect(mail.locale).toBe('ja');
    expect(mail.subject).toContain(name);
    // Deciding again (no request now) is a 404, not a 500.
    expect((await manager.client.post(`/groups/${id}/requests/${declined.user.id}`, { decision: 'approve' })).status).toBe(404);
    expect((await manager.client.post(`/groups/${id}/requests/${declined.user.id}`, { decision: 'maybe' })).status).toBe(400);
  });

  it('a request note that is too long is a 422 with the note kept', async () => {
    const manager = await person();
    const id = await startGroup(manager.client, { joinRule: 'request' });
    const asker = await person();
    const note = 'な'.repeat(501);
    const res = await asker.client.post(`/groups/${id}/join`, { note });
    expect(res.status).toBe(422);
    expect(res.body).toContain(note);
    expect(await stateOf(id, asker.user.id)).toBeNull();
  });

  it('by invitation: nobody may ask; a manager invites by e-mail; the invitee accepts or declines', async () => {
    const manager = await person();
    const id = await startGroup(manager.client, { joinRule: 'invitation' });
    const outsider = await person();
    expect((await outsider.client.get(`/groups/${id}`)).body).toContain(G.join.invitationOnly);
    expect((await outsider.client.post(`/groups/${id}/join`)).status).toBe(403);

    const invitee = await person();
    const res = await manager.client.post(`/groups/${id}/invite`, { email: invitee.user.email.toUpperCase() });
    expect(res.status, res.body.slice(0, 800)).toBe(303);
    expect(await stateOf(id, invitee.user.id)).toBe('invited');
    const mail = await t.lastMail(invitee.user.email, 'groupInvitation');
    expect(mail.text).toContain(`/groups/${id}`);
    const list = await invitee.client.get('/groups');
    expect(list.body).toContain(G.invitations.title);
    expect((await invitee.client.post(`/groups/${id}/invitation`, { answer: 'accept' })).status).toBe(303);
    expect(await stateOf(id, invitee.user.id)).toBe('active');

    const decliner = await person();
    await manager.client.post(`/groups/${id}/invite`, { email: decliner.user.email });
    expect((await decliner.client.post(`/groups/${id}/invitation`, { answer: 'decline' })).status).toBe(303);
    expect(await stateOf(id, decliner.user.id)).toBeNull();
    expect((await decliner.client.post(`/groups/${id}/invitation`, { answer: 'accept' })).status).toBe(404);

    const again = await manager.client.post(`/groups/${id}/invite`, { email: invitee.user.email });
    expect(again.status).toBe(422);
    expect(again.body).toContain(G.manage.inviteMember);
    const nobody = await manager.client.post(`/groups/${id}/invite`, { email: `nobody-${unique()}@example.com` });
    expect(nobody.status).toBe(422);
    expect(nobody.body).toContain(G.manage.inviteUnknown);
    const bad = await manager.client.post(`/groups/${id}/invite`, { email: 'not an address' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(ja.validation.email);
    // A plain member may not invite.
    expect((await invitee.client.post(`/groups/${id}/invite`, { email: outsider.user.email })).status).toBe(403);
  });

  it('a removed member cannot rejoin an open group by themselves; a manager may invite them again', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const member = await person();
    await join(id, member);
    expect((await manager.client.post(`/groups/${id}/members/${member.user.id}/remove`)).status).toBe(303);
    expect(await stateOf(id, member.user.id)).toBe('removed');
    expect(await audits('group.member_removed', member.user.id)).toHaveLength(1);
    const page = await member.client.get(`/groups/${id}`);
    expect(page.body).toContain(G.join.removed);
    expect(page.body).not.toContain(`action="/groups/${id}/join"`);
    expect((await member.client.post(`/groups/${id}/join`)).status).toBe(403);
    expect(await stateOf(id, member.user.id)).toBe('removed');
    await manager.client.post(`/groups/${id}/invite`, { email: member.user.email });
    expect(await stateOf(id, member.user.id)).toBe('invited');
    expect((await member.client.post(`/groups/${id}/invitation`, { answer: 'accept' })).status).toBe(303);
    expect(await stateOf(id, member.user.id)).toBe('active');
  });

  it('an unlisted group does not exist for outsiders, but does for its invitees, operators and community managers', async () => {
    const manager = await person();
    const name = `非公開サークル ${unique()}`;
    const id = await startGroup(manager.client, { name, kind: 'circle', joinRule: 'invitation', listed: '' });
    const threadId = await thread(id, manager);
    const outsider = await person();
    for (const path of [`/groups/${id}`, `/groups/${id}/members`, `/groups/${id}/threads/${threadId}`, `/groups/${id}/manage`]) {
      expect((await outsider.client.get(path)).status, path).toBe(404);
    }
    expect((await outsider.client.post(`/groups/${id}/join`)).status).toBe(404);
    expect((await outsider.client.get('/groups')).body).not.toContain(name);

    const invitee = await person();
    await manager.client.post(`/groups/${id}/invite`, { email: invitee.user.email });
    const seen = await invitee.client.get(`/groups/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toContain(G.join.invited);
    // Invited is not a member yet: the threads stay closed.
    expect((await invitee.client.get(`/groups/${id}/threads/${threadId}`)).status).toBe(404);

    for (const kind of ['operator', 'community_manager'] as const) {
      const staff = (await t.signedIn(kind)).client;
      expect((await staff.get(`/groups/${id}`)).status, kind).toBe(200);
      expect((await staff.get('/groups')).body, kind).toContain(name);
    }
  });

  it('a group always keeps a manager: the last one cannot leave or step down until another takes over', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const res = await manager.client.post(`/groups/${id}/leave`);
    expect(res.status).toBe(409);
    expect(res.body).toContain(G.join.lastManager);
    expect(await stateOf(id, manager.user.id)).toBe('active');
    await manager.client.post(`/groups/${id}/members/${manager.user.id}/role`, { role: 'member' });
    expect((await manager.client.get(`/groups/${id}`)).body).toContain(G.join.managerStatus);
    const next = await person();
    await join(id, next);
    expect((await manager.client.post(`/groups/${id}/members/${next.user.id}/role`, { role: 'manager' })).status).toBe(303);
    expect((await next.client.get(`/groups/${id}/manage`)).status).toBe(200);
    expect((await manager.client.post(`/groups/${id}/leave`)).status).toBe(303);
    expect(await stateOf(id, manager.user.id)).toBeNull();
  });
});

// ---------------------------------------------------------------- the member list

function profileInput(user: TestUser, over: Partial<ProfileInput> = {}): ProfileInput {
  return {
    name: user.name,
    nameKana: '',
    nameRomaji: '',
    currentEmployer: '',
    currentTitle: '',
    industry: '',
    country: '',
    prefecture: '',
    skills: [],
    achievements: '',
    links: [],
    bioJa: '',
    bioEn: '',
    wants: [],
    contact: 'no',
    career: [],
    visibility: {} as ProfileInput['visibility'],
    ...over,
  };
}

describe('the member list', () => {
  it('shows each member as their profile allows the viewer, counts hidden members, leaves out blocked ones', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const subject = await person('alumnus', { name: `公開 太郎 ${unique()}` });
    await saveProfile(
      t.db,
      actorOf(subject.user),
      profileInput(subject.user, {
        currentEmployer: '秘密商事株式会社',
        currentTitle: 'プロダクトマネージャー',
        visibility: { ...profileInput(subject.user).visibility, currentEmployer: 'staff', currentTitle: 'alumni' },
      }),
    );
    await join(id, subject);
    const hidden = await person('alumnus', { name: `非掲載 花子 ${unique()}` });
    await join(id, hidden);
    await setHidden(t.db, actorOf(hidden.user), true);
    const staff = await person('employee', { name: `社員 次郎 ${unique()}` });
    await join(id, staff);
    const blocked = await person('alumnus', { name: `ブロック 三郎 ${unique()}` });
    await join(id, blocked);

    const viewer = await person();
    await join(id, viewer);
    await t.db.insert(memberBlocks).values({ blockerId: blocked.user.id, blockedId: viewer.user.id });
    // What the hourly maintenance does for members who never saved a profile: their directory rows.
    await indexMissingMembers(t.db);

    const page = await viewer.client.get(`/groups/${id}/members`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(subject.user.name);
    expect(page.body).toContain('プロダクトマネージャー');
    // Visible to company staff only: absent from an alumnus's page.
    expect(page.body).not.toContain('秘密商事株式会社');
    expect(page.body).toContain(staff.user.name);
    expect(page.body).not.toContain(hidden.user.name);
    expect(page.body).toContain(G.members.unlistedOne);
    expect(page.body).not.toContain(blocked.user.name);

    // The employee (staff audience) sees the employer, not the alumni-only title.
    const staffView = await staff.client.get(`/groups/${id}/members`);
    expect(staffView.body).toContain('秘密商事株式会社');
    expect(staffView.body).not.toContain('プロダクトマネージャー');
    // Blocked either way: the blocker does not see the viewer either.
    expect((await blocked.client.get(`/groups/${id}/members`)).body).not.toContain(viewer.user.name);

    // Non-members of a listed group see the count, not the list.
    const outsider = await person();
    expect((await outsider.client.get(`/groups/${id}/members`)).status).toBe(403);
  });
});

// ---------------------------------------------------------------- threads

describe('threads and replies', () => {
  let manager: Person;
  let member: Person;
  let id: string;

  beforeAll(async () => {
    manager = await person();
    id = await startGroup(manager.client, { name: `オープン ${unique()}` });
    member = await person();
    await join(id, member);
  });

  it('renders Markdown sanitised: a typed <script> is text, emphasis and safe links work', async () => {
    const threadId = await thread(id, member, 'スクリプト <b>テスト</b>', '<script>alert(1)</script> **太字** [リンク](javascript:alert(1)) [安全](https://example.com)');
    const page = await manager.client.get(`/groups/${id}/threads/${threadId}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('<strong>太字</strong>');
    expect(page.body).not.toMatch(/href="javascript:/);
    expect(page.body).toContain('href="https://example.com" rel="nofollow noopener noreferrer ugc"');
    expect(page.body).toContain('スクリプト &lt;b&gt;テスト&lt;/b&gt;');
    const replyId = await replyTo(id, threadId, manager, '<img src=x onerror=alert(1)> 返信です');
    const after = await member.client.get(`/groups/${id}/threads/${threadId}`);
    expect(after.body).toContain(`id="post-${replyId}"`);
    expect(after.body).not.toContain('<img src=x');
    expect((await member.client.get(`/groups/${id}`)).body).toContain(G.threads.replyOne);
  });

  it('refuses a title over 120 characters, a body over 5,000 and an empty reply with 422, keeping the input', async () => {
    const title = 'た'.repeat(121);
    const res = await member.client.post(`/groups/${id}/threads`, { title, body: 'x' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(fmt(ja.validation.tooLong, { field: G.threads.titleLabel, max: '120' }));
    expect(res.body).toContain(title);
    const body = await member.client.post(`/groups/${id}/threads`, { title: 'ok', body: 'b'.repeat(5001) });
    expect(body.status).toBe(422);
    expect(body.body).toContain(fmt(ja.validation.tooLong, { field: G.threads.bodyLabel, max: '5000' }));
    const threadId = await thread(id, member);
    const empty = await member.client.post(`/groups/${id}/threads/${threadId}/replies`, { body: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: G.threads.replyLabel }));
    expect((await member.client.post(`/groups/${id}/threads/${randomUUID()}/replies`, { body: 'x' })).status).toBe(404);
  });

  it('shows an open listed group’s thread titles to outsiders, not the threads; a request group shows neither', async () => {
    const title = `公開タイトル ${unique()}`;
    const threadId = await thread(id, member, title);
    const outsider = await person();
    const page = await outsider.client.get(`/groups/${id}`);
    expect(page.body).toContain(title);
    expect(page.body).not.toContain(`href="/groups/${id}/threads/${threadId}"`);
    expect(page.body).toContain(G.threads.joinToRead);
    expect((await outsider.client.get(`/groups/${id}/threads/${threadId}`)).status).toBe(404);
    expect((await outsider.client.post(`/groups/${id}/threads`, { title: 'x', body: 'y' })).status).toBe(403);

    const closedManager = await person();
    const closed = await startGroup(closedManager.client, { joinRule: 'request' });
    const hiddenTitle = `申請制タイトル ${unique()}`;
    await thread(closed, closedManager, hiddenTitle);
    const closedPage = await outsider.client.get(`/groups/${closed}`);
    expect(closedPage.body).not.toContain(hiddenTitle);
    expect(closedPage.body).toContain(G.threads.membersOnly);
  });

  it('limits how fast one member posts (429 after ten posts in ten minutes)', async () => {
    const fast = await person();
    await join(id, fast);
    const threadId = await thread(id, fast);
    for (let i = 0; i < 9; i++) await replyTo(id, threadId, fast, `返信 ${i}`);
    expect((await fast.client.post(`/groups/${id}/threads/${threadId}/replies`, { body: 'もう一つ' })).status).toBe(429);
  });
});

// ---------------------------------------------------------------- mentions

describe('mentions', () => {
  it('resolves names against the group’s members (longest match, with or without the space), links them and mails each once', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const suffix = unique();
    const hanako = await person('alumnus', { name: `山田 花子${suffix}`, locale: 'en' });
    const yamada = await person('alumnus', { name: `山田` });
    const outsider = await person('alumnus', { name: `部外 者${suffix}` });
    const blocker = await person('alumnus', { name: `拒否 者${suffix}` });
    const hidden = await person('alumnus', { name: `非掲載 者${suffix}` });
    await join(id, hanako);
    await join(id, yamada);
    await join(id, blocker);
    await join(id, hidden);
    await t.db.insert(memberBlocks).values({ blockerId: blocker.user.id, blockedId: manager.user.id });
    await indexMissingMembers(t.db);
    await setHidden(t.db, actorOf(hidden.user), true);

    const body = `@山田 花子${suffix} さん、よろしく。＠山田花子${suffix} 再度。@部外 者${suffix} と @拒否 者${suffix} と @非掲載 者${suffix} も。`;
    const threadId = await thread(id, manager, 'メンション', body);
    const mentioned = await t.db.select({ userId: groupMentions.userId }).from(groupMentions).where(eq(groupMentions.postId, threadId));
    expect(mentioned.map((r) => r.userId)).toEqual([hanako.user.id]);

    const mails = await t.mails({ to: hanako.user.email, template: 'groupMention' });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.locale).toBe('en');
    expect(mails[0]!.subject).toContain(manager.user.name);
    expect(mails[0]!.text).toContain(`/groups/${id}/threads/${threadId}`);
    expect(await t.mails({ to: yamada.user.email, template: 'groupMention' })).toHaveLength(0);
    expect(await t.mails({ to: outsider.user.email, template: 'groupMention' })).toHaveLength(0);
    expect(await t.mails({ to: blocker.user.email, template: 'groupMention' })).toHaveLength(0);
    // Hidden from the directory: not mentionable, so a mention never confirms their membership.
    expect(await t.mails({ to: hidden.user.email, template: 'groupMention' })).toHaveLength(0);

    const page = unescapeHtml((await yamada.client.get(`/groups/${id}/threads/${threadId}`)).body);
    expect(page).toContain(`<a class="mention" href="/members/${hanako.user.id}">@山田 花子${suffix}</a>`);
    expect(page).toContain(`<a class="mention" href="/members/${hanako.user.id}">＠山田花子${suffix}</a>`);
    expect(page).not.toContain(`href="/members/${outsider.user.id}"`);

    // A reply mentioning the short name reaches 山田, who was not mentioned by the longer name.
    await replyTo(id, threadId, hanako, '@山田 さん、どう思いますか？');
    expect(await t.mails({ to: yamada.user.email, template: 'groupMention' })).toHaveLength(1);
    expect(await t.mails({ to: hanako.user.email, template: 'groupMention' })).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- muting

describe('muting', () => {
  it('a muted member reads but cannot post, says so clearly, until the mute ends or is lifted (audited)', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const member = await person();
    await join(id, member);
    const threadId = await thread(id, manager);

    const bad = await manager.client.post(`/groups/${id}/members/${member.user.id}/mute`, { until: '2020-01-01' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(G.manage.muteDatePast);
    expect((await manager.client.post(`/groups/${id}/members/${member.user.id}/mute`, { until: 'soon' })).status).toBe(422);

    const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await manager.client.post(`/groups/${id}/members/${member.user.id}/mute`, { until })).status).toBe(303);
    expect(await audits('group.member_muted', member.user.id)).toHaveLength(1);

    const page = await member.client.get(`/groups/${id}`);
    const mutedText = G.threads.muted.split('{date}')[1]!;
    expect(page.body).toContain(mutedText);
    expect(page.body).not.toContain(`action="/groups/${id}/threads"`);
    const threadPage = await member.client.get(`/groups/${id}/threads/${threadId}`);
    expect(threadPage.status).toBe(200);
    expect(threadPage.body).toContain(mutedText);
    expect(threadPage.body).not.toContain(`action="/groups/${id}/threads/${threadId}/replies"`);
    const refused = await member.client.post(`/groups/${id}/threads`, { title: 'x', body: 'y' });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(mutedText);
    expect((await member.client.post(`/groups/${id}/threads/${threadId}/replies`, { body: 'x' })).status).toBe(403);

    expect((await manager.client.post(`/groups/${id}/members/${member.user.id}/mute`, { clear: '1' })).status).toBe(303);
    await replyTo(id, threadId, member, '戻りました');
  });
});

// ---------------------------------------------------------------- reports and moderation

describe('reports and moderation', () => {
  it('members report once; the group’s managers hide or dismiss; moderators see reports across groups, plain members do not', async () => {
    const managerA = await person();
    const groupA = await startGroup(managerA.client, { name: `通報A ${unique()}` });
    const managerB = await person();
    const groupB = await startGroup(managerB.client, { name: `通報B ${unique()}` });
    const author = await person();
    const reporter = await person();
    for (const g of [groupA, groupB]) {
      await join(g, author);
      await join(g, reporter);
    }
    const threadA = await thread(groupA, author, `問題の話題 ${unique()}`, '失礼な内容A');
    const replyA = await replyTo(groupA, threadA, author, '失礼な返信A');
    const threadB = await thread(groupB, author, `別の話題 ${unique()}`, '失礼な内容B');

    expect((await author.client.get(`/groups/${groupA}/posts/${threadA}/report`)).status).toBe(404);
    const form = await reporter.client.get(`/groups/${groupA}/posts/${replyA}/report`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('失礼な返信A');
    const empty = await reporter.client.post(`/groups/${groupA}/posts/${replyA}/report`, { reason: '' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(fmt(ja.validation.required, { field: G.report.reason }));
    for (let i = 0; i < 2; i++) expect((await reporter.client.post(`/groups/${groupA}/posts/${replyA}/report`, { reason: '侮辱的です' })).status).toBe(303);
    expect(await t.db.select().from(contentReports).where(and(eq(contentReports.kind, 'group_post'), eq(contentReports.targetId, replyA)))).toHaveLength(1);
    await reporter.client.post(`/groups/${groupA}/posts/${threadA}/report`, { reason: '宣伝です' });
    await reporter.client.post(`/groups/${groupB}/posts/${threadB}/report`, { reason: '別グループの問題' });

    // The group's manager sees the group's reports only.
    const manage = await managerA.client.get(`/groups/${groupA}/manage`);
    expect(manage.body).toContain('侮辱的です');
    expect(manage.body).not.toContain('別グループの問題');
    const [replyReport] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, replyA));
    const [threadReport] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, threadA));
    const [otherReport] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, threadB));
    // …and cannot act on another group's report through their own group.
    expect((await managerA.client.post(`/groups/${groupA}/reports/${otherReport!.id}/hide`)).status).toBe(404);
    // A plain member may not moderate.
    expect((await reporter.client.get(`/groups/${groupA}/manage`)).status).toBe(403);
    expect((await reporter.client.post(`/groups/${groupA}/reports/${replyReport!.id}/hide`)).status).toBe(403);
    expect((await reporter.client.post(`/groups/${groupA}/posts/${replyA}/hide`)).status).toBe(403);

    expect((await managerA.client.post(`/groups/${groupA}/reports/${replyReport!.id}/hide`)).status).toBe(303);
    const [hidden] = await t.db.select().from(groupPosts).where(eq(groupPosts.id, replyA));
    expect(hidden!.hiddenAt).not.toBeNull();
    expect((await reporter.client.get(`/groups/${groupA}/threads/${threadA}`)).body).not.toContain('失礼な返信A');
    expect((await t.db.select().from(contentReports).where(eq(contentReports.id, replyReport!.id)))[0]!.resolution).toBe('hidden');
    expect(await audits('group.post_hidden', replyA)).toHaveLength(1);
    expect((await managerA.client.post(`/groups/${groupA}/reports/${threadReport!.id}/dismiss`)).status).toBe(303);
    expect((await t.db.select().from(contentReports).where(eq(contentReports.id, threadReport!.id)))[0]!.resolution).toBe('dismissed');
    expect(await audits('group.report_dismissed', threadReport!.id)).toHaveLength(1);

    // Moderators: every group's open reports in one queue.
    for (const kind of ['operator', 'community_manager'] as const) {
      const staff = (await t.signedIn(kind)).client;
      const queue = await staff.get('/admin/groups/reports');
      expect(queue.status, kind).toBe(200);
      expect(queue.body, kind).toContain('別グループの問題');
      expect(queue.body, kind).not.toContain('侮辱的です');
    }
    expect((await reporter.client.get('/admin/groups/reports')).status).toBe(403);
    expect((await reporter.client.post(`/admin/groups/reports/${otherReport!.id}/hide`)).status).toBe(403);
    const op = (await t.signedIn('operator')).client;
    expect((await op.post(`/admin/groups/reports/${otherReport!.id}/hide`)).status).toBe(303);
    expect((await reporter.client.get(`/groups/${groupB}`)).body).not.toContain('別の話題');
    expect((await op.post(`/admin/groups/reports/${otherReport!.id}/hide`)).status).toBe(404);
    expect((await op.post(`/admin/groups/reports/${randomUUID()}/dismiss`)).status).toBe(404);
  });
});

// ---------------------------------------------------------------- blocks

describe('blocks', () => {
  it('members blocked either way never see each other’s threads or replies', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const a = await person();
    const b = await person();
    await join(id, a);
    await join(id, b);
    await t.db.insert(memberBlocks).values({ blockerId: a.user.id, blockedId: b.user.id });
    const titleB = `Bの話題 ${unique()}`;
    const threadB = await thread(id, b, titleB, 'Bの本文');
    const threadM = await thread(id, manager, `管理者の話題 ${unique()}`);
    await replyTo(id, threadM, a, 'Aの返信です');
    await replyTo(id, threadM, b, 'Bの返信です');

    const aGroup = await a.client.get(`/groups/${id}`);
    expect(aGroup.body).not.toContain(titleB);
    expect((await a.client.get(`/groups/${id}/threads/${threadB}`)).status).toBe(404);
    expect((await a.client.get(`/groups/${id}/posts/${threadB}/report`)).status).toBe(404);
    const aThread = await a.client.get(`/groups/${id}/threads/${threadM}`);
    expect(aThread.body).toContain('Aの返信です');
    expect(aThread.body).not.toContain('Bの返信です');
    const bThread = await b.client.get(`/groups/${id}/threads/${threadM}`);
    expect(bThread.body).toContain('Bの返信です');
    expect(bThread.body).not.toContain('Aの返信です');
    // Others see both.
    const mThread = await manager.client.get(`/groups/${id}/threads/${threadM}`);
    expect(mThread.body).toContain('Aの返信です');
    expect(mThread.body).toContain('Bの返信です');
  });
});

// ---------------------------------------------------------------- events, languages, archive, digest setting

describe('the group page', () => {
  it('lists the group’s upcoming published events the viewer may see, and offers managers to create one', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const member = await person();
    await join(id, member);
    const start = new Date(Date.now() + 7 * 86_400_000);
    const base = { format: 'online' as const, timeZone: 'Asia/Tokyo', startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), audience: 'group' as const, groupId: id };
    await t.db.insert(events).values([
      { ...base, title: `公開イベント ${unique()}`, state: 'published' },
      { ...base, title: '下書きイベント', state: 'draft' },
      { ...base, title: '終わったイベント', state: 'published', startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() - 82_800_000) },
    ]);
    const page = await member.client.get(`/groups/${id}`);
    expect(page.body).toMatch(/公開イベント/);
    expect(page.body).not.toContain('下書きイベント');
    expect(page.body).not.toContain('終わったイベント');
    expect(page.body).not.toContain(`/events/new?group=${id}`);
    expect((await manager.client.get(`/groups/${id}`)).body).toContain(`/events/new?group=${id}`);
    expect((await (await t.signedIn('community_manager')).client.get(`/groups/${id}`)).body).toContain(`/events/new?group=${id}`);
    // Not a member: a group-audience event is not theirs to see.
    expect((await (await person()).client.get(`/groups/${id}`)).body).not.toMatch(/公開イベント/);
  });

  it('speaks the member’s language (ja and en)', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const enMember = await person('alumnus', { locale: 'en' });
    const before = await enMember.client.get(`/groups/${id}`);
    expect(before.body).toContain(en.groups.join.join);
    expect(before.body).toContain('lang="en"');
    await join(id, enMember);
    const after = await enMember.client.get(`/groups/${id}`);
    expect(after.body).toContain(en.groups.digest.legend);
    expect(after.body).toContain(en.groups.threads.new);
    const jaPage = await manager.client.get(`/groups/${id}`);
    expect(jaPage.body).toContain(G.digest.legend);
    expect(jaPage.body).toContain(G.threads.new);
    expect((await enMember.client.get('/groups')).body).toContain(en.groups.mine.title);
  });

  it('saves the digest preference; refuses an unknown one', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    expect((await manager.client.post(`/groups/${id}/digest`, { digest: 'daily' })).status).toBe(303);
    const [row] = await t.db.select().from(groupMembers).where(and(eq(groupMembers.groupId, id), eq(groupMembers.userId, manager.user.id)));
    expect(row!.digest).toBe('daily');
    expect((await manager.client.post(`/groups/${id}/digest`, { digest: 'hourly' })).status).toBe(400);
    const outsider = await person();
    expect((await outsider.client.post(`/groups/${id}/digest`, { digest: 'off' })).status).toBe(403);
  });

  it('edits settings and archives: an archived group leaves the list and takes no posts (audited)', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const renamed = `改名後 ${unique()}`;
    const bad = await manager.client.post(`/groups/${id}/manage`, { name: '', kind: 'interest', joinRule: 'open' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(fmt(ja.validation.required, { field: G.form.name }));
    expect((await manager.client.post(`/groups/${id}/manage`, { name: renamed, kind: 'circle', joinRule: 'request', listed: '1' })).status).toBe(303);
    expect((await manager.client.get(`/groups/${id}`)).body).toContain(renamed);
    expect(await audits('group.updated', id)).toHaveLength(1);
    expect((await manager.client.post(`/groups/${id}/archive`)).status).toBe(303);
    expect(await audits('group.archived', id)).toHaveLength(1);
    const page = await manager.client.get(`/groups/${id}`);
    expect(page.body).toContain(G.page.archivedNotice);
    expect((await manager.client.post(`/groups/${id}/threads`, { title: 'x', body: 'y' })).status).toBe(403);
    const outsider = await person();
    expect((await outsider.client.get('/groups')).body).not.toContain(renamed);
    expect((await outsider.client.get(`/groups/${id}`)).status).toBe(404);
  });
});

describe('the list and the page, as members read them', () => {
  it('lists a group of one’s own once (under one’s groups, not again below), each card with one line of its description', async () => {
    const cm = (await t.signedIn('community_manager')).client;
    const mineName = `参加済み ${unique()}`;
    const otherName = `未参加 ${unique()}`;
    const mine = await startGroup(cm, { name: mineName, kind: 'official', description: '## 概要\n\n**ものづくり**の現場にいた人の集まりです。' });
    await startGroup(cm, { name: otherName, kind: 'official', description: '公式の*お知らせ*グループです。' });
    const member = await person();
    await join(mine, member);
    const list = (await member.client.get('/groups?kind=official')).body;
    expect(list.split(`>${mineName}</a>`)).toHaveLength(2);
    const mineSection = list.slice(list.indexOf('id="mine-title"'), list.indexOf('id="all-title"'));
    const allSection = list.slice(list.indexOf('id="all-title"'));
    expect(mineSection).toContain(mineName);
    expect(mineSection).toContain('<p class="small muted group-item__excerpt">概要 ものづくりの現場にいた人の集まりです。</p>');
    expect(allSection).not.toContain(mineName);
    expect(allSection).toContain(`id="all-title">${G.otherTitle}</h2>`);
    expect(allSection).toContain(otherName);
    expect(allSection).toContain('<p class="small muted group-item__excerpt">公式のお知らせグループです。</p>');
    // Someone with no group of their own sees every group under "all groups".
    const newcomer = (await (await person()).client.get('/groups?kind=official')).body;
    expect(newcomer).toContain(`id="all-title">${G.listTitle}</h2>`);
    expect(newcomer.slice(newcomer.indexOf('id="all-title"'))).toContain(mineName);
  });

  it('puts leaving at the end of the page in its own section, in the danger style; event times say the day', async () => {
    const manager = await person();
    const id = await startGroup(manager.client);
    const member = await person();
    await join(id, member);
    const start = new Date(Date.now() + 7 * 86_400_000);
    await t.db.insert(events).values({
      title: `日付つき ${unique()}`,
      format: 'online',
      timeZone: 'Asia/Tokyo',
      startsAt: start,
      endsAt: new Date(start.getTime() + 3_600_000),
      audience: 'group',
      groupId: id,
      state: 'published',
    });
    const page = (await member.client.get(`/groups/${id}`)).body;
    const leave = page.indexOf(`action="/groups/${id}/leave"`);
    expect(leave).toBeGreaterThan(page.indexOf('id="threads-title"'));
    expect(leave).toBeGreaterThan(page.indexOf('id="new-thread"'));
    expect(leave).toBeGreaterThan(page.indexOf('id="leave-title"'));
    expect(page.slice(leave)).toContain(`class="button button--secondary button--small button--danger">${G.join.leave}</button>`);
    expect(page).toMatch(/<ul class="plain-list group-events">.*?\d{4}年\d{1,2}月\d{1,2}日\([月火水木金土日]\) \d\d:\d\d〜\d\d:\d\d<\/time>/);
    // Not a member: nothing to leave.
    const outsider = (await (await person()).client.get(`/groups/${id}`)).body;
    expect(outsider).not.toContain('id="leave-title"');
  });
});

// ---------------------------------------------------------------- segments

describe('the segment criterion "member of groups"', () => {
  it('offers the active groups, counts their active members (once each), saves groupIds and refuses unknown or archived groups', async () => {
    const op = (await t.signedIn('operator')).client;
    const manager1 = await person();
    const name1 = `セグメント用1 ${unique()}`;
    const g1 = await startGroup(manager1.client, { name: name1, joinRule: 'request' });
    const manager2 = await person();
    const g2 = await startGroup(manager2.client);
    const both = await person();
    const approved = await person();
    await approved.client.post(`/groups/${g1}/join`, { note: '' });
    await manager1.client.post(`/groups/${g1}/requests/${approved.user.id}`, { decision: 'approve' });
    await both.client.post(`/groups/${g1}/join`, { note: '' });
    await manager1.client.post(`/groups/${g1}/requests/${both.user.id}`, { decision: 'approve' });
    await join(g2, both);
    // Pending and removed people are not members.
    const pending = await person();
    await pending.client.post(`/groups/${g1}/join`, { note: '' });
    const removed = await person();
    await join(g2, removed);
    await manager2.client.post(`/groups/${g2}/members/${removed.user.id}/remove`);

    const archivedGroup = await startGroup(manager2.client);
    await manager2.client.post(`/groups/${archivedGroup}/archive`);

    const form = await op.get('/admin/segments/new');
    expect(form.body).toContain(ja.segments.form.groups);
    expect(form.body).toContain(name1);
    expect(form.body).not.toContain(`name="groups.${archivedGroup}"`);

    const count = async (ids: string[]) => {
      const res = await op.post('/admin/segments', { name: 'x', intent: 'count', ...Object.fromEntries(ids.map((id) => [`groups.${id}`, '1'])) });
      expect(res.status, res.body.slice(0, 500)).toBe(200);
      return res.body;
    };
    expect(await count([g1])).toContain(fmt(ja.segments.countLabel, { count: '3' }));
    expect(await count([g2])).toContain(fmt(ja.segments.countLabel, { count: '2' }));
    expect(await count([g1, g2])).toContain(fmt(ja.segments.countLabel, { count: '4' }));

    const name = `グループ会員 ${unique()}`;
    const saved = await op.post('/admin/segments', { name, intent: 'save', [`groups.${g1}`]: '1' });
    expect(saved.status).toBe(303);
    const [row] = await t.db.select().from(segments).where(eq(segments.name, name));
    expect(row!.filter.groupIds).toEqual([g1]);
    expect((await op.get(saved.location!)).body).toMatch(new RegExp(`name="groups.${g1}" value="1" checked`));

    for (const bad of [randomUUID(), archivedGroup, 'not-a-uuid']) {
      const res = await op.post('/admin/segments', { name: 'y', intent: 'save', [`groups.${bad}`]: '1' });
      expect(res.status, bad).toBe(422);
      expect(res.body).toContain(ja.segments.form.groupGone);
    }
  });
});
