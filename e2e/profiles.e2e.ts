/**
 * Profiles and the directory: an alumna edits her profile field by field with who may see
 * each one and previews it as alumni and as company staff; another alumnus and an employee
 * look her up by kana, katakana and romaji and see only what their audience may see; the
 * same with JavaScript off; a block hides the two from each other. Accounts come the
 * product's way: a roster import and an invitation wave for the alumni, a staff invitation
 * for the employee. Pages are checked with axe and photographed on a desktop and a 375 px phone.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkA11y, checkAndShoot, horizontalOverflow, navigation, pageErrors, readMail, shot, visit } from './harness.ts';
import { h1, ja, mailSubject, NETWORK, networkSuite } from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const HEADERS = ['社員番号', '氏名', 'フリガナ', '部署', '入社日', '退職日', '再雇用可否', '個人メールアドレス', '連絡同意'];

/** The alumna whose profile the spec is about. The roster has her reading in katakana; she writes it in hiragana. */
const ALUMNA = { number: 'P1001', name: '佐々木 遥', rosterKana: 'ササキ ハルカ', kana: 'ささき はるか', email: 'haruka.sasaki@example.com', password: 'haruka-sasaki-2024' };
/** Another alumnus, from the same department. */
const ALUMNUS = { number: 'P1002', name: '藤原 拓海', kana: 'フジワラ タクミ', email: 'takumi.fujiwara@example.net', password: 'takumi-fujiwara-2024' };
const EMPLOYEE = { name: '高橋 誠', nameKana: 'たかはし まこと', email: 'makoto.takahashi@toho-seiki.example.jp', password: 'makoto-takahashi-2024' };

const ROWS: string[][] = [
  [ALUMNA.number, '佐々木\u3000遥', ALUMNA.rosterKana, '営業部', '2012/04/01', '2019/03/31', '可', ALUMNA.email, '有'],
  [ALUMNUS.number, '藤原\u3000拓海', ALUMNUS.kana, '営業部', '2014/04/01', '2021/09/30', '可', ALUMNUS.email, '有'],
];

/** What she writes, and for whom: employer alumni only, title staff only, skills everyone, bio herself only. */
const PROFILE = {
  employer: '株式会社みなと技研',
  title: 'シニアデータサイエンティスト',
  skills: ['Python', '機械学習', 'SQL'],
  bio: '営業部で7年間、法人営業を担当しました。退職後は需要予測の仕事をしています。気軽に声をかけてください。',
};
/** Her new employer, saved later with JavaScript off. */
const NEW_EMPLOYER = '合同会社ひかり解析';

const P = ja.profiles;
const D = P.directory;
const visLabel = (field: keyof typeof P.fields) => fmt(P.visibility.label, { field: P.fields[field] });

function csvUtf8(header: string[], rows: string[][]): Buffer {
  return Buffer.from([header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8');
}

async function mainText(page: Page): Promise<string> {
  return (await page.locator('main').textContent()) ?? '';
}

/** The result list's member cards (not the "former colleagues" suggestions). */
function resultCards(page: Page) {
  return page.locator('main section[aria-labelledby="results-h"] li.member-card');
}

/** Names on the result list. */
async function hitNames(page: Page): Promise<string[]> {
  return (await resultCards(page).locator('.member-card__name a').allTextContents()).map((t) => t.trim());
}

/** Searches the directory with its form (a GET form: works without JavaScript); returns the names found. */
async function search(page: Page, q: string): Promise<string[]> {
  if (new URL(page.url()).pathname !== '/members') expect(await visit(page, '/members')).toBe(200);
  const form = page.locator('main form[role="search"]');
  await form.locator('#f-q').fill(q);
  expect(await navigation(page, () => form.locator('.search-row button[type="submit"]').click())).toBe(200);
  const url = new URL(page.url());
  expect(url.pathname).toBe('/members');
  expect(url.searchParams.get('q')).toBe(q);
  expect(await page.inputValue('#f-q'), 'the query stays in the box').toBe(q);
  const names = await hitNames(page);
  if (names.length === 0) expect(await page.locator('main section[aria-labelledby="results-h"]').textContent()).toContain(D.none);
  return names;
}

/**
 * Text fields, selects and text areas of the profile editor narrower than their field (a
 * control the style sheet left unstyled: small, thin-bordered, a hard target on a phone).
 */
async function narrowControls(page: Page): Promise<string[]> {
  return page.locator('main form.profile-form').evaluate((form) =>
    [...form.querySelectorAll('input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]), select, textarea')]
      .filter((el) => {
        const field = el.closest('.field');
        return field !== null && el.getBoundingClientRect().width < field.getBoundingClientRect().width - 1;
      })
      .map((el) => `#${el.id} (${el.getAttribute('type') ?? el.tagName.toLowerCase()}, ${Math.round(el.getBoundingClientRect().width)}×${Math.round(el.getBoundingClientRect().height)} px)`),
  );
}

async function expectNoSideScroll(page: Page, width: number): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${page.url()} scrolls sideways (${o.scrollWidth} px; wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(width + 1);
}

describe('profiles and the directory', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  beforeAll(() => ({ operator } = suite.current()));

  interface People {
    /** The alumna, the other alumnus and the employee, each signed in in their own browser. */
    alumna: Page;
    alumnus: Page;
    employee: Page;
  }
  let people: Promise<People> | undefined;

  /** An alumnus joins from the invitation e-mail; ends signed in on '/'. */
  async function join(person: { name: string; email: string; password: string }, kana: string): Promise<Page> {
    const mail = await readMail(person.email, fmt(ja.mail.invitation.subject, { network: NETWORK.nameJa }));
    const page = await freshPage();
    expect(await visit(page, mail.link!)).toBe(200);
    expect(await page.inputValue('#f-name')).toBe(person.name);
    expect(await page.inputValue('#f-nameKana')).toBe(kana);
    await page.fill('#f-password', person.password);
    await page.fill('#f-passwordConfirm', person.password);
    for (const id of ['#f-consentPurpose', '#f-consentRules', '#f-consentContact']) await page.check(id);
    expect(await navigation(page, () => page.click('form[action="/join"] button[type="submit"]'))).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await h1(page)).toBe(fmt(ja.home.welcome, { name: person.name }));
    return page;
  }

  /** A staff member accepts the invitation e-mail; ends signed in on '/'. */
  async function acceptStaffInvitation(person: { name: string; nameKana: string; email: string; password: string }): Promise<Page> {
    const mail = await readMail(person.email, mailSubject('ja', 'staffInvitation', { role: ja.roles.employee }));
    const page = await freshPage();
    expect(await visit(page, mail.link!)).toBe(200);
    await page.fill('#f-name', person.name);
    await page.fill('#f-nameKana', person.nameKana);
    await page.fill('#f-password', person.password);
    await page.fill('#f-passwordConfirm', person.password);
    await navigation(page, () => page.click('form[action="/invite/staff"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/');
    return page;
  }

  /**
   * The two alumni (roster import → invitation wave → joining) and an employee (staff
   * invitation). Made once, by the first test that needs them; a failure fails every test.
   */
  function setUpPeople(): Promise<People> {
    people ??= (async () => {
      await visit(operator, '/admin/roster/import');
      await operator.setInputFiles('#f-file', { name: 'leavers.csv', mimeType: 'text/csv', buffer: csvUtf8(HEADERS, ROWS) });
      expect(await navigation(operator, () => operator.click('form[action="/admin/roster/import"] button[type="submit"]'))).toBe(200);
      await navigation(operator, () => operator.click('main form[action$="/commit"] button[type="submit"]'));
      await operator.locator('main h1', { hasText: ja.roster.doneTitle }).waitFor({ timeout: 30_000 });

      await visit(operator, '/admin/invitations/new');
      await operator.getByLabel('営業部', { exact: true }).check();
      await operator.check('input[name="basis"][value="consent_import"]');
      expect(await navigation(operator, () => operator.click('form[action="/admin/invitations/new"] button[type="submit"]'))).toBe(200);
      const preview = operator.locator('main section[aria-labelledby="preview-title"]');
      await preview.locator('#f-name').fill('営業部 OB・OG');
      await preview.locator('#f-locale').selectOption('ja');
      expect(await navigation(operator, () => preview.locator('button[type="submit"]').click())).toBe(200);

      await visit(operator, '/admin/people');
      const invite = operator.locator('form[action="/admin/people/invite"]');
      await invite.locator('input[name="email"]').fill(EMPLOYEE.email);
      await invite.locator('select[name="role"]').selectOption('employee');
      await invite.locator('select[name="locale"]').selectOption('ja');
      expect(await navigation(operator, () => invite.locator('button[type="submit"]').click())).toBe(200);

      // The three accept in their own browsers at the same time.
      const [alumna, alumnus, employee] = await Promise.all([join(ALUMNA, ALUMNA.rosterKana), join(ALUMNUS, ALUMNUS.kana), acceptStaffInvitation(EMPLOYEE)]);
      expect(await employee.locator('footer').textContent()).toContain(ja.roles.employee);
      return { alumna, alumnus, employee };
    })();
    return people;
  }

  /** The alumna's profile address, as the directory links it (set by the alumni spec). */
  let profileUrl = '';

  test('[PROFILES][EDIT] an alumna chooses who sees each field and previews it as alumni and as staff', async () => {
    ready();
    const { alumna: page } = await setUpPeople();

    expect(await visit(page, '/profile/edit')).toBe(200);
    expect(await h1(page)).toBe(P.editTitle);
    const form = page.locator('main form.profile-form');
    // Prefilled from the roster and the invitation.
    expect(await page.inputValue('#f-name')).toBe(ALUMNA.name);
    expect(await form.getByLabel(P.fields.nameKana, { exact: true }).inputValue()).toBe(ALUMNA.rosterKana);

    await form.getByLabel(P.fields.nameKana, { exact: true }).fill(ALUMNA.kana);
    await form.getByLabel(P.fields.currentEmployer, { exact: true }).fill(PROFILE.employer);
    await form.getByLabel(visLabel('currentEmployer'), { exact: true }).selectOption({ label: P.visibility.alumni });
    await form.getByLabel(P.fields.currentTitle, { exact: true }).fill(PROFILE.title);
    await form.getByLabel(visLabel('currentTitle'), { exact: true }).selectOption({ label: P.visibility.staff });
    await form.getByLabel(P.fields.skills, { exact: true }).fill(PROFILE.skills.join('\n'));
    await form.getByLabel(visLabel('skills'), { exact: true }).selectOption({ label: P.visibility.network });
    await form.getByLabel(P.fields.bioJa, { exact: true }).fill(PROFILE.bio);
    await form.getByLabel(visLabel('bio'), { exact: true }).selectOption({ label: P.visibility.private });
    // The name cannot be "only me" (hiding from the directory is the way to disappear).
    const nameChoices = (await form.getByLabel(visLabel('name'), { exact: true }).locator('option').allTextContents()).map((t) => t.trim());
    expect(nameChoices).not.toContain(P.visibility.private);
    await checkA11y(page, 'profile-edit-ja');
    await shot(page, 'profile-edit-1280-ja');
    // Every text field, list and text box fills its column (soft: nothing later depends on it).
    expect.soft(await narrowControls(page), 'editor controls narrower than their field (1280 px)').toEqual([]);

    expect(await navigation(page, () => form.locator('button[type="submit"]').click())).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/profile');
    expect(await page.locator('main [role="status"]').textContent()).toContain(P.saved);

    // Her own view: everything, each section marked with who sees it.
    const own = await mainText(page);
    for (const s of [ALUMNA.name, ALUMNA.kana, PROFILE.employer, PROFILE.title, PROFILE.bio, ...PROFILE.skills]) expect(own).toContain(s);
    const tabs = page.locator('main nav.tabs');
    expect(await tabs.getAttribute('aria-label')).toBe(P.previewAs);
    expect(await tabs.locator('a[aria-current="page"]').textContent()).toBe(P.previewSelf);
    const bioSection = page.locator('main .profile section.card', { has: page.locator('h2', { hasText: P.fields.bio }) });
    expect(await bioSection.locator('h2 .badge').textContent()).toContain(P.visibility.private);
    const skillsSection = page.locator('main .profile section.card', { has: page.locator('h2', { hasText: P.fields.skills }) });
    expect(await skillsSection.locator('h2 .badge').textContent()).toContain(P.visibility.network);
    await checkA11y(page, 'profile-own-ja');

    // As alumni see it: the employer, not the title nor the bio.
    expect(await navigation(page, () => tabs.getByRole('link', { name: P.previewAlumni, exact: true }).click())).toBe(200);
    expect(page.url()).toMatch(/\/profile\?as=alumni$/);
    expect(await page.locator('main nav.tabs a[aria-current="page"]').textContent()).toBe(P.previewAlumni);
    expect(await page.locator('main p.notice').textContent()).toBe(fmt(P.previewNote, { audience: D.audienceAlumni }));
    let text = await mainText(page);
    expect(text).toContain(PROFILE.employer);
    for (const s of PROFILE.skills) expect(text).toContain(s);
    expect(text).not.toContain(PROFILE.title);
    expect(text).not.toContain(PROFILE.bio);
    expect(await page.locator('main .profile .badge').count(), 'a preview shows no visibility badges').toBe(0);
    await checkAndShoot(page, 'profile-as-alumni-ja');

    // As the company's staff see it: the title, not the employer nor the bio.
    expect(await navigation(page, () => page.locator('main nav.tabs').getByRole('link', { name: P.previewStaff, exact: true }).click())).toBe(200);
    expect(page.url()).toMatch(/\/profile\?as=staff$/);
    text = await mainText(page);
    expect(text).toContain(PROFILE.title);
    for (const s of PROFILE.skills) expect(text).toContain(s);
    expect(text).not.toContain(PROFILE.employer);
    expect(text).not.toContain(PROFILE.bio);

    // The editor on a phone shows what was saved, without sideways scrolling.
    const phone = await freshPage({ ...PHONE, storageState: await page.context().storageState() });
    expect(await visit(phone, '/profile/edit')).toBe(200);
    expect(await phone.inputValue('#f-nameKana')).toBe(ALUMNA.kana);
    expect(await phone.inputValue('#f-currentEmployer')).toBe(PROFILE.employer);
    expect(await phone.inputValue('#f-vis_currentEmployer')).toBe('alumni');
    expect(await phone.inputValue('#f-vis_currentTitle')).toBe('staff');
    expect(await phone.inputValue('#f-vis_skills')).toBe('network');
    expect(await phone.inputValue('#f-vis_bio')).toBe('private');
    expect(await phone.inputValue('#f-skills')).toBe(PROFILE.skills.join('\n'));
    await expectNoSideScroll(phone, 375);
    await shot(phone, 'profile-edit-375-ja');
    expect.soft(await narrowControls(phone), 'editor controls narrower than their field (375 px)').toEqual([]);

    for (const p of [page, phone]) expect(pageErrors(p)).toEqual([]);
  });

  test('[PROFILES][ALUMNI] another alumnus finds her by katakana and romaji and sees only what alumni may', async () => {
    ready();
    const { alumnus: page } = await setUpPeople();

    expect(await visit(page, '/members')).toBe(200);
    expect(await h1(page)).toBe(D.title);
    expect(await mainText(page)).toContain(fmt(D.intro, { audience: D.audienceAlumni }));

    expect(await search(page, 'ササキ')).toEqual([ALUMNA.name]);
    const card = resultCards(page).first();
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain(ALUMNA.kana);
    expect(cardText).toContain(PROFILE.employer);
    expect(cardText).not.toContain(PROFILE.title);
    // Her title is for the company's staff only: alumni cannot find her by it …
    expect(await search(page, PROFILE.title)).toEqual([]);
    // … nor by her bio, which is hers alone.
    expect(await search(page, '需要予測')).toEqual([]);
    // Romaji made from her reading, together with a skill she shows everyone (all words must match).
    expect(await search(page, `Sasaki ${PROFILE.skills[1]!}`)).toEqual([ALUMNA.name]);
    expect(await search(page, 'sasaki')).toEqual([ALUMNA.name]);

    // The list with a result: axe, a desktop and a phone picture.
    await checkAndShoot(page, 'members-results-1280-ja');
    const storageState = await page.context().storageState();
    const phone = await freshPage({ ...PHONE, storageState });
    expect(await visit(phone, page.url())).toBe(200);
    expect(await hitNames(phone)).toEqual([ALUMNA.name]);
    await expectNoSideScroll(phone, 375);
    await shot(phone, 'members-results-375-ja');

    // Her profile: the employer, not the title nor the bio.
    const link = resultCards(page).first().locator('.member-card__name a');
    profileUrl = (await link.getAttribute('href'))!;
    expect(profileUrl).toMatch(/^\/members\/[^/]+$/);
    expect(await navigation(page, () => link.click())).toBe(200);
    expect(new URL(page.url()).pathname).toBe(profileUrl);
    expect(await h1(page)).toBe(ALUMNA.name);
    const text = await mainText(page);
    expect(text).toContain(ALUMNA.kana);
    expect(text).toContain(PROFILE.employer);
    for (const s of PROFILE.skills) expect(text).toContain(s);
    expect(text).not.toContain(PROFILE.title);
    expect(text).not.toContain(PROFILE.bio);
    expect(await page.locator('main section.card h2', { hasText: P.fields.bio }).count()).toBe(0);
    expect(await page.locator('main .profile .badge').count(), 'no visibility badges on another member').toBe(0);
    expect(await page.locator('main a[href="/members"]').textContent()).toBe(P.profile.backToDirectory);
    expect(await page.locator(`main a[href$="/hr"]`).count(), 'HR facts are for operators').toBe(0);
    await checkAndShoot(page, 'member-profile-1280-ja');
    expect(await visit(phone, profileUrl)).toBe(200);
    await expectNoSideScroll(phone, 375);
    await shot(phone, 'member-profile-375-ja');

    for (const p of [page, phone]) expect(pageErrors(p)).toEqual([]);
  });

  test('[PROFILES][STAFF] an employee finds her by hiragana and sees the title, not the employer', async () => {
    ready();
    const { employee: page } = await setUpPeople();

    expect(await visit(page, '/members')).toBe(200);
    expect(await mainText(page)).toContain(fmt(D.intro, { audience: D.audienceStaff }));
    // The mirror image of the alumni's view: staff find her by title, not by employer.
    expect(await search(page, PROFILE.employer)).toEqual([]);
    expect(await search(page, PROFILE.title)).toEqual([ALUMNA.name]);
    expect(await search(page, 'ささき')).toEqual([ALUMNA.name]);
    const cardText = (await resultCards(page).first().textContent()) ?? '';
    expect(cardText).toContain(PROFILE.title);
    expect(cardText).not.toContain(PROFILE.employer);
    expect(await navigation(page, () => resultCards(page).first().locator('.member-card__name a').click())).toBe(200);
    expect(await h1(page)).toBe(ALUMNA.name);
    const text = await mainText(page);
    expect(text).toContain(PROFILE.title);
    for (const s of PROFILE.skills) expect(text).toContain(s);
    expect(text).not.toContain(PROFILE.employer);
    expect(text).not.toContain(PROFILE.bio);
    expect(pageErrors(page)).toEqual([]);
  });

  test('[PROFILES][NO-JS] with JavaScript off she saves the editor and he searches and opens her profile', async () => {
    ready();
    const { alumna, alumnus } = await setUpPeople();
    expect(profileUrl, 'the alumni spec must have run').not.toBe('');

    // She changes her employer in the plain POST form.
    const her = await freshPage({ javaScriptEnabled: false, storageState: await alumna.context().storageState() });
    expect(await visit(her, '/profile/edit')).toBe(200);
    await her.getByLabel(P.fields.currentEmployer, { exact: true }).fill(NEW_EMPLOYER);
    expect(await navigation(her, () => her.click('main form.profile-form button[type="submit"]'))).toBe(200);
    expect(new URL(her.url()).pathname).toBe('/profile');
    expect(await her.locator('main [role="status"]').textContent()).toContain(P.saved);
    const own = await mainText(her);
    expect(own).toContain(NEW_EMPLOYER);
    expect(own).not.toContain(PROFILE.employer);

    // He searches (a GET form) and follows the link.
    const him = await freshPage({ javaScriptEnabled: false, storageState: await alumnus.context().storageState() });
    expect(await search(him, PROFILE.employer), 'the old employer is no longer indexed').toEqual([]);
    expect(await search(him, NEW_EMPLOYER)).toEqual([ALUMNA.name]);
    expect(await navigation(him, () => resultCards(him).first().locator('.member-card__name a').click())).toBe(200);
    expect(new URL(him.url()).pathname).toBe(profileUrl);
    const text = await mainText(him);
    expect(text).toContain(NEW_EMPLOYER);
    // The other visibilities came back with the form and were kept: still hidden from alumni.
    expect(text).not.toContain(PROFILE.title);
    expect(text).not.toContain(PROFILE.bio);
    // The block form sits in a <details>: it opens without JavaScript.
    await him.locator('main details > summary').click();
    expect(await him.locator('main details form[action$="/block"] button[type="submit"]').isVisible()).toBe(true);

    for (const p of [her, him]) expect(pageErrors(p)).toEqual([]);
  });

  test('[PROFILES][BLOCK] he blocks her from her profile: neither finds the other any more', async () => {
    ready();
    const { alumna, alumnus: page } = await setUpPeople();
    expect(profileUrl, 'the alumni spec must have run').not.toBe('');

    // Before: she finds him (his reading, in hiragana).
    expect(await search(alumna, 'ふじわら')).toEqual([ALUMNUS.name]);
    const hisProfile = (await resultCards(alumna).first().locator('.member-card__name a').getAttribute('href'))!;

    expect(await visit(page, profileUrl)).toBe(200);
    const details = page.locator('main details', { has: page.locator('summary', { hasText: P.blocks.block }) });
    expect(await details.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    await details.locator('summary').click();
    expect(await details.locator('p').first().textContent()).toBe(fmt(P.blocks.blockConfirm, { name: ALUMNA.name }));
    expect(await navigation(page, () => details.locator('button[type="submit"]').click())).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/members');
    expect(await page.locator('main [role="status"]').textContent()).toContain(fmt(P.blocks.blocked, { name: ALUMNA.name }));

    expect(await search(page, 'sasaki')).toEqual([]);
    expect(await visit(page, profileUrl), 'her profile no longer exists for him').toBe(404);
    // Either way: she no longer finds him, and his profile is gone for her.
    expect(await search(alumna, 'ふじわら')).toEqual([]);
    expect(await visit(alumna, hisProfile)).toBe(404);

    // His list of blocks names her, with a way back.
    expect(await visit(page, '/profile/blocked')).toBe(200);
    expect(await h1(page)).toBe(P.blocks.title);
    const entry = page.locator('main ul.plain-list li', { hasText: ALUMNA.name });
    expect(await entry.count()).toBe(1);
    expect(((await entry.locator('button[type="submit"]').textContent()) ?? '').trim()).toBe(`${P.blocks.unblock}: ${ALUMNA.name}`);
    await checkAndShoot(page, 'profile-blocked-ja');

    // The LinkedIn import page (no file yet).
    expect(await visit(page, '/profile/import')).toBe(200);
    expect(await h1(page)).toBe(P.importer.title);
    await checkA11y(page, 'profile-import-ja');

    for (const p of [page, alumna]) expect(pageErrors(p)).toEqual([]);
  });
});
