/**
 * Profile routes: the editor (validation, hostile input), photos, the LinkedIn import, the
 * operators' HR facts, the freshness reminder, and the directory's anti-scraping limits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLinkedInZip } from '../../../test/fixtures/linkedin.ts';
import { createTestApp, inputValue, type Client, type TestApp, type TestResponse, type TestUser } from '../../../test/app.ts';
import { uploadsDir } from '../../config.ts';
import { auditEvents, careerPositions, memberProfiles, rosterEntries, users } from '../../db/schema.ts';
import { fmt, messages } from '../../shared/i18n/index.ts';
import { directoryMaintenance } from './profiles.service.ts';

const ja = messages('ja');
const P = ja.profiles;

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

async function alumnus(name = `会員 ${unique()}`): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser('alumnus', { name });
  return { user, client: await t.newSession(user) };
}

/** POSTs a multipart form (files included) with the CSRF token and this site's Origin, as a browser would. */
async function postMultipart(client: Client, app: TestApp, url: string, fields: Record<string, string | File>): Promise<TestResponse> {
  const body = new FormData();
  body.set('_csrf', await client.csrfToken());
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return client.request('POST', url, { headers: { origin: new URL(app.config.baseUrl).origin }, body });
}

const file = (bytes: Uint8Array | string, name: string, type: string) => new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], name, { type });

async function profileRow(userId: string) {
  const [row] = await t.db.select().from(memberProfiles).where(eq(memberProfiles.userId, userId));
  return row;
}

async function userRow(userId: string) {
  const [row] = await t.db.select().from(users).where(eq(users.id, userId));
  return row!;
}

const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A GET whose body is kept as bytes, with the client's cookies and address. */
async function rawBytes(client: Client, url: string): Promise<Buffer> {
  const cookie = [...client.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
  const env = { incoming: { socket: { remoteAddress: client.ip, remotePort: 40000, remoteFamily: 'IPv4' } } };
  const res = await t.app.request(`${t.config.baseUrl}${url}`, { headers: { cookie, 'user-agent': 'kizuna-test' } }, env);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

function photoUrlIn(html: string): string | null {
  return /\/members\/[^/"]+\/photo\/[A-Za-z0-9_-]{22}\.webp/.exec(html)?.[0] ?? null;
}

// ---------------------------------------------------------------- the editor

describe('editing one’s profile', () => {
  it('the editor starts from the privacy-preserving defaults, and a save shows on /profile', async () => {
    const { user, client } = await alumnus();
    const edit = await client.get('/profile/edit');
    expect(edit.status).toBe(200);
    expect(edit.body).toMatch(/<select[^>]*name="vis_location"[^>]*>[\s\S]*?<option value="private" selected=""/);
    expect(edit.body).toMatch(/<select[^>]*name="vis_currentEmployer"[^>]*>[\s\S]*?<option value="alumni" selected=""/);
    // The name cannot be "only me".
    const nameSelect = /<select[^>]*name="vis_name"[^>]*>([\s\S]*?)<\/select>/.exec(edit.body)?.[1] ?? '';
    expect(nameSelect).not.toContain('value="private"');

    const res = await client.post('/profile/edit', {
      name: user.name,
      nameKana: 'かいいん',
      currentEmployer: 'EditEmployer',
      skills: 'Go\nRust, Go\n',
      contact: 'yes',
      career_0_employer: 'EditCareer',
      career_0_from: '2020-01',
      career_0_to: '',
      vis_tenure: 'network',
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/profile');
    const own = await client.get('/profile');
    expect(own.body).toContain(P.saved);
    expect(own.body).toContain('EditEmployer');
    expect(own.body).toContain('EditCareer');
    const row = await profileRow(user.id);
    expect(row).toMatchObject({ currentEmployer: 'EditEmployer', skills: ['Go', 'Rust'], contact: 'yes' });
    expect(row!.visibility).toMatchObject({ tenure: 'network', location: 'private', name: 'network' });
    expect((await userRow(user.id)).nameKana).toBe('かいいん');
  });

  it('refuses an empty name, a bad month, a javascript: link and an unknown visibility, keeps every value, saves nothing', async () => {
    const { user, client } = await alumnus();
    const before = await userRow(user.id);
    const form = {
      name: '',
      nameKana: 'けんしょう',
      nameRomaji: 'Kensho Valid',
      currentEmployer: 'ValEmployer',
      currentTitle: 'ValTitle',
      industry: 'it',
      country: 'JP',
      prefecture: '13',
      skills: 'ValSkillOne\nValSkillTwo',
      achievements: 'ValAchievement',
      bioJa: 'ValBioJa',
      bioEn: 'ValBioEn',
      contact: 'company',
      want_business: 'on',
      link_0_label: 'ValLink',
      link_0_url: 'javascript:alert(1)',
      career_0_employer: 'ValCareer',
      career_0_title: 'ValCareerTitle',
      career_0_from: '2021-13',
      career_0_to: '2022-03',
      vis_skills: 'everyone',
      vis_location: 'staff',
    };
    const res = await client.post('/profile/edit', form);
    expect(res.status).toBe(422);
    expect(res.body).toContain(fmt(ja.validation.required, { field: P.fields.name }));
    expect(res.body).toContain(fmt(P.errors.month, { field: P.fields.from }));
    expect(res.body).toContain(fmt(P.errors.url, { field: P.fields.linkUrl }));
    expect(res.body).toContain(fmt(P.errors.choice, { field: fmt(P.visibility.label, { field: P.fields.skills }) }));

    for (const name of ['nameKana', 'nameRomaji', 'currentEmployer', 'currentTitle', 'link_0_label', 'link_0_url', 'career_0_employer', 'career_0_title', 'career_0_from', 'career_0_to'] as const) {
      expect(inputValue(res.body, name), name).toBe(form[name]);
    }
    for (const text of ['ValSkillOne\nValSkillTwo', 'ValAchievement', 'ValBioJa', 'ValBioEn']) expect(res.body).toContain(text);
    expect(res.body).toMatch(/<input[^>]*name="want_business"[^>]*checked/);
    expect(res.body).not.toMatch(/<input[^>]*name="want_return"[^>]*checked/);
    for (const [name, value] of [['industry', 'it'], ['country', 'JP'], ['prefecture', '13'], ['contact', 'company'], ['vis_location', 'staff']]) {
      expect(res.body, name).toMatch(new RegExp(`<select[^>]*name="${name}"[^>]*>[\\s\\S]*?<option value="${value}" selected=""`));
    }

    expect(await profileRow(user.id)).toBeUndefined();
    expect(await t.db.select().from(careerPositions).where(eq(careerPositions.userId, user.id))).toEqual([]);
    expect((await userRow(user.id)).name).toBe(before.name);
  });

  it.each([
    ['the name as "only me"', { vis_name: 'private' }, fmt(P.errors.choice, { field: fmt(P.visibility.label, { field: P.fields.name }) })],
    ['a career that ends before it starts', { career_0_employer: 'X', career_0_from: '2022-01', career_0_to: '2021-01' }, P.errors.careerOrder],
    ['a career row without employer', { career_0_title: '部長' }, P.errors.employerMissing],
    ['an unknown industry', { industry: 'spaceflight' }, fmt(P.errors.choice, { field: P.fields.industry })],
    ['an unknown country', { country: 'XX' }, fmt(P.errors.choice, { field: P.fields.country })],
    ['a prefecture that does not exist', { country: 'JP', prefecture: '48' }, fmt(P.errors.choice, { field: P.fields.prefecture })],
    ['an unknown contact preference', { contact: 'always' }, fmt(P.errors.choice, { field: P.fields.contact })],
    ['a 10,000-character name', { name: 'x'.repeat(10_000) }, fmt(ja.validation.tooLong, { field: P.fields.name, max: '100' })],
    ['10,000 characters of achievements', { achievements: 'あ'.repeat(10_000) }, fmt(ja.validation.tooLong, { field: P.fields.achievements, max: '2000' })],
    ['an http: link', { link_0_url: 'http://example.com/' }, fmt(P.errors.url, { field: P.fields.linkUrl })],
    ['a data: link', { link_2_url: 'data:text/html,<script>alert(1)</script>' }, fmt(P.errors.url, { field: P.fields.linkUrl })],
    ['a 600-character link', { link_0_url: `https://example.com/${'a'.repeat(600)}` }, fmt(P.errors.url, { field: P.fields.linkUrl })],
  ])('refuses %s with a Japanese message (422)', async (_what, fields, message) => {
    const { client, user } = await t.signedIn('alumnus');
    const res = await client.post('/profile/edit', { name: user.name, ...fields });
    expect(res.status).toBe(422);
    expect(res.body).toContain(message);
  });

  it('no input a member can send gives a 500', async () => {
    const { client, user } = await alumnus();
    const failures: string[] = [];
    const attempts: Record<string, string>[] = [
      { name: user.name, skills: 's'.repeat(10_000) },
      { name: user.name, skills: Array.from({ length: 1000 }, (_, i) => `skill${i}`).join('\n') },
      { name: user.name, bioJa: 'x'.repeat(10_000), bioEn: 'y'.repeat(10_000) },
      { name: user.name, career_99999999_employer: 'Huge', career_99999999_from: '2020-01' },
      { name: user.name, ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`career_${i}_employer`, `Row${i}`])) },
      { name: user.name, 'career_-1_employer': 'Neg', career_NaN_employer: 'NaN', career_1e9_employer: 'E' },
      { name: user.name, link_99_url: 'javascript:alert(1)', link_0_label: 'x'.repeat(10_000), link_0_url: 'https://ok.example/' },
      { name: user.name, country: 'US', prefecture: '13' },
      { name: user.name, vis_unknownField: 'network', vis_bio: 'alumni' },
      { name: user.name, want_nonsense: 'on', want_mentor: 'yes' },
      { name: '<script>alert(1)</script>', bioJa: '<img src=x onerror=alert(1)>' },
      { name: `${user.name}\u0000`, bioJa: 'nul\u0000byte' },
      { name: user.name, currentTitle: '\u0000' },
      { name: user.name, skills: 'a\u0000b' },
      { name: user.name, career_0_employer: 'Nul\u0000Co' },
      { name: '\u200b\u200b' },
      { name: '🎌'.repeat(100), nameKana: '\ud800' },
    ];
    for (const form of attempts) {
      const res = await client.post('/profile/edit', form);
      if (res.status >= 500 || ![303, 422].includes(res.status)) failures.push(`${JSON.stringify(form).slice(0, 120)} → ${res.status}`);
    }
    // The LinkedIn import's values come back through the browser too.
    const imported = await client.post('/profile/import/apply', { apply_currentEmployer: 'on', value_currentEmployer: JSON.stringify('Nul\u0000Co') });
    if (imported.status >= 500) failures.push(`import/apply with a NUL in value_currentEmployer → ${imported.status}`);
    // Whatever was saved, the pages still render and escape what was typed.
    const own = await client.get('/profile');
    if (own.status !== 200) failures.push(`/profile → ${own.status}`);
    expect(own.body).not.toContain('<script>alert(1)</script>');
    expect(own.body).not.toContain('<img src=x');
    expect(failures).toEqual([]);
  });

  it('saves at most 20 career rows and 30 skills', async () => {
    const { client, user } = await alumnus();
    const res = await client.post('/profile/edit', {
      name: user.name,
      skills: Array.from({ length: 50 }, (_, i) => `skill${i}`).join('\n'),
      ...Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`career_${i}_employer`, `Row${i}`])),
    });
    expect(res.status).toBe(303);
    expect(await t.db.select().from(careerPositions).where(eq(careerPositions.userId, user.id))).toHaveLength(20);
    expect((await profileRow(user.id))!.skills).toHaveLength(30);
  });

  it('hostile directory queries are answered, never with a 500', async () => {
    const { client } = await t.signedIn('alumnus');
    const failures: string[] = [];
    const urls = [
      `/members?q=${'あ'.repeat(10_000)}`,
      '/members?q=%00',
      '/members?q=a%00b',
      '/members?skill=%00',
      '/members?q=%E0%A4%A',
      '/members?q=%ED%A0%80',
      '/members?leftFrom=abcd&leftTo=20199',
      '/members?leftFrom=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%99',
      '/members?department=not-a-uuid&industry=evil&prefecture=99&wants=evil&sort=evil',
      `/members?department=${randomUUID()}`,
      `/members?skill=${'s'.repeat(500)}&q=${encodeURIComponent("' or 1=1 --")}`,
      '/members/%00',
      '/members/not-an-id',
      `/members/${randomUUID()}/photo/${'A'.repeat(22)}.webp`,
      `/members/${randomUUID()}/photo/..%2F..%2Fetc%2Fpasswd`,
      `/members/${randomUUID()}/photo/%00.webp`,
    ];
    for (const url of urls) {
      const res = await client.get(url);
      if (res.status >= 500) failures.push(`${url.slice(0, 80)} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    const bad = await client.get('/members?leftFrom=abcd');
    expect(bad.status).toBe(200);
    expect(bad.body).toContain(`${P.directory.leftFrom}: ${P.directory.yearRange}`);
  });
});

// ---------------------------------------------------------------- photos

describe('profile photos', () => {
  const XMP =
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>XMPSECRETAUTHOR</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>';

  /** One member for every refused upload: none of them may leave a photo behind. */
  let refused: Promise<{ user: TestUser; client: Client }>;
  beforeAll(() => {
    refused = alumnus();
  });

  async function pngWithMetadata(): Promise<Buffer> {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .withExif({ IFD0: { Copyright: 'SECRETCAMERA', ImageDescription: 'GPSLEAK' } })
      .withXmp(XMP)
      .png()
      .toBuffer();
    const meta = await sharp(png).metadata();
    // The upload really carries metadata, so its absence afterwards means something.
    expect(meta.exif).toBeDefined();
    expect(meta.xmp).toBeDefined();
    return png;
  }

  it('re-encodes an upload to a 512×512 WebP without metadata, served with nosniff', async () => {
    const { user, client } = await alumnus();
    const res = await postMultipart(client, t, '/profile/photo', { photo: file(await pngWithMetadata(), 'me.png', 'image/png') });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/profile');
    const own = await client.get('/profile');
    expect(own.body).toContain(P.photo.updated);
    const url = photoUrlIn(own.body);
    expect(url).not.toBeNull();
    expect(url!.startsWith(`/members/${user.id}/photo/`)).toBe(true);

    const photo = await client.request('GET', url!);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/webp');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(photo.headers.get('cache-control')).toContain('private');
    // The bytes as served (TestResponse reads the body as text, so fetch them once more as bytes).
    const bytes = await rawBytes(client, url!);
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 512, height: 512 });
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(bytes.includes('SECRETCAMERA')).toBe(false);
    expect(bytes.includes('XMPSECRETAUTHOR')).toBe(false);
    // The stored file is the re-encoded one too.
    expect(fs.readFileSync(path.join(uploadsDir(t.config), 'photos', url!.split('/').pop()!)).equals(bytes)).toBe(true);
  });

  it.each([
    ['an SVG with a script', () => file('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>', 'x.svg', 'image/svg+xml'), P.errors.photo.notImage],
    ['an SVG disguised as PNG', () => file('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'x.png', 'image/png'), P.errors.photo.notImage],
    ['an HTML file', () => file('<html><script>alert(1)</script></html>', 'x.jpg', 'image/jpeg'), P.errors.photo.notImage],
    ['a PDF', () => file('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF', 'x.pdf', 'application/pdf'), P.errors.photo.notImage],
    ['a truncated PNG', () => file(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]), 'x.png', 'image/png'), P.errors.photo.notImage],
    ['an empty file', () => file(new Uint8Array(0), 'x.png', 'image/png'), P.errors.photo.missing],
  ])('refuses %s (422, Japanese message, nothing stored)', async (_what, make, message) => {
    const { user, client } = await refused;
    const res = await postMultipart(client, t, '/profile/photo', { photo: make() });
    expect(res.status).toBe(422);
    expect(res.body).toContain(message);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect((await profileRow(user.id))?.photoKey ?? null).toBeNull();
  });

  it('refuses a form without a file', async () => {
    const { client } = await refused;
    const res = await postMultipart(client, t, '/profile/photo', { photo: 'just text' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(P.errors.photo.missing);
  });

  it('is served only to viewers whose audience may see it; replacing and removing delete the old file', async () => {
    const { user, client } = await alumnus();
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer();
    expect((await postMultipart(client, t, '/profile/photo', { photo: file(png, 'a.png', 'image/png') })).status).toBe(303);
    const first = photoUrlIn((await client.get('/profile')).body)!;
    const { client: alum } = await t.signedIn('alumnus');
    const { client: employee } = await t.signedIn('employee');

    const setPhotoVisibility = async (v: string) => expect((await client.post('/profile/edit', { name: user.name, vis_photo: v })).status).toBe(303);
    await setPhotoVisibility('alumni');
    expect((await alum.get(first)).status).toBe(200);
    expect((await employee.get(first)).status).toBe(404);
    expect((await employee.get(`/members/${user.id}`)).body).not.toContain('/photo/');
    expect((await client.get(first)).status).toBe(200);
    await setPhotoVisibility('private');
    expect((await alum.get(first)).status).toBe(404);
    expect((await client.get(first)).status).toBe(200);
    await setPhotoVisibility('network');
    expect((await employee.get(first)).status).toBe(200);
    // The key does not work under another member's id.
    expect((await alum.get(first.replace(user.id, (await t.signedIn('employee')).user.id))).status).toBe(404);

    const png2 = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 2, b: 3 } } }).png().toBuffer();
    expect((await postMultipart(client, t, '/profile/photo', { photo: file(png2, 'b.png', 'image/png') })).status).toBe(303);
    const second = photoUrlIn((await client.get('/profile')).body)!;
    expect(second).not.toBe(first);
    expect((await client.get(first)).status).toBe(404);
    expect(fs.existsSync(path.join(uploadsDir(t.config), 'photos', first.split('/').pop()!))).toBe(false);
    expect((await alum.get(second)).status).toBe(200);

    const removed = await client.post('/profile/photo/delete');
    expect(removed.status).toBe(303);
    expect((await client.get(second)).status).toBe(404);
    expect(photoUrlIn((await client.get('/profile')).body)).toBeNull();
    expect(fs.existsSync(path.join(uploadsDir(t.config), 'photos', second.split('/').pop()!))).toBe(false);
  });
});

// ---------------------------------------------------------------- LinkedIn import

describe('LinkedIn import', () => {
  it('previews the proposals and applies only the ticked ones', async () => {
    const { user, client } = await alumnus();
    expect((await client.post('/profile/edit', { name: user.name, currentTitle: 'KeepThisTitle', bioJa: 'KeepThisBio' })).status).toBe(303);
    expect((await client.get('/profile/import')).status).toBe(200);

    const preview = await postMultipart(client, t, '/profile/import', { file: file(sampleLinkedInZip(), 'Basic_LinkedInDataExport.zip', 'application/zip') });
    expect(preview.status).toBe(200);
    expect(preview.body).toContain(P.importer.previewTitle);
    for (const key of ['currentEmployer', 'currentTitle', 'bioJa', 'skills', 'links', 'career']) {
      expect(inputValue(preview.body, `value_${key}`), key).toBeDefined();
      expect(preview.body, key).toContain(`name="apply_${key}"`);
    }
    // Suggested (ticked) only where the profile has nothing yet.
    expect(preview.body).toMatch(/<input[^>]*name="apply_currentEmployer"[^>]*checked/);
    expect(preview.body).not.toMatch(/<input[^>]*name="apply_currentTitle"[^>]*checked/);
    // Nothing is changed by the preview, and nothing LinkedIn holds that we must not read shows.
    expect((await profileRow(user.id))!.currentEmployer).toBeNull();
    expect(preview.body).not.toContain('hanako.private@example.net');

    const value = (key: string) => unescapeHtml(inputValue(preview.body, `value_${key}`)!);
    const applied = await client.post('/profile/import/apply', {
      apply_currentEmployer: 'on',
      value_currentEmployer: value('currentEmployer'),
      apply_skills: 'on',
      value_skills: value('skills'),
      // Sent but not ticked: must not be applied.
      value_currentTitle: value('currentTitle'),
      value_bioJa: value('bioJa'),
      value_career: value('career'),
    });
    expect(applied.status).toBe(303);
    expect(applied.location).toBe('/profile');
    const row = (await profileRow(user.id))!;
    expect(row.currentEmployer).toBe('みらい商事株式会社');
    expect(row.skills).toEqual(expect.arrayContaining(['TypeScript', 'プロダクトマネジメント', 'SQL']));
    expect(row.currentTitle).toBe('KeepThisTitle');
    expect(row.bioJa).toBe('KeepThisBio');
    expect(await t.db.select().from(careerPositions).where(eq(careerPositions.userId, user.id))).toEqual([]);
    expect((await client.get('/profile')).body).toContain(P.importer.applied);
  });

  it.each([
    ['a file that is not a ZIP', () => file('just some text, not a zip', 'export.zip', 'application/zip'), P.importer.errors.notZip],
    ['an empty file', () => file(new Uint8Array(0), 'export.zip', 'application/zip'), P.importer.errors.missing],
    ['a ZIP without LinkedIn files', () => file(sampleLinkedInZip({ 'Profile.csv': null, 'Positions.csv': null, 'Skills.csv': null }), 'x.zip', 'application/zip'), P.importer.errors.noLinkedInFiles],
  ])('refuses %s (422, Japanese message)', async (_what, make, message) => {
    const { client } = await t.signedIn('alumnus');
    const res = await postMultipart(client, t, '/profile/import', { file: make() });
    expect(res.status).toBe(422);
    expect(res.body).toContain(message);
  });

  it('drops or cleans tampered values: bad months, javascript: links, wrong types, too long, not JSON', async () => {
    const { user, client } = await alumnus();
    expect((await client.post('/profile/edit', { name: user.name, currentTitle: 'TitleBefore', bioEn: 'BioBefore', skills: 'KeepSkill' })).status).toBe(303);
    const res = await client.post('/profile/import/apply', {
      apply_career: 'on',
      value_career: JSON.stringify([
        { employer: 'TamperCo', title: 5, fromMonth: '2021-13', toMonth: '2022-02' },
        { employer: '   ', title: 'nobody' },
        'a string',
        null,
        { employer: 'OkCo', title: 'Lead', fromMonth: '2020-01', toMonth: 'javascript:alert(1)' },
        { employer: 'x'.repeat(500) },
      ]),
      apply_links: 'on',
      value_links: JSON.stringify([
        { label: 'evil', url: 'javascript:alert(1)' },
        { label: 'data', url: 'data:text/html,<script>alert(1)</script>' },
        { label: 'ok', url: 'https://ok.example/' },
        { label: 5, url: 'https://typed.example/' },
      ]),
      apply_currentTitle: 'on',
      value_currentTitle: JSON.stringify('t'.repeat(1000)),
      apply_bioEn: 'on',
      value_bioEn: '42',
      apply_skills: 'on',
      value_skills: '{not json',
      apply_nameRomaji: 'on',
      value_nameRomaji: JSON.stringify(['array']),
    });
    expect(res.status).toBe(303);
    const career = await t.db.select().from(careerPositions).where(eq(careerPositions.userId, user.id));
    expect(career.map((c) => ({ employer: c.employer, title: c.title, fromMonth: c.fromMonth, toMonth: c.toMonth })).sort((a, b) => a.employer.localeCompare(b.employer))).toEqual([
      { employer: 'OkCo', title: 'Lead', fromMonth: '2020-01', toMonth: null },
      { employer: 'TamperCo', title: null, fromMonth: null, toMonth: '2022-02' },
      { employer: 'x'.repeat(150), title: null, fromMonth: null, toMonth: null },
    ]);
    const row = (await profileRow(user.id))!;
    expect(row.links).toEqual([{ label: 'ok', url: 'https://ok.example/' }]);
    expect(row.currentTitle).toBe('TitleBefore');
    expect(row.bioEn).toBe('BioBefore');
    expect(row.skills).toEqual(['KeepSkill']);
    expect(row.nameRomaji).toBeNull();
    const own = await client.get('/profile');
    expect(own.body).not.toContain('javascript:');
  });

  it('applying nothing changes nothing', async () => {
    const { user, client } = await alumnus();
    const res = await client.post('/profile/import/apply', { value_currentEmployer: JSON.stringify('Nope') });
    expect(res.status).toBe(303);
    expect((await client.get('/profile')).body).toContain(P.importer.noneSelected);
    expect((await profileRow(user.id))?.currentEmployer ?? null).toBeNull();
  });
});

// ---------------------------------------------------------------- HR facts

describe('HR facts behind a profile', () => {
  it('operators see them, and every view is audited; nobody else may', async () => {
    const { user, client: member } = await alumnus(`人事 記録 ${unique()}`);
    expect((await member.post('/profile/edit', { name: user.name })).status).toBe(303);
    const employeeNumber = `HR-${unique()}`;
    const [entry] = await t.db
      .insert(rosterEntries)
      .values({ employeeNumber, name: user.name, joinedOn: '2008-04-01', leftOn: '2020-09-30', title: '主任研究員', rehireEligible: 'yes', userId: user.id })
      .returning();
    const { client: operator, user: op } = await t.signedIn('operator');

    const memberPage = await operator.get(`/members/${user.id}`);
    expect(memberPage.status).toBe(200);
    expect(memberPage.body).toContain(`/members/${user.id}/hr`);

    const res = await operator.get(`/members/${user.id}/hr`);
    expect(res.status).toBe(200);
    expect(res.body).toContain(employeeNumber);
    expect(res.body).toContain('主任研究員');
    expect(res.body).toContain(P.hr.notice);
    const audits = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'personal_data.viewed'), eq(auditEvents.subjectId, user.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: op.id, subjectType: 'user', ip: operator.ip });
    expect(audits[0]!.details).toMatchObject({ what: 'directory.hr_facts', rosterEntryId: entry!.id });

    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      const denied = await client.get(`/members/${user.id}/hr`);
      expect(denied.status, kind).toBe(403);
      expect(denied.body).not.toContain(employeeNumber);
      expect((await client.get(`/members/${user.id}`)).body, kind).not.toContain(`/members/${user.id}/hr`);
    }
    // Refused views are not audited as views.
    expect(
      await t.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'personal_data.viewed'), eq(auditEvents.subjectId, user.id))),
    ).toHaveLength(1);

    expect((await operator.get(`/members/${randomUUID()}/hr`)).status).toBe(404);
  });
});

// ---------------------------------------------------------------- freshness

describe('the freshness reminder', () => {
  it('after 13 months: a banner, one reminder e-mail (not two), and confirming clears the banner', async () => {
    const { user, client } = await alumnus(`鮮度 確認 ${unique()}`);
    expect((await client.post('/profile/edit', { name: user.name })).status).toBe(303);
    const bannerStart = P.review.banner.slice(0, P.review.banner.indexOf('{'));
    expect((await client.get('/profile')).body).not.toContain(bannerStart);

    const old = new Date();
    old.setMonth(old.getMonth() - 13);
    await t.db.update(memberProfiles).set({ reviewedAt: old }).where(eq(memberProfiles.userId, user.id));
    const due = await client.get('/profile');
    expect(due.body).toContain(bannerStart);
    expect(due.body).toContain('action="/profile/confirm"');

    const first = await directoryMaintenance({ db: t.db, config: t.config });
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    const mails = await t.mails({ to: user.email, template: 'profileReview' });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.locale).toBe('ja');
    expect(mails[0]!.text).toContain(user.name);
    expect(mails[0]!.text).toContain(`${t.config.baseUrl}/profile`);

    await directoryMaintenance({ db: t.db, config: t.config });
    expect(await t.mails({ to: user.email, template: 'profileReview' })).toHaveLength(1);

    const confirmed = await client.post('/profile/confirm');
    expect(confirmed.status).toBe(303);
    const after = await client.get('/profile');
    expect(after.body).toContain(P.review.confirmed);
    expect(after.body).not.toContain(bannerStart);
    await directoryMaintenance({ db: t.db, config: t.config });
    expect(await t.mails({ to: user.email, template: 'profileReview' })).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- anti-scraping

describe('anti-scraping limits (10 profiles and 10 searches an hour)', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await createTestApp({ setup: true, env: { DIRECTORY_PROFILE_VIEWS_PER_HOUR: '10', DIRECTORY_SEARCHES_PER_HOUR: '10' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the 11th profile view and the 11th search in an hour are refused with Retry-After; operators are counted, not stopped', async () => {
    const target = await s.createUser('alumnus', { name: '対象 太郎' });
    const targetClient = await s.newSession(target);
    expect((await targetClient.post('/profile/edit', { name: target.name })).status).toBe(303);
    const { client: scraper, user: scraperUser } = await s.signedIn('alumnus');
    // The counts are per clock hour: do not start right before the hour turns.
    const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (toNextHour < 15_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 100));

    for (let i = 1; i <= 10; i++) expect((await scraper.get(`/members/${target.id}`)).status, `view ${i}`).toBe(200);
    const eleventh = await scraper.get(`/members/${target.id}`);
    expect(eleventh.status).toBe(429);
    const retry = Number(eleventh.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(3600);
    expect(eleventh.body).not.toContain('対象 太郎');

    for (let i = 1; i <= 10; i++) expect((await scraper.get(`/members?q=${i}`)).status, `search ${i}`).toBe(200);
    const search = await scraper.get('/members?q=taro');
    expect(search.status).toBe(429);
    expect(Number(search.headers.get('retry-after'))).toBeGreaterThan(0);
    // Their own profile is not limited.
    expect((await scraper.get('/profile')).status).toBe(200);

    // Another member has their own budget.
    const { client: employee } = await s.signedIn('employee');
    expect((await employee.get(`/members/${target.id}`)).status).toBe(200);

    const { client: operator } = await s.signedIn('operator');
    for (let i = 1; i <= 12; i++) {
      expect((await operator.get(`/members/${target.id}`)).status, `operator view ${i}`).toBe(200);
      expect((await operator.get(`/members?q=${i}`)).status, `operator search ${i}`).toBe(200);
    }

    const activity = await operator.get('/admin/directory-activity');
    expect(activity.status).toBe(200);
    expect(activity.body).toContain(scraperUser.email);
    expect((await scraper.get('/admin/directory-activity')).status).toBe(403);
    expect((await employee.get('/admin/directory-activity')).status).toBe(403);
  }, 60_000);
});
