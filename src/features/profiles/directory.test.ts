/**
 * The directory (/members): Japanese-aware search, sorts and keyset pages, blocks, hiding,
 * former colleagues, and who is listed at all (rehired, access revoked, maintenance).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type PersonKind, type TestApp, type TestResponse, type TestUser } from '../../../test/app.ts';
import { departments, memberBlocks, memberProfiles, rosterDepartments, rosterEntries, users, type Visibility } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import { markLeftAgain, markRehired, setAccess } from '../roster/lifecycle.service.ts';
import { directoryMaintenance, refreshDirectory } from './profiles.service.ts';

const ja = messages('ja');
const KINDS: readonly PersonKind[] = ['alumnus', 'employee', 'manager', 'community_manager', 'operator'];

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------- helpers

let seq = 0;
const unique = () => `${++seq}${Date.now().toString(36)}`;

interface MemberOptions {
  name: string;
  nameKana?: string;
  title?: string;
  employer?: string;
  createdAt?: Date;
  updatedAt?: Date;
  visibility?: Partial<Record<string, Visibility>>;
  role?: 'alumnus' | 'employee';
  status?: 'active' | 'pending' | 'suspended';
  hidden?: boolean;
}

/** A member inserted directly (no password: only looked at, never signed in), with directory rows. */
async function member(o: MemberOptions): Promise<string> {
  const id = randomUUID();
  const createdAt = o.createdAt ?? new Date();
  await t.db.insert(users).values({
    id,
    name: o.name,
    nameKana: o.nameKana ?? null,
    email: `m-${unique()}@example.com`,
    emailVerified: true,
    role: o.role ?? 'alumnus',
    status: o.status ?? 'active',
    createdAt,
  });
  await t.db.insert(memberProfiles).values({
    userId: id,
    currentTitle: o.title ?? null,
    currentEmployer: o.employer ?? null,
    visibility: (o.visibility ?? {}) as Record<string, string>,
    hidden: o.hidden ?? false,
    updatedAt: o.updatedAt ?? createdAt,
    reviewedAt: o.updatedAt ?? createdAt,
  });
  await refreshDirectory(t.db, id);
  return id;
}

/** A member who can sign in, with a profile saved through the editor. */
async function signedInMember(name: string, fields: Record<string, string> = {}): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser('alumnus', { name });
  const client = await t.newSession(user);
  const res = await client.post('/profile/edit', { name, contact: 'no', ...fields });
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  return { user, client };
}

async function department(nameJa: string): Promise<string> {
  const [row] = await t.db.insert(departments).values({ code: `D-${unique()}`, nameJa, nameEn: `${nameJa} (en)` }).returning();
  return row!.id;
}

async function rosterEntry(v: { userId: string; departmentId?: string; joinedOn?: string; leftOn?: string | null; periods?: { departmentId: string; from: string; to: string | null }[] }) {
  const [entry] = await t.db
    .insert(rosterEntries)
    .values({ employeeNumber: `E-${unique()}`, name: 'roster', departmentId: v.departmentId ?? null, joinedOn: v.joinedOn ?? null, leftOn: v.leftOn ?? null, userId: v.userId })
    .returning();
  for (const p of v.periods ?? []) await t.db.insert(rosterDepartments).values({ rosterEntryId: entry!.id, departmentId: p.departmentId, fromOn: p.from, toOn: p.to });
  await refreshDirectory(t.db, v.userId);
  return entry!;
}

function section(html: string, labelledBy: 'results-h' | 'colleagues-h'): string | null {
  const start = html.indexOf(`<section aria-labelledby="${labelledBy}"`);
  if (start < 0) return null;
  return html.slice(start, html.indexOf('</section>', start));
}

/** The member ids in the results list, in order. */
function hits(res: TestResponse): string[] {
  expect(res.status, res.body.slice(0, 1500)).toBe(200);
  const results = section(res.body, 'results-h');
  if (results === null) throw new Error('no results section');
  return [...results.matchAll(/<p class="member-card__name"><a href="\/members\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
}

/** The "next page" link's path, HTML entities undone. */
function nextLink(res: TestResponse): string | null {
  const href = /<a href="([^"]+)" rel="next">/.exec(res.body)?.[1];
  return href ? href.replace(/&amp;/g, '&') : null;
}

/** Former colleagues shown: member id → reason line. */
function colleagues(res: TestResponse): Map<string, string> {
  expect(res.status).toBe(200);
  const html = section(res.body, 'colleagues-h');
  const out = new Map<string, string>();
  if (html === null) throw new Error('no colleagues section');
  for (const card of html.split('<li class="member-card">').slice(1)) {
    const id = /href="\/members\/([^"]+)"/.exec(card)?.[1];
    const reason = /<p class="member-card__reason">([^<]*)<\/p>/.exec(card)?.[1];
    if (id) out.set(id, reason ?? '');
  }
  return out;
}

const search = (client: Client, q: string, extra = '') => client.get(`/members?q=${encodeURIComponent(q)}${extra}`);

async function tinyPng(r: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g: 80, b: 80 } } }).png().toBuffer());
}

async function uploadPhoto(client: Client, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const body = new FormData();
  body.set('_csrf', await client.csrfToken());
  body.set('photo', new File([bytes], 'me.png', { type: 'image/png' }));
  const res = await client.request('POST', '/profile/photo', { headers: { origin: new URL(t.config.baseUrl).origin }, body });
  expect(res.status).toBe(303);
  const own = await client.get('/profile');
  const url = /\/members\/[^/"]+\/photo\/[A-Za-z0-9_-]{22}\.webp/.exec(own.body)?.[0];
  if (!url) throw new Error('no photo on /profile');
  return url;
}

async function operatorActor(): Promise<Actor> {
  const { user } = await t.signedIn('operator');
  return { id: user.id, name: user.name, email: user.email, role: 'operator', isManager: false, status: 'active', twoFactorEnabled: true, locale: null, sessionId: 'test' };
}

// ---------------------------------------------------------------- search

describe('search: Japanese folding, short words, several words, wildcards', () => {
  let hanako: string;
  beforeAll(async () => {
    hanako = await member({ name: '山田 花子', nameKana: 'やまだ はなこ', title: '営業部長' });
  });

  it.each(['山田', 'やまだ', 'ヤマダ', 'ﾔﾏﾀﾞ', 'yamada', 'YAMADA', 'Ｙａｍａｄａ', 'hanako', 'HANAKO', 'はなこ', 'ハナコ', 'ﾊﾅｺ', '花子', 'yamada hanako', '山田 花子'])(
    'finds 山田 花子 (やまだ はなこ) by "%s"',
    async (q) => {
      const { client } = await t.signedIn('alumnus');
      expect(hits(await search(client, q))).toContain(hanako);
    },
  );

  it('a 2-character Japanese word finds a longer value (営業 → 営業部長), as does a single character', async () => {
    const { client } = await t.signedIn('alumnus');
    expect(hits(await search(client, '営業'))).toContain(hanako);
    expect(hits(await search(client, '部長'))).toContain(hanako);
    expect(hits(await search(client, '営'))).toContain(hanako);
    expect(hits(await search(client, 'やま'))).toContain(hanako);
    expect(hits(await search(client, 'ヤマ'))).toContain(hanako);
  });

  it('several words must all match, in any field', async () => {
    const { client } = await t.signedIn('alumnus');
    expect(hits(await search(client, '山田 営業'))).toContain(hanako);
    expect(hits(await search(client, 'ヤマダ\u3000部長'))).toContain(hanako);
    expect(hits(await search(client, '山田 経理'))).not.toContain(hanako);
    expect(hits(await search(client, 'やまだ たろう'))).not.toContain(hanako);
  });

  it('the title is for alumni by default: staff do not find her by it, but by her name', async () => {
    const { client } = await t.signedIn('employee');
    expect(hits(await search(client, '山田'))).toContain(hanako);
    expect(hits(await search(client, '営業'))).not.toContain(hanako);
    expect(hits(await search(client, '営業部長'))).not.toContain(hanako);
  });

  it('LIKE wildcards in a query are literal characters', async () => {
    const { client } = await t.signedIn('alumnus');
    const percent = await member({ name: `割引 ${unique()}`, title: 'wqz50%offer' });
    const xx = await member({ name: `割増 ${unique()}`, title: 'wqz50xxoffer' });
    const underscore = await member({ name: `下線 ${unique()}`, title: 'wqzcard_x9' });
    const y = await member({ name: `下線なし ${unique()}`, title: 'wqzcardyx9' });

    const r1 = hits(await search(client, 'wqz50%of'));
    expect(r1).toContain(percent);
    expect(r1).not.toContain(xx);
    // Latin terms match from the start of a word (or of a Latin run inside one).
    const r2 = hits(await search(client, 'wqzcard_x'));
    expect(r2).toContain(underscore);
    expect(r2).not.toContain(y);
    const r3 = hits(await search(client, '%'));
    expect(r3).toContain(percent);
    expect(r3).not.toContain(xx);
    const r4 = hits(await search(client, '_'));
    expect(r4).toContain(underscore);
    expect(r4).not.toContain(y);
    for (const q of ['%%', '%%%', '___', '\\', '\\%', "'", '"; drop table users; --']) {
      const found = hits(await search(client, q));
      for (const id of [percent, xx, underscore, y, hanako]) expect(found, q).not.toContain(id);
    }
  });
});

// ---------------------------------------------------------------- sorts and pages

describe('sorts and keyset pages', () => {
  it('sorts by kana (五十音順, katakana folded), by joining and by last update', async () => {
    const { client } = await t.signedIn('alumnus');
    const tag = `sortqz${unique()}`;
    const a = await member({ name: '青井', nameKana: 'あおい', title: tag, createdAt: new Date('2020-01-01T00:00:00Z'), updatedAt: new Date('2024-03-01T00:00:00Z') });
    const k = await member({ name: '柿野', nameKana: 'カキノ', title: tag, createdAt: new Date('2022-01-01T00:00:00Z'), updatedAt: new Date('2024-01-01T00:00:00Z') });
    const s = await member({ name: '佐倉', nameKana: 'さくら', title: tag, createdAt: new Date('2021-01-01T00:00:00Z'), updatedAt: new Date('2024-02-01T00:00:00Z') });
    expect(hits(await search(client, tag))).toEqual([a, k, s]);
    expect(hits(await search(client, tag, '&sort=kana'))).toEqual([a, k, s]);
    expect(hits(await search(client, tag, '&sort=joined'))).toEqual([k, s, a]);
    expect(hits(await search(client, tag, '&sort=updated'))).toEqual([a, s, k]);
    // An unknown sort is the default one.
    expect(hits(await search(client, tag, '&sort=evil'))).toEqual([a, k, s]);
  });

  describe('more than one page (ties in every sort key)', () => {
    const tag = `pageqz${Date.now().toString(36)}`;
    const ids: string[] = [];
    beforeAll(async () => {
      const at = new Date('2023-06-01T12:34:56.789Z');
      for (let i = 0; i < 23; i++) ids.push(await member({ name: `頁 ${i}`, nameKana: 'おなじ', title: tag, createdAt: at, updatedAt: at }));
    });

    it.each(['kana', 'joined', 'updated'])('sort=%s: page 2 through the "next" link has the rest, no overlap', async (sort) => {
      const { client } = await t.signedIn('alumnus');
      const first = await search(client, tag, `&sort=${sort}`);
      const page1 = hits(first);
      expect(page1).toHaveLength(20);
      const next = nextLink(first);
      expect(next).not.toBeNull();
      expect(next).toContain('after=');
      const second = await client.get(next!);
      const page2 = hits(second);
      expect(page2).toHaveLength(3);
      expect(page2.filter((id) => page1.includes(id))).toEqual([]);
      expect([...page1, ...page2].sort()).toEqual([...ids].sort());
      expect(nextLink(second)).toBeNull();
      // Page 2 offers the way back to the first page.
      expect(second.body).toContain(ja.profiles.directory.first);
    });

    it('a tampered "after" gives the first page, not an error', async () => {
      const { client } = await t.signedIn('alumnus');
      const page1 = hits(await search(client, tag));
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      for (const after of ['garbage!!', 'AAAA', b64(['only one']), b64({ key: 'x', id: 'y' }), b64([1, 2]), b64(null), '%ZZ', 'x'.repeat(2000)]) {
        const res = await search(client, tag, `&after=${encodeURIComponent(after)}`);
        expect(res.status, after).toBe(200);
        expect(hits(res), after).toEqual(page1);
      }
    });

    it('a cursor of one sort used with a time sort, or with a key PostgreSQL cannot read, is not a 500', async () => {
      const { client } = await t.signedIn('alumnus');
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      // "1" and "March 7" are dates to JavaScript (Date.parse) but not to PostgreSQL.
      const failures: string[] = [];
      for (const key of ['おなじ', '1', 'March 7', '2023-06-01T12:34:56.789Z', 'nul\u0000key']) {
        for (const sort of ['kana', 'joined', 'updated']) {
          const res = await search(client, tag, `&sort=${sort}&after=${b64([key, ids[0]])}`);
          if (res.status !== 200) failures.push(`sort=${sort} key=${JSON.stringify(key)} → ${res.status}`);
        }
      }
      expect(failures).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------- blocks

describe('blocks', () => {
  it('Bob blocks Alice: neither finds or opens the other (photos included) until he unblocks her', async () => {
    const aTag = `blkalice${unique()}`;
    const bTag = `blkbob${unique()}`;
    const alice = await signedInMember(`ブロック 有子 ${unique()}`, { currentTitle: aTag, vis_photo: 'network' });
    const bob = await signedInMember(`ブロック 文男 ${unique()}`, { currentTitle: bTag, vis_photo: 'network' });
    const alicePhoto = await uploadPhoto(alice.client, await tinyPng(10));
    const bobPhoto = await uploadPhoto(bob.client, await tinyPng(200));
    const { client: other } = await t.signedIn('alumnus');

    const visibleBothWays = async (expected: boolean) => {
      expect(hits(await search(bob.client, aTag)).includes(alice.user.id)).toBe(expected);
      expect(hits(await search(alice.client, bTag)).includes(bob.user.id)).toBe(expected);
      expect((await bob.client.get(`/members/${alice.user.id}`)).status).toBe(expected ? 200 : 404);
      expect((await alice.client.get(`/members/${bob.user.id}`)).status).toBe(expected ? 200 : 404);
      expect((await bob.client.get(alicePhoto)).status).toBe(expected ? 200 : 404);
      expect((await alice.client.get(bobPhoto)).status).toBe(expected ? 200 : 404);
      // Nobody else is affected.
      expect(hits(await search(other, aTag))).toContain(alice.user.id);
      expect(hits(await search(other, bTag))).toContain(bob.user.id);
      expect((await other.get(alicePhoto)).status).toBe(200);
    };

    await visibleBothWays(true);
    const blocked = await bob.client.post(`/members/${alice.user.id}/block`);
    expect(blocked.status).toBe(303);
    expect(blocked.location).toBe('/members');
    await visibleBothWays(false);

    const list = await bob.client.get('/profile/blocked');
    expect(list.status).toBe(200);
    expect(list.body).toContain(alice.user.name);
    expect(list.body).toContain(`/members/${alice.user.id}/unblock`);
    const hers = await alice.client.get('/profile/blocked');
    expect(hers.body).not.toContain(bob.user.name);
    expect(hers.body).toContain(ja.profiles.blocks.none);

    // Alice cannot open Bob's page to block him back (he does not exist for her), and it is no error.
    expect((await alice.client.post(`/members/${bob.user.id}/block`)).status).toBe(404);

    const unblocked = await bob.client.post(`/members/${alice.user.id}/unblock`);
    expect(unblocked.status).toBe(303);
    expect(unblocked.location).toBe('/profile/blocked');
    expect((await bob.client.get('/profile/blocked')).body).not.toContain(alice.user.name);
    await visibleBothWays(true);
  });

  it('blocking oneself, an unknown member or a non-id is refused without an error page', async () => {
    const { client, user } = await t.signedIn('alumnus');
    for (const id of [user.id, randomUUID(), 'not-an-id', '%E2%80%AE']) {
      const res = await client.post(`/members/${id}/block`);
      expect(res.status, id).toBeLessThan(500);
      expect(res.status, id).not.toBe(200);
    }
    expect((await client.post(`/members/${randomUUID()}/unblock`)).status).toBe(303);
  });
});

// ---------------------------------------------------------------- hiding

describe('hiding from the directory', () => {
  it('a hidden member is found and opened by nobody (operators included); her own profile still works; showing restores', async () => {
    const tag = `hideqz${unique()}`;
    const carol = await signedInMember(`隠 可奈 ${unique()}`, { currentTitle: tag, vis_currentTitle: 'network', vis_photo: 'network' });
    const photo = await uploadPhoto(carol.client, await tinyPng(120));
    const clients: { kind: PersonKind; client: Client }[] = [];
    for (const kind of KINDS) clients.push({ kind, client: (await t.signedIn(kind)).client });

    for (const { kind, client } of clients) {
      expect(hits(await search(client, tag)), kind).toContain(carol.user.id);
      expect((await client.get(`/members/${carol.user.id}`)).status, kind).toBe(200);
      expect((await client.get(photo)).status, kind).toBe(200);
    }

    const hide = await carol.client.post('/profile/hidden', { hidden: '1' });
    expect(hide.status).toBe(303);
    for (const { kind, client } of clients) {
      expect(hits(await search(client, tag)), kind).not.toContain(carol.user.id);
      expect(hits(await client.get('/members')), kind).not.toContain(carol.user.id);
      expect((await client.get(`/members/${carol.user.id}`)).status, kind).toBe(404);
      expect((await client.get(photo)).status, kind).toBe(404);
    }
    const own = await carol.client.get('/profile');
    expect(own.status).toBe(200);
    expect(own.body).toContain(tag);
    expect(own.body).toContain(ja.profiles.hide.hidden);
    expect((await carol.client.get(photo)).status).toBe(200);
    // Maintenance does not list her again, nor does saving her profile.
    await directoryMaintenance({ db: t.db, config: t.config });
    expect((await carol.client.post('/profile/edit', { name: carol.user.name, currentTitle: tag, vis_currentTitle: 'network' })).status).toBe(303);
    expect(hits(await search(clients[0]!.client, tag))).not.toContain(carol.user.id);

    const show = await carol.client.post('/profile/hidden', { hidden: '0' });
    expect(show.status).toBe(303);
    for (const { kind, client } of clients) {
      expect(hits(await search(client, tag)), kind).toContain(carol.user.id);
      expect((await client.get(`/members/${carol.user.id}`)).status, kind).toBe(200);
    }
    expect((await carol.client.get('/profile')).body).toContain(ja.profiles.hide.listed);
  });
});

// ---------------------------------------------------------------- former colleagues

describe('former colleagues', () => {
  const reason = (from: number, to: number, department: string) => fmt(ja.profiles.directory.colleagueReason, { from: String(from), to: String(to), department });

  it('suggests members of the same department at the same time whose tenure the viewer may see, not blocked ones', async () => {
    const d1Name = `同期部${unique()}`;
    const d1 = await department(d1Name);
    const d2 = await department(`別部${unique()}`);
    const d3 = await department(`第三部${unique()}`);
    const network = { tenure: 'network' as const };

    const viewer = await signedInMember(`同僚 見る ${unique()}`);
    await rosterEntry({ userId: viewer.user.id, departmentId: d1, joinedOn: '2015-04-01', leftOn: '2018-03-31' });

    const overlapping = await member({ name: `重なり ${unique()}`, visibility: network });
    await rosterEntry({ userId: overlapping, departmentId: d1, joinedOn: '2012-04-01', leftOn: '2016-09-30' });
    const later = await member({ name: `後任 ${unique()}`, visibility: network });
    await rosterEntry({ userId: later, departmentId: d1, joinedOn: '2019-04-01', leftOn: '2021-03-31' });
    const privateTenure = await member({ name: `非公開 ${unique()}` }); // tenure is private by default
    await rosterEntry({ userId: privateTenure, departmentId: d1, joinedOn: '2014-04-01', leftOn: '2017-03-31' });
    const staffOnly = await member({ name: `社員向け ${unique()}`, visibility: { tenure: 'staff' } });
    await rosterEntry({ userId: staffOnly, departmentId: d1, joinedOn: '2014-04-01', leftOn: '2017-03-31' });
    const blocker = await member({ name: `遮断 ${unique()}`, visibility: network });
    await rosterEntry({ userId: blocker, departmentId: d1, joinedOn: '2014-04-01', leftOn: '2017-03-31' });
    await t.db.insert(memberBlocks).values({ blockerId: blocker, blockedId: viewer.user.id });
    // Several departments: the explicit periods count, not the entry's department.
    const moved = await member({ name: `異動 ${unique()}`, visibility: network });
    await rosterEntry({
      userId: moved,
      departmentId: d2,
      joinedOn: '2005-04-01',
      leftOn: '2017-03-31',
      periods: [
        { departmentId: d2, from: '2005-04-01', to: '2016-03-31' },
        { departmentId: d1, from: '2016-04-01', to: '2017-03-31' },
      ],
    });
    const elsewhere = await member({ name: `他部署 ${unique()}`, visibility: network });
    await rosterEntry({ userId: elsewhere, departmentId: d1, joinedOn: '2014-04-01', leftOn: '2017-03-31', periods: [{ departmentId: d3, from: '2014-04-01', to: '2017-03-31' }] });

    const seen = colleagues(await viewer.client.get('/members'));
    expect(seen.get(overlapping)).toBe(reason(2015, 2016, d1Name));
    expect(seen.get(overlapping)).toBe(`2015–2016年に同じ${d1Name}`);
    expect(seen.get(moved)).toBe(reason(2016, 2017, d1Name));
    for (const [id, what] of [
      [later, 'no overlap'],
      [privateTenure, 'tenure private'],
      [staffOnly, 'tenure for staff only'],
      [blocker, 'blocked the viewer'],
      [elsewhere, 'explicit periods elsewhere'],
    ] as const) {
      expect(seen.has(id), what).toBe(false);
    }

    // Staff see what is for staff: an employee in the same department sees the staff-only tenure.
    const { client: employee, user: employeeUser } = await t.signedIn('employee');
    await rosterEntry({ userId: employeeUser.id, departmentId: d1, joinedOn: '2010-04-01', leftOn: null });
    const staffSeen = colleagues(await employee.get('/members'));
    expect(staffSeen.get(staffOnly)).toBe(reason(2014, 2017, d1Name));
    expect(staffSeen.get(blocker)).toBe(reason(2014, 2017, d1Name));
    expect(staffSeen.get(later)).toBe(reason(2019, 2021, d1Name));
    expect(staffSeen.has(privateTenure)).toBe(false);
    expect(staffSeen.has(elsewhere)).toBe(false);

    // No suggestions once the viewer searches or filters.
    expect(section((await search(viewer.client, '重なり')).body, 'colleagues-h')).toBeNull();
  });
});

// ---------------------------------------------------------------- changes made elsewhere

describe('the directory follows changes made outside the profile editor', () => {
  it('a name changed in the account settings is what the directory finds and shows', async () => {
    const before = `旧姓${unique()}`;
    const after = `新姓${unique()}`;
    const { user, client } = await signedInMember(`${before} 花子`);
    const { client: other } = await t.signedIn('alumnus');
    expect(hits(await search(other, before))).toContain(user.id);

    const res = await client.post('/account/profile', { name: `${after} 花子`, nameKana: 'しんせい はなこ', locale: 'ja' });
    expect(res.status).toBe(303);
    expect((await other.get(`/members/${user.id}`)).body).toContain(`${after} 花子`);
    const found = await search(other, after);
    expect(hits(found)).toContain(user.id);
    expect(section(found.body, 'results-h')).toContain(`${after} 花子`);
    expect(hits(await search(other, 'しんせい'))).toContain(user.id);
    expect(hits(await search(other, before))).not.toContain(user.id);
  });

  it('a roster re-import that moves a member to another department and leave year updates the filters and the card', async () => {
    const employeeNumber = `RI-${unique()}`;
    const oldName = `旧所属部${unique()}`;
    const newName = `新所属部${unique()}`;
    const oldDept = await department(oldName);
    const id = await member({ name: `異動 記録 ${unique()}`, visibility: { tenure: 'network' } });
    await t.db.insert(rosterEntries).values({ employeeNumber, name: '異動 記録', departmentId: oldDept, joinedOn: '2010-04-01', leftOn: '2019-03-31', userId: id });
    await refreshDirectory(t.db, id);
    const { client: alumnus } = await t.signedIn('alumnus');
    expect(hits(await alumnus.get(`/members?department=${oldDept}`))).toContain(id);

    // The operator re-imports the roster: the same person, another department, another leave date.
    const { client: operator } = await t.signedIn('operator');
    const csv = `社員番号,氏名,部署,入社日,退職日\r\n${employeeNumber},異動 記録,${newName},2010/4/1,2021/3/31\r\n`;
    const body = new FormData();
    body.set('_csrf', await operator.csrfToken());
    body.set('encoding', 'auto');
    body.set('file', new File([csv], 'roster.csv', { type: 'text/csv' }));
    const up = await operator.request('POST', '/admin/roster/import', { body, headers: { origin: new URL(t.config.baseUrl).origin } });
    expect(up.status).toBe(303);
    expect((await operator.post(`${up.location!}/commit`)).status).toBe(303);
    await t.runJobs();
    const [moved] = await t.db.select().from(departments).where(eq(departments.nameJa, newName));
    expect(moved).toBeDefined();

    // The profile page reads the roster live …
    expect((await alumnus.get(`/members/${id}`)).body).toContain(newName);
    // … and the directory (filters, card) must say the same.
    expect(hits(await alumnus.get(`/members?department=${moved!.id}`))).toContain(id);
    expect(hits(await alumnus.get(`/members?department=${oldDept}`))).not.toContain(id);
    expect(hits(await alumnus.get('/members?leftFrom=2021&leftTo=2021'))).toContain(id);
    const card = section((await alumnus.get(`/members?department=${moved!.id}`)).body, 'results-h') ?? '';
    expect(card).toContain(newName);
    expect(card).not.toContain(oldName);
  });
});

// ---------------------------------------------------------------- who is listed

describe('who is listed', () => {
  it('a rehired alumnus leaves the directory and comes back when leaving again', async () => {
    const tag = `rehireqz${unique()}`;
    const id = await member({ name: `再入社 ${unique()}`, title: tag, visibility: { currentTitle: 'network' } });
    const entry = await rosterEntry({ userId: id, joinedOn: '2010-04-01', leftOn: '2019-03-31' });
    const actor = await operatorActor();
    const { client: alumnus } = await t.signedIn('alumnus');
    const { client: employee } = await t.signedIn('employee');
    expect(hits(await search(alumnus, tag))).toContain(id);

    expect(await markRehired({ db: t.db, actor }, entry.id, '2024-04-01')).toEqual({ ok: true });
    for (const client of [alumnus, employee]) {
      expect(hits(await search(client, tag))).not.toContain(id);
      expect((await client.get(`/members/${id}`)).status).toBe(404);
    }
    // Maintenance does not list an employee either.
    await directoryMaintenance({ db: t.db, config: t.config });
    expect(hits(await search(alumnus, tag))).not.toContain(id);

    expect(await markLeftAgain({ db: t.db, actor }, entry.id, '2025-03-31')).toEqual({ ok: true });
    expect(hits(await search(alumnus, tag))).toContain(id);
    expect((await alumnus.get(`/members/${id}`)).status).toBe(200);
  });

  it('a member whose access is revoked leaves the directory; restoring lists them again', async () => {
    const tag = `revokeqz${unique()}`;
    const id = await member({ name: `停止 ${unique()}`, title: tag });
    const entry = await rosterEntry({ userId: id, joinedOn: '2010-04-01', leftOn: '2019-03-31' });
    const actor = await operatorActor();
    const { client } = await t.signedIn('alumnus');
    expect(hits(await search(client, tag))).toContain(id);

    await setAccess({ db: t.db, actor }, entry.id, true, 'テスト');
    expect(hits(await search(client, tag))).not.toContain(id);
    expect((await client.get(`/members/${id}`)).status).toBe(404);
    await directoryMaintenance({ db: t.db, config: t.config });
    expect(hits(await search(client, tag))).not.toContain(id);

    await setAccess({ db: t.db, actor }, entry.id, false, '');
    expect(hits(await search(client, tag))).toContain(id);
  });

  it('staff are never in the directory; alumni without rows are listed by the maintenance job, pending and suspended ones not', async () => {
    const { client: alumnus } = await t.signedIn('alumnus');
    const { user: employee } = await t.signedIn('employee');
    expect((await alumnus.get(`/members/${employee.id}`)).status).toBe(404);

    const tag = `maintqz${unique()}`;
    const ids: Record<string, string> = {};
    for (const status of ['active', 'pending', 'suspended'] as const) {
      const id = randomUUID();
      await t.db.insert(users).values({ id, name: `${tag} ${status}`, email: `${status}-${unique()}@example.com`, emailVerified: true, role: 'alumnus', status });
      ids[status] = id;
    }
    const staffId = randomUUID();
    await t.db.insert(users).values({ id: staffId, name: `${tag} staff`, email: `staff-${unique()}@example.com`, emailVerified: true, role: 'employee', status: 'active' });
    expect(hits(await search(alumnus, tag))).toEqual([]);

    const result = await directoryMaintenance({ db: t.db, config: t.config });
    expect(result.indexed).toBeGreaterThanOrEqual(1);
    expect(hits(await search(alumnus, tag))).toEqual([ids.active]);
    // Nothing left to index.
    expect((await directoryMaintenance({ db: t.db, config: t.config })).indexed).toBe(0);
  });
});
