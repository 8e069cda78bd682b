/**
 * The segment engine (every criterion, visibility of profile criteria) and the segment pages
 * (who may use them, live count, rounding, validation, archive).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { auditEvents, departments, memberProfiles, notificationPreferences, rosterDepartments, rosterEntries, segments, users, type SegmentFilter } from '../../db/schema.ts';
import { countMatching, matches, segmentsContaining } from './segments.repository.ts';

let t: TestApp;
const NOW = new Date('2026-06-01T00:00:00Z');
const ids: Record<string, string> = {};
let sales = '';
let planning = '';

/** The names (keys of `ids`) a filter selects, sorted. */
async function selected(filter: SegmentFilter): Promise<string[]> {
  const out: string[] = [];
  for (const [name, id] of Object.entries(ids)) if (await matches(t.db, filter, id, NOW)) out.push(name);
  return out.sort();
}

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  [sales, planning] = (
    await t.db
      .insert(departments)
      .values([
        { code: `S${randomUUID().slice(0, 6)}`, nameJa: '営業部', nameEn: 'Sales' },
        { code: `P${randomUUID().slice(0, 6)}`, nameJa: '企画部', nameEn: 'Planning' },
      ])
      .returning({ id: departments.id })
  ).map((r) => r.id) as [string, string];

  const person = async (
    name: string,
    o: { role?: 'alumnus' | 'employee'; manager?: boolean; locale?: 'ja' | 'en'; status?: 'active' | 'suspended'; createdAt?: string; seen?: string | null } = {},
  ) => {
    const u = await t.createUser(o.role ?? 'alumnus', { name, locale: o.locale ?? null, isManager: o.manager ?? false, status: o.status ?? 'active' });
    await t.db
      .update(users)
      .set({ createdAt: new Date(o.createdAt ?? '2025-01-10T00:00:00Z'), lastSeenAt: o.seen === undefined ? new Date('2026-05-25T00:00:00Z') : o.seen ? new Date(o.seen) : null })
      .where(eq(users.id, u.id));
    ids[name] = u.id;
    return u.id;
  };
  const entry = async (userId: string, left: string | null, dept: string | null) => {
    const [row] = await t.db
      .insert(rosterEntries)
      .values({ employeeNumber: `E${randomUUID().slice(0, 8)}`, name: 'x', userId, leftOn: left, departmentId: dept })
      .returning({ id: rosterEntries.id });
    return row!.id;
  };

  // 花子: alumna, left 2015 from sales; shows skills to staff; wants business (only me); Tokyo (only me).
  const hanako = await person('hanako', { locale: 'ja' });
  await entry(hanako, '2015-03-31', sales);
  await t.db.insert(memberProfiles).values({
    userId: hanako,
    skills: ['typescript', '営業'],
    wants: ['business'],
    industry: 'it',
    country: 'JP',
    prefecture: '13',
    visibility: { skills: 'staff', industry: 'network' },
  });
  await t.db.insert(notificationPreferences).values({ userId: hanako, newsletter: true, news: true });

  // 太郎: alumnus, left 2020, in planning by period history (entry department sales); skills hidden from staff.
  const taro = await person('taro', { locale: 'en', createdAt: '2026-03-01T00:00:00Z', seen: '2025-01-01T00:00:00Z' });
  const taroEntry = await entry(taro, '2020-09-30', sales);
  await t.db.insert(rosterDepartments).values({ rosterEntryId: taroEntry, departmentId: planning, fromOn: '2016-04-01', toOn: '2020-09-30' });
  await t.db.insert(memberProfiles).values({ userId: taro, skills: ['typescript'], wants: ['return', 'social'], country: 'JP', prefecture: '27', visibility: { skills: 'alumni', location: 'staff' } });
  await t.db.insert(notificationPreferences).values({ userId: taro, newsletter: false, news: true });

  // 部長: an employee manager; 社員: an employee; 停止: a suspended alumnus; 新人: never seen.
  await person('bucho', { role: 'employee', manager: true });
  await person('shain', { role: 'employee', seen: null });
  const teishi = await person('teishi', { status: 'suspended' });
  await entry(teishi, '2015-01-31', sales);
});

afterAll(async () => {
  await t?.close();
});

describe('segment engine', () => {
  it('no criteria: every active member, never a suspended one', async () => {
    expect(await selected({})).toEqual(['bucho', 'hanako', 'shain', 'taro']);
  });

  it('roles, managers among employees', async () => {
    expect(await selected({ roles: ['alumnus'] })).toEqual(['hanako', 'taro']);
    expect(await selected({ roles: ['manager'] })).toEqual(['bucho']);
    expect(await selected({ roles: ['employee'] })).toEqual(['bucho', 'shain']);
    expect(await selected({ roles: ['alumnus', 'manager'] })).toEqual(['bucho', 'hanako', 'taro']);
  });

  it('leave years and departments come from the roster, periods included', async () => {
    expect(await selected({ leftFrom: 2014, leftTo: 2016 })).toEqual(['hanako']);
    expect(await selected({ leftFrom: 2018 })).toEqual(['taro']);
    expect(await selected({ departmentIds: [planning] })).toEqual(['taro']);
    expect(await selected({ departmentIds: [sales] })).toEqual(['hanako', 'taro']);
    expect(await selected({ departmentIds: [planning], leftTo: 2016 })).toEqual([]);
  });

  it('profile criteria match only what staff may see; stated wants match for delivery', async () => {
    // 太郎's skills are for alumni only: a staff-built segment must not find him by them.
    expect(await selected({ skills: ['typescript'] })).toEqual(['hanako']);
    expect(await selected({ industries: ['it'] })).toEqual(['hanako']);
    // 花子's location is private (the default), 太郎's is for staff.
    expect(await selected({ prefectures: ['13'] })).toEqual([]);
    expect(await selected({ prefectures: ['27'] })).toEqual(['taro']);
    expect(await selected({ countries: ['JP'] })).toEqual(['taro']);
    expect(await selected({ wants: ['business'] })).toEqual(['hanako']);
    expect(await selected({ wants: ['business', 'return'] })).toEqual(['hanako', 'taro']);
  });

  it('language, opt-ins, joined dates and activity', async () => {
    expect(await selected({ languages: ['en'] })).toEqual(['taro']);
    // No preference saved counts as Japanese (the default language).
    expect(await selected({ languages: ['ja'] })).toEqual(['bucho', 'hanako', 'shain']);
    expect(await selected({ consents: ['newsletter'] })).toEqual(['hanako']);
    expect(await selected({ consents: ['news'] })).toEqual(['hanako', 'taro']);
    expect(await selected({ joinedFrom: '2026-02-01' })).toEqual(['taro']);
    expect(await selected({ joinedTo: '2025-01-10' })).toEqual(['bucho', 'hanako', 'shain']);
    expect(await selected({ activeWithinDays: 30 })).toEqual(['bucho', 'hanako']);
    expect(await selected({ inactiveForDays: 90 })).toEqual(['shain', 'taro']);
  });

  it('counts agree with membership, and segmentsContaining evaluates saved segments', async () => {
    expect(await countMatching(t.db, { roles: ['alumnus'] }, NOW)).toBe(2);
    const [a, b] = (
      await t.db
        .insert(segments)
        .values([
          { name: 'alumni', filter: { roles: ['alumnus'] } },
          { name: 'managers', filter: { roles: ['manager'] } },
        ])
        .returning({ id: segments.id })
    ).map((r) => r.id) as [string, string];
    expect([...(await segmentsContaining(t.db, ids.hanako!, [a, b, a], NOW))]).toEqual([a]);
    expect([...(await segmentsContaining(t.db, ids.bucho!, [a, b], NOW))]).toEqual([b]);
  });
});

describe('segment pages', () => {
  it('only operators and community managers reach them', async () => {
    for (const kind of ['alumnus', 'employee', 'manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/admin/segments')).status).toBe(403);
      expect((await client.post('/admin/segments', { name: 'x', intent: 'save' })).status).toBe(403);
      expect((await client.post('/admin/segments/count', { 'roles.alumnus': '1' })).status).toBe(403);
    }
  });

  it('a community manager counts, saves, edits and archives a segment; each save is audited', async () => {
    const { client } = await t.signedIn('community_manager');
    const count = await client.post('/admin/segments/new'.replace('/new', ''), { 'roles.alumnus': '1', leftFrom: '2014', intent: 'count' });
    expect(count.status).toBe(200);
    // hanako and taro, plus the alumni other tests created, all active: at least the two.
    expect(count.body).toMatch(/該当するメンバー：\d+人/);
    expect(count.body).toContain('value="2014"');

    const saved = await client.post('/admin/segments', { name: '2014年以降の退職者', 'roles.alumnus': '1', leftFrom: '2014', intent: 'save' });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location')!;
    const id = location.split('/').pop()!;
    const [row] = await t.db.select().from(segments).where(eq(segments.id, id));
    expect(row!.filter).toEqual({ roles: ['alumnus'], leftFrom: 2014 });
    const edit = await client.get(location);
    expect(edit.status).toBe(200);
    expect(edit.body).toContain('2014年以降の退職者');
    expect(edit.body).toMatch(/name="roles.alumnus"[^>]*checked/);

    expect((await client.post(location, { name: '改名', 'roles.employee': '1', intent: 'save' })).status).toBe(303);
    const [renamed] = await t.db.select().from(segments).where(eq(segments.id, id));
    expect(renamed).toMatchObject({ name: '改名', filter: { roles: ['employee'] } });

    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, id));
    expect(events.map((e) => e.action)).toEqual(['segment.saved', 'segment.saved']);

    expect((await client.post(`${location}/archive`)).status).toBe(303);
    expect((await client.get(location)).status).toBe(404);
    expect((await client.get('/admin/segments')).body).not.toContain('改名');
  });

  it('the JSON count for the enhancement script, rounded for stated wants', async () => {
    const { client } = await t.signedIn('operator');
    const exact = await client.post('/admin/segments/count', { 'roles.manager': '1' });
    expect(exact.status).toBe(200);
    expect(JSON.parse(exact.body)).toMatchObject({ ok: true });
    // One member wants business: shown as "fewer than 5", never as 1.
    const rounded = JSON.parse((await client.post('/admin/segments/count', { 'wants.business': '1' })).body) as { text: string };
    expect(rounded.text).toBe('該当するメンバー：5人未満');
  });

  it('bad input: 422 with the errors in Japanese, nothing saved', async () => {
    const { client } = await t.signedIn('operator');
    const before = (await t.db.select().from(segments)).length;
    const res = await client.post('/admin/segments', { name: '', leftFrom: '20xx', leftTo: '1990', joinedFrom: '2025-02-30', activeWithinDays: '0', intent: 'save' });
    expect(res.status).toBe(422);
    expect(res.body).toContain('名前を入力してください');
    expect(res.body).toContain('退職年（以降）：2015 のように西暦で入力してください。');
    expect(res.body).toContain('参加日（以降）：2024-04-01 のように入力してください。');
    expect(res.body).toContain('過去○日以内に利用：1〜3650 の日数を入力してください。');
    const reversed = await client.post('/admin/segments', { name: 'x', leftFrom: '2020', leftTo: '2010', intent: 'save' });
    expect(reversed.status).toBe(422);
    expect(reversed.body).toContain('範囲の終わりが始まりより前になっています。');
    expect((await t.db.select().from(segments)).length).toBe(before);
  });

  it('unknown or malformed ids are 404', async () => {
    const { client } = await t.signedIn('operator');
    expect((await client.get(`/admin/segments/${randomUUID()}`)).status).toBe(404);
    expect((await client.get('/admin/segments/not-a-uuid')).status).toBe(404);
    expect((await client.post(`/admin/segments/${randomUUID()}/archive`)).status).toBe(404);
  });
});
