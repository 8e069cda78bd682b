/**
 * Every visibility × every viewer. Alice, an alumna, fills every field with a unique marker;
 * round by round her fields take every visibility, and each kind of viewer (alumnus,
 * employee, manager, community manager, operator and Alice herself) must see a field's
 * marker on her profile page, on her directory card and in search and filter matches
 * exactly when the field's visibility reaches the viewer's audience.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type PersonKind, type TestApp, type TestResponse, type TestUser } from '../../../test/app.ts';
import { departments, rosterEntries, VISIBILITIES, type Audience, type Visibility } from '../../db/schema.ts';
import { PROFILE_FIELDS, type ProfileField } from './profile.fields.ts';
import { messages } from '../../shared/i18n/index.ts';

const ja = messages('ja');

let t: TestApp;
let alice: TestUser;
let aliceClient: Client;
let deptId: string;
let photoPath: string;
const viewers = new Map<PersonKind, Client>();

const KINDS: readonly PersonKind[] = ['alumnus', 'employee', 'manager', 'community_manager', 'operator'];
const AUDIENCE: Record<PersonKind, Audience> = { alumnus: 'alumni', employee: 'staff', manager: 'staff', community_manager: 'staff', operator: 'staff' };

const TAG = Date.now().toString(36);
const DEPT_NAME = `鵺観測部${TAG}`;

/** Alice's values: every one unique in the app, none a piece of another. */
const V = {
  name: '鵺野 有栖',
  nameKana: 'ぬえの ありす',
  nameRomaji: 'Qzromaji Alyss',
  currentEmployer: 'Qzemployer株式会社',
  currentTitle: 'Qztitle課長',
  skill: 'Qzskill',
  achievements: 'Qzachievement 二十件',
  careerEmployer: 'Qzcareeremp',
  careerTitle: 'Qzcareertitle',
  bioJa: '鵺自己紹介文です',
  bioEn: 'Qzbioen text',
  linkLabel: 'Qzlinklabel',
  linkUrl: 'https://qzlink.example/page',
};

/** What shows a field on a page (its marker), per field. */
const MARKERS: Record<ProfileField, string[]> = {
  name: [V.name],
  nameKana: [V.nameKana],
  nameRomaji: ['Qzromaji'],
  photo: [], // filled in once the photo is uploaded
  currentEmployer: ['Qzemployer'],
  currentTitle: ['Qztitle'],
  industry: ['エネルギー・インフラ'],
  location: ['沖縄県'],
  skills: [V.skill],
  achievements: ['Qzachievement'],
  career: [V.careerEmployer, V.careerTitle],
  links: [V.linkLabel, 'qzlink.example'],
  bio: [V.bioJa, 'Qzbioen'],
  wants: ['メンターを探している'],
  tenure: [DEPT_NAME],
};

/** Fields the directory card holds (the others never appear in a list). */
const CARD_FIELDS: readonly ProfileField[] = ['name', 'nameKana', 'photo', 'currentEmployer', 'currentTitle', 'industry', 'location', 'skills', 'tenure'];

/** Search queries that only a value of one field can match (the name is searched for the card check; folding itself is tested in directory.test.ts). */
const SEARCHES: readonly { field: ProfileField; q: string }[] = [
  { field: 'nameKana', q: 'ぬえの' },
  { field: 'nameKana', q: 'nueno' }, // romaji derived from the kana reading
  { field: 'nameRomaji', q: 'QZROMAJI' },
  { field: 'currentEmployer', q: 'qzemployer' },
  { field: 'currentTitle', q: 'Qztitle' },
  { field: 'skills', q: 'qzskill' },
  { field: 'achievements', q: 'Qzachievement' },
  { field: 'career', q: 'Qzcareeremp' },
  { field: 'bio', q: '鵺自己紹介' },
  { field: 'bio', q: 'qzbioen' },
];

/** Filters that only a value of one field can satisfy (the query string is built per test). */
const FILTERS: readonly { field: ProfileField; query: () => string }[] = [
  { field: 'industry', query: () => 'industry=energy' },
  { field: 'location', query: () => 'prefecture=47' },
  { field: 'wants', query: () => 'wants=mentor' },
  { field: 'skills', query: () => `skill=${encodeURIComponent('ＱＺＳＫＩＬＬ')}` },
  { field: 'tenure', query: () => `department=${deptId}` },
  { field: 'tenure', query: () => 'leftFrom=2019&leftTo=2019' },
];

function formWith(vis: Record<ProfileField, Visibility>): Record<string, string> {
  return {
    name: V.name,
    nameKana: V.nameKana,
    nameRomaji: V.nameRomaji,
    currentEmployer: V.currentEmployer,
    currentTitle: V.currentTitle,
    industry: 'energy',
    country: 'JP',
    prefecture: '47',
    skills: V.skill,
    achievements: V.achievements,
    bioJa: V.bioJa,
    bioEn: V.bioEn,
    contact: 'yes',
    want_mentor: 'on',
    link_0_label: V.linkLabel,
    link_0_url: V.linkUrl,
    career_0_employer: V.careerEmployer,
    career_0_title: V.careerTitle,
    career_0_from: '2019-04',
    career_0_to: '2021-03',
    ...Object.fromEntries(PROFILE_FIELDS.map((f) => [`vis_${f}`, vis[f]])),
  };
}

/** Round r: field i gets VISIBILITIES[(i + r) % 4]; the name, which cannot be private, gets network instead. */
function cyclicRound(r: number): Record<ProfileField, Visibility> {
  return Object.fromEntries(
    PROFILE_FIELDS.map((f, i) => {
      const v = VISIBILITIES[(i + r) % 4]!;
      return [f, f === 'name' && v === 'private' ? 'network' : v];
    }),
  ) as Record<ProfileField, Visibility>;
}

/**
 * In the cyclic rounds, the round that gives a field "staff" (or "alumni") can be the round
 * whose name hides Alice from that audience altogether; this round shows those pairs.
 */
function complementRound(): Record<ProfileField, Visibility> {
  const cycle: Visibility[] = ['private', 'staff', 'network', 'alumni'];
  return Object.fromEntries(PROFILE_FIELDS.map((f, i) => [f, f === 'name' ? 'network' : cycle[i % 4]!])) as Record<ProfileField, Visibility>;
}

const ROUNDS: { label: string; vis: () => Record<ProfileField, Visibility> }[] = [
  ...[0, 1, 2, 3].map((r) => ({ label: `cyclic round ${r} (name: ${cyclicRound(r).name})`, vis: () => cyclicRound(r) })),
  { label: 'complement round (name: network)', vis: complementRound },
];

function resultsOf(html: string): string {
  const start = html.indexOf('<section aria-labelledby="results-h"');
  if (start < 0) throw new Error(`no results section in:\n${html.slice(0, 500)}`);
  return html.slice(start, html.indexOf('</section>', start));
}

const listsAlice = (res: TestResponse) => resultsOf(res.body).includes(`href="/members/${alice.id}"`);

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  alice = await t.createUser('alumnus', { name: V.name });
  aliceClient = await t.newSession(alice);
  const [dept] = await t.db.insert(departments).values({ code: `VIS-${TAG}`, nameJa: DEPT_NAME, nameEn: `Nue Observation ${TAG}` }).returning();
  deptId = dept!.id;
  await t.db.insert(rosterEntries).values({ employeeNumber: `VIS-${TAG}`, name: V.name, departmentId: deptId, joinedOn: '2010-04-01', leftOn: '2019-03-31', userId: alice.id });

  // A photo, so its visibility is tested like every other field.
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  const body = new FormData();
  body.set('_csrf', await aliceClient.csrfToken());
  body.set('photo', new File([new Uint8Array(png)], 'alice.png', { type: 'image/png' }));
  const up = await aliceClient.request('POST', '/profile/photo', { headers: { origin: new URL(t.config.baseUrl).origin }, body });
  expect(up.status).toBe(303);
  const own = await aliceClient.get('/profile');
  const match = new RegExp(`/members/${alice.id}/photo/[A-Za-z0-9_-]{22}\\.webp`).exec(own.body);
  expect(match).not.toBeNull();
  photoPath = match![0];
  MARKERS.photo = [photoPath];

  for (const kind of KINDS) viewers.set(kind, (await t.signedIn(kind)).client);
});

afterAll(async () => {
  await t?.close();
});

describe('every visibility × every viewer', () => {
  it.each(ROUNDS)('$label', async ({ vis: make }) => {
    const vis = make();
    const saved = await aliceClient.post('/profile/edit', formWith(vis));
    expect(saved.status, saved.body.slice(0, 2000)).toBe(303);

    const problems: string[] = [];
    const check = (what: string, actual: boolean, expected: boolean) => {
      if (actual !== expected) problems.push(`${what}: expected ${expected ? 'present' : 'absent'}`);
    };

    for (const kind of KINDS) {
      const client = viewers.get(kind)!;
      const audience = AUDIENCE[kind];
      const sees = (field: ProfileField) => vis[field] === 'network' || vis[field] === audience;
      const findable = sees('name');

      // The profile page: 404 when the name is not for this audience, otherwise exactly the visible fields.
      const page = await client.get(`/members/${alice.id}`);
      if (!findable) {
        check(`${kind}: /members/:id is 404 (name ${vis.name})`, page.status === 404, true);
        for (const markers of Object.values(MARKERS)) for (const m of markers) check(`${kind}: 404 page mentions ${m}`, page.body.includes(m), false);
      } else {
        check(`${kind}: /members/:id is 200`, page.status === 200, true);
        for (const field of PROFILE_FIELDS) {
          for (const m of MARKERS[field]) check(`${kind}: profile page shows ${field} (${vis[field]}) via ${m}`, page.body.includes(m), sees(field));
        }
      }

      // The photo itself.
      const photo = await client.get(photoPath);
      check(`${kind}: photo (${vis.photo}, name ${vis.name}) is served`, photo.status === 200, findable && sees('photo'));
      if (photo.status !== 200) check(`${kind}: photo answer is 404`, photo.status === 404, true);

      // The directory card, found by the name.
      const byName = await client.get(`/members?q=${encodeURIComponent('鵺野')}`);
      check(`${kind}: listed by name`, listsAlice(byName), findable);
      const list = resultsOf(byName.body);
      for (const field of PROFILE_FIELDS) {
        const onCard = CARD_FIELDS.includes(field) && findable && sees(field);
        for (const m of MARKERS[field]) check(`${kind}: list shows ${field} (${vis[field]}) via ${m}`, list.includes(m), onCard);
      }

      // Search matches only visible values.
      for (const { field, q } of SEARCHES) {
        const res = await client.get(`/members?q=${encodeURIComponent(q)}`);
        check(`${kind}: search "${q}" finds Alice (${field} ${vis[field]}, name ${vis.name})`, listsAlice(res), findable && sees(field));
      }
      // Filters likewise.
      for (const { field, query } of FILTERS) {
        const res = await client.get(`/members?${query()}`);
        check(`${kind}: filter ${query()} finds Alice (${field} ${vis[field]}, name ${vis.name})`, listsAlice(res), findable && sees(field));
      }
    }

    // Alice herself: everything on /profile, never herself in a search.
    const own = await aliceClient.get('/profile');
    expect(own.status).toBe(200);
    for (const field of PROFILE_FIELDS) for (const m of MARKERS[field]) check(`self: /profile shows ${field} via ${m}`, own.body.includes(m), true);
    const selfPage = await aliceClient.get(`/members/${alice.id}`);
    check('self: /members/<own id> redirects to /profile', selfPage.status === 303 && selfPage.location === '/profile', true);
    check('self: own photo is served', (await aliceClient.get(photoPath)).status === 200, true);
    for (const q of ['鵺野', 'nueno', 'qzskill']) check(`self: search "${q}" lists Alice`, listsAlice(await aliceClient.get(`/members?q=${encodeURIComponent(q)}`)), false);
    check('self: filter by her department lists Alice', listsAlice(await aliceClient.get(`/members?department=${deptId}`)), false);

    // Her previews show exactly what each audience sees.
    for (const audience of ['alumni', 'staff'] as const) {
      const preview = await aliceClient.get(`/profile?as=${audience}`);
      const nameSeen = vis.name === 'network' || vis.name === audience;
      // An audience that may not see her name cannot see her profile at all: the preview says so and shows no field.
      const sees = (field: ProfileField) => nameSeen && (vis[field] === 'network' || vis[field] === audience);
      check(`preview as ${audience}: says the profile is hidden (name ${vis.name})`, preview.body.includes(ja.profiles.previewHidden.split('{audience}')[1]!.slice(0, 12)), !nameSeen);
      for (const field of PROFILE_FIELDS) {
        if (field === 'name' || field === 'photo') continue; // the preview shows her name and photo controls regardless
        for (const m of MARKERS[field]) check(`preview as ${audience}: ${field} (${vis[field]}) via ${m}`, preview.body.includes(m), sees(field));
      }
    }

    expect(problems).toEqual([]);
  });
});
