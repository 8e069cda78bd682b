/**
 * News in a real browser: the operator writes a post in Japanese and English with a cover
 * image, previews it and publishes it for alumni; an alumnus (roster import → invitation →
 * joining) reads it in Japanese, switches to English, reacts and comments, all with plain
 * forms; the list, the post and the editor pass axe; on a 375 px phone nothing scrolls sideways.
 */
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fmt } from '../src/shared/i18n/index.ts';
import { checkA11y, checkAndShoot, horizontalOverflow, navigation, pageErrors, readMail, shot, visit } from './harness.ts';
import { en, h1, ja, NETWORK, networkSuite, signIn } from './flows.ts';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
const HEADERS = ['社員番号', '氏名', 'フリガナ', '部署', '入社日', '退職日', '再雇用可否', '個人メールアドレス', '連絡同意'];
const ALUMNUS = { number: 'N2001', name: '松本 葵', kana: 'マツモト アオイ', email: 'aoi.matsumoto@example.org', password: 'aoi-matsumoto-2024' };

const POST = {
  titleJa: '新しい働き方制度のお知らせ',
  bodyJa: '## 概要\n\n4月から**フレックスタイム制**を全社で導入しました。\n\n- コアタイムなし\n- リモート勤務と併用可\n\n詳しくは [社外向けページ](https://example.com/workstyle) をご覧ください。',
  titleEn: 'Our new way of working',
  bodyEn: '## Summary\n\nFrom April, **flexible hours** apply across the company.\n\n- No core hours\n- Combine with remote work',
};
const COMMENT = '素晴らしい制度ですね。当時あればと思います!';
const N = ja.news;

async function coverPng(): Promise<Buffer> {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="1600" height="900" fill="#12324f"/><circle cx="1200" cy="450" r="300" fill="#0b5cad"/><rect x="120" y="380" width="700" height="140" fill="#ffbf47"/></svg>',
  );
  return sharp(svg).png().toBuffer();
}

async function expectNoSideScroll(page: Page, width: number): Promise<void> {
  const o = await horizontalOverflow(page);
  expect(o.scrollWidth, `${page.url()} scrolls sideways (${o.scrollWidth} px; wide: ${o.widest.join(', ')})`).toBeLessThanOrEqual(width + 1);
}

describe('news', () => {
  const suite = networkSuite();
  const { ready, freshPage } = suite;
  let operator: Page;
  let alumnus: Page;
  beforeAll(() => ({ operator } = suite.current()));

  test('[NEWS] an alumnus joins (roster import → invitation wave)', async () => {
    ready();
    await visit(operator, '/admin/roster/import');
    const csv = Buffer.from(`${HEADERS.join(',')}\r\n${[ALUMNUS.number, '松本\u3000葵', ALUMNUS.kana, '広報部', '2015/04/01', '2022/03/31', '可', ALUMNUS.email, '有'].join(',')}\r\n`, 'utf8');
    await operator.setInputFiles('#f-file', { name: 'leavers.csv', mimeType: 'text/csv', buffer: csv });
    expect(await navigation(operator, () => operator.click('form[action="/admin/roster/import"] button[type="submit"]'))).toBe(200);
    await navigation(operator, () => operator.click('main form[action$="/commit"] button[type="submit"]'));
    await operator.locator('main h1', { hasText: ja.roster.doneTitle }).waitFor({ timeout: 30_000 });
    await visit(operator, '/admin/invitations/new');
    await operator.getByLabel('広報部', { exact: true }).check();
    await operator.check('input[name="basis"][value="consent_import"]');
    expect(await navigation(operator, () => operator.click('form[action="/admin/invitations/new"] button[type="submit"]'))).toBe(200);
    const preview = operator.locator('main section[aria-labelledby="preview-title"]');
    await preview.locator('#f-name').fill('広報部 OB・OG');
    await preview.locator('#f-locale').selectOption('ja');
    expect(await navigation(operator, () => preview.locator('button[type="submit"]').click())).toBe(200);

    const mail = await readMail(ALUMNUS.email, fmt(ja.mail.invitation.subject, { network: NETWORK.nameJa }));
    alumnus = await freshPage();
    expect(await visit(alumnus, mail.link!)).toBe(200);
    await alumnus.fill('#f-password', ALUMNUS.password);
    await alumnus.fill('#f-passwordConfirm', ALUMNUS.password);
    for (const id of ['#f-consentPurpose', '#f-consentRules', '#f-consentContact']) await alumnus.check(id);
    expect(await navigation(alumnus, () => alumnus.click('form[action="/join"] button[type="submit"]'))).toBe(200);
    expect(new URL(alumnus.url()).pathname).toBe('/');
  });

  test('[NEWS][EDITOR] the operator writes in Japanese and English, previews, adds a cover and publishes for alumni', async () => {
    ready();
    expect(await visit(operator, '/admin/news/new')).toBe(200);
    await checkAndShoot(operator, 'news-editor-empty');
    const form = operator.locator('main form[action="/admin/news/new"]');
    await form.locator('#f-titleJa').fill(POST.titleJa);
    await form.locator('#f-bodyJa').fill(POST.bodyJa);
    await form.locator('#f-titleEn').fill(POST.titleEn);
    await form.locator('#f-bodyEn').fill(POST.bodyEn);
    await form.locator('#f-category').selectOption('workstyle');
    await form.getByLabel(N.audiences.alumni, { exact: true }).check();
    await form.getByLabel(ja.profiles.wants.information, { exact: true }).check();

    // Preview: shown on the same page, nothing saved.
    expect(await navigation(operator, () => form.locator('button[value="preview"]').click())).toBe(200);
    const previewed = operator.locator('main section.news-preview');
    await expect.poll(() => previewed.locator('h2').allTextContents()).toContain(POST.titleJa);
    expect(await previewed.locator('h2').allTextContents()).toContain(POST.titleEn);
    expect(await previewed.locator('[lang="en"] strong').first().textContent()).toBe('flexible hours');
    await checkAndShoot(operator, 'news-editor-preview');

    // The values are kept; the cover (a file input) is chosen now.
    const again = operator.locator('main form[action="/admin/news/new"]');
    expect(await again.locator('#f-titleEn').inputValue()).toBe(POST.titleEn);
    await again.locator('#f-cover').setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: await coverPng() });
    expect(await navigation(operator, () => again.locator('button[value="publish"]').click())).toBe(200);
    expect(new URL(operator.url()).pathname).toBe('/admin/news');
    const main = (await operator.locator('main').textContent()) ?? '';
    expect(main).toContain(N.editor.publishedDone);
    expect(main).toContain(POST.titleJa);
    expect(main).toContain(N.audiences.alumni);
    await checkAndShoot(operator, 'news-admin-list');
  });

  test('[NEWS][READ] the alumnus reads it in Japanese, switches to English, reacts and comments', async () => {
    ready();
    const errors = pageErrors(alumnus);
    expect(await visit(alumnus, '/news')).toBe(200);
    const card = alumnus.locator('main article.news-card').first();
    expect(await card.locator('h2').textContent()).toBe(POST.titleJa);
    await checkAndShoot(alumnus, 'news-list-ja');

    expect(await navigation(alumnus, () => card.locator('h2 a').click())).toBe(200);
    expect(await h1(alumnus)).toBe(POST.titleJa);
    const cover = alumnus.locator('main img.news-cover--hero');
    await expect.poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1600);
    expect(await alumnus.locator('main .news-body h4').first().textContent()).toBe('概要');
    await checkAndShoot(alumnus, 'news-post-ja');

    // The post's own link to the other language switches the page (and the version).
    expect(await navigation(alumnus, () => alumnus.getByRole('link', { name: fmt(N.readIn, { language: N.languages.en }) }).click())).toBe(200);
    expect(await alumnus.locator('html').getAttribute('lang')).toBe('en');
    expect(await h1(alumnus)).toBe(POST.titleEn);
    await checkA11y(alumnus, 'news-post-en');

    // React: a plain form button; pressing it again would take it back.
    const like = alumnus.locator('main button[name="reaction"][value="like"]');
    expect(await like.getAttribute('aria-pressed')).toBe('false');
    expect(await navigation(alumnus, () => like.click())).toBe(200);
    expect(await alumnus.locator('main button[name="reaction"][value="like"]').getAttribute('aria-pressed')).toBe('true');
    expect(await alumnus.locator('main button[value="like"] .reaction__count').textContent()).toBe('1');

    // Comment (an empty one first: 422 with the error summary).
    expect(await navigation(alumnus, () => alumnus.locator('main form[action$="/comments"] button[type="submit"]').click())).toBe(422);
    expect(await alumnus.locator('.error-summary').textContent()).toContain(en.news.errors.commentRequired);
    await alumnus.fill('#f-body', COMMENT);
    expect(await navigation(alumnus, () => alumnus.locator('main form[action$="/comments"] button[type="submit"]').click())).toBe(200);
    expect(await alumnus.locator('main .news-comment__body').last().textContent()).toContain(COMMENT);
    await checkAndShoot(alumnus, 'news-post-en-commented');
    expect(errors).toEqual([]);
  });

  test('[NEWS][PHONE] list, post and editor on a 375 px phone', async () => {
    ready();
    const phone = await freshPage(PHONE);
    await signIn(phone, ALUMNUS.email, ALUMNUS.password);
    for (const [url, name] of [
      ['/news?lang=ja', 'news-list-phone'],
      [await alumnus.evaluate(() => location.pathname), 'news-post-phone'],
    ] as const) {
      expect(await visit(phone, url)).toBe(200);
      await expectNoSideScroll(phone, 375);
      await shot(phone, name);
    }
    const { secret } = suite.current();
    const editor = await freshPage(PHONE);
    const { OPERATOR } = await import('./flows.ts');
    await signIn(editor, OPERATOR.email, OPERATOR.password, secret);
    expect(await visit(editor, '/admin/news/new')).toBe(200);
    await expectNoSideScroll(editor, 375);
    await shot(editor, 'news-editor-phone');
    expect(await visit(editor, '/admin/news')).toBe(200);
    await shot(editor, 'news-admin-phone');
  });
});
