/**
 * Opportunities through HTTP: the editor (validation, publish, close), who sees what (every
 * audience × every viewer, by list and by URL), closing (by hand and by date), one-click apply
 * with the profile snapshot, duplicates refused nicely, withdrawing and applying again, the open
 * door, the return application, and attribution from a newsletter click to the application.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type PersonKind, type TestApp, type TestUser } from '../../../test/app.ts';
import { applications, auditEvents, caseHistory, memberProfiles, newsletters, opportunities, posts, segments } from '../../db/schema.ts';
import { messages } from '../../shared/i18n/index.ts';
import { clickToken } from '../newsletters/tokens.ts';

const ja = messages('ja');
const O = ja.opportunities;

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
});

afterAll(async () => {
  await t?.close();
});

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Writes an opportunity through the editor as the operator; returns its id. */
async function post(fields: Record<string, string> = {}): Promise<string> {
  const title = fields.title ?? `募集 ${unique()}`;
  const form = { kind: 'full_time', description: '一緒に**プロダクト**を作りませんか。', workStyle: 'hybrid', audience: 'alumni', referralsOpen: '1', intent: 'publish', ...fields, title };
  const res = await operator.post('/admin/opportunities/new', form);
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  const [row] = await t.db.select({ id: opportunities.id }).from(opportunities).where(eq(opportunities.title, title));
  return row!.id;
}

async function alumnus(opts: { locale?: 'ja' | 'en' } = {}): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser('alumnus', { name: `卒業生 ${unique()}`, locale: opts.locale ?? null });
  return { user, client: await t.newSession(user) };
}

async function applicationsOf(userId: string) {
  return t.db.select().from(applications).where(eq(applications.applicantId, userId));
}

// ---------------------------------------------------------------- the editor

describe('the editor (operators)', () => {
  it('refuses bad input with 422, the input kept and errors in the user’s language', async () => {
    const res = await operator.post('/admin/opportunities/new', { kind: 'astronaut', title: '<b>宇宙</b>', description: '', workStyle: 'x', audience: 'segment', segmentId: 'nope', closesOn: '2026-02-30', intent: 'publish' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(O.errors.kind);
    expect(res.body).toContain(O.errors.descriptionRequired);
    expect(res.body).toContain(O.errors.workStyle);
    expect(res.body).toContain(O.errors.segment);
    expect(res.body).toContain(O.errors.closesOn);
    expect(res.body).toContain('value="&lt;b&gt;宇宙&lt;/b&gt;"');
    expect(await t.db.select().from(opportunities).where(eq(opportunities.title, '<b>宇宙</b>'))).toHaveLength(0);
  });

  it('refuses a closing date already past when publishing', async () => {
    const res = await operator.post('/admin/opportunities/new', { kind: 'project', title: `過去 ${unique()}`, description: '説明', workStyle: 'remote', audience: 'alumni', closesOn: '2020-01-01', intent: 'publish' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(O.errors.closesOnPast);
  });

  it('saves a draft (members cannot see it), publishes it (audited), closes it (audited)', async () => {
    const title = `下書き ${unique()}`;
    const res = await operator.post('/admin/opportunities/new', { kind: 'side_job', title, description: '副業の募集です。', workStyle: 'remote', audience: 'alumni', closesOn: '2099-12-31', wants: 'sideWork', intent: 'draft' });
    expect(res.status).toBe(303);
    const [row] = await t.db.select().from(opportunities).where(eq(opportunities.title, title));
    expect(row).toMatchObject({ state: 'draft', kind: 'side_job', publishedAt: null, wants: ['sideWork'] });
    // The closing day is the end of 2099-12-31 in Tokyo.
    expect(row!.closesAt!.toISOString()).toBe('2099-12-31T15:00:00.000Z');
    const { client } = await alumnus();
    expect((await client.get(`/opportunities/${row!.id}`)).status).toBe(404);

    const edit = await operator.get(`/admin/opportunities/${row!.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.body).toContain('value="2099-12-31"');
    expect((await operator.post(`/admin/opportunities/${row!.id}/edit`, { kind: 'side_job', title, description: '副業の募集です。', workStyle: 'remote', audience: 'alumni', closesOn: '2099-12-31', intent: 'publish' })).status).toBe(303);
    expect((await client.get(`/opportunities/${row!.id}`)).status).toBe(200);
    expect((await operator.post(`/admin/opportunities/${row!.id}/close`)).status).toBe(303);
    const [closed] = await t.db.select().from(opportunities).where(eq(opportunities.id, row!.id));
    expect(closed!.state).toBe('closed');
    const actions = (await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, row!.id))).map((a) => a.action).sort();
    expect(actions).toEqual(['opportunity.closed', 'opportunity.published']);
    const list = await operator.get('/admin/opportunities');
    expect(list.status).toBe(200);
    expect(list.body).toContain(escapeHtml(title));
  });

  it('is for operators only', async () => {
    for (const kind of ['alumnus', 'employee', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/admin/opportunities/new')).status, kind).toBe(403);
      expect((await client.post('/admin/opportunities/new', { title: 'x' })).status, kind).toBe(403);
    }
  });
});

// ---------------------------------------------------------------- audiences

describe('who sees what: every audience × every viewer, by list and by URL', () => {
  type Viewer = PersonKind | 'segment member';
  const VIEWERS: Viewer[] = ['alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member'];
  const AUDIENCES = ['alumni', 'alumni_employees', 'segment', 'draft'] as const;
  const SEES: Record<(typeof AUDIENCES)[number], Viewer[]> = {
    alumni: ['alumnus', 'operator', 'segment member'],
    alumni_employees: ['alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member'],
    segment: ['operator', 'segment member'],
    draft: ['operator'],
  };
  const clients = new Map<Viewer, Client>();
  const ids = new Map<string, string>();
  const titles = new Map<string, string>();

  beforeAll(async () => {
    const [segment] = await t.db.insert(segments).values({ name: '英語で読む人', filter: { languages: ['en'] } }).returning();
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const) clients.set(kind, (await t.signedIn(kind)).client);
    clients.set('segment member', (await alumnus({ locale: 'en' })).client);
    for (const audience of AUDIENCES) {
      const title = `対象 ${audience} ${unique()}`;
      titles.set(audience, title);
      ids.set(
        audience,
        await post({
          title,
          audience: audience === 'draft' ? 'alumni' : audience,
          intent: audience === 'draft' ? 'draft' : 'publish',
          ...(audience === 'segment' ? { segmentId: segment!.id } : {}),
        }),
      );
    }
  });

  it('lists and opens exactly the opportunities of each viewer’s audience (404 otherwise)', async () => {
    const failures: string[] = [];
    for (const viewer of VIEWERS) {
      const client = clients.get(viewer)!;
      const list = await client.get('/opportunities');
      expect(list.status, viewer).toBe(200);
      for (const audience of AUDIENCES) {
        const expected = SEES[audience].includes(viewer);
        // Drafts are never listed, not even for operators (they are on the admin list).
        const listed = list.body.includes(titles.get(audience)!);
        if (listed !== (expected && audience !== 'draft')) failures.push(`${viewer} list ${audience}: ${listed}`);
        const res = await client.get(`/opportunities/${ids.get(audience)}`);
        if (res.status !== (expected ? 200 : 404)) failures.push(`${viewer} GET ${audience}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses an application outside the audience as a page that does not exist', async () => {
    const { client, user } = await alumnus();
    expect((await client.post(`/opportunities/${ids.get('segment')}/apply`, { note: '' })).status).toBe(404);
    expect(await applicationsOf(user.id)).toHaveLength(0);
  });

  it('answers 404 for ids that are not UUIDs or do not exist', async () => {
    const client = clients.get('alumnus')!;
    for (const path of ['/opportunities/0', '/opportunities/%27%20or%201=1', '/opportunities/00000000-0000-0000-0000-000000000000', '/applications/abc', '/admin/applications/abc']) {
      const res = await (path.startsWith('/admin') ? operator : client).get(path);
      expect(res.status, path).toBe(404);
    }
  });
});

// ---------------------------------------------------------------- applying

describe('one-click apply', () => {
  it('stores the note and the profile as company staff may see it, mails the applicant, and shows the application', async () => {
    const id = await post({ title: `応募テスト ${unique()}`, kind: 'project' });
    const { user, client } = await alumnus();
    await t.db.insert(memberProfiles).values({
      userId: user.id,
      skills: ['TypeScript', '採用'],
      currentEmployer: '株式会社ひみつ',
      bioJa: 'スタッフに見せる自己紹介',
      visibility: { skills: 'staff', currentEmployer: 'alumni', bio: 'network' },
    });
    const page = await client.get(`/opportunities/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<strong>プロダクト</strong>');
    expect(page.body).toContain(O.page.applyIntro);
    const res = await client.post(`/opportunities/${id}/apply`, { note: '話を聞いてみたいです。' });
    expect(res.status).toBe(303);
    const [app] = await applicationsOf(user.id);
    expect(res.location).toBe(`/applications/${app!.id}`);
    expect(app).toMatchObject({ kind: 'opportunity', opportunityId: id, stage: 'received', note: '話を聞いてみたいです。', source: null });
    expect(app!.profileSnapshot).toMatchObject({ name: user.name, skills: ['TypeScript', '採用'], bioJa: 'スタッフに見せる自己紹介' });
    expect(app!.profileSnapshot).not.toHaveProperty('currentEmployer');
    const history = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseKind, 'application'), eq(caseHistory.caseId, app!.id)));
    expect(history.map((h) => `${h.fromState}→${h.toState}`)).toEqual(['null→received']);
    const mail = await t.lastMail(user.email, 'applicationReceived');
    expect(mail.subject).toContain('ご応募を受け付けました');
    expect(mail.text).toContain(`/applications/${app!.id}`);

    const mine = await client.get(`/applications/${app!.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toContain(O.applicantStages.received);
    expect((await client.get('/opportunities')).body).toContain(`/applications/${app!.id}`);
    // The page now points to the application instead of the form.
    expect((await client.get(`/opportunities/${id}`)).body).toContain(O.page.mine);
  });

  it('refuses a second live application nicely (one row, back to the first), and takes a new one after withdrawing', async () => {
    const id = await post({ title: `重複 ${unique()}` });
    const { user, client } = await alumnus();
    const first = await client.post(`/opportunities/${id}/apply`, {});
    const second = await client.post(`/opportunities/${id}/apply`, { note: 'もう一度' });
    expect(second.status).toBe(303);
    expect(second.location).toBe(first.location);
    expect((await client.get(second.location!)).body).toContain(O.page.already);
    expect(await applicationsOf(user.id)).toHaveLength(1);
    // Two clicks at the same moment still make one application.
    const other = await post({ title: `同時 ${unique()}` });
    const both = await Promise.all([client.post(`/opportunities/${other}/apply`, {}), client.post(`/opportunities/${other}/apply`, {})]);
    expect(both.map((r) => r.status)).toEqual([303, 303]);
    expect((await applicationsOf(user.id)).filter((a) => a.opportunityId === other)).toHaveLength(1);

    expect((await client.post(`${first.location}/withdraw`)).status).toBe(303);
    const page = await client.get(first.location!);
    expect(page.body).toContain(O.applicantStages.withdrawn);
    expect(page.body).not.toContain(O.application.withdraw);
    const [withdrawn] = (await applicationsOf(user.id)).filter((a) => a.opportunityId === id);
    expect(withdrawn!.stage).toBe('withdrawn');
    const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, withdrawn!.id), eq(auditEvents.action, 'application.stage_changed')));
    expect(audit[0]?.details).toMatchObject({ from: 'received', to: 'withdrawn', byApplicant: true });
    const again = await client.post(`/opportunities/${id}/apply`, {});
    expect(again.status).toBe(303);
    expect(again.location).not.toBe(first.location);
    expect((await applicationsOf(user.id)).filter((a) => a.opportunityId === id)).toHaveLength(2);
  });

  it('takes no application once closed by hand or past its closing date (409, the page says why)', async () => {
    const byHand = await post({ title: `締切手動 ${unique()}` });
    const byDate = await post({ title: `締切日付 ${unique()}` });
    await operator.post(`/admin/opportunities/${byHand}/close`);
    await t.db.update(opportunities).set({ closesAt: new Date(Date.now() - 60_000) }).where(eq(opportunities.id, byDate));
    const { user, client } = await alumnus();
    for (const [id, reason] of [
      [byHand, O.page.closed.closed],
      [byDate, O.page.closed.deadline],
    ] as const) {
      const page = await client.get(`/opportunities/${id}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain(reason);
      expect(page.body).not.toContain(`action="/opportunities/${id}/apply"`);
      const res = await client.post(`/opportunities/${id}/apply`, { note: 'まだ間に合いますか' });
      expect(res.status).toBe(409);
      expect(res.body).toContain(reason);
      expect((await client.get('/opportunities')).body).not.toContain(`/opportunities/${id}`);
    }
    expect(await applicationsOf(user.id)).toHaveLength(0);
    // Operators see the one past its closing day as closed too.
    const admin = (await operator.get('/admin/opportunities')).body;
    const row = admin.slice(admin.indexOf(`/admin/opportunities/${byDate}/edit`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain(`<td>${O.states.closed}</td>`);
  });

  it('keeps a too long note with a 422 in the user’s language', async () => {
    const id = await post();
    const { user, client } = await alumnus({ locale: 'en' });
    const res = await client.post(`/opportunities/${id}/apply`, { note: 'あ'.repeat(2001) });
    expect(res.status).toBe(422);
    expect(res.body).toContain(messages('en').opportunities.errors.noteTooLong.replace('{max}', '2000'));
    expect(res.body).toContain('あ'.repeat(2001));
    expect(await applicationsOf(user.id)).toHaveLength(0);
  });

  it('is for alumni: staff see who may apply and may refer when referrals are open; a sign-up still being verified gets no page', async () => {
    const open = await post({ title: `紹介可 ${unique()}`, audience: 'alumni_employees' });
    const closed = await post({ title: `紹介不可 ${unique()}`, audience: 'alumni_employees', referralsOpen: '' });
    const { client: employee } = await t.signedIn('employee');
    const page = await employee.get(`/opportunities/${open}`);
    expect(page.body).toContain(O.page.onlyAlumni);
    expect(page.body).toContain(`href="/opportunities/${open}/refer"`);
    expect((await employee.get(`/opportunities/${closed}`)).body).not.toContain('/refer');
    expect((await employee.post(`/opportunities/${open}/apply`, {})).status).toBe(403);
    const pending = await t.newSession(await t.createUser('alumnus', { status: 'pending' }));
    expect((await pending.post(`/opportunities/${open}/apply`, {})).status).toBe(404);
    expect((await pending.get('/opportunities/return')).status).toBe(404);
  });
});

// ---------------------------------------------------------------- the open door and returning

describe('the open door', () => {
  it('is closed until the alumnus opens it, and can be closed again', async () => {
    const { user, client } = await alumnus();
    const wants = async () => (await t.db.select({ wants: memberProfiles.wants }).from(memberProfiles).where(eq(memberProfiles.userId, user.id)))[0]?.wants ?? [];
    const page = await client.get('/opportunities');
    expect(page.body).toContain(O.door.isClosed);
    expect(page.body).toContain(O.door.open);
    expect(await wants()).not.toContain('return');
    expect((await client.post('/opportunities/open-door', { open: '1' })).status).toBe(303);
    expect(await wants()).toContain('return');
    expect((await client.get('/opportunities')).body).toContain(O.door.isOpen);
    expect((await client.post('/opportunities/open-door', { open: '0' })).status).toBe(303);
    expect(await wants()).not.toContain('return');
    const { client: employee } = await t.signedIn('employee');
    expect((await employee.get('/opportunities')).body).not.toContain(O.door.title);
    expect((await employee.post('/opportunities/open-door', { open: '1' })).status).toBe(403);
  });
});

describe('the return application (open door)', () => {
  it('asks for at least one answer, keeps the input, then stores the answers and refuses a second live one', async () => {
    const { user, client } = await alumnus();
    const form = await client.get('/opportunities/return');
    expect(form.status).toBe(200);
    const empty = await client.post('/opportunities/return', { whatChanged: '  ', note: '' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(O.errors.returnEmpty);
    const long = await client.post('/opportunities/return', { whatChanged: 'x'.repeat(2001), whatNeeded: '週4日勤務' });
    expect(long.status).toBe(422);
    expect(long.body).toContain('週4日勤務');

    const body = new URLSearchParams({ whatChanged: '子育てが落ち着きました', whatNeeded: 'リモート中心', note: 'よろしくお願いします', _csrf: await client.csrfToken() });
    for (const r of ['people', 'flexibility', 'bogus']) body.append('reasons', r);
    const res = await client.request('POST', '/opportunities/return', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.config.baseUrl).origin },
      body: body.toString(),
    });
    expect(res.status).toBe(303);
    const [app] = await applicationsOf(user.id);
    expect(app).toMatchObject({ kind: 'return', opportunityId: null, whatChanged: '子育てが落ち着きました', whatNeeded: 'リモート中心', reasons: ['people', 'flexibility'], stage: 'received' });
    const mine = await client.get(`/applications/${app!.id}`);
    expect(mine.body).toContain(O.returnTitle);
    expect(mine.body).toContain(O.reasons.people);

    const again = await client.get('/opportunities/return');
    expect(again.status).toBe(303);
    expect(again.location).toBe(`/applications/${app!.id}`);
    const twice = await client.post('/opportunities/return', { whatChanged: 'もう一度' });
    expect(twice.location).toBe(`/applications/${app!.id}`);
    expect(await applicationsOf(user.id)).toHaveLength(1);
    expect((await client.get('/opportunities')).body).toContain(O.door.returnPending);
  });
});

// ---------------------------------------------------------------- attribution

describe('attribution', () => {
  it('carries a newsletter click to the opportunity page and into the application (applications.source)', async () => {
    const id = await post({ title: `メルマガ経由 ${unique()}` });
    const { user, client } = await alumnus();
    const [newsletter] = await t.db.insert(newsletters).values({ subjectJa: '今月のお知らせ' }).returning();
    const token = clickToken(t.config.secret, { newsletterId: newsletter!.id, userId: user.id, url: `${t.config.baseUrl}/opportunities/${id}` });
    const click = await client.get(`/r/${token}`);
    expect(click.status).toBe(302);
    const target = new URL(click.location!);
    expect(target.searchParams.get('src')).toBe(`newsletter:${newsletter!.id}`);
    const page = await client.get(`${target.pathname}${target.search}`);
    expect(page.status).toBe(200);
    const hidden = /<input type="hidden" name="src" value="([^"]+)"/.exec(page.body);
    expect(hidden?.[1]).toBe(`newsletter:${newsletter!.id}`);
    const res = await client.post(`/opportunities/${id}/apply`, { note: '', src: hidden![1]! });
    expect(res.status).toBe(303);
    const [app] = await applicationsOf(user.id);
    expect(app!.source).toBe(`newsletter:${newsletter!.id}`);
  });

  it('carries a news post\'s link to the opportunity into the application (post:<id>)', async () => {
    const id = await post({ title: `ニュース経由 ${unique()}` });
    const { user, client } = await alumnus();
    const [news] = await t.db
      .insert(posts)
      .values({ category: 'opportunities', titleJa: '募集のお知らせ', bodyJa: `詳しくは[こちら](/opportunities/${id})をご覧ください。`, state: 'published', publishedAt: new Date() })
      .returning();
    const article = await client.get(`/news/${news!.id}`);
    const href = new RegExp(`href="(/opportunities/${id}\\?src=[^"]+)"`).exec(article.body)?.[1];
    expect(href).toBe(`/opportunities/${id}?src=post%3A${news!.id}`);
    const page = await client.get(href!.replace(/&amp;/g, '&'));
    const hidden = /<input type="hidden" name="src" value="([^"]+)"/.exec(page.body)?.[1];
    expect(hidden).toBe(`post:${news!.id}`);
    expect((await client.post(`/opportunities/${id}/apply`, { note: '', src: hidden! })).status).toBe(303);
    const [app] = await applicationsOf(user.id);
    expect(app!.source).toBe(`post:${news!.id}`);
  });

  it('keeps the source through the list into the return form, and drops anything that is not a source', async () => {
    const { user, client } = await alumnus();
    const src = 'post:11111111-2222-4333-8444-555555555555';
    const list = await client.get(`/opportunities?src=${encodeURIComponent(src)}`);
    expect(list.body).toContain(`/opportunities/return?src=${encodeURIComponent(src)}`);
    const form = await client.get(`/opportunities/return?src=${encodeURIComponent(src)}`);
    expect(form.body).toContain(`name="src" value="${src}"`);
    await client.post('/opportunities/return', { whatChanged: '転職しました', src });
    const { user: other, client: second } = await alumnus();
    await second.post('/opportunities/return', { whatChanged: '転職しました', src: 'javascript:alert(1)' });
    expect((await applicationsOf(user.id))[0]!.source).toBe(src);
    expect((await applicationsOf(other.id))[0]!.source).toBeNull();
  });
});
