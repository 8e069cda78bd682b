/**
 * News through HTTP: who reads what (every audience × every viewer, by list and by URL),
 * scheduling, language versions, hostile input, reactions, comments, reports, moderation,
 * blocks, covers, and the functions the home page and newsletters use.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestResponse, type TestUser, type PersonKind } from '../../../test/app.ts';
import { auditEvents, contentReports, memberBlocks, postComments, posts, segments } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import type { Actor } from '../../shared/http/context.ts';
import { toZonedInput } from './news.form.ts';
import { postsByIds, publishDuePosts, visiblePostsFor, listNews } from './news.service.ts';

const ja = messages('ja');
const N = ja.news;

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  operator = (await t.signedIn('operator')).client;
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

interface PostFields {
  titleJa?: string;
  bodyJa?: string;
  titleEn?: string;
  bodyEn?: string;
  category?: string;
  audience?: string;
  segmentId?: string;
  publishAt?: string;
  pinned?: string;
  commentsOpen?: string;
  intent?: string;
}

/** Writes a post through the editor as the operator; returns its id. */
async function writePost(fields: PostFields = {}): Promise<string> {
  const titleJa = fields.titleJa ?? (fields.titleEn ? '' : `お知らせ ${unique()}`);
  const form: Record<string, string> = { category: 'company', audience: 'everyone', commentsOpen: '1', intent: 'publish', bodyJa: titleJa ? '本文です。' : '', ...fields, titleJa };
  const res = await operator.post('/admin/news/new', form);
  expect(res.status, res.body.slice(0, 2000)).toBe(303);
  const title = form.titleJa || form.titleEn!;
  const [row] = await t.db
    .select({ id: posts.id })
    .from(posts)
    .where(form.titleJa ? eq(posts.titleJa, title) : eq(posts.titleEn, title));
  return row!.id;
}

async function titleOf(id: string): Promise<string> {
  const [row] = await t.db.select().from(posts).where(eq(posts.id, id));
  return row!.titleJa ?? row!.titleEn!;
}

async function member(role: 'alumnus' | 'employee', opts: { locale?: 'ja' | 'en'; isManager?: boolean } = {}): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser(role, { name: `会員 ${unique()}`, locale: opts.locale ?? null, isManager: opts.isManager ?? false });
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

async function postMultipart(client: Client, url: string, fields: Record<string, string | File>): Promise<TestResponse> {
  const body = new FormData();
  body.set('_csrf', await client.csrfToken());
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return client.request('POST', url, { headers: { origin: new URL(t.config.baseUrl).origin }, body });
}

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// ---------------------------------------------------------------- audiences

describe('who reads what: every audience × every viewer, by list and by URL', () => {
  type Viewer = 'anonymous' | PersonKind | 'segment member';
  const VIEWERS: Viewer[] = ['anonymous', 'alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member'];
  const AUDIENCES = ['everyone', 'alumni', 'employees', 'segment'] as const;
  const READS: Record<(typeof AUDIENCES)[number], Viewer[]> = {
    everyone: ['alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member'],
    alumni: ['alumnus', 'community_manager', 'operator', 'segment member'],
    employees: ['employee', 'manager', 'community_manager', 'operator'],
    // Editors read every post; a member reads a segment post only while in the segment.
    segment: ['community_manager', 'operator', 'segment member'],
  };
  const clients = new Map<Viewer, Client>();
  const ids = new Map<string, string>();

  beforeAll(async () => {
    // The segment: alumni who read in English (the default alumnus has no language set, i.e. Japanese).
    const [segment] = await t.db.insert(segments).values({ name: '英語のアルムナイ', filter: { roles: ['alumnus'], languages: ['en'] } }).returning();
    clients.set('anonymous', t.client());
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const) clients.set(kind, (await t.signedIn(kind)).client);
    clients.set('segment member', (await member('alumnus', { locale: 'en' })).client);
    for (const audience of AUDIENCES) {
      ids.set(audience, await writePost({ titleJa: `対象 ${audience} ${unique()}`, audience, ...(audience === 'segment' ? { segmentId: segment!.id } : {}) }));
    }
  });

  for (const viewer of VIEWERS) {
    it(`${viewer}`, async () => {
      const client = clients.get(viewer)!;
      const list = await client.get('/news');
      if (viewer === 'anonymous') {
        expect(list.status).toBe(303);
        expect(list.location).toBe('/auth/sign-in?next=%2Fnews');
      } else expect(list.status).toBe(200);
      for (const audience of AUDIENCES) {
        const id = ids.get(audience)!;
        const title = await titleOf(id);
        const page = await client.get(`/news/${id}`);
        const reads = READS[audience].includes(viewer);
        if (viewer === 'anonymous') {
          expect(page.status).toBe(303);
          continue;
        }
        expect(page.status, `${viewer} × ${audience}`).toBe(reads ? 200 : 404);
        expect(list.body.includes(title), `${viewer} × ${audience} in the list`).toBe(reads);
        // 404, not 403: the refusal says nothing of the post.
        if (!reads) expect(page.body).not.toContain(title);
      }
    });
  }

  it('a pending sign-up reads nothing', async () => {
    const pending = await t.newSession(await t.createUser('alumnus', { status: 'pending' }));
    expect((await pending.get('/news')).status).toBe(403);
    expect((await pending.get(`/news/${ids.get('everyone')}`)).status).toBe(403);
  });

  it('visiblePostsFor gives the home page exactly the readable posts, with titles and excerpts per language', async () => {
    const { user } = await t.signedIn('employee');
    const visible = await visiblePostsFor(t.db, actorOf(user), { limit: 100 });
    const seen = new Set(visible.map((p) => p.id));
    expect(seen.has(ids.get('everyone')!)).toBe(true);
    expect(seen.has(ids.get('employees')!)).toBe(true);
    expect(seen.has(ids.get('alumni')!)).toBe(false);
    expect(seen.has(ids.get('segment')!)).toBe(false);
    const one = visible.find((p) => p.id === ids.get('everyone'))!;
    expect(one).toMatchObject({ category: 'company', excerptJa: '本文です。', titleEn: null, excerptEn: null, url: `/news/${one.id}` });
    const later = await visiblePostsFor(t.db, actorOf(user), { limit: 100, since: new Date(Date.now() + 60_000) });
    expect(later).toEqual([]);
  });
});

// ---------------------------------------------------------------- scheduling

describe('scheduled publishing', () => {
  it('a scheduled post is invisible before its time (list and URL), visible after, without any job', async () => {
    const { user, client } = await member('alumnus');
    const inAnHour = new Date(Date.now() + 3600_000);
    const local = toZonedInput(inAnHour, 'Asia/Tokyo');
    const id = await writePost({ titleJa: `予約 ${unique()}`, publishAt: local });
    const [row] = await t.db.select().from(posts).where(eq(posts.id, id));
    expect(row!.state).toBe('scheduled');
    // Typed in Tokyo time, stored as the same instant (to the minute).
    expect(Math.abs(row!.publishAt!.getTime() - inAnHour.getTime())).toBeLessThan(60_000);
    const title = row!.titleJa!;

    expect((await client.get(`/news/${id}`)).status).toBe(404);
    expect((await client.get('/news')).body).not.toContain(title);
    const admin = await operator.get('/admin/news?state=scheduled');
    expect(admin.body).toContain(title);
    expect(admin.body).toContain(N.states.scheduled);

    // Readers are checked against the clock passed in: an hour later it is there.
    const later = await listNews(t.db, actorOf(user), { page: 1, now: new Date(Date.now() + 2 * 3600_000) });
    expect(later.rows.map((r) => r.id)).toContain(id);

    // Time passes (the publishing time is now in the past); no job has run.
    const past = new Date(Date.now() - 1000);
    await t.db.update(posts).set({ publishAt: past, publishedAt: past }).where(eq(posts.id, id));
    expect((await client.get(`/news/${id}`)).status).toBe(200);
    expect((await client.get('/news')).body).toContain(title);
    expect((await operator.get('/admin/news?state=published')).body).toContain(title);
    // The job then only makes the stored state agree.
    expect(await publishDuePosts(t.db)).toBeGreaterThanOrEqual(1);
    expect((await t.db.select().from(posts).where(eq(posts.id, id)))[0]!.state).toBe('published');
  });

  it('a draft and an archived post are never shown to readers', async () => {
    const { client } = await member('alumnus');
    const draft = await writePost({ titleJa: `下書き ${unique()}`, intent: 'draft' });
    expect((await client.get(`/news/${draft}`)).status).toBe(404);
    const live = await writePost();
    expect((await client.get(`/news/${live}`)).status).toBe(200);
    const archived = await operator.post(`/admin/news/${live}/archive`);
    expect(archived.status).toBe(303);
    expect((await client.get(`/news/${live}`)).status).toBe(404);
    const [event] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'news.post_archived'), eq(auditEvents.subjectId, live)));
    expect(event).toBeDefined();
  });

  it('pinned posts come first, then the newest', async () => {
    const { client } = await member('employee');
    const older = await writePost({ titleJa: `固定 ${unique()}`, pinned: '1' });
    const newer = await writePost({ titleJa: `新着 ${unique()}` });
    const body = (await client.get('/news')).body;
    expect(body.indexOf(await titleOf(older))).toBeLessThan(body.indexOf(await titleOf(newer)));
    const category = await writePost({ titleJa: `戦略 ${unique()}`, category: 'strategy' });
    const filtered = (await client.get('/news?category=strategy')).body;
    expect(filtered).toContain(await titleOf(category));
    expect(filtered).not.toContain(await titleOf(newer));
  });
});

// ---------------------------------------------------------------- languages

describe('language versions', () => {
  it('shows a bilingual post in the reader’s language, and a one-language post with its lang attribute', async () => {
    const both = await writePost({ titleJa: `両方 ${unique()}`, bodyJa: '日本語の本文', titleEn: `Both ${unique()}`, bodyEn: 'English body' });
    const jaOnly = await writePost({ titleJa: `日本語のみ ${unique()}`, bodyJa: '日本語だけ' });
    const jaReader = (await member('alumnus', { locale: 'ja' })).client;
    const enReader = (await member('alumnus', { locale: 'en' })).client;

    const inJa = await jaReader.get(`/news/${both}`);
    expect(inJa.body).toContain('日本語の本文');
    expect(inJa.body).not.toContain('English body');
    expect(inJa.body).toContain(`/news/${both}?lang=en`);

    const inEn = await enReader.get(`/news/${both}`);
    expect(inEn.body).toContain('<html lang="en"');
    expect(inEn.body).toContain('English body');
    expect(inEn.body).not.toContain('日本語の本文');

    const fallback = await enReader.get(`/news/${jaOnly}`);
    expect(fallback.body).toContain('<div class="news-body" lang="ja">');
    expect(fallback.body).toMatch(/<h1 id="title-[^"]+" lang="ja">/);
    expect(fallback.body).toContain(fmt(messages('en').news.onlyIn, { language: 'Japanese' }));

    // Switching the page language switches the version.
    const switched = await jaReader.get(`/news/${both}?lang=en`);
    expect(switched.body).toContain('English body');
  });
});

// ---------------------------------------------------------------- hostile input

describe('hostile input is inert', () => {
  it('script in titles, bodies and comments is shown as text, javascript: links are dropped', async () => {
    const id = await writePost({
      titleJa: `<script>alert("t")</script> ${unique()}`,
      bodyJa: '<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))\n\n<iframe src="https://evil.example"></iframe>',
    });
    const { client } = await member('alumnus');
    expect((await client.post(`/news/${id}/comments`, { body: '<script>alert(3)</script> **bold** [x](javascript:alert(4))' })).status).toBe(303);
    for (const page of [await client.get(`/news/${id}`), await client.get('/news'), await operator.get('/admin/news')]) {
      expect(page.body).not.toMatch(/<script>alert/);
      expect(page.body).not.toMatch(/<img src="?x/);
      expect(page.body).not.toContain('<iframe');
      expect(page.body).not.toMatch(/href="javascript:/i);
    }
    const page = (await client.get(`/news/${id}`)).body;
    expect(page).toContain('&lt;script&gt;alert(');
    expect(page).toContain('<strong>bold</strong>');
  });
});

// ---------------------------------------------------------------- reactions

describe('reactions', () => {
  it('toggle without JavaScript (POST → 303), one per kind per member', async () => {
    const id = await writePost();
    const a = await member('alumnus');
    const b = await member('employee');
    const react = (c: Client, reaction: string) => c.post(`/news/${id}/react`, { reaction });
    const res = await react(a.client, 'like');
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/news/${id}#reactions`);
    await react(b.client, 'like');
    await react(a.client, 'thanks');
    let page = (await a.client.get(`/news/${id}`)).body;
    expect(page).toMatch(/aria-pressed="true"[^>]*>[^]*?いいね <span class="reaction__count">2<\/span>/);
    expect(page).toMatch(/value="thanks"[^>]*aria-pressed="true"/);
    await react(a.client, 'like');
    page = (await a.client.get(`/news/${id}`)).body;
    expect(page).toMatch(/value="like"[^>]*aria-pressed="false"/);
    expect(page).toMatch(/いいね <span class="reaction__count">1<\/span>/);
    expect((await react(a.client, 'angry')).status).toBe(400);
  });
});

// ---------------------------------------------------------------- comments, reports, moderation, blocks

describe('comments, reports and moderation', () => {
  it('members comment, report; a moderator hides (kept in the table, audited) or dismisses', async () => {
    const id = await writePost();
    const writer = await member('alumnus');
    const reader = await member('alumnus');
    expect((await writer.client.post(`/news/${id}/comments`, { body: '不適切なコメント' })).status).toBe(303);
    expect((await writer.client.post(`/news/${id}/comments`, { body: '普通のコメント' })).status).toBe(303);
    const rows = await t.db.select().from(postComments).where(eq(postComments.postId, id));
    const bad = rows.find((r) => r.body === '不適切なコメント')!;
    const fine = rows.find((r) => r.body === '普通のコメント')!;

    // The list counts them (the count once compared a comment with itself and was always 0).
    expect((await reader.client.get('/news')).body).toContain(fmt(N.commentCount, { count: 2 }));

    const page = (await reader.client.get(`/news/${id}`)).body;
    expect(page).toContain('不適切なコメント');
    expect(page).toContain(`/news/${id}/comments/${bad.id}/report`);
    // No report link on one's own comment, and reporting it is not possible.
    expect((await writer.client.get(`/news/${id}`)).body).not.toContain(`/comments/${bad.id}/report`);
    expect((await writer.client.get(`/news/${id}/comments/${bad.id}/report`)).status).toBe(404);

    expect((await reader.client.get(`/news/${id}/comments/${bad.id}/report`)).status).toBe(200);
    const empty = await reader.client.post(`/news/${id}/comments/${bad.id}/report`, { reason: ' ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(N.errors.reasonRequired);
    expect((await reader.client.post(`/news/${id}/comments/${bad.id}/report`, { reason: '誹謗中傷です' })).status).toBe(303);
    expect((await reader.client.post(`/news/${id}/comments/${fine.id}/report`, { reason: '念のため' })).status).toBe(303);

    // The editors' list shows the post's open reports.
    const adminList = (await operator.get('/admin/news?state=published')).body;
    expect([ja, messages('en')].some((m) => adminList.includes(fmt(m.news.admin.openReports, { count: 2 }))), 'open reports counted').toBe(true);

    const queue = await operator.get('/admin/news/reports');
    expect(queue.status).toBe(200);
    expect(queue.body).toContain('誹謗中傷です');
    const [badReport] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, bad.id));
    const [fineReport] = await t.db.select().from(contentReports).where(eq(contentReports.targetId, fine.id));
    // Members cannot reach the queue.
    expect((await reader.client.get('/admin/news/reports')).status).toBe(403);

    expect((await operator.post(`/admin/news/reports/${badReport!.id}/hide`)).status).toBe(303);
    expect((await operator.post(`/admin/news/reports/${fineReport!.id}/dismiss`)).status).toBe(303);
    for (const c of [writer.client, reader.client, operator]) {
      const body = (await c.get(`/news/${id}`)).body;
      expect(body).not.toContain('不適切なコメント');
      expect(body).toContain('普通のコメント');
    }
    const [kept] = await t.db.select().from(postComments).where(eq(postComments.id, bad.id));
    expect(kept!.hiddenAt).not.toBeNull();
    const resolved = await t.db.select().from(contentReports).where(eq(contentReports.targetId, bad.id));
    expect(resolved.every((r) => r.resolution === 'hidden')).toBe(true);
    const actions = (await t.db.select().from(auditEvents)).map((e) => `${e.action}:${e.subjectId}`);
    expect(actions).toContain(`news.comment_hidden:${bad.id}`);
    expect(actions).toContain(`news.report_dismissed:${fineReport!.id}`);
    // Resolved reports are gone from the queue; acting twice is a 404.
    expect((await operator.get('/admin/news/reports')).body).not.toContain('誹謗中傷です');
    expect((await operator.post(`/admin/news/reports/${badReport!.id}/hide`)).status).toBe(404);
    // A hidden comment cannot be reported.
    expect((await reader.client.get(`/news/${id}/comments/${bad.id}/report`)).status).toBe(404);
  });

  it('a moderator hides from the post; a member deletes their own comment; members cannot hide others’', async () => {
    const id = await writePost();
    const a = await member('alumnus');
    const b = await member('alumnus');
    await a.client.post(`/news/${id}/comments`, { body: 'Aのコメント' });
    await b.client.post(`/news/${id}/comments`, { body: 'Bのコメント' });
    const rows = await t.db.select().from(postComments).where(eq(postComments.postId, id));
    const ofA = rows.find((r) => r.body === 'Aのコメント')!;
    const ofB = rows.find((r) => r.body === 'Bのコメント')!;
    expect((await b.client.post(`/news/${id}/comments/${ofA.id}/delete`)).status).toBe(404);
    expect((await b.client.post(`/news/${id}/comments/${ofA.id}/hide`)).status).toBe(403);
    expect((await a.client.post(`/news/${id}/comments/${ofA.id}/delete`)).status).toBe(303);
    expect((await operator.post(`/news/${id}/comments/${ofB.id}/hide`)).status).toBe(303);
    const body = (await a.client.get(`/news/${id}`)).body;
    expect(body).not.toContain('Aのコメント');
    expect(body).not.toContain('Bのコメント');
  });

  it('members who blocked each other never see each other’s comments', async () => {
    const id = await writePost();
    const a = await member('alumnus');
    const b = await member('alumnus');
    const c = await member('alumnus');
    await a.client.post(`/news/${id}/comments`, { body: 'Aの発言' });
    await b.client.post(`/news/${id}/comments`, { body: 'Bの発言' });
    await t.db.insert(memberBlocks).values({ blockerId: a.user.id, blockedId: b.user.id });
    const forA = (await a.client.get(`/news/${id}`)).body;
    const forB = (await b.client.get(`/news/${id}`)).body;
    expect(forA).not.toContain('Bの発言');
    expect(forB).not.toContain('Aの発言');
    const forC = (await c.client.get(`/news/${id}`)).body;
    expect(forC).toContain('Aの発言');
    expect(forC).toContain('Bの発言');
    const [ofB] = await t.db.select().from(postComments).where(eq(postComments.body, 'Bの発言'));
    expect((await a.client.get(`/news/${id}/comments/${ofB!.id}/report`)).status).toBe(404);
  });

  it('bad comments get 422 in Japanese; closed comments are refused; comments are rate-limited', async () => {
    const id = await writePost();
    const { client } = await member('alumnus');
    const empty = await client.post(`/news/${id}/comments`, { body: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain(N.errors.commentRequired);
    const long = await client.post(`/news/${id}/comments`, { body: 'あ'.repeat(2001) });
    expect(long.status).toBe(422);
    expect(long.body).toContain(fmt(N.errors.commentTooLong, { max: 2000 }));

    const closed = await writePost({ commentsOpen: '' });
    expect((await client.get(`/news/${closed}`)).body).toContain(N.comments.closed);
    expect((await client.post(`/news/${closed}/comments`, { body: 'こんにちは' })).status).toBe(403);

    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await client.post(`/news/${id}/comments`, { body: `コメント ${i}` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

// ---------------------------------------------------------------- the editor

describe('the editor', () => {
  it('refuses bad input with 422 and Japanese messages, keeping what was typed', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ category: 'company', audience: 'everyone' }, N.errors.noLanguage],
      [{ titleJa: '題だけ', category: 'company', audience: 'everyone' }, fmt(N.errors.bodyMissing, { language: '日本語' })],
      [{ titleJa: '題', bodyJa: '本文', category: 'nope', audience: 'everyone' }, N.errors.category],
      [{ titleJa: '題', bodyJa: '本文', category: 'company', audience: 'segment' }, N.errors.segment],
      [{ titleJa: '題', bodyJa: '本文', category: 'company', audience: 'segment', segmentId: randomUUID() }, N.errors.segment],
      [{ titleJa: '題', bodyJa: '本文', category: 'company', audience: 'everyone', publishAt: 'あした' }, N.errors.publishAt],
      [{ titleJa: '題', bodyJa: '本文', category: 'company', audience: 'everyone', publishAt: '2020-01-01T09:00', intent: 'publish' }, N.errors.publishAtPast],
    ];
    for (const [form, message] of cases) {
      const res = await operator.post('/admin/news/new', { intent: 'publish', ...form });
      expect(res.status, message).toBe(422);
      expect(unescapeHtml(res.body), message).toContain(message);
      if (form.titleJa) expect(res.body).toContain(`value="${form.titleJa}"`);
    }
  });

  it('previews without saving, saves drafts, edits and keeps a live post live', async () => {
    const title = `プレビュー ${unique()}`;
    const preview = await operator.post('/admin/news/new', { titleJa: title, bodyJa: '# 見出し\n\n本文', titleEn: 'Preview EN', bodyEn: 'English', category: 'company', audience: 'everyone', intent: 'preview' });
    expect(preview.status).toBe(200);
    expect(preview.body).toContain(N.editor.previewNote);
    expect(preview.body).toContain('<h3>見出し</h3>');
    expect(preview.body).toContain('English');
    expect(await t.db.select().from(posts).where(eq(posts.titleJa, title))).toEqual([]);

    const draft = await operator.post('/admin/news/new', { titleJa: title, bodyJa: '本文', category: 'company', audience: 'everyone', intent: 'draft' });
    expect(draft.status).toBe(303);
    const id = /\/admin\/news\/([0-9a-f-]{36})\/edit/.exec(draft.location ?? '')![1]!;
    const edit = await operator.get(`/admin/news/${id}/edit`);
    expect(edit.body).toContain(`value="${title}"`);
    expect((await operator.get('/admin/news?state=draft')).body).toContain(title);

    expect((await operator.post(`/admin/news/${id}/edit`, { titleJa: title, bodyJa: '公開本文', category: 'company', audience: 'alumni', intent: 'publish' })).status).toBe(303);
    const [live] = await t.db.select().from(posts).where(eq(posts.id, id));
    expect(live).toMatchObject({ state: 'published', audience: 'alumni' });
    // Editing a live post keeps its publishing time.
    expect((await operator.post(`/admin/news/${id}/edit`, { titleJa: title, bodyJa: '直した本文', category: 'company', audience: 'alumni', intent: 'publish' })).status).toBe(303);
    const [edited] = await t.db.select().from(posts).where(eq(posts.id, id));
    expect(edited!.publishedAt!.getTime()).toBe(live!.publishedAt!.getTime());
    expect(edited!.bodyJa).toBe('直した本文');
    const published = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'news.post_published'), eq(auditEvents.subjectId, id)));
    expect(published).toHaveLength(1);

    const admin = await operator.get('/admin/news');
    expect(admin.body).toContain(N.audiences.alumni);
  });

  it('records the interests a post serves (several checkboxes), for the personalised home', async () => {
    const title = `関心 ${unique()}`;
    const body = new URLSearchParams({ _csrf: await operator.csrfToken(), titleJa: title, bodyJa: '協業の募集です。', category: 'opportunities', audience: 'everyone', intent: 'publish' });
    body.append('wants', 'business');
    body.append('wants', 'sideWork');
    body.append('wants', 'not-a-want');
    const res = await operator.request('POST', '/admin/news/new', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.config.baseUrl).origin },
      body: body.toString(),
    });
    expect(res.status).toBe(303);
    const [row] = await t.db.select().from(posts).where(eq(posts.titleJa, title));
    expect(row!.wants).toEqual(['business', 'sideWork']);
    const edit = await operator.get(`/admin/news/${row!.id}/edit`);
    expect(edit.body).toMatch(/value="business" checked/);
    const { user } = await t.signedIn('alumnus');
    const home = await visiblePostsFor(t.db, actorOf(user), { limit: 200 });
    expect(home.find((p) => p.id === row!.id)?.wants).toEqual(['business', 'sideWork']);
  });

  it('members and employees cannot reach the editor; community managers can', async () => {
    expect((await (await member('alumnus')).client.get('/admin/news')).status).toBe(403);
    expect((await (await member('employee', { isManager: true })).client.post('/admin/news/new', { titleJa: 'x', bodyJa: 'y', category: 'company', audience: 'everyone' })).status).toBe(403);
    const cm = (await t.signedIn('community_manager')).client;
    expect((await cm.get('/admin/news/new')).status).toBe(200);
  });
});

// ---------------------------------------------------------------- covers

describe('cover images', () => {
  async function pngWithMetadata(): Promise<Buffer> {
    return sharp({ create: { width: 1200, height: 600, channels: 3, background: '#0b5cad' } })
      .png()
      .withMetadata({ exif: { IFD0: { Copyright: 'secret-camera-owner' } } })
      .toBuffer();
  }

  it('are re-encoded (no metadata) and served with nosniff only to readers who may read the post', async () => {
    const title = `カバー ${unique()}`;
    const res = await postMultipart(operator, '/admin/news/new', {
      titleJa: title,
      bodyJa: '本文',
      category: 'company',
      audience: 'alumni',
      commentsOpen: '1',
      intent: 'publish',
      cover: new File([new Uint8Array(await pngWithMetadata())], 'cover.png', { type: 'image/png' }),
    });
    expect(res.status, res.body.slice(0, 1500)).toBe(303);
    const [row] = await t.db.select().from(posts).where(eq(posts.titleJa, title));
    expect(row!.coverKey).toMatch(/-1200x600\.webp$/);
    const alumnus = (await member('alumnus')).client;
    const page = await alumnus.get(`/news/${row!.id}`);
    const src = /src="(\/news\/[^"]+\/cover\/[^"]+)"/.exec(page.body)?.[1];
    expect(src).toBe(`/news/${row!.id}/cover/${row!.coverKey}`);
    expect(page.body).toContain('width="1200" height="600"');
    const image = await alumnus.get(src!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.headers.get('cache-control')).toContain('private');
    expect(image.body).not.toContain('secret-camera-owner');
    // An employee may not read an alumni post, so not its cover either.
    expect((await (await member('employee')).client.get(src!)).status).toBe(404);
    expect((await alumnus.get(`/news/${row!.id}/cover/${'A'.repeat(22)}-1x1.webp`)).status).toBe(404);
    expect((await alumnus.get(`/news/${row!.id}/cover/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('refuse SVG and non-images with 422', async () => {
    const res = await postMultipart(operator, '/admin/news/new', {
      titleJa: `SVG ${unique()}`,
      bodyJa: '本文',
      category: 'company',
      audience: 'everyone',
      intent: 'publish',
      cover: new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], 'x.svg', { type: 'image/svg+xml' }),
    });
    expect(res.status).toBe(422);
    expect(res.body).toContain(N.errors.cover.notImage);
  });
});

// ---------------------------------------------------------------- unknown ids

describe('unknown and malformed ids', () => {
  it('are 404, never 500', async () => {
    const { client } = await member('alumnus');
    const id = randomUUID();
    for (const url of [`/news/${id}`, '/news/not-a-uuid', `/news/${id}/comments/${id}/report`, `/news/${id}/cover/x.webp`]) {
      expect((await client.get(url)).status, url).toBe(404);
    }
    for (const url of [`/news/${id}/react`, `/news/${id}/comments`, `/news/${id}/comments/${id}/report`, `/news/${id}/comments/${id}/delete`]) {
      expect((await client.post(url, { reaction: 'like', body: 'x', reason: 'x' })).status, url).toBe(404);
    }
    for (const url of [`/admin/news/${id}/edit`, '/admin/news/1/edit']) expect((await operator.get(url)).status, url).toBe(404);
    for (const url of [`/admin/news/${id}/edit`, `/admin/news/${id}/archive`, `/admin/news/reports/${id}/hide`, `/admin/news/reports/${id}/dismiss`, `/news/${id}/comments/${id}/hide`]) {
      expect((await operator.post(url, { titleJa: 'x', bodyJa: 'y', category: 'company', audience: 'everyone' })).status, url).toBe(404);
    }
  });
});

describe('postsByIds (newsletters)', () => {
  it('returns posts in the order asked, skipping unknown ids', async () => {
    const a = await writePost();
    const b = await writePost();
    const rows = await postsByIds(t.db, [b, randomUUID(), a]);
    expect(rows.map((r) => r.id)).toEqual([b, a]);
  });
});
